/* Interval tables for batches over columns (jy_policy_eval_columns): when every use of every
 * column in a programme's batch image is a comparison with a constant, a truth test, an
 * enum-membership test or a decide table, a row's decision depends on each column's value only
 * through which interval between the constants it falls in. The batch then evaluates the image
 * once per combination of intervals (a cell) and each row only finds its cell: a branch-free
 * search per column and a table read, exact for every value (values outside a column's
 * domain, see jp_cells, are evaluated by the image as usual). Any other use of a column (arithmetic,
 * a pay amount, a presence vector, …) and the batch runs the image row by row. */
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

/* Breakpoints found for one use of a column value, before they are mapped to the column. */
typedef struct bp_list {
    int n;
    int64_t x[JP_CELLS_MAX_BP];
    int enum_index; /* the use tests an enum index: exact only for values 0..63 */
} bp_list;

static int add(bp_list *l, int64_t x)
{
    for (int q = 0; q < l->n; q++)
        if (l->x[q] == x) return 0;
    if (l->n >= JP_CELLS_MAX_BP) return -1;
    l->x[l->n++] = x;
    return 0;
}

static int add_after(bp_list *l, int64_t k)
{
    return k == INT64_MAX ? 0 : add(l, k + 1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The breakpoints of the value u that instruction `use` consumes (0), or -1 when the use is
 * not a comparison of u (the cells do not apply). A breakpoint x means: u < x and u >= x may
 * decide differently. */
static int use_bps(const jp_image *im, const jp_ins *use, bp_list *l)
{
    switch (use->op) {
    case OP_EQK: case OP_NEK:
        return add(l, use->k) != 0 ? -1 : add_after(l, use->k);
    case OP_LTK: case OP_GEK: return add(l, use->k);
    case OP_LEK: case OP_GTK: return add_after(l, use->k);
    case OP_JZ: case OP_JNZ: case OP_NOT: case OP_CHECK:
        return add(l, 0) != 0 ? -1 : add(l, 1);
    case OP_HAS:
        if (!(use->t & 1)) return -1; /* a set mask: not intervals */
        for (int64_t x = 0; x <= 64; x++)
            if (add(l, x) != 0) return -1;
        l->enum_index = 1;
        return 0;
    case OP_DECIDE: case OP_DECIDEA: {
        const jp_table *t = &im->tables[use->a];
        for (int s = 0; s < t->nseg; s++)
            if (add(l, t->seg[s].lo) != 0 || add_after(l, t->seg[s].hi) != 0) return -1;
        return 0;
    }
    default:
        return -1;
    }
}

/* Positions some instruction of [from, to) may jump to (conservatively: every b field and every
 * decide-table target). */
static uint8_t *labels(const jp_image *im, int from, int to)
{
    uint8_t *lab = calloc((size_t)im->ncode + 1, 1);
    if (!lab) abort();
    for (int i = from; i < to; i++) {
        const jp_ins *in = &im->code[i];
        if (in->b >= 0 && in->b <= im->ncode) lab[in->b] = 1;
        if (in->op == OP_DECIDE || in->op == OP_DECIDEA || in->op == OP_FDEC || in->op == OP_FDECA) {
            int ti = in->op == OP_FDEC || in->op == OP_FDECA ? im->code[i + 1].a : in->a;
            const jp_table *t = &im->tables[ti];
            for (int s = 0; s < t->nseg; s++) lab[t->seg[s].pc] = 1;
            lab[t->outside_pc] = 1;
            if (im->acts && (in->op == OP_DECIDEA || in->op == OP_FDECA))
                for (int s = 0; s <= t->nseg; s++) lab[im->acts[im->act_base[ti] + s].next] = 1;
        }
    }
    return lab;
}

/* Maps breakpoints of u = sign × v + c to breakpoints of the column value v and adds them to
 * column j. Returns -1 on overflow or too many. */
static int map_bps(jp_cells *cl, int j, const bp_list *l, int sign, int64_t c)
{
    for (int q = 0; q < l->n; q++) {
        int64_t v;
        /* sign +1: u >= x  <=>  v >= x - c;  sign -1: u >= x  <=>  v < c - x + 1 */
        if (sign > 0) {
            if (__builtin_sub_overflow(l->x[q], c, &v)) return -1;
        } else {
            if (__builtin_sub_overflow(c, l->x[q], &v) || __builtin_add_overflow(v, 1, &v)) return -1;
        }
        int dup = 0;
        for (int r = 0; r < cl->nbp[j]; r++) dup |= cl->bp[j][r] == v;
        if (dup) continue;
        if (cl->nbp[j] >= JP_CELLS_MAX_BP) return -1;
        cl->bp[j][cl->nbp[j]++] = v;
    }
    if (l->enum_index) {
        if (sign != 1 || c != 0) return -1;
        if (cl->dlo[j] < 0) cl->dlo[j] = 0;
        if (cl->dhi[j] > 63) cl->dhi[j] = 63;
    }
    return 0;
}

/* The breakpoints of the column value pushed by the OP_COL at i: its use is the next
 * instruction, or the one after an add or subtract of a constant (u = ±v + c). */
static int col_bps(const jp_image *im, const uint8_t *lab, int from, int to, int i, jp_cells *cl)
{
    const jp_ins *code = im->code;
    int j = code[i].a, sign = 1, use = i + 1;
    int64_t c = 0;
    if (j >= cl->ncols || use >= to) return -1;
    if (code[use].op == OP_ADDK || code[use].op == OP_SUBK) {
        if (code[use].k == INT64_MIN) return -1;
        c = code[use].op == OP_ADDK ? code[use].k : -code[use].k;
        use++;
    } else if ((code[use].op == OP_SUB || code[use].op == OP_ADD) && i - 1 >= from && code[i - 1].op == OP_CONST &&
               !lab[i]) {
        /* CONST k COL SUB: k - v (nothing jumps between the constant and the column) */
        sign = code[use].op == OP_SUB ? -1 : 1;
        c = code[i - 1].k;
        use++;
    }
    if (use >= to) return -1;
    if (use > i + 1) {
        /* u = ±v + c is computed only where it fits int64 (elsewhere the evaluator reports an
         * overflow): the cells cover those v; rows outside run through the image */
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        if (sign > 0) {
            if (c > 0) hi = INT64_MAX - c;
            else lo = INT64_MIN - c;
        } else {
            /* c - v fits  <=>  c - INT64_MAX <= v <= c - INT64_MIN (each bound clamped) */
            if (c >= 0) lo = c - INT64_MAX;
            else hi = c - INT64_MIN;
        }
        if (lo > cl->dlo[j]) cl->dlo[j] = lo;
        if (hi < cl->dhi[j]) cl->dhi[j] = hi;
    }
    bp_list l = {0};
    if (use_bps(im, &code[use], &l) != 0) return -1;
    return map_bps(cl, j, &l, sign, c);
}

int jp_cells_plan(const jp_image *im, int entry, int ncols, jp_cells *cl)
{
    memset(cl, 0, sizeof *cl);
    cl->ncols = ncols;
    for (int j = 0; j < ncols; j++) {
        cl->dlo[j] = INT64_MIN;
        cl->dhi[j] = INT64_MAX;
    }
    /* the programme's code: from its entry to the next programme's (images keep the order) */
    int end = im->ncode;
    for (int k = 0; k < im->nentry; k++)
        if (im->entry[k] > entry && im->entry[k] < end) end = im->entry[k];
    uint8_t *lab = labels(im, entry, end);
    int rc = 0;
    for (int i = entry; i < end && rc == 0; i++) {
        const jp_ins *in = &im->code[i];
        if (in->op == OP_COLP || in->op == OP_KNOWNCOL) rc = -1; /* presence vectors */
        else if (in->op == OP_COL) rc = col_bps(im, lab, entry, end, i, cl);
    }
    free(lab);
    if (rc != 0) return -1;
    size_t cells = 1;
    for (int j = 0; j < ncols; j++) {
        qsort(cl->bp[j], (size_t)cl->nbp[j], sizeof cl->bp[j][0], cmp_i64);
        cl->stride[j] = cells;
        cells *= (size_t)cl->nbp[j] + 1;
        if (cells > JP_CELLS_MAX) return -1;
    }
    cl->ncells = cells;
    for (int j = 0; j < ncols; j++) {
        int n = cl->nbp[j];
        int64_t span;
        if (n == 0 || cl->bp[j][0] == INT64_MIN || __builtin_sub_overflow(cl->bp[j][n - 1], cl->bp[j][0], &span) ||
            span >= JP_CELLS_LUT - 1)
            continue;
        int64_t lo = cl->bp[j][0] - 1, size = cl->bp[j][n - 1] - lo + 1;
        cl->lut[j] = malloc(sizeof *cl->lut[j] * (size_t)size);
        if (!cl->lut[j]) abort();
        int idx = 0;
        for (int64_t x = 0; x < size; x++) {
            while (idx < n && cl->bp[j][idx] <= lo + x) idx++;
            cl->lut[j][x] = (uint16_t)idx;
        }
        cl->lut_lo[j] = lo;
        cl->lut_n[j] = size;
    }
    return 0;
}

void jp_cells_free(jp_cells *cl)
{
    for (int j = 0; j < cl->ncols; j++) {
        free(cl->lut[j]);
        cl->lut[j] = NULL;
    }
}

void jp_cells_rep(const jp_cells *cl, size_t cell, int64_t *rep)
{
    for (int j = 0; j < cl->ncols; j++) {
        size_t idx = (cell / cl->stride[j]) % ((size_t)cl->nbp[j] + 1);
        int64_t v;
        if (idx > 0) v = cl->bp[j][idx - 1];
        else v = cl->nbp[j] > 0 && cl->bp[j][0] > INT64_MIN ? cl->bp[j][0] - 1 : 0;
        /* inside the column's domain: an interval that meets the domain has this value in both
         * (the rows the cell decides are all inside the domain) */
        rep[j] = v < cl->dlo[j] ? cl->dlo[j] : v > cl->dhi[j] ? cl->dhi[j] : v;
    }
}
