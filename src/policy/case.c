/* Policy cases in and decisions out: reads one JSON case line (jansson) into the evaluator's fact
 * vector, deriving the facts the rules use from compound inputs (occupation → occupation_kind via
 * policy/occupations.tsv; prior_trainings → prior_same_training, trainings_this_year), and writes
 * decisions as the JSON of the CLI contract or as a readable Chinese trace (docs/policy.md). */
#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "policy/internal.h"

#define PRESENT(c, f) (((c)->present[(f) >> 6] >> ((f) & 63)) & 1)

static void set_fact(jy_policy_case *c, int f, int64_t v)
{
    c->v[f] = v;
    c->present[f >> 6] |= (uint64_t)1 << (f & 63);
}

static int sym_index(const jp_fact *f, const char *s)
{
    for (int i = 0; i < f->nsyms; i++)
        if (strcmp(f->syms[i], s) == 0) return i;
    return -1;
}

static void sym_list(const jp_fact *f, char *buf, size_t cap)
{
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < f->nsyms && u < cap; i++) {
        int w = snprintf(buf + u, cap - u, "%s%s", i ? "|" : "", f->syms[i]);
        if (w < 0) break;
        u += (size_t)w;
    }
}

void jp_norm_name(const char *s, size_t n, char *out, size_t cap)
{
    /* dropped: ASCII space/tab/CR/LF, U+3000 (E3 80 80), “ ” (E2 80 9C/9D), ‘ ’ (E2 80 98/99),
     * 《 》 (E3 80 8A/8B), " and ' */
    size_t u = 0;
    for (size_t i = 0; i < n && s[i];) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '"' || ch == '\'') { i++; continue; }
        if (i + 3 <= n && ((ch == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
                            ((unsigned char)s[i + 2] == 0x80 || (unsigned char)s[i + 2] == 0x8A || (unsigned char)s[i + 2] == 0x8B)) ||
                           (ch == 0xE2 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0x98 &&
                            (unsigned char)s[i + 2] <= 0x9D && (unsigned char)s[i + 2] != 0x9A && (unsigned char)s[i + 2] != 0x9B))) {
            i += 3;
            continue;
        }
        if (u + 1 >= cap) break;
        out[u++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        i++;
    }
    /* never end inside a UTF-8 sequence when the buffer was too small */
    while (u > 0 && ((unsigned char)out[u - 1] & 0xC0) == 0x80) {
        size_t k = u - 1;
        while (k > 0 && ((unsigned char)out[k] & 0xC0) == 0x80) k--;
        unsigned char lead = (unsigned char)out[k];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (u - k == want) break;
        u = k;
    }
    if (cap) out[u] = 0;
}

/* The synonym row for field (a fact index, -1 = occupation) and the normalised key, or NULL. */
static const jp_syn *find_syn(const jy_policy *p, int field, const char *key)
{
    for (int i = 0; i < p->nsyn; i++)
        if (p->syn[i].field == field && strcmp(p->syn[i].key, key) == 0) return &p->syn[i];
    return NULL;
}

/* What a value written for fact f means per policy/synonyms.tsv ("-" = no value), or NULL. */
static const char *value_syn(const jy_policy *p, const jp_fact *f, const char *s)
{
    if (!p || !p->nsyn) return NULL;
    char key[256];
    jp_norm_name(s, strlen(s), key, sizeof key);
    const jp_syn *y = find_syn(p, (int)(f - p->facts), key);
    return y ? y->means : NULL;
}

/* Resolves an occupation name: *occ = the catalogue row or -1, *syn = the synonym row used or
 * NULL. Returns 0 when known, -1 when neither table knows the name. */
static int resolve_occupation(const jy_policy *p, const char *written, int *occ, const jp_syn **syn)
{
    char key[256];
    *occ = -1;
    *syn = NULL;
    jp_norm_name(written, strlen(written), key, sizeof key);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < p->nocc; i++)
            if (p->occ[i].key && strcmp(p->occ[i].key, key) == 0) { *occ = i; return 0; }
        const jp_syn *y = find_syn(p, -1, key);
        if (y) {
            *syn = y;
            *occ = y->occ;
            return 0;
        }
        /* "中式烹调培训" = "中式烹调", "SYB培训" = "SYB" */
        size_t n = strlen(key);
        if (n > 6 && memcmp(key + n - 6, "\xE5\x9F\xB9\xE8\xAE\xAD", 6) == 0) key[n - 6] = 0;
        else break;
    }
    return -1;
}

const char *jy_policy_occupation_name(const jy_policy *p, const char *written)
{
    int occ;
    const jp_syn *y;
    if (!written || resolve_occupation(p, written, &occ, &y) != 0) return NULL;
    return occ >= 0 ? p->occ[occ].name : y->means;
}

/* Parses an integer from a JSON integer, an integral real, or a string of digits (a leading
 * "level" is allowed for skill levels: "level5" = 5). */
static int json_int(json_t *v, int64_t *out)
{
    if (json_is_integer(v)) { *out = json_integer_value(v); return 0; }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != floor(d) || fabs(d) > 9e15) return -1;
        *out = (int64_t)d;
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strncmp(s, "level", 5) == 0) s += 5;
        if (!*s) return -1;
        int64_t r = 0;
        int neg = *s == '-';
        if (neg) s++;
        for (; *s; s++) {
            if (*s < '0' || *s > '9' || r > INT64_MAX / 10 - 10) return -1;
            r = r * 10 + (*s - '0');
        }
        *out = neg ? -r : r;
        return 0;
    }
    return -1;
}

static int json_ratio(json_t *v, int64_t *out)
{
    if (json_is_integer(v) || json_is_real(v)) {
        double d = json_number_value(v);
        if (!(d >= -1e9 && d <= 1e9)) return -1;
        *out = (int64_t)llround(d * 10000.0);
        return 0;
    }
    if (json_is_string(v)) {
        /* "30%" or "0.3" as a decimal string: exact */
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        int pct = n > 0 && s[n - 1] == '%';
        jy_fen f;
        if (jy_money_parse_n(s, pct ? n - 1 : n, &f, NULL) != 0) return -1; /* two decimals */
        if (pct) *out = f; /* "30.50%" → 3050 bp */
        else if (__builtin_mul_overflow(f, (int64_t)100, out)) return -1; /* "0.30" → 3000 bp */
        return 0;
    }
    return -1;
}

