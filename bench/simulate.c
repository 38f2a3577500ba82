/* bench/simulate.c — budget simulation (issue 14 item 4; docs/policy.md "Budget simulation").
 *
 *   bench_simulate [--cases N] [--persons P] [--one-by-one K] [--runs R] [--dir DIR] [--pg URL] [--reuse 1]
 *
 * --reuse 1 (SQLite): keep DIR/bench_simulate.db when it exists (filled by an earlier run with the
 * same --cases and --persons) and time it again without the set-up.
 *
 * Fills a store (SQLite under DIR, or the empty PostgreSQL database at URL) with P persons in 20
 * townships of 640522 and N cases (default 500,000) of P1/P2/P23 training claims through the bulk
 * path (jy_store_case_bulk_insert), facts as the case service stores them (the filing's facts plus
 * the registry's: statuses, 户籍, age, prior trainings; form fields such as start/end), then times,
 * best of R runs (CPU time of this process, one core, and wall time):
 *
 *   simulate   jy_simulate with --set p1.level5=1200元 from 2024-01-01: one streaming read of the
 *              cases (jy_store_sim_rows), facts parsed into the engine's cases, every block decided
 *              under the old and the new rules (jy_policy_eval_many), summed per programme ×
 *              source × township × month, the report built;
 *   read only  the same read with a callback that does nothing (the SQL alone);
 *   one by one the normal case path per case: jy_store_case_get by id, the facts parsed, decided
 *              under both rule sets (K cases, default 20,000; the rate is extrapolated to N).
 *
 * It prints the figures side by side with their ratios, and checks that the one-by-one sums of
 * its K cases equal what the simulation gives for the same cases (--program / period not used:
 * the K cases are the first K ids, and the simulation is run once more restricted to them by
 * date). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/idcard.h"
#include "policy/policy.h"
#include "service/case.h"
#include "service/simulate.h"
#include "store/simulate_store.h"
#include "store/store.h"

#ifndef JY_SOURCE_DIR
#define JY_SOURCE_DIR "."
#endif

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const occ[] = {"中式烹调师", "育婴员", "电工", "焊工", "保育师", "家政服务员", "养老护理员", "美容师",
                                  "电子商务师", "中式面点师"};
static const char *const certs[] = {"level5", "level5", "level5", "level4", "level4", "level3", "training_pass",
                                    "special_operation"};

static void make_person(jy_person *p, long i)
{
    memset(p, 0, sizeof *p);
    char first[32];
    snprintf(first, sizeof first, "640522%04d%02d%02d%03d", (int)(1960 + i % 40), (int)(1 + (i / 40) % 12),
             (int)(1 + (i / 480) % 28), (int)((i / 13440) % 1000));
    first[17] = 0;
    memcpy(p->idcard, first, 17);
    p->idcard[17] = jy_idcard_check_char(first);
    snprintf(p->name, sizeof p->name, "测试%ld", i);
    snprintf(p->hukou_division, sizeof p->hukou_division, "6405221%02ld", i % 20);
    p->hukou_kind = i % 3 ? JY_HUKOU_RURAL : JY_HUKOU_URBAN;
    snprintf(p->phone, sizeof p->phone, "139%08d", (int)(i % 100000000));
}

static char factbuf[1024];

static void make_case(jy_case *c, jy_case_event *ev, long npersons)
{
    memset(c, 0, sizeof *c);
    memset(ev, 0, sizeof *ev);
    long pi = (long)rnd((unsigned)npersons);
    c->person_id = pi + 1;
    c->org_id = 1;
    snprintf(c->county, sizeof c->county, "640522");
    static const char *const prog[] = {"P1", "P1", "P1", "P2", "P23"};
    snprintf(c->program, sizeof c->program, "%s", prog[rnd(5)]);
    snprintf(c->kind, sizeof c->kind, "individual_claim");
    c->year = 2023 + (int)rnd(2);
    c->filed_on = jy_date_from_ymd(c->year, 1 + (int)rnd(12), 1 + (int)rnd(28));
    const char *o = occ[rnd(10)];
    snprintf(c->occupation, sizeof c->occupation, "%s", o);
    const char *cert = certs[rnd(8)];
    c->level = cert[0] == 'l' ? cert[5] - '0' : 0;
    char st[96] = "[]";
    unsigned r = rnd(100);
    if (r < 4) snprintf(st, sizeof st, "[\"employer_insured\"]");
    else if (r < 6) snprintf(st, sizeof st, "[\"retired\"]");
    int hours = 100 + 20 * (int)rnd(5);
    char d0[JY_DATE_BUFSZ], d1[JY_DATE_BUFSZ];
    snprintf(factbuf, sizeof factbuf,
             "{\"route\":\"institution\",\"certificate\":\"%s\",\"exam\":\"pass\",\"occupation\":\"%s\",%s%s%s"
             "\"class_size\":%u,\"hours_total\":%d,\"hours_practical\":%d,\"start\":\"%s\",\"end\":\"%s\","
             "\"statuses\":%s,\"hukou_division\":\"6405221%02ld\",\"hukou_ningxia\":true,\"hukou_urban\":%s,"
             "\"age\":%u,\"prior_trainings\":[],\"key_group\":true%s}",
             cert, o, c->level ? "\"level\":" : "", c->level ? (const char *[]){"", "", "", "3", "4", "5"}[c->level] : "",
             c->level ? "," : "", 20 + rnd(35), hours, hours * 3 / 4 + (int)rnd(10), jy_date_format(c->filed_on - 40, d0),
             jy_date_format(c->filed_on - 10, d1), st, pi % 20, pi % 3 ? "false" : "true", 18 + rnd(40),
             strcmp(c->program, "P2") == 0 ? ",\"p2_group\":\"rural\"" : strcmp(c->program, "P23") == 0 ? ",\"target_group\":\"veteran\"" : "");
    c->facts = factbuf;
    c->reasons = "[]";
    c->conflicts = "[]";
    snprintf(c->decision, sizeof c->decision, "eligible");
    snprintf(c->state, sizeof c->state, "filed");
    snprintf(ev->step, sizeof ev->step, "file");
    ev->on = c->filed_on;
    ev->reason = "bench_simulate";
}

static int noop(void *ctx, const jy_sim_row *r)
{
    (void)r;
    (*(long *)ctx)++;
    return 0;
}

enum { BATCH = 10000 };

int main(int argc, char **argv)
{
    long ncases = 500000, npersons = 20000, k1 = 20000;
    int runs = 3;
    const char *dir = "/tmp", *pg = NULL;
    int reuse = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reuse") == 0) reuse = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--cases") == 0) ncases = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--persons") == 0) npersons = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--one-by-one") == 0) k1 = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0) runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else if (strcmp(argv[i], "--pg") == 0) pg = argv[i + 1];
        else {
            fprintf(stderr, "usage: bench_simulate [--cases N] [--persons P] [--one-by-one K] [--runs R] [--dir DIR] [--pg URL] [--reuse 1]\n");
            return 2;
        }
    }
    if (ncases < 1 || npersons < 1 || k1 < 1 || k1 > ncases || runs < 1) return 2;
    char url[4096];
    if (pg) snprintf(url, sizeof url, "%s", pg);
    else {
        snprintf(url, sizeof url, "%s/bench_simulate.db", dir);
        FILE *old = reuse ? fopen(url, "rb") : NULL;
        if (old) fclose(old);
        else if (reuse) reuse = 2; /* asked for, but not there yet: fill it and keep it */
        if (reuse != 1) remove(url);
        char side[4200];
        snprintf(side, sizeof side, "%s-wal", url);
        if (reuse != 1) remove(side);
        snprintf(side, sizeof side, "%s-shm", url);
        if (reuse != 1) remove(side);
    }
    const char *policy_dir = getenv("JIUYE_POLICY") ? getenv("JIUYE_POLICY") : JY_SOURCE_DIR "/policy";
    jy_err err = {0};
    jy_store *st = NULL;
    if (jy_store_open(url, &st, &err)) {
        fprintf(stderr, "open %s: %s\n", url, err.msg);
        return 1;
    }
    jy_policy *pol = NULL;
    if (jy_policy_load(policy_dir, &pol, &err)) {
        fprintf(stderr, "%s: %s\n", policy_dir, err.msg);
        return 1;
    }
    int rc = reuse == 1 ? 0 : jy_store_bulk(st, 1, &err);
    double t = wall();
    if (reuse == 1) goto filled;
    static jy_person pb[BATCH];
    for (long i = 0; i < npersons && rc == 0; i += BATCH) {
        long nb = i + BATCH <= npersons ? BATCH : npersons - i;
        if ((rc = jy_store_begin(st, &err))) break;
        for (long k = 0; k < nb && rc == 0; k++) {
            make_person(&pb[k], i + k);
            rc = jy_store_person_put(st, &pb[k], "bench", NULL, &err);
        }
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
    }
    if (rc == 0 && (rc = jy_store_begin(st, &err)) == 0) {
        jy_org o;
        memset(&o, 0, sizeof o);
        snprintf(o.uscc, sizeof o.uscc, "91640522MA00000001");
        snprintf(o.name, sizeof o.name, "测试培训学校");
        o.kinds = JY_ORG_TRAINING_BODY;
        snprintf(o.division, sizeof o.division, "640522100");
        rc = jy_store_org_put(st, &o, "bench", NULL, &err);
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
    }
    static jy_case cb[BATCH];
    static jy_case_event eb[BATCH];
    static char facts[BATCH][1024];
    static unsigned char vecs[BATCH][JY_FACTVEC_MAX];
    /* each case's fact vector as the case service stores it on filing (jy_case_file) */
    jy_policy_reader *vr = jy_policy_reader_new(pol);
    jy_sb vec = JY_SB_INIT;
    for (long i = 0; i < ncases && rc == 0; i += BATCH) {
        long nb = i + BATCH <= ncases ? BATCH : ncases - i;
        for (long k = 0; k < nb; k++) {
            make_case(&cb[k], &eb[k], npersons);
            snprintf(facts[k], sizeof facts[k], "%s", factbuf);
            cb[k].facts = facts[k];
            if (jy_policy_factvec_make(vr, cb[k].program, strlen(cb[k].program), cb[k].filed_on, facts[k],
                                       strlen(facts[k]), jy_case_form_inputs, &vec) == 0 &&
                vec.len <= sizeof vecs[k]) {
                memcpy(vecs[k], vec.buf, vec.len);
                cb[k].fact_vec = vecs[k];
                cb[k].fact_vec_len = vec.len;
            }
        }
        rc = jy_store_case_bulk_insert(st, cb, eb, (size_t)nb, "bench", &err);
    }
    jy_sb_free(&vec);
    jy_policy_reader_free(vr);
    if (rc == 0) rc = jy_store_bulk(st, 0, &err);
