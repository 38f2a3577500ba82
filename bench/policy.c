/* Policy engine benchmark (issue 4, "Tests and figures"): N (default 1,000,000) cases mixed over
 * all 26 programmes, evaluated by the compiled rules
 *   1. one case at a time, without reasons (jy_policy_eval), the programmes interleaved at
 *      random (the worst case for the processor's branch prediction) and, for the same cases,
 *      in programme order (as a payroll run or a claims queue takes them);
 *   2. one case at a time, with every reason rendered as the JSON line of `policy eval`;
 *   3. as one batch per programme over columns of facts (jy_policy_eval_columns);
 * and the same eligibility and amounts computed by one SQL query over the same cases in SQLite,
 * in the same run. Each case starts from its programme's template (an applicant who passes the
 * intake checks) and varies one or two facts across every bound of the programme's amount rule
 * (certificates, class sizes, working days, scores, stars, …), so eligible, ineligible and
 * needs_review all occur. Also the block path of `policy eval` (blocks of 1,024 cases evaluated
 * by jy_policy_eval_many, grouped by programme) with and without JSON reasons. Prints decisions
 * per second of CPU time (one core; best of JY_BENCH_RUNS runs, default 5, and the spread), the
 * exact total paid in fen of every method, and the ratios. Then `policy eval` file to file
 * (issue 14 item 6): the same N cases written as a JSON Lines file, read, decided and written
 * with reasons to a file by jy_policy_eval_stream — the fast reader, and the reference reader
 * (jansson) alternating with it in the same run (JY_BENCH_FILE_RUNS runs each, default 3) — the
 * two output files compared byte for byte and their amounts summed. Never fails on time; exits 1
 * only when the totals disagree or the two outputs differ (a correctness bug). Usage:
 * bench_policy [N]. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/internal.h" /* the facts' types, to write the cases as JSON lines */
#include "policy/policy.h"

/* CPU time of this thread: the machine is shared (other processes take turns on the cores), so
 * wall time would count their turns too; decisions per second of CPU time is "per core". */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One programme of the mix: the template case, the varied facts (a, b) with their ranges, the
 * scale from the SQL column to the fact's encoding (money in yuan → fen), and the SQL amount in
 * fen (NULL when not paid) as a function of a and b. */
typedef struct prog_def {
    const char *id;
    const char *tmpl; /* facts JSON */
    const char *fa; int alo, ahi; int ascale;
    const char *fb; int blo, bhi; int bscale;
    const char *sql;
} prog_def;

#define TRAINEE "\"route\":\"institution\",\"statuses\":[],\"hours_total\":160,\"hours_practical\":120,\"occupation\":\"养老护理员\",\"level\":5,\"prior_trainings\":[]"

