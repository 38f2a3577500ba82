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
        if (*ntok == MAX_TOK) return jy_err_set2(err, JY_EINVAL, "bank_layout.too_many_words", "%s:%d: too many words on the line", "%s 第%d行：这一行的词太多", path, line);
        if (*s == '"') {
            char *start = ++s;
            while (*s && *s != '"') s++;
            if (*s != '"') return jy_err_set2(err, JY_EINVAL, "bank_layout.unterminated_quote", "%s:%d: unterminated quoted text", "%s 第%d行：引号没有闭合", path, line);
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
    else return jy_err_set2(err, JY_EINVAL, "bank_layout.yes_no", "%s:%d: %s takes yes or no, not \"%s\"", "%s 第%d行：%s 只能取 yes 或 no，不能是“%s”", path, line, what, v);
    return 0;
}

/* what: the text's name in English and in Chinese ("title", "标题"). */
static int copy_text(char *dst, size_t cap, const char *src, const char *path, int line, const char *what,
                     const char *what_zh, jy_err *err)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap)
        return jy_err_set2(err, JY_EINVAL, "bank_layout.text_long",
                           "%1$s:%2$d: %3$s \"%5$s\" is empty or longer than %6$zu bytes%4$.0s",
                           "%1$s 第%2$d行：%4$s“%5$s”为空或超过 %6$zu 字节%3$.0s", path, line, what, what_zh, src, cap - 1);
    memcpy(dst, src, n + 1);
    return 0;
}

