/* Unit tests of the money safeguards of issue 10 (items 6, 11, 12), straight through the store
 * and service APIs, on either backend (the name puts it in the PostgreSQL pass of `make test`):
 * the store's one live payable per claim key, jy_ledger_approve's refusal naming the other
 * payable, idempotency keys (once, repeat, refuse, nothing kept on failure), the tracks a
 * budget line funds (split, refusals, funding.txt's parser), and the operations block of
 * policy/workflows.txt with its four-eyes check.
 *
 * Backend: PostgreSQL when JY_TEST_BACKEND=postgresql (JY_TEST_PG_URL names the test server; a
 * fresh database per test, dropped when the group ends), else a fresh SQLite file per test
 * (test_db.h). */
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
#include <libpq-fe.h>
#include <sqlite3.h>

#include "service/idempotency.h"
#include "service/ledger.h"
#include "service/workflow.h"
#include "store/ledger_guard.h"
#include "store/store.h"
#include "test_db.h"

static char url[700];

static int open_db(void **state)
{
    *state = test_db_open_fresh(url, sizeof url);
    return 0;
}

static int close_db(void **state)
{
    jy_store_close(*state);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("money_guards");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

static int64_t person(jy_store *st, const char *idcard, const char *name)
{
    jy_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.idcard, sizeof p.idcard, "%s", idcard);
    snprintf(p.name, sizeof p.name, "%s", name);
    p.sex = 'M';
    p.birth = jy_date_from_ymd(1990, 3, 7);
    snprintf(p.hukou_division, sizeof p.hukou_division, "640522101");
    jy_err err;
    assert_int_equal(jy_store_person_put(st, &p, "t", NULL, &err), 0);
    return p.id;
}

static jy_payable payable(const char *program, int year, const char *month, int64_t person_id, jy_fen amount)
{
    jy_payable p;
    memset(&p, 0, sizeof p);
    snprintf(p.county, sizeof p.county, "640522");
    snprintf(p.program, sizeof p.program, "%s", program);
    p.year = year;
    snprintf(p.month, sizeof p.month, "%s", month);
    p.payee_kind = JY_PAYEE_PERSON;
    p.person_id = person_id;
    p.amount = amount;
    return p;
}

/* ---- item 6: one live payable per claim ---- */

static void test_claim_key_is_unique_in_the_store(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    int64_t a = person(st, "640522199003071230", "马小军");
    jy_payable p = payable("P12", 2023, "2023-07", a, 50000);
    p.split[JY_FUND_REGION] = 50000;
    snprintf(p.claim_key, sizeof p.claim_key, "p%lld|2023-07|", (long long)a);
    assert_int_equal(jy_store_payable_add(st, &p, "t", &err), 0);
    jy_payable q = p;
    q.id = 0;
    q.status[0] = '\0';
    assert_int_equal(jy_store_payable_add(st, &q, "t", &err), JY_ECONFLICT); /* the index, not the service */
    assert_non_null(strstr(err.msg, "another live payable already pays claim"));
    /* once the first is cancelled the claim is free again */
    assert_int_equal(jy_store_payable_set_status(st, p.id, "approved", "cancelled", "t", &err), 0);
    q.status[0] = '\0';
    assert_int_equal(jy_store_payable_add(st, &q, "t", &err), 0);
    jy_payable found;
    assert_int_equal(jy_store_payable_by_claim_key(st, "640522", "P12", p.claim_key, &found, &err), 0);
    assert_int_equal(found.id, q.id);
    /* a payable without a key (from before migration 5) is not constrained */
    jy_payable r = q;
    r.claim_key[0] = '\0';
    r.status[0] = '\0';
    assert_int_equal(jy_store_payable_add(st, &r, "t", &err), 0);
}

