/* jiuye messages: the message catalogue (issue 13 item 4, docs/messages.md).
 *
 *   jiuye messages [--key PREFIX]
 *
 * Prints one JSON object per distinct message key, sorted by key: {"key","en","zh","sites":[
 * "src/domain/idcard.c:105", …]}: every jy_err_set2 site linked into this program, with the
 * English and Chinese formats as written (printf conversions and all). The list an officer or
 * a translator reviews, and the one tests/cli/messages_catalogue.sh walks to check that every
 * key has its Chinese text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define USAGE "jiuye messages [--key PREFIX]"
#define USAGE_ZH "jiuye messages [--key 键前缀]"

static int by_key(const void *a, const void *b)
{
    const jy_msg *x = *(const jy_msg *const *)a, *y = *(const jy_msg *const *)b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    c = strcmp(x->file, y->file);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* the path from src/ on ("src/domain/idcard.c"), whatever the build's __FILE__ was */
static const char *short_path(const char *f)
{
    const char *p = strstr(f, "src/");
    return p ? p : f;
}

int jy_cmd_messages(const jy_cli *cli, int argc, char **argv)
{
    (void)cli;
    jy_err err = {0};
    jy_cli_opts o;
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    static const char *const allowed[] = {"key", NULL};
    if (o.npos != 0 || jy_cli_opts_only(&o, allowed, NULL, &err)) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *prefix = jy_cli_opt(&o, "key");
    size_t n = 0;
    const jy_msg *const *cat = jy_msg_catalogue(&n);
    const jy_msg **v = calloc(n ? n : 1, sizeof *v);
    if (!v) return JY_EXIT_FAIL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (cat[i] && (!prefix || strncmp(cat[i]->key, prefix, strlen(prefix)) == 0)) v[k++] = cat[i];
    qsort(v, k, sizeof *v, by_key);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '[');
    for (size_t i = 0; i < k;) {
        size_t j = i;
        if (i) jy_sb_appendc(&sb, ',');
        jy_sb_append(&sb, "\n{");
        jy_sb_json_kv_str(&sb, "key", v[i]->key);
        jy_sb_json_kv_str(&sb, "en", v[i]->en);
        jy_sb_json_kv_str(&sb, "zh", v[i]->zh);
        jy_sb_json_key(&sb, "sites");
        jy_sb_appendc(&sb, '[');
        /* one key, one pair of texts: a site whose texts differ is listed as its own entry so
         * the check sees the disagreement */
        for (; j < k && strcmp(v[j]->key, v[i]->key) == 0 && strcmp(v[j]->en, v[i]->en) == 0 &&
               strcmp(v[j]->zh, v[i]->zh) == 0;
             j++) {
            if (j > i) jy_sb_appendc(&sb, ',');
            jy_sb_appendf(&sb, "\"%s:%d\"", short_path(v[j]->file), v[j]->line);
        }
        jy_sb_append(&sb, "]}");
        i = j;
    }
    jy_sb_append(&sb, "\n]");
    fputs(jy_sb_cstr(&sb), stdout);
    fputc('\n', stdout);
    jy_sb_free(&sb);
    free(v);
    return JY_EXIT_OK;
}