/* The range a value of fact f must lie in: the declared one, else for money 0 .. JY_FACT_MONEY_MAX
 * (money facts are never negative unless declared with a range saying so) and for whole numbers
 * 0 .. JY_FACT_INT_MAX (counts, months, persons). 0 when the type has no range (dates, enums …). */
static int fact_range(const jp_fact *f, int64_t *lo, int64_t *hi)
{
    if (f->has_range) {
        *lo = f->lo;
        *hi = f->hi;
        return 1;
    }
    *lo = 0;
    if (f->type == T_MONEY) *hi = JY_FACT_MONEY_MAX;
    else if (f->type == T_INT) *hi = JY_FACT_INT_MAX;
    else return 0;
    return 1;
}

/* A value of a ranged type as a user writes it: "930.00", "30.00%", "12". */
static void fmt_plain(int type, int64_t v, char *buf, size_t cap)
{
    char m[JY_MONEY_BUFSZ];
    if (type == T_MONEY) snprintf(buf, cap, "%s", jy_money_format_plain(v, m));
    else if (type == T_RATIO) snprintf(buf, cap, "%s%lld.%02lld%%", v < 0 ? "-" : "", (long long)(v < 0 ? -(v / 100) : v / 100),
                                       (long long)(v < 0 ? -(v % 100) : v % 100));
    else snprintf(buf, cap, "%lld", (long long)v);
}

/* The words policy/synonyms.tsv knows for fact f, for an error message: " or 五级, 四级 …". */
static void syn_words(const jy_policy *p, const jp_fact *f, char *buf, size_t cap)
{
    size_t u = 0;
    int k = 0;
    buf[0] = 0;
    for (int i = 0; p && i < p->nsyn && u + 1 < cap; i++) {
        if (p->syn[i].field != (int)(f - p->facts)) continue;
        int w = snprintf(buf + u, cap - u, "%s\"%s\"", k++ ? ", " : " or ", p->syn[i].key);
        if (w < 0 || (size_t)w >= cap - u) { buf[u] = 0; break; }
        u += (size_t)w;
    }
}

int jy_policy_level_value(const jy_policy *p, const char *s, int *level)
{
    int f = jy_policy_fact_index(p, "level");
    json_t *v = json_string(s ? s : "");
    int64_t x = 0;
    int rc = -1;
    if (v && json_int(v, &x) == 0) rc = 0;
    else if (v && f >= 0) {
        const char *m = value_syn(p, &p->facts[f], s);
        if (m && strcmp(m, "-") == 0) { x = 0; rc = 0; }
        else if (m) { json_decref(v); v = json_string(m); rc = v && json_int(v, &x) == 0 ? 0 : -1; }
    }
    json_decref(v);
    if (rc == 0 && (x < 0 || x > 5)) rc = -1;
    if (rc == 0) *level = (int)x;
    return rc;
}

/* A fact's value as the case gives it: 0 with *out; 1 when the value says "no value" (a synonym
 * meaning "-", e.g. level "none"): the fact is absent; negative with err naming the fact. */
