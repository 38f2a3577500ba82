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

static int fact_value(const jy_policy *p, const jp_fact *f, json_t *v, int64_t *out, jy_err *err)
{
    char syms[600];
    switch (f->type) {
    case T_INT:
        if (json_int(v, out) != 0) return jy_err_set(err, JY_EINVAL, "fact %s: expected a whole number", f->name);
        break;
    case T_CODE:
        if (json_int(v, out) != 0 || *out < 0) return jy_err_set(err, JY_EINVAL, "fact %s: expected a code of digits", f->name);
        break;
    case T_MONEY:
        if (json_is_string(v)) {
            jy_err e;
            if (jy_money_parse(json_string_value(v), out, &e) != 0)
                return jy_err_set(err, JY_EINVAL, "fact %s: %s (expected an amount in yuan, \"930.00\")", f->name, e.msg);
        } else if (json_is_integer(v)) {
            json_int_t y = json_integer_value(v);
            if (y > INT64_MAX / 100 || y < INT64_MIN / 100) { /* whole yuan beyond int64 fen */
                char a[48], b[48];
                int64_t lo = 0, hi = JY_FACT_MONEY_MAX; /* a money fact always has a range */
                fact_range(f, &lo, &hi);
                fmt_plain(T_MONEY, lo, a, sizeof a);
                fmt_plain(T_MONEY, hi, b, sizeof b);
                return jy_err_set(err, JY_EINVAL, "fact %s: %lld is out of range (expected an amount in yuan from %s to %s)",
                                  f->name, (long long)y, a, b);
            }
            *out = (int64_t)y * 100;
        } else {
            return jy_err_set(err, JY_EINVAL, "fact %s: expected an amount in yuan as a string (\"930.00\")", f->name);
        }
        break;
    case T_RATIO:
        if (json_ratio(v, out) != 0) return jy_err_set(err, JY_EINVAL, "fact %s: expected a share (0.3 or \"30%%\")", f->name);
        break;
    case T_BOOL:
        if (!json_is_boolean(v)) return jy_err_set(err, JY_EINVAL, "fact %s: expected true or false", f->name);
        *out = json_is_true(v);
        break;
    case T_DATE: {
        jy_date d;
        jy_err e;
        if (!json_is_string(v) || jy_date_parse(json_string_value(v), &d, &e) != 0)
            return jy_err_set(err, JY_EINVAL, "fact %s: expected a date YYYY-MM-DD", f->name);
        *out = d;
        break;
    }
    case T_ENUM: {
        int s = json_is_string(v) ? sym_index(f, json_string_value(v)) : -1;
        if (s < 0) {
            sym_list(f, syms, sizeof syms);
            return jy_err_set(err, JY_EINVAL, "fact %s: unknown value %s%s%s (expected %s)", f->name,
                              json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : "of the wrong type",
                              json_is_string(v) ? "\"" : "", syms);
        }
        *out = s;
        break;
    }
    case T_SET: {
        if (!json_is_array(v)) return jy_err_set(err, JY_EINVAL, "fact %s: expected a list", f->name);
        uint64_t m = 0;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int s = json_is_string(x) ? sym_index(f, json_string_value(x)) : -1;
            if (s < 0) {
                sym_list(f, syms, sizeof syms);
                return jy_err_set(err, JY_EINVAL, "fact %s: item %zu is not one of %s", f->name, i, syms);
            }
            m |= (uint64_t)1 << s;
        }
        *out = (int64_t)m;
        break;
    }
    default:
        return jy_err_set(err, JY_EINVAL, "fact %s: unsupported type", f->name);
    }
    int64_t lo, hi;
    if (fact_range(f, &lo, &hi) && (*out < lo || *out > hi)) {
        char a[48], b[48], x[48];
        fmt_plain(f->type, *out, x, sizeof x);
        fmt_plain(f->type, lo, a, sizeof a);
        fmt_plain(f->type, hi, b, sizeof b);
        return jy_err_set(err, JY_EINVAL, "fact %s: %s is out of range (expected %s from %s to %s)", f->name, x,
                          f->type == T_MONEY ? "an amount in yuan" : f->type == T_RATIO ? "a share" : "a whole number", a, b);
    }
    (void)p;
    return 0;
}

