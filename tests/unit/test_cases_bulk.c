/* jy_store_case_bulk_insert (src/store/cases_bulk.c, issue 3): rows equal to what was handed in
 * (text with tabs, backslashes and newlines survives PostgreSQL's COPY), one history row per
 * case, one audit entry per county per call with every id, a valid chain, the id sequence moved
 * past the loaded ids, all or nothing (a bad case or a caller's rollback leaves nothing), and the
 * county scope. Runs on SQLite, or on PostgreSQL with JY_TEST_BACKEND=postgresql and
 * JY_TEST_PG_URL. */
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

#include "store/report_store.h"
#include "store/store.h"
#include "test_db.h"

enum { N = 2500 };
static jy_store *open_fresh(void)
{
    char url[700];
    return test_db_open_fresh(url, sizeof url);
}

static const char *const counties[3] = {"640522", "640521", "640181"};
static const char facts_odd[] = "{\"note\":\"tab\\there\",\"path\":\"a\\\\b\"}";
static const char facts_track[] = "{\"track\":\"driver\",\"p2_group\":\"rural\"}";

static void fill(jy_case *c, jy_case_event *ev, int i)
{
    memset(c, 0, sizeof *c);
    memset(ev, 0, sizeof *ev);
    snprintf(c->county, sizeof c->county, "%s", counties[i % 3]);
    snprintf(c->program, sizeof c->program, "%s", i % 2 ? "P1" : "P9");
    snprintf(c->kind, sizeof c->kind, "%s", i % 2 ? "trainee_claim" : "employer_reward");
    c->year = 2020 + i % 5;
    c->filed_on = jy_date_from_ymd(c->year, 3, 1 + i % 28);
    snprintf(c->occupation, sizeof c->occupation, "%s", i % 2 ? "中式烹调师\t五级" : "");
    c->level = i % 2 ? 5 : 0;
    c->start_on = i % 2 ? c->filed_on - 20 : 0;
    snprintf(c->state, sizeof c->state, "%s", i % 7 ? "paid" : "rejected");
    c->has_amount = i % 3 != 0;
    c->amount = 1000 * (int64_t)i;
    snprintf(c->decision, sizeof c->decision, "eligible");
    c->facts = i % 5 == 0 ? facts_odd : i % 5 == 1 ? facts_track : NULL;
    snprintf(ev->step, sizeof ev->step, "file");
    ev->on = c->filed_on;
    ev->reason = i % 4 == 0 ? "迁移自旧系统\nline 2 \\ end" : "迁移";
}

static int count_event(void *ctx, const jy_case_event *e)
{
    int *n = ctx;
    if (strcmp(e->step, "file") != 0 || e->from_state[0]) fail_msg("history row %lld: %s", (long long)e->id, e->step);
    ++*n;
    return 0;
}

typedef struct audit_seen {
    int entries;
    long ids;
} audit_seen;

static int on_audit(void *ctx, const jy_audit_entry *e)
{
    audit_seen *a = ctx;
    if (strcmp(e->action, "bulk_load") != 0) return 0;
    a->entries++;
    const char *p = strstr(e->after_json ? e->after_json : "", "\"ids\":[");
    assert_non_null(p);
    for (p += 7; *p && *p != ']'; p++)
        if (*p == ',') a->ids++;
    a->ids++; /* n ids have n - 1 commas */
    return 0;
}

static int count_case(void *ctx, const jy_case *c)
{
    (void)c;
    ++*(long *)ctx;
    return 0;
}

/* ---- the counters of migration 14 against the recount ---- */

typedef struct groups {
    jy_report_tally v[256];
    int n;
    int64_t cases, amount;
} groups;

static int on_group(void *ctx, const jy_report_tally *t)
{
    groups *g = ctx;
    if (g->n == 256) fail_msg("more than 256 groups");
    g->v[g->n++] = *t;
    g->cases += t->cases;
    g->amount += t->amount;
    return 0;
}

/* The counters kept by the triggers equal the recount, group for group, in every county; returns
 * the cases counted in county k. */
static int64_t counters_match(jy_store *st, int k)
{
    jy_err err = {0};
    static groups kept, re;
    memset(&kept, 0, sizeof kept);
    memset(&re, 0, sizeof re);
    if (jy_store_report_counters(st, counties[k], 0, NULL, on_group, &kept, &err)) fail_msg("%s", err.msg);
    if (jy_store_report_tally(st, counties[k], 0, NULL, on_group, &re, &err)) fail_msg("%s", err.msg);
    assert_int_equal(kept.n, re.n);
    for (int i = 0; i < kept.n; i++) {
        const jy_report_tally *a = &kept.v[i], *b = &re.v[i];
        if (strcmp(a->program, b->program) || a->year != b->year || strcmp(a->kind, b->kind) ||
            strcmp(a->state, b->state) || strcmp(a->occupation, b->occupation) || strcmp(a->track, b->track) ||
            strcmp(a->p2_group, b->p2_group) || a->cases != b->cases || a->amount != b->amount)
            fail_msg("county %s group %d: counters %s %d %s %s %s %lld %lld, recount %s %d %s %s %s %lld %lld",
                     counties[k], i, a->program, a->year, a->state, a->occupation, a->track, (long long)a->cases,
                     (long long)a->amount, b->program, b->year, b->state, b->occupation, b->track,
                     (long long)b->cases, (long long)b->amount);
    }
    return kept.cases;
}

