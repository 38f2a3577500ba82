/* bench/scale: the same workload on SQLite and PostgreSQL in one run, for docs/scale.md (issue 3).
 *
 *   bench_scale [--persons N] [--claims C] [--roster M] [--placements P] [--pg URL] [--dir DIR]
 *               [--no-prefetch] [--per-person] [--per-case] [--pg-only]
 *
 * Steps, each timed per backend, with the ratio PostgreSQL / SQLite:
 *   import          N persons (default 1,000,000) through jy_store_person_put in transactions of
 *                   10,000 (one audit entry each), each batch announced first with
 *                   jy_store_person_prefetch as an importer does (--no-prefetch: bare puts).
 *   claims          C cases (default 5,000,000) through jy_store_case_bulk_insert, 10,000 per call
 *                   (the case rows and their first history rows; one audit entry per county per
 *                   call; PostgreSQL: COPY); --per-case: through jy_store_case_insert one by one
 *                   (a row, a history row and an audit entry each) in transactions of 10,000: 60 % P1 trainee claims and 10 % P2 skill-evaluation
 *                   claims (occupation, level, training body, 2019–2024), 30 % other cases (P3/P9/
 *                   P21 employer rewards, P19 broker awards, P7 org awards); 8 % rejected. Persons
 *                   get 5 cases each on average. The path is printed in the output.
 *   conflict check  a roster of M persons (default 100,000; half registered, half not) for a P1
 *                   class of 2024 checked against everything on record with jy_conflicts_check,
 *                   the function `jiuye case check-roster` uses (one query per table); with
 *                   --per-person the old measure instead (one jy_store_person_get_by_idcard per row).
 *   payroll setup   (timed, not a figure of the issue) P placements of P13 (default 100,000, all in
 *                   county 640522, at most N/10) written through the store: the placement case
 *                   (jy_store_case_insert, state active), jy_store_placement_add and March 2024's
 *                   attendance (jy_store_attendance_put), plus the programme's 2024 budget.
 *   payroll         the payroll service's whole monthly run, jy_payroll_run_month(640522, P13,
 *                   2024-03): sources read, conflicts re-checked for the month, every line decided
 *                   by the policy engine in batch mode, lines written, payables approved in the ledger.
 *   dashboard       the start page's reads (jy_store_counts_get, persons per township, per status,
 *                   organisations per kind set) and `report targets` RECOUNTED (jy_report_targets_from
 *                   with recount 1: a grouped read of every case, every year, every programme) for
 *                   each of the 10 counties: the measure of issue 3 and of issue 12's "about 6 s".
 * Then, per county and timed one by one (mean and slowest of the 10 counties, in ms), the reads of
 * the two pages everyone opens first (issue 12 item 3, docs/scale.md), beside the recount:
 *   targets recount   `report targets` recounting every case (as above)
 *   targets counters  `report targets` from the counters kept as cases move (migration 14), what
 *                     GET /reports/targets answers; the ratio recount / counters is printed
 *   budget            `report budget` (GET /reports/budget), from the ledger's balances
 *   dashboard lists   GET /cases?overdue=1, ?state=publicity, ?objection=open at the page's limit
 *                     of 500 (jy_store_case_list for the county)
 *   dashboard page    targets counters + budget + dashboard lists
 *   work list page    my work (待办): GET /cases/waiting's first page of 20 for a county reviewer —
 *                     the cases waiting for the role's steps, sorted by deadline in SQL (pages3)
 *   work list, old tabs  what the page read before: three tabs of GET /cases, 200 each: overdue,
 *                     filed (waiting for review), publicity running (sorted in the browser)
 * 2 % of the claims wait for review (state filed, a deadline 20 days after filing: overdue on the
 * bench's day) and 1 % are in publicity, so the lists have rows to find among the county's cases.
 * --pg-only skips the SQLite run (the full size on PostgreSQL in half the time).
 * --pg (or JY_BENCH_PG_URL) names a PostgreSQL server's maintenance database; the bench creates
 * a database of its own there and drops it. Without it, SQLite only. A benchmark, never a test;
 * it checks its answers (counts, findings, payroll lines) and exits 1 when they are wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "domain/idcard.h"
#include "service/case.h"
#include "service/case_views.h"
#include "service/users.h"
#include "service/conflict.h"
#include "service/ledger.h"
#include "service/payroll.h"
#include "service/report.h"
#include "store/placement_store.h"
#include "store/store.h"

enum { STEPS = 6, BATCH = 10000, NORGS = 400, NCOUNTY = 10 };
enum { S_IMPORT, S_CLAIMS, S_CHECK, S_SETUP, S_PAYROLL, S_DASH };
static int prefetch = 1;   /* --no-prefetch: puts without jy_store_person_prefetch */
static int per_person = 0; /* --per-person: the conflict check as one lookup per roster row */
static int bulk_claims = 1; /* --per-case: claims through jy_store_case_insert, one by one */
static int pg_only = 0;     /* --pg-only: no SQLite run */
static const char *const step_name[STEPS] = {"import persons", "load claims",  "conflict check",
                                             "payroll setup",  "payroll",      "dashboard"};