static int fact_value(const jy_policy *p, const jp_fact *f, json_t *v, int64_t *out, jy_err *err)
{
    char syms[600];
    json_t *alt = NULL; /* the value a synonym gives */
    if (json_is_string(v) && (f->type == T_INT || f->type == T_ENUM || f->type == T_CODE)) {
        int direct = f->type == T_ENUM ? sym_index(f, json_string_value(v)) >= 0 : json_int(v, out) == 0;
        const char *m = direct ? NULL : value_syn(p, f, json_string_value(v));
        if (m && strcmp(m, "-") == 0) return 1;
        if (m) v = alt = json_string(m);
    }
    int rc = 0;
    switch (f->type) {
    case T_INT:
        if (json_int(v, out) != 0) {
            syn_words(p, f, syms, sizeof syms);
            rc = jy_err_set2(err, JY_EINVAL, "fact.not_integer",
                             "fact %1$s: %2$s%3$s%4$s is not a whole number (expected a whole number%5$s)%6$.0s",
                             "信息项 %1$s：%2$s%6$s%4$s 不是整数（应为整数%5$s）%3$.0s", f->name,
                             json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : "a value of the wrong type",
                             json_is_string(v) ? "\"" : "", syms, json_is_string(v) ? json_string_value(v) : "类型不符的值");
            goto out;
        }
        break;
    case T_CODE:
        if (json_int(v, out) != 0 || *out < 0) { rc = jy_err_set2(err, JY_EINVAL, "fact.code", "fact %s: expected a code of digits", "信息项 %s：应为数字代码", f->name); goto out; }
        break;
    case T_MONEY:
        if (json_is_string(v)) {
            jy_err e;
            if (jy_money_parse(json_string_value(v), out, &e) != 0)
                return jy_err_set2(err, JY_EINVAL, "fact.money",
                                   "fact %1$s: %2$s (expected an amount in yuan: 1750, \"1750.00\", \"1,750.00\" or \"1750元\")%3$.0s",
                                   "信息项 %1$s：%3$s（应为以元为单位的金额，如 1750、“1750.00”、“1,750.00”或“1750元”）%2$.0s",
                                   f->name, e.msg, jy_err_zh(&e));
        } else if (json_is_integer(v)) {
            json_int_t y = json_integer_value(v);
            if (y > INT64_MAX / 100 || y < INT64_MIN / 100) { /* whole yuan beyond int64 fen */
                char a[48], b[48];
                int64_t lo = 0, hi = JY_FACT_MONEY_MAX; /* a money fact always has a range */
                fact_range(f, &lo, &hi);
                fmt_plain(T_MONEY, lo, a, sizeof a);
                fmt_plain(T_MONEY, hi, b, sizeof b);
                return jy_err_set2(err, JY_EINVAL, "fact.money_range", "fact %s: %lld is out of range (expected an amount in yuan from %s to %s)", "信息项 %s：%lld 超出范围（应为 %s 元至 %s 元之间的金额）",
                                  f->name, (long long)y, a, b);
            }
            *out = (int64_t)y * 100;
        } else {
            return jy_err_set2(err, JY_EINVAL, "fact.money_form", "fact %s: expected an amount in yuan: 1750, \"1750.00\", \"1,750.00\" or \"1750元\"", "信息项 %s：应为以元为单位的金额，如 1750、“1750.00”、“1,750.00”或“1750元”", f->name);
        }
        break;
    case T_RATIO:
        if (json_ratio(v, out) != 0) return jy_err_set2(err, JY_EINVAL, "fact.ratio", "fact %s: expected a share (0.3 or \"30%%\")", "信息项 %s：应为比例（0.3 或“30%%”）", f->name);
        break;
    case T_BOOL:
        if (!json_is_boolean(v)) return jy_err_set2(err, JY_EINVAL, "fact.bool", "fact %s: expected true or false", "信息项 %s：应为 true（是）或 false（否）", f->name);
        *out = json_is_true(v);
        break;
    case T_DATE: {
        jy_date d;
        jy_err e;
        if (!json_is_string(v))
            return jy_err_set2(err, JY_EINVAL, "fact.date_string", "fact %s: expected a date as a string: 2024-06-28 or 2024/6/28", "信息项 %s：日期应写成字符串，如 2024-06-28 或 2024/6/28", f->name);
        if (jy_date_parse_loose(json_string_value(v), &d, &e) != 0) {
            if (strncmp(e.msg, "date \"", 6) == 0) /* a day or month that does not exist: name it */
                return jy_err_set2(err, JY_EINVAL, "fact.date_no_such_day", "fact %1$s: %2$s (expected 2024-06-28 or 2024/6/28)%3$.0s",
                                   "信息项 %1$s：%3$s（应为 2024-06-28 或 2024/6/28）%2$.0s", f->name, e.msg, jy_err_zh(&e));
            return jy_err_set2(err, JY_EINVAL, "fact.not_date", "fact %s: \"%.40s\" is not a date (expected 2024-06-28 or 2024/6/28)", "信息项 %s：“%.40s”不是日期（应为 2024-06-28 或 2024/6/28）", f->name,
                              json_string_value(v));
        }
        *out = d;
        break;
    }
    case T_ENUM: {
        int s = json_is_string(v) ? sym_index(f, json_string_value(v)) : -1;
        if (s < 0) {
            sym_list(f, syms, sizeof syms);
            rc = jy_err_set2(err, JY_EINVAL, "fact.enum_unknown",
                             "fact %1$s: unknown value %2$s%3$s%4$s (expected %5$s, or a word policy/synonyms.tsv gives for it)%6$.0s",
                             "信息项 %1$s：未知的取值 %2$s%6$s%4$s（应为 %5$s，或 policy/synonyms.tsv 中对应它的词语）%3$.0s",
                             f->name, json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : "of the wrong type",
                             json_is_string(v) ? "\"" : "", syms, json_is_string(v) ? json_string_value(v) : "类型不符的值");
            goto out;
        }
        *out = s;
        break;
    }
    case T_SET: {
        if (!json_is_array(v)) return jy_err_set2(err, JY_EINVAL, "fact.list", "fact %s: expected a list", "信息项 %s：应为列表", f->name);
        uint64_t m = 0;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int s = json_is_string(x) ? sym_index(f, json_string_value(x)) : -1;
            if (s < 0 && json_is_string(x)) {
                const char *means = value_syn(p, f, json_string_value(x));
                if (means && strcmp(means, "-") == 0) continue;
                if (means) s = sym_index(f, means);
            }
            if (s < 0) {
                sym_list(f, syms, sizeof syms);
                return jy_err_set2(err, JY_EINVAL, "fact.set_item", "fact %s: item %zu is not one of %s", "信息项 %s：第%zu项不在可选值 %s 之中", f->name, i, syms);
            }
            m |= (uint64_t)1 << s;
        }
        *out = (int64_t)m;
        break;
    }
    default:
        return jy_err_set2(err, JY_EINVAL, "fact.type", "fact %s: unsupported type", "信息项 %s：不支持的类型", f->name);
    }
    int64_t lo, hi;
    if (fact_range(f, &lo, &hi) && (*out < lo || *out > hi)) {
        char a[48], b[48], x[48];
        fmt_plain(f->type, *out, x, sizeof x);
        fmt_plain(f->type, lo, a, sizeof a);
        fmt_plain(f->type, hi, b, sizeof b);
        rc = jy_err_set2(err, JY_EINVAL, "fact.out_of_range", "fact %1$s: %2$s is out of range (expected %3$s from %4$s to %5$s)%6$.0s",
                         "信息项 %1$s：%2$s 超出范围（应为 %4$s 至 %5$s 之间的%6$s）%3$.0s", f->name, x,
                         f->type == T_MONEY ? "an amount in yuan" : f->type == T_RATIO ? "a share" : "a whole number", a, b,
                         f->type == T_MONEY ? "金额（元）" : f->type == T_RATIO ? "比例" : "整数");
    }
out:
    json_decref(alt);
    return rc;
}

/* Compound inputs the case reader turns into derived facts (not facts themselves). */
static const char *const COMPOUND[] = {"occupation", "prior_trainings", NULL};

/* Levenshtein distance of two byte strings (names are ASCII); capped at 64 bytes each. */
static int edit_distance(const char *a, const char *b)
{
    int d[65];
    size_t na = strlen(a), nb = strlen(b);
    if (na > 64) na = 64;
    if (nb > 64) nb = 64;
    for (size_t j = 0; j <= nb; j++) d[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int diag = d[0];
        d[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int up = d[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (d[j - 1] + 1 < best) best = d[j - 1] + 1;
            d[j] = best;
            diag = up;
        }
    }
    return d[nb];
}

static void closer(const char *name, const char *cand, const char **best, int *bestd)
{
    int e = edit_distance(name, cand);
    if (e < *bestd) {
        *bestd = e;
        *best = cand;
    }
}

const char *jy_policy_closest_fact(const jy_policy *p, const char *name, const char *const *inputs)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; i < p->nfacts; i++)
        if (!p->facts[i].derived) closer(name, p->facts[i].name, &best, &bestd);
    for (const char *const *s = COMPOUND; *s; s++) closer(name, *s, &best, &bestd);
    for (const char *const *s = inputs; s && *s; s++) closer(name, *s, &best, &bestd);
    return best;
}

