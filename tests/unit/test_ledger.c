/* Unit tests of the fund ledger's rules, straight through store.h and service/ledger.h:
 * an entry must balance and name accounts, an idempotency key posts once, no account crosses
 * zero the wrong way, commitments split by shares to the fen (largest remainder), recoveries
 * split by what each source paid, and `ledger check` names what was tampered with.
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

#include "service/ledger.h"
#include "store/store.h"
#include "test_db.h"

static char url[700]; /* the current test's database */

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
    return test_db_setup("ledger");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

/* Runs a tampering statement on the database directly (what an intruder with a shell does). */
static void tamper(const char *sql)
{
    if (test_db.use_pg) {
        PGconn *c = PQconnectdb(url);
        PGresult *r = PQexec(c, sql);
        assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *db;
        assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
    }
}

static jy_ledger_entry entry(const char *kind)
{
    jy_ledger_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.county, sizeof e.county, "640522");
    snprintf(e.program, sizeof e.program, "P13");
    e.year = 2024;
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    return e;
}

static int64_t person(jy_store *st, const char *idcard)
{
    jy_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.idcard, sizeof p.idcard, "%s", idcard);
    snprintf(p.name, sizeof p.name, "测试");
    p.sex = 'M';
    p.birth = jy_date_from_ymd(1990, 3, 7);
    snprintf(p.hukou_division, sizeof p.hukou_division, "640522101");
    jy_err err;
    assert_int_equal(jy_store_person_put(st, &p, "t", NULL, &err), 0);
    return p.id;
}

static void test_entry_must_balance(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    jy_ledger_entry e = entry("allocate");
    e.posting[0] = (jy_ledger_posting){JY_FUND_CENTRAL, JY_ACCT_AVAILABLE, 100};
    e.posting[1] = (jy_ledger_posting){JY_FUND_CENTRAL, JY_ACCT_BUDGET, -99};
    e.nposting = 2;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "debits 1.00, credits 0.99"));
    e.nposting = 0;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_EINVAL);
    e.posting[1].amount = -100;
    e.posting[2] = (jy_ledger_posting){JY_FUND_REGION, JY_ACCT_PAID, 0};
    e.nposting = 3;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_EINVAL); /* a zero posting */
    e.nposting = 2;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), 0);
    assert_true(e.id > 0);
    jy_ledger_check c;
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_true(c.ok);
    assert_int_equal(c.entries, 1);
    assert_int_equal(c.postings, 2);
}

static void test_idempotency_key_posts_once(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    jy_ledger_entry e = entry("allocate");
    snprintf(e.idem_key, sizeof e.idem_key, "k-1");
    e.posting[0] = (jy_ledger_posting){JY_FUND_REGION, JY_ACCT_AVAILABLE, 500};
    e.posting[1] = (jy_ledger_posting){JY_FUND_REGION, JY_ACCT_BUDGET, -500};
    e.nposting = 2;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), 0);
    int64_t first = e.id;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "already posted"));
    jy_ledger_line l;
    assert_int_equal(jy_store_ledger_line_get(st, "640522", "P13", 2024, JY_FUND_REGION, &l, &err), 0);
    assert_int_equal(l.bal[JY_ACCT_AVAILABLE], 500);
    assert_int_equal(l.bal[JY_ACCT_BUDGET], -500);
    (void)first;
    /* inside a caller's transaction the refusal leaves the transaction usable */
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_ECONFLICT);
    snprintf(e.idem_key, sizeof e.idem_key, "k-2");
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), 0);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_ledger_line_get(st, "640522", "P13", 2024, JY_FUND_REGION, &l, &err), 0);
    assert_int_equal(l.bal[JY_ACCT_AVAILABLE], 1000);
}

static void test_no_account_crosses_zero(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    jy_ledger_entry e = entry("commit");
    e.posting[0] = (jy_ledger_posting){JY_FUND_CENTRAL, JY_ACCT_COMMITTED, 1};
    e.posting[1] = (jy_ledger_posting){JY_FUND_CENTRAL, JY_ACCT_AVAILABLE, -1};
    e.nposting = 2;
    assert_int_equal(jy_store_ledger_post(st, &e, "t", &err), JY_ECONFLICT);
    assert_string_equal(err.msg, "P13 2024 中央: available 0.00, requested 0.01");
    jy_ledger_check c;
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_true(c.ok);
    assert_int_equal(c.entries, 0); /* nothing was left behind */
}

