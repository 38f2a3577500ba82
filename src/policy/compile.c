/* Policy compiler back end and rule-set loader: the growable tables the parser fills, code
 * emission, decide-table analysis (every value of a decide's subject must fall in exactly one
 * branch; a gap or a conflict between clauses becomes a needs_review branch naming the clauses,
 * and a finding for `policy check`), loading a policy directory (rules, occupation catalogue,
 * working-day calendar) with its content hash, and the listings (programmes, facts). */
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "policy/internal.h"

const char *jp_type_name(int t)
{
    static const char *N[] = {"none", "number", "int", "money", "ratio", "bool", "date", "enum", "set", "code"};
    return t >= 0 && t <= T_CODE ? N[t] : "?";
}

void *jp_grow(void *arr, int *cap, int need, size_t elem)
{
    if (need <= *cap) return arr;
    int nc = *cap ? *cap * 2 : 16;
    while (nc < need) nc *= 2;
    void *na = realloc(arr, (size_t)nc * elem);
    if (!na) abort();
    *cap = nc;
    return na;
}

void jp_diag_err(jp_diag *d, int is_error, const char *file, int line, int col, const jy_err *e)
{
    if (is_error) d->nerr++;
    else d->nwarn++;
    if (is_error && !d->first_set) {
        d->first_set = 1;
        jy_err_wrap2(&d->first, JY_EINVAL, e, "%s:%d:%d: ", "%s 第%d行第%d列：", file, line, col);
    }
    if (d->out) {
        if (jy_lang() == JY_LANG_EN)
            jy_sb_appendf(d->out, "%s:%d:%d: %s: %s\n", file, line, col, is_error ? "error" : "warning", e->msg);
        else
            jy_sb_appendf(d->out, "%s:%d:%d: %s：%s\n", file, line, col, is_error ? "错误" : "警告", jy_err_zh(e));
    }
}

void jp_diag_addv(jp_diag *d, int is_error, const char *file, int line, int col, const jy_msg *m, va_list ap)
{
    jy_err e;
    va_list ap2;
    va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(e.msg, sizeof e.msg, m->en, ap);
    vsnprintf(e.zh, sizeof e.zh, m->zh, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    e.code = JY_EINVAL;
    e.key = m->key;
    jp_diag_err(d, is_error, file, line, col, &e);
}

void jp_diag_addm(jp_diag *d, int is_error, const char *file, int line, int col, const jy_msg *m, ...)
{
    va_list ap;
    va_start(ap, m);
    jp_diag_addv(d, is_error, file, line, col, m, ap);
    va_end(ap);
}

int jp_emit(jy_policy *p, int op, int t, int a, int32_t b, int64_t k, int line)
{
    p->code = jp_grow(p->code, &p->capcode, p->ncode + 1, sizeof *p->code);
    p->lines = jp_grow(p->lines, &p->caplines, p->ncode + 1, sizeof *p->lines);
    p->code[p->ncode] = (jp_ins){(uint8_t)op, (uint8_t)t, (uint16_t)a, b, k};
    p->lines[p->ncode] = line;
    return p->ncode++;
}

int jp_add_reason(jy_policy *p, int kind, const int *clauses, int nclauses, const char *text)
{
    for (int i = 0; i < p->nreasons; i++) {
        const jp_reason *r = &p->reasons[i];
        if (r->kind == kind && r->nclauses == nclauses && strcmp(r->text, text) == 0 &&
            memcmp(r->clauses, clauses, sizeof(int) * (size_t)nclauses) == 0)
            return i;
    }
    p->reasons = jp_grow(p->reasons, &p->capreasons, p->nreasons + 1, sizeof *p->reasons);
    jp_reason *r = &p->reasons[p->nreasons];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->nclauses = nclauses > 4 ? 4 : nclauses;
    for (int i = 0; i < r->nclauses; i++) r->clauses[i] = clauses[i];
    r->text = text;
    r->subst = strstr(text, "{occupation}") != NULL;
    return p->nreasons++;
}

int jp_find_clause(const jy_policy *p, const char *id)
{
    for (int i = 0; i < p->nclauses; i++)
        if (strcmp(p->clauses[i].id, id) == 0) return i;
    return -1;
}

int jp_find_param(const jy_policy *p, const char *name)
{
    for (int i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, name) == 0) return i;
    return -1;
}

int jp_find_local(const jy_policy *p, const char *name)
{
    for (int i = 0; i < p->nlocals; i++)
        if (strcmp(p->locals[i], name) == 0) return i;
    return -1;
}

int jp_table_new(jy_policy *p)
{
    p->tables = jp_grow(p->tables, &p->captables, p->ntables + 1, sizeof *p->tables);
    memset(&p->tables[p->ntables], 0, sizeof p->tables[0]);
    return p->ntables++;
}