static int is_input(const char *const *inputs, const char *key)
{
    for (const char *const *s = inputs; s && *s; s++)
        if (strcmp(*s, key) == 0) return 1;
    return 0;
}

int jy_policy_case_parse(const jy_policy *p, const char *line, size_t len, jy_policy_case *c,
                         char *id_buf, size_t id_cap, int *has_id, jy_err *err)
{
    return jy_policy_case_parse_inputs(p, line, len, NULL, c, id_buf, id_cap, has_id, err);
}

int jy_policy_case_parse_inputs(const jy_policy *p, const char *line, size_t len, const char *const *inputs,
                                jy_policy_case *c, char *id_buf, size_t id_cap, int *has_id, jy_err *err)
{
    int rc = 0;
    json_error_t je;
    *has_id = 0;
    if (id_cap) id_buf[0] = 0;
    memset(c->present, 0, sizeof c->present);
    c->name[0] = 0;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return jy_err_set2(err, JY_EINVAL, "case.not_json", "not JSON: %s (column %d)", "不是有效的 JSON：%s（第%d列）", je.text, je.column);
    if (!json_is_object(root)) { rc = jy_err_set2(err, JY_EINVAL, "case.not_object", "a case must be a JSON object", "一条申报（case）应为 JSON 对象"); goto done; }
    json_t *id = json_object_get(root, "id");
    if (json_is_string(id)) {
        snprintf(id_buf, id_cap, "%s", json_string_value(id));
        *has_id = 1;
    } else if (json_is_integer(id)) {
        snprintf(id_buf, id_cap, "%lld", (long long)json_integer_value(id));
        *has_id = 1;
    }
    json_t *prog = json_object_get(root, "program");
    if (!json_is_string(prog)) { rc = jy_err_set2(err, JY_EINVAL, "case.program_missing", "missing \"program\" (P1 … P26)", "缺少“program”（项目编号 P1 … P26）"); goto done; }
    c->program = jy_policy_program_index(p, json_string_value(prog));
    if (c->program < 0) { rc = jy_err_set2(err, JY_EINVAL, "case.program_unknown", "unknown programme \"%s\"", "未知的项目“%s”", json_string_value(prog)); goto done; }
    json_t *date = json_object_get(root, "date");
    if (!json_is_string(date)) { rc = jy_err_set2(err, JY_EINVAL, "case.date_missing", "missing \"date\" (YYYY-MM-DD): parameters depend on it", "缺少“date”（申报日期，YYYY-MM-DD）：政策参数按日期取值"); goto done; }
    jy_err de;
    if (jy_date_parse_loose(json_string_value(date), &c->date, &de) != 0) {
        rc = jy_err_set2(err, JY_EINVAL, "case.date_bad", "date: \"%.40s\" is not a date (expected 2024-06-28 or 2024/6/28)", "申报日期“%.40s”不是日期（应为 2024-06-28 或 2024/6/28）", json_string_value(date));
        goto done;
    }
    json_t *facts = json_object_get(root, "facts");
    if (facts && !json_is_object(facts)) { rc = jy_err_set2(err, JY_EINVAL, "case.facts_object", "\"facts\" must be an object", "“facts”应为 JSON 对象"); goto done; }
    const char *key;
    json_t *v;
    const char *occupation = NULL;
    json_t *priors = NULL;
    int64_t level = 0;
    int has_level = 0;
    json_object_foreach(facts, key, v) {
        int f = jy_policy_fact_index(p, key);
        if (f < 0 && !is_input(COMPOUND, key)) {
            if (is_input(inputs, key)) continue; /* the caller's own input (a form field) */
            const char *near = jy_policy_closest_fact(p, key, inputs);
            if (!near)
                rc = jy_err_set2(err, JY_EINVAL, "fact.unknown_none", "unknown fact \"%s\" (no facts are declared)", "未知的信息项“%s”（尚未声明任何信息项）", key);
            else if (edit_distance(key, near) * 2 <= (int)strlen(key) + 1)
                rc = jy_err_set2(err, JY_EINVAL, "fact.unknown_suggest", "unknown fact \"%s\" — did you mean \"%s\"? (policy/facts.rules declares the facts)", "未知的信息项“%s”——是不是“%s”？（信息项在 policy/facts.rules 中声明）", key, near);
            else
                rc = jy_err_set2(err, JY_EINVAL, "fact.unknown", "unknown fact \"%s\" (the closest known name is \"%s\"; policy/facts.rules declares the facts)", "未知的信息项“%s”（最接近的已知名称是“%s”；信息项在 policy/facts.rules 中声明）", key, near);
            goto done;
        }
        if (json_is_null(v)) continue;
        if (strcmp(key, "occupation") == 0) {
            if (!json_is_string(v)) { rc = jy_err_set2(err, JY_EINVAL, "fact.occupation_name", "fact occupation: expected the occupation's name", "信息项 occupation：应填写职业（工种）名称"); goto done; }
            occupation = json_string_value(v);
            continue;
        }
        if (strcmp(key, "prior_trainings") == 0) {
            if (!json_is_array(v)) { rc = jy_err_set2(err, JY_EINVAL, "fact.prior_list", "fact prior_trainings: expected a list of {date, occupation, level, subsidised}", "信息项 prior_trainings：应为列表，每项为 {date, occupation, level, subsidised}（培训日期、职业、等级、是否已享受补贴）"); goto done; }
            priors = v;
            continue;
        }
        if (p->facts[f].derived) { rc = jy_err_set2(err, JY_EINVAL, "fact.derived", "fact %s is derived by jiuye; give its inputs instead", "信息项 %s 由系统推算，请填写据以推算的信息项", key); goto done; }
        int64_t x;
        if ((rc = fact_value(p, &p->facts[f], v, &x, err)) < 0) goto done;
        if (rc == 1) { rc = 0; continue; } /* "none": no value */
        if (strcmp(key, "level") == 0) { level = x; has_level = 1; }
        set_fact(c, f, x);
    }
    /* the occupation: the catalogue's name, or a synonym (policy/synonyms.tsv) naming a
     * catalogue row or implying the facts of a track decided by its own clauses */
    const char *occ_name = NULL; /* canonical; NULL when unknown */
    if (occupation) {
        int oi;
        const jp_syn *y;
        if (!*occupation) { rc = jy_err_set2(err, JY_EINVAL, "fact.occupation_empty", "fact occupation: expected the occupation's name, not an empty string", "信息项 occupation：应填写职业（工种）名称，不能为空"); goto done; }
        if (resolve_occupation(p, occupation, &oi, &y) == 0) {
            occ_name = oi >= 0 ? p->occ[oi].name : y->means;
            for (int k = 0; y && k < y->nimp; k++) {
                int fi = y->imp_fact[k];
                if (PRESENT(c, fi) && c->v[fi] != y->imp_val[k]) {
                    const jp_fact *ff = &p->facts[fi];
                    rc = jy_err_set2(err, JY_EINVAL, "fact.contradicts_occupation", "fact %s: \"%s\" contradicts occupation \"%s\" (policy/synonyms.tsv line %d: %s=%s)", "信息项 %s：“%s”与职业“%s”矛盾（policy/synonyms.tsv 第%d行：%s=%s）",
                                    ff->name, c->v[fi] >= 0 && c->v[fi] < ff->nsyms ? ff->syms[c->v[fi]] : "?", occupation, y->line,
                                    ff->name, ff->syms[y->imp_val[k]]);
                    goto done;
                }
                set_fact(c, fi, y->imp_val[k]);
            }
        } else {
            /* kept for the review's text, cut at a character boundary */
            size_t u = strnlen(occupation, JY_POLICY_NAME_MAX - 1);
            while (u > 0 && ((unsigned char)occupation[u] & 0xC0) == 0x80) u--; /* occupation[u]: the first byte left out */
            memcpy(c->name, occupation, u);
            c->name[u] = 0;
        }
        if (p->fact_occupation_kind >= 0) {
            const jp_fact *kf = &p->facts[p->fact_occupation_kind];
            int s = sym_index(kf, !occ_name ? "uncatalogued" : oi >= 0 ? p->occ[oi].kind : "track");
            if (s >= 0) set_fact(c, p->fact_occupation_kind, s);
        }
    }
    if (priors) {
        /* a prior training counts only when dated on or before the case's date (the list says
         * what was on record then; one dated later is not prior); one without a date counts */
        int same = 0, this_year = 0, y0, m0, d0;
        jy_date_to_ymd(c->date, &y0, &m0, &d0);
        size_t i;
        json_t *it;
        json_array_foreach(priors, i, it) {
            if (!json_is_object(it)) { rc = jy_err_set2(err, JY_EINVAL, "fact.prior_object", "prior_trainings[%zu]: expected an object", "prior_trainings 第%zu项：应为对象", i); goto done; }
            json_t *po = json_object_get(it, "occupation"), *pl = json_object_get(it, "level");
            json_t *pd = json_object_get(it, "date"), *ps = json_object_get(it, "subsidised");
            jy_date dd = 0;
            if (pd) {
                if (!json_is_string(pd) || jy_date_parse_loose(json_string_value(pd), &dd, &de) != 0) {
                    rc = json_is_string(pd) && strncmp(de.msg, "date \"", 6) == 0 /* the day does not exist */
                             ? jy_err_set2(err, JY_EINVAL, "fact.prior_date_no_such_day", "prior_trainings[%1$zu].date: %2$s (expected 2024-06-28 or 2024/6/28)%3$.0s",
                                           "prior_trainings[%1$zu].date：%3$s（应为 2024-06-28 或 2024/6/28）%2$.0s", i, de.msg, jy_err_zh(&de))
                             : jy_err_set2(err, JY_EINVAL, "fact.prior_date", "prior_trainings[%zu].date: expected a date: 2024-06-28 or 2024/6/28", "prior_trainings[%zu].date：应为日期，如 2024-06-28 或 2024/6/28", i);
                    goto done;
                }
                if (dd > c->date) continue;
            }
            /* the same occupation (by the catalogue's name when either table knows it) at the
             * same level (5, "level5", "五级", "初级" … alike) */
            if (occupation && has_level && json_is_string(po) && pl) {
                const char *pn = jy_policy_occupation_name(p, json_string_value(po));
                int same_occ = occ_name && pn ? strcmp(occ_name, pn) == 0
                                              : !occ_name && !pn && strcmp(json_string_value(po), occupation) == 0;
                int64_t a;
                int lv;
                int pl_ok = json_is_string(pl) ? jy_policy_level_value(p, json_string_value(pl), &lv) == 0 && (a = lv, 1)
                                               : json_int(pl, &a) == 0;
                if (same_occ && pl_ok && a == level) same = 1;
            }
            if (pd) {
                int y, m, d;
                jy_date_to_ymd(dd, &y, &m, &d);
                if (y == y0 && (ps == NULL || json_is_true(ps))) this_year++;
            }
        }
        if (p->fact_prior_same >= 0) set_fact(c, p->fact_prior_same, same);
        if (p->fact_prior_year >= 0) set_fact(c, p->fact_prior_year, this_year);
    }
done:
    json_decref(root);
    return rc;
}

