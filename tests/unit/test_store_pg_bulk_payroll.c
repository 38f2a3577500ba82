/* Unit tests of the payroll's bulk write (jy_store_payroll_lines_add_bulk with
 * jy_ledger_split_many) against the line-by-line path it replaces (jy_ledger_approve, then
 * jy_store_payroll_line_add per line): the same changes must leave a byte-identical audit chain
 * (same rows, ids, JSON and order), the same balances and books that check; an overspend is
 * refused with the figures and leaves nothing; after a bulk write the ordinary one-row path
 * still works (on PostgreSQL: the identity sequences were moved past the ids handed out).
 *
 * Backend: PostgreSQL when JY_TEST_BACKEND=postgresql (JY_TEST_PG_URL names the test server;
 * fresh databases, dropped afterwards) — and then the bulk chain is also compared with SQLite's;
 * else fresh SQLite files. The name starts with test_store_pg so `make test` runs it on both. */
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

#include "domain/idcard.h"
#include "service/ledger.h"
#include "store/placement_store.h"
#include "store/store.h"
#include "test_db.h"

/* A fresh store: PostgreSQL when pg (a new database on the test server), else a new SQLite file. */
static jy_store *open_fresh(int pg)
{
    char url[700];
    return test_db_open_new(url, sizeof url, pg);
}

static void make_idcard(char out[19], int seq)
{
    char first[24];
    snprintf(first, sizeof first, "64052219850307%03u", (unsigned)seq % 1000u);
    memcpy(out, first, 17);
    out[17] = jy_idcard_check_char(first);
    out[18] = '\0';
}

#define NPLACE 3
#define NLINES 8

/* What the payroll writes: placement k (0-based), claim, status, amount. */
static const struct {
    int place, claim;
    const char *status;
    int64_t amount;
} lines[NLINES] = {
    {0, JY_CLAIM_MONTHLY, "approved", 175000},        {1, JY_CLAIM_MONTHLY, "held", 0},
    {2, JY_CLAIM_MONTHLY, "approved", 123457},        {0, JY_CLAIM_SOCIAL_INSURANCE, "approved", 1},
    {1, JY_CLAIM_SOCIAL_INSURANCE, "refused", 0},     {2, JY_CLAIM_SOCIAL_INSURANCE, "approved", 99999},
    {0, JY_CLAIM_SETTLING_IN, "approved", 300000},    {2, JY_CLAIM_SETTLING_IN, "held", 0},
};

typedef struct world {
    int64_t place[NPLACE], person[NPLACE], run_id;
} world;

/* Persons, a host, P13 placements, a run and an uneven three-source budget (so the shares have
 * remainders). */
static void setup_world(jy_store *st, world *w)
{
    jy_err err = {0};
    jy_org o;
    memset(&o, 0, sizeof o);
    snprintf(o.uscc, sizeof o.uscc, "91640522000000001X");
    snprintf(o.name, sizeof o.name, "海原县见习单位");
    o.kinds = JY_ORG_EMPLOYER;
    o.size_class = JY_SIZE_SMALL;
    snprintf(o.division, sizeof o.division, "640522");
    assert_int_equal(jy_store_org_put(st, &o, "t", NULL, &err), 0);
    for (int k = 0; k < NPLACE; k++) {
        jy_person p;
        memset(&p, 0, sizeof p);
        make_idcard(p.idcard, k + 1);
        snprintf(p.name, sizeof p.name, "马玉兰%d", k);
        p.hukou_kind = JY_HUKOU_RURAL;
        assert_int_equal(jy_store_person_put(st, &p, "t", NULL, &err), 0);
        w->person[k] = p.id;
        jy_placement pl;
        memset(&pl, 0, sizeof pl);
        snprintf(pl.county, sizeof pl.county, "640522");
        snprintf(pl.program, sizeof pl.program, "P13");
        pl.person_id = p.id;
        pl.host_org_id = o.id;
        jy_err e2;
        assert_int_equal(jy_date_parse("2024-01-01", &pl.start_on, &e2), 0);
        snprintf(pl.status, sizeof pl.status, "active");
        if (jy_store_placement_add(st, &pl, "t", &err)) fail_msg("placement: %s", err.msg);
        w->place[k] = pl.id;
    }
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_CENTRAL, 700001, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_REGION, 200000, "t", NULL, &err), 0);
    assert_int_equal(jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_CITY_COUNTY, 99999, "t", NULL, &err), 0);
    jy_payroll_run r;
    memset(&r, 0, sizeof r);
    snprintf(r.county, sizeof r.county, "640522");
    snprintf(r.program, sizeof r.program, "P13");
    snprintf(r.month, sizeof r.month, "2024-03");
    snprintf(r.ruleset, sizeof r.ruleset, "test");
    if (jy_store_payroll_run_begin(st, &r, "t", &err)) fail_msg("run: %s", err.msg);
    w->run_id = r.id;
}

