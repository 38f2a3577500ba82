/* Specialised images of the compiled rules (see internal.h, "specialised images"): a one-pass
 * partial evaluator over the parser's stack code. It keeps the constants on top of the stack
 * pending instead of emitting them, folds every operator whose operands are all pending, turns
 * "x OP constant" into one instruction, resolves branches and decide tables on constants and drops
 * the code they make unreachable. Jump targets (labels) flush the pending constants, so at every
 * label the specialised stack equals the original one. Used at load time (nothing known about
 * the facts: always-in-force parameters and literal arithmetic fold) and by the batch evaluator
 * (the date, the constant facts of the batch, absent facts and columns are known).
 * Also precomputes the JSON of every reason, so rendering a decision copies bytes. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "policy/internal.h"

typedef struct builder {
    const jy_policy *p;
    const jp_spec *s;
    jp_image *im;
    int64_t pend[64];
    int npend;
    int dead;
} builder;

static int put(builder *b, int op, int t, int a, int32_t bt, int64_t k)
{
    jp_image *im = b->im;
    im->code = jp_grow(im->code, &im->capcode, im->ncode + 1, sizeof *im->code);
    im->code[im->ncode] = (jp_ins){(uint8_t)op, (uint8_t)t, (uint16_t)a, bt, k};
    return im->ncode++;
}

static void flush(builder *b)
{
    for (int i = 0; i < b->npend; i++) put(b, OP_CONST, 0, 0, 0, b->pend[i]);
    b->npend = 0;
}

/* Emits all pending constants but the top one. */
static void flush_below_top(builder *b)
{
    int64_t top = b->pend[b->npend - 1];
    b->npend--;
    flush(b);
    b->pend[0] = top;
    b->npend = 1;
}

static void push(builder *b, int64_t v)
{
    if (b->npend == 64) {
        /* never with the shipped rules; keep going correctly */
        put(b, OP_CONST, 0, 0, 0, b->pend[0]);
        memmove(b->pend, b->pend + 1, sizeof b->pend[0] * 63);
        b->npend--;
    }
    b->pend[b->npend++] = v;
}

/* num / den rounded half away from zero (den != 0) */
static inline __int128 round_div(__int128 num, int64_t den)
{
    int neg = (num < 0) != (den < 0);
    __int128 n = num < 0 ? -num : num;
    __int128 dd = den < 0 ? -(__int128)den : den;
    __int128 q = (n + dd / 2) / dd;
    return neg ? -q : q;
}

/* *r = v; nonzero when v does not fit int64 */
static inline int fit(__int128 v, int64_t *r)
{
    *r = (int64_t)v;
    return v < INT64_MIN || v > INT64_MAX;
}

/* The binary operators exactly as eval.c computes them (x below y on the stack). */
static int is_binop(int op)
{
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_MULR: case OP_DIV: case OP_DIVR: case OP_RATIO:
    case OP_MIN: case OP_MAX: case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
    case OP_WITHIN: case OP_DAYS: case OP_ADDDAYS:
        return 1;
    default:
        return 0;
    }
}

/* *r = x op y for the binary operators, exactly as the evaluator computes them (x below y on
 * the stack); returns nonzero when the result overflows: it does not fit int64, or a date
 * computed is outside 0001-01-01 .. 9999-12-31 (issue 10). Division by zero gives 0. */
