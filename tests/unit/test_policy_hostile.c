/* Hostile input to the policy engine (issue 10, items 1 and 2): the decision JSON never writes
 * past what its string builder grew by; rule files nested 10,000 deep, numbers beyond int64 and
 * expressions that need more stack than the evaluator has are errors with their file:line:col;
 * arithmetic that overflows while a case is evaluated sends the case to review with a reason
 * naming the expression — in the three evaluators alike (the parser's code, the image
 * specialised at load time, a batch over columns) — and a batch whose paid amounts add up
 * beyond int64 is an error. Under ASan/UBSan each of these was a crash or undefined behaviour. */
/* internal.h first: its R_OK (reason kind) must be declared before <unistd.h> defines R_OK */
#include "policy/internal.h"
#include "policy/policy.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const char *FACTS = "fact x int \"a number\"\n"
                           "fact y int \"another number\"\n"
                           "fact m money \"an amount\"\n"
                           "fact r ratio \"a share\"\n"
                           "fact d date \"a date\"\n";

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(void)
{
    const char *names[] = {"facts.rules", "t.rules", "occupations.tsv"};
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Writes FACTS + body into a temporary policy directory; returns jy_policy_load's result. */
static int load_text(const char *body, jy_policy **p, jy_err *err)
{
    const char *tmp = getenv("JY_TEST_TMP");
    snprintf(dir, sizeof dir, "%s/policy-hostile-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    mkdir(tmp && *tmp ? tmp : "/tmp", 0755);
    mkdir(dir, 0755);
    write_file("facts.rules", FACTS);
    write_file("t.rules", body);
    write_file("occupations.tsv", "name\tkind\tcode\tlevels\tnote\n");
    *p = NULL;
    return jy_policy_load(dir, p, err);
}

static jy_policy *load_ok(const char *body)
{
    jy_policy *p;
    jy_err err;
    int rc = load_text(body, &p, &err);
    if (rc != 0) fail_msg("load: %s", err.msg);
    return p;
}

/* The first error jy_policy_load reports for body ("t.rules:L:C: message"). */
static void load_fails_with(const char *body, const char *want)
{
    jy_policy *p;
    jy_err err;
    int rc = load_text(body, &p, &err);
    remove_dir();
    if (rc == 0) {
        jy_policy_free(p);
        fail_msg("loaded, wanted the error %s", want);
    }
    if (!strstr(err.msg, want)) fail_msg("error \"%s\", wanted \"%s\"", err.msg, want);
}

static void set(const jy_policy *p, jy_policy_case *c, const char *fact, int64_t v)
{
    int f = jy_policy_fact_index(p, fact);
    assert_true(f >= 0);
    c->v[f] = v;
    c->present[f >> 6] |= (uint64_t)1 << (f & 63);
}

static void init_case(const jy_policy *p, jy_policy_case *c, const char *prog)
{
    memset(c, 0, sizeof *c);
    c->program = jy_policy_program_index(p, prog);
    assert_true(c->program >= 0);
    c->date = jy_date_from_ymd(2024, 3, 1);
}

static int has_text(const jy_policy *p, const jy_decision *d, const char *needle)
{
    for (int i = 0; i < d->nreasons; i++)
        if (strstr(jy_policy_reason_text(p, d->reasons[i]), needle)) return 1;
    return 0;
}

#define HEAD "program H1 \"hostile\"\nclause \"H1 一\" \"一\"\ntarget 2024 1 \"H1 一\"\nbudget 1元 \"H1 一\"\n"

/* ---- item 1: the decision JSON ---- */

/* Renders decisions after every prefix length 0..700 of a fresh builder (so the builder's spare
 * capacity takes every value), for every outcome, with and without an amount and reasons, and
 * compares with the renderer that escapes every reason (no precomputed JSON). The old code
 * reserved 80 bytes plus the reasons and the amount and then wrote the rule-set hash too: ASan
 * reported a heap overflow for some prefix lengths (issue 10's reproducer in unit form). */
static void decision_json_writes_only_what_the_builder_grew_by(void **state)
{
    (void)state;
    jy_policy *p = load_ok(HEAD "require x > 1 \"H1 一\" \"x 须大于 1\"\nreview y > 5 \"H1 一\" \"y 大于 5 需审核\"\n"
                                "pay m \"H1 一\" \"the amount\"\n");
    jy_decision ds[4];
    jy_policy_case c;
    init_case(p, &c, "H1");
    set(p, &c, "x", 2);
    set(p, &c, "m", 123456);
    set(p, &c, "y", 0);
    assert_int_equal(jy_policy_eval(p, &c, &ds[0]), JY_ELIGIBLE);
    set(p, &c, "y", 9);
    assert_int_equal(jy_policy_eval(p, &c, &ds[1]), JY_NEEDS_REVIEW);
    set(p, &c, "x", 0);
    assert_int_equal(jy_policy_eval(p, &c, &ds[2]), JY_INELIGIBLE);
    ds[3] = ds[1];
    ds[3].nreasons = 0;
    char prefix[701];
    memset(prefix, 'a', sizeof prefix - 1);
    prefix[700] = 0;
    for (size_t k = 0; k <= 700; k++)
        for (int i = 0; i < 4; i++)
            for (int wr = 0; wr < 2; wr++) {
                jy_sb fast = JY_SB_INIT, slow = JY_SB_INIT;
                jy_sb_appendn(&fast, prefix, k);
                jy_sb_appendn(&slow, prefix, k);
                jy_policy_decision_json(p, "leveldiresc~rect", (int)(k & 1), &ds[i], wr, &fast);
                char **saved = p->reason_json;
                p->reason_json = NULL;
                jy_policy_decision_json(p, "leveldiresc~rect", (int)(k & 1), &ds[i], wr, &slow);
                p->reason_json = saved;
                assert_int_equal(fast.len, strlen(jy_sb_cstr(&fast)));
                assert_string_equal(jy_sb_cstr(&fast), jy_sb_cstr(&slow));
                assert_non_null(strstr(jy_sb_cstr(&fast), jy_policy_hash(p)));
                jy_sb_free(&fast);
                jy_sb_free(&slow);
            }
    jy_policy_free(p);
    remove_dir();
}

/* ---- item 2: the rule reader ---- */

/* head, n × unit, mid, n2 × unit2, tail (caller frees) */
static char *repeat(const char *head, const char *unit, int n, const char *mid, const char *unit2, int n2,
                    const char *tail)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, head);
    for (int i = 0; i < n; i++) jy_sb_append(&sb, unit);
    jy_sb_append(&sb, mid);
    for (int i = 0; i < n2; i++) jy_sb_append(&sb, unit2);
    jy_sb_append(&sb, tail);
    return jy_sb_take(&sb);
}