static const char *const county[NCOUNTY] = {"640522", "640521", "640502", "640402", "640423",
                                            "640424", "640425", "640302", "640323", "640181"};
static const char *const occupation[] = {"中式烹调师", "育婴员", "电工", "焊工", "农业经理人", "保育师",
                                         "家政服务员", "汽车驾驶员", "枸杞种植工", "养老护理员",
                                         "美容师", "砌筑工", "挖掘机驾驶员", "电子商务师", "面点师",
                                         "保安员", "钢筋工", "中式面点师", "茶艺师", "健康管理师"};
enum { NOCC = sizeof occupation / sizeof *occupation };

enum { R_RECOUNT, R_COUNTERS, R_BUDGET, R_DASH_LISTS, R_DASH_PAGE, R_WORKLIST, R_WORKLIST_TABS, READS };
static const char *const read_name[READS] = {"targets recount", "targets counters", "budget", "dashboard lists",
                                             "dashboard page", "work list page", "work list, old tabs"};

typedef struct result {
    double secs[STEPS];
    double read_sum[READS], read_max[READS]; /* per county: seconds, summed and slowest */
    long listed;                             /* rows the lists found, all counties */
    long found, findings, nhard, lines, approved;
    int64_t cases_counted;
} result;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* The i-th synthetic person (id i + 1 once imported): 10 counties of 宁夏, births over 40 years. */
static void person(jy_person *p, long i)
{
    memset(p, 0, sizeof *p);
    char first[18];
    snprintf(first, sizeof first, "%s%04ld%02ld%02ld%03ld", county[i % 10], 1960 + (i / 10) % 40,
             1 + (i / 400) % 12, 1 + (i / 4800) % 28, (i / 134400) % 1000);
    memcpy(p->idcard, first, 17);
    p->idcard[17] = jy_idcard_check_char(first);
    snprintf(p->name, sizeof p->name, "测试%ld", i);
    snprintf(p->hukou_division, sizeof p->hukou_division, "%s1%02ld", county[i % 10], (i / 10) % 12);
    p->hukou_kind = i % 3 ? JY_HUKOU_RURAL : JY_HUKOU_URBAN;
    snprintf(p->phone, sizeof p->phone, "139%08ld", i);
}

/* Organisation k (id k + 1): even ones training bodies, odd ones employers (the P13 hosts). */
static void org(jy_org *o, int k)
{
    memset(o, 0, sizeof *o);
    snprintf(o->uscc, sizeof o->uscc, "9164%04dMA%08d", 500 + k % 100, k);
    snprintf(o->name, sizeof o->name, "%s%d", k % 2 ? "测试企业" : "测试培训学校", k);
    o->kinds = k % 2 ? JY_ORG_EMPLOYER : JY_ORG_TRAINING_BODY;
    snprintf(o->division, sizeof o->division, "%s", county[k % NCOUNTY]);
}

static int sum_cb(void *ctx, const char *key, int64_t n)
{
    (void)key;
    *(int64_t *)ctx += n;
    return 0;
}