/* Formats a subject value for a message: money in yuan, ratios in per cent, enums by name. */
static void fmt_val(char *buf, size_t n, int type, int64_t v, const char *const *syms)
{
    char m[JY_MONEY_BUFSZ], d[JY_DATE_BUFSZ];
    if (v <= -(int64_t)1e15 || v >= (int64_t)1e15) { snprintf(buf, n, v < 0 ? "-∞" : "∞"); return; }
    switch (type) {
    case T_MONEY: snprintf(buf, n, "%s元", jy_money_format_plain(v, m)); break;
    case T_RATIO: snprintf(buf, n, "%lld.%02lld%%", (long long)(v / 100), (long long)(v % 100 < 0 ? -(v % 100) : v % 100)); break;
    case T_ENUM: snprintf(buf, n, "%s", syms ? syms[v] : "?"); break;
    case T_BOOL: snprintf(buf, n, "%s", v ? "true" : "false"); break;
    case T_DATE: snprintf(buf, n, "%s", jy_date_format((jy_date)v, d)); break;
    default: snprintf(buf, n, "%lld", (long long)v);
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void clause_list(const jy_policy *p, const int *cl, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < n && used < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? "、" : "", p->clauses[cl[i]].id);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static void add_unique(int *arr, int *n, int max, int v)
{
    for (int i = 0; i < *n; i++)
        if (arr[i] == v) return;
    if (*n < max) arr[(*n)++] = v;
}

void jp_decide_build(jy_policy *p, jp_diag *d, const char *file, int line, int table, int subject_type,
                     int64_t dom_lo, int64_t dom_hi, jp_branch *br, int nbr, int info,
                     int32_t end_pc, const char *sname, const char *const *syms)
{
    int64_t pts[48 * 16 + 2];
    int np = 0, other = -1;
    pts[np++] = dom_lo;
    pts[np++] = dom_hi + 1;
    for (int i = 0; i < nbr; i++) {
        if (br[i].is_otherwise) { if (other < 0) other = i; continue; }
        for (int k = 0; k < br[i].nint; k++) {
            if (br[i].lo[k] > dom_lo && br[i].lo[k] <= dom_hi) pts[np++] = br[i].lo[k];
            if (br[i].hi[k] < dom_hi && br[i].hi[k] >= dom_lo) pts[np++] = br[i].hi[k] + 1;
        }
    }
    qsort(pts, (size_t)np, sizeof pts[0], cmp_i64);
    int u = 0;
    for (int i = 0; i < np; i++)
        if (u == 0 || pts[u - 1] != pts[i]) pts[u++] = pts[i];
    np = u;
    jp_seg *seg = jy_arena_alloc(p->arena, sizeof(jp_seg) * (size_t)(np + 1));
    int nseg = 0;
    int outcome = info ? 9 : JY_NEEDS_REVIEW;
    for (int i = 0; i + 1 < np; i++) {
        int64_t lo = pts[i], hi = pts[i + 1] - 1;
        int match[48], nm = 0;
        for (int b = 0; b < nbr; b++) {
            if (br[b].is_otherwise) continue;
            for (int k = 0; k < br[b].nint; k++)
                if (br[b].lo[k] <= lo && hi <= br[b].hi[k]) { match[nm++] = b; break; }
        }
        int32_t pc;
        char a[64], z[64], msg[700], cl[200];
        fmt_val(a, sizeof a, subject_type, lo, syms);
        fmt_val(z, sizeof z, subject_type, hi, syms);
        char range[140];
        if (lo == hi) snprintf(range, sizeof range, "%s", a);
        else snprintf(range, sizeof range, "%s 至 %s", a, z);
        int same = 1;
        for (int m = 1; m < nm; m++)
            if (br[match[m]].action_key != br[match[0]].action_key) same = 0;
        if (nm >= 1 && same) {
            pc = br[match[0]].pc;
        } else if (nm == 0 && other >= 0) {
            pc = br[other].pc;
        } else {
            int cls[4], nc = 0;
            if (nm == 0) {
                /* a gap: name the clauses of the branches on either side */
                for (int b = 0; b < nbr; b++)
                    for (int k = 0; k < br[b].nint; k++)
                        if (!br[b].is_otherwise && (br[b].hi[k] == lo - 1 || br[b].lo[k] == hi + 1))
                            add_unique(cls, &nc, 4, br[b].clause);
                if (nc == 0) add_unique(cls, &nc, 4, br[0].clause);
                clause_list(p, cls, nc, cl, sizeof cl);
                jp_diag_add2(d, 0, file, line, 1, "policy.decide_gap", "gap: %s = %s matches no branch (%s); such cases go to review", "缺口：%s = %s 不匹配任何分支（%s）；这类案件转人工审核", sname, range, cl);
                snprintf(msg, sizeof msg, "%s 为 %s 时条款未作规定（%s 之间的空档），需人工审核", sname, range, cl);
            } else {
                int lines[4], nl = 0;
                for (int m = 0; m < nm; m++) {
                    add_unique(cls, &nc, 4, br[match[m]].clause);
                    if (nl < 4) lines[nl++] = br[match[m]].line;
                }
                clause_list(p, cls, nc, cl, sizeof cl);
                jp_diag_add2(d, 0, file, line, 1, "policy.decide_conflict", "conflict: %s = %s matches branches on lines %d and %d with different outcomes (%s); such cases go to review", "冲突：%s = %s 同时匹配第 %d 行和第 %d 行的分支，结论不同（%s）；这类案件转人工审核",
                            sname, range, lines[0], lines[nl > 1 ? 1 : 0], cl);
                snprintf(msg, sizeof msg, "%s 为 %s 时条款相互冲突（%s），需人工审核", sname, range, cl);
            }
            int r = jp_add_reason(p, nm ? R_CONFLICT : R_GAP, cls, nc, jy_arena_strdup(p->arena, msg));
            pc = jp_emit(p, OP_OUT, outcome, r, 0, 0, line);
            jp_emit(p, OP_JMP, 0, 0, end_pc, 0, line);
        }
        if (nseg > 0 && seg[nseg - 1].pc == pc && seg[nseg - 1].hi + 1 == lo) seg[nseg - 1].hi = hi;
        else seg[nseg++] = (jp_seg){lo, hi, pc};
    }
    jp_table *t = &p->tables[table];
    t->seg = seg;
    t->nseg = nseg;
    t->clause = br[0].clause;
    if (other >= 0) {
        t->outside_pc = br[other].pc;
    } else {
        char msg[300], a[64], z[64];
        fmt_val(a, sizeof a, subject_type, dom_lo, syms);
        fmt_val(z, sizeof z, subject_type, dom_hi, syms);
        snprintf(msg, sizeof msg, "%s 超出可判断的范围（%s 至 %s），需人工审核", sname, a, z);
        int cls[1] = {br[0].clause};
        int r = jp_add_reason(p, R_GAP, cls, 1, jy_arena_strdup(p->arena, msg));
        t->outside_pc = jp_emit(p, OP_OUT, outcome, r, 0, 0, line);
        jp_emit(p, OP_JMP, 0, 0, end_pc, 0, line);
    }
}

/* ---- loading ---- */

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    jy_sb sb = JY_SB_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&sb, buf, n);
    fclose(f);
    *len = sb.len;
    *out = jy_sb_take(&sb);
    if (!*out) *out = calloc(1, 1);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int fx = strcmp(x, "facts.rules") == 0, fy = strcmp(y, "facts.rules") == 0;
    if (fx != fy) return fy - fx;
    return strcmp(x, y);
}

