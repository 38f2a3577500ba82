/* Policy evaluator: executes a programme's compiled instructions over one case's fact vector
 * (jy_policy_eval), or over every row of a batch given as columns of facts
 * (jy_policy_eval_columns). A fixed stack and locals on the C stack, no allocation, no parsing,
 * threaded dispatch (computed goto). Semantics:
 * - a missing fact / parameter period / local skips the statement that needed it and records a
 *   needs_review reason naming it (never a default that decides the case);
 * - a failed hard check or an `ineligible` action stops evaluation: ineligible;
 * - soft checks (原则上), review actions, gaps and conflicts mark needs_review and go on;
 * - otherwise eligible, with the amount of the last pay (capped by cap).
 * jy_policy_eval runs the image specialised at load time (fast.c); explain (with a trace) runs
 * the parser's code itself; a batch runs an image specialised to the batch. All three compute
 * the same decisions (tests/unit/test_policy_engine.c compares them). */
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "policy/internal.h"

#define STACK 64

static inline void add_reason(jy_decision *d, int r)
{
    for (int i = 0; i < d->nreasons; i++)
        if (d->reasons[i] == r) return;
    if (d->nreasons < JY_POLICY_MAX_REASONS) d->reasons[d->nreasons++] = (uint16_t)r;
}

/* Adds the reason of instruction in: without the duplicate search when the image proved it unique. */
#define ADD_REASON(d, in, r)                                                                      \
    do {                                                                                          \
        if (((in)->t & JP_T_UNIQUE) && (d)->nreasons < JY_POLICY_MAX_REASONS)                     \
            (d)->reasons[(d)->nreasons++] = (uint16_t)(r);                                        \
        else if (!((in)->t & JP_T_UNIQUE))                                                        \
            add_reason((d), (r));                                                                 \
    } while (0)

static inline void step(jy_policy_trace *t, int kind, int index, int64_t value, int line)
{
    if (t && t->n < t->cap) t->steps[t->n++] = (jy_policy_step){kind, index, value, line};
}

static inline int64_t round_div(__int128 num, int64_t den)
{
    /* half away from zero */
    int neg = (num < 0) != (den < 0);
    __int128 n = num < 0 ? -num : num;
    __int128 dd = den < 0 ? -(__int128)den : den;
    __int128 q = (n + dd / 2) / dd;
    return (int64_t)(neg ? -q : q);
}

int64_t jp_binop(int op, int64_t x, int64_t y); /* fast.c */

/* Where a row's facts come from: a case (v/present) or columns of a batch. */
typedef struct vm_src {
    const jy_policy_case *c;
    const int64_t *const *cols;
    const uint8_t *const *colp;
    size_t row;
    jy_date date;
} vm_src;

/* The code position of value v in decision table t: the segment containing v, else the table's
 * outside branch. Segments are sorted and disjoint, so the first segment whose upper bound is
 * ≥ v is the only one that can contain v. The search is branch-free (conditional moves): a
 * subject that varies from case to case costs no mispredicted branches. */
static inline int32_t seg_find(const jp_table *t, int64_t v)
{
    const jp_seg *base = t->seg;
    int n = t->nseg;
    if (n <= 0) return t->outside_pc;
    while (n > 1) {
        int half = n >> 1;
        base = base[half - 1].hi < v ? base + half : base;
        n -= half;
    }
    /* base is the first segment with hi >= v, or the last one when v is above every segment */
    int inside = (base->lo <= v) & (v <= base->hi);
    return inside ? base->pc : t->outside_pc;
}

/* A batch's outputs: when vm gets one, it runs every row from src->row to n - 1 in one call
 * (no call and no set-up per row), writing each row's result here. */
typedef struct vm_rows {
    size_t n;
    int32_t entry;
    uint8_t *outcome;
    jy_fen *amount;
    jy_decision *decisions; /* NULL: the caller's d is reused for every row */
    jy_policy_totals t;
} vm_rows;