static void line_of(const world *w, int i, jy_payroll_line *l, jy_payable *p)
{
    memset(l, 0, sizeof *l);
    l->run_id = w->run_id;
    snprintf(l->county, sizeof l->county, "640522");
    l->placement_id = w->place[lines[i].place];
    l->claim = lines[i].claim;
    snprintf(l->decision, sizeof l->decision, "%s",
             strcmp(lines[i].status, "approved") == 0 ? "eligible"
             : strcmp(lines[i].status, "refused") == 0 ? "ineligible" : "needs_review");
    l->amount = lines[i].amount;
    snprintf(l->status, sizeof l->status, "%s", lines[i].status);
    l->facts = "{\"month_workdays\":21,\"days_on_duty\":20}";
    l->decision_json = "{\"policy\":{\"outcome\":\"x\"},\"conflicts\":[]}";
    snprintf(l->ruleset, sizeof l->ruleset, "test");
    memset(p, 0, sizeof *p);
    snprintf(p->county, sizeof p->county, "640522");
    snprintf(p->program, sizeof p->program, "P13");
    p->year = 2024;
    snprintf(p->month, sizeof p->month, "2024-03");
    p->payee_kind = JY_PAYEE_PERSON;
    p->person_id = w->person[lines[i].place];
    p->amount = lines[i].amount;
    /* the claim as the payroll names it (issue 10: one payable per person, month and claim) */
    if (lines[i].claim != JY_CLAIM_MONTHLY) snprintf(p->claim, sizeof p->claim, "%s", jy_payroll_claim_name(lines[i].claim));
    snprintf(p->memo, sizeof p->memo, "P13 2024-03 line %d", i);
}

/* The old path: one approval and one line add after the other. */
static void write_one_by_one(jy_store *st, const world *w)
{
    jy_err err = {0};
    assert_int_equal(jy_store_begin(st, &err), 0);
    for (int i = 0; i < NLINES; i++) {
        jy_payroll_line l;
        jy_payable p;
        line_of(w, i, &l, &p);
        if (strcmp(l.status, "approved") == 0) {
            if (jy_ledger_approve(st, &p, -1, "payroll", &err)) fail_msg("approve %d: %s", i, err.msg);
            l.payable_id = p.id;
        }
        if (jy_store_payroll_line_add(st, &l, "payroll", &err)) fail_msg("line %d: %s", i, err.msg);
    }
    if (jy_store_commit(st, &err)) fail_msg("commit: %s", err.msg);
}

/* The bulk path; returns its rc (err filled), the transaction committed when 0. */
static int write_bulk(jy_store *st, const world *w, int64_t extra, jy_payroll_line *out, jy_err *err)
{
    jy_payroll_line l[NLINES];
    jy_payable p[NLINES];
    jy_payable *pay[NLINES];
    for (int i = 0; i < NLINES; i++) {
        line_of(w, i, &l[i], &p[i]);
        if (i == NLINES - 2 && extra) p[i].amount = l[i].amount = extra; /* an overspend, late in the run */
        pay[i] = strcmp(l[i].status, "approved") == 0 ? &p[i] : NULL;
        jy_ledger_claim_key(&p[i], p[i].claim_key); /* as jy_ledger_approve and the payroll's commit do */
    }
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    size_t failed = 99;
    rc = jy_ledger_split_many(st, pay, NLINES, &failed, err);
    if (rc == 0) rc = jy_store_payroll_lines_add_bulk(st, l, pay, NLINES, "payroll", err);
    if (rc) {
        jy_store_rollback(st, NULL);
        return rc;
    }
    for (int i = 0; i < NLINES; i++) {
        if (pay[i]) assert_int_equal(l[i].payable_id, p[i].id);
        else assert_int_equal(l[i].payable_id, 0);
    }
    if (out) memcpy(out, l, sizeof l);
    return jy_store_commit(st, err);
}

static void head(jy_store *st, int64_t *seq, char hash[65])
{
    jy_err err = {0};
    assert_int_equal(jy_store_audit_head(st, seq, hash, &err), 0);
}

static void books_ok(jy_store *st)
{
    jy_ledger_check c;
    jy_err err = {0};
    assert_int_equal(jy_store_ledger_check(st, &c, &err), 0);
    if (!c.ok) fail_msg("ledger check: %s", c.problem);
}

static void line_get(jy_store *st, int source, jy_ledger_line *l)
{
    jy_err err = {0};
    assert_int_equal(jy_store_ledger_line_get(st, "640522", "P13", 2024, source, l, &err), 0);
}