int jp_binop(int op, int64_t x, int64_t y, int64_t *r);
int jp_binop(int op, int64_t x, int64_t y, int64_t *r)
{
    switch (op) {
    case OP_ADD: return __builtin_add_overflow(x, y, r);
    case OP_SUB: return __builtin_sub_overflow(x, y, r);
    case OP_MUL: return __builtin_mul_overflow(x, y, r);
    case OP_MULR: return fit(round_div((__int128)x * y, 10000), r);
    case OP_DIV: return y ? fit((__int128)x / y, r) : (*r = 0);
    case OP_DIVR: return y ? fit(round_div(x, y), r) : (*r = 0);
    case OP_RATIO: return y ? fit((__int128)x * 10000 / y, r) : (*r = 0);
    case OP_MIN: *r = y < x ? y : x; return 0;
    case OP_MAX: *r = y > x ? y : x; return 0;
    case OP_EQ: *r = x == y; return 0;
    case OP_NE: *r = x != y; return 0;
    case OP_LT: *r = x < y; return 0;
    case OP_LE: *r = x <= y; return 0;
    case OP_GT: *r = x > y; return 0;
    case OP_GE: *r = x >= y; return 0;
    case OP_WITHIN: {
        int64_t lim = 1;
        while (lim <= y && lim < (int64_t)1e17) lim *= 10;
        while (x >= lim) x /= 10;
        *r = x == y;
        return 0;
    }
    case OP_DAYS: return __builtin_sub_overflow(y, x, r);
    case OP_ADDDAYS: return __builtin_add_overflow(x, y, r) || *r < JP_DATE_LO || *r > JP_DATE_HI;
    default: *r = 0; return 0;
    }
}

/* Whether an operation of the parser's code or an image can overflow: it then carries the
 * reason to record (a) and the end of its statement to skip to (b). */
static int can_overflow(int op)
{
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_MULR: case OP_DIV: case OP_DIVR: case OP_RATIO:
    case OP_NEG: case OP_DAYS: case OP_ADDDAYS: case OP_YEAR:
    case OP_ADDK: case OP_SUBK: case OP_MULK: case OP_MULRK: case OP_DIVK: case OP_DIVRK:
        return 1;
    default:
        return 0;
    }
}

static int kop(int op)
{
    switch (op) {
    case OP_EQ: return OP_EQK;
    case OP_NE: return OP_NEK;
    case OP_LT: return OP_LTK;
    case OP_LE: return OP_LEK;
    case OP_GT: return OP_GTK;
    case OP_GE: return OP_GEK;
    case OP_ADD: return OP_ADDK;
    case OP_SUB: return OP_SUBK;
    case OP_MUL: return OP_MULK;
    case OP_MULR: return OP_MULRK;
    case OP_DIV: return OP_DIVK;
    case OP_DIVR: return OP_DIVRK;
    default: return OP_BINK;
    }
}

static int has_target_op(int op)
{
    switch (op) {
    case OP_JMP: case OP_JZ: case OP_JZK: case OP_JNZK: case OP_JNZ: case OP_PARAM: case OP_LOCAL:
    case OP_WORKDAYS: case OP_ADDWD: case OP_ABSENT: case OP_COL: case OP_COLP:
        return 1;
    default:
        return can_overflow(op);
    }
}

/* Whether b of in is a code position (a jump target, or where a skipped statement ends). */
static int has_target(const jp_ins *in)
{
    if (in->op == OP_BINK) return can_overflow(in->t);
    return has_target_op(in->op);
}

/* The reason an instruction may add, or -1. */
static int ins_reason(const jp_ins *in)
{
    switch (in->op) {
    case OP_CHECK: case OP_OUT: case OP_PAY: case OP_CAP: return in->a;
    case OP_FACT: case OP_PARAM: case OP_LOCAL: case OP_COLP: case OP_ABSENT: case OP_WORKDAYS: case OP_ADDWD:
        return (int)in->k;
    default: return -1;
    }
}

/* Sets JP_T_UNIQUE on every instruction whose reason no other instruction of the image adds,
 * when every jump goes forward (so no instruction runs twice in one evaluation). */