static const prog_def PROGS[] = {
    {"P1", "{" TRAINEE ",\"track\":\"general\"}", "certificate", 0, 6, 1, "class_size", 35, 59, 1,
     "CASE WHEN b > 50 THEN NULL WHEN a = 0 THEN 100000 WHEN a = 1 THEN 150000 WHEN a = 2 THEN 300000 "
     "WHEN a IN (3, 4) THEN 80000 END"},
    {"P2", "{" TRAINEE "}", "certificate", 0, 6, 1, "class_size", 35, 59, 1,
     "CASE WHEN b > 50 THEN NULL WHEN a = 0 THEN 100000 WHEN a = 1 THEN 150000 WHEN a = 2 THEN 300000 END"},
    {"P3", "{\"brand_years\":2,\"placement_agent\":\"broker\",\"poverty_person\":true,\"social_insurance\":true}",
     "contract_years", 0, 3, 1, NULL, 0, 0, 1, "CASE WHEN a >= 1 THEN 20000 END"},
    {"P4", "{\"major_accident\":false,\"serious_dishonesty\":false,\"training_licence\":true,\"approval_date\":\"2024-03-01\","
           "\"class_start\":\"2024-03-08\",\"training_end\":\"2024-05-01\",\"acceptance_applied\":\"2024-05-06\","
           "\"base\":\"100000.00\",\"budget\":\"120000.00\"}",
     "stars", 0, 5, 1, "approved", 100000, 115000, 100,
     "CASE WHEN a < 3 OR b > 112000 THEN NULL WHEN a = 5 THEN b * 100 WHEN a = 4 THEN b * 90 ELSE b * 80 END"},
    {"P5", "{\"teachers\":150,\"advanced_class\":false}", "class_days", 1, 7, 1, NULL, 0, 0, 1, "NULL"},
    {"P6", "{\"public_area\":600,\"windows\":5}", "operating_year", 0, 3, 1, NULL, 0, 0, 1,
     "CASE WHEN a = 0 THEN 60000000 WHEN a <= 2 THEN 10000000 END"},
    {"P7", "{\"publicity_start\":\"2024-03-04\",\"publicity_end\":\"2024-03-08\"}", "operating_year", 0, 3, 1, NULL, 0, 0, 1,
     "CASE WHEN a = 0 THEN 15000000 ELSE 8000000 END"},
    {"P8", "{\"months_worked\":6,\"monthly_income\":\"4500.00\",\"job_reports\":30,\"workers_total\":2500,\"workers_origin\":\"haiyuan\"}",
     "workers_per_year", 300, 799, 1, NULL, 0, 0, 1, "CASE WHEN a >= 500 THEN 10000000 END"},
    {"P9", "{\"hire_group\":\"rural\",\"claimed_other_award\":false}", "stable_months", 0, 12, 1, NULL, 0, 0, 1,
     "CASE WHEN a >= 6 THEN 100000 END"},
    {"P10", "{\"enrolled\":true,\"haiyuan_origin\":true,\"registered\":true,\"practised_before\":false}", "working_days", 0, 23, 1,
     NULL, 0, 0, 1, "CASE WHEN a > 16 THEN 93000 END"},
    {"P11", "{}", "event_count", 0, 7, 1, NULL, 0, 0, 1, "CASE WHEN a <= 5 THEN 3000000 END"},
    {"P12", "{\"month_workdays\":21}", "days_on_duty", 15, 21, 1, NULL, 0, 0, 1, "CASE WHEN a = 21 THEN 579169 END"},
    {"P13", "{\"month_index\":3,\"month_workdays\":21,\"days_on_duty\":21,\"second_internship\":false,\"contract_with_host\":false,"
            "\"absent_without_notice\":false,\"sick_leave_days\":0}",
     "personal_leave_days", 0, 8, 1, NULL, 0, 0, 1, "CASE WHEN a <= 5 THEN 175000 END"},
    {"P14", "{\"hukou_ningxia\":true,\"graduation_years\":1,\"month_index\":4,\"contract_with_host\":false,\"month_workdays\":21}",
     "days_on_duty", 15, 21, 1, NULL, 0, 0, 1, "CASE WHEN a = 21 THEN 175000 END"},
    {"P15", "{\"veto\":false,\"recognised_since\":2020,\"years_running\":3,\"trainees\":12,\"retains_with_contract\":true,"
            "\"publicity_start\":\"2024-03-04\",\"publicity_end\":\"2024-03-12\",\"review_workdays\":10}",
     "score", 50, 100, 1, NULL, 0, 0, 1, "CASE WHEN a >= 80 THEN 2000000 END"},
    {"P16", "{\"veto\":false,\"serious_dishonesty\":false,\"other_base_funded\":false,\"fake_application\":false,\"pending_lawsuit\":false,"
            "\"years_running\":2,\"businesses\":30,\"jobs\":300,\"migrant_share\":0.4,\"investment\":\"2000000.00\"}",
     "score", 40, 100, 1, NULL, 0, 0, 1, "CASE WHEN a >= 60 THEN 50000000 END"},
    {"P17", "{\"veto\":false,\"registered_in_county\":true,\"operating_months\":24,\"investment\":\"80000.00\",\"stable_jobs\":12,"
            "\"wage_arrears\":\"none\",\"shop_area\":80}",
     "score", 40, 100, 1, NULL, 0, 0, 1, "CASE WHEN a >= 60 THEN 5000000 END"},
    {"P18", "{\"veto\":false,\"serious_dishonesty\":false,\"fake_application\":false,\"licence\":true,\"score\":80}",
     "gov_staff_share", 3000, 7000, 1, NULL, 0, 0, 1, "NULL"},
    {"P19", "{\"licence\":true,\"veto\":false,\"months_worked\":4,\"monthly_income\":\"3500.00\"}", "people_placed", 30, 79, 1,
     NULL, 0, 0, 1, "CASE WHEN a >= 50 THEN 200000 END"},
    {"P20", "{\"poverty_share\":0.35,\"poverty_workers\":25,\"registered_in_county\":true,\"wages_at_least_rural_income\":true,"
            "\"wage_arrears\":\"none\"}",
     "months_operating", 6, 12, 1, NULL, 0, 0, 1, "CASE WHEN a >= 10 THEN 10000000 END"},
    {"P21", "{\"enterprise_size\":\"small\",\"new_hire_this_year\":true,\"unemployed_months\":8,\"social_insurance\":true,"
            "\"claimed_other_award\":false}",
     "contract_months", 0, 12, 1, NULL, 0, 0, 1, "CASE WHEN a >= 6 THEN 200000 END"},
    {"P22", "{\"veto\":false,\"employment_rate\":0.85,\"reemployment_rate\":0.82,\"reemployment_4050\":0.75,\"zero_families_left\":0}",
     "score", 80, 100, 1, NULL, 0, 0, 1, "CASE WHEN a > 90 THEN 10000000 END"},
    {"P23", "{" TRAINEE ",\"target_group\":\"veteran\"}", "certificate", 0, 6, 1, "class_size", 35, 59, 1,
     "CASE WHEN b > 50 THEN NULL WHEN a = 0 THEN 100000 WHEN a = 1 THEN 150000 WHEN a = 2 THEN 300000 "
     "WHEN a IN (3, 4) THEN 80000 END"},
    {"P24", "{\"hukou_ningxia\":true,\"age\":40,\"pension_age\":false,\"registered_unemployed\":true,\"month_index\":5,"
            "\"p24_category\":\"hard_graduate\",\"hukou_urban\":true,\"month_workdays\":21,\"unemployed_months\":3}",
     "days_on_duty", 15, 21, 1, NULL, 0, 0, 1, "CASE WHEN a = 21 THEN 274505 END"},
    {"P25", "{\"publicity_start\":\"2024-03-04\",\"publicity_end\":\"2024-03-08\"}", NULL, 0, 0, 1, NULL, 0, 0, 1, "1000000"},
    {"P26", "{}", "class_days", 1, 5, 1, NULL, 0, 0, 1, "CASE WHEN a >= 3 THEN 4000000 END"},
};
#define NPROG ((int)(sizeof PROGS / sizeof PROGS[0]))