static void load_occupations(jy_policy *p, jp_diag *d, const char *path, const char *src, size_t len)
{
    const char *s = src, *end = src + len;
    int line = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        line++;
        if (e > s && *s != '#') {
            const char *col[6] = {0};
            size_t cl[6] = {0};
            int nc = 0;
            const char *q = s;
            while (nc < 6) {
                const char *tab = memchr(q, '\t', (size_t)(e - q));
                const char *stop = tab ? tab : e;
                col[nc] = q;
                cl[nc] = (size_t)(stop - q);
                if (cl[nc] && q[cl[nc] - 1] == '\r') cl[nc]--;
                nc++;
                if (!tab) break;
                q = tab + 1;
            }
            if (nc < 2) {
                jp_diag_add2(d, 1, path, line, 1, "policy.occ_syntax", "expected name<TAB>kind<TAB>code<TAB>levels<TAB>note", "格式应为 名称<TAB>类别<TAB>代码<TAB>等级<TAB>备注");
            } else if (!(cl[0] == 4 && memcmp(col[0], "name", 4) == 0)) {
                static const char *KINDS[] = {"access", "level", "training", "special_ability"};
                int ok = 0;
                for (int k = 0; k < 4; k++)
                    if (cl[1] == strlen(KINDS[k]) && memcmp(col[1], KINDS[k], cl[1]) == 0) ok = 1;
                if (!ok) {
                    jp_diag_add2(d, 1, path, line, (int)(col[1] - s) + 1, "policy.occ_kind", "kind \"%.*s\" is not access, level, training or special_ability", "类别“%.*s”不是 access、level、training 或 special_ability", (int)cl[1], col[1]);
                } else {
                    p->occ = realloc(p->occ, sizeof *p->occ * (size_t)(p->nocc + 1));
                    if (!p->occ) abort();
                    jp_occ *o = &p->occ[p->nocc++];
                    o->name = jy_arena_strndup(p->arena, col[0], cl[0]);
                    o->kind = jy_arena_strndup(p->arena, col[1], cl[1]);
                    o->code = nc > 2 ? jy_arena_strndup(p->arena, col[2], cl[2]) : "";
                    o->levels = nc > 3 ? jy_arena_strndup(p->arena, col[3], cl[3]) : "";
                    o->note = nc > 4 ? jy_arena_strndup(p->arena, col[4], cl[4]) : "";
                    char key[256];
                    jp_norm_name(col[0], cl[0], key, sizeof key);
                    o->key = jy_arena_strdup(p->arena, key);
                }
            }
        }
        s = e + 1;
    }
}

/* policy/synonyms.tsv: field<TAB>written<TAB>means[<TAB>implies[<TAB>note]] (docs/policy.md,
 * "Names as people write them"). field is "occupation" or a declared fact; an occupation's means
 * is the catalogue's name (occupations.tsv) or, for a track decided by its own clauses, a name
 * that implies the facts that select it ("track=gouqi gouqi_trade=planting"); a fact's means is
 * one of its values as facts.rules writes it, or "-" (no value). Checked here, at load. */
