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

/* fast.c: x op y for the binary operators; nonzero when the result overflows (see there). */
int jp_binop(int op, int64_t x, int64_t y, int64_t *r);
#define arith jp_binop
#define IS_DATE(v) ((v) >= JP_DATE_LO && (v) <= JP_DATE_HI)

/* Where a row's facts come from: a case (v/present, its date) or columns of a batch (the
 * base case's date). */
typedef struct vm_src {
    const jy_policy_case *c;
    const int64_t *const *cols;
    const uint8_t *const *colp;
    size_t row;
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

/* The index of the segment of table t containing v, or t->nseg (the outside branch): as
 * seg_find. */
static inline int seg_index(const jp_table *t, int64_t v)
{
    const jp_seg *base = t->seg;
    int n = t->nseg;
    if (n <= 0) return 0;
    while (n > 1) {
        int half = n >> 1;
        base = base[half - 1].hi < v ? base + half : base;
        n -= half;
    }
    int inside = (base->lo <= v) & (v <= base->hi);
    return inside ? (int)(base - t->seg) : t->nseg;
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
    int overflow; /* the paid amounts add up beyond int64 */
} vm_rows;

#define PRESENT(c, f) (((c)->present[(f) >> 6] >> ((f) & 63)) & 1)


/* four variants of the instruction loop: one case (jy_policy_eval), a list of cases in one
 * call (jy_policy_eval_many), with a trace (explain), and the rows of a batch */
#define VM_NAME vm_one
#define VM_TRACE 0
#define VM_ROWS 0
#define VM_ONE 1
#define VM_MANY 0
#include "policy/vm.inc"
#undef VM_NAME
#undef VM_ONE
#undef VM_MANY
#define VM_NAME vm_many
#define VM_ONE 0
#define VM_MANY 1
#include "policy/vm.inc"
#undef VM_NAME
#undef VM_TRACE
#undef VM_ROWS
#undef VM_MANY
#define VM_MANY 0
#define VM_NAME vm_trace
#define VM_TRACE 1
#define VM_ROWS 0
#include "policy/vm.inc"
#undef VM_NAME
#undef VM_TRACE
#undef VM_ROWS
#define VM_NAME vm_batch
#define VM_TRACE 0
#define VM_ROWS 1
#include "policy/vm.inc"
#undef VM_NAME
#undef VM_TRACE
#undef VM_ROWS

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
    d->name = c->name;
    if (bad_program(p, c->program, d)) return d->outcome;
    vm_src src = {c, NULL, NULL, 0};
    if (p->fast) return vm_one(p, p->fast, c, d);
    return vm_trace(p, p->code, p->tables, NULL, p->programs[c->program].entry, &src, d, NULL, NULL);
}

void jy_policy_eval_many(const jy_policy *p, const jy_policy_case *cases, size_t n, jy_decision *dec,
                         uint32_t *order)
{
    /* a counting sort of the case indices by programme (stable: input order within a programme);
     * cases whose programme index is out of range go last */
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
    for (size_t i = 0; i < n; i++) dec[i].name = cases[i].name; /* an address: nothing is read */
    /* the valid ones programme by programme, one call of the instruction loop per programme */
    size_t j = 0;
    if (p->fast)
        for (int k = 0; k < np; j = start[k++])
            if (start[k] > j) vm_many(p, p->fast, k, cases, order + j, start[k] - j, dec);
    for (; j < n; j++) jy_policy_eval(p, &cases[order[j]], &dec[order[j]]);
}

int jy_policy_eval_trace(const jy_policy *p, const jy_policy_case *c, jy_decision *d, jy_policy_trace *t)
{
    d->name = c->name;
    if (bad_program(p, c->program, d)) return d->outcome;
    vm_src src = {c, NULL, NULL, 0};
    return vm_trace(p, p->code, p->tables, NULL, p->programs[c->program].entry, &src, d, t, NULL);
}

/* How many of the n sorted values bp[] are ≤ v; branch-free (as seg_find). */
static inline size_t count_le(const int64_t *bp, int n, int64_t v)
{
    if (n <= 0) return 0;
    const int64_t *base = bp;
    while (n > 1) {
        int half = n >> 1;
        base = base[half - 1] <= v ? base + half : base;
        n -= half;
    }
    return (size_t)(base - bp) + (*base <= v);
}

/* Row `row` of a batch run by the image alone (into *d). */
static void run_row(const jy_policy *p, const jp_image *im, int entry, const vm_src *src0, size_t row,
                    jy_decision *d)
{
    vm_src src = *src0;
    src.row = row;
    vm_rows rows = {row + 1, entry, NULL, NULL, NULL, {{0, 0, 0}, 0, 0}, 0};
    vm_batch(p, im->code, im->tables, im, entry, &src, d, NULL, &rows);
}

/* The interval of column j that v falls in (cells.c). */
static inline size_t cell_index(const jp_cells *cl, int j, int64_t v)
{
    if (cl->lut[j]) {
        /* v - lut_lo without overflow: v is any value of the column */
        uint64_t x = v < cl->lut_lo[j] ? 0 : (uint64_t)v - (uint64_t)cl->lut_lo[j];
        x = x >= (uint64_t)cl->lut_n[j] ? (uint64_t)cl->lut_n[j] - 1 : x;
        return cl->lut[j][x];
    }
    return count_le(cl->bp[j], cl->nbp[j], v);
}