#define PRESENT(c, f) (((c)->present[(f) >> 6] >> ((f) & 63)) & 1)

static int vm(const jy_policy *p, const jp_ins *code, const jp_table *tables,
              int pc, const vm_src *src, jy_decision *d, jy_policy_trace *tr, vm_rows *rows)
{
    static const void *const L[OP__COUNT] = {
        [OP_HALT] = &&l_halt, [OP_CONST] = &&l_const, [OP_FACT] = &&l_fact, [OP_PARAM] = &&l_param,
        [OP_LOCAL] = &&l_local, [OP_SETLOCAL] = &&l_setlocal, [OP_POP] = &&l_pop, [OP_ADD] = &&l_add,
        [OP_SUB] = &&l_sub, [OP_MUL] = &&l_mul, [OP_MULR] = &&l_mulr, [OP_DIV] = &&l_div, [OP_DIVR] = &&l_divr,
        [OP_RATIO] = &&l_ratio, [OP_NEG] = &&l_neg, [OP_MIN] = &&l_min, [OP_MAX] = &&l_max, [OP_EQ] = &&l_eq,
        [OP_NE] = &&l_ne, [OP_LT] = &&l_lt, [OP_LE] = &&l_le, [OP_GT] = &&l_gt, [OP_GE] = &&l_ge,
        [OP_NOT] = &&l_not, [OP_JMP] = &&l_jmp, [OP_JZ] = &&l_jz, [OP_JZK] = &&l_jzk, [OP_JNZK] = &&l_jnzk,
        [OP_HAS] = &&l_has, [OP_IN] = &&l_halt, [OP_WITHIN] = &&l_within, [OP_WORKDAYS] = &&l_workdays,
        [OP_DAYS] = &&l_days, [OP_ADDWD] = &&l_workdays, [OP_ADDDAYS] = &&l_adddays, [OP_YEAR] = &&l_year,
        [OP_CHECK] = &&l_check, [OP_OUT] = &&l_out, [OP_PAY] = &&l_pay, [OP_CAP] = &&l_cap,
        [OP_DECIDE] = &&l_decide, [OP_MISSING] = &&l_halt, [OP_ABSENT] = &&l_absent, [OP_COL] = &&l_col,
        [OP_COLP] = &&l_colp, [OP_KNOWNCOL] = &&l_knowncol, [OP_EQK] = &&l_eqk, [OP_NEK] = &&l_nek,
        [OP_LTK] = &&l_ltk, [OP_LEK] = &&l_lek, [OP_GTK] = &&l_gtk, [OP_GEK] = &&l_gek, [OP_ADDK] = &&l_addk,
        [OP_SUBK] = &&l_subk, [OP_MULK] = &&l_mulk, [OP_MULRK] = &&l_mulrk, [OP_DIVK] = &&l_divk,
        [OP_DIVRK] = &&l_divrk, [OP_BINK] = &&l_bink, [OP_KNOWN] = &&l_known, [OP_FCHK] = &&l_fchk,
        [OP_FCHK_EQ] = &&l_fchk_eq, [OP_FCHK_NE] = &&l_fchk_ne, [OP_FCHK_LT] = &&l_fchk_lt,
        [OP_FCHK_LE] = &&l_fchk_le, [OP_FCHK_GT] = &&l_fchk_gt, [OP_FCHK_GE] = &&l_fchk_ge,
        [OP_FCHK_HAS] = &&l_fchk_has, [OP_FDEC] = &&l_fdec, [OP_EXT] = &&l_halt,
        [OP_OUTJ] = &&l_out, [OP_PAYKJ] = &&l_paykj, [OP_PAYJ] = &&l_pay, [OP_JUNKNOWN] = &&l_junknown,
        [OP_JNZ] = &&l_jnz, [OP_FJZ] = &&l_fjz, [OP_FJZ_EQ] = &&l_fjz_eq, [OP_FJZ_NE] = &&l_fjz_ne,
        [OP_FJZ_LT] = &&l_fjz_lt, [OP_FJZ_LE] = &&l_fjz_le, [OP_FJZ_GT] = &&l_fjz_gt, [OP_FJZ_GE] = &&l_fjz_ge,
        [OP_FJZ_HAS] = &&l_fjz_has,
    };
    int64_t st[STACK];
    int64_t loc[64];
    uint64_t locset = 0;
    int sp = 0;
    int review = 0;
    const jp_ins *in;
    const jy_policy_case *c = src->c;
    size_t row = src->row;
start:
    locset = 0;
    sp = 0;
    review = 0;
    d->outcome = JY_ELIGIBLE;
    d->has_amount = 0;
    d->amount = 0;
    d->nreasons = 0;
#define NEXT do { in = &code[pc++]; goto *L[in->op]; } while (0)
#define LINE (tr ? p->lines[pc - 1] : 0)
#define SKIP_MISSING(force)                                                       \
    do {                                                                          \
        ADD_REASON(d, in, (int)in->k);                                            \
        if ((force) || p->reasons[in->k].kind == R_MISSING) review = 1;           \
        sp = 0;                                                                   \
        pc = in->b;                                                               \
    } while (0)
    NEXT;
l_halt:
    goto out;
l_const: st[sp++] = in->k; NEXT;
    /* superinstructions: slot 0 in, operands in x = in + 1 (see internal.h) */
#define FUSED_MISSING(x)                                                                          \
    do {                                                                                          \
        if (((x)->t & JP_T_UNIQUE) && d->nreasons < JY_POLICY_MAX_REASONS)                        \
            d->reasons[d->nreasons++] = (uint16_t)(x)->k;                                         \
        else if (!((x)->t & JP_T_UNIQUE))                                                         \
            add_reason(d, (int)(x)->k);                                                           \
        if (p->reasons[(x)->k].kind == R_MISSING) review = 1;                                     \
        sp = 0;                                                                                   \
        pc = in->b;                                                                               \
    } while (0)
#define FUSED_CHECK(len, expr)                                                                    \
    do {                                                                                          \
        const jp_ins *x = in + 1;                                                                 \
        if (!PRESENT(c, in->a)) { FUSED_MISSING(x); NEXT; }                                       \
        int64_t v = c->v[in->a];                                                                  \
        int val = (expr) != 0;                                                                    \
        pc += (len) - 1;                                                                          \
        int failed = ((in->t >> 4) & 1) == CHK_REQUIRE ? !val : val;                              \
        if (!failed) NEXT;                                                                        \
        ADD_REASON(d, in, x->a);                                                                  \
        if ((in->t & 15) == SEV_HARD) {                                                           \
            d->outcome = JY_INELIGIBLE;                                                           \
            d->has_amount = 0;                                                                    \
            goto done;                                                                            \
        }                                                                                         \
        if ((in->t & 15) == SEV_SOFT) review = 1;                                                 \
        NEXT;                                                                                     \
    } while (0)
l_fchk: FUSED_CHECK(2, v);
l_fchk_eq: FUSED_CHECK(3, v == in->k);
l_fchk_ne: FUSED_CHECK(3, v != in->k);
l_fchk_lt: FUSED_CHECK(3, v < in->k);
l_fchk_le: FUSED_CHECK(3, v <= in->k);
l_fchk_gt: FUSED_CHECK(3, v > in->k);
l_fchk_ge: FUSED_CHECK(3, v >= in->k);
l_fchk_has: FUSED_CHECK(3, ((x->t & 1) ? ((uint64_t)1 << (v & 63)) : (uint64_t)v) & (uint64_t)in->k);
    /* conditional jumps on one fact (internal.h, OP_FJZ): a missing fact jumps to in->b when
     * guarded by known(f), else is skipped like OP_FACT (reason, statement end x->b) */
#define FUSED_JZ(expr)                                                                            \
    do {                                                                                          \
        const jp_ins *x = in + 1;                                                                 \
        if (!PRESENT(c, in->a)) {                                                                 \
            if (in->t & JP_FJ_GUARD) { pc = in->b; NEXT; }                                        \
            FUSED_MISSING(x);                                                                     \
            pc = x->b;                                                                            \
            NEXT;                                                                                 \
        }                                                                                         \
        int64_t v = c->v[in->a];                                                                  \
        int holds = ((expr) != 0) ^ ((in->t & JP_FJ_NOT) != 0);                                   \
        pc = holds ? pc + x->a : in->b;                                                           \
        NEXT;                                                                                     \
    } while (0)
l_fjz: FUSED_JZ(v);
l_fjz_eq: FUSED_JZ(v == in->k);
l_fjz_ne: FUSED_JZ(v != in->k);
l_fjz_lt: FUSED_JZ(v < in->k);
l_fjz_le: FUSED_JZ(v <= in->k);
l_fjz_gt: FUSED_JZ(v > in->k);
l_fjz_ge: FUSED_JZ(v >= in->k);
l_fjz_has: FUSED_JZ(((in->t & JP_FJ_BIT) ? ((uint64_t)1 << (v & 63)) : (uint64_t)v) & (uint64_t)in->k);
#undef FUSED_JZ
l_fdec: {
    const jp_ins *x = in + 1;
    if (!PRESENT(c, in->a)) { FUSED_MISSING(x); NEXT; }
    pc = seg_find(&tables[x->a], c->v[in->a]);
    NEXT;
}
#undef FUSED_CHECK
#undef FUSED_MISSING
l_known:
    st[sp++] = (int64_t)PRESENT(c, in->a);
    NEXT;
l_fact:
    if (in->t == 1) { st[sp++] = (int64_t)PRESENT(c, in->a); NEXT; } /* known() in the parser's code */
    if (!PRESENT(c, in->a)) { SKIP_MISSING(0); NEXT; }
    st[sp++] = c->v[in->a];
    if (tr) step(tr, JY_STEP_FACT, in->a, c->v[in->a], LINE);
    NEXT;
l_col:
    st[sp++] = src->cols[in->a][row];
    NEXT;
l_colp:
    if (!src->colp[in->a][row]) { SKIP_MISSING(0); NEXT; }
    st[sp++] = src->cols[in->a][row];
    NEXT;
l_knowncol:
    st[sp++] = src->colp[in->a][row] != 0;
    NEXT;
l_absent:
    SKIP_MISSING(in->t & 1);
    NEXT;
l_param: {
    const jp_param *pm = &p->params[in->a];
    for (int i = 0; i < pm->nper; i++)
        if (pm->per[i].from <= src->date && src->date <= pm->per[i].to) {
            st[sp++] = pm->per[i].value;
            if (tr) step(tr, JY_STEP_PARAM, in->a, pm->per[i].value, LINE);
            NEXT;
        }
    SKIP_MISSING(1);
    NEXT;
}
l_local:
    if (!((locset >> in->a) & 1)) { SKIP_MISSING(1); NEXT; }
    st[sp++] = loc[in->a];
    NEXT;
l_setlocal:
    loc[in->a] = st[--sp];
    locset |= (uint64_t)1 << in->a;
    if (tr) step(tr, JY_STEP_LET, in->a, loc[in->a], LINE);
    NEXT;
l_pop: sp--; NEXT;
l_add: sp--; st[sp - 1] += st[sp]; NEXT;
l_sub: sp--; st[sp - 1] -= st[sp]; NEXT;
l_mul: sp--; st[sp - 1] *= st[sp]; NEXT;
l_mulr: sp--; st[sp - 1] = round_div((__int128)st[sp - 1] * st[sp], 10000); NEXT;
l_div: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; NEXT;
l_divr: sp--; st[sp - 1] = st[sp] ? round_div(st[sp - 1], st[sp]) : 0; NEXT;
l_ratio: sp--; st[sp - 1] = st[sp] ? (int64_t)((__int128)st[sp - 1] * 10000 / st[sp]) : 0; NEXT;
l_neg: st[sp - 1] = -st[sp - 1]; NEXT;
l_min: sp--; if (st[sp] < st[sp - 1]) st[sp - 1] = st[sp]; NEXT;
l_max: sp--; if (st[sp] > st[sp - 1]) st[sp - 1] = st[sp]; NEXT;
l_eq: sp--; st[sp - 1] = st[sp - 1] == st[sp]; NEXT;
l_ne: sp--; st[sp - 1] = st[sp - 1] != st[sp]; NEXT;
l_lt: sp--; st[sp - 1] = st[sp - 1] < st[sp]; NEXT;
l_le: sp--; st[sp - 1] = st[sp - 1] <= st[sp]; NEXT;
l_gt: sp--; st[sp - 1] = st[sp - 1] > st[sp]; NEXT;
l_ge: sp--; st[sp - 1] = st[sp - 1] >= st[sp]; NEXT;
l_eqk: st[sp - 1] = st[sp - 1] == in->k; NEXT;
l_nek: st[sp - 1] = st[sp - 1] != in->k; NEXT;
l_ltk: st[sp - 1] = st[sp - 1] < in->k; NEXT;
l_lek: st[sp - 1] = st[sp - 1] <= in->k; NEXT;
l_gtk: st[sp - 1] = st[sp - 1] > in->k; NEXT;
l_gek: st[sp - 1] = st[sp - 1] >= in->k; NEXT;
l_addk: st[sp - 1] += in->k; NEXT;
l_subk: st[sp - 1] -= in->k; NEXT;
l_mulk: st[sp - 1] *= in->k; NEXT;
l_mulrk: st[sp - 1] = round_div((__int128)st[sp - 1] * in->k, 10000); NEXT;
l_divk: st[sp - 1] = in->k ? st[sp - 1] / in->k : 0; NEXT;
l_divrk: st[sp - 1] = in->k ? round_div(st[sp - 1], in->k) : 0; NEXT;
l_bink: st[sp - 1] = jp_binop(in->t, st[sp - 1], in->k); NEXT;
l_not: st[sp - 1] = !st[sp - 1]; NEXT;
l_jmp: pc = in->b; NEXT;
l_jz: if (!st[--sp]) pc = in->b; NEXT;
l_jzk: if (!st[sp - 1]) pc = in->b; else sp--; NEXT;
l_jnzk: if (st[sp - 1]) pc = in->b; else sp--; NEXT;
l_jnz: if (st[--sp]) pc = in->b; NEXT;
l_has: {
    uint64_t v = in->t ? ((uint64_t)1 << (st[sp - 1] & 63)) : (uint64_t)st[sp - 1];
    st[sp - 1] = (v & (uint64_t)in->k) != 0;
    NEXT;
}
l_within: sp--; st[sp - 1] = jp_binop(OP_WITHIN, st[sp - 1], st[sp]); NEXT;
l_year: {
    int y, m, dd;
    jy_date_to_ymd((jy_date)st[sp - 1], &y, &m, &dd);
    st[sp - 1] = y;
    NEXT;
}
l_days: sp--; st[sp - 1] = st[sp] - st[sp - 1]; NEXT;
l_adddays: sp--; st[sp - 1] += st[sp]; NEXT;
l_workdays: {
    sp--;
    int ok = -1;
    if (p->cal) {
        if (in->op == OP_WORKDAYS) {
            int n = 0;
            ok = jy_calendar_workdays(p->cal, (jy_date)st[sp - 1], (jy_date)st[sp], &n, NULL);
            st[sp - 1] = n;
        } else {
            jy_date r = 0;
            ok = jy_calendar_nth_workday(p->cal, (jy_date)st[sp - 1], (int)st[sp], &r, NULL);
            st[sp - 1] = r;
        }
    }
    if (ok != 0) SKIP_MISSING(1); /* no calendar for those days: the statement cannot be judged */
    NEXT;
}
l_check: {
    int v = st[--sp] != 0;
    int mode = (in->t >> 4) & 1, sev = in->t & 15;
    int failed = mode == CHK_REQUIRE ? !v : v;
    if (tr) step(tr, failed ? JY_STEP_CHECK_FAIL : JY_STEP_CHECK_OK, in->a, v, LINE);
    if (!failed) NEXT;
    ADD_REASON(d, in, in->a);
    if (sev == SEV_HARD) {
        d->outcome = JY_INELIGIBLE;
        d->has_amount = 0;
        goto done;
    }
    if (sev == SEV_SOFT) review = 1;
    NEXT;
}
l_out: {
    int oc = in->t & ~JP_T_UNIQUE;
    if (tr) step(tr, JY_STEP_OUTCOME, in->a, oc, LINE);
    ADD_REASON(d, in, in->a); /* ok (t 10) and notes are recorded too */
    if (oc == JY_INELIGIBLE) {
        d->outcome = JY_INELIGIBLE;
        d->has_amount = 0;
        goto done;
    }
    if (oc == JY_NEEDS_REVIEW) review = 1;
    if (in->op == OP_OUTJ) pc = in->b;
    NEXT;
}
l_paykj:
    d->amount = in->k;
    d->has_amount = 1;
    ADD_REASON(d, in, in->a);
    pc = in->b;
    NEXT;
l_junknown:
    pc = PRESENT(c, in->a) ? pc + 1 : in->b; /* slot 2 is an operand slot */
    NEXT;
l_pay:
    d->amount = st[--sp];
    d->has_amount = 1;
    ADD_REASON(d, in, in->a);
    if (tr) step(tr, JY_STEP_PAY, in->a, d->amount, LINE);
    if (in->op == OP_PAYJ) pc = in->b;
    NEXT;
l_cap: {
    int64_t cap = st[--sp];
    if (d->has_amount && d->amount > cap) {
        d->amount = cap;
        ADD_REASON(d, in, in->a);
        if (tr) step(tr, JY_STEP_CAP, in->a, cap, LINE);
    }
    NEXT;
}
l_decide: {
    const jp_table *t = &tables[in->a];
    int64_t v = st[--sp];
    int32_t target = seg_find(t, v);
    if (tr) step(tr, JY_STEP_DECIDE, in->a, v, LINE);
    pc = target;
    NEXT;
}
out:
    if (review) d->outcome = JY_NEEDS_REVIEW;
done:
    if (!rows) return d->outcome;
    {
        int o = d->outcome;
        int paid = o == JY_ELIGIBLE && d->has_amount;
        if (rows->outcome) rows->outcome[row] = (uint8_t)o;
        if (rows->amount) rows->amount[row] = paid ? d->amount : 0;
        rows->t.count[o]++;
        if (paid) { rows->t.paid += d->amount; rows->t.npaid++; }
        if (++row >= rows->n) return o;
        if (rows->decisions) d = &rows->decisions[row];
        pc = rows->entry;
        goto start;
    }
#undef NEXT
#undef LINE
#undef SKIP_MISSING
}

