/* Rule-language lexer: turns a .rules file into tokens. ASCII identifiers, numbers with the
 * suffixes 元 / 万元 / 万 / %, ISO dates, "strings", operators, and runs of Chinese text split
 * into the known words of docs/policy.md (legal comparison words, 且/或/非, 含/不含, 原则上, 至);
 * unit words (个工作日, 分, 人 …) are dropped so a rule can be written the way the clause reads. */
#include <stdio.h>
#include <string.h>

#include "policy/internal.h"

typedef struct cjk_word { const char *w; int kind, cmp, postfix; } cjk_word;

static const cjk_word WORDS[] = {
    /* 民法典 Art. 1259: 以上/以下/以内/届满 include; 不满/超过/以外 exclude. */
    {"以上", K_CMPWORD, C_GE, 1}, {"及以上", K_CMPWORD, C_GE, 1}, {"以下", K_CMPWORD, C_LE, 1},
    {"及以下", K_CMPWORD, C_LE, 1}, {"以内", K_CMPWORD, C_LE, 1}, {"届满", K_CMPWORD, C_GE, 1},
    {"不满", K_CMPWORD, C_LT, 0}, {"超过", K_CMPWORD, C_GT, 0}, {"不足", K_CMPWORD, C_LT, 0},
    {"少于", K_CMPWORD, C_LT, 0}, {"低于", K_CMPWORD, C_LT, 0}, {"高于", K_CMPWORD, C_GT, 0},
    {"多于", K_CMPWORD, C_GT, 0}, {"大于", K_CMPWORD, C_GT, 0}, {"小于", K_CMPWORD, C_LT, 0},
    {"不少于", K_CMPWORD, C_GE, 0}, {"不低于", K_CMPWORD, C_GE, 0}, {"不超过", K_CMPWORD, C_LE, 0},
    {"不得超过", K_CMPWORD, C_LE, 0}, {"不高于", K_CMPWORD, C_LE, 0}, {"不多于", K_CMPWORD, C_LE, 0},
    {"达到", K_CMPWORD, C_GE, 0}, {"至少", K_CMPWORD, C_GE, 0}, {"最多", K_CMPWORD, C_LE, 0},
    {"等于", K_CMPWORD, C_EQ, 0},
    {"且", K_AND, 0, 0}, {"并且", K_AND, 0, 0}, {"或", K_OR, 0, 0}, {"或者", K_OR, 0, 0},
    {"非", K_NOT, 0, 0}, {"含", K_HAN, 0, 0}, {"不含", K_BUHAN, 0, 0}, {"原则上", K_SOFT, 0, 0},
    {"至", K_ZHI, 0, 0},
    /* units: dropped */
    {"个工作日", K_NL, 0, 0}, {"工作日", K_NL, 0, 0}, {"个月", K_NL, 0, 0}, {"月", K_NL, 0, 0},
    {"天", K_NL, 0, 0}, {"日", K_NL, 0, 0}, {"分", K_NL, 0, 0}, {"人", K_NL, 0, 0},
    {"名", K_NL, 0, 0}, {"个", K_NL, 0, 0}, {"年", K_NL, 0, 0}, {"次", K_NL, 0, 0},
    {"学时", K_NL, 0, 0}, {"课时", K_NL, 0, 0}, {"亩", K_NL, 0, 0}, {"平方米", K_NL, 0, 0},
    {"户", K_NL, 0, 0}, {"家", K_NL, 0, 0}, {"周岁", K_NL, 0, 0}, {"岁", K_NL, 0, 0},
    {"星", K_NL, 0, 0}, {"条", K_NL, 0, 0}, {"期", K_NL, 0, 0}, {"批", K_NL, 0, 0},
};
#define UNIT_KIND K_NL /* marker: a unit word, skipped */

void jp_lex_init(jp_lexer *lx, const char *file, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->file = file;
    lx->src = lx->p = src;
    lx->end = src + len;
    lx->line = 1;
    lx->col = 1;
    if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB &&
        (unsigned char)src[2] == 0xBF)
        lx->p += 3;
}

static int utf8_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
}