/* 10,000 nested parentheses (and 10,000 unary minus signs, 非, nested ifs) are an error at the
 * 65th level with its file:line:col; the old recursive descent overflowed the C stack. Each
 * also as the only text of a file (jy_policy_compile_text, what the rules fuzzer calls). */
static void rules_nested_10000_deep_are_an_error_with_the_place(void **state)
{
    (void)state;
    char *s = repeat(HEAD "require ", "(", 10000, "x", ")", 10000, " > 1 \"H1 一\" \"t\"\n");
    load_fails_with(s, "t.rules:5:73: nested more than 64 deep"); /* "require " + 64 "(" */
    free(s);
    s = repeat(HEAD "pay ", "-", 10000, "m", "", 0, " \"H1 一\" \"t\"\n");
    load_fails_with(s, "t.rules:5:69: nested more than 64 deep");
    free(s);
    s = repeat(HEAD "require ", "非 ", 10000, "x > 1", "", 0, " \"H1 一\" \"t\"\n");
    load_fails_with(s, "nested more than 64 deep");
    free(s);
    s = repeat(HEAD, "if x > 1\n", 10000, "pay 1元 \"H1 一\" \"t\"\n", "end\n", 10000, "");
    load_fails_with(s, "t.rules:69:4: nested more than 64 deep");
    free(s);
    s = repeat("", "(", 100000, "", "", 0, "\n");
    jy_sb rep = JY_SB_INIT;
    int nerr = 0;
    assert_int_equal(jy_policy_compile_text("deep.rules", s, strlen(s), &rep, &nerr), JY_EINVAL);
    assert_true(nerr >= 1);
    free(s);
    jy_sb_free(&rep);
}