/* The j-th claim on record. */
static void claim(jy_case *c, jy_case_event *ev, long j, long npersons)
{
    memset(c, 0, sizeof *c);
    memset(ev, 0, sizeof *ev);
    long pi = (long)rnd((unsigned)npersons);
    unsigned kind = rnd(100);
    c->person_id = pi + 1;
    snprintf(c->county, sizeof c->county, "%s", county[pi % NCOUNTY]);
    c->year = 2019 + (int)rnd(6);
    c->filed_on = jy_date_from_ymd(c->year, 1 + (int)rnd(12), 1 + (int)rnd(28));
    int rejected = rnd(100) < 8;
    snprintf(c->decision, sizeof c->decision, "%s", rejected ? "ineligible" : "eligible");
    if (kind < 70) { /* training claims */
        int p1 = kind < 60;
        snprintf(c->program, sizeof c->program, "%s", p1 ? "P1" : "P2");
        snprintf(c->kind, sizeof c->kind, "%s", p1 ? "trainee_claim" : "individual_claim");
        c->org_id = 1 + 2 * (int64_t)rnd(NORGS / 2); /* a training body */
        snprintf(c->occupation, sizeof c->occupation, "%s", occupation[rnd(NOCC)]);
        c->level = 3 + (int)rnd(3);
        c->start_on = c->filed_on - 30;
        c->end_on = c->filed_on - 5;
        c->has_amount = 1;
        c->amount = 100000 + 50000 * (5 - c->level);
    } else { /* other cases: employer rewards per person, broker and org awards */
        static const char *const prog[] = {"P3", "P9", "P21", "P19", "P7"};
        static const char *const kd[] = {"employer_reward", "employer_reward", "employer_reward", "broker_award",
                                         "org_award"};
        int k = (int)rnd(5);
        snprintf(c->program, sizeof c->program, "%s", prog[k]);
        snprintf(c->kind, sizeof c->kind, "%s", kd[k]);
        c->org_id = 2 + 2 * (int64_t)rnd(NORGS / 2); /* an employer */
        if (k >= 3) c->person_id = 0;
        c->has_amount = 1;
        c->amount = 50000 + 1000 * (int64_t)rnd(100);
    }
    snprintf(c->state, sizeof c->state, "%s", rejected ? "rejected" : "paid");
    if (!rejected && j % 100 < 2) { /* waiting for review, its deadline past on the bench's day */
        snprintf(c->state, sizeof c->state, "filed");
        c->due_on = c->filed_on + 20;
        c->has_amount = 0;
    } else if (!rejected && j % 100 == 2) { /* in publicity */
        snprintf(c->state, sizeof c->state, "publicity");
        c->publicity_end = c->filed_on + 7;
    }
    snprintf(ev->step, sizeof ev->step, "file");
    ev->on = c->filed_on;
    ev->reason = "bench_scale";
}

static int count_cb(void *ctx, const jy_case *c)
{
    (void)c;
    ++*(long *)ctx;
    return 0;
}

/* The report from the counters has the recount's figures (rep: the recount's report). */
static int report_same(jy_store *st, jy_cases *cs, const char *cty, const jy_report *rep, jy_err *err)
{
    jy_report *kept = NULL;
    jy_sb a = JY_SB_INIT, b = JY_SB_INIT;
    int rc = jy_report_targets(st, cs->pol, cty, 0, NULL, &kept, err);
    if (rc == 0) {
        jy_report_json(rep, &a);
        jy_report_json(kept, &b);
    }
    if (rc == 0 && strcmp(jy_sb_cstr(&a), jy_sb_cstr(&b)) != 0)
        rc = jy_err_set(err, JY_EINVAL, "county %s: report targets from the counters differs from the recount", cty);
    jy_report_free(kept);
    jy_sb_free(&a);
    jy_sb_free(&b);
    return rc;
}