static void bulk_rows_history_audit_and_all_or_nothing(void **state)
{
    (void)state;
    jy_store *st = open_fresh();
    jy_err err = {0};
    static jy_case cs[N];
    static jy_case_event evs[N];
    for (int i = 0; i < N; i++) fill(&cs[i], &evs[i], i);
    if (jy_store_case_bulk_insert(st, cs, evs, N, "迁移员", &err)) fail_msg("%s", err.msg);
    for (int i = 0; i < N; i++) assert_int_equal(cs[i].id, i + 1);
    /* the bulk load (PostgreSQL: COPY) counted every case: 2500 = 834 + 833 + 833 */
    assert_int_equal(counters_match(st, 0), 834);
    assert_int_equal(counters_match(st, 1), 833);
    assert_int_equal(counters_match(st, 2), 833);
    {
        groups g;
        memset(&g, 0, sizeof g);
        if (jy_store_report_counters(st, "640522", 2021, "P1", on_group, &g, &err)) fail_msg("%s", err.msg);
        int driver = 0;
        for (int i = 0; i < g.n; i++) driver += strcmp(g.v[i].track, "driver") == 0 && strcmp(g.v[i].p2_group, "rural") == 0;
        assert_true(driver > 0); /* the facts' sub-target keys are in the groups */
    }

    /* every field as handed in, the odd text included */
    jy_sb text = JY_SB_INIT;
    for (int i = 0; i < N; i += 97) {
        jy_case got, want;
        jy_case_event ev;
        fill(&want, &ev, i);
        if (jy_store_case_get(st, i + 1, &got, &text, &err)) fail_msg("case %d: %s", i + 1, err.msg);
        assert_string_equal(got.county, want.county);
        assert_string_equal(got.program, want.program);
        assert_string_equal(got.kind, want.kind);
        assert_string_equal(got.occupation, want.occupation);
        assert_string_equal(got.state, want.state);
        assert_int_equal(got.year, want.year);
        assert_int_equal(got.filed_on, want.filed_on);
        assert_int_equal(got.start_on, want.start_on);
        assert_int_equal(got.end_on, 0);
        assert_int_equal(got.person_id, 0);
        assert_int_equal(got.has_amount, want.has_amount);
        if (want.has_amount) assert_int_equal(got.amount, want.amount);
        assert_string_equal(got.facts, want.facts ? want.facts : "{}");
        int nev = 0;
        if (jy_store_case_events(st, i + 1, count_event, &nev, &err)) fail_msg("%s", err.msg);
        assert_int_equal(nev, 1);
    }
    jy_sb_free(&text);

    /* one audit entry per county, every id named once; the chain holds */
    audit_seen a = {0};
    if (jy_store_audit_list(st, 0, 0, on_audit, &a, &err)) fail_msg("%s", err.msg);
    assert_int_equal(a.entries, 3);
    assert_int_equal(a.ids, N);
    int64_t checked = 0;
    if (jy_store_audit_verify(st, &checked, &err)) fail_msg("%s", err.msg);
    assert_int_equal(checked, 3);

    /* a case filed one by one afterwards gets the next id */
    jy_case one;
    jy_case_event ev;
    fill(&one, &ev, 1);
    if (jy_store_case_insert(st, &one, &ev, "迁移员", &err)) fail_msg("%s", err.msg);
    assert_int_equal(one.id, N + 1);

    /* a bad case refuses the whole call, naming it */
    static jy_case more[10];
    static jy_case_event mev[10];
    for (int i = 0; i < 10; i++) fill(&more[i], &mev[i], i);
    snprintf(more[6].county, sizeof more[6].county, "64");
    assert_int_equal(jy_store_case_bulk_insert(st, more, mev, 10, "迁移员", &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "bulk case 7"));
    long ncases = 0;
    jy_case_filter f = {0};
    if (jy_store_case_list(st, &f, count_case, &ncases, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ncases, N + 1);

    /* inside a caller's transaction: its rollback takes the rows and the audit entries away */
    snprintf(more[6].county, sizeof more[6].county, "640522");
    if (jy_store_begin(st, &err)) fail_msg("%s", err.msg);
    if (jy_store_case_bulk_insert(st, more, mev, 10, "迁移员", &err)) fail_msg("%s", err.msg);
    jy_store_rollback(st, NULL);
    ncases = 0;
    if (jy_store_case_list(st, &f, count_case, &ncases, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ncases, N + 1);
    if (jy_store_audit_verify(st, &checked, &err)) fail_msg("%s", err.msg);
    assert_int_equal(checked, 4);

    /* the refused call and the rolled-back one counted nothing: 834 + the one filed singly */
    assert_int_equal(counters_match(st, 0), 834);
    assert_int_equal(counters_match(st, 1), 834);

    /* again, committed: ids continue after the rolled-back attempt's */
    if (jy_store_case_bulk_insert(st, more, mev, 10, "迁移员", &err)) fail_msg("%s", err.msg);
    assert_true(more[0].id > N + 1);
    assert_int_equal(more[9].id, more[0].id + 9);
    assert_int_equal(counters_match(st, 0), 838);
    assert_int_equal(counters_match(st, 1), 837);
    assert_int_equal(counters_match(st, 2), 836);

    /* a scoped handle refuses cases of another county */
    if (jy_store_set_scope(st, "640522", &err)) fail_msg("%s", err.msg);
    assert_int_equal(jy_store_case_bulk_insert(st, more, mev, 10, "迁移员", &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "640521"));
    jy_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("cbulk");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bulk_rows_history_audit_and_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