static void mark_unique_reasons(const jy_policy *p, jp_image *im)
{
    for (int i = 0; i < im->ncode; i++) {
        const jp_ins *in = &im->code[i];
        if ((has_target(in) || in->op == OP_FACT) && in->b <= i) return;
        if (in->op == OP_DECIDE) {
            const jp_table *t = &im->tables[in->a];
            if (t->outside_pc <= i) return;
            for (int k = 0; k < t->nseg; k++)
                if (t->seg[k].pc <= i) return;
        }
    }
    uint8_t *refs = calloc((size_t)(p->nreasons ? p->nreasons : 1), 1);
    if (!refs) abort();
    for (int i = 0; i < im->ncode; i++) {
        int r = ins_reason(&im->code[i]);
        if (r >= 0 && r < p->nreasons && refs[r] < 2) refs[r]++;
    }
    for (int i = 0; i < im->ncode; i++) {
        int r = ins_reason(&im->code[i]);
        if (r >= 0 && r < p->nreasons && refs[r] == 1) im->code[i].t |= JP_T_UNIQUE;
    }
    free(refs);
}

/* Where a conditional jump that leaves its value on the stack (JZK/JNZK, value zero when z)
 * ends up, when the instruction it lands on decides on that value at once: the next jump
 * target as a JZ (*pop = 1: the value is popped on both paths) or -1 when the chain stops. */
static int32_t chain_target(const jp_ins *at, int32_t pos, int z, int *pop)
{
    *pop = 0;
    switch (at->op) {
    case OP_JMP: return at->b;                       /* value kept */
    case OP_JZ: *pop = 1; return z ? at->b : pos + 1; /* popped either way */
    case OP_JZK: if (z) return at->b; *pop = 1; return pos + 1;
    case OP_JNZK: if (!z) return at->b; *pop = 1; return pos + 1;
    case OP_CHECK: {
        /* a check that passes on this value: popped, execution goes on after it */
        int mode = (at->t >> 4) & 1;
        int failed = mode == CHK_REQUIRE ? z : !z;
        if (failed) return -1;
        *pop = 1;
        return pos + 1;
    }
    default: return -1;
    }
}

/* Jump threading (all jumps go forward, so it ends): a JZK/JNZK landing on an instruction that
 * only tests the value it carries jumps straight to where that test leads (becoming JZ/JNZ when
 * the value is popped on both paths); a JZ/JNZ landing on a JMP jumps to its target. In the
 * parser's code "if known(f) 且 f == x" is KNOWN JZK L FACT EQ L: JZ M; after this KNOWN JZ M
 * FACT EQ JZ M, which fuse() turns into one instruction. */
static void thread_jumps(jp_image *im)
{
    for (int i = 0; i < im->ncode; i++) {
        jp_ins *in = &im->code[i];
        for (int hops = 0; hops < 32; hops++) {
            int op = in->op;
            if ((op == OP_JZ || op == OP_JNZ) && im->code[in->b].op == OP_JMP && im->code[in->b].b > in->b) {
                in->b = im->code[in->b].b;
                continue;
            }
            if (op != OP_JZK && op != OP_JNZK) break;
            int pop;
            int32_t to = chain_target(&im->code[in->b], in->b, op == OP_JZK, &pop);
            if (to <= in->b) break;
            in->b = to;
            if (pop) in->op = op == OP_JZK ? OP_JZ : OP_JNZ;
        }
    }
}

/* The fused conditional jump for a test instruction (and the flags it adds), or -1. */
static int fjz_op(const jp_ins *test, int *flags)
{
    switch (test->op) {
    case OP_EQK: return OP_FJZ_EQ;
    case OP_NEK: return OP_FJZ_NE;
    case OP_LTK: return OP_FJZ_LT;
    case OP_LEK: return OP_FJZ_LE;
    case OP_GTK: return OP_FJZ_GT;
    case OP_GEK: return OP_FJZ_GE;
    case OP_HAS: *flags |= (test->t & 1) ? JP_FJ_BIT : 0; return OP_FJZ_HAS;
    default: return -1;
    }
}

/* Fuses "[KNOWN f JZ M] FACT f [test] [NOT] JZ M" at i (no label inside) into OP_FJZ*; returns
 * the slots used or 0. */