static void load_synonyms(jy_policy *p, jp_diag *d, const char *path, const char *src, size_t len)
{
    const char *s = src, *end = src + len;
    int line = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        line++;
        if (e > s && *s != '#' && !(e - s == 1 && *s == '\r')) {
            const char *col[5] = {0};
            size_t cl[5] = {0};
            int nc = 0;
            const char *q = s;
            while (nc < 5) {
                const char *tab = memchr(q, '\t', (size_t)(e - q));
                const char *stop = tab ? tab : e;
                col[nc] = q;
                cl[nc] = (size_t)(stop - q);
                if (cl[nc] && q[cl[nc] - 1] == '\r') cl[nc]--;
                nc++;
                if (!tab) break;
                q = tab + 1;
            }
            char field[64], key[256];
            if (nc < 3 || cl[0] == 0 || cl[1] == 0 || cl[2] == 0) {
                jp_diag_add2(d, 1, path, line, 1, "policy.syn_syntax", "expected field<TAB>written<TAB>means[<TAB>implies<TAB>note]", "格式应为 字段<TAB>写法<TAB>含义[<TAB>推出<TAB>备注]");
                goto next;
            }
            if (cl[0] == 5 && memcmp(col[0], "field", 5) == 0) goto next; /* the header */
            snprintf(field, sizeof field, "%.*s", (int)(cl[0] < 63 ? cl[0] : 63), col[0]);
            jp_norm_name(col[1], cl[1], key, sizeof key);
            if (!key[0]) {
                jp_diag_add2(d, 1, path, line, (int)(col[1] - s) + 1, "policy.syn_written_empty", "the written name is empty", "写法为空");
                goto next;
            }
            jp_syn y;
            memset(&y, 0, sizeof y);
            y.field = -1;
            y.occ = -1;
            y.line = line;
            y.key = jy_arena_strdup(p->arena, key);
            y.means = jy_arena_strndup(p->arena, col[2], cl[2]);
            if (strcmp(field, "occupation") != 0) {
                y.field = jy_policy_fact_index(p, field);
                if (y.field < 0 || p->facts[y.field].derived) {
                    jp_diag_add2(d, 1, path, line, 1, "policy.syn_field", "field \"%s\" is neither occupation nor a fact declared in facts.rules", "字段“%s”既不是 occupation，也不是 facts.rules 中声明的信息项", field);
                    goto next;
                }
                const jp_fact *f = &p->facts[y.field];
                int ok = strcmp(y.means, "-") == 0;
                for (int i = 0; !ok && (f->type == T_ENUM || f->type == T_SET) && i < f->nsyms; i++)
                    ok = strcmp(f->syms[i], y.means) == 0;
                if (!ok && f->type == T_INT) {
                    const char *m = y.means;
                    ok = *m != 0;
                    for (; *m; m++)
                        if (*m < '0' || *m > '9') ok = 0;
                    if (ok && f->has_range) {
                        long long v = atoll(y.means);
                        ok = v >= f->lo && v <= f->hi;
                    }
                }
                if (!ok) {
                    jp_diag_add2(d, 1, path, line, (int)(col[2] - s) + 1, "policy.syn_not_value", "\"%s\" is not a value of fact %s (facts.rules)", "“%s”不是信息项 %s 的取值（facts.rules）", y.means, field);
                    goto next;
                }
                if (nc > 3 && cl[3]) {
                    jp_diag_add2(d, 1, path, line, (int)(col[3] - s) + 1, "policy.syn_implies_occ", "only an occupation implies facts", "只有工种（occupation）才能推出信息项");
                    goto next;
                }
            } else {
                for (int i = 0; i < p->nocc; i++)
                    if (strcmp(p->occ[i].name, y.means) == 0) y.occ = i;
                /* implies: fact=value, separated by spaces */
                const char *x = nc > 3 ? col[3] : NULL, *xe = x ? col[3] + cl[3] : NULL;
                while (x && x < xe) {
                    while (x < xe && *x == ' ') x++;
                    if (x >= xe) break;
                    const char *w = x;
                    while (x < xe && *x != ' ') x++;
                    const char *eq = memchr(w, '=', (size_t)(x - w));
                    char fn[64], fv[64];
                    int fi = -1, sv = -1;
                    if (eq && eq - w < 64 && x - eq - 1 < 64 && x - eq - 1 > 0) {
                        snprintf(fn, sizeof fn, "%.*s", (int)(eq - w), w);
                        snprintf(fv, sizeof fv, "%.*s", (int)(x - eq - 1), eq + 1);
                        fi = jy_policy_fact_index(p, fn);
                        if (fi >= 0 && p->facts[fi].type == T_ENUM && !p->facts[fi].derived)
                            for (int i = 0; i < p->facts[fi].nsyms; i++)
                                if (strcmp(p->facts[fi].syms[i], fv) == 0) sv = i;
                    }
                    if (sv < 0 || y.nimp == JP_SYN_IMPLIES) {
                        jp_diag_add2(d, 1, path, line, (int)(w - s) + 1,
                                    "policy.syn_implies",
                                    "implies \"%.*s\": expected up to %d fact=value of enum facts declared in facts.rules", "implies“%.*s”：应为最多 %d 个“信息项=取值”，信息项须为 facts.rules 中声明的枚举类信息项",
                                    (int)(x - w), w, JP_SYN_IMPLIES);
                        goto next;
                    }
                    y.imp_fact[y.nimp] = fi;
                    y.imp_val[y.nimp++] = sv;
                }
                if (y.occ < 0 && y.nimp == 0) {
                    jp_diag_add2(d, 1, path, line, (int)(col[2] - s) + 1,
                                "policy.syn_occ_unknown",
                                "\"%s\" is not in occupations.tsv and implies no facts: add it to the catalogue or give what it implies", "“%s”不在 occupations.tsv 中，也没有推出任何信息项：请把它加入工种目录，或写明它推出的信息项",
                                y.means);
                    goto next;
                }
            }
            for (int i = 0; i < p->nsyn; i++)
                if (p->syn[i].field == y.field && strcmp(p->syn[i].key, y.key) == 0) {
                    jp_diag_add2(d, 1, path, line, (int)(col[1] - s) + 1, "policy.syn_twice", "\"%.*s\" is already given for %s on line %d", "“%.*s”已为 %s 给出（第 %d 行）",
                                (int)cl[1], col[1], field, p->syn[i].line);
                    goto next;
                }
            p->syn = realloc(p->syn, sizeof *p->syn * (size_t)(p->nsyn + 1));
            if (!p->syn) abort();
            p->syn[p->nsyn++] = y;
        }
    next:
        s = e + 1;
    }
}

