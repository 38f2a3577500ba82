/* The work list and township lists in the store (issue 12, pages3): jy_case_filter.town (the
 * subject's township — the person's household registration, else the organisation's division —
 * as a condition of the query), .waiting / .waiting_states (programme|kind|state keys) and
 * .by_deadline with its (deadline, id) cursor: due_on, else publicity_end, else none (last).
 * Runs on SQLite, or on PostgreSQL with JY_TEST_BACKEND=postgresql and JY_TEST_PG_URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "domain/idcard.h"
#include "store/store.h"
#include "test_db.h"

static int64_t person(jy_store *st, const char *idcard, const char *town)
{
    jy_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.idcard, sizeof p.idcard, "%s", idcard);
    snprintf(p.name, sizeof p.name, "人%s", idcard + 14);
    snprintf(p.hukou_division, sizeof p.hukou_division, "%s", town);
    jy_idcard info;
    jy_err err = {0};
    if (jy_idcard_check(p.idcard, NULL, &info, &err)) fail_msg("%s: %s", p.idcard, err.msg);
    p.birth = info.birth;
    p.sex = info.sex;
    int res;
    if (jy_store_person_put(st, &p, "tester", &res, &err)) fail_msg("%s", err.msg);
    return p.id;
}

static int64_t org(jy_store *st, const char *uscc, const char *town)
{
    jy_org o;
    memset(&o, 0, sizeof o);
    snprintf(o.uscc, sizeof o.uscc, "%s", uscc);
    snprintf(o.name, sizeof o.name, "单位%s", uscc + 14);
    snprintf(o.division, sizeof o.division, "%s", town);
    int res;
    jy_err err = {0};
    if (jy_store_org_put(st, &o, "tester", &res, &err)) fail_msg("%s", err.msg);
    return o.id;
}

static int64_t put_case(jy_store *st, const char *program, const char *kind, int64_t pid, int64_t oid, const char *state,
                        jy_date due, jy_date pub_end)
{
    jy_case c;
    memset(&c, 0, sizeof c);
    memcpy(c.county, "640522", 7);
    snprintf(c.program, sizeof c.program, "%s", program);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    c.person_id = pid;
    c.org_id = oid;
    c.year = 2024;
    c.filed_on = jy_date_from_ymd(2024, 5, 1);
    snprintf(c.state, sizeof c.state, "%s", state);
    memcpy(c.decision, "eligible", 9);
    c.due_on = due;
    c.publicity_end = pub_end;
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.step, "file", 5);
    ev.on = c.filed_on;
    ev.reason = "test";
    jy_err err = {0};
    if (jy_store_case_insert(st, &c, &ev, "tester", &err)) fail_msg("case: %s", err.msg);
    return c.id;
}

typedef struct ids {
    int64_t id[32];
    jy_date deadline[32];
    int n;
} ids;

static int collect(void *ctx, const jy_case *c)
{
    ids *w = ctx;
    if (w->n >= 32) return 1;
    w->deadline[w->n] = c->due_on ? c->due_on : c->publicity_end ? c->publicity_end : JY_DEADLINE_NONE;
    w->id[w->n++] = c->id;
    return 0;
}

/* The whole list, read page by page of `limit` with the cursor the API keeps. */
static ids pages(jy_store *st, jy_case_filter f, int limit)
{
    ids all = {0};
    for (int round = 0; round < 40; round++) {
        ids one = {0};
        f.limit = limit;
        jy_err err = {0};
        if (jy_store_case_list(st, &f, collect, &one, &err)) fail_msg("list: %s", err.msg);
        for (int i = 0; i < one.n; i++) {
            all.deadline[all.n] = one.deadline[i];
            all.id[all.n++] = one.id[i];
        }
        if (one.n < limit) return all;
        f.after_id = one.id[one.n - 1];
        if (f.by_deadline) f.after_deadline = one.deadline[one.n - 1];
    }
    fail_msg("more than 40 pages");
    return all;
}

static void expect_ids(ids got, const int64_t *want, int n, const char *what)
{
    if (got.n != n) fail_msg("%s: %d cases, want %d", what, got.n, n);
    for (int i = 0; i < n; i++)
        if (got.id[i] != want[i]) fail_msg("%s: case %d is %lld, want %lld", what, i, (long long)got.id[i], (long long)want[i]);
}