static int bad_program(const jy_policy *p, int prog, jy_decision *d)
{
    if (prog >= 0 && prog < p->nprograms) return 0;
    d->outcome = JY_NEEDS_REVIEW;
    d->has_amount = 0;
    d->amount = 0;
    d->nreasons = 0;
    return 1;
}

int jy_policy_eval(const jy_policy *p, const jy_policy_case *c, jy_decision *d)
{
    if (bad_program(p, c->program, d)) return d->outcome;
    vm_src src = {c, NULL, NULL, 0, c->date};
    if (p->fast) return vm(p, p->fast->code, p->fast->tables, p->fast->entry[c->program], &src, d, NULL, NULL);
    return vm(p, p->code, p->tables, p->programs[c->program].entry, &src, d, NULL, NULL);
}

void jy_policy_eval_many(const jy_policy *p, const jy_policy_case *cases, size_t n, jy_decision *dec,
                         uint32_t *order)
{
    /* a counting sort of the case indices by programme (stable: input order within a programme) */
    enum { MAXP = 256 };
    uint32_t start[MAXP + 2];
    int np = p->nprograms < MAXP ? p->nprograms : MAXP;
    memset(start, 0, sizeof(uint32_t) * (size_t)(np + 2));
    for (size_t i = 0; i < n; i++) {
        int k = cases[i].program;
        start[(k >= 0 && k < np ? k : np) + 1]++;
    }
    for (int k = 0; k <= np; k++) start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++) {
        int k = cases[i].program;
        order[start[k >= 0 && k < np ? k : np]++] = (uint32_t)i;
    }
    for (size_t j = 0; j < n; j++) {
        uint32_t i = order[j];
        jy_policy_eval(p, &cases[i], &dec[i]);
    }
}