typedef struct result {
    double best, worst; /* seconds of CPU time, best and worst of the runs */
    long paid_n;
    long long paid;
    int agree;          /* every run gave the same count and total */
} result;

static void keep(result *r, double dt, long n, long long paid)
{
    if (r->best == 0) r->agree = 1;
    else if (n != r->paid_n || paid != r->paid) r->agree = 0;
    if (r->best == 0 || dt < r->best) r->best = dt;
    if (dt > r->worst) r->worst = dt;
    r->paid_n = n;
    r->paid = paid;
}

static long NCASES;

/* One line: best rate, the spread over the runs (worst .. best), count and total. */
static void show(const char *what, const result *r, const char *extra)
{
    printf("%-34s %11.0f /s  (runs %5.1f .. %5.1f M/s)  paid %ld  total %lld fen%s\n", what, NCASES / r->best,
           NCASES / r->worst / 1e6, NCASES / r->best / 1e6, r->paid_n, r->paid, extra ? extra : "");
}

enum { BLOCK = 1024 }; /* as `policy eval` (src/cli/cmd_policy.c) */

/* Appends fact f's value v (encoded as in jy_policy_case.v) as JSON the way a case file gives it. */
static void json_fact(const jy_policy *p, int f, int64_t v, jy_sb *sb)
{
    const jp_fact *fa = &p->facts[f];
    char buf[64];
    switch (fa->type) {
    case T_ENUM: jy_sb_json_str(sb, v >= 0 && v < fa->nsyms ? fa->syms[v] : "?"); break;
    case T_MONEY: jy_sb_appendf(sb, "\"%lld.%02lld\"", (long long)(v / 100), (long long)(v % 100)); break;
    case T_RATIO: jy_sb_appendf(sb, "\"%lld.%02lld%%\"", (long long)(v / 100), (long long)(v % 100)); break;
    case T_BOOL: jy_sb_append(sb, v ? "true" : "false"); break;
    case T_DATE: jy_sb_appendf(sb, "\"%s\"", jy_date_format((jy_date)v, buf)); break;
    default: jy_sb_appendf(sb, "%lld", (long long)v); break;
    }
}