static void test_split_largest_remainder(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    /* P1's 17 : 2 : 4 : 10 */
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P1", 2024, JY_FUND_CENTRAL, 1700000000, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P1", 2024, JY_FUND_REGION, 200000000, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P1", 2024, JY_FUND_CITY_COUNTY, 400000000, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P1", 2024, JY_FUND_OTHER, 1000000000, "t", NULL, &err), 0);
    jy_fen out[JY_FUND__COUNT];
    assert_int_equal(jy_ledger_split(st, "640522", "P1", 2024, 100000, -1, out, &err), 0);
    assert_int_equal(out[0], 51515);
    assert_int_equal(out[1], 6061);
    assert_int_equal(out[2], 12121);
    assert_int_equal(out[3], 30303);
    for (jy_fen a = 1; a < 400; a += 7) { /* every amount splits exactly */
        assert_int_equal(jy_ledger_split(st, "640522", "P1", 2024, a, -1, out, &err), 0);
        assert_int_equal(out[0] + out[1] + out[2] + out[3], a);
    }
    assert_int_equal(jy_ledger_split(st, "640522", "P1", 2024, 1, -1, out, &err), 0);
    assert_int_equal(out[0], 1); /* the biggest share takes a lone fen */
    assert_int_equal(jy_ledger_split(st, "640522", "P9", 2024, 100, -1, out, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "P9 2024 has no budget"));
}

static void test_approve_pay_recover_check(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_CENTRAL, 100000, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_REGION, 200000, "t", NULL, &err), 0);
    jy_payable p;
    memset(&p, 0, sizeof p);
    snprintf(p.county, sizeof p.county, "640522");
    snprintf(p.program, sizeof p.program, "P13");
    p.year = 2024;
    p.payee_kind = JY_PAYEE_PERSON;
    p.person_id = person(st, "640522199003071230");
    p.amount = 3001; /* 1000.33… : 2000.66… → 1000 / 2001 */
    assert_int_equal(jy_ledger_approve(st, &p, -1, "t", &err), 0);
    assert_int_equal(p.split[JY_FUND_CENTRAL], 1000);
    assert_int_equal(p.split[JY_FUND_REGION], 2001);
    /* pay it as a batch line would */
    jy_batch b;
    memset(&b, 0, sizeof b);
    snprintf(b.county, sizeof b.county, "640522");
    snprintf(b.program, sizeof b.program, "P13");
    assert_int_equal(jy_store_batch_add(st, &b, "t", &err), 0);
    jy_batch_line l;
    memset(&l, 0, sizeof l);
    l.batch_id = b.id;
    l.line_no = 1;
    l.payable_id = p.id;
    l.amount = p.amount;
    snprintf(l.idem_key, sizeof l.idem_key, "jy-pay-%d-%d", (int)b.id, (int)p.id);
    snprintf(l.payee_name, sizeof l.payee_name, "测试");
    snprintf(l.account, sizeof l.account, "6217000010001234569");
    assert_int_equal(jy_store_batch_line_add(st, &l, "t", &err), 0);
    assert_int_equal(jy_store_batch_line_add(st, &l, "t", &err), JY_ECONFLICT); /* one line per payable */
    assert_int_equal(jy_store_payable_set_status(st, p.id, "approved", "batched", "t", &err), 0);
    assert_int_equal(jy_ledger_pay(st, &p, &l, "t", &err), 0);
    assert_int_equal(jy_ledger_pay(st, &p, &l, "t", &err), JY_ECONFLICT); /* never twice */
    /* recover 1000 of 3001: 333 / 667 by what each source paid */
    assert_int_equal(jy_ledger_recover(st, p.id, 1000, "提前终止", "t", &err), 0);
    jy_payable back;
    assert_int_equal(jy_store_payable_get(st, p.id, &back, &err), 0);
    assert_int_equal(back.recovered, 1000);
    assert_int_equal(back.recovered_split[JY_FUND_CENTRAL], 333);
    assert_int_equal(back.recovered_split[JY_FUND_REGION], 667);
    assert_int_equal(jy_ledger_recover(st, p.id, 2002, "再追回", "t", &err), JY_ECONFLICT);
    assert_int_equal(jy_ledger_recover(st, p.id, 0, "余额追回", "t", &err), 0);
    assert_int_equal(jy_store_payable_get(st, p.id, &back, &err), 0);
    assert_int_equal(back.recovered, 3001);
    jy_ledger_line ln;
    assert_int_equal(jy_store_ledger_line_get(st, "640522", "P13", 2024, JY_FUND_CENTRAL, &ln, &err), 0);
    assert_int_equal(ln.bal[JY_ACCT_AVAILABLE], 100000);
    assert_int_equal(ln.bal[JY_ACCT_PAID], 0);
    jy_ledger_check c;
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_true(c.ok);
    /* tampering: a balance, then a payable's status */
    tamper("UPDATE ledger_accounts SET balance = balance + 5 WHERE kind = 'available' AND source = 'central'");
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_false(c.ok);
    assert_string_equal(c.problem, "P13 2024 中央 available: balance 1,000.05, but its postings sum to 1,000.00");
    tamper("UPDATE ledger_accounts SET balance = balance - 5 WHERE kind = 'available' AND source = 'central'");
    tamper("UPDATE payables SET status = 'batched'");
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    assert_false(c.ok);
    assert_string_equal(c.problem, "P13 2024 中央 committed: balance 0.00, but open payables commit 10.00");
}