/* One more approval the ordinary way (default ids). */
static void approve_one(jy_store *st, const world *w)
{
    jy_payable p;
    jy_payroll_line l;
    jy_err err = {0};
    line_of(w, 0, &l, &p);
    p.amount = 5000;
    /* the bulk-written payable holds its claim (issue 10): the same month's allowance again is refused */
    assert_int_equal(jy_ledger_approve(st, &p, -1, "clerk", &err), JY_ECONFLICT);
    snprintf(p.claim, sizeof p.claim, "correction"); /* a second claim the rules allow */
    if (jy_ledger_approve(st, &p, -1, "clerk", &err)) fail_msg("approve after bulk: %s", err.msg);
}

static void bulk_matches_one_by_one(void **state)
{
    (void)state;
    setenv("JIUYE_NOW", "2025-06-01T08:00:00.000Z", 1);
    jy_store *a = open_fresh(test_db.use_pg), *b = open_fresh(test_db.use_pg);
    world wa, wb;
    setup_world(a, &wa);
    setup_world(b, &wb);
    write_one_by_one(a, &wa);
    jy_err err = {0};
    jy_payroll_line got[NLINES];
    if (write_bulk(b, &wb, 0, got, &err)) fail_msg("bulk: %s", err.msg);

    int64_t sa, sb;
    char ha[65], hb[65];
    head(a, &sa, ha);
    head(b, &sb, hb);
    /* setup entries + 3 per approved line (payable, entry, line) + 1 per other line */
    assert_true(sb > 8);
    assert_int_equal(sa, sb);
    assert_string_equal(ha, hb);
    books_ok(a);
    books_ok(b);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        jy_ledger_line la, lb;
        line_get(a, s, &la);
        line_get(b, s, &lb);
        for (int k = 0; k < JY_ACCT__COUNT; k++) assert_int_equal(la.bal[k], lb.bal[k]);
    }
    jy_ledger_line central;
    line_get(b, JY_FUND_CENTRAL, &central);
    assert_true(central.bal[JY_ACCT_COMMITTED] > 0);
    /* the lines read back as written */
    for (int i = 0; i < NLINES; i++) {
        jy_payroll_line r;
        jy_sb text = JY_SB_INIT;
        assert_int_equal(jy_store_payroll_line_get(b, got[i].id, &r, &text, &err), 0);
        assert_string_equal(r.status, lines[i].status);
        assert_int_equal(r.amount, lines[i].amount);
        assert_int_equal(r.payable_id, got[i].payable_id);
        if (r.payable_id) assert_string_equal(r.payable_status, "approved");
        assert_string_equal(r.facts, "{\"month_workdays\":21,\"days_on_duty\":20}");
        jy_sb_free(&text);
    }

    /* the ordinary path after the bulk write: same ids on both (PostgreSQL: sequences moved) */
    approve_one(a, &wa);
    approve_one(b, &wb);
    head(a, &sa, ha);
    head(b, &sb, hb);
    assert_int_equal(sa, sb);
    assert_string_equal(ha, hb);
    books_ok(b);

    /* across backends: the bulk write on SQLite leaves PostgreSQL's chain */
    if (test_db.use_pg) {
        jy_store *c = open_fresh(0);
        world wc;
        setup_world(c, &wc);
        if (write_bulk(c, &wc, 0, NULL, &err)) fail_msg("bulk on sqlite: %s", err.msg);
        approve_one(c, &wc);
        int64_t sc;
        char hc[65];
        head(c, &sc, hc);
        assert_int_equal(sc, sb);
        assert_string_equal(hc, hb);
        jy_store_close(c);
    }
    unsetenv("JIUYE_NOW");
    jy_store_close(a);
    jy_store_close(b);
}

static void bulk_overspend_leaves_nothing(void **state)
{
    (void)state;
    jy_store *b = open_fresh(test_db.use_pg);
    world w;
    setup_world(b, &w);
    int64_t s0, s1;
    char h0[65], h1[65];
    head(b, &s0, h0);
    jy_ledger_line before[JY_FUND__COUNT];
    for (int s = 0; s < JY_FUND__COUNT; s++) line_get(b, s, &before[s]);
    jy_err err = {0};
    /* the budget is 9,999.99 yuan in all; one line asks for more than what is left */
    assert_int_equal(write_bulk(b, &w, 900000, NULL, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "available"));
    assert_non_null(strstr(err.msg, "requested"));
    head(b, &s1, h1);
    assert_int_equal(s1, s0);
    assert_string_equal(h1, h0);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        jy_ledger_line l;
        line_get(b, s, &l);
        for (int k = 0; k < JY_ACCT__COUNT; k++) assert_int_equal(l.bal[k], before[s].bal[k]);
    }
    books_ok(b);
    /* and the same run within the budget then goes through */
    if (write_bulk(b, &w, 0, NULL, &err)) fail_msg("bulk after refusal: %s", err.msg);
    books_ok(b);
    jy_store_close(b);
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("bulkpay");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bulk_matches_one_by_one),
        cmocka_unit_test(bulk_overspend_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