static void adv(jp_lexer *lx, int n)
{
    for (int i = 0; i < n && lx->p < lx->end; i++) {
        unsigned char c = (unsigned char)*lx->p;
        if (c == '\n') { lx->line++; lx->col = 1; }
        else if ((c & 0xC0) != 0x80) lx->col++;
        lx->p++;
    }
}

static int starts(const jp_lexer *lx, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(lx->end - lx->p) >= n && memcmp(lx->p, w, n) == 0;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ident0(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

/* Parses digits[.digits] at lx->p into value × 10000; returns -1 when more than 4 decimals. */
static int lex_decimal(jp_lexer *lx, int64_t *out)
{
    int64_t v = 0;
    int frac = -1;
    while (lx->p < lx->end && (is_digit(*lx->p) || *lx->p == ',' ||
                               (*lx->p == '.' && frac < 0 && lx->p + 1 < lx->end && is_digit(lx->p[1])))) {
        char c = *lx->p;
        if (c == ',') {
            /* a thousands separator only when followed by three digits */
            if (!(lx->end - lx->p >= 4 && is_digit(lx->p[1]) && is_digit(lx->p[2]) && is_digit(lx->p[3])))
                break;
        } else if (c == '.') {
            frac = 0;
        } else {
            if (frac >= 4) return -1;
            if (v > INT64_MAX / 100) return -2;
            v = v * 10 + (c - '0');
            if (frac >= 0) frac++;
        }
        adv(lx, 1);
    }
    if (frac < 0) frac = 0;
    for (; frac < 4; frac++) {
        if (v > INT64_MAX / 100) return -2;
        v *= 10;
    }
    *out = v;
    return 0;
}

void jp_lex_next(jp_lexer *lx, jp_tok_t *t)
{
again:
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')) adv(lx, 1);
    if (starts(lx, "\xE3\x80\x80")) { adv(lx, 3); goto again; } /* ideographic space */
    if (lx->p < lx->end && *lx->p == '#') {
        while (lx->p < lx->end && *lx->p != '\n') adv(lx, 1);
    }
    if (lx->p < lx->end && *lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
        adv(lx, 2); /* line continuation */
        goto again;
    }
    memset(t, 0, sizeof *t);
    t->s = lx->p;
    t->line = lx->line;
    t->col = lx->col;
    if (lx->p >= lx->end) { t->kind = K_EOF; return; }
    unsigned char c = (unsigned char)*lx->p;
    if (c == '\n') { adv(lx, 1); t->kind = K_NL; t->len = 1; return; }
    if (is_digit(c)) {
        /* a date YYYY-MM-DD? */
        if (lx->end - lx->p >= 10 && is_digit(lx->p[1]) && is_digit(lx->p[2]) && is_digit(lx->p[3]) &&
            lx->p[4] == '-' && is_digit(lx->p[5]) && is_digit(lx->p[6]) && lx->p[7] == '-' &&
            is_digit(lx->p[8]) && is_digit(lx->p[9])) {
            jy_err e;
            jy_date d;
            if (jy_date_parse_n(lx->p, 10, &d, &e) != 0) {
                jy_err_wrap2(&lx->err, JY_EINVAL, &e, "bad date: ", "日期有误：");
                t->kind = K_ERROR;
                adv(lx, 10); /* every token moves on, an error too: a loop over tokens ends */
                return;
            }
            adv(lx, 10);
            t->kind = K_DATE;
            t->num = d;
            t->len = 10;
            return;
        }
        int64_t v;
        int rc = lex_decimal(lx, &v);
        if (rc != 0) {
            if (rc == -1)
                jy_err_set2(&lx->err, JY_EINVAL, "policy.decimals", "a number has more than four decimals", "数字的小数超过四位");
            else
                jy_err_set2(&lx->err, JY_EINVAL, "policy.lex_number_large", "a number is too large", "这个数太大");
            t->kind = K_ERROR;
            return;
        }
        t->kind = K_NUM;
        int wan = 0; /* 万: × 10,000, checked (issue 10: "200000000000万" overflowed) */
        if (starts(lx, "%")) { adv(lx, 1); t->kind = K_PERCENT; }
        else if (starts(lx, "万元")) {
            adv(lx, 6);
            t->kind = K_MONEY;
            wan = 1;
        } else if (starts(lx, "元")) {
            adv(lx, 3);
            t->kind = K_MONEY;
        } else if (starts(lx, "万")) {
            adv(lx, 3);
            wan = 1;
        }
        if (wan && __builtin_mul_overflow(v, (int64_t)10000, &v)) {
            jy_err_set2(&lx->err, JY_EINVAL, "policy.lex_number_large", "a number is too large", "这个数太大");
            t->kind = K_ERROR;
            return;
        }
        if (t->kind == K_MONEY) {
            if (v % 100 != 0) {
                jy_err_set2(&lx->err, JY_EINVAL, "policy.fen", "an amount has more than two decimals (fen)",
                            "金额的小数超过两位（最小单位为分）");
                t->kind = K_ERROR;
                return;
            }
            v /= 100; /* ×10000 → fen */
        }
        t->num = v;
        t->len = (int)(lx->p - t->s);
        return;
    }
    if (is_ident0(c)) {
        while (lx->p < lx->end && (is_ident0(*lx->p) || is_digit(*lx->p) || *lx->p == '.')) adv(lx, 1);
        t->kind = K_IDENT;
        t->len = (int)(lx->p - t->s);
        return;
    }
    if (c == '"') {
        adv(lx, 1);
        t->s = lx->p;
        while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') adv(lx, 1);
        if (lx->p >= lx->end || *lx->p != '"') {
            jy_err_set2(&lx->err, JY_EINVAL, "policy.unterminated_string", "unterminated string", "引号内的文字没有闭合");
            t->kind = K_ERROR;
            return;
        }
        t->len = (int)(lx->p - t->s);
        adv(lx, 1);
        t->kind = K_STRING;
        return;
    }
    static const struct { const char *s; int kind; } PUNCT[] = {
        {"->", K_ARROW}, {"==", K_EQ}, {"!=", K_NE}, {"<=", K_LE}, {">=", K_GE}, {"..", K_DOTDOT},
        {"（", K_LP}, {"）", K_RP}, {"，", K_COMMA}, {"、", K_COMMA}, {"≤", K_LE}, {"≥", K_GE},
        {"(", K_LP}, {")", K_RP}, {"{", K_LB}, {"}", K_RB}, {",", K_COMMA}, {"=", K_ASSIGN},
        {"<", K_LT}, {">", K_GT}, {"+", K_PLUS}, {"-", K_MINUS}, {"*", K_STAR}, {"×", K_STAR},
        {"/", K_SLASH},
    };
    for (size_t i = 0; i < sizeof PUNCT / sizeof PUNCT[0]; i++)
        if (starts(lx, PUNCT[i].s)) {
            t->kind = PUNCT[i].kind;
            t->len = (int)strlen(PUNCT[i].s);
            adv(lx, t->len);
            return;
        }
    if (c >= 0x80) {
        /* longest known word at this position */
        const cjk_word *best = NULL;
        size_t bestn = 0;
        for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
            size_t n = strlen(WORDS[i].w);
            if (n > bestn && starts(lx, WORDS[i].w)) { best = &WORDS[i]; bestn = n; }
        }
        if (best) {
            adv(lx, (int)bestn);
            if (best->kind == UNIT_KIND) goto again;
            t->kind = best->kind;
            t->cmp = best->cmp;
            t->postfix = best->postfix;
            t->len = (int)bestn;
            return;
        }
        int n = utf8_len(c);
        if (n > lx->end - lx->p) n = (int)(lx->end - lx->p);
        jy_err_set2(&lx->err, JY_EINVAL, "policy.unknown_word", "unknown word \"%.*s\" (Chinese text belongs in quotes)",
                    "未知的词“%.*s”（中文文字应放在引号内）", n, lx->p);
        t->kind = K_ERROR;
        t->len = n;
        adv(lx, n); /* a truncated character at the end of the text used to stay put: a parser loop spun */
        return;
    }
    jy_err_set2(&lx->err, JY_EINVAL, "policy.unexpected_char", "unexpected character '%c'", "意外的字符“%c”",
                c >= 0x20 && c < 0x7f ? c : '?');
    t->kind = K_ERROR;
    t->len = 1;
    adv(lx, 1);
}