/* Sum and count of the amounts in a `policy eval` output file. */
static void sum_amounts(const char *path, long *n, long long *total)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    *n = 0;
    *total = 0;
    while (f && getline(&line, &cap, f) > 0) {
        const char *a = strstr(line, "\"amount\":\"");
        if (!a) continue;
        jy_fen v;
        const char *q = a + 10, *e = strchr(q, '"');
        if (e && jy_money_parse_n(q, (size_t)(e - q), &v, NULL) == 0) {
            *total += v;
            (*n)++;
        }
    }
    free(line);
    if (f) fclose(f);
}

/* Whether two files have the same bytes. */
static int same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g;
    char x[65536], y[65536];
    while (same) {
        size_t m = fread(x, 1, sizeof x, f), n = fread(y, 1, sizeof y, g);
        if (m != n || memcmp(x, y, m) != 0) same = 0;
        if (m == 0) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return same;
}

/* One `policy eval` run from file in to file out: CPU seconds of this thread. */
static double eval_file(const jy_policy *p, const char *in, const char *out, int flags)
{
    FILE *fi = fopen(in, "rb"), *fo = fopen(out, "wb");
    if (!fi || !fo) {
        printf("cannot open %s or %s\n", in, out);
        exit(1);
    }
    jy_err err;
    double t0 = now();
    if (jy_policy_eval_stream(p, fi, fo, flags, &err) != 0) {
        printf("eval: %s\n", err.msg);
        exit(1);
    }
    fclose(fo);
    double dt = now() - t0;
    fclose(fi);
    return dt;
}