static int directive(jy_bank_layout *L, char **tok, int n, const char *path, int line, jy_err *err)
{
    const char *d = tok[0];
    if (strcmp(d, "column") == 0) {
        if (n < 3) return jy_err_set2(err, JY_EINVAL, "bank_layout.column_syntax", "%s:%d: expected: column \"HEADER\" FIELD", "%s 第%d行：格式应为 column \"列标题\" 字段", path, line);
        if (L->ncols == JY_BANK_MAX_COLS)
            return jy_err_set2(err, JY_EINVAL, "bank_layout.too_many_columns", "%s:%d: more than %d columns", "%s 第%d行：列数超过 %d", path, line, JY_BANK_MAX_COLS);
        jy_bank_column *c = &L->cols[L->ncols];
        memset(c, 0, sizeof *c);
        if (copy_text(c->header, sizeof c->header, tok[1], path, line, "column header", "列标题", err)) return JY_EINVAL;
        c->field = -1;
        for (int f = 0; f < JY_BF__COUNT; f++)
            if (strcmp(tok[2], field_names[f]) == 0) c->field = f;
        if (c->field < 0) {
            jy_sb known = JY_SB_INIT;
            for (int f = 0; f < JY_BF__COUNT; f++) jy_sb_appendf(&known, "%s%s", f ? ", " : "", field_names[f]);
            int rc = jy_err_set2(err, JY_EINVAL, "bank_layout.unknown_field", "%s:%d: column \"%s\": unknown field \"%s\" (known: %s)", "%s 第%d行：列“%s”：未知字段“%s”（可用字段：%s）", path, line,
                                c->header, tok[2], jy_sb_cstr(&known));
            jy_sb_free(&known);
            return rc;
        }
        if (c->field == JY_BF_CONST) {
            if (n != 4) return jy_err_set2(err, JY_EINVAL, "bank_layout.const_syntax", "%s:%d: expected: column \"HEADER\" const \"TEXT\"", "%s 第%d行：格式应为 column \"列标题\" const \"文字\"", path, line);
            size_t k = strlen(tok[3]);
            if (k >= sizeof c->text)
                return jy_err_set2(err, JY_EINVAL, "bank_layout.const_long", "%s:%d: const text longer than %zu bytes", "%s 第%d行：const 文字超过 %zu 字节", path, line, sizeof c->text - 1);
            memcpy(c->text, tok[3], k + 1);
        } else if (n != 3) {
            return jy_err_set2(err, JY_EINVAL, "bank_layout.column_extra", "%s:%d: column \"%s\" %s takes no further words", "%s 第%d行：列“%s”的 %s 后面不能再有其他词", path, line, c->header,
                              tok[2]);
        }
        L->ncols++;
        return 0;
    }
    if (n != 2) return jy_err_set2(err, JY_EINVAL, "bank_layout.one_value", "%s:%d: %s takes one value", "%s 第%d行：%s 只取一个值", path, line, d);
    const char *v = tok[1];
    if (strcmp(d, "title") == 0) return copy_text(L->title, sizeof L->title, v, path, line, "title", "标题", err);
    if (strcmp(d, "encoding") == 0) {
        if (strcmp(v, "gb18030") != 0 && strcmp(v, "utf-8-bom") != 0)
            return jy_err_set2(err, JY_EINVAL, "bank_layout.encoding", "%s:%d: encoding \"%s\" is not gb18030 or utf-8-bom", "%s 第%d行：编码“%s”不是 gb18030 或 utf-8-bom", path, line, v);
        snprintf(L->encoding, sizeof L->encoding, "%s", v);
        return 0;
    }
    if (strcmp(d, "header") == 0) return yes_no(v, &L->header, path, line, "header", err);
    if (strcmp(d, "total") == 0) return yes_no(v, &L->total, path, line, "total", err);
    if (strcmp(d, "memo_max") == 0) {
        char *end = NULL;
        long m = strtol(v, &end, 10);
        if (!end || *end || m < 8 || m > 200)
            return jy_err_set2(err, JY_EINVAL, "bank_layout.memo_max", "%s:%d: memo_max \"%s\" is not a number of characters from 8 to 200", "%s 第%d行：memo_max“%s”不是 8 到 200 之间的字数", path,
                              line, v);
        L->memo_max = (int)m;
        return 0;
    }
    if (strcmp(d, "payees") == 0) {
        if (strcmp(v, "any") == 0) L->payees = 0;
        else if (strcmp(v, "person") == 0) L->payees = 1;
        else if (strcmp(v, "org") == 0) L->payees = 2;
        else return jy_err_set2(err, JY_EINVAL, "bank_layout.payees", "%s:%d: payees \"%s\" is not person, org or any", "%s 第%d行：payees“%s”不是 person、org 或 any", path, line, v);
        return 0;
    }
    return jy_err_set2(err, JY_EINVAL,
                      "bank_layout.unknown_directive",
                      "%s:%d: unknown directive \"%s\" (known: title, encoding, header, total, memo_max, payees, column)", "%s 第%d行：未知指令“%s”（可用：title、encoding、header、total、memo_max、payees、column）",
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
        if (len >= sizeof buf) return jy_err_set2(err, JY_EINVAL, "bank_layout.line_long", "%s:%d: line longer than %zu bytes", "%s 第%d行：该行超过 %zu 字节", path, line, sizeof buf - 1);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (memchr(buf, '\0', len)) return jy_err_set2(err, JY_EINVAL, "bank_layout.nul_byte", "%s:%d: NUL byte in the line", "%s 第%d行：该行含有 NUL 字节", path, line);
        p = nl ? nl + 1 : end;
        char *tok[MAX_TOK];
        int ntok;
        int rc = tokenize(buf, tok, &ntok, path, line, err);
        if (rc) return rc;
        if (ntok == 0) continue;
        if ((rc = directive(out, tok, ntok, path, line, err))) return rc;
    }
    if (out->ncols == 0) return jy_err_set2(err, JY_EINVAL, "bank_layout.no_column", "%s: the layout has no column", "%s：代发文件格式中没有任何列", path);
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
        return jy_err_set2(err, JY_EINVAL, "bank_layout.bad_name", "bank layout \"%s\" is not a layout name (a-z, 0-9, _ and -)", "“%s”不是银行代发文件格式的名称（只能用 a-z、0-9、_ 和 -）", name ? name : "");
    jy_sb path = JY_SB_INIT, dir = JY_SB_INIT, text = JY_SB_INIT;
    jy_sb_appendf(&dir, "%s/bank-layouts", policy_dir && *policy_dir ? policy_dir : ".");
    jy_sb_appendf(&path, "%s/%s.layout", jy_sb_cstr(&dir), name);
    int rc = 0;
    FILE *f = fopen(jy_sb_cstr(&path), "rb");
    if (!f) {
        int why = errno;
        jy_sb known = JY_SB_INIT;
        list_layouts(jy_sb_cstr(&dir), &known);
        rc = jy_err_set2(err, why == ENOENT ? JY_ENOTFOUND : JY_EIO, "bank_layout.cannot_read",
                         "bank layout %1$s: cannot read %2$s: %3$s (layouts there: %4$s)%5$.0s",
                         "银行代发文件格式 %1$s：无法读取 %2$s（%3$s）（该目录中的格式：%5$s）%4$.0s", name, jy_sb_cstr(&path),
                         strerror(why), known.len ? jy_sb_cstr(&known) : "none", known.len ? jy_sb_cstr(&known) : "无");
        jy_sb_free(&known);
        goto out;
    }
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        jy_sb_appendn(&text, chunk, k);
        if (text.len > 256 * 1024) {
            rc = jy_err_set2(err, JY_EINVAL, "bank_layout.too_large", "%s: larger than 256 KiB: not a layout", "%s：超过 256 KiB，不是代发文件格式", jy_sb_cstr(&path));
            break;
        }
    }
    if (!rc && ferror(f)) rc = jy_err_set2(err, JY_EIO, "bank_layout.read_failed", "%s: read failed", "%s：读取失败", jy_sb_cstr(&path));
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
        return jy_err_set2(err, JY_EINVAL, "bank_layout.file_encoding", "bank file encoding \"%s\" is not gb18030 or utf-8-bom", "银行代发文件编码“%s”不是 gb18030 或 utf-8-bom", encoding ? encoding : "");
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1) return jy_err_set2(err, JY_EIO, "bank_layout.no_gb18030", "GB18030 output: iconv has no GB18030 converter", "GB18030 输出：iconv 没有 GB18030 转换器");
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
            rc = jy_err_set2(err, JY_EINVAL, "bank_layout.bad_utf8", "GB18030 output: invalid UTF-8 at byte %zu of the bank file", "GB18030 输出：银行代发文件第 %zu 字节处不是有效的 UTF-8", n - left);
            break;
        }
    }
    iconv_close(cd);
    return rc;
}