static int fuse_fjz(jp_image *im, const uint8_t *label, int i)
{
    int n = im->ncode, j = i, flags = 0;
    jp_ins *code = im->code;
    int32_t m = -1;
    if (code[j].op == OP_KNOWN && j + 2 < n && code[j + 1].op == OP_JZ && !label[j + 1] && !label[j + 2] &&
        code[j + 2].op == OP_FACT && code[j + 2].a == code[j].a) {
        flags |= JP_FJ_GUARD;
        m = code[j + 1].b;
        j += 2;
    }
    if (code[j].op != OP_FACT) return 0;
    const jp_ins fact = code[j];
    int op = OP_FJZ;
    int64_t k = 0;
    j++;
    if (j < n && !label[j]) {
        int o = fjz_op(&code[j], &flags);
        if (o >= 0) {
            op = o;
            k = code[j].k;
            j++;
        }
    }
    if (j < n && !label[j] && code[j].op == OP_NOT) {
        flags ^= JP_FJ_NOT;
        j++;
    }
    if (j >= n || label[j] || code[j].op != OP_JZ || (m >= 0 && code[j].b != m)) return 0;
    m = code[j].b;
    int used = j - i + 1;
    code[i] = (jp_ins){(uint8_t)op, (uint8_t)flags, fact.a, m, k};
    code[i + 1] = (jp_ins){OP_EXT, (uint8_t)(fact.t & JP_T_UNIQUE), (uint16_t)(used - 1), fact.b, fact.k};
    for (int q = i + 2; q <= j; q++) code[q] = (jp_ins){OP_EXT, 0, 0, 0, 0};
    return used;
}

/* Fuses "FACT [cmp-k|HAS] CHECK" and "FACT DECIDE" into superinstructions, in place (the
 * instruction count and every position stay; slots after the first are operands or unused),
 * where no jump lands inside the pattern. */