/* 200000000000万 is 2·10^15 × 10,000 (as value × 10,000): the lexer multiplied without a check
 * (signed overflow, UBSan at lexer.c:164). Now an error at the number, as are literal products
 * beyond int64 (folded by the parser) and target years that are no year. */
static void numbers_beyond_int64_are_errors_with_the_place(void **state)
{
    (void)state;
    load_fails_with(HEAD "pay 200000000000万0 \"H1 一\" \"t\"\n", "t.rules:5:5: a number is too large");
    load_fails_with(HEAD "pay 200000000000万元 \"H1 一\" \"t\"\n", "t.rules:5:5: a number is too large");
    load_fails_with(HEAD "require x > 90000000000000 * 90000000000000 \"H1 一\" \"t\"\n",
                    "t.rules:5:28: the result of \"*\" on these numbers is too large");
    load_fails_with(HEAD "require x > 90000000000000 / 0.0001 \"H1 一\" \"t\"\n", "t.rules:5:28: the result of \"/\"");
    load_fails_with(HEAD "require x > 1 / 0 \"H1 一\" \"t\"\n", "t.rules:5:15: division by zero");
    load_fails_with(HEAD "require x > 9 \"H1 一\" \"t\"\ntarget 4294969320 1 \"H1 一\"\n",
                    "t.rules:6:8: a target's year is between 1900 and 2200");
    /* the largest amounts still read */
    jy_policy *p = load_ok(HEAD "pay 90000000000万元 \"H1 一\" \"t\"\n");
    jy_policy_case c;
    jy_decision d;
    init_case(p, &c, "H1");
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_ELIGIBLE);
    assert_int_equal(d.amount, (int64_t)90000000000 * 10000 * 100);
    jy_policy_free(p);
    remove_dir();
}

/* An expression that needs more than JP_STACK values at once (nested only 44 deep: each level
 * keeps three operands waiting) is an error; the evaluator's fixed stack would have overflowed. */
static void an_expression_beyond_the_evaluator_stack_is_an_error(void **state)
{
    (void)state;
    char *s = repeat(HEAD "let v = ", "min(x, x + x * (", 22, "x", "))", 22, "\nrequire v > 1 \"H1 一\" \"t\"\n");
    load_fails_with(s, "needs more than 64 values at once");
    free(s);
    s = repeat(HEAD "let v = ", "min(x, x + x * (", 20, "x", "))", 20, "\nrequire v > 1 \"H1 一\" \"t\"\n");
    jy_policy *p = load_ok(s);
    jy_policy_case c;
    jy_decision d;
    init_case(p, &c, "H1");
    set(p, &c, "x", 2);
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_ELIGIBLE);
    jy_policy_free(p);
    remove_dir();
    free(s);
}

/* One case through the three evaluators: the image (jy_policy_eval), the parser's code
 * (jy_policy_eval_trace), and batches of 64 rows of it where fact `col` is a column (the rest
 * constant: the image folds them, and must leave an overflowing fold to the evaluator). */
static int decide_all_ways(const jy_policy *p, const jy_policy_case *c, const char *col, jy_decision *out)
{
    jy_decision a, b;
    int o = jy_policy_eval(p, c, &a);
    jy_policy_trace tr = {0, 0, NULL};
    assert_int_equal(jy_policy_eval_trace(p, c, &b, &tr), o);
    assert_int_equal(a.nreasons, b.nreasons);
    assert_memory_equal(a.reasons, b.reasons, sizeof a.reasons[0] * (size_t)a.nreasons);
    int f = jy_policy_fact_index(p, col);
    enum { N = 64 };
    int64_t vals[N];
    for (int i = 0; i < N; i++) vals[i] = c->v[f];
    jy_policy_columns bt;
    memset(&bt, 0, sizeof bt);
    bt.base = c;
    bt.n = N;
    bt.ncols = 1;
    bt.fact[0] = f;
    bt.col[0] = vals;
    jy_decision rows[N];
    jy_err err;
    assert_int_equal(jy_policy_eval_columns(p, &bt, NULL, NULL, rows, NULL, &err), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(rows[i].outcome, o);
        assert_int_equal(rows[i].nreasons, a.nreasons);
    }
    *out = a;
    return o;
}