const char *const jy_policy_conflict_kinds[] = {"one_training_per_year", "repeat_occupation_level",
                                                 "two_bodies_same_training", "excluded_status",
                                                 "two_internship_hosts", "p24_and_p13", "duplicate_in_roster", NULL};

/* policy/conflicts.tsv: kind<TAB>programs<TAB>hard|soft<TAB>clause[<TAB>note]. */
static void load_conflicts(jy_policy *p, jp_diag *d, const char *path, const char *src, size_t len)
{
    const char *s = src, *end = src + len;
    int line = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        line++;
        if (e > s && *s != '#' && !(e - s == 1 && *s == '\r')) {
            const char *col[5] = {0};
            size_t cl[5] = {0};
            int nc = 0;
            const char *q = s;
            while (nc < 5) {
                const char *tab = memchr(q, '\t', (size_t)(e - q));
                const char *stop = tab ? tab : e;
                col[nc] = q;
                cl[nc] = (size_t)(stop - q);
                if (cl[nc] && q[cl[nc] - 1] == '\r') cl[nc]--;
                nc++;
                if (!tab) break;
                q = tab + 1;
            }
            if (nc < 4 || !cl[0] || !cl[1] || !cl[2] || !cl[3]) {
                jp_diag_add2(d, 1, path, line, 1, "policy.conflict_syntax", "expected kind<TAB>programs<TAB>hard|soft<TAB>clause[<TAB>note]", "格式应为 类别<TAB>项目<TAB>hard|soft<TAB>条款[<TAB>备注]");
                goto next;
            }
            if (cl[0] == 4 && memcmp(col[0], "kind", 4) == 0) goto next; /* the header */
            jp_conflict_rule r;
            memset(&r, 0, sizeof r);
            r.line = line;
            r.kind = jy_arena_strndup(p->arena, col[0], cl[0]);
            r.programs = jy_arena_strndup(p->arena, col[1], cl[1]);
            r.clause = jy_arena_strndup(p->arena, col[3], cl[3]);
            int known = 0;
            for (int i = 0; jy_policy_conflict_kinds[i]; i++) known |= strcmp(jy_policy_conflict_kinds[i], r.kind) == 0;
            if (!known) {
                jp_diag_add2(d, 1, path, line, 1, "policy.conflict_kind", "\"%s\" is not a conflict jiuye checks (docs/cases.md \"Conflicts\")", "“%s”不是 jiuye 检查的冲突类别（docs/cases.md“Conflicts”）", r.kind);
                goto next;
            }
            if (cl[2] == 4 && memcmp(col[2], "hard", 4) == 0) r.hard = 1;
            else if (!(cl[2] == 4 && memcmp(col[2], "soft", 4) == 0)) {
                jp_diag_add2(d, 1, path, line, (int)(col[2] - s) + 1, "policy.conflict_hardness", "expected hard (refuses) or soft (a person reviews), not \"%.*s\"", "应为 hard（拒绝）或 soft（转人工审核），不能是“%.*s”",
                            (int)cl[2], col[2]);
                goto next;
            }
            if (strcmp(r.programs, "*") != 0) {
                const char *x = r.programs;
                while (*x) {
                    const char *c = strchr(x, ',');
                    size_t n = c ? (size_t)(c - x) : strlen(x);
                    char id[16];
                    snprintf(id, sizeof id, "%.*s", (int)(n < 15 ? n : 15), x);
                    if (n == 0 || n > 15 || jy_policy_program_index(p, id) < 0) {
                        jp_diag_add2(d, 1, path, line, (int)(col[1] - s) + 1, "policy.conflict_program", "\"%.*s\" is not a programme (P1 … P26, or * for any)", "“%.*s”不是项目（P1 … P26，或 * 表示任意项目）", (int)n, x);
                        goto next;
                    }
                    x += n + (c != NULL);
                }
            }
            p->crule = realloc(p->crule, sizeof *p->crule * (size_t)(p->ncrule + 1));
            if (!p->crule) abort();
            p->crule[p->ncrule++] = r;
        }
    next:
        s = e + 1;
    }
}

static int in_list(const char *list, const char *id)
{
    if (strcmp(list, "*") == 0) return 1;
    size_t n = strlen(id);
    for (const char *x = list; x && *x;) {
        const char *c = strchr(x, ',');
        size_t m = c ? (size_t)(c - x) : strlen(x);
        if (m == n && memcmp(x, id, n) == 0) return 1;
        x = c ? c + 1 : NULL;
    }
    return 0;
}

int jy_policy_conflict_hard(const jy_policy *p, const char *kind, const char *program)
{
    for (int i = 0; p && i < p->ncrule; i++)
        if (strcmp(p->crule[i].kind, kind) == 0 && in_list(p->crule[i].programs, program ? program : "")) return p->crule[i].hard;
    return 0;
}