static void test_approve_refuses_the_same_claim(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    int64_t a = person(st, "640522199003071230", "马小军");
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P12", 2023, JY_FUND_REGION, 1000000, "t", NULL, &err), 0);
    jy_payable p = payable("P12", 2023, "2023-07", a, 50000);
    assert_int_equal(jy_ledger_approve(st, &p, -1, "t", &err), 0);
    char want[64];
    snprintf(want, sizeof want, "p%lld|2023-07|", (long long)a);
    assert_string_equal(p.claim_key, want);
    jy_payable again = payable("P12", 2023, "2023-07", a, 50000);
    assert_int_equal(jy_ledger_approve(st, &again, -1, "t", &err), JY_ECONFLICT);
    char msg[256];
    snprintf(msg, sizeof msg, "P12 2023-07: payable %lld (approved, 500.00) already pays 马小军 (640522199003071230)",
             (long long)p.id);
    assert_non_null(strstr(err.msg, msg));
    /* the rules' other claim in the same month, another month, another year without a month */
    jy_payable grant = payable("P12", 2023, "2023-07", a, 300000);
    snprintf(grant.claim, sizeof grant.claim, "settling_in");
    assert_int_equal(jy_ledger_approve(st, &grant, -1, "t", &err), 0);
    jy_payable aug = payable("P12", 2023, "2023-08", a, 50000);
    assert_int_equal(jy_ledger_approve(st, &aug, -1, "t", &err), 0);
    jy_payable y1 = payable("P12", 2023, "", a, 100), y2 = payable("P12", 2023, "", a, 100);
    assert_int_equal(jy_ledger_approve(st, &y1, -1, "t", &err), 0);
    assert_int_equal(jy_ledger_approve(st, &y2, -1, "t", &err), JY_ECONFLICT);
    /* nothing of the refused ones was written */
    jy_ledger_line l;
    assert_int_equal(jy_store_ledger_line_get(st, "640522", "P12", 2023, JY_FUND_REGION, &l, &err), 0);
    assert_int_equal(l.bal[JY_ACCT_COMMITTED], 50000 + 300000 + 50000 + 100);
}

/* ---- item 6: idempotency keys ---- */

typedef struct counter {
    jy_store *st;
    int runs;
    int fail;
} counter;

/* The work of a request: a payable, counted; or a failure. */
static int body(void *ctx, jy_sb *out, jy_err *err)
{
    counter *c = ctx;
    c->runs++;
    if (c->fail) return jy_err_set(err, JY_ECONFLICT, "refused on purpose");
    jy_sb_appendf(out, "{\"run\":%d}", c->runs);
    return 0;
}

static void test_idempotency_keys(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    counter c = {st, 0, 0};
    jy_sb a = JY_SB_INIT, b = JY_SB_INIT;
    int replayed = -1;
    assert_int_equal(jy_idem_run(st, "k-1", "op", "640522", "{\"x\":1}", "甲", body, &c, &a, &replayed, &err), 0);
    assert_int_equal(replayed, 0);
    assert_string_equal(jy_sb_cstr(&a), "{\"run\":1}");
    assert_int_equal(jy_idem_run(st, "k-1", "op", "640522", "{\"x\":1}", "甲", body, &c, &b, &replayed, &err), 0);
    assert_int_equal(replayed, 1);
    assert_int_equal(c.runs, 1); /* not run again */
    assert_string_equal(jy_sb_cstr(&b), "{\"run\":1}");
    jy_sb_reset(&b);
    assert_int_equal(jy_idem_run(st, "k-1", "op", "640522", "{\"x\":2}", "甲", body, &c, &b, &replayed, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "idempotency key k-1 was used on"));
    assert_int_equal(jy_idem_run(st, "k-1", "other", "640522", "{\"x\":1}", "甲", body, &c, &b, &replayed, &err),
                     JY_ECONFLICT);
    assert_int_equal(jy_idem_run(st, "k-1", "op", "640522", "{\"x\":1}", "乙", body, &c, &b, &replayed, &err),
                     JY_ECONFLICT);
    assert_int_equal(c.runs, 1);
    /* a failing request records nothing: the key may be used again */
    c.fail = 1;
    assert_int_equal(jy_idem_run(st, "k-2", "op", "640522", "{}", "甲", body, &c, &b, &replayed, &err), JY_ECONFLICT);
    c.fail = 0;
    jy_sb_reset(&b);
    assert_int_equal(jy_idem_run(st, "k-2", "op", "640522", "{}", "甲", body, &c, &b, &replayed, &err), 0);
    assert_int_equal(replayed, 0);
    /* keys are checked; no key: the body runs every time */
    assert_int_equal(jy_idem_run(st, "bad key", "op", "640522", "{}", "甲", body, &c, &b, &replayed, &err), JY_EINVAL);
    int before = c.runs;
    assert_int_equal(jy_idem_run(st, NULL, "op", "640522", "{}", "甲", body, &c, &b, &replayed, &err), 0);
    assert_int_equal(jy_idem_run(st, NULL, "op", "640522", "{}", "甲", body, &c, &b, &replayed, &err), 0);
    assert_int_equal(c.runs, before + 2);
    /* a new handle (another process) sees the key */
    jy_store *st2 = NULL;
    assert_int_equal(jy_store_open(url, &st2, &err), 0);
    jy_sb_reset(&b);
    assert_int_equal(jy_idem_run(st2, "k-1", "op", "640522", "{\"x\":1}", "甲", body, &c, &b, &replayed, &err), 0);
    assert_int_equal(replayed, 1);
    assert_string_equal(jy_sb_cstr(&b), "{\"run\":1}");
    jy_store_close(st2);
    jy_sb_free(&a);
    jy_sb_free(&b);
}

