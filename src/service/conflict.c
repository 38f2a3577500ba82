/* conflict.c — conflict checks across programmes (see conflict.h for the kinds and clauses).
 *
 * Shape of a check: resolve the rows' persons (one query by ID numbers), load every case of
 * those persons (one query) and every status (one query), each sorted by person; then each row
 * binary-searches its person's slice. A 10,000-row roster is three statements and O(n log n). */
#include "service/conflict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- report */

void jy_conflict_report_free(jy_conflict_report *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* Whether a finding of kind refuses the case in the query's programme: policy/conflicts.tsv. */
static int is_hard(const jy_conflict_query *q, const char *kind)
{
    return jy_policy_conflict_hard(q->pol, kind, q->program);
}

static int add(jy_conflict_report *rep, const char *kind, int hard, const char *clause, int64_t other, long row,
               const char *idcard, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static int add(jy_conflict_report *rep, const char *kind, int hard, const char *clause, int64_t other, long row,
               const char *idcard, const char *fmt, ...)
{
    if (rep->n == rep->cap) {
        size_t cap = rep->cap ? rep->cap * 2 : 16;
        jy_conflict *ni = realloc(rep->items, cap * sizeof *ni);
        if (!ni) return JY_ENOMEM;
        rep->items = ni;
        rep->cap = cap;
    }
    jy_conflict *c = &rep->items[rep->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->kind, sizeof c->kind, "%s", kind);
    c->hard = hard;
    snprintf(c->clause, sizeof c->clause, "%s", clause);
    c->other_case = other;
    c->row = row;
    snprintf(c->idcard, sizeof c->idcard, "%s", idcard ? idcard : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    if (hard) rep->nhard++;
    else rep->nsoft++;
    return 0;
}

void jy_conflict_report_json(jy_sb *sb, const jy_conflict_report *r)
{
    jy_sb_appendc(sb, '[');
    for (size_t i = 0; i < r->n; i++) {
        const jy_conflict *c = &r->items[i];
        if (i) jy_sb_appendc(sb, ',');
        jy_sb_appendc(sb, '{');
        jy_sb_json_kv_str(sb, "kind", c->kind);
        jy_sb_json_kv_bool(sb, "hard", c->hard);
        jy_sb_json_kv_str(sb, "clause", c->clause);
        jy_sb_json_kv_str(sb, "reason", c->reason);
        if (c->other_case) {
            jy_sb_json_kv_i64(sb, "other_case", c->other_case);
        }
        if (c->row) {
            jy_sb_json_kv_i64(sb, "row", c->row);
        }
        if (c->idcard[0]) {
            jy_sb_json_kv_str(sb, "idcard", c->idcard);
        }
        jy_sb_appendc(sb, '}');
    }
    jy_sb_appendc(sb, ']');
}

/* ---------------------------------------------------------------- history */

typedef struct hist {
    int64_t person_id, id, org_id;
    char program[4];
    char kind[24];
    int year, level;
    char occupation[64];
    jy_date start_on, end_on, filed_on;
} hist;

typedef struct stat_row {
    int64_t person_id;
    jy_status_kind kind;
    jy_date since, until;
    char detail[64];
} stat_row;

typedef struct loaded {
    hist *h;
    size_t nh, caph;
    stat_row *s;
    size_t ns, caps;
    int oom;
} loaded;

int jy_conflict_case_counts(const jy_case *c)
{
    return strcmp(c->state, "rejected") != 0 && strcmp(c->state, "withdrawn") != 0 &&
           strcmp(c->state, "cancelled") != 0 && strcmp(c->decision, "ineligible") != 0;
}

int jy_conflict_is_prior(jy_date date, int64_t id, jy_date on, int64_t self)
{
    return date < on || (date == on && (self == 0 || id < self));
}

static int on_case(void *ctx, const jy_case *c)
{
    loaded *L = ctx;
    if (!jy_conflict_case_counts(c)) return 0;
    if (L->nh == L->caph) {
        size_t cap = L->caph ? L->caph * 2 : 256;
        hist *nh = realloc(L->h, cap * sizeof *nh);
        if (!nh) {
            L->oom = 1;
            return 1;
        }
        L->h = nh;
        L->caph = cap;
    }
    hist *h = &L->h[L->nh++];
    h->person_id = c->person_id;
    h->id = c->id;
    h->org_id = c->org_id;
    memcpy(h->program, c->program, sizeof h->program);
    memcpy(h->kind, c->kind, sizeof h->kind);
    h->year = c->year;
    h->level = c->level;
    memcpy(h->occupation, c->occupation, sizeof h->occupation);
    h->start_on = c->start_on;
    h->end_on = c->end_on;
    h->filed_on = c->filed_on;
    return 0;
}

static int on_status(void *ctx, const jy_person_status *s)
{
    loaded *L = ctx;
    if (L->ns == L->caps) {
        size_t cap = L->caps ? L->caps * 2 : 256;
        stat_row *ns = realloc(L->s, cap * sizeof *ns);
        if (!ns) {
            L->oom = 1;
            return 1;
        }
        L->s = ns;
        L->caps = cap;
    }
    stat_row *r = &L->s[L->ns++];
    r->person_id = s->person_id;
    r->kind = s->kind;
    r->since = s->since;
    r->until = s->until;
    memcpy(r->detail, s->detail, sizeof r->detail);
    return 0;
}

/* ---------------------------------------------------------------- rules */

int jy_conflict_is_training(const char *program, const char *kind)
{
    int prog = strcmp(program, "P1") == 0 || strcmp(program, "P2") == 0 || strcmp(program, "P23") == 0 ||
               strcmp(program, "P4") == 0;
    return prog && kind && (strcmp(kind, "trainee_claim") == 0 || strcmp(kind, "individual_claim") == 0);
}

static int is_internship(const char *program, const char *kind)
{
    return (strcmp(program, "P13") == 0 || strcmp(program, "P14") == 0) && strcmp(kind, "placement") == 0;
}

static int is_p24_post(const char *program, const char *kind)
{
    return strcmp(program, "P24") == 0 && strcmp(kind, "placement") == 0;
}

/* Closed ranges; 0 start = since ever, 0 end = open. */
static int overlaps(jy_date s1, jy_date e1, jy_date s2, jy_date e2)
{
    return (e2 == 0 || s1 == 0 || s1 <= e2) && (e1 == 0 || s2 == 0 || s2 <= e1);
}

static int status_active(const stat_row *s, jy_date on)
{
    return (s->since == 0 || s->since <= on) && (s->until == 0 || s->until >= on);
}

static const char *level_text(int level)
{
    static const char *T[] = {"", "一级", "二级", "三级", "四级", "五级"};
    return level >= 1 && level <= 5 ? T[level] : "未定级";
}

const char *jy_training_exclusion(jy_status_kind kind, const char *detail, const char **label)
{
    const char *code = NULL, *what = NULL;
    switch (kind) {
    case JY_ST_PUBLIC_WELFARE_POST: code = "public_welfare_post", what = "公益性岗位人员"; break;
    case JY_ST_ENROLLED_STUDENT: code = "enrolled_student", what = "在校学生"; break;
    case JY_ST_FISCAL_PAYROLL: code = "fiscal_payroll", what = "财政供养人员"; break;
    case JY_ST_RETIRED: code = "retired", what = "退休人员"; break;
    case JY_ST_EMPLOYER_INSURED: code = "employer_insured", what = "单位缴纳社保人员"; break;
    case JY_ST_DISABILITY:
        if (detail && (strcmp(detail, "1") == 0 || strcmp(detail, "2") == 0 || strcmp(detail, "一级") == 0 ||
                       strcmp(detail, "二级") == 0))
            code = "disability_grade_1_2", what = "一二级残疾人员";
        break;
    default: break;
    }
    if (label) *label = what;
    return code;
}

/* The exclusion clause of a training programme (P1/P2/P23 §二, P4 §三). */
static void excl_clause(char *buf, size_t cap, const char *program)
{
    snprintf(buf, cap, "%s %s", program, strcmp(program, "P4") == 0 ? "三" : "二");
}

static int check_row(const jy_conflict_query *q, const jy_conflict_subject *r, int64_t pid, const hist *h, size_t nh,
                     const stat_row *s, size_t ns, jy_conflict_report *rep)
{
    char clause[48];
    int rc = 0;
    if (jy_conflict_is_training(q->program, q->kind)) {
        excl_clause(clause, sizeof clause, q->program);
        for (size_t i = 0; i < ns && rc == 0; i++) {
            if (!status_active(&s[i], q->on)) continue;
            const char *what = NULL;
            jy_training_exclusion(s[i].kind, s[i].detail, &what);
            if (what)
                rc = add(rep, "excluded_status", is_hard(q, "excluded_status"), clause, 0, r->row, r->idcard,
                         "%s不得参加补贴性培训（登记状态：%s）", what, jy_status_kind_label(s[i].kind));
        }
        char c8[48];
        snprintf(c8, sizeof c8, "%s 八(二)", strcmp(q->program, "P4") == 0 ? "P1" : q->program);
        for (size_t i = 0; i < nh && rc == 0; i++) {
            const hist *o = &h[i];
            if (o->id == q->exclude_case) continue;
            if (is_p24_post(o->program, o->kind) && overlaps(o->start_on ? o->start_on : o->filed_on, o->end_on, q->on, q->on)) {
                rc = add(rep, "excluded_status", is_hard(q, "excluded_status"), clause, o->id, r->row, r->idcard,
                         "公益性岗位人员不得参加补贴性培训（在岗：案件 %lld，P24）", (long long)o->id);
                continue;
            }
            if (!jy_conflict_is_training(o->program, o->kind)) continue;
            /* a training counts against this claim only when it came first (§二, §八(二)) */
            if (!jy_conflict_is_prior(o->filed_on, o->id, q->on, q->exclude_case)) continue;
            int same = r->occupation[0] && r->level > 0 && o->level == r->level && strcmp(o->occupation, r->occupation) == 0;
            if (same && o->year == q->year && o->org_id && r->org_id && o->org_id != r->org_id)
                rc = add(rep, "two_bodies_same_training", is_hard(q, "two_bodies_same_training"), c8, o->id, r->row, r->idcard,
                         "同一培训（%s%s，%d年）已由另一培训机构申领（案件 %lld，%s）", r->occupation,
                         level_text(r->level), q->year, (long long)o->id, o->program);
            else if (same)
                rc = add(rep, "repeat_occupation_level", is_hard(q, "repeat_occupation_level"), clause, o->id, r->row, r->idcard,
                         "已参加过同一职业（工种）同一等级的补贴性培训：%s%s（案件 %lld，%s，%d年）", r->occupation,
                         level_text(r->level), (long long)o->id, o->program, o->year);
            else if (o->year == q->year)
                rc = add(rep, "one_training_per_year", is_hard(q, "one_training_per_year"), c8, o->id, r->row, r->idcard,
                         "%s每人每年只能享受一次补贴性培训：%d年已有案件 %lld（%s，%s%s）",
                         is_hard(q, "one_training_per_year") ? "" : "原则上", q->year, (long long)o->id, o->program,
                         o->occupation[0] ? o->occupation : "未填工种", o->level ? level_text(o->level) : "");
        }
    }
    if (strcmp(q->kind, "placement") == 0 && (is_internship(q->program, q->kind) || is_p24_post(q->program, q->kind))) {
        jy_date s1 = r->start_on ? r->start_on : q->on, e1 = r->end_on;
        for (size_t i = 0; i < nh && rc == 0; i++) {
            const hist *o = &h[i];
            if (o->id == q->exclude_case) continue;
            jy_date s2 = o->start_on ? o->start_on : o->filed_on;
            if (!overlaps(s1, e1, s2, o->end_on)) continue;
            if (is_internship(q->program, q->kind) && is_internship(o->program, o->kind) && o->org_id != r->org_id)
                rc = add(rep, "two_internship_hosts", is_hard(q, "two_internship_hosts"), "P13 二(四)3", o->id, r->row, r->idcard,
                         "只能在一个用人单位实习（见习）：同期已在另一单位（案件 %lld，%s）", (long long)o->id, o->program);
            else if ((strcmp(q->program, "P13") == 0 && is_p24_post(o->program, o->kind)) ||
                     (is_p24_post(q->program, q->kind) && strcmp(o->program, "P13") == 0 &&
                      strcmp(o->kind, "placement") == 0))
                rc = add(rep, "p24_and_p13", is_hard(q, "p24_and_p13"), "P13 二(四)3；P24 二", o->id, r->row, r->idcard,
                         "不得同时在公益性岗位（P24）和机关事业单位实习（P13）：同期已有案件 %lld（%s）",
                         (long long)o->id, o->program);
        }
    }
    (void)pid;
    return rc;
}

/* ---------------------------------------------------------------- the check */

/* Rows sorted by ID number (keys point into the rows). */
typedef struct row_key {
    const char *idcard;
    size_t i;
} row_key;

static int by_idcard(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    int c = strcmp(x->idcard, y->idcard);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

typedef struct idx_ctx {
    const row_key *order;
    size_t n;
    int64_t *pid; /* person id per row */
} idx_ctx;

static int on_person(void *ctx, const jy_person *p)
{
    idx_ctx *X = ctx;
    size_t lo = 0, hi = X->n;
    while (lo < hi) { /* first row with idcard >= p->idcard */
        size_t mid = (lo + hi) / 2;
        if (strcmp(X->order[mid].idcard, p->idcard) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < X->n && strcmp(X->order[lo].idcard, p->idcard) == 0; lo++) X->pid[X->order[lo].i] = p->id;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int jy_conflicts_check(jy_store *st, const jy_conflict_query *q, jy_conflict_report *rep, jy_err *err)
{
    if (!q->pol) return jy_err_set2(err, JY_EINVAL, "conflict.no_rules", "conflict check without the rules (policy/conflicts.tsv says hard or soft)", "进行冲突检查需要规则（policy/conflicts.tsv 规定刚性或柔性冲突）");
    int rc = 0;
    size_t n = q->n;
    row_key *order = malloc((n ? n : 1) * sizeof *order);
    int64_t *pid = calloc(n ? n : 1, sizeof *pid);
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    const char **cards = malloc((n ? n : 1) * sizeof *cards);
    loaded L = {0};
    if (!order || !pid || !ids || !cards) {
        rc = jy_err_set2(err, JY_ENOMEM, "conflict.oom_rows", "out of memory checking %zu rows", "检查 %zu 行时内存不足", n);
        goto done;
    }
    rep->rows += (long)n;
    /* 1. persons: rows carrying an id keep it; the others are looked up by ID number at once */
    size_t ncards = 0;
    for (size_t i = 0; i < n; i++) {
        order[i].idcard = q->rows[i].idcard;
        order[i].i = i;
        pid[i] = q->rows[i].person_id;
    }
    qsort(order, n, sizeof *order, by_idcard);
    for (size_t i = 0; i < n; i++) {
        const jy_conflict_subject *r = &q->rows[order[i].i];
        if (q->roster && i > 0 && r->idcard[0] && strcmp(r->idcard, order[i - 1].idcard) == 0) {
            size_t first = i - 1;
            while (first > 0 && strcmp(order[first - 1].idcard, r->idcard) == 0) first--;
            if ((rc = add(rep, "duplicate_in_roster", is_hard(q, "duplicate_in_roster"), "花名册", 0, r->row, r->idcard,
                          "身份证号 %s 在同一花名册中重复出现（第 %ld 行已有）", r->idcard, q->rows[order[first].i].row)))
                goto oom;
        }
        if (!r->person_id && r->idcard[0] && (ncards == 0 || strcmp(cards[ncards - 1], r->idcard) != 0))
            cards[ncards++] = r->idcard;
    }
    idx_ctx X = {order, n, pid};
    if (ncards && (rc = jy_store_persons_by_idcards(st, cards, ncards, on_person, &X, err))) goto done;
    /* 2. the distinct persons' cases and statuses, one query each */
    size_t nids = 0;
    for (size_t i = 0; i < n; i++)
        if (pid[i]) ids[nids++] = pid[i];
    qsort(ids, nids, sizeof *ids, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < nids; i++)
        if (u == 0 || ids[u - 1] != ids[i]) ids[u++] = ids[i];
    nids = u;
    if ((rc = jy_store_case_history(st, ids, nids, on_case, &L, err))) goto done;
    if (!L.oom && (rc = jy_store_statuses_of(st, ids, nids, on_status, &L, err))) goto done;
    if (L.oom) goto oom;
    /* 3. each row against its person's slice (both lists come sorted by person) */
    for (size_t i = 0; i < n; i++) {
        if (!pid[i]) continue;
        rep->registered++;
        size_t lo = 0, hi = L.nh;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (L.h[mid].person_id < pid[i]) lo = mid + 1;
            else hi = mid;
        }
        size_t he = lo;
        while (he < L.nh && L.h[he].person_id == pid[i]) he++;
        size_t slo = 0, shi = L.ns;
        while (slo < shi) {
            size_t mid = (slo + shi) / 2;
            if (L.s[mid].person_id < pid[i]) slo = mid + 1;
            else shi = mid;
        }
        size_t se = slo;
        while (se < L.ns && L.s[se].person_id == pid[i]) se++;
        if ((rc = check_row(q, &q->rows[i], pid[i], L.h + lo, he - lo, L.s + slo, se - slo, rep))) goto oom;
    }
    goto done;
oom:
    rc = jy_err_set2(err, JY_ENOMEM, "conflict.oom_record", "out of memory recording conflicts", "记录冲突时内存不足");
done:
    free(order);
    free(pid);
    free(ids);
    free(cards);
    free(L.h);
    free(L.s);
    return rc;
}

int jy_conflicts_check_case(jy_store *st, const jy_policy *pol, int64_t case_id, jy_conflict_report *rep, jy_err *err)
{
    jy_sb text = JY_SB_INIT;
    jy_case c;
    int rc = jy_store_case_get(st, case_id, &c, &text, err);
    if (rc == 0 && strcmp(c.kind, "monthly_payment") == 0 && c.parent_id) {
        int64_t parent = c.parent_id;
        rc = jy_store_case_get(st, parent, &c, &text, err);
    }
    if (rc == 0 && c.person_id) {
        jy_conflict_subject s;
        memset(&s, 0, sizeof s);
        s.person_id = c.person_id;
        memcpy(s.occupation, c.occupation, sizeof s.occupation);
        s.level = c.level;
        s.org_id = c.org_id;
        s.start_on = c.start_on;
        s.end_on = c.end_on;
        jy_conflict_query q = {.program = c.program, .kind = c.kind, .year = c.year, .on = c.filed_on,
                               .exclude_case = c.id, .rows = &s, .n = 1, .pol = pol};
        rc = jy_conflicts_check(st, &q, rep, err);
    }
    jy_sb_free(&text);
    return rc;
}