static const char *kind_name(int k)
{
    static const char *N[] = {"fail", "review", "note", "pay", "cap", "missing", "gap", "conflict", "ok"};
    return k >= 0 && k <= R_OK ? N[k] : "?";
}

static const char *reason_clause(const jy_policy *p, const jp_reason *r, int k)
{
    return r->nclauses ? p->clauses[r->clauses[k]].id : "";
}

/* Writes v fen as yuan with two decimals ("-12.05"), as jy_money_format_plain does; returns the
 * length. buf holds at least JY_MONEY_BUFSZ bytes. */
static size_t yuan(jy_fen v, char *buf)
{
    char tmp[32];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    tmp[n++] = (char)('0' + u % 10); u /= 10;
    tmp[n++] = (char)('0' + u % 10); u /= 10;
    tmp[n++] = '.';
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = 0;
    return len;
}

/* Appends s as a JSON string: copied as it is when nothing in it needs escaping. */
static void json_str_fast(jy_sb *out, const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (ch < 0x20 || ch == '"' || ch == '\\' || ch == 0x7f) { jy_sb_json_str(out, s); return; }
    }
    char *w = jy_sb_extend(out, n + 2);
    w[0] = '"';
    memcpy(w + 1, s, n);
    w[n + 1] = '"';
}

