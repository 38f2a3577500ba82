/* bank_layout.c — bank-file layouts read from policy/bank-layouts/ (bank_layout.h). */
#include "service/bank_layout.h"

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[JY_BF__COUNT] = {
    "seq", "payee_kind", "payee_name", "payee_id", "account", "bank_name", "amount", "amount_fen",
    "program", "program_title", "memo", "lines", "payables", "ref", "const",
};

static int layout_word(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) return 0;
    return 1;
}

#define MAX_TOK 6

/* Splits one line into words and "quoted texts" ('#' outside quotes ends it). */
static int tokenize(char *s, char *tok[MAX_TOK], int *ntok, const char *path, int line, jy_err *err)
{
    *ntok = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (!*s || *s == '#') break;
        if (*ntok == MAX_TOK) return jy_err_set(err, JY_EINVAL, "%s:%d: too many words on the line", path, line);
        if (*s == '"') {
            char *start = ++s;
            while (*s && *s != '"') s++;
            if (*s != '"') return jy_err_set(err, JY_EINVAL, "%s:%d: unterminated quoted text", path, line);
            *s++ = '\0';
            tok[(*ntok)++] = start;
        } else {
            tok[(*ntok)++] = s;
            while (*s && *s != ' ' && *s != '\t' && *s != '\r') s++;
            if (*s) *s++ = '\0';
        }
    }
    return 0;
}

static int yes_no(const char *v, int *out, const char *path, int line, const char *what, jy_err *err)
{
    if (strcmp(v, "yes") == 0) *out = 1;
    else if (strcmp(v, "no") == 0) *out = 0;
    else return jy_err_set(err, JY_EINVAL, "%s:%d: %s takes yes or no, not \"%s\"", path, line, what, v);
    return 0;
}

static int copy_text(char *dst, size_t cap, const char *src, const char *path, int line, const char *what, jy_err *err)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap)
        return jy_err_set(err, JY_EINVAL, "%s:%d: %s \"%s\" is empty or longer than %zu bytes", path, line, what, src,
                          cap - 1);
    memcpy(dst, src, n + 1);
    return 0;
}

static int directive(jy_bank_layout *L, char **tok, int n, const char *path, int line, jy_err *err)
{
    const char *d = tok[0];
    if (strcmp(d, "column") == 0) {
        if (n < 3) return jy_err_set(err, JY_EINVAL, "%s:%d: expected: column \"HEADER\" FIELD", path, line);
        if (L->ncols == JY_BANK_MAX_COLS)
            return jy_err_set(err, JY_EINVAL, "%s:%d: more than %d columns", path, line, JY_BANK_MAX_COLS);
        jy_bank_column *c = &L->cols[L->ncols];
        memset(c, 0, sizeof *c);
        if (copy_text(c->header, sizeof c->header, tok[1], path, line, "column header", err)) return JY_EINVAL;
        c->field = -1;
        for (int f = 0; f < JY_BF__COUNT; f++)
            if (strcmp(tok[2], field_names[f]) == 0) c->field = f;
        if (c->field < 0) {
            jy_sb known = JY_SB_INIT;
            for (int f = 0; f < JY_BF__COUNT; f++) jy_sb_appendf(&known, "%s%s", f ? ", " : "", field_names[f]);
            int rc = jy_err_set(err, JY_EINVAL, "%s:%d: column \"%s\": unknown field \"%s\" (known: %s)", path, line,
                                c->header, tok[2], jy_sb_cstr(&known));
            jy_sb_free(&known);
            return rc;
        }
        if (c->field == JY_BF_CONST) {
            if (n != 4) return jy_err_set(err, JY_EINVAL, "%s:%d: expected: column \"HEADER\" const \"TEXT\"", path, line);
            size_t k = strlen(tok[3]);
            if (k >= sizeof c->text)
                return jy_err_set(err, JY_EINVAL, "%s:%d: const text longer than %zu bytes", path, line, sizeof c->text - 1);
            memcpy(c->text, tok[3], k + 1);
        } else if (n != 3) {
            return jy_err_set(err, JY_EINVAL, "%s:%d: column \"%s\" %s takes no further words", path, line, c->header,
                              tok[2]);
        }
        L->ncols++;
        return 0;
    }
    if (n != 2) return jy_err_set(err, JY_EINVAL, "%s:%d: %s takes one value", path, line, d);
    const char *v = tok[1];
    if (strcmp(d, "title") == 0) return copy_text(L->title, sizeof L->title, v, path, line, "title", err);
    if (strcmp(d, "encoding") == 0) {
        if (strcmp(v, "gb18030") != 0 && strcmp(v, "utf-8-bom") != 0)
            return jy_err_set(err, JY_EINVAL, "%s:%d: encoding \"%s\" is not gb18030 or utf-8-bom", path, line, v);
        snprintf(L->encoding, sizeof L->encoding, "%s", v);
        return 0;
    }
    if (strcmp(d, "header") == 0) return yes_no(v, &L->header, path, line, "header", err);
    if (strcmp(d, "total") == 0) return yes_no(v, &L->total, path, line, "total", err);
    if (strcmp(d, "memo_max") == 0) {
        char *end = NULL;
        long m = strtol(v, &end, 10);
        if (!end || *end || m < 8 || m > 200)
            return jy_err_set(err, JY_EINVAL, "%s:%d: memo_max \"%s\" is not a number of characters from 8 to 200", path,
                              line, v);
        L->memo_max = (int)m;
        return 0;
    }
    if (strcmp(d, "payees") == 0) {
        if (strcmp(v, "any") == 0) L->payees = 0;
        else if (strcmp(v, "person") == 0) L->payees = 1;
        else if (strcmp(v, "org") == 0) L->payees = 2;
        else return jy_err_set(err, JY_EINVAL, "%s:%d: payees \"%s\" is not person, org or any", path, line, v);
        return 0;
    }
    return jy_err_set(err, JY_EINVAL,
                      "%s:%d: unknown directive \"%s\" (known: title, encoding, header, total, memo_max, payees, column)",
                      path, line, d);
}

