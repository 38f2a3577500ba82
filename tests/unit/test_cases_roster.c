/* Cases (issue 5): the workflow file's parser and the shipped workflows, publicity across
 * National Day 2024, and a 10,000-person roster checked against 20,000 cases and 1,000 statuses
 * on record — every finding accounted for, the time printed (not asserted).
 * Runs on SQLite, or on PostgreSQL with JY_TEST_BACKEND=postgresql and JY_TEST_PG_URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "domain/calendar.h"
#include "domain/idcard.h"
#include "service/case.h"
#include "service/conflict.h"
#include "service/workflow.h"
#include "store/store.h"
#include "test_db.h"

static const char *policy_dir(void)
{
    const char *d = getenv("JY_POLICY_DIR");
    return d && *d ? d : JY_POLICY_DIR;
}

static jy_store *open_fresh(void)
{
    char url[700];
    return test_db_open_fresh(url, sizeof url);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---------------------------------------------------------------- workflows */

static void expect_parse_error(const char *text, const char *needle)
{
    jy_workflows *w = NULL;
    jy_err err = {0};
    assert_int_equal(jy_workflows_parse(text, strlen(text), "t.txt", &w, &err), JY_EINVAL);
    assert_null(w);
    if (!strstr(err.msg, needle)) fail_msg("wanted \"%s\" in \"%s\"", needle, err.msg);
}

static void workflow_file_errors_name_the_line(void **state)
{
    (void)state;
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n  step x filed -> done roles boss \"c\"\nend\n",
                       "t.txt:4: unknown role \"boss\"");
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n  step x limbo -> done roles admin \"c\"\nend\n",
                       "t.txt:4: step x leaves state limbo, which no step reaches");
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n  step x filed -> done roles admin\nend\n",
                       "t.txt:4: step x cites no clause");
    expect_parse_error("workflow a \"t\"\n  programs P27\n", "t.txt:2: \"P27\": expected P1 … P26");
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n", "is not closed with end");
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n  step x filed -> y roles admin shiny \"c\"\nend\n",
                       "unknown flag \"shiny\"");
    expect_parse_error("workflow a \"t\"\n  programs P1\n  start filed\n  due nowhere 5 workdays \"c\"\nend\n",
                       "deadline for state nowhere");
}

static void shipped_workflows_serve_every_programme(void **state)
{
    (void)state;
    jy_workflows *w = NULL;
    jy_err err = {0};
    if (jy_workflows_load(policy_dir(), &w, &err)) fail_msg("%s", err.msg);
    char prog[4];
    for (int p = 1; p <= 26; p++) {
        snprintf(prog, sizeof prog, "P%d", p);
        for (int parent = 0; parent <= 1; parent++) {
            const char *kind = jy_case_default_kind(prog, parent);
            const jy_workflow *wf = jy_workflow_for(w, prog, kind);
            if (!wf) fail_msg("no workflow for %s %s", prog, kind);
            /* every step cites a clause; the start state has a way out */
            jy_sb next = JY_SB_INIT;
            jy_workflow_next_steps(wf, wf->start, &next);
            assert_true(next.len > 0);
            jy_sb_free(&next);
        }
    }
    /* kind-specific lines win: a P1 class is not a trainee claim */
    assert_string_equal(jy_workflow_for(w, "P1", "training_class")->name, "training_class");
    assert_string_equal(jy_workflow_for(w, "P1", "trainee_claim")->name, "training_claim");
    assert_string_equal(jy_workflow_for(w, "P13", "placement")->name, "placement");
    assert_string_equal(jy_workflow_for(w, "P13", "monthly_payment")->name, "monthly_payment");
    /* P15 publicity is 7 working days, P7 has two rounds */
    const jy_wf_step *s = jy_workflow_step(jy_workflow_for(w, "P15", "org_award"), "publish");
    assert_int_equal(s->publicity, 7);
    assert_non_null(jy_workflow_step(jy_workflow_for(w, "P7", "org_award"), "publish_again"));
    jy_workflows_free(w);
}