/* Appends text with every {occupation} replaced by name (at most JY_POLICY_NAME_MAX bytes). */
static void subst_text(const char *text, const char *name, jy_sb *out)
{
    static const char MARK[] = "{occupation}";
    const char *q = text, *hit;
    while ((hit = strstr(q, MARK)) != NULL) {
        jy_sb_appendn(out, q, (size_t)(hit - q));
        jy_sb_appendn(out, name, strnlen(name, JY_POLICY_NAME_MAX - 1));
        q = hit + sizeof MARK - 1;
    }
    jy_sb_append(out, q);
}

/* The decision object. Its bytes after the id are counted first, then written into exactly that
 * many bytes the builder has grown by (jy_sb_extend): no write can pass what was counted
 * unnoticed (issue 10: a fixed reservation that left out the rule-set hash overflowed the heap). */
void jy_policy_decision_json(const jy_policy *p, const char *id, int has_id, const jy_decision *d,
                             int with_reasons, jy_sb *out)
{
    static const char *const DEC[] = {",\"decision\":\"eligible\",\"amount\":",
                                      ",\"decision\":\"ineligible\",\"amount\":",
                                      ",\"decision\":\"needs_review\",\"amount\":"};
    static const char REASONS[] = ",\"reasons\":[", RULESET[] = ",\"ruleset\":\"";
    char m[JY_MONEY_BUFSZ];
    jy_sb_appendn(out, "{\"id\":", 6);
    if (has_id) json_str_fast(out, id);
    else jy_sb_appendn(out, "null", 4);
    int o = d->outcome >= 0 && d->outcome <= 2 ? d->outcome : 2;
    const char *amt = NULL;
    size_t alen = 0;
    if (d->outcome == JY_ELIGIBLE && d->has_amount) {
        alen = yuan(d->amount, m);
        amt = m;
    }
    int nr = with_reasons ? d->nreasons : 0;
    static const size_t DECL[] = {sizeof ",\"decision\":\"eligible\",\"amount\":" - 1,
                                  sizeof ",\"decision\":\"ineligible\",\"amount\":" - 1,
                                  sizeof ",\"decision\":\"needs_review\",\"amount\":" - 1};
    size_t dl = DECL[o], hl = strlen(p->hash);
    /* a reason naming the case's unrecognised occupation ({occupation}) is written here (only
     * when the case has such a name: the reasons are not looked at otherwise) */
    int subst = 0;
    if (d->name && d->name[0])
        for (int i = 0; i < nr; i++) subst |= p->reasons[d->reasons[i]].subst;
    if (with_reasons && (!p->reason_json || subst)) {
        /* a rule set compiled without the precomputed JSON (not via jy_policy_load) */
        jy_sb_appendn(out, DEC[o], dl);
        if (amt) jy_sb_json_strn(out, amt, alen);
        else jy_sb_appendn(out, "null", 4);
        jy_sb_appendn(out, REASONS, sizeof REASONS - 1);
        for (int i = 0; i < nr; i++) {
            const jp_reason *rr = &p->reasons[d->reasons[i]];
            for (int k = 0; k < (rr->nclauses ? rr->nclauses : 1); k++) {
                if (i || k) jy_sb_appendc(out, ',');
                jy_sb_appendc(out, '{');
                jy_sb_json_kv_str(out, "clause", reason_clause(p, rr, k));
                jy_sb_json_kv_str(out, "kind", kind_name(rr->kind));
                if (rr->subst && subst) {
                    jy_sb t = JY_SB_INIT;
                    subst_text(rr->text, d->name, &t);
                    jy_sb_json_kv_str(out, "text", jy_sb_cstr(&t));
                    jy_sb_free(&t);
                } else {
                    jy_sb_json_kv_str(out, "text", rr->text);
                }
                jy_sb_appendc(out, '}');
            }
        }
        jy_sb_appendc(out, ']');
        jy_sb_appendn(out, RULESET, sizeof RULESET - 1);
        jy_sb_appendn(out, p->hash, hl);
        jy_sb_appendn(out, "\"}", 2);
        return;
    }
    size_t need = dl + (amt ? alen + 2 : 4) + (sizeof RULESET - 1) + hl + 2;
    if (with_reasons) {
        need += (sizeof REASONS - 1) + 1;
        for (int i = 0; i < nr; i++) need += p->reason_json_len[d->reasons[i]] + (i ? 1 : 0);
    }
    char *const w0 = jy_sb_extend(out, need);
    char *w = w0;
#define PUT(s, n) (memcpy(w, (s), (n)), w += (n))
    PUT(DEC[o], dl);
    if (amt) { *w++ = '"'; PUT(amt, alen); *w++ = '"'; }
    else PUT("null", 4);
    if (with_reasons) {
        PUT(REASONS, sizeof REASONS - 1);
        for (int i = 0; i < nr; i++) {
            int r = d->reasons[i];
            if (i) *w++ = ',';
            PUT(p->reason_json[r], p->reason_json_len[r]);
        }
        *w++ = ']';
    }
    PUT(RULESET, sizeof RULESET - 1);
    PUT(p->hash, hl);
    *w++ = '"';
    *w++ = '}';
#undef PUT
    assert((size_t)(w - w0) == need);
    (void)w0;
}