int main(int argc, char **argv)
{
    long N = argc > 1 ? atol(argv[1]) : 1000000;
    if (N <= 0) N = 1000000;
    NCASES = N;
    int RUNS = getenv("JY_BENCH_RUNS") ? atoi(getenv("JY_BENCH_RUNS")) : 5;
    if (RUNS < 1) RUNS = 1;
    jy_policy *pol;
    jy_err err;
    if (jy_policy_load(JY_POLICY_DIR, &pol, &err) != 0) {
        printf("cannot load policy: %s\n", err.msg);
        return 0;
    }
    static jy_policy_case tmpl[NPROG];
    int fa[NPROG], fb[NPROG];
    /* the facts each template sets (what the JSON reader writes for such a line) */
    static int16_t tfacts[NPROG][JY_POLICY_MAX_FACTS];
    int ntf[NPROG];
    for (int k = 0; k < NPROG; k++) {
        const prog_def *d = &PROGS[k];
        char line[2048], id[16];
        int has_id;
        snprintf(line, sizeof line, "{\"program\":\"%s\",\"date\":\"2024-03-15\",\"facts\":%s}", d->id, d->tmpl);
        if (jy_policy_case_parse(pol, line, strlen(line), &tmpl[k], id, sizeof id, &has_id, &err) != 0) {
            printf("template %s: %s\n", d->id, err.msg);
            return 1;
        }
        fa[k] = d->fa ? jy_policy_fact_index(pol, d->fa) : -1;
        fb[k] = d->fb ? jy_policy_fact_index(pol, d->fb) : -1;
        if ((d->fa && fa[k] < 0) || (d->fb && fb[k] < 0)) {
            printf("%s: unknown fact\n", d->id);
            return 1;
        }
        ntf[k] = 0;
        for (int f = 0; f < JY_POLICY_MAX_FACTS; f++)
            if ((tmpl[k].present[f >> 6] >> (f & 63)) & 1) tfacts[k][ntf[k]++] = (int16_t)f;
    }
    /* the cases: programme uniform over the 26, a and b uniform over their ranges */
    uint8_t *prog = malloc((size_t)N);
    int32_t *a = malloc(sizeof *a * (size_t)N), *b = malloc(sizeof *b * (size_t)N);
    if (!prog || !a || !b) return 1;
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (long i = 0; i < N; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        int k = (int)((s >> 32) % NPROG);
        const prog_def *d = &PROGS[k];
        prog[i] = (uint8_t)k;
        a[i] = d->alo + (int)((s & 0xffff) % (uint64_t)(d->ahi - d->alo + 1));
        b[i] = d->blo + (int)(((s >> 16) & 0xffff) % (uint64_t)(d->bhi - d->blo + 1));
    }
    /* the same cases in programme order (a counting sort; set-up, not timed) */
    long *order = malloc(sizeof *order * (size_t)N);
    long start[NPROG + 1] = {0};
    if (!order) return 1;
    for (long i = 0; i < N; i++) start[prog[i] + 1]++;
    for (int k = 0; k < NPROG; k++) start[k + 1] += start[k];
    for (long i = 0; i < N; i++) order[start[prog[i]]++] = i;
#define SET(c, f, x) ((c)->v[f] = (x), (c)->present[(f) >> 6] |= (uint64_t)1 << ((f) & 63))
    result single = {0}, ordered = {0}, blockr = {0}, json = {0}, blockjson = {0}, batch = {0}, sql = {0};
    jy_decision d;
    jy_sb sb = JY_SB_INIT;
    size_t bytes = 0;
    /* blocks of BLOCK cases as `policy eval` holds them after reading (one jy_policy_case each) */
    jy_policy_case *blk = malloc(sizeof *blk * BLOCK);
    jy_decision *bdec = malloc(sizeof *bdec * BLOCK);
    uint32_t *bord = malloc(sizeof *bord * BLOCK);
    if (!blk || !bdec || !bord) return 1;
    double fill = 0;
    /* Writes cases [i0, i0+m) into blk: present bits, the template's facts, a and b (the work of
     * the JSON reader once it has the values; timed apart as input set-up). */
#define FILL(i0, m)                                                                                   \
    do {                                                                                              \
        double tf0 = now();                                                                           \
        for (int q = 0; q < (m); q++) {                                                               \
            long i = (i0) + q;                                                                        \
            int k = prog[i];                                                                          \
            jy_policy_case *c = &blk[q];                                                              \
            c->program = tmpl[k].program;                                                             \
            c->date = tmpl[k].date;                                                                   \
            memcpy(c->present, tmpl[k].present, sizeof c->present);                                   \
            for (int t = 0; t < ntf[k]; t++) c->v[tfacts[k][t]] = tmpl[k].v[tfacts[k][t]];            \
            if (fa[k] >= 0) SET(c, fa[k], (int64_t)a[i] * PROGS[k].ascale);                           \
            if (fb[k] >= 0) SET(c, fb[k], (int64_t)b[i] * PROGS[k].bscale);                           \
        }                                                                                             \
        fill += now() - tf0;                                                                          \
    } while (0)
    for (int run = 0; run < RUNS; run++) {
        /* 1. one call per case, programmes interleaved at random: the raw single call */
        long long total = 0;
        long np = 0;
        double t0 = now();
        for (long i = 0; i < N; i++) {
            int k = prog[i];
            jy_policy_case *c = &tmpl[k];
            if (fa[k] >= 0) SET(c, fa[k], (int64_t)a[i] * PROGS[k].ascale);
            if (fb[k] >= 0) SET(c, fb[k], (int64_t)b[i] * PROGS[k].bscale);
            if (jy_policy_eval(pol, c, &d) == JY_ELIGIBLE && d.has_amount) { total += d.amount; np++; }
        }
        keep(&single, now() - t0, np, total);
        /* the same cases in programme order */
        total = 0;
        np = 0;
        t0 = now();
        for (long j = 0; j < N; j++) {
            long i = order[j];
            int k = prog[i];
            jy_policy_case *c = &tmpl[k];
            if (fa[k] >= 0) SET(c, fa[k], (int64_t)a[i] * PROGS[k].ascale);
            if (fb[k] >= 0) SET(c, fb[k], (int64_t)b[i] * PROGS[k].bscale);
            if (jy_policy_eval(pol, c, &d) == JY_ELIGIBLE && d.has_amount) { total += d.amount; np++; }
        }
        keep(&ordered, now() - t0, np, total);
        /* 2. the block path of `policy eval`: the mixed stream in blocks of BLOCK cases, each block
         * evaluated by jy_policy_eval_many (grouping by programme included in the time) */
        total = 0;
        np = 0;
        double tb = 0;
        fill = 0;
        for (long i0 = 0; i0 < N; i0 += BLOCK) {
            int m = (int)(N - i0 < BLOCK ? N - i0 : BLOCK);
            FILL(i0, m);
            t0 = now();
            jy_policy_eval_many(pol, blk, (size_t)m, bdec, bord);
            for (int q = 0; q < m; q++)
                if (bdec[q].outcome == JY_ELIGIBLE && bdec[q].has_amount) { total += bdec[q].amount; np++; }
            tb += now() - t0;
        }
        keep(&blockr, tb, np, total);
        /* 3. with every reason, as the JSON line of `policy eval`: one call per case, and blocks */
        total = 0;
        np = 0;
        bytes = 0;
        t0 = now();
        for (long i = 0; i < N; i++) {
            int k = prog[i];
            jy_policy_case *c = &tmpl[k];
            if (fa[k] >= 0) SET(c, fa[k], (int64_t)a[i] * PROGS[k].ascale);
            if (fb[k] >= 0) SET(c, fb[k], (int64_t)b[i] * PROGS[k].bscale);
            if (jy_policy_eval(pol, c, &d) == JY_ELIGIBLE && d.has_amount) { total += d.amount; np++; }
            jy_sb_reset(&sb);
            jy_policy_decision_json(pol, "case", 1, &d, 1, &sb);
            bytes += sb.len;
        }
        keep(&json, now() - t0, np, total);
        total = 0;
        np = 0;
        tb = 0;
        for (long i0 = 0; i0 < N; i0 += BLOCK) {
            int m = (int)(N - i0 < BLOCK ? N - i0 : BLOCK);
            FILL(i0, m);
            t0 = now();
            jy_policy_eval_many(pol, blk, (size_t)m, bdec, bord);
            jy_sb_reset(&sb);
            for (int q = 0; q < m; q++) {
                if (bdec[q].outcome == JY_ELIGIBLE && bdec[q].has_amount) { total += bdec[q].amount; np++; }
                jy_policy_decision_json(pol, "case", 1, &bdec[q], 1, &sb);
                jy_sb_appendc(&sb, '\n');
            }
            tb += now() - t0;
        }
        keep(&blockjson, tb, np, total);
    }
    /* 4. batches over columns: one per programme (grouping the rows is set-up, timed apart) */
    double ts0 = now();
    long cnt[NPROG] = {0};
    for (long i = 0; i < N; i++) cnt[prog[i]]++;
    int64_t *ca[NPROG], *cb[NPROG];
    for (int k = 0; k < NPROG; k++) {
        ca[k] = malloc(sizeof(int64_t) * (size_t)(cnt[k] + 1));
        cb[k] = malloc(sizeof(int64_t) * (size_t)(cnt[k] + 1));
        if (!ca[k] || !cb[k]) return 1;
        cnt[k] = 0;
    }
    for (long i = 0; i < N; i++) {
        int k = prog[i];
        ca[k][cnt[k]] = (int64_t)a[i] * PROGS[k].ascale;
        cb[k][cnt[k]] = (int64_t)b[i] * PROGS[k].bscale;
        cnt[k]++;
    }
    double setup = now() - ts0;
    for (int run = 0; run < RUNS; run++) {
        long long total = 0;
        long np = 0;
        double t0 = now();
        for (int k = 0; k < NPROG; k++) {
            jy_policy_columns cols;
            memset(&cols, 0, sizeof cols);
            cols.base = &tmpl[k];
            cols.n = (size_t)cnt[k];
            if (fa[k] >= 0) { cols.fact[cols.ncols] = fa[k]; cols.col[cols.ncols++] = ca[k]; }
            if (fb[k] >= 0) { cols.fact[cols.ncols] = fb[k]; cols.col[cols.ncols++] = cb[k]; }
            jy_policy_totals tot;
            if (jy_policy_eval_columns(pol, &cols, NULL, NULL, NULL, &tot, &err) != 0) {
                printf("batch %s: %s\n", PROGS[k].id, err.msg);
                return 1;
            }
            total += tot.paid;
            np += tot.npaid;
        }
        keep(&batch, now() - t0, np, total);
    }
    /* 5. the same in SQLite: one query over a table of the same cases */
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE TABLE c(prog INT, a INT, b INT)", 0, 0, 0);
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    sqlite3_prepare_v2(db, "INSERT INTO c VALUES(?,?,?)", -1, &st, 0);
    for (long i = 0; i < N; i++) {
        sqlite3_bind_int(st, 1, prog[i]);
        sqlite3_bind_int(st, 2, a[i]);
        sqlite3_bind_int(st, 3, b[i]);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    jy_sb q = JY_SB_INIT;
    jy_sb_append(&q, "SELECT COUNT(amt), SUM(amt) FROM (SELECT CASE prog");
    for (int k = 0; k < NPROG; k++) jy_sb_appendf(&q, " WHEN %d THEN %s", k, PROGS[k].sql);
    jy_sb_append(&q, " END AS amt FROM c)");
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        if (sqlite3_prepare_v2(db, jy_sb_cstr(&q), -1, &st, 0) != SQLITE_OK) {
            printf("sql: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_step(st);
        long n = (long)sqlite3_column_int64(st, 0);
        long long sum = (long long)sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        keep(&sql, now() - t0, n, sum);
    }
    printf("policy bench: %ld cases over %d programmes, decisions per second of CPU time on one core,\n"
           "best of %d runs (the spread: worst .. best run)\n", N, NPROG, RUNS);
    char extra[128];
    show("one call per case, mixed", &single, NULL);
    show("one call per case, programme order", &ordered, NULL);
    snprintf(extra, sizeof extra, "  (+ filling the blocks: %.0f ns/case)", fill * 1e9 / (double)N);
    show("policy eval blocks (eval_many)", &blockr, extra);
    snprintf(extra, sizeof extra, "  (%.0f bytes/case)", (double)bytes / (double)N);
    show("JSON reasons, one call per case", &json, extra);
    show("JSON reasons, policy eval blocks", &blockjson, NULL);
    snprintf(extra, sizeof extra, "  (grouping into columns: %.0f ms)", setup * 1000);
    show("batch over columns", &batch, extra);
    show("sqlite, one query", &sql, NULL);
    printf("ratio to sqlite (best/best; worst run of each: worst/worst):\n"
           "  one call mixed %.1fx, blocks %.1fx, JSON one call %.1fx, JSON blocks %.1fx, batch %.1fx (worst %.1fx)\n",
           sql.best / single.best, sql.best / blockr.best, sql.best / json.best, sql.best / blockjson.best,
           sql.best / batch.best, sql.worst / batch.worst);
    /* 6. policy eval file to file: the same cases as JSON Lines (writing the file is set-up) */
    char dir[] = "/tmp/bench_policy.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char fin[64], fout_fast[64], fout_ref[64];
    snprintf(fin, sizeof fin, "%s/cases.jsonl", dir);
    snprintf(fout_fast, sizeof fout_fast, "%s/fast.jsonl", dir);
    snprintf(fout_ref, sizeof fout_ref, "%s/reference.jsonl", dir);
    FILE *cf = fopen(fin, "wb");
    if (!cf) return 1;
    jy_sb line = JY_SB_INIT;
    size_t in_bytes = 0;
    for (long i = 0; i < N; i++) {
        int k = prog[i];
        const prog_def *pd = &PROGS[k];
        jy_sb_reset(&line);
        jy_sb_appendf(&line, "{\"id\":\"案例-%ld\",\"program\":\"%s\",\"date\":\"2024-03-15\",\"facts\":", i, pd->id);
        size_t tl = strlen(pd->tmpl);
        jy_sb_appendn(&line, pd->tmpl, tl - 1); /* the template without its closing brace */
        int empty = tl == 2;
        if (fa[k] >= 0) {
            jy_sb_append(&line, empty ? "\"" : ",\"");
            jy_sb_append(&line, pd->fa);
            jy_sb_append(&line, "\":");
            json_fact(pol, fa[k], (int64_t)a[i] * pd->ascale, &line);
            empty = 0;
        }
        if (fb[k] >= 0) {
            jy_sb_append(&line, empty ? "\"" : ",\"");
            jy_sb_append(&line, pd->fb);
            jy_sb_append(&line, "\":");
            json_fact(pol, fb[k], (int64_t)b[i] * pd->bscale, &line);
        }
        jy_sb_append(&line, "}}\n");
        fwrite(line.buf, 1, line.len, cf);
        in_bytes += line.len;
    }
    fclose(cf);
    jy_sb_free(&line);
    int FRUNS = getenv("JY_BENCH_FILE_RUNS") ? atoi(getenv("JY_BENCH_FILE_RUNS")) : 3;
    if (FRUNS < 1) FRUNS = 1;
    result ffast = {0}, fref = {0};
    int same = 1;
    for (int run = 0; run < FRUNS; run++) {
        long n;
        long long sum;
        double dt = eval_file(pol, fin, fout_fast, JY_EVAL_REASONS);
        sum_amounts(fout_fast, &n, &sum);
        keep(&ffast, dt, n, sum);
        dt = eval_file(pol, fin, fout_ref, JY_EVAL_REASONS | JY_EVAL_REFERENCE);
        sum_amounts(fout_ref, &n, &sum);
        keep(&fref, dt, n, sum);
        same &= same_file(fout_fast, fout_ref);
    }
    printf("policy eval file to file, with reasons (%.0f bytes/case in; best of %d runs each, alternating):\n",
           (double)in_bytes / (double)N, FRUNS);
    show("  fast reader (jy_policy_eval_stream)", &ffast, NULL);
    show("  reference reader (jansson)", &fref, NULL);
    printf("  fast / reference %.1fx (best/best), %.1fx (worst/worst); outputs %s\n", fref.best / ffast.best,
           fref.worst / ffast.worst, same ? "identical byte for byte" : "DIFFER");
    if (getenv("JY_BENCH_KEEP")) { /* for profiling: keep the files */
        printf("  files kept in %s\n", dir);
    } else {
        remove(fin);
        remove(fout_fast);
        remove(fout_ref);
        remove(dir);
    }
    const result *all[] = {&single, &ordered, &blockr, &json, &blockjson, &batch, &sql, &ffast, &fref};
    int agree = 1;
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        if (!all[k]->agree || all[k]->paid != sql.paid || all[k]->paid_n != sql.paid_n) agree = 0;
    printf("totals %s\n", agree ? "agree to the fen (every method, every run)" : "DISAGREE");
    jy_sb_free(&q);
    jy_sb_free(&sb);
    sqlite3_close(db);
    for (int k = 0; k < NPROG; k++) { free(ca[k]); free(cb[k]); }
    free(prog); free(a); free(b); free(order);
    free(blk); free(bdec); free(bord);
    jy_policy_free(pol);
    return agree && same ? 0 : 1;
}
