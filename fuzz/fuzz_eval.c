/* Fuzz target: the evaluator over fuzzed rules and fuzzed facts, differentially (issue 10). The
 * input is a rule file's text, a NUL byte, then bytes that choose each case's date and facts
 * (absent, small, boundary values such as INT64_MIN/INT64_MAX, or raw 64-bit). A text that
 * compiles (jp_load_text) is evaluated for each of its first programmes by the three evaluators —
 * the parser's code (jy_policy_eval_trace), the image specialised at load time (jy_policy_eval)
 * and a batch over columns (jy_policy_eval_columns, every fact of the case in turn a column whose
 * rows take the case's value and boundary values) — which must agree on the outcome, the amount
 * and the reasons; then the decision is rendered as JSON. Besides memory errors and undefined
 * behaviour (arithmetic overflow in any path), a disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

static uint8_t take(bytes *b)
{
    if (!b->n) return 0;
    b->n--;
    return *b->p++;
}

static int64_t take64(bytes *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | take(b);
    return (int64_t)v;
}

static int64_t value(bytes *b, uint8_t sel)
{
    switch (sel & 7) {
    case 0: return (int8_t)take(b);
    case 1: return take64(b);
    case 2: return INT64_MAX - (take(b) & 3);
    case 3: return INT64_MIN + (take(b) & 3);
    case 4: return (int64_t)1000000000000000 * ((take(b) & 1) ? -1 : 1);
    case 5: {
        int64_t hi = take(b);
        return hi << 8 | take(b);
    }
    case 6: return (int64_t)jy_date_from_ymd(1990 + take(b) % 50, 1 + take(b) % 12, 1 + take(b) % 28);
    default: return (int64_t)((uint64_t)1 << (take(b) & 63));
    }
}

static void same(const jy_decision *a, const jy_decision *b, const char *what)
{
    if (a->outcome != b->outcome || a->has_amount != b->has_amount || (a->has_amount && a->amount != b->amount) ||
        a->nreasons != b->nreasons || memcmp(a->reasons, b->reasons, sizeof a->reasons[0] * (size_t)a->nreasons) != 0) {
        fprintf(stderr, "%s: outcome %d/%d amount %lld/%lld reasons %d/%d\n", what, a->outcome, b->outcome,
                (long long)a->amount, (long long)b->amount, a->nreasons, b->nreasons);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *z = memchr(data, 0, size);
    size_t rl = z ? (size_t)(z - data) : size;
    char *text = malloc(rl ? rl : 1);
    if (!text) return 0;
    memcpy(text, data, rl);
    jy_policy *p = NULL;
    int rc = jp_load_text("fuzz.rules", text, rl, &p, NULL);
    free(text);
    if (rc != 0) return 0;
    bytes b = {z ? z + 1 : data + size, z ? size - rl - 1 : 0};
    enum { ROWS = 64 }; /* enough rows per cell for the batch's interval tables to be used */
    static jy_policy_case c;
    static int64_t col[ROWS];
    jy_decision ref, img, rows[ROWS], one;
    jy_sb sb = JY_SB_INIT;
    int nprog = p->nprograms < 4 ? p->nprograms : 4;
    for (int k = 0; k < nprog; k++) {
        memset(&c, 0, sizeof c);
        c.program = k;
        c.date = jy_date_from_ymd(2000 + take(&b) % 40, 1 + take(&b) % 12, 1 + take(&b) % 28);
        for (int f = 0; f < p->nfacts && f < JY_POLICY_MAX_FACTS; f++) {
            uint8_t sel = take(&b);
            if (!(sel & 1)) continue;
            c.v[f] = value(&b, sel >> 1);
            c.present[f >> 6] |= (uint64_t)1 << (f & 63);
        }
        jy_policy_trace tr = {0, 0, NULL};
        jy_policy_eval_trace(p, &c, &ref, &tr);
        jy_policy_eval(p, &c, &img);
        same(&ref, &img, "image vs parser code");
        /* the first present facts in turn as a column: the case's value, boundary values, values
         * around it and around 0, and a few chosen by the input */
        int ncol = 0;
        for (int f = 0; f < p->nfacts && f < JY_POLICY_MAX_FACTS && ncol < 4; f++) {
            if (!((c.present[f >> 6] >> (f & 63)) & 1)) continue;
            ncol++;
            col[0] = c.v[f];
            col[1] = INT64_MAX;
            col[2] = INT64_MIN;
            col[3] = 0;
            for (int r = 4; r < 34; r++) col[r] = c.v[f] > INT64_MIN + 20 && c.v[f] < INT64_MAX - 20 ? c.v[f] + (r - 19) : r;
            for (int r = 34; r < 58; r++) col[r] = r - 46;
            for (int r = 58; r < ROWS; r++) col[r] = value(&b, take(&b));
            jy_policy_columns bt;
            memset(&bt, 0, sizeof bt);
            bt.base = &c;
            bt.n = ROWS;
            bt.ncols = 1;
            bt.fact[0] = f;
            bt.col[0] = col;
            jy_policy_totals t;
            if (jy_policy_eval_columns(p, &bt, NULL, NULL, rows, &t, NULL) != 0) continue; /* totals beyond int64 */
            for (int r = 0; r < ROWS; r++) {
                jy_policy_case cr = c;
                cr.v[f] = col[r];
                jy_policy_eval_trace(p, &cr, &one, NULL);
                same(&one, &rows[r], "batch vs parser code");
            }
        }
        jy_sb_reset(&sb);
        jy_policy_decision_json(p, "fuzz", 1, &img, 1, &sb);
        if (sb.len != strlen(jy_sb_cstr(&sb))) abort();
    }
    jy_sb_free(&sb);
    jy_policy_free(p);
    return 0;
}