/* Runs the batch through interval tables (cells.c) when they apply and there are at least four
 * rows per cell: every cell's decision once, then per row its cell's. Returns 0 when it ran,
 * -1 when the caller runs the image row by row. */
static int run_cells(const jy_policy *p, const jp_image *im, int entry, const jy_policy_columns *b,
                     const vm_src *src0, uint8_t *outcome, jy_fen *amount, jy_decision *decisions,
                     jy_policy_totals *tot, int *overflow)
{
    for (int j = 0; j < b->ncols; j++)
        if (b->present[j]) return -1;
    jp_cells *cl = malloc(sizeof *cl);
    if (!cl) abort();
    if (jp_cells_plan(im, entry, b->ncols, cl) != 0 || cl->ncells * 4 > b->n) {
        jp_cells_free(cl);
        free(cl);
        return -1;
    }
    /* every cell's decision, and its outcome and paid amount (0 when not paid) apart */
    jy_decision *cell = malloc(sizeof *cell * cl->ncells);
    uint8_t *cell_o = malloc(cl->ncells);
    jy_fen *cell_paid = malloc(sizeof *cell_paid * cl->ncells);
    if (!cell || !cell_o || !cell_paid) abort();
    int64_t rep[JY_POLICY_MAX_COLS];
    const int64_t *rcol[JY_POLICY_MAX_COLS];
    for (int j = 0; j < b->ncols; j++) rcol[j] = &rep[j];
    vm_src rsrc = *src0;
    rsrc.cols = rcol;
    for (size_t q = 0; q < cl->ncells; q++) {
        jp_cells_rep(cl, q, rep);
        run_row(p, im, entry, &rsrc, 0, &cell[q]);
        cell_o[q] = (uint8_t)cell[q].outcome;
        cell_paid[q] = cell[q].outcome == JY_ELIGIBLE && cell[q].has_amount ? cell[q].amount : 0;
    }
    for (size_t i = 0; i < b->n; i++) {
        size_t q = 0;
        int inside = 1;
        for (int j = 0; j < b->ncols; j++) {
            int64_t v = b->col[j][i];
            inside &= (v >= cl->dlo[j]) & (v <= cl->dhi[j]);
            q += cl->stride[j] * cell_index(cl, j, v);
        }
        if (__builtin_expect(!inside, 0)) { /* outside a column's domain: the image decides */
            jy_decision own;
            run_row(p, im, entry, src0, i, &own);
            int paid = own.outcome == JY_ELIGIBLE && own.has_amount;
            if (outcome) outcome[i] = (uint8_t)own.outcome;
            if (amount) amount[i] = paid ? own.amount : 0;
            if (decisions) decisions[i] = own;
            tot->count[own.outcome]++;
            tot->npaid += paid;
            *overflow |= __builtin_add_overflow(tot->paid, paid ? own.amount : 0, &tot->paid);
            continue;
        }
        int o = cell_o[q];
        jy_fen paid = cell_paid[q];
        int is_paid = o == JY_ELIGIBLE && cell[q].has_amount;
        if (outcome) outcome[i] = (uint8_t)o;
        if (amount) amount[i] = paid;
        if (decisions) decisions[i] = cell[q];
        tot->count[o]++;
        tot->npaid += is_paid;
        *overflow |= __builtin_add_overflow(tot->paid, paid, &tot->paid);
    }
    free(cell);
    free(cell_o);
    free(cell_paid);
    jp_cells_free(cl);
    free(cl);
    return 0;
}

int jy_policy_eval_columns(const jy_policy *p, const jy_policy_columns *b, uint8_t *outcome, jy_fen *amount,
                           jy_decision *decisions, jy_policy_totals *totals, jy_err *err)
{
    const jy_policy_case *base = b->base;
    if (totals) memset(totals, 0, sizeof *totals);
    if (!base || base->program < 0 || base->program >= p->nprograms)
        return jy_err_set2(err, JY_EINVAL, "policy.batch_program", "batch: unknown programme index %d", "批量测算：未知的项目序号 %d", base ? base->program : -1);
    if (b->ncols < 0 || b->ncols > JY_POLICY_MAX_COLS)
        return jy_err_set2(err, JY_EINVAL, "policy.batch_columns", "batch: %d columns (at most %d)", "批量测算：%d 列（最多 %d 列）", b->ncols, JY_POLICY_MAX_COLS);
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
            return jy_err_set2(err, JY_EINVAL, "policy.batch_column_fact", "batch: column %d names no fact or has no values", "批量测算：第 %d 列没有对应的信息项或没有取值", k);
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
    vm_src src = {base, b->col, colp, 0};
    vm_rows rows = {b->n, entry, outcome, amount, decisions, {{0, 0, 0}, 0, 0}, 0};
    if (b->n > 0 && run_cells(p, &im, entry, b, &src, outcome, amount, decisions, &rows.t, &rows.overflow) != 0)
        vm_batch(p, im.code, im.tables, &im, entry, &src, decisions ? &decisions[0] : &local, NULL, &rows);
    jp_image_free(&im);
    for (size_t i = 0; decisions && i < b->n; i++) decisions[i].name = base->name;
    if (totals) *totals = rows.t;
    if (rows.overflow)
        return jy_err_set2(err, JY_EINVAL, "policy.batch_overflow", "batch: the paid amounts of the %zu rows add up to more than %lld fen", "批量测算：%zu 行的应付金额合计超过 %lld 分",
                          b->n, (long long)INT64_MAX);
    return 0;
}