static void fuse(jp_image *im)
{
    int n = im->ncode;
    uint8_t *label = calloc((size_t)n + 1, 1);
    if (!label) abort();
    for (int i = 0; i < n; i++) {
        const jp_ins *in = &im->code[i];
        if (has_target(in) || in->op == OP_FACT) label[in->b] = 1;
        if (in->op == OP_DECIDE) {
            const jp_table *t = &im->tables[in->a];
            label[t->outside_pc] = 1;
            for (int k = 0; k < t->nseg; k++) label[t->seg[k].pc] = 1;
        }
    }
    /* a jump to the end is the end */
    for (int i = 0; i < n; i++)
        if (im->code[i].op == OP_JMP && im->code[im->code[i].b].op == OP_HALT) im->code[i] = (jp_ins){OP_HALT, 0, 0, 0, 0};
    for (int i = 0; i + 1 < n; i++) {
        jp_ins *f = &im->code[i], *m = &im->code[i + 1];
        if (label[i + 1]) continue;
        if (f->op == OP_OUT && m->op == OP_JMP) {
            f->op = OP_OUTJ;
            f->b = m->b;
            *m = (jp_ins){OP_EXT, 0, 0, 0, 0};
            i += 1;
            continue;
        }
        if (f->op == OP_PAY && m->op == OP_JMP) {
            f->op = OP_PAYJ;
            f->b = m->b;
            *m = (jp_ins){OP_EXT, 0, 0, 0, 0};
            i += 1;
            continue;
        }
        if (f->op == OP_CONST && m->op == OP_PAY) {
            int32_t to = i + 2;
            if (i + 2 < n && !label[i + 2] && im->code[i + 2].op == OP_JMP) {
                to = im->code[i + 2].b;
                im->code[i + 2] = (jp_ins){OP_EXT, 0, 0, 0, 0};
            }
            *f = (jp_ins){OP_PAYKJ, m->t, m->a, to, f->k};
            *m = (jp_ins){OP_EXT, 0, 0, 0, 0};
            i += 1;
            continue;
        }
        if (f->op == OP_KNOWN || f->op == OP_FACT) {
            int used = fuse_fjz(im, label, i);
            if (used) {
                i += used - 1;
                continue;
            }
        }
        if (f->op == OP_KNOWN && m->op == OP_JZ) {
            *f = (jp_ins){OP_JUNKNOWN, 0, f->a, m->b, 0};
            *m = (jp_ins){OP_EXT, 0, 0, 0, 0};
            i += 1;
            continue;
        }
        if (f->op != OP_FACT) continue;
        jp_ins ext = {OP_EXT, (uint8_t)(f->t & JP_T_UNIQUE), 0, 0, f->k};
        if (m->op == OP_CHECK) {
            ext.a = m->a;
            *f = (jp_ins){OP_FCHK, m->t, f->a, f->b, 0};
            *m = ext;
            i += 1;
            continue;
        }
        if (m->op == OP_DECIDE) {
            ext.a = m->a;
            *f = (jp_ins){OP_FDEC, 0, f->a, f->b, 0};
            *m = ext;
            i += 1;
            continue;
        }
        if (i + 2 >= n || label[i + 2] || im->code[i + 2].op != OP_CHECK) continue;
        int fop;
        switch (m->op) {
        case OP_EQK: fop = OP_FCHK_EQ; break;
        case OP_NEK: fop = OP_FCHK_NE; break;
        case OP_LTK: fop = OP_FCHK_LT; break;
        case OP_LEK: fop = OP_FCHK_LE; break;
        case OP_GTK: fop = OP_FCHK_GT; break;
        case OP_GEK: fop = OP_FCHK_GE; break;
        case OP_HAS: fop = OP_FCHK_HAS; ext.t |= (uint8_t)(m->t & 1); break;
        default: fop = -1;
        }
        if (fop < 0) continue;
        jp_ins *ck = &im->code[i + 2];
        ext.a = ck->a;
        *f = (jp_ins){(uint8_t)fop, ck->t, f->a, f->b, m->k};
        *m = ext;
        *ck = (jp_ins){OP_EXT, 0, 0, 0, 0};
        i += 2;
    }
    free(label);
}

/* The action of a decide branch landing on code[to] (see jp_act). */
static jp_act branch_act(const jp_image *im, int32_t to)
{
    const jp_ins *in = &im->code[to];
    jp_act a = {0, to, 0, ACT_GO, 0, 0};
    switch (in->op) {
    case OP_PAYKJ: a = (jp_act){in->k, in->b, in->a, ACT_PAY, (uint8_t)(in->t & JP_T_UNIQUE), 0}; break;
    case OP_OUTJ: a = (jp_act){0, in->b, in->a, ACT_OUT, (uint8_t)(in->t & ~JP_T_END), 0}; break;
    case OP_OUT: a = (jp_act){0, to + 1, in->a, ACT_OUT, in->t, 0}; break;
    default: break;
    }
    a.end = im->code[a.next].op == OP_HALT;
    return a;
}

/* Marks jumps to the end (JP_T_END on OP_PAYKJ / OP_OUTJ) and turns every decide of the image
 * into its acting form (OP_FDECA / OP_DECIDEA), building the action of every branch. */
static void make_acts(jp_image *im)
{
    for (int i = 0; i < im->ncode; i++) {
        jp_ins *in = &im->code[i];
        if ((in->op == OP_PAYKJ || in->op == OP_OUTJ) && im->code[in->b].op == OP_HALT) in->t |= JP_T_END;
    }
    im->act_base = calloc((size_t)(im->ntables ? im->ntables : 1), sizeof *im->act_base);
    if (!im->act_base) abort();
    for (int t = 0; t < im->ntables; t++) {
        const jp_table *tb = &im->tables[t];
        im->acts = jp_grow(im->acts, &im->capacts, im->nacts + tb->nseg + 1, sizeof *im->acts);
        im->act_base[t] = im->nacts;
        for (int k = 0; k < tb->nseg; k++) im->acts[im->nacts++] = branch_act(im, tb->seg[k].pc);
        im->acts[im->nacts++] = branch_act(im, tb->outside_pc);
    }
    for (int i = 0; i < im->ncode; i++) {
        jp_ins *in = &im->code[i];
        if (in->op == OP_FDEC) in->op = OP_FDECA;
        else if (in->op == OP_DECIDE) in->op = OP_DECIDEA;
    }
}