/* ---- item 12: the tracks a budget line funds ---- */

static void test_tracks_fund(void **state)
{
    (void)state;
    assert_true(jy_ledger_tracks_fund("", "general"));
    assert_true(jy_ledger_tracks_fund("gouqi,driver", "driver"));
    assert_true(jy_ledger_tracks_fund("gouqi,driver", "gouqi"));
    assert_false(jy_ledger_tracks_fund("gouqi,driver", ""));        /* no track: general */
    assert_false(jy_ledger_tracks_fund("gouqi,driver", "general"));
    assert_false(jy_ledger_tracks_fund("gouqi,driver", "drive"));   /* whole words only */
    assert_false(jy_ledger_tracks_fund("gouqi,driver", "gouqi,d"));
    assert_true(jy_ledger_tracks_fund("general", NULL));
    jy_funding f;
    jy_err err = {0};
    assert_int_equal(jy_funding_parse("# c\nfunds P1 central,other track gouqi,driver \"P1 六(一)3\" # note\n\n", "f", &f,
                                      &err),
                     0);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.rule[0].sources, (1u << JY_FUND_CENTRAL) | (1u << JY_FUND_OTHER));
    assert_string_equal(f.rule[0].tracks, "gouqi,driver");
    assert_string_equal(f.rule[0].clause, "P1 六(一)3");
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"funds P1 central track gouqi", "f:1: expected: funds PROGRAM"},
        {"funds P27 central track gouqi \"c\"", "f:1: \"P27\": expected P1"},
        {"\nfunds P1 moon track gouqi \"c\"", "f:2: funding source \"moon\""},
        {"funds P1 central track Gouqi \"c\"", "expected track values"},
        {"funds P1 central track a,,b \"c\"", "expected track values"},
        {"funds P1 central track a \"\"", "cites no clause"},
        {"funds P1 central track a \"c\"\nfunds P1 other,central track b \"d\"", "f:2: a source of P1 is already restricted on line 1"},
        {"funds P1 central track a \"c", "unterminated"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(jy_funding_parse(bad[i].text, "f", &f, &err), JY_EINVAL);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text, err.msg, bad[i].msg);
    }
    /* the policy's own file parses */
    const char *dir = getenv("JY_POLICY_DIR");
    assert_non_null(dir);
    assert_int_equal(jy_funding_load(dir, &f, &err), 0);
    assert_true(f.n >= 1);
}