static const jp_occ *find_occ(const jy_policy *p, const char *name)
{
    for (int i = 0; i < p->nocc; i++)
        if (strcmp(p->occ[i].name, name) == 0) return &p->occ[i];
    return NULL;
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
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return jy_err_set(err, JY_EINVAL, "not JSON: %s (column %d)", je.text, je.column);
    if (!json_is_object(root)) { rc = jy_err_set(err, JY_EINVAL, "a case must be a JSON object"); goto done; }
    json_t *id = json_object_get(root, "id");
    if (json_is_string(id)) {
        snprintf(id_buf, id_cap, "%s", json_string_value(id));
        *has_id = 1;
    } else if (json_is_integer(id)) {
        snprintf(id_buf, id_cap, "%lld", (long long)json_integer_value(id));
        *has_id = 1;
    }
    json_t *prog = json_object_get(root, "program");
    if (!json_is_string(prog)) { rc = jy_err_set(err, JY_EINVAL, "missing \"program\" (P1 … P26)"); goto done; }
    c->program = jy_policy_program_index(p, json_string_value(prog));
    if (c->program < 0) { rc = jy_err_set(err, JY_EINVAL, "unknown programme \"%s\"", json_string_value(prog)); goto done; }
    json_t *date = json_object_get(root, "date");
    if (!json_is_string(date)) { rc = jy_err_set(err, JY_EINVAL, "missing \"date\" (YYYY-MM-DD): parameters depend on it"); goto done; }
    jy_err de;
    if (jy_date_parse(json_string_value(date), &c->date, &de) != 0) { rc = jy_err_set(err, JY_EINVAL, "date: %s", de.msg); goto done; }
    json_t *facts = json_object_get(root, "facts");
    if (facts && !json_is_object(facts)) { rc = jy_err_set(err, JY_EINVAL, "\"facts\" must be an object"); goto done; }
    const char *key;
    json_t *v;
    const char *occupation = NULL;
    json_t *priors = NULL;
    json_t *level = NULL;
    json_object_foreach(facts, key, v) {
        int f = jy_policy_fact_index(p, key);
        if (f < 0 && !is_input(COMPOUND, key)) {
            if (is_input(inputs, key)) continue; /* the caller's own input (a form field) */
            const char *near = jy_policy_closest_fact(p, key, inputs);
            if (!near)
                rc = jy_err_set(err, JY_EINVAL, "unknown fact \"%s\" (no facts are declared)", key);
            else if (edit_distance(key, near) * 2 <= (int)strlen(key) + 1)
                rc = jy_err_set(err, JY_EINVAL, "unknown fact \"%s\" — did you mean \"%s\"? (policy/facts.rules declares the facts)", key, near);
            else
                rc = jy_err_set(err, JY_EINVAL, "unknown fact \"%s\" (the closest known name is \"%s\"; policy/facts.rules declares the facts)", key, near);
            goto done;
        }
        if (json_is_null(v)) continue;
        if (strcmp(key, "occupation") == 0) {
            if (!json_is_string(v)) { rc = jy_err_set(err, JY_EINVAL, "fact occupation: expected the occupation's name"); goto done; }
            occupation = json_string_value(v);
            continue;
        }
        if (strcmp(key, "prior_trainings") == 0) {
            if (!json_is_array(v)) { rc = jy_err_set(err, JY_EINVAL, "fact prior_trainings: expected a list of {date, occupation, level, subsidised}"); goto done; }
            priors = v;
            continue;
        }
        if (strcmp(key, "level") == 0) level = v;
        if (p->facts[f].derived) { rc = jy_err_set(err, JY_EINVAL, "fact %s is derived by jiuye; give its inputs instead", key); goto done; }
        int64_t x;
        if ((rc = fact_value(p, &p->facts[f], v, &x, err)) != 0) goto done;
        set_fact(c, f, x);
    }
    if (occupation && p->fact_occupation_kind >= 0) {
        const jp_occ *o = find_occ(p, occupation);
        const jp_fact *kf = &p->facts[p->fact_occupation_kind];
        if (o) {
            int s = sym_index(kf, o->kind);
            if (s >= 0) set_fact(c, p->fact_occupation_kind, s);
        } else {
            int s = sym_index(kf, "uncatalogued");
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
            if (!json_is_object(it)) { rc = jy_err_set(err, JY_EINVAL, "prior_trainings[%zu]: expected an object", i); goto done; }
            json_t *po = json_object_get(it, "occupation"), *pl = json_object_get(it, "level");
            json_t *pd = json_object_get(it, "date"), *ps = json_object_get(it, "subsidised");
            jy_date dd = 0;
            if (pd) {
                if (!json_is_string(pd) || jy_date_parse(json_string_value(pd), &dd, NULL) != 0) {
                    rc = jy_err_set(err, JY_EINVAL, "prior_trainings[%zu].date: expected YYYY-MM-DD", i);
                    goto done;
                }
                if (dd > c->date) continue;
            }
            int64_t a, b;
            if (occupation && json_is_string(po) && strcmp(json_string_value(po), occupation) == 0 &&
                level && pl && json_int(pl, &a) == 0 && json_int(level, &b) == 0 && a == b)
                same = 1;
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
    size_t dl = strlen(DEC[o]), hl = strlen(p->hash);
    if (with_reasons && !p->reason_json) {
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
                jy_sb_json_kv_str(out, "text", rr->text);
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
            jy_sb_appendf(out, "  第%d行 条件［%s］%s：%s\n", s->line, reason_clause(p, r, 0),
                          s->kind == JY_STEP_CHECK_OK ? "满足" : (r->kind == R_FAIL ? "不满足（否决）" : "不满足（需审核）"), r->text);
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
            jy_sb_appendf(out, "  第%d行 → %s［%s］%s\n", s->line, w, reason_clause(p, r, 0), r->text);
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
        jy_sb_appendf(out, " %s\n", r->text);
    }
}