typedef struct ov_case {
    const char *stmt; /* the statement under test */
    const char *expr; /* the expression its reason names */
    const char *fact; /* the fact the batch puts in a column */
    int64_t x, y, m, r;
    int dy, dm, dd;
} ov_case;

/* Arithmetic that overflows at evaluation time (issue 10): the case goes to review with a reason
 * naming the expression and its place, the statements after it still run, and nothing is UB
 * (signed overflow, INT64_MIN / -1 and year() of a date past 9999 were, under UBSan). The same
 * rules with values that fit decide normally. */
static void overflow_while_evaluating_sends_the_case_to_review_naming_the_expression(void **state)
{
    (void)state;
    static const ov_case O[] = {
        {"pay m * x \"H1 一\" \"t\"", "m * x", "x", 1000, 0, INT64_MAX / 100, 0, 0, 0, 0},
        {"pay m + m \"H1 一\" \"t\"", "m + m", "m", 0, 0, INT64_MAX / 2 + 1, 0, 0, 0, 0},
        {"pay m - m * x \"H1 一\" \"t\"", "m * x", "m", 3, 0, INT64_MAX / 2 + 1, 0, 0, 0, 0},
        {"pay -m \"H1 一\" \"t\"", "-m", "m", 0, 0, INT64_MIN, 0, 0, 0, 0},
        {"pay m * r \"H1 一\" \"t\"", "m * r", "r", 0, 0, INT64_MAX / 2, 30000, 0, 0, 0},
        {"require x / y > 1 \"H1 一\" \"t\"", "x / y", "y", INT64_MIN, -1, 0, 0, 0, 0, 0},
        {"require ratio(x, y) > 50% \"H1 一\" \"t\"", "ratio(x, y)", "x", INT64_MAX / 100, 1, 0, 0, 0, 0, 0},
        {"require add_days(d, x) > 2024-01-01 \"H1 一\" \"t\"", "add_days(d, x)", "x", 3000000, 0, 0, 0, 2024, 1, 1},
        {"require days(d, add_days(d, x)) > 1 \"H1 一\" \"t\"", "add_days(d, x)", "d", -3000000, 0, 0, 0, 2024, 1, 1},
        {"require year(add_days(d, x)) > 2000 \"H1 一\" \"t\"", "add_days(d, x)", "x", INT64_MAX, 0, 0, 0, 2024, 1, 1},
        {"let big = x * x\nrequire big > 1 \"H1 一\" \"t\"", "x * x", "x", INT64_MAX / 2, 0, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof O / sizeof O[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body, HEAD "%s\npay 7元 \"H1 一\" \"after\"\n", O[i].stmt);
        jy_policy *p = load_ok(body);
        jy_policy_case c;
        jy_decision d;
        init_case(p, &c, "H1");
        set(p, &c, "x", O[i].x);
        set(p, &c, "y", O[i].y);
        set(p, &c, "m", O[i].m);
        set(p, &c, "r", O[i].r);
        set(p, &c, "d", O[i].dy ? jy_date_from_ymd(O[i].dy, O[i].dm, O[i].dd) : 0);
        int o = decide_all_ways(p, &c, O[i].fact, &d);
        if (o != JY_NEEDS_REVIEW) fail_msg("%s: outcome %d, want needs_review", O[i].stmt, o);
        char want[200];
        snprintf(want, sizeof want, "的算式 %s", O[i].expr);
        if (!has_text(p, &d, want)) fail_msg("%s: no reason naming \"%s\"", O[i].stmt, O[i].expr);
        if (!has_text(p, &d, "t.rules:5:")) fail_msg("%s: the reason does not say where", O[i].stmt);
        assert_true(d.has_amount && d.amount == 700); /* the next statement ran */
        /* small values: no overflow, no such reason */
        set(p, &c, "x", 3);
        set(p, &c, "y", 1);
        set(p, &c, "m", 100);
        set(p, &c, "r", 5000);
        set(p, &c, "d", jy_date_from_ymd(2024, 1, 1));
        decide_all_ways(p, &c, O[i].fact, &d);
        if (has_text(p, &d, "溢出")) fail_msg("%s: an overflow reason for small values", O[i].stmt);
        jy_policy_free(p);
        remove_dir();
    }
}

/* A batch whose column goes through "x + c" before a comparison is cut into interval cells; a
 * row whose x + c does not fit int64 is outside the cells' domain and goes through the image,
 * which reports the overflow (the old cell look-up computed v - lo with signed overflow). */
static void batch_cells_leave_overflowing_rows_to_the_evaluator(void **state)
{
    (void)state;
    jy_policy *p = load_ok(HEAD "require x + 5 > 10 \"H1 一\" \"x + 5 须大于 10\"\npay 1元 \"H1 一\" \"t\"\n");
    enum { N = 400 };
    static int64_t xs[N];
    static jy_decision got[N];
    static uint8_t outc[N];
    static jy_fen amt[N];
    for (int i = 0; i < N; i++) xs[i] = i % 20;
    xs[7] = INT64_MAX;
    xs[8] = INT64_MAX - 5;
    xs[9] = INT64_MIN;
    jy_policy_case base;
    init_case(p, &base, "H1");
    jy_policy_columns bt;
    memset(&bt, 0, sizeof bt);
    bt.base = &base;
    bt.n = N;
    bt.ncols = 1;
    bt.fact[0] = jy_policy_fact_index(p, "x");
    bt.col[0] = xs;
    jy_policy_totals t;
    jy_err err;
    assert_int_equal(jy_policy_eval_columns(p, &bt, outc, amt, got, &t, &err), 0);
    for (int i = 0; i < N; i++) {
        jy_policy_case c = base;
        set(p, &c, "x", xs[i]);
        jy_decision d;
        int o = jy_policy_eval(p, &c, &d);
        if (got[i].outcome != o || outc[i] != o) fail_msg("row %d (x = %lld): batch %d, single %d", i, (long long)xs[i], got[i].outcome, o);
        assert_int_equal(got[i].nreasons, d.nreasons);
    }
    assert_int_equal(got[7].outcome, JY_NEEDS_REVIEW);
    assert_true(has_text(p, &got[7], "的算式 x + 5"));
    assert_int_equal(got[8].outcome, JY_ELIGIBLE);
    assert_int_equal(got[9].outcome, JY_INELIGIBLE);
    jy_policy_free(p);
    remove_dir();
}

/* The paid amounts of a batch adding up beyond int64 are an error, not a wrapped total. */
static void batch_total_beyond_int64_is_an_error(void **state)
{
    (void)state;
    jy_policy *p = load_ok(HEAD "pay m \"H1 一\" \"t\"\n");
    int64_t ms[3] = {INT64_MAX / 2, INT64_MAX / 2, INT64_MAX / 2};
    jy_policy_case base;
    init_case(p, &base, "H1");
    jy_policy_columns bt;
    memset(&bt, 0, sizeof bt);
    bt.base = &base;
    bt.n = 3;
    bt.ncols = 1;
    bt.fact[0] = jy_policy_fact_index(p, "m");
    bt.col[0] = ms;
    jy_policy_totals t;
    jy_err err;
    assert_int_equal(jy_policy_eval_columns(p, &bt, NULL, NULL, NULL, &t, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "add up to more than"));
    bt.n = 2;
    assert_int_equal(jy_policy_eval_columns(p, &bt, NULL, NULL, NULL, &t, &err), 0);
    assert_int_equal(t.paid, INT64_MAX / 2 * 2);
    jy_policy_free(p);
    remove_dir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decision_json_writes_only_what_the_builder_grew_by),
        cmocka_unit_test(rules_nested_10000_deep_are_an_error_with_the_place),
        cmocka_unit_test(numbers_beyond_int64_are_errors_with_the_place),
        cmocka_unit_test(an_expression_beyond_the_evaluator_stack_is_an_error),
        cmocka_unit_test(overflow_while_evaluating_sends_the_case_to_review_naming_the_expression),
        cmocka_unit_test(batch_cells_leave_overflowing_rows_to_the_evaluator),
        cmocka_unit_test(batch_total_beyond_int64_is_an_error),
    };
    return cmocka_run_group_tests_name("policy engine on hostile input", tests, NULL, NULL);
}