static void test_split_charges_only_funding_lines(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    static const jy_fen budget[JY_FUND__COUNT] = {1700000000, 200000000, 400000000, 1000000000};
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        assert_int_equal(jy_ledger_budget_set(st, "640522", "P1", 2024, s, budget[s], "t", NULL, &err), 0);
        assert_int_equal(jy_ledger_tracks_set(st, "640522", "P1", 2024, s, "gouqi,driver", "P1 六(一)3", "t", NULL, &err), 0);
    }
    jy_fen out[JY_FUND__COUNT];
    /* a general claim: no line funds it, nothing split */
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 100000, -1, "general", out, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "P1 2024: no budget line funds this claim's track general: 中央 funds only gouqi,driver (P1 六(一)3)"));
    assert_int_equal(jy_ledger_split(st, "640522", "P1", 2024, 100000, -1, out, &err), JY_ECONFLICT); /* no track = general */
    /* a brand claim: the four by their shares, to the fen */
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 100000, -1, "driver", out, &err), 0);
    assert_int_equal(out[JY_FUND_CENTRAL], 51515);
    assert_int_equal(out[JY_FUND_REGION], 6061);
    assert_int_equal(out[JY_FUND_CITY_COUNTY], 12121);
    assert_int_equal(out[JY_FUND_OTHER], 30303);
    /* an explicit source must fund it too */
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 100, JY_FUND_OTHER, "general", out, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "P1 2024 其他 funds only track gouqi,driver (P1 六(一)3), not this claim's track general"));
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 100, JY_FUND_OTHER, "gouqi", out, &err), 0);
    assert_int_equal(out[JY_FUND_OTHER], 100);
    /* the central line funds general training only: a general claim all there, a brand claim the rest */
    assert_int_equal(jy_ledger_tracks_set(st, "640522", "P1", 2024, JY_FUND_CENTRAL, "general", "P1 六(三)", "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 100000, -1, "general", out, &err), 0);
    assert_int_equal(out[JY_FUND_CENTRAL], 100000);
    assert_int_equal(out[JY_FUND_OTHER], 0);
    assert_int_equal(jy_ledger_split_track(st, "640522", "P1", 2024, 1600, -1, "gouqi", out, &err), 0);
    assert_int_equal(out[JY_FUND_CENTRAL], 0);
    assert_int_equal(out[JY_FUND_REGION], 200);
    assert_int_equal(out[JY_FUND_CITY_COUNTY], 400);
    assert_int_equal(out[JY_FUND_OTHER], 1000);
    /* "*" lifts a restriction; the change is audited and the books still balance */
    int changed = 0;
    assert_int_equal(jy_ledger_tracks_set(st, "640522", "P1", 2024, JY_FUND_OTHER, "*", NULL, "t", &changed, &err), 0);
    assert_true(changed);
    char tracks[JY_TRACKS_SZ], clause[128];
    assert_int_equal(jy_store_line_tracks_get(st, "640522", "P1", 2024, JY_FUND_OTHER, tracks, clause, &err), 0);
    assert_string_equal(tracks, "");
    assert_int_equal(jy_ledger_tracks_set(st, "640522", "P1", 2024, JY_FUND_OTHER, "", NULL, "t", &changed, &err), 0);
    assert_false(changed);
    /* the bulk splits (the payroll) honour the same rule */
    int64_t a = person(st, "640522199003071230", "马小军");
    jy_payable p1 = payable("P1", 2024, "2024-03", a, 1000), p2 = payable("P1", 2024, "2024-04", a, 1000);
    snprintf(p2.track, sizeof p2.track, "driver");
    jy_payable *pp[2] = {&p1, &p2};
    size_t failed = 9;
    assert_int_equal(jy_ledger_split_many(st, pp, 2, &failed, &err), 0);
    assert_int_equal(p1.split[JY_FUND_CENTRAL] + p1.split[JY_FUND_OTHER], 1000); /* general: central and other */
    assert_int_equal(p1.split[JY_FUND_REGION], 0);
    assert_int_equal(p2.split[JY_FUND_CENTRAL], 0); /* driver: not central */
    jy_ledger_check c;
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_true(c.ok);
}

/* ---- item 11: the operations block and its four-eyes rule ---- */

static void test_operations_block(void **state)
{
    jy_store *st = *state;
    static const char base[] = "workflow w \"t\"\n  programs P1\n  start filed\n"
                               "  step a filed -> done roles county_reviewer \"c\"\nend\n";
    jy_sb text = JY_SB_INIT;
    jy_sb_append(&text, base);
    jy_sb_append(&text, "operations \"money\"\n"
                        "  operation build roles county_reviewer \"c1\"\n"
                        "  operation approve roles county_reviewer,admin not-by build \"c2\"\n"
                        "end\n");
    jy_workflows *w = NULL;
    jy_err err = {0};
    assert_int_equal(jy_workflows_parse(jy_sb_cstr(&text), text.len, "wf", &w, &err), 0);
    const jy_wf_op *o = jy_workflows_op(w, "approve");
    assert_non_null(o);
    assert_string_equal(o->not_by, "build");
    assert_string_equal(o->clause, "c2");
    assert_null(jy_workflows_op(w, "pay"));
    /* bootstrap (no user yet): anyone is admin, but four-eyes still holds */
    const char *builder = "甲";
    assert_int_equal(jy_wf_op_check(w, st, "approve", "batch 1", "乙", "640522", &builder, 1, &err), 0);
    assert_int_equal(jy_wf_op_check(w, st, "approve", "batch 1", "甲", "640522", &builder, 1, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "batch 1: 甲 took build on it, so another person must review it"));
    assert_int_equal(jy_wf_op_check(w, st, "pay", "batch 1", "乙", "640522", NULL, 0, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "defines no operation pay"));
    /* registered users: the role and the area count */
    jy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "专干");
    snprintf(u.role, sizeof u.role, "township_staff");
    snprintf(u.area, sizeof u.area, "640522105");
    assert_int_equal(jy_store_user_put(st, &u, "t", NULL, &err), 0);
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "科长");
    snprintf(u.role, sizeof u.role, "county_reviewer");
    snprintf(u.area, sizeof u.area, "640522");
    assert_int_equal(jy_store_user_put(st, &u, "t", NULL, &err), 0);
    assert_int_equal(jy_wf_op_check(w, st, "build", "batch 1", "专干", "640522", NULL, 0, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "用户 专干（角色 township_staff）无权执行 build（batch 1）"));
    assert_int_equal(jy_wf_op_check(w, st, "build", "batch 1", "科长", "640522", NULL, 0, &err), 0);
    assert_int_equal(jy_wf_op_check(w, st, "build", "batch 1", "科长", "640521", NULL, 0, &err), JY_ECONFLICT);
    assert_int_equal(jy_wf_op_check(w, st, "build", "batch 1", "路人", "640522", NULL, 0, &err), JY_ENOTFOUND);
    jy_workflows_free(w);
    /* what does not load */
    static const struct {
        const char *ops, *msg;
    } bad[] = {
        {"operations \"m\"\n  operation x roles nobody \"c\"\nend\n", "wf:7:"},
        {"operations \"m\"\n  operation x roles admin not-by y \"c\"\nend\n", "not-by y names no other operation"},
        {"operations \"m\"\n  operation x roles admin not-by x \"c\"\nend\n", "not-by x names no other operation"},
        {"operations \"m\"\n  operation x roles admin \"c\"\n  operation x roles admin \"c\"\nend\n", "operation x defined twice"},
        {"operations \"m\"\n  operation x roles admin\nend\n", "expected: operation NAME roles"},
        {"operations \"m\"\n  operation x roles admin extra \"c\"\nend\n", "unexpected \"extra\""},
        {"operations \"m\"\n  step x\nend\n", "unknown line \"step\" in the operations block"},
        {"operations \"m\"\n  operation x roles admin \"c\"\n", "the operations block is not closed with end"},
        {"operations \"m\"\nend\noperations \"n\"\nend\n", "a second operations block"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jy_sb_reset(&text);
        jy_sb_append(&text, base);
        jy_sb_append(&text, bad[i].ops);
        assert_int_equal(jy_workflows_parse(jy_sb_cstr(&text), text.len, "wf", &w, &err), JY_EINVAL);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, bad[i].msg);
    }
    jy_sb_free(&text);
    /* the policy's own file defines every money operation the code asks for */
    const char *dir = getenv("JY_POLICY_DIR");
    assert_non_null(dir);
    assert_int_equal(jy_workflows_load(dir, &w, &err), 0);
    static const char *const ops[] = {"ledger_budget", "ledger_approve", "ledger_cancel", "ledger_recover", "ledger_card",
                                      "batch_build",   "batch_approve",  "batch_export",  "batch_pay",      "payroll_run",
                                      "payroll_review", "payroll_commit"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!jy_workflows_op(w, ops[i])) fail_msg("policy/workflows.txt lacks operation %s", ops[i]);
    assert_string_equal(jy_workflows_op(w, "batch_approve")->not_by, "batch_build");
    assert_string_equal(jy_workflows_op(w, "payroll_commit")->not_by, "payroll_run");
    assert_string_equal(jy_workflows_op(w, "payroll_review")->not_by, "payroll_run");
    jy_workflows_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_claim_key_is_unique_in_the_store, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_approve_refuses_the_same_claim, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_idempotency_keys, open_db, close_db),
        cmocka_unit_test(test_tracks_fund),
        cmocka_unit_test_setup_teardown(test_split_charges_only_funding_lines, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_operations_block, open_db, close_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