static void publicity_counts_working_days_across_national_day(void **state)
{
    (void)state;
    jy_workflows *w = NULL;
    jy_calendar *cal = NULL;
    jy_err err = {0};
    if (jy_workflows_load(policy_dir(), &w, &err) || jy_calendar_load(policy_dir(), &cal, &err)) fail_msg("%s", err.msg);
    const jy_wf_step *s = jy_workflow_step(jy_workflow_for(w, "P25", "org_award"), "publish");
    jy_date end;
    int prov = -1;
    /* Fri 27 Sep 2024 + Sun 29 (make-up) + Mon 30 + Tue 8 Oct + Wed 9 Oct */
    assert_int_equal(jy_wf_publicity_end(s, cal, jy_date_from_ymd(2024, 9, 27), &end, &prov, &err), 0);
    assert_int_equal(end, jy_date_from_ymd(2024, 10, 9));
    assert_int_equal(prov, 0);
    /* P4 counts calendar days: 公示5天 from 30 Sep ends on 4 Oct */
    s = jy_workflow_step(jy_workflow_for(w, "P4", "project"), "publish");
    assert_int_equal(jy_wf_publicity_end(s, cal, jy_date_from_ymd(2024, 9, 30), &end, &prov, &err), 0);
    assert_int_equal(end, jy_date_from_ymd(2024, 10, 4));
    assert_int_equal(prov, 0);
    /* the year after the calendar's last is not yet published: weekends only, and it says so */
    int first = 0, last = 0;
    jy_calendar_years(cal, &first, &last);
    s = jy_workflow_step(jy_workflow_for(w, "P25", "org_award"), "publish");
    jy_date from = jy_date_from_ymd(last + 1, 9, 27);
    assert_int_equal(jy_wf_publicity_end(s, cal, from, &end, &prov, &err), 0);
    int left = 5;
    jy_date want = from;
    for (;; want++)
        if (jy_date_weekday(want) < 6 && --left == 0) break;
    assert_int_equal(end, want);
    assert_int_equal(prov, 1);
    /* further ahead, or before the calendar's first year: missing data, refused, not guessed */
    assert_int_equal(jy_wf_publicity_end(s, cal, jy_date_from_ymd(last + 5, 9, 27), &end, &prov, &err), JY_ENODATA);
    assert_int_equal(jy_wf_publicity_end(s, cal, jy_date_from_ymd(first - 1, 9, 27), &end, &prov, &err), JY_ENODATA);
    jy_calendar_free(cal);
    jy_workflows_free(w);
}

/* ---------------------------------------------------------------- the 10,000 roster */

#define NPERSONS 10000

static void make_idcard(char out[19], int i)
{
    /* unique birth dates: year 1970+i%30, month 1+(i/30)%12, day 1+(i/360)%28 */
    char first[24];
    snprintf(first, sizeof first, "640522%04d%02d%02d%03d", 1970 + i % 30, 1 + (i / 30) % 12, 1 + (i / 360) % 28, 123);
    memcpy(out, first, 17);
    out[17] = jy_idcard_check_char(first);
    out[18] = '\0';
}

static void put_case(jy_store *st, int64_t person, int64_t org, const char *program, const char *kind, int year,
                     const char *occupation, int level, jy_date start, jy_date end)
{
    jy_case c;
    memset(&c, 0, sizeof c);
    memcpy(c.county, "640522", 7);
    snprintf(c.program, sizeof c.program, "%s", program);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    c.person_id = person;
    c.org_id = org;
    c.year = year;
    c.filed_on = jy_date_from_ymd(year, 5, 1);
    snprintf(c.occupation, sizeof c.occupation, "%s", occupation);
    c.level = level;
    c.start_on = start;
    c.end_on = end;
    memcpy(c.state, "recognised", 11);
    memcpy(c.decision, "eligible", 9);
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.step, "file", 5);
    ev.on = c.filed_on;
    ev.reason = "test";
    jy_err err = {0};
    if (jy_store_case_insert(st, &c, &ev, "tester", &err)) fail_msg("case: %s", err.msg);
}

