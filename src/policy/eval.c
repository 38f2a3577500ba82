/* Policy evaluator: executes a programme's compiled instructions over one case's fact vector.
 * A fixed stack and locals on the C stack, no allocation, no parsing. Semantics:
 * - a missing fact / parameter period / local skips the statement that needed it and records a
 *   needs_review reason naming it (never a default that decides the case);
 * - a failed hard check or an `ineligible` action stops evaluation: ineligible;
 * - soft checks (原则上), review actions, gaps and conflicts mark needs_review and go on;
 * - otherwise eligible, with the amount of the last pay (capped by cap). */
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

static int eval_impl(const jy_policy *p, const jy_policy_case *c, jy_decision *d, jy_policy_trace *tr)
{
    int64_t st[STACK];
    int64_t loc[64];
    uint64_t locset = 0;
    int sp = 0;
    int review = 0;
    const jp_ins *code = p->code;
    d->outcome = JY_ELIGIBLE;
    d->has_amount = 0;
    d->amount = 0;
    d->nreasons = 0;
    if (c->program < 0 || c->program >= p->nprograms) {
        d->outcome = JY_NEEDS_REVIEW;
        return d->outcome;
    }
    int pc = p->programs[c->program].entry;
    for (;;) {
        const jp_ins *in = &code[pc++];
        switch (in->op) {
        case OP_HALT: goto out;
        case OP_CONST: st[sp++] = in->k; break;
        case OP_FACT:
            if (in->t == 1) { st[sp++] = (int64_t)((c->present[in->a >> 6] >> (in->a & 63)) & 1); break; }
            if (!((c->present[in->a >> 6] >> (in->a & 63)) & 1)) {
                add_reason(d, (int)in->k);
                if (p->reasons[in->k].kind == R_MISSING) review = 1;
                sp = 0;
                pc = in->b;
                break;
            }
            st[sp++] = c->v[in->a];
            if (tr) step(tr, JY_STEP_FACT, in->a, c->v[in->a], p->lines[pc - 1]);
            break;
        case OP_PARAM: {
            const jp_param *pm = &p->params[in->a];
            int found = 0;
            for (int i = 0; i < pm->nper; i++)
                if (pm->per[i].from <= c->date && c->date <= pm->per[i].to) {
                    st[sp++] = pm->per[i].value;
                    found = 1;
                    if (tr) step(tr, JY_STEP_PARAM, in->a, pm->per[i].value, p->lines[pc - 1]);
                    break;
                }
            if (!found) {
                add_reason(d, (int)in->k);
                review = 1;
                sp = 0;
                pc = in->b;
            }
            break;
        }
        case OP_LOCAL:
            if (!((locset >> in->a) & 1)) {
                add_reason(d, (int)in->k);
                review = 1;
                sp = 0;
                pc = in->b;
                break;
            }
            st[sp++] = loc[in->a];
            break;
        case OP_SETLOCAL:
            loc[in->a] = st[--sp];
            locset |= (uint64_t)1 << in->a;
            if (tr) step(tr, JY_STEP_LET, in->a, loc[in->a], p->lines[pc - 1]);
            break;
        case OP_POP: sp--; break;
        case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
        case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
        case OP_MULR: sp--; st[sp - 1] = round_div((__int128)st[sp - 1] * st[sp], 10000); break;
        case OP_DIV: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; break;
        case OP_DIVR: sp--; st[sp - 1] = st[sp] ? round_div(st[sp - 1], st[sp]) : 0; break;
        case OP_RATIO: sp--; st[sp - 1] = st[sp] ? (int64_t)((__int128)st[sp - 1] * 10000 / st[sp]) : 0; break;
        case OP_NEG: st[sp - 1] = -st[sp - 1]; break;
        case OP_MIN: sp--; if (st[sp] < st[sp - 1]) st[sp - 1] = st[sp]; break;
        case OP_MAX: sp--; if (st[sp] > st[sp - 1]) st[sp - 1] = st[sp]; break;
        case OP_EQ: sp--; st[sp - 1] = st[sp - 1] == st[sp]; break;
        case OP_NE: sp--; st[sp - 1] = st[sp - 1] != st[sp]; break;
        case OP_LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case OP_LE: sp--; st[sp - 1] = st[sp - 1] <= st[sp]; break;
        case OP_GT: sp--; st[sp - 1] = st[sp - 1] > st[sp]; break;
        case OP_GE: sp--; st[sp - 1] = st[sp - 1] >= st[sp]; break;
        case OP_NOT: st[sp - 1] = !st[sp - 1]; break;
        case OP_JMP: pc = in->b; break;
        case OP_JZ: if (!st[--sp]) pc = in->b; break;
        case OP_JZK: if (!st[sp - 1]) pc = in->b; else sp--; break;
        case OP_JNZK: if (st[sp - 1]) pc = in->b; else sp--; break;
        case OP_HAS: {
            uint64_t v = in->t ? ((uint64_t)1 << (st[sp - 1] & 63)) : (uint64_t)st[sp - 1];
            st[sp - 1] = (v & (uint64_t)in->k) != 0;
            break;
        }
        case OP_WITHIN: {
            sp--;
            int64_t code_v = st[sp - 1], pre = st[sp];
            int64_t lim = 1;
            while (lim <= pre) lim *= 10;
            while (code_v >= lim) code_v /= 10;
            st[sp - 1] = code_v == pre;
            break;
        }
        case OP_YEAR: {
            int y, m, dd;
            jy_date_to_ymd((jy_date)st[sp - 1], &y, &m, &dd);
            st[sp - 1] = y;
            break;
        }
        case OP_DAYS: sp--; st[sp - 1] = st[sp] - st[sp - 1]; break;
        case OP_ADDDAYS: sp--; st[sp - 1] += st[sp]; break;
        case OP_WORKDAYS:
        case OP_ADDWD: {
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
            if (ok != 0) {
                /* no calendar for those days: the statement cannot be judged */
                add_reason(d, (int)in->k);
                review = 1;
                sp = 0;
                pc = in->b;
            }
            break;
        }
        case OP_CHECK: {
            int v = st[--sp] != 0;
            int mode = in->t >> 4, sev = in->t & 15;
            int failed = mode == CHK_REQUIRE ? !v : v;
            if (tr) step(tr, failed ? JY_STEP_CHECK_FAIL : JY_STEP_CHECK_OK, in->a, v, p->lines[pc - 1]);
            if (!failed) break;
            add_reason(d, in->a);
            if (sev == SEV_HARD) {
                d->outcome = JY_INELIGIBLE;
                d->has_amount = 0;
                return d->outcome;
            }
            if (sev == SEV_SOFT) review = 1;
            break;
        }
        case OP_OUT:
            if (tr) step(tr, JY_STEP_OUTCOME, in->a, in->t, p->lines[pc - 1]);
            add_reason(d, in->a); /* ok (t 10) and notes are recorded too */
            if (in->t == JY_INELIGIBLE) {
                d->outcome = JY_INELIGIBLE;
                d->has_amount = 0;
                return d->outcome;
            }
            if (in->t == JY_NEEDS_REVIEW) review = 1;
            break;
        case OP_PAY:
            d->amount = st[--sp];
            d->has_amount = 1;
            add_reason(d, in->a);
            if (tr) step(tr, JY_STEP_PAY, in->a, d->amount, p->lines[pc - 1]);
            break;
        case OP_CAP: {
            int64_t cap = st[--sp];
            if (d->has_amount && d->amount > cap) {
                d->amount = cap;
                add_reason(d, in->a);
                if (tr) step(tr, JY_STEP_CAP, in->a, cap, p->lines[pc - 1]);
            }
            break;
        }
        case OP_DECIDE: {
            const jp_table *t = &p->tables[in->a];
            int64_t v = st[--sp];
            int lo = 0, hi = t->nseg - 1, target = t->outside_pc;
            while (lo <= hi) {
                int mid = (lo + hi) >> 1;
                if (v < t->seg[mid].lo) hi = mid - 1;
                else if (v > t->seg[mid].hi) lo = mid + 1;
                else { target = t->seg[mid].pc; break; }
            }
            if (tr) step(tr, JY_STEP_DECIDE, in->a, v, p->lines[pc - 1]);
            pc = target;
            break;
        }
        default: goto out;
        }
    }
out:
    if (review) {
        d->outcome = JY_NEEDS_REVIEW;
    }
    return d->outcome;
}

int jy_policy_eval(const jy_policy *p, const jy_policy_case *c, jy_decision *d)
{
    return eval_impl(p, c, d, NULL);
}

int jy_policy_eval_trace(const jy_policy *p, const jy_policy_case *c, jy_decision *d, jy_policy_trace *t)
{
    return eval_impl(p, c, d, t);
}