/* Compiles dir into *out; findings go to d. Returns JY_EIO when the directory cannot be read. */
static int compile_dir(const char *dir, jy_policy **out, jp_diag *d, jy_err *err)
{
    int rc = 0;
    char **names = NULL;
    int nn = 0;
    jy_policy *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->arena = jy_arena_new(0);
    p->fact_occupation = p->fact_occupation_kind = p->fact_prior = p->fact_prior_same = p->fact_prior_year = -1;
    DIR *dh = opendir(dir);
    if (!dh) {
        rc = jy_err_set2(err, JY_EIO, "policy.dir_open", "cannot open policy directory %s: %s", "无法打开政策目录 %s（%s）", dir, strerror(errno));
        goto done;
    }
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 6 && strcmp(e->d_name + n - 6, ".rules") == 0 && e->d_name[0] != '.') {
            names = realloc(names, sizeof *names * (size_t)(nn + 1));
            if (!names) abort();
            names[nn++] = jy_arena_strdup(p->arena, e->d_name);
        }
    }
    closedir(dh);
    if (nn == 0) {
        rc = jy_err_set2(err, JY_EIO, "policy.no_rules", "no *.rules files in %s", "%s 中没有规则文件（*.rules）", dir);
        goto done;
    }
    qsort(names, (size_t)nn, sizeof *names, cmp_str);
    if (sodium_init() < 0) abort();
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    for (int i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *src;
        size_t len;
        if (read_file(path, &src, &len) != 0) {
            rc = jy_err_set2(err, JY_EIO, "policy.file_read", "cannot read %s: %s", "无法读取 %s（%s）", path, strerror(errno));
            goto done;
        }
        crypto_hash_sha256_update(&hs, (const unsigned char *)names[i], strlen(names[i]) + 1);
        crypto_hash_sha256_update(&hs, (const unsigned char *)src, len);
        jp_parse_file(p, d, jy_arena_strdup(p->arena, names[i]), src, len);
        free(src);
    }
    /* the occupation catalogue and the calendar are part of what decides a case */
    static const char *EXTRA[] = {"occupations.tsv", "synonyms.tsv", "conflicts.tsv", "calendar.txt"};
    for (int i = 0; i < 4; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, EXTRA[i]);
        char *src;
        size_t len;
        if (read_file(path, &src, &len) != 0) {
            if (i == 0) jp_diag_add2(d, 0, EXTRA[i], 1, 1, "policy.no_occupations", "no occupation catalogue: occupation_kind stays unknown", "没有工种目录：occupation_kind 保持未知");
            if (i == 2) jp_diag_add2(d, 0, EXTRA[i], 1, 1, "policy.no_conflict_settings", "no conflict settings: every conflict finding goes to a person (soft)", "没有冲突设置：每项冲突发现都转人工审核（柔性）");
            continue;
        }
        crypto_hash_sha256_update(&hs, (const unsigned char *)EXTRA[i], strlen(EXTRA[i]) + 1);
        crypto_hash_sha256_update(&hs, (const unsigned char *)src, len);
        if (i == 0) load_occupations(p, d, EXTRA[i], src, len);
        if (i == 1) load_synonyms(p, d, EXTRA[i], src, len);
        if (i == 2) load_conflicts(p, d, EXTRA[i], src, len);
        free(src);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hs, h);
    for (int i = 0; i < 8; i++) snprintf(p->hash + 2 * i, 3, "%02x", h[i]);
    jy_err cerr;
    if (jy_calendar_load(dir, &p->cal, &cerr) != 0) {
        p->cal = NULL;
        jy_err_copy(&p->calendar_err, 0, &cerr);
    }
    p->fact_occupation = jy_policy_fact_index(p, "occupation");
    p->fact_occupation_kind = jy_policy_fact_index(p, "occupation_kind");
    p->fact_prior_same = jy_policy_fact_index(p, "prior_same_training");
    p->fact_prior_year = jy_policy_fact_index(p, "trainings_this_year");
    /* programmes without targets or budget are findings too */
    for (int i = 0; i < p->nprograms; i++) {
        const jp_program *pr = &p->programs[i];
        int c = jp_find_clause(p, pr->id);
        if (pr->ntargets == 0) jp_diag_add2(d, 0, p->clauses[c].file, p->clauses[c].line, 1, "policy.no_target", "programme %s has no target", "项目 %s 没有目标任务", pr->id);
        if (pr->nbudget == 0) jp_diag_add2(d, 0, p->clauses[c].file, p->clauses[c].line, 1, "policy.no_budget", "programme %s has no budget line", "项目 %s 没有预算线", pr->id);
    }
done:
    free(names);
    if (rc != 0) {
        jy_policy_free(p);
        p = NULL;
    }
    *out = p;
    return rc;
}

/* The parts of a loaded rule set built from its code: the specialised image and the reasons' JSON. */
static void finish_load(jy_policy *p)
{
    p->fast = malloc(sizeof *p->fast);
    jp_spec *spec = calloc(1, sizeof *spec); /* nothing known: every fact dynamic, any date */
    if (!p->fast || !spec) abort();
    jp_image_build(p, spec, p->fast);
    free(spec);
    jp_reasons_json_build(p);
}

int jy_policy_load(const char *dir, jy_policy **out, jy_err *err)
{
    jp_diag d;
    memset(&d, 0, sizeof d);
    jy_policy *p = NULL;
    *out = NULL;
    int rc = compile_dir(dir, &p, &d, err);
    if (rc != 0) return rc;
    if (d.nerr > 0) {
        if (err) *err = d.first;
        jy_policy_free(p);
        return JY_EINVAL;
    }
    finish_load(p);
    *out = p;
    return 0;
}