static void township_and_work_list_in_the_query(void **state)
{
    (void)state;
    char url[700];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    int64_t p1 = person(st, "640522199001011234", "640522100");
    int64_t p2 = person(st, "640522199002021231", "640522101");
    int64_t p3 = person(st, "640522199003031239", ""); /* no household registration recorded */
    int64_t o1 = org(st, "91640522MA76XYW1X3", "640522100");
    int64_t o2 = org(st, "52640522MJX0000184", "640522102");
    jy_date d5 = jy_date_from_ymd(2024, 6, 5), d7 = jy_date_from_ymd(2024, 6, 7), d10 = jy_date_from_ymd(2024, 6, 10);
    int64_t c1 = put_case(st, "P17", "org_award", 0, o1, "filed", d10, 0);
    int64_t c2 = put_case(st, "P17", "org_award", 0, o2, "filed", d5, 0);
    int64_t c3 = put_case(st, "P17", "org_award", 0, o1, "filed", 0, 0);      /* no deadline: last */
    int64_t c4 = put_case(st, "P25", "org_award", 0, o1, "publicity", 0, d7); /* publicity's last day */
    int64_t c5 = put_case(st, "P17", "org_award", 0, o1, "county_approved", 0, 0);
    int64_t c6 = put_case(st, "P1", "individual_claim", p1, 0, "filed", d5, 0);
    int64_t c7 = put_case(st, "P1", "individual_claim", p1, o2, "filed", d5, 0); /* the person's township wins */
    int64_t c8 = put_case(st, "P1", "individual_claim", p2, o1, "filed", d5, 0);
    int64_t c9 = put_case(st, "P1", "individual_claim", p3, o1, "filed", d5, 0); /* a person without one: no township */
    int64_t c10 = put_case(st, "P17", "org_award", 0, o1, "filed", d5, 0);       /* ties c2's deadline: id order */
    (void)c8;
    (void)c9;

    /* ?town=: the subject's township, paged by 2 in id order */
    jy_case_filter ft = {.town = "640522100"};
    int64_t want_town[] = {c1, c3, c4, c5, c6, c7, c10};
    expect_ids(pages(st, ft, 2), want_town, 7, "town 640522100");
    expect_ids(pages(st, ft, 100), want_town, 7, "town 640522100, one page");
    ft.town = "640522102";
    int64_t want_102[] = {c2};
    expect_ids(pages(st, ft, 3), want_102, 1, "town 640522102 (c7's organisation is there, its person is not)");
    ft.town = "6405221"; /* a prefix: the townships 640522100 … 640522109 */
    int64_t want_pre[] = {c1, c2, c3, c4, c5, c6, c7, c8, c10};
    expect_ids(pages(st, ft, 4), want_pre, 9, "prefix 6405221");

    /* the work list: the keys' cases by deadline, then id; the cursor follows that order */
    jy_case_filter fw = {.waiting = "[\"P17|org_award|filed\",\"P25|org_award|publicity\"]",
                         .waiting_states = "[\"filed\",\"publicity\"]", .by_deadline = 1};
    int64_t want_wait[] = {c2, c10, c4, c1, c3};
    expect_ids(pages(st, fw, 1), want_wait, 5, "work list by 1");
    expect_ids(pages(st, fw, 2), want_wait, 5, "work list by 2");
    expect_ids(pages(st, fw, 50), want_wait, 5, "work list, one page");
    /* with the township */
    fw.town = "640522100";
    int64_t want_wt[] = {c10, c4, c1, c3};
    expect_ids(pages(st, fw, 1), want_wt, 4, "work list of 640522100 by 1");
    /* with a programme filter and an organisation (an owner's own) */
    fw.town = NULL;
    fw.org_id = o1;
    fw.program = "P17";
    int64_t want_o1[] = {c10, c1, c3};
    expect_ids(pages(st, fw, 2), want_o1, 3, "o1's P17 work list by 2");
    /* no key: nothing */
    jy_case_filter fn = {.waiting = "[]", .waiting_states = "[]", .by_deadline = 1};
    expect_ids(pages(st, fn, 5), NULL, 0, "no keys");
    jy_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("worklist");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(township_and_work_list_in_the_query),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