void jp_image_build(const jy_policy *p, const jp_spec *s, jp_image *im)
{
    memset(im, 0, sizeof *im);
    int n = p->ncode;
    uint8_t *label = calloc((size_t)n + 1, 1);
    int32_t *map = malloc(sizeof *map * ((size_t)n + 1));
    if (!label || !map) abort();
    /* 1. every jump target and programme entry is a label */
    for (int i = 0; i < n; i++) {
        const jp_ins *in = &p->code[i];
        if (has_target(in) || (in->op == OP_FACT && in->t == 0)) {
            if (in->b >= 0 && in->b <= n) label[in->b] = 1;
        } else if (in->op == OP_DECIDE) {
            const jp_table *t = &p->tables[in->a];
            for (int k = 0; k < t->nseg; k++) label[t->seg[k].pc] = 1;
            label[t->outside_pc] = 1;
        }
    }
    for (int i = 0; i < p->nprograms; i++) label[p->programs[i].entry] = 1;
    im->tables = calloc((size_t)(p->ntables ? p->ntables : 1), sizeof *im->tables);
    im->entry = calloc((size_t)(p->nprograms ? p->nprograms : 1), sizeof *im->entry);
    if (!im->tables || !im->entry) abort();
    builder b = {p, s, im, {0}, 0, 0};
    /* 2. one pass: fold, specialise, drop dead code */
    for (int i = 0; i < n; i++) {
        const jp_ins *in = &p->code[i];
        if (label[i]) {
            flush(&b);
            b.dead = 0;
        }
        map[i] = im->ncode;
        if (b.dead) continue;
        int op = in->op;
        switch (op) {
        case OP_CONST: push(&b, in->k); break;
        case OP_FACT: {
            int kind = s->kind[in->a];
            if (in->t == 1) { /* known(f) */
                if (kind == JP_FACT_CONST || (kind == JP_FACT_COLUMN && !s->col_presence[in->a])) push(&b, 1);
                else if (kind == JP_FACT_ABSENT) push(&b, 0);
                else if (kind == JP_FACT_COLUMN) { flush(&b); put(&b, OP_KNOWNCOL, 0, s->col[in->a], 0, 0); }
                else { flush(&b); put(&b, OP_KNOWN, 0, in->a, 0, 0); }
                break;
            }
            if (kind == JP_FACT_CONST) { push(&b, s->value[in->a]); break; }
            if (kind == JP_FACT_ABSENT) {
                b.npend = 0;
                put(&b, OP_ABSENT, 0, 0, in->b, in->k);
                b.dead = 1;
                break;
            }
            flush(&b);
            if (kind == JP_FACT_COLUMN)
                put(&b, s->col_presence[in->a] ? OP_COLP : OP_COL, 0, s->col[in->a], in->b, in->k);
            else
                put(&b, OP_FACT, 0, in->a, in->b, in->k);
            break;
        }
        case OP_PARAM: {
            const jp_param *pm = &p->params[in->a];
            if (s->date_known) {
                int found = -1;
                for (int k = 0; k < pm->nper; k++)
                    if (pm->per[k].from <= s->date && s->date <= pm->per[k].to) { found = k; break; }
                if (found >= 0) { push(&b, pm->per[found].value); break; }
                b.npend = 0;
                put(&b, OP_ABSENT, 1, 0, in->b, in->k);
                b.dead = 1;
                break;
            }
            if (pm->nper == 1 && pm->per[0].from == INT32_MIN && pm->per[0].to == INT32_MAX) {
                push(&b, pm->per[0].value);
                break;
            }
            flush(&b);
            put(&b, OP_PARAM, 0, in->a, in->b, in->k);
            break;
        }
        case OP_POP:
            if (b.npend) b.npend--;
            else put(&b, OP_POP, 0, 0, 0, 0);
            break;
        case OP_NEG: case OP_NOT: case OP_HAS: case OP_YEAR:
            if (b.npend) {
                int64_t *v = &b.pend[b.npend - 1];
                if ((op == OP_NEG && *v == INT64_MIN) || (op == OP_YEAR && (*v < JP_DATE_LO || *v > JP_DATE_HI))) {
                    flush(&b); /* it overflows: the evaluator says so, for this case */
                    put(&b, op, in->t, in->a, in->b, in->k);
                    break;
                }
                if (op == OP_NEG) *v = -*v;
                else if (op == OP_NOT) *v = !*v;
                else if (op == OP_HAS) {
                    uint64_t m = in->t ? ((uint64_t)1 << (*v & 63)) : (uint64_t)*v;
                    *v = (m & (uint64_t)in->k) != 0;
                } else {
                    int y, mo, d;
                    jy_date_to_ymd((jy_date)*v, &y, &mo, &d);
                    *v = y;
                }
                break;
            }
            put(&b, op, in->t, in->a, in->b, in->k);
            break;
        case OP_JMP:
            flush(&b);
            put(&b, OP_JMP, 0, 0, in->b, 0);
            b.dead = 1;
            break;
        case OP_JZ:
            if (b.npend) {
                int64_t v = b.pend[--b.npend];
                if (!v) { flush(&b); put(&b, OP_JMP, 0, 0, in->b, 0); b.dead = 1; }
                break;
            }
            put(&b, OP_JZ, 0, 0, in->b, 0);
            break;
        case OP_JZK:
        case OP_JNZK:
            if (b.npend) {
                int64_t v = b.pend[b.npend - 1];
                int jump = op == OP_JZK ? !v : v != 0;
                if (jump) { flush(&b); put(&b, OP_JMP, 0, 0, in->b, 0); b.dead = 1; }
                else b.npend--;
                break;
            }
            put(&b, op, 0, 0, in->b, 0);
            break;
        case OP_CHECK:
            if (b.npend) {
                int v = b.pend[b.npend - 1] != 0;
                int mode = in->t >> 4;
                int failed = mode == CHK_REQUIRE ? !v : v;
                if (!failed) { b.npend--; break; }
            }
            flush(&b);
            put(&b, OP_CHECK, in->t, in->a, 0, 0);
            break;
        case OP_DECIDE: {
            const jp_table *t = &p->tables[in->a];
            if (b.npend) {
                int64_t v = b.pend[--b.npend];
                int32_t target = t->outside_pc;
                for (int k = 0; k < t->nseg; k++)
                    if (t->seg[k].lo <= v && v <= t->seg[k].hi) { target = t->seg[k].pc; break; }
                flush(&b);
                put(&b, OP_JMP, 0, 0, target, 0);
                b.dead = 1;
                break;
            }
            put(&b, OP_DECIDE, 0, in->a, 0, 0);
            break;
        }
        case OP_HALT:
            flush(&b);
            put(&b, OP_HALT, 0, 0, 0, 0);
            b.dead = 1;
            break;
        default:
            if (is_binop(op)) {
                int64_t r;
                if (b.npend >= 2 && !jp_binop(op, b.pend[b.npend - 2], b.pend[b.npend - 1], &r)) {
                    b.npend--;
                    b.pend[b.npend - 1] = r;
                    break;
                }
                if (b.npend == 1) {
                    int64_t y = b.pend[0];
                    b.npend = 0;
                    int ko = kop(op);
                    put(&b, ko, ko == OP_BINK ? op : 0, in->a, in->b, y);
                    break;
                }
                /* two constants whose result overflows: left to the evaluator, which says so */
                flush(&b);
                put(&b, op, in->t, in->a, in->b, in->k);
                break;
            }
            /* SETLOCAL, LOCAL, WORKDAYS, ADDWD, OUT, PAY, CAP and the rest: as they are */
            flush(&b);
            put(&b, op, in->t, in->a, in->b, in->k);
            break;
        }
        (void)flush_below_top;
    }
    flush(&b);
    map[n] = im->ncode;
    put(&b, OP_HALT, 0, 0, 0, 0);
    /* 3. jump targets and tables to the new positions; jumps to jumps are threaded */
    for (int i = 0; i < im->ncode; i++) {
        jp_ins *in = &im->code[i];
        if (has_target(in) || (in->op == OP_FACT && in->t == 0)) in->b = map[in->b];
    }
    for (int i = 0; i < im->ncode; i++) {
        jp_ins *in = &im->code[i];
        if (in->op == OP_JMP || in->op == OP_JZ) {
            int hops = 0;
            while (im->code[in->b].op == OP_JMP && hops++ < 16) in->b = im->code[in->b].b;
        }
    }
    im->ntables = p->ntables;
    for (int t = 0; t < p->ntables; t++) {
        const jp_table *src = &p->tables[t];
        jp_table *dst = &im->tables[t];
        *dst = *src;
        dst->seg = malloc(sizeof *dst->seg * (size_t)(src->nseg ? src->nseg : 1));
        if (!dst->seg) abort();
        for (int k = 0; k < src->nseg; k++) {
            dst->seg[k] = src->seg[k];
            dst->seg[k].pc = map[src->seg[k].pc];
        }
        dst->outside_pc = map[src->outside_pc];
    }
    for (int i = 0; i < p->nprograms; i++) im->entry[i] = map[p->programs[i].entry];
    im->nentry = p->nprograms;
    thread_jumps(im);
    mark_unique_reasons(p, im);
    fuse(im);
    make_acts(im);
    free(label);
    free(map);
}