static void fmt_typed(const jy_policy *p, int type, int efact, int64_t v, jy_sb *out)
{
    char m[JY_MONEY_BUFSZ], dbuf[JY_DATE_BUFSZ];
    switch (type) {
    case T_MONEY: jy_sb_appendf(out, "%s元", jy_money_format_plain(v, m)); break;
    case T_RATIO: jy_sb_appendf(out, "%lld.%02lld%%", (long long)(v / 100), (long long)(v % 100)); break;
    case T_BOOL: jy_sb_append(out, v ? "是" : "否"); break;
    case T_DATE: jy_sb_append(out, jy_date_format((jy_date)v, dbuf)); break;
    case T_ENUM: jy_sb_append(out, efact >= 0 && v >= 0 && v < p->facts[efact].nsyms ? p->facts[efact].syms[v] : "?"); break;
    case T_SET: {
        jy_sb_appendc(out, '{');
        int first = 1;
        for (int i = 0; i < p->facts[efact].nsyms; i++)
            if ((uint64_t)v & ((uint64_t)1 << i)) {
                jy_sb_appendf(out, "%s%s", first ? "" : ", ", p->facts[efact].syms[i]);
                first = 0;
            }
        jy_sb_appendc(out, '}');
        break;
    }
    default: jy_sb_appendf(out, "%lld", (long long)v);
    }
}

/* A reason's text for the explain trace, the case's unrecognised occupation named. */
static void reason_text(const jp_reason *r, const jy_policy_case *c, jy_sb *out)
{
    if (r->subst && c->name[0]) subst_text(r->text, c->name, out);
    else jy_sb_append(out, r->text);
}

void jy_policy_explain_text(const jy_policy *p, const jy_policy_case *c, const jy_decision *d,
                            const jy_policy_trace *t, jy_sb *out)
{
    char dbuf[JY_DATE_BUFSZ], m[JY_MONEY_BUFSZ];
    const jp_program *pr = &p->programs[c->program];
    jy_sb_appendf(out, "项目 %s %s；判定日期 %s；规则集 %s\n", pr->id, pr->title, jy_date_format(c->date, dbuf), p->hash);
    for (int i = 0; t && i < t->n; i++) {
        const jy_policy_step *s = &t->steps[i];
        switch (s->kind) {
        case JY_STEP_FACT: {
            const jp_fact *f = &p->facts[s->index];
            jy_sb_appendf(out, "  第%d行 读取事实 %s = ", s->line, f->name);
            fmt_typed(p, f->type, s->index, s->value, out);
            jy_sb_appendc(out, '\n');
            break;
        }
        case JY_STEP_PARAM: {
            const jp_param *pm = &p->params[s->index];
            jy_sb_appendf(out, "  第%d行 参数 %s = ", s->line, pm->name);
            fmt_typed(p, pm->type, -1, s->value, out);
            jy_sb_appendf(out, "（%s，%s）\n", p->clauses[pm->clause].id, p->clauses[pm->clause].text);
            break;
        }
        case JY_STEP_LET:
            jy_sb_appendf(out, "  第%d行 计算 %s = ", s->line, p->locals[s->index]);
            fmt_typed(p, p->local_type[s->index], p->local_efact[s->index], s->value, out);
            jy_sb_appendc(out, '\n');
            break;
        case JY_STEP_CHECK_OK:
        case JY_STEP_CHECK_FAIL: {
            const jp_reason *r = &p->reasons[s->index];
            jy_sb_appendf(out, "  第%d行 条件［%s］%s：", s->line, reason_clause(p, r, 0),
                          s->kind == JY_STEP_CHECK_OK ? "满足" : (r->kind == R_FAIL ? "不满足（否决）" : "不满足（需审核）"));
            reason_text(r, c, out);
            jy_sb_appendc(out, '\n');
            break;
        }
        case JY_STEP_DECIDE: {
            const jp_table *tb = &p->tables[s->index];
            jy_sb_appendf(out, "  第%d行 查判定表［%s］取值 %lld\n", s->line, p->clauses[tb->clause].id, (long long)s->value);
            break;
        }
        case JY_STEP_OUTCOME: {
            const jp_reason *r = &p->reasons[s->index];
            const char *w = s->value == JY_INELIGIBLE ? "不符合" : s->value == JY_NEEDS_REVIEW ? "需人工审核" : "说明";
            jy_sb_appendf(out, "  第%d行 → %s［%s］", s->line, w, reason_clause(p, r, 0));
            reason_text(r, c, out);
            jy_sb_appendc(out, '\n');
            break;
        }
        case JY_STEP_PAY:
        case JY_STEP_CAP: {
            const jp_reason *r = &p->reasons[s->index];
            jy_sb_appendf(out, "  第%d行 %s %s元［%s］%s\n", s->line, s->kind == JY_STEP_PAY ? "核定金额" : "封顶为",
                          jy_money_format_plain(s->value, m), reason_clause(p, r, 0), r->text);
            break;
        }
        default: break;
        }
    }
    static const char *OUT_ZH[] = {"符合条件", "不符合条件", "需人工审核"};
    jy_sb_appendf(out, "结论：%s", OUT_ZH[d->outcome]);
    if (d->outcome == JY_ELIGIBLE && d->has_amount) jy_sb_appendf(out, "，金额 %s 元", jy_money_format_plain(d->amount, m));
    jy_sb_append(out, "\n");
    for (int i = 0; i < d->nreasons; i++) {
        const jp_reason *r = &p->reasons[d->reasons[i]];
        jy_sb_append(out, "  依据");
        for (int k = 0; k < (r->nclauses ? r->nclauses : 1); k++)
            jy_sb_appendf(out, "［%s］", r->nclauses ? p->clauses[r->clauses[k]].id : pr->id);
        jy_sb_appendc(out, ' ');
        reason_text(r, c, out);
        jy_sb_appendc(out, '\n');
    }
}

/* The clauses of a reason as a JSON array of {"id","text"}. */
static void clauses_json(const jy_policy *p, const jp_reason *r, jy_sb *out)
{
    jy_sb_json_key(out, "clauses");
    jy_sb_appendc(out, '[');
    for (int k = 0; k < r->nclauses; k++) {
        const jp_clause *cl = &p->clauses[r->clauses[k]];
        if (k) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "id", cl->id);
        jy_sb_json_kv_str(out, "text", cl->text);
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
}