int jy_bank_layout_parse(const char *path, const char *text, size_t n, jy_bank_layout *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    out->header = 1;
    out->memo_max = 60;
    const char *p = text, *end = text + n;
    int line = 0;
    char buf[1024];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        if (len >= sizeof buf) return jy_err_set(err, JY_EINVAL, "%s:%d: line longer than %zu bytes", path, line, sizeof buf - 1);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (memchr(buf, '\0', len)) return jy_err_set(err, JY_EINVAL, "%s:%d: NUL byte in the line", path, line);
        p = nl ? nl + 1 : end;
        char *tok[MAX_TOK];
        int ntok;
        int rc = tokenize(buf, tok, &ntok, path, line, err);
        if (rc) return rc;
        if (ntok == 0) continue;
        if ((rc = directive(out, tok, ntok, path, line, err))) return rc;
    }
    if (out->ncols == 0) return jy_err_set(err, JY_EINVAL, "%s: the layout has no column", path);
    if (!out->title[0]) snprintf(out->title, sizeof out->title, "%s", out->name);
    return 0;
}

/* "generic, sscard": the layouts in dir, for an error message. */
static void list_layouts(const char *dir, jy_sb *out)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (k > 7 && strcmp(e->d_name + k - 7, ".layout") == 0) {
            jy_sb_appendf(out, "%s%.*s", n++ ? ", " : "", (int)(k - 7), e->d_name);
        }
    }
    closedir(d);
}

int jy_bank_layout_load(const char *policy_dir, const char *name, jy_bank_layout *out, jy_err *err)
{
    if (!name || !layout_word(name))
        return jy_err_set(err, JY_EINVAL, "bank layout \"%s\" is not a layout name (a-z, 0-9, _ and -)", name ? name : "");
    jy_sb path = JY_SB_INIT, dir = JY_SB_INIT, text = JY_SB_INIT;
    jy_sb_appendf(&dir, "%s/bank-layouts", policy_dir && *policy_dir ? policy_dir : ".");
    jy_sb_appendf(&path, "%s/%s.layout", jy_sb_cstr(&dir), name);
    int rc = 0;
    FILE *f = fopen(jy_sb_cstr(&path), "rb");
    if (!f) {
        jy_sb known = JY_SB_INIT;
        list_layouts(jy_sb_cstr(&dir), &known);
        rc = jy_err_set(err, errno == ENOENT ? JY_ENOTFOUND : JY_EIO, "bank layout %s: cannot read %s: %s (layouts there: %s)",
                        name, jy_sb_cstr(&path), strerror(errno), known.len ? jy_sb_cstr(&known) : "none");
        jy_sb_free(&known);
        goto out;
    }
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        jy_sb_appendn(&text, chunk, k);
        if (text.len > 256 * 1024) {
            rc = jy_err_set(err, JY_EINVAL, "%s: larger than 256 KiB: not a layout", jy_sb_cstr(&path));
            break;
        }
    }
    if (!rc && ferror(f)) rc = jy_err_set(err, JY_EIO, "%s: read failed", jy_sb_cstr(&path));
    fclose(f);
    if (rc) goto out;
    const char *t = jy_sb_cstr(&text);
    size_t n = text.len;
    if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
        t += 3;
        n -= 3;
    }
    if ((rc = jy_bank_layout_parse(jy_sb_cstr(&path), t, n, out, err))) goto out;
    snprintf(out->name, sizeof out->name, "%s", name);
    if (strcmp(out->title, "") == 0) snprintf(out->title, sizeof out->title, "%s", name);
out:
    jy_sb_free(&path);
    jy_sb_free(&dir);
    jy_sb_free(&text);
    return rc;
}

int jy_bank_encode(const char *encoding, const char *utf8, size_t n, jy_sb *out, jy_err *err)
{
    if (encoding && strcmp(encoding, "utf-8-bom") == 0) {
        jy_sb_append(out, "\xEF\xBB\xBF");
        jy_sb_appendn(out, utf8, n);
        return 0;
    }
    if (!encoding || strcmp(encoding, "gb18030") != 0)
        return jy_err_set(err, JY_EINVAL, "bank file encoding \"%s\" is not gb18030 or utf-8-bom", encoding ? encoding : "");
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1) return jy_err_set(err, JY_EIO, "GB18030 output: iconv has no GB18030 converter");
    int rc = 0;
    char *src = (char *)utf8;
    size_t left = n;
    char chunk[4096];
    while (left > 0) {
        char *dst = chunk;
        size_t room = sizeof chunk;
        size_t k = iconv(cd, &src, &left, &dst, &room);
        jy_sb_appendn(out, chunk, sizeof chunk - room);
        if (k == (size_t)-1 && errno != E2BIG) {
            rc = jy_err_set(err, JY_EINVAL, "GB18030 output: invalid UTF-8 at byte %zu of the bank file", n - left);
            break;
        }
    }
    iconv_close(cd);
    return rc;
}