void jp_image_free(jp_image *im)
{
    if (!im) return;
    for (int t = 0; t < im->ntables; t++) free(im->tables[t].seg);
    free(im->tables);
    free(im->code);
    free(im->entry);
    free(im->acts);
    free(im->act_base);
    memset(im, 0, sizeof *im);
}

static const char *kind_name(int k)
{
    static const char *N[] = {"fail", "review", "note", "pay", "cap", "missing", "gap", "conflict", "ok"};
    return k >= 0 && k <= R_OK ? N[k] : "?";
}

void jp_reasons_json_build(jy_policy *p)
{
    p->reason_json = jy_arena_alloc(p->arena, sizeof(char *) * (size_t)(p->nreasons ? p->nreasons : 1));
    p->reason_json_len = jy_arena_alloc(p->arena, sizeof(uint32_t) * (size_t)(p->nreasons ? p->nreasons : 1));
    jy_sb sb = JY_SB_INIT;
    for (int i = 0; i < p->nreasons; i++) {
        const jp_reason *r = &p->reasons[i];
        jy_sb_reset(&sb);
        int nc = r->nclauses ? r->nclauses : 1;
        for (int k = 0; k < nc; k++) {
            if (k) jy_sb_appendc(&sb, ',');
            jy_sb_appendc(&sb, '{');
            jy_sb_json_kv_str(&sb, "clause", r->nclauses ? p->clauses[r->clauses[k]].id : "");
            jy_sb_json_kv_str(&sb, "kind", kind_name(r->kind));
            jy_sb_json_kv_str(&sb, "text", r->text);
            jy_sb_appendc(&sb, '}');
        }
        p->reason_json[i] = jy_arena_strndup(p->arena, jy_sb_cstr(&sb), sb.len);
        p->reason_json_len[i] = (uint32_t)sb.len;
    }
    jy_sb_free(&sb);
}