static void roster_of_10000_against_everything_on_record(void **state)
{
    (void)state;
    jy_store *st = open_fresh();
    jy_err err = {0};
    double t0 = now_ms();
    assert_int_equal(jy_store_begin(st, &err), 0);
    jy_org a, b;
    memset(&a, 0, sizeof a);
    memcpy(a.uscc, "91640522MA76XYW1X3", 19);
    memcpy(a.name, "A", 2);
    memset(&b, 0, sizeof b);
    memcpy(b.uscc, "52640522MJX0000184", 19);
    memcpy(b.name, "B", 2);
    int res;
    if (jy_store_org_put(st, &a, "tester", &res, &err) || jy_store_org_put(st, &b, "tester", &res, &err)) fail_msg("%s", err.msg);
    static int64_t pid[NPERSONS];
    static jy_conflict_subject rows[NPERSONS + 1];
    for (int i = 0; i < NPERSONS; i++) {
        jy_person p;
        memset(&p, 0, sizeof p);
        make_idcard(p.idcard, i);
        snprintf(p.name, sizeof p.name, "人%d", i);
        memcpy(p.hukou_division, "640522105", 10);
        jy_idcard info;
        if (jy_idcard_check(p.idcard, NULL, &info, &err)) fail_msg("%s: %s", p.idcard, err.msg);
        p.birth = info.birth;
        p.sex = info.sex;
        if (jy_store_person_put(st, &p, "tester", &res, &err)) fail_msg("%s", err.msg);
        pid[i] = p.id;
        memset(&rows[i], 0, sizeof rows[i]);
        memcpy(rows[i].idcard, p.idcard, 19);
        memcpy(rows[i].occupation, "中式烹调师", sizeof "中式烹调师");
        rows[i].level = 5;
        rows[i].org_id = b.id;
        rows[i].row = i + 1;
        /* history, two cases a person (20,000), with known collisions */
        switch (i % 10) {
        case 0: put_case(st, p.id, a.id, "P1", "trainee_claim", 2024, "中式烹调师", 5, 0, 0); break; /* two bodies */
        case 1: put_case(st, p.id, a.id, "P1", "trainee_claim", 2023, "中式烹调师", 5, 0, 0); break; /* repeat */
        case 2: put_case(st, p.id, a.id, "P2", "trainee_claim", 2024, "育婴员", 5, 0, 0); break;     /* once a year (soft in P1) */
        default: put_case(st, p.id, a.id, "P1", "trainee_claim", 2022, "育婴员", 4, 0, 0); break;   /* no collision */
        }
        put_case(st, p.id, a.id, "P13", "placement", 2023, "", 0, jy_date_from_ymd(2023, 9, 1), jy_date_from_ymd(2024, 8, 31));
        if (i % 10 == 3) {
            jy_person_status s;
            memset(&s, 0, sizeof s);
            s.kind = JY_ST_ENROLLED_STUDENT;
            s.since = jy_date_from_ymd(2023, 9, 1);
            if (jy_store_person_status_add(st, p.id, &s, "tester", &err)) fail_msg("%s", err.msg);
        }
    }
    assert_int_equal(jy_store_commit(st, &err), 0);
    double t1 = now_ms();
    rows[NPERSONS] = rows[5]; /* one duplicate ID number in the roster */
    rows[NPERSONS].row = NPERSONS + 1;
    jy_policy *pol = NULL; /* policy/conflicts.tsv: hard or soft */
    if (jy_policy_load(policy_dir(), &pol, &err)) fail_msg("%s", err.msg);
    jy_conflict_query q = {.program = "P1", .kind = "trainee_claim", .year = 2024, .on = jy_date_from_ymd(2024, 10, 8),
                           .rows = rows, .n = NPERSONS + 1, .roster = 1, .pol = pol};
    jy_conflict_report rep = {0};
    double t2 = now_ms();
    if (jy_conflicts_check(st, &q, &rep, &err)) fail_msg("%s", err.msg);
    double t3 = now_ms();
    fprintf(stderr,
            "roster check on %s: %d rows against %d cases and %d statuses in %.1f ms "
            "(%d hard, %d soft; setting up the history took %.0f ms)\n",
            jy_store_backend(st), NPERSONS + 1, 2 * NPERSONS, NPERSONS / 10, t3 - t2, rep.nhard, rep.nsoft, t1 - t0);
    int two_bodies = 0, repeat = 0, once = 0, excluded = 0, dup = 0;
    for (size_t i = 0; i < rep.n; i++) {
        const jy_conflict *c = &rep.items[i];
        long r = c->row - 1;
        if (strcmp(c->kind, "two_bodies_same_training") == 0 && r % 10 == 0) two_bodies++;
        else if (strcmp(c->kind, "repeat_occupation_level") == 0 && r % 10 == 1) repeat++;
        else if (strcmp(c->kind, "one_training_per_year") == 0 && r % 10 == 2 && !c->hard) once++;
        else if (strcmp(c->kind, "excluded_status") == 0 && r % 10 == 3) excluded++;
        else if (strcmp(c->kind, "duplicate_in_roster") == 0 && c->row == NPERSONS + 1) dup++;
        else fail_msg("unexpected finding row %ld: %s %s", c->row, c->kind, c->reason);
    }
    assert_int_equal(two_bodies, NPERSONS / 10);
    assert_int_equal(repeat, NPERSONS / 10);
    assert_int_equal(once, NPERSONS / 10);
    assert_int_equal(excluded, NPERSONS / 10);
    assert_int_equal(dup, 1);
    assert_int_equal(rep.registered, NPERSONS + 1);
    /* the payment-time check of one case on record: person 0's P13 placement (its second case)
     * collides with nothing, and the case never collides with itself */
    jy_conflict_report one = {0};
    if (jy_conflicts_check_case(st, pol, 2, &one, &err)) fail_msg("%s", err.msg);
    assert_int_equal(one.n, 0);
    jy_conflict_report_free(&one);
    /* without the rules there is nothing to say hard or soft: refused, not guessed */
    jy_conflict_query q0 = q;
    q0.pol = NULL;
    jy_conflict_report none = {0};
    assert_int_equal(jy_conflicts_check(st, &q0, &none, &err), JY_EINVAL);
    jy_conflict_report_free(&none);
    jy_policy_free(pol);
    (void)pid;
    jy_conflict_report_free(&rep);
    jy_store_close(st);
}

/* ---------------------------------------------------------------- setup */

static int setup(void **state)
{
    (void)state;
    return test_db_setup("cases");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workflow_file_errors_name_the_line),
        cmocka_unit_test(shipped_workflows_serve_every_programme),
        cmocka_unit_test(publicity_counts_working_days_across_national_day),
        cmocka_unit_test(roster_of_10000_against_everything_on_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
