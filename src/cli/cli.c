/* Helpers shared by the commands (output, opening the store in the actor's area); see cli.h. */
#include "cli/cli.h"

#include "domain/mask.h"
#include "service/ledger.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Personal data is masked in whatever a command prints (issue 11 item 6, docs/privacy.md); the
 * unmasked view is cli_privacy.h's jy_cli_print_unmasked, after jy_privacy_grant. */
void jy_cli_print(const jy_sb *sb)
{
    jy_sb m = JY_SB_INIT;
    jy_mask_json(&m, jy_sb_cstr(sb), sb->len);
    fputs(jy_sb_cstr(&m), stdout);
    fputc('\n', stdout);
    jy_sb_free(&m);
}

int jy_cli_fail(const jy_err *err)
{
    jy_sb m = JY_SB_INIT;
    const char *msg = err && err->msg[0] ? jy_err_text(err) : jy_lang() == JY_LANG_EN ? "failed" : "操作失败";
    jy_mask_text(&m, msg, strlen(msg));
    fprintf(stderr, "jiuye: %s\n", jy_sb_cstr(&m));
    jy_sb_free(&m);
    return err && err->code == JY_EUSAGE ? JY_EXIT_USAGE : JY_EXIT_FAIL;
}

int jy_cli_usage2(const char *en, const char *zh)
{
    fprintf(stderr, "%s%s\n", jy_cli_usage_word(), jy_lang() == JY_LANG_EN || !zh ? en : zh);
    return JY_EXIT_USAGE;
}

int jy_cli_usage(const char *usage)
{
    return jy_cli_usage2(usage, NULL);
}

const char *jy_cli_usage_text(const char *en, const char *zh)
{
    return jy_lang() == JY_LANG_EN || !zh ? en : zh;
}

const char *jy_cli_usage_word(void)
{
    return jy_lang() == JY_LANG_EN ? "usage: " : "用法：";
}

void jy_cli_say_err(const char *prefix, const jy_err *e)
{
    jy_sb m = JY_SB_INIT;
    const char *msg = jy_err_text(e);
    jy_mask_text(&m, msg, strlen(msg));
    fprintf(stderr, "%s%s\n", prefix, jy_sb_cstr(&m));
    jy_sb_free(&m);
}

int jy_cli_county(const char *given, const jy_store *st, const char **out, jy_err *err)
{
    const char *c = given ? given : getenv("JIUYE_COUNTY");
    if (!c || !*c) {
        const char *scope = st ? jy_store_scope(st) : "";
        c = strlen(scope) == 6 ? scope : JY_LEDGER_DEFAULT_COUNTY;
    }
    if (strlen(c) != 6 || strspn(c, "0123456789") != 6)
        return jy_err_set2(err, JY_EUSAGE, "cli.county", "--county %s: expected a 6-digit division code", "--county %s：应为6位行政区划代码", c);
    *out = c;
    return 0;
}

int jy_cli_store_open(const jy_cli *cli, jy_store **st, jy_err *err)
{
    *st = NULL;
    int rc = jy_store_open(cli->db_url, st, err);
    if (rc) return rc;
    int64_t users = 0;
    jy_user u;
    jy_err e;
    /* bootstrap (no user yet), or an actor that is not registered: unscoped here; the commands
     * that need a registered actor refuse it themselves (jy_actor_resolve). */
    if (jy_store_user_count(*st, &users, &e) || users == 0) return 0;
    rc = jy_store_user_get(*st, cli->actor, &u, &e);
    if (rc == JY_ENOTFOUND) return 0;
    if (rc == 0 && u.area[0]) {
        /* a township user's area (9 or 12 digits) is scoped to its county: records carry the
         * county, not the township */
        char scope[7];
        size_t n = strlen(u.area);
        if (n > 6) n = 6;
        memcpy(scope, u.area, n);
        scope[n] = '\0';
        rc = jy_store_set_scope(*st, scope, &e);
    }
    if (rc) {
        jy_err_wrap2(err, rc, &e, "user \"%s\": cannot apply its area \"%s\" as the scope: ",
                     "用户“%s”：无法以其辖区“%s”作为查询范围：", cli->actor, u.area);
        jy_store_close(*st);
        *st = NULL;
        return rc;
    }
    return 0;
}

int jy_cli_opts_parse(int argc, char **argv, jy_cli_opts *o, jy_err *err)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (i + 1 >= argc) return jy_err_set2(err, JY_EUSAGE, "cli.option_value", "option %s needs a value", "选项 %s 需要一个值", argv[i]);
            if (o->n == JY_CLI_MAX_OPTS) return jy_err_set2(err, JY_EUSAGE, "cli.too_many_options", "too many options", "选项过多");
            o->name[o->n] = argv[i] + 2;
            o->val[o->n++] = argv[++i];
        } else {
            if (o->npos == JY_CLI_MAX_POS)
                return jy_err_set2(err, JY_EUSAGE, "cli.too_many_args", "too many arguments (at most %d)", "参数过多（最多%d个）", JY_CLI_MAX_POS);
            o->pos[o->npos++] = argv[i];
        }
    }
    return 0;
}

const char *jy_cli_opt(const jy_cli_opts *o, const char *name)
{
    for (int i = o->n - 1; i >= 0; i--)
        if (strcmp(o->name[i], name) == 0) return o->val[i];
    return NULL;
}

static int listed(const char *name, const char *const *list)
{
    for (int k = 0; list && list[k]; k++)
        if (strcmp(name, list[k]) == 0) return 1;
    return 0;
}

int jy_cli_opts_only(const jy_cli_opts *o, const char *const *allowed, const char *const *also, jy_err *err)
{
    for (int i = 0; i < o->n; i++)
        if (!listed(o->name[i], allowed) && !listed(o->name[i], also))
            return jy_err_set2(err, JY_EUSAGE, "cli.unknown_option", "unknown option --%s", "未知的选项 --%s", o->name[i]);
    return 0;
}

int jy_cli_parse_int(const char *s, const char *what, int64_t lo, int64_t hi, int64_t *out, jy_err *err)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v < lo || v > hi)
        return jy_err_set2(err, JY_EUSAGE, "cli.int", "%s \"%s\": expected a whole number from %lld to %lld", "%s“%s”：应为 %lld 至 %lld 之间的整数", what, s ? s : "",
                          (long long)lo, (long long)hi);
    *out = v;
    return 0;
}