int jy_policy_eval_trace(const jy_policy *p, const jy_policy_case *c, jy_decision *d, jy_policy_trace *t)
{
    if (bad_program(p, c->program, d)) return d->outcome;
    vm_src src = {c, NULL, NULL, 0, c->date};
    if (!t) return vm(p, p->code, p->tables, p->programs[c->program].entry, &src, d, NULL, NULL);
    return vm(p, p->code, p->tables, p->programs[c->program].entry, &src, d, t, NULL);
}

int jy_policy_eval_columns(const jy_policy *p, const jy_policy_columns *b, uint8_t *outcome, jy_fen *amount,
                           jy_decision *decisions, jy_policy_totals *totals, jy_err *err)
{
    const jy_policy_case *base = b->base;
    if (totals) memset(totals, 0, sizeof *totals);
    if (!base || base->program < 0 || base->program >= p->nprograms)
        return jy_err_set(err, JY_EINVAL, "batch: unknown programme index %d", base ? base->program : -1);
    if (b->ncols < 0 || b->ncols > JY_POLICY_MAX_COLS)
        return jy_err_set(err, JY_EINVAL, "batch: %d columns (at most %d)", b->ncols, JY_POLICY_MAX_COLS);
    jp_spec *spec = malloc(sizeof *spec);
    if (!spec) abort();
    memset(spec, 0, sizeof *spec);
    spec->date_known = 1;
    spec->date = base->date;
    for (int f = 0; f < p->nfacts && f < JY_POLICY_MAX_FACTS; f++) {
        spec->kind[f] = PRESENT(base, f) ? JP_FACT_CONST : JP_FACT_ABSENT;
        spec->value[f] = base->v[f];
    }
    const uint8_t *colp[JY_POLICY_MAX_COLS];
    static const uint8_t none = 0;
    for (int k = 0; k < b->ncols; k++) {
        int f = b->fact[k];
        if (f < 0 || f >= p->nfacts || !b->col[k]) {
            free(spec);
            return jy_err_set(err, JY_EINVAL, "batch: column %d names no fact or has no values", k);
        }
        spec->kind[f] = JP_FACT_COLUMN;
        spec->col[f] = (int16_t)k;
        spec->col_presence[f] = b->present[k] != NULL;
        colp[k] = b->present[k] ? b->present[k] : &none;
    }
    jp_image im;
    jp_image_build(p, spec, &im);
    free(spec);
    int entry = im.entry[base->program];
    jy_decision local;
    vm_src src = {base, b->col, colp, 0, base->date};
    vm_rows rows = {b->n, entry, outcome, amount, decisions, {{0, 0, 0}, 0, 0}};
    if (b->n > 0) vm(p, im.code, im.tables, entry, &src, decisions ? &decisions[0] : &local, NULL, &rows);
    jp_image_free(&im);
    if (totals) *totals = rows.t;
    return 0;
}