int jp_load_text(const char *name, const char *src, size_t len, jy_policy **out, jy_err *err)
{
    jp_diag d;
    memset(&d, 0, sizeof d);
    *out = NULL;
    jy_policy *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->arena = jy_arena_new(0);
    jp_parse_file(p, &d, name, src, len);
    if (d.nerr > 0) {
        if (err) *err = d.first;
        jy_policy_free(p);
        return JY_EINVAL;
    }
    snprintf(p->hash, sizeof p->hash, "%s", "text");
    p->fact_occupation = jy_policy_fact_index(p, "occupation");
    p->fact_occupation_kind = jy_policy_fact_index(p, "occupation_kind");
    p->fact_prior = -1;
    p->fact_prior_same = jy_policy_fact_index(p, "prior_same_training");
    p->fact_prior_year = jy_policy_fact_index(p, "trainings_this_year");
    p->fact_occ_access = -1;
    finish_load(p);
    *out = p;
    return 0;
}

int jy_policy_check(const char *dir, jy_sb *report, int *nerrors, int *nwarnings)
{
    jp_diag d;
    memset(&d, 0, sizeof d);
    d.out = report;
    jy_policy *p = NULL;
    jy_err err;
    int rc = compile_dir(dir, &p, &d, &err);
    if (rc != 0) {
        if (jy_lang() == JY_LANG_EN) jy_sb_appendf(report, "%s: error: %s\n", dir, err.msg);
        else jy_sb_appendf(report, "%s: 错误：%s\n", dir, jy_err_zh(&err));
        d.nerr++;
    } else if (!p->cal) {
        jp_diag_err(&d, 0, "calendar.txt", 1, 1, &p->calendar_err);
    }
    jy_policy_free(p);
    *nerrors = d.nerr;
    *nwarnings = d.nwarn;
    return rc == JY_EIO ? rc : 0;
}

void jy_policy_free(jy_policy *p)
{
    if (!p) return;
    free(p->facts);
    free(p->params);
    free(p->clauses);
    free(p->reasons);
    free(p->programs);
    free(p->tables);
    free(p->code);
    free(p->lines);
    free(p->occ);
    free(p->syn);
    free(p->crule);
    if (p->fast) {
        jp_image_free(p->fast);
        free(p->fast);
    }
    jy_calendar_free(p->cal);
    jy_arena_free(p->arena);
    free(p);
}

const char *jy_policy_hash(const jy_policy *p) { return p->hash; }
int jy_policy_program_count(const jy_policy *p) { return p->nprograms; }

int jy_policy_program_index(const jy_policy *p, const char *id)
{
    for (int i = 0; i < p->nprograms; i++)
        if (strcmp(p->programs[i].id, id) == 0) return i;
    return -1;
}

int jy_policy_fact_index(const jy_policy *p, const char *name)
{
    for (int i = 0; i < p->nfacts; i++)
        if (strcmp(p->facts[i].name, name) == 0) return i;
    return -1;
}

int jy_policy_reason_nclauses(const jy_policy *p, int r) { return p->reasons[r].nclauses; }
const char *jy_policy_reason_clause(const jy_policy *p, int r, int k) { return p->clauses[p->reasons[r].clauses[k]].id; }
const char *jy_policy_reason_text(const jy_policy *p, int r) { return p->reasons[r].text; }

void jy_policy_list_json(const jy_policy *p, jy_sb *out)
{
    char m[JY_MONEY_BUFSZ];
    jy_sb_appendc(out, '[');
    for (int i = 0; i < p->nprograms; i++) {
        const jp_program *pr = &p->programs[i];
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "program", pr->id);
        jy_sb_json_kv_str(out, "title", pr->title);
        jy_sb_json_key(out, "targets");
        jy_sb_appendc(out, '[');
        for (int k = 0; k < pr->ntargets; k++) {
            if (k) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '{');
            if (pr->targets[k].year) jy_sb_json_kv_i64(out, "year", pr->targets[k].year);
            else jy_sb_json_kv_str(out, "year", "total");
            jy_sb_json_kv_i64(out, "count", pr->targets[k].count);
            if (*pr->targets[k].what) jy_sb_json_kv_str(out, "what", pr->targets[k].what);
            jy_sb_json_kv_str(out, "clause", p->clauses[pr->targets[k].clause].id);
            jy_sb_appendc(out, '}');
        }
        jy_sb_appendc(out, ']');
        for (int w = 0; w < 2; w++) {
            int n = w ? pr->nsources : pr->nbudget;
            const jp_money_line *ml = w ? pr->sources : pr->budget;
            jy_sb_json_key(out, w ? "sources" : "budget");
            jy_sb_appendc(out, '[');
            for (int k = 0; k < n; k++) {
                if (k) jy_sb_appendc(out, ',');
                jy_sb_appendc(out, '{');
                if (*ml[k].what) jy_sb_json_kv_str(out, w ? "source" : "what", ml[k].what);
                jy_sb_json_kv_str(out, "amount", jy_money_format_plain(ml[k].amount, m));
                jy_sb_json_kv_str(out, "clause", p->clauses[ml[k].clause].id);
                jy_sb_appendc(out, '}');
            }
            jy_sb_appendc(out, ']');
        }
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
}