/* Runs the steps on the database at url; fills r. */
static int run(const char *url, long n, long nclaims, long m, long np, result *r)
{
    jy_err err = {0};
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb out = JY_SB_INIT;
    jy_person *roster = NULL;
    jy_conflict_subject *subj = NULL;
    const char **rcards = NULL;
    jy_conflict_report rep = {0};
    memset(r, 0, sizeof *r);
    rng = 88172645463325252ull; /* the same data on both backends */
    if (jy_store_open(url, &st, &err)) {
        fprintf(stderr, "open %s: %s\n", url, err.msg);
        return 1;
    }
    const char *be = jy_store_backend(st);
    int rc = jy_store_bulk(st, 1, &err);

    /* ---- persons and organisations */
    double t = now();
    static jy_person batch[BATCH];
    static const char *cards[BATCH];
    for (long i = 0; i < n && rc == 0; i += BATCH) {
        if ((rc = jy_store_begin(st, &err))) break;
        long nb = i + BATCH <= n ? BATCH : n - i;
        for (long k = 0; k < nb; k++) {
            person(&batch[k], i + k);
            cards[k] = batch[k].idcard;
        }
        /* what an importer does with a batch: one read of the batch's stored rows, then the puts */
        if (prefetch) rc = jy_store_person_prefetch(st, cards, (size_t)nb, &err);
        for (long k = 0; k < nb && rc == 0; k++) {
            rc = jy_store_person_put(st, &batch[k], "bench", NULL, &err);
            if (rc == 0 && batch[k].id != i + k + 1)
                rc = jy_err_set(&err, JY_EINVAL, "person %ld got id %lld", i + k, (long long)batch[k].id);
        }
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
        if (i % 100000 == 0) fprintf(stderr, "\r  %s persons: %ld   ", be, i);
    }
    if (rc == 0 && (rc = jy_store_begin(st, &err)) == 0) {
        for (int k = 0; k < NORGS && rc == 0; k++) {
            jy_org o;
            org(&o, k);
            rc = jy_store_org_put(st, &o, "bench", NULL, &err);
            if (rc == 0 && o.id != k + 1) rc = jy_err_set(&err, JY_EINVAL, "org %d got id %lld", k, (long long)o.id);
        }
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
    }
    r->secs[S_IMPORT] = now() - t;

    /* ---- claims */
    t = now();
    static jy_case cbuf[BATCH];
    static jy_case_event ebuf[BATCH];
    for (long i = 0; i < nclaims && rc == 0; i += BATCH) {
        long nb = i + BATCH <= nclaims ? BATCH : nclaims - i;
        for (long k = 0; k < nb; k++) claim(&cbuf[k], &ebuf[k], i + k, n);
        if (bulk_claims) {
            rc = jy_store_case_bulk_insert(st, cbuf, ebuf, (size_t)nb, "bench", &err);
        } else {
            if ((rc = jy_store_begin(st, &err))) break;
            for (long k = 0; k < nb && rc == 0; k++) rc = jy_store_case_insert(st, &cbuf[k], &ebuf[k], "bench", &err);
            if (rc == 0) rc = jy_store_commit(st, &err);
            else jy_store_rollback(st, NULL);
        }
        if (i % 100000 == 0) fprintf(stderr, "\r  %s claims: %ld   ", be, i);
    }
    r->secs[S_CLAIMS] = now() - t;
    if (rc == 0) rc = jy_store_bulk(st, 0, &err);
    else jy_store_bulk(st, 0, NULL);
    fprintf(stderr, "\r%40s\r", "");

    /* ---- the conflict check of a roster: a P1 class of 2024 */
    roster = calloc((size_t)m, sizeof *roster);
    subj = calloc((size_t)m, sizeof *subj);
    rcards = calloc((size_t)m, sizeof *rcards);
    if (!roster || !subj || !rcards) rc = rc ? rc : jy_err_set(&err, JY_ENOMEM, "out of memory");
    for (long j = 0; j < m && rc == 0; j++) {
        person(&roster[j], j % 2 ? j * 7 % n : n + j); /* odd rows registered, even rows not */
        rcards[j] = roster[j].idcard;
        memcpy(subj[j].idcard, roster[j].idcard, sizeof subj[j].idcard);
        snprintf(subj[j].occupation, sizeof subj[j].occupation, "%s", occupation[j % NOCC]);
        subj[j].level = 3 + (int)(j % 3);
        subj[j].org_id = 1;
        subj[j].start_on = jy_date_from_ymd(2024, 6, 1);
        subj[j].end_on = jy_date_from_ymd(2024, 6, 30);
        subj[j].row = j + 1;
    }
    t = now();
    if (rc == 0 && per_person) { /* the old measure: one lookup per roster row */
        for (long j = 0; j < m && rc == 0; j++) {
            jy_person got;
            int x = jy_store_person_get_by_idcard(st, rcards[j], &got, &err);
            if (x == 0) r->found++;
            else if (x != JY_ENOTFOUND) rc = x;
        }
    } else if (rc == 0) {
        jy_conflict_query q = {.program = "P1", .kind = "trainee_claim", .year = 2024,
                               .on = jy_date_from_ymd(2024, 6, 1), .rows = subj, .n = (size_t)m, .roster = 1};
        jy_policy *pol = NULL;
        rc = jy_policy_load(JY_POLICY_DIR, &pol, &err);
        q.pol = pol;
        if (rc == 0) rc = jy_conflicts_check(st, &q, &rep, &err);
        jy_policy_free(pol);
        r->found = rep.registered;
        r->findings = (long)rep.n;
        r->nhard = rep.nhard;
    }
    r->secs[S_CHECK] = now() - t;

    /* ---- payroll: P13 placements in 640522 (persons 0, 10, 20, … live there) */
    t = now();
    if (rc == 0) rc = jy_cases_open(st, JY_POLICY_DIR, &cs, &err);
    if (rc == 0) rc = jy_store_bulk(st, 1, &err);
    if (rc == 0)
        rc = jy_ledger_budget_set(st, "640522", "P13", 2024, JY_FUND_CENTRAL, (jy_fen)np * 200000 + 100, "bench",
                                  NULL, &err);
    for (long i = 0; i < np && rc == 0; i += BATCH) {
        if ((rc = jy_store_begin(st, &err))) break;
        long nb = i + BATCH <= np ? BATCH : np - i;
        for (long k = 0; k < nb && rc == 0; k++) {
            long pi = 10 * (i + k); /* person index in 640522 */
            jy_case c;
            jy_case_event ev;
            memset(&c, 0, sizeof c);
            memset(&ev, 0, sizeof ev);
            snprintf(c.county, sizeof c.county, "640522");
            snprintf(c.program, sizeof c.program, "P13");
            snprintf(c.kind, sizeof c.kind, "placement");
            c.person_id = pi + 1;
            c.org_id = 2 + 2 * (int64_t)((i + k) % (NORGS / 2));
            c.year = 2024;
            c.filed_on = jy_date_from_ymd(2024, 1, 1);
            c.start_on = c.filed_on;
            c.end_on = jy_date_from_ymd(2024, 12, 31);
            snprintf(c.state, sizeof c.state, "active");
            snprintf(c.decision, sizeof c.decision, "eligible");
            snprintf(ev.step, sizeof ev.step, "file");
            ev.on = c.filed_on;
            ev.reason = "bench_scale";
            rc = jy_store_case_insert(st, &c, &ev, "bench", &err);
            jy_placement p;
            memset(&p, 0, sizeof p);
            snprintf(p.county, sizeof p.county, "640522");
            p.case_id = c.id;
            snprintf(p.program, sizeof p.program, "P13");
            p.person_id = c.person_id;
            p.host_org_id = c.org_id;
            p.start_on = c.start_on;
            p.planned_end = c.end_on;
            snprintf(p.status, sizeof p.status, "active");
            if (rc == 0) rc = jy_store_placement_add(st, &p, "bench", &err);
            jy_attendance a;
            memset(&a, 0, sizeof a);
            a.placement_id = p.id;
            snprintf(a.month, sizeof a.month, "2024-03");
            snprintf(a.county, sizeof a.county, "640522");
            unsigned v = rnd(100);
            a.personal_leave = v < 10 ? 2 : 0;
            a.sick_leave = v >= 95 ? 3 : 0;
            a.sick_certificate = v >= 97;
            a.duty_days = 21 - a.personal_leave - a.sick_leave;
            if (rc == 0) rc = jy_store_attendance_put(st, &a, "bench", NULL, &err);
        }
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
    }
    if (rc == 0) rc = jy_store_bulk(st, 0, &err);
    r->secs[S_SETUP] = now() - t;
    t = now();
    if (rc == 0) rc = jy_payroll_run_month(cs, "640522", "P13", "2024-03", "bench", &out, &err);
    if (rc == 0) {
        const char *s = jy_sb_cstr(&out), *k;
        if ((k = strstr(s, "\"lines\":"))) r->lines = atol(k + 8);
        if ((k = strstr(s, "\"approved\":"))) r->approved = atol(k + 11);
    }
    /* the commit (issue 10: a second person commits what the run approved) is part of the money work */
    jy_sb_reset(&out);
    if (rc == 0) rc = jy_payroll_commit(cs, "640522", "P13", "2024-03", NULL, "bench-checker", &out, NULL, &err);
    r->secs[S_PAYROLL] = now() - t;

    /* ---- the dashboard: the start page's counts and `report targets` per county */
    t = now();
    jy_store_counts c;
    int64_t towns = 0, statuses = 0, kinds = 0;
    jy_date today = jy_date_from_ymd(2024, 6, 1);
    if (rc == 0) rc = jy_store_counts_get(st, &c, &err);
    if (rc == 0) rc = jy_store_group_counts(st, JY_GROUP_PERSON_TOWNSHIP, today, sum_cb, &towns, &err);
    if (rc == 0) rc = jy_store_group_counts(st, JY_GROUP_PERSON_STATUS, today, sum_cb, &statuses, &err);
    if (rc == 0) rc = jy_store_group_counts(st, JY_GROUP_ORG_KINDS, today, sum_cb, &kinds, &err);
    double per[READS];
    for (int k = 0; k < NCOUNTY && rc == 0; k++) {
        jy_report *rep_t = NULL;
        double t0 = now();
        rc = jy_report_targets_from(st, cs->pol, NULL, county[k], 0, NULL, 1, &rep_t, &err);
        per[R_RECOUNT] = now() - t0;
        if (rc == 0) rc = report_same(st, cs, county[k], rep_t, &err);
        jy_report_free(rep_t);
        r->read_sum[R_RECOUNT] += per[R_RECOUNT];
        if (per[R_RECOUNT] > r->read_max[R_RECOUNT]) r->read_max[R_RECOUNT] = per[R_RECOUNT];
    }
    r->secs[S_DASH] = now() - t;

    /* ---- the first pages' reads per county, from the counters and the indexes */
    for (int k = 0; k < NCOUNTY && rc == 0; k++) {
        jy_report *rep_t = NULL;
        double t0 = now();
        rc = jy_report_targets(st, cs->pol, county[k], 0, NULL, &rep_t, &err);
        jy_report_free(rep_t);
        rep_t = NULL;
        double t1 = now();
        if (rc == 0) rc = jy_report_budget(st, cs->pol, county[k], 0, NULL, &rep_t, &err);
        jy_report_free(rep_t);
        double t2 = now();
        /* the dashboard's alerts: overdue, publicity, open objections, 500 each (+1: is there more) */
        jy_case_filter fo = {.due_before = today, .county = county[k], .limit = 501};
        jy_case_filter fp = {.state = "publicity", .county = county[k], .limit = 501};
        jy_case_filter fx = {.objection_open = 1, .county = county[k], .limit = 501};
        if (rc == 0) rc = jy_store_case_list(st, &fo, count_cb, &r->listed, &err);
        if (rc == 0) rc = jy_store_case_list(st, &fp, count_cb, &r->listed, &err);
        if (rc == 0) rc = jy_store_case_list(st, &fx, count_cb, &r->listed, &err);
        double t3 = now();
        /* my work: the county reviewer's waiting cases by deadline, the page's first 20 (+1) */
        jy_sb wkeys = JY_SB_INIT, wstates = JY_SB_INIT;
        jy_case_waiting_keys(cs, JY_ROLE_COUNTY_REVIEWER, &wkeys, &wstates);
        jy_case_filter fw = {.county = county[k], .waiting = jy_sb_cstr(&wkeys), .waiting_states = jy_sb_cstr(&wstates),
                             .by_deadline = 1, .limit = 21};
        if (rc == 0) rc = jy_store_case_list(st, &fw, count_cb, &r->listed, &err);
        jy_sb_free(&wkeys);
        jy_sb_free(&wstates);
        double t5 = now();
        /* the old page's three tabs, 200 each */
        fo.limit = fp.limit = 201;
        jy_case_filter ff = {.state = "filed", .county = county[k], .limit = 201};
        if (rc == 0) rc = jy_store_case_list(st, &fo, count_cb, &r->listed, &err);
        if (rc == 0) rc = jy_store_case_list(st, &ff, count_cb, &r->listed, &err);
        if (rc == 0) rc = jy_store_case_list(st, &fp, count_cb, &r->listed, &err);
        double t4 = now();
        per[R_COUNTERS] = t1 - t0;
        per[R_BUDGET] = t2 - t1;
        per[R_DASH_LISTS] = t3 - t2;
        per[R_DASH_PAGE] = t3 - t0;
        per[R_WORKLIST] = t5 - t3;
        per[R_WORKLIST_TABS] = t4 - t5;
        for (int q = R_COUNTERS; q < READS; q++) {
            r->read_sum[q] += per[q];
            if (per[q] > r->read_max[q]) r->read_max[q] = per[q];
        }
    }

    if (rc) fprintf(stderr, "%s: %s\n", be, err.msg);
    else if (c.persons != n || towns != n || kinds != NORGS || r->found != m / 2 || r->lines != np)
        fprintf(stderr, "%s: wrong answers: %lld persons, %lld by township, %lld orgs, %ld found, %ld lines\n", be,
                (long long)c.persons, (long long)towns, (long long)kinds, r->found, r->lines),
            rc = 1;
    jy_sb_free(&out);
    jy_conflict_report_free(&rep);
    free(roster);
    free(subj);
    free(rcards);
    jy_cases_close(cs);
    jy_store_close(st);
    return rc;
}