filled:
    if (rc) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return 1;
    }
    printf("bench_simulate: %ld cases, %ld persons, %s (setup %.1f s)\n", ncases, npersons, jy_store_backend(st),
           wall() - t);

    jy_sim_set set;
    if (jy_sim_set_parse("p1.level5=1200元 from 2024-01-01", &set, &err)) return 1;
    jy_sim_request rq = {.county = "640522", .policy_dir = policy_dir, .sets = &set, .nsets = 1};

    /* 1. the simulation */
    double best_sim = 1e9, best_sim_wall = 1e9, best_read = 1e9, best_dec = 1e9;
    jy_sim_stats ss = {0};
    size_t report_len = 0;
    for (int r = 0; r < runs; r++) {
        jy_sb out = JY_SB_INIT;
        double c0 = cpu(), w0 = wall();
        if (jy_simulate(st, pol, &rq, &out, &ss, &err)) {
            fprintf(stderr, "simulate: %s\n", err.msg);
            return 1;
        }
        double c = cpu() - c0, w = wall() - w0;
        if (c < best_sim) best_sim = c, best_read = ss.secs_read, best_dec = ss.secs_decide;
        if (w < best_sim_wall) best_sim_wall = w;
        report_len = out.len;
        jy_sb_free(&out);
    }
    /* 1b. the same without the stored fact vectors (every row's facts read by the fast reader):
     * the same report, byte for byte */
    double best_nv = 1e9;
    jy_sim_stats snv = {0};
    {
        jy_sb with = JY_SB_INIT, without = JY_SB_INIT;
        if (jy_simulate(st, pol, &rq, &with, NULL, &err)) return 1;
        setenv("JY_SIM_FACTVEC", "off", 1);
        for (int r = 0; r < runs; r++) {
            jy_sb_reset(&without);
            double c0 = cpu();
            if (jy_simulate(st, pol, &rq, &without, &snv, &err)) {
                fprintf(stderr, "simulate: %s\n", err.msg);
                return 1;
            }
            double c = cpu() - c0;
            if (c < best_nv) best_nv = c;
        }
        unsetenv("JY_SIM_FACTVEC");
        if (with.len != without.len || memcmp(with.buf, without.buf, with.len) != 0) {
            printf("MISMATCH: the reports with and without the fact vectors differ\n");
            return 1;
        }
        jy_sb_free(&with);
        jy_sb_free(&without);
    }
    /* 2. the read alone */
    double best_ro = 1e9, best_ro_wall = 1e9;
    for (int r = 0; r < runs; r++) {
        long n = 0;
        jy_sim_filter f = {.county = "640522"};
        double c0 = cpu(), w0 = wall();
        if (jy_store_sim_rows(st, &f, noop, &n, &err)) {
            fprintf(stderr, "read: %s\n", err.msg);
            return 1;
        }
        double c = cpu() - c0, w = wall() - w0;
        if (c < best_ro) best_ro = c;
        if (w < best_ro_wall) best_ro_wall = w;
        if (n != ncases) fprintf(stderr, "read %ld rows, want %ld\n", n, ncases);
    }
    /* 3. one by one: the case path per case, under both rule sets */
    char tmp[4096];
    jy_policy *pnew = NULL;
    if (jy_sim_rules_write(policy_dir, &set, 1, tmp, sizeof tmp, &err) || jy_policy_load(tmp, &pnew, &err)) {
        fprintf(stderr, "changed rules: %s\n", err.msg);
        return 1;
    }
    jy_sim_rules_remove(tmp);
    jy_sb text = JY_SB_INIT, line = JY_SB_INIT;
    jy_fen ob = 0, oa = 0;
    double c0 = cpu(), w0 = wall();
    for (int64_t id = 1; id <= k1; id++) {
        jy_case c;
        if (jy_store_case_get(st, id, &c, &text, &err)) {
            fprintf(stderr, "case %lld: %s\n", (long long)id, err.msg);
            return 1;
        }
        char d[JY_DATE_BUFSZ];
        jy_sb_reset(&line);
        jy_sb_appendf(&line, "{\"program\":\"%s\",\"date\":\"%s\",\"facts\":%s}", c.program, jy_date_format(c.filed_on, d),
                      c.facts);
        jy_policy_case pc;
        jy_decision dec;
        int has_id = 0;
        if (jy_policy_case_parse_inputs(pol, line.buf, line.len, jy_case_form_inputs, &pc, NULL, 0, &has_id, &err)) {
            fprintf(stderr, "case %lld: %s\n", (long long)id, err.msg);
            return 1;
        }
        jy_policy_eval(pol, &pc, &dec);
        if (dec.outcome == JY_ELIGIBLE && dec.has_amount) ob += dec.amount;
        jy_policy_eval(pnew, &pc, &dec);
        if (dec.outcome == JY_ELIGIBLE && dec.has_amount) oa += dec.amount;
    }
    double one_c = cpu() - c0, one_w = wall() - w0;
    double one_full = one_c * (double)ncases / (double)k1;
    printf("facts read by the fast reader: %ld of %ld rows (%ld of them from their stored fact vectors; %ld checked "
           "against the jansson reader)\n", ss.fast_rows, ss.rows, ss.vec_rows, ss.checked);
    printf("report: %zu bytes; %ld rows, %ld changed, committed %lld -> %lld fen (difference %lld)\n", report_len, ss.rows,
           ss.changed, (long long)ss.committed_before, (long long)ss.committed_after,
           (long long)(ss.committed_after - ss.committed_before));
    printf("%-44s %8.3f s cpu %8.3f s wall  (%.0f rows/s; read+parse %.3f s, decide both %.3f s)\n",
           "simulate (read, parse, decide x2, sum)", best_sim, best_sim_wall, (double)ncases / best_sim, best_read, best_dec);
    printf("%-44s %8.3f s cpu  (%.0f rows/s; the same report byte for byte)\n",
           "simulate without fact vectors (facts read)", best_nv, (double)ncases / best_nv);
    printf("%-44s %8.3f s cpu %8.3f s wall  (%.0f rows/s)\n", "read only (the same SQL, nothing done)", best_ro, best_ro_wall,
           (double)ncases / best_ro);
    printf("%-44s %8.3f s cpu %8.3f s wall  (%.0f rows/s; %ld cases timed: %.3f s cpu)\n",
           "one by one (case_get, parse, eval x2)", one_full, one_w * (double)ncases / (double)k1,
           (double)k1 / one_c, k1, one_c);
    printf("ratios: one by one / simulate %.1fx; simulate / read only %.2fx; goal: %ld cases in < 1 s on one core: %s\n",
           one_full / best_sim, best_sim / best_ro, ncases, best_sim < 1.0 ? "met" : "NOT met");
    printf("one by one, first %ld cases: %lld -> %lld fen\n", k1, (long long)ob, (long long)oa);
    if (k1 == ncases && (ob != ss.committed_before || oa != ss.committed_after)) {
        printf("MISMATCH: the simulation and one by one disagree\n");
        return 1;
    }
    jy_sb_free(&text);
    jy_sb_free(&line);
    jy_policy_free(pnew);
    jy_policy_free(pol);
    jy_store_close(st);
    if (!pg && !reuse) remove(url); /* --reuse: kept for the next run */
    return 0;
}