void jy_policy_facts_md(const jy_policy *p, jy_sb *out)
{
    jy_sb_append(out, "| fact | type | meaning | programmes |\n|---|---|---|---|\n");
    for (int i = 0; i < p->nfacts; i++) {
        const jp_fact *f = &p->facts[i];
        jy_sb_appendf(out, "| `%s` | %s", f->name, jp_type_name(f->type));
        if (f->type == T_ENUM || f->type == T_SET) {
            jy_sb_append(out, " of ");
            for (int k = 0; k < f->nsyms; k++) jy_sb_appendf(out, "%s%s", k ? " \\| " : "", f->syms[k]);
        }
        if (f->has_range) {
            char a[64], b[64];
            fmt_val(a, sizeof a, f->type, f->lo, NULL);
            fmt_val(b, sizeof b, f->type, f->hi, NULL);
            jy_sb_appendf(out, " %s..%s", a, b);
        }
        if (f->derived) jy_sb_append(out, " (derived)");
        jy_sb_appendf(out, " | %s | ", f->doc ? f->doc : "");
        int first = 1;
        for (int k = 0; k < p->nprograms && k < 64; k++)
            if (f->used_by[0] & ((uint64_t)1 << k)) {
                jy_sb_appendf(out, "%s%s", first ? "" : ", ", p->programs[k].id);
                first = 0;
            }
        jy_sb_append(out, " |\n");
    }
}

int jy_policy_program_form_json(const jy_policy *p, const char *program, jy_sb *out)
{
    int pi = -1;
    for (int k = 0; k < p->nprograms && k < 64; k++)
        if (strcmp(p->programs[k].id, program) == 0) pi = k;
    if (pi < 0) return JY_ENOTFOUND;
    char a[64], b[64];
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "program", p->programs[pi].id);
    jy_sb_json_kv_str(out, "title", p->programs[pi].title);
    jy_sb_json_key(out, "facts");
    jy_sb_appendc(out, '[');
    int first = 1;
    for (int i = 0; i < p->nfacts; i++) {
        const jp_fact *f = &p->facts[i];
        if (!(f->used_by[0] & ((uint64_t)1 << pi))) continue;
        if (!first) jy_sb_appendc(out, ',');
        first = 0;
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "name", f->name);
        jy_sb_json_kv_str(out, "type", jp_type_name(f->type));
        if (f->type == T_ENUM || f->type == T_SET) {
            jy_sb_json_key(out, "values");
            jy_sb_appendc(out, '[');
            for (int k = 0; k < f->nsyms; k++) {
                if (k) jy_sb_appendc(out, ',');
                jy_sb_json_str(out, f->syms[k]);
            }
            jy_sb_appendc(out, ']');
        }
        if (f->has_range) {
            fmt_val(a, sizeof a, f->type, f->lo, NULL);
            fmt_val(b, sizeof b, f->type, f->hi, NULL);
            jy_sb_json_kv_str(out, "min", a);
            jy_sb_json_kv_str(out, "max", b);
        }
        jy_sb_json_kv_str(out, "doc", f->doc ? f->doc : "");
        jy_sb_json_kv_bool(out, "derived", f->derived);
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    jy_sb_json_key(out, "clauses");
    jy_sb_appendc(out, '[');
    first = 1;
    for (int i = 0; i < p->nclauses; i++) {
        if (p->clauses[i].program != pi || strcmp(p->clauses[i].id, p->programs[pi].id) == 0) continue;
        if (!first) jy_sb_appendc(out, ',');
        first = 0;
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "id", p->clauses[i].id);
        jy_sb_json_kv_str(out, "text", p->clauses[i].text ? p->clauses[i].text : "");
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    /* the parameters (what `policy simulate --set` changes), with their periods */
    jy_sb_json_key(out, "params");
    jy_sb_appendc(out, '[');
    first = 1;
    for (int i = 0; i < p->nparams; i++) {
        const jp_param *q = &p->params[i];
        if (q->clause < 0 || q->clause >= p->nclauses || p->clauses[q->clause].program != pi) continue;
        if (!first) jy_sb_appendc(out, ',');
        first = 0;
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "name", q->name);
        jy_sb_json_kv_str(out, "type", jp_type_name(q->type));
        jy_sb_json_kv_str(out, "clause", p->clauses[q->clause].id);
        jy_sb_json_key(out, "periods");
        jy_sb_appendc(out, '[');
        for (int k = 0; k < q->nper; k++) {
            char d[JY_DATE_BUFSZ];
            if (k) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '{');
            jy_sb_json_key(out, "from");
            if (q->per[k].from == INT32_MIN) jy_sb_append(out, "null");
            else jy_sb_json_str(out, jy_date_format(q->per[k].from, d));
            jy_sb_json_key(out, "to");
            if (q->per[k].to == INT32_MAX) jy_sb_append(out, "null");
            else jy_sb_json_str(out, jy_date_format(q->per[k].to, d));
            fmt_val(a, sizeof a, q->type, q->per[k].value, NULL);
            jy_sb_json_kv_str(out, "value", a);
            jy_sb_appendc(out, '}');
        }
        jy_sb_appendc(out, ']');
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    jy_sb_appendc(out, '}');
    return 0;
}

int jy_policy_compile_text(const char *name, const char *src, size_t len, jy_sb *report, int *nerrors)
{
    jp_diag d;
    memset(&d, 0, sizeof d);
    d.out = report;
    jy_policy *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->arena = jy_arena_new(0);
    jp_parse_file(p, &d, name, src, len);
    jy_policy_free(p);
    if (nerrors) *nerrors = d.nerr;
    return d.nerr ? JY_EINVAL : 0;
}