static int count_payable(void *ctx, const jy_payable *p)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

static int count_batch(void *ctx, const jy_batch *b)
{
    (void)b;
    ++*(int *)ctx;
    return 0;
}

/* One payable and one batch in each of two counties: a scoped handle's payable and batch lists
 * hold its area's only (filtered in SQL), and a limit counts the area's rows. */
static void test_lists_keep_to_scope(void **state)
{
    jy_store *st = *state;
    jy_err err = {0};
    const char *counties[2] = {"640522", "640521"};
    int64_t who = person(st, "640522199003071230");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(jy_ledger_budget_set(st, counties[i], "P13", 2024, JY_FUND_CENTRAL, 100000, "t", NULL, &err), 0);
        jy_payable p;
        memset(&p, 0, sizeof p);
        snprintf(p.county, sizeof p.county, "%s", counties[i]);
        snprintf(p.program, sizeof p.program, "P13");
        p.year = 2024;
        p.payee_kind = JY_PAYEE_PERSON;
        p.person_id = who;
        p.amount = 1000 * (i + 1);
        assert_int_equal(jy_ledger_approve(st, &p, -1, "t", &err), 0);
        jy_batch b;
        memset(&b, 0, sizeof b);
        snprintf(b.county, sizeof b.county, "%s", counties[i]);
        snprintf(b.program, sizeof b.program, "P13");
        assert_int_equal(jy_store_batch_add(st, &b, "t", &err), 0);
    }
    /* the newer Zhongning rows come after Haiyuan's: a limit of 1 must still find Haiyuan's */
    static const struct { const char *scope; int payables, batches; } want[] = {
        {"640522", 1, 1}, {"640521", 1, 1}, {"6405", 2, 2}, {"6404", 0, 0}, {"", 2, 2}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        assert_int_equal(jy_store_set_scope(st, want[k].scope, &err), 0);
        int np = 0, nb = 0;
        jy_payable_filter f = {0};
        assert_int_equal(jy_store_payable_list(st, &f, count_payable, &np, &err), 0);
        assert_int_equal(jy_store_batch_list(st, "P13", count_batch, &nb, &err), 0);
        assert_int_equal(np, want[k].payables);
        assert_int_equal(nb, want[k].batches);
    }
    assert_int_equal(jy_store_set_scope(st, "640521", &err), 0);
    jy_payable_filter one = {.limit = 1};
    int n = 0;
    assert_int_equal(jy_store_payable_list(st, &one, count_payable, &n, &err), 0);
    assert_int_equal(n, 1);
    jy_payable_filter other = {.county = "640522"};
    assert_int_equal(jy_store_payable_list(st, &other, count_payable, &n, &err), JY_ECONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entry_must_balance, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_idempotency_key_posts_once, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_no_account_crosses_zero, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_split_largest_remainder, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_approve_pay_recover_check, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_lists_keep_to_scope, open_db, close_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