static int pg_admin(const char *admin, const char *sql)
{
    PGconn *c = PQconnectdb(admin);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql); /* CREATE/DROP DATABASE: identifiers cannot be bound */
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok) fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQfinish(c);
    return ok ? 0 : 1;
}

#define USAGE                                                                                                      \
    "usage: bench_scale [--persons N] [--claims C] [--roster M] [--placements P] [--pg URL] [--dir DIR] "       \
    "[--no-prefetch] [--per-person] [--per-case] [--pg-only]\n"

int main(int argc, char **argv)
{
    long n = 1000000, nclaims = 5000000, m = 100000, np = 100000;
    const char *pg = getenv("JY_BENCH_PG_URL"), *dir = "/tmp";
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--no-prefetch") == 0) prefetch = 0, i--;
        else if (strcmp(argv[i], "--per-person") == 0) per_person = 1, i--;
        else if (strcmp(argv[i], "--per-case") == 0) bulk_claims = 0, i--;
        else if (strcmp(argv[i], "--pg-only") == 0) pg_only = 1, i--;
        else if (i + 1 >= argc) n = 0; /* an option without its value: usage */
        else if (strcmp(argv[i], "--persons") == 0) n = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--claims") == 0) nclaims = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--roster") == 0) m = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--placements") == 0) np = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--pg") == 0) pg = argv[i + 1];
        else if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else n = 0;
    }
    if (n < 10 || m < 2 || nclaims < 0 || np < 1) {
        fprintf(stderr, USAGE);
        return 2;
    }
    if (np > n / 10) np = n / 10; /* placements need persons of county 640522 (every 10th) */
    result sq, ps;
    memset(&ps, 0, sizeof ps);
    char path[512], url[640], name[64];
    snprintf(path, sizeof path, "%s/bench_scale_%d.db", dir, (int)getpid());
    printf("bench_scale: %ld persons, %ld claims, roster of %ld, payroll of %ld placements%s%s\n", n, nclaims, m, np,
           prefetch ? "" : ", puts without prefetch", per_person ? ", conflict check one lookup per person" : "");
    if (bulk_claims)
        printf("claims path: jy_store_case_bulk_insert, %d cases per call (case rows + history rows; one audit "
               "entry per county per call; PostgreSQL: COPY)\n",
               BATCH);
    else
        printf("claims path: jy_store_case_insert per case (case row + history row + audit entry), "
               "transactions of %d\n",
               BATCH);
    printf("payroll: jy_payroll_run_month (the service's whole run: read, conflicts, decide, write, ledger)\n");
    fflush(stdout);
    memset(&sq, 0, sizeof sq);
    if (pg_only && !(pg && *pg)) {
        fprintf(stderr, "--pg-only needs --pg URL\n");
        return 2;
    }
    int rc = pg_only ? 0 : run(path, n, nclaims, m, np, &sq);
    char wal[530];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    int have_pg = pg && *pg;
    if (rc == 0 && have_pg) {
        snprintf(name, sizeof name, "jy_bench_%d", (int)getpid());
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
        const char *slash = strrchr(pg, '/');
        snprintf(url, sizeof url, "%.*s/%s", slash ? (int)(slash - pg) : (int)strlen(pg), pg, name);
        if ((rc = pg_admin(pg, sql)) == 0) {
            rc = run(url, n, nclaims, m, np, &ps);
            snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", name);
            pg_admin(pg, sql);
        }
    }
    printf("%-16s %12s %12s %8s\n", "step", "sqlite s", "postgresql s", "pg/sq");
    for (int s = 0; s < STEPS; s++) {
        if (pg_only) printf("%-16s %12s %12.3f %8s\n", step_name[s], "-", ps.secs[s], "-");
        else if (have_pg)
            printf("%-16s %12.3f %12.3f %8.2f\n", step_name[s], sq.secs[s], ps.secs[s],
                   sq.secs[s] > 0 ? ps.secs[s] / sq.secs[s] : 0);
        else printf("%-16s %12.3f %12s %8s\n", step_name[s], sq.secs[s], "-", "-");
    }
    printf("\nper county, ms (mean / slowest of %d)  %21s %23s\n", NCOUNTY, "sqlite", have_pg ? "postgresql" : "");
    for (int q = 0; q < READS; q++) {
        if (pg_only) printf("%-36s %21s", read_name[q], "-");
        else printf("%-36s %10.1f / %8.1f", read_name[q], 1000 * sq.read_sum[q] / NCOUNTY, 1000 * sq.read_max[q]);
        if (have_pg) printf("   %10.1f / %8.1f", 1000 * ps.read_sum[q] / NCOUNTY, 1000 * ps.read_max[q]);
        printf("\n");
    }
    if (pg_only) printf("%-36s %21s", "ratio recount / counters (mean)", "-");
    else
        printf("%-36s %10.0f x %10s", "ratio recount / counters (mean)",
               sq.read_sum[R_COUNTERS] > 0 ? sq.read_sum[R_RECOUNT] / sq.read_sum[R_COUNTERS] : 0, "");
    if (have_pg)
        printf("   %10.0f x", ps.read_sum[R_COUNTERS] > 0 ? ps.read_sum[R_RECOUNT] / ps.read_sum[R_COUNTERS] : 0);
    if (pg_only) printf("\nlist rows found: %ld (postgresql)", ps.listed);
    else printf("\nlist rows found: %ld (sqlite)", sq.listed);
    if (have_pg && !pg_only) printf(", %ld (postgresql)", ps.listed);
    printf("\n");
    if (pg_only) {
        printf("rates: persons %.0f/s, claims %.0f/s (postgresql)\n", (double)n / ps.secs[S_IMPORT],
               (double)nclaims / ps.secs[S_CLAIMS]);
        printf("answers (postgresql): roster registered %ld, findings %ld (hard %ld); payroll lines %ld, approved %ld\n",
               ps.found, ps.findings, ps.nhard, ps.lines, ps.approved);
        return rc;
    }
    printf("rates: persons %.0f/s, claims %.0f/s (sqlite)", (double)n / sq.secs[S_IMPORT],
           (double)nclaims / sq.secs[S_CLAIMS]);
    if (have_pg)
        printf("; persons %.0f/s, claims %.0f/s (postgresql)", (double)n / ps.secs[S_IMPORT],
               (double)nclaims / ps.secs[S_CLAIMS]);
    printf("\nanswers (sqlite%s): roster registered %ld, findings %ld (hard %ld); payroll lines %ld, approved %ld\n",
           have_pg ? " | postgresql" : "", sq.found, sq.findings, sq.nhard, sq.lines, sq.approved);
    if (have_pg)
        printf("                         %ld, %ld (%ld); %ld, %ld\n", ps.found, ps.findings, ps.nhard, ps.lines,
               ps.approved);
    if (have_pg && rc == 0 && !pg_only &&
        (sq.found != ps.found || sq.findings != ps.findings || sq.lines != ps.lines || sq.approved != ps.approved ||
         sq.listed != ps.listed)) {
        fprintf(stderr, "the backends disagree\n");
        rc = 1;
    }
    return rc;
}