static void typed_kv(const jy_policy *p, const char *key, int type, int efact, int64_t v, jy_sb *out)
{
    jy_sb t = JY_SB_INIT;
    fmt_typed(p, type, efact, v, &t);
    jy_sb_json_kv_str(out, key, jy_sb_cstr(&t));
    jy_sb_free(&t);
}

void jy_policy_explain_json(const jy_policy *p, const jy_policy_case *c, const jy_decision *d,
                            const jy_policy_trace *t, jy_sb *out)
{
    (void)d;
    char dbuf[JY_DATE_BUFSZ], m[JY_MONEY_BUFSZ];
    const jp_program *pr = &p->programs[c->program];
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "program", pr->id);
    jy_sb_json_kv_str(out, "title", pr->title);
    jy_sb_json_kv_str(out, "date", jy_date_format(c->date, dbuf));
    jy_sb_json_kv_str(out, "ruleset", p->hash);
    jy_sb_json_key(out, "steps");
    jy_sb_appendc(out, '[');
    int first = 1;
    for (int i = 0; t && i < t->n; i++) {
        const jy_policy_step *s = &t->steps[i];
        if (s->kind < JY_STEP_FACT || s->kind > JY_STEP_LET) continue;
        if (!first) jy_sb_appendc(out, ',');
        first = 0;
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_i64(out, "line", s->line);
        switch (s->kind) {
        case JY_STEP_FACT: {
            const jp_fact *f = &p->facts[s->index];
            jy_sb_json_kv_str(out, "kind", "fact");
            jy_sb_json_kv_str(out, "name", f->name);
            typed_kv(p, "value", f->type, s->index, s->value, out);
            break;
        }
        case JY_STEP_PARAM: {
            const jp_param *pm = &p->params[s->index];
            jy_sb_json_kv_str(out, "kind", "param");
            jy_sb_json_kv_str(out, "name", pm->name);
            typed_kv(p, "value", pm->type, -1, s->value, out);
            jy_sb_json_kv_str(out, "clause", p->clauses[pm->clause].id);
            jy_sb_json_kv_str(out, "clause_text", p->clauses[pm->clause].text);
            /* the period of the parameter the case's date fell in */
            jy_sb_json_key(out, "period");
            const jp_period *per = NULL;
            for (int k = 0; k < pm->nper; k++)
                if (pm->per[k].from <= c->date && c->date <= pm->per[k].to) {
                    per = &pm->per[k];
                    break;
                }
            if (!per) jy_sb_append(out, "null");
            else {
                jy_sb_appendc(out, '{');
                jy_sb_json_key(out, "from");
                if (per->from == INT32_MIN) jy_sb_append(out, "null");
                else jy_sb_json_str(out, jy_date_format(per->from, dbuf));
                jy_sb_json_key(out, "to");
                if (per->to == INT32_MAX) jy_sb_append(out, "null");
                else jy_sb_json_str(out, jy_date_format(per->to, dbuf));
                jy_sb_appendc(out, '}');
            }
            break;
        }
        case JY_STEP_LET:
            jy_sb_json_kv_str(out, "kind", "let");
            jy_sb_json_kv_str(out, "name", p->locals[s->index]);
            typed_kv(p, "value", p->local_type[s->index], p->local_efact[s->index], s->value, out);
            break;
        case JY_STEP_CHECK_OK:
        case JY_STEP_CHECK_FAIL: {
            const jp_reason *r = &p->reasons[s->index];
            jy_sb_json_kv_str(out, "kind", "check");
            jy_sb_json_kv_bool(out, "passed", s->kind == JY_STEP_CHECK_OK);
            jy_sb_json_kv_str(out, "severity", r->kind == R_FAIL ? "fail" : "review");
            jy_sb t2 = JY_SB_INIT;
            reason_text(r, c, &t2);
            jy_sb_json_kv_str(out, "text", jy_sb_cstr(&t2));
            jy_sb_free(&t2);
            clauses_json(p, r, out);
            break;
        }
        case JY_STEP_DECIDE: {
            const jp_table *tb = &p->tables[s->index];
            jy_sb_json_kv_str(out, "kind", "decide");
            jy_sb_json_kv_i64(out, "value", s->value);
            jy_sb_json_kv_str(out, "clause", p->clauses[tb->clause].id);
            jy_sb_json_kv_str(out, "clause_text", p->clauses[tb->clause].text);
            break;
        }
        case JY_STEP_OUTCOME: {
            const jp_reason *r = &p->reasons[s->index];
            jy_sb_json_kv_str(out, "kind", "outcome");
            jy_sb_json_kv_str(out, "outcome", s->value == JY_INELIGIBLE ? "ineligible" : s->value == JY_NEEDS_REVIEW ? "needs_review" : "note");
            jy_sb t2 = JY_SB_INIT;
            reason_text(r, c, &t2);
            jy_sb_json_kv_str(out, "text", jy_sb_cstr(&t2));
            jy_sb_free(&t2);
            clauses_json(p, r, out);
            break;
        }
        case JY_STEP_PAY:
        case JY_STEP_CAP: {
            const jp_reason *r = &p->reasons[s->index];
            jy_sb_json_kv_str(out, "kind", s->kind == JY_STEP_PAY ? "pay" : "cap");
            jy_sb_json_kv_str(out, "amount", jy_money_format_plain(s->value, m));
            jy_sb_json_kv_str(out, "text", r->text);
            clauses_json(p, r, out);
            break;
        }
        default: break;
        }
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, "]}");
}

/* ---- for the fast reader (reader.c): the reference reader's own helpers, unchanged ---- */
int jp_sym_index(const jp_fact *f, const char *s) { return sym_index(f, s); }
const char *jp_value_syn(const jy_policy *p, const jp_fact *f, const char *s) { return value_syn(p, f, s); }
int jp_resolve_occupation(const jy_policy *p, const char *written, int *occ, const jp_syn **syn)
{
    return resolve_occupation(p, written, occ, syn);
}
int jp_fact_range(const jp_fact *f, int64_t *lo, int64_t *hi) { return fact_range(f, lo, hi); }
