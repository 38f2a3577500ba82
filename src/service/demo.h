/* demo.h — the synthetic demo county (演示数据): fills a store with a realistic Haiyuan County
 * (海原县, 640522) so that `jiuye serve` and the reports show something real.
 *
 * The generator runs in stages (persons, organisations; later: classes, placements, awards,
 * payments for a whole demo year). Each stage draws from its own pseudo-random stream, seeded
 * from the seed and the stage's name, so the output is a pure function of (seed, sizes,
 * division table, as_of) and adding a stage later does not change what the earlier stages make.
 * Stages see what earlier stages made (person and organisation ids) through the context.
 *
 * Everything generated is valid by the domain validators: 18-digit ID numbers with the right
 * check character and a known Ningxia division prefix, 统一社会信用代码 with both check
 * characters, Luhn-valid bank account numbers, 11-digit mobile numbers. */
#ifndef JY_DEMO_H
#define JY_DEMO_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "domain/division.h"
#include "store/store.h"

/* How big the demo year (cases, placements, payments in 2023–2024) is. */
enum jy_demo_year_size {
    JY_DEMO_YEAR_FULL = 0, /* a few thousand cases: every programme at about 1/20 of its targets */
    JY_DEMO_YEAR_SMALL,    /* about 15 % of that (tests) */
    JY_DEMO_YEAR_NONE,     /* persons and organisations only */
};

typedef struct jy_demo_opts {
    int persons;                 /* default 20000 when 0 */
    int orgs;                    /* default 300 when 0 */
    uint64_t seed;               /* any value; the same seed gives the same county */
    int force;                   /* add to a database that already holds persons */
    const char *actor;           /* audit-log actor; NULL: "demo" */
    const jy_divisions *divs;    /* required: township names and codes come from it */
    const char *county;          /* 6-digit county code; NULL: "640522" */
    jy_date as_of;               /* the demo's "today" for ages and status dates; 0: 2024-12-31 */
    int batch;                   /* rows per transaction; 0: 2000 */
    int year_cases;              /* enum jy_demo_year_size */
    const char *policy_dir;      /* required unless year_cases is NONE: rules, calendar, workflows */
    /* Called now and then with a stage name and how far it is; may be NULL. */
    void (*progress)(void *ctx, const char *stage, int64_t done, int64_t total);
    void *progress_ctx;
} jy_demo_opts;

typedef struct jy_demo_summary {
    uint64_t seed;
    char as_of[JY_DATE_BUFSZ];
    int64_t persons_created, persons_existing; /* existing: put found the same ID number */
    int64_t statuses;
    int64_t orgs_created, orgs_existing;
    int64_t licences;
    int64_t persons_by_status[JY_ST__COUNT];   /* status rows written per kind */
    int64_t orgs_by_kind[JY_ORG__KIND_COUNT];  /* organisations per kind bit */
    int64_t hui, han, other_ethnicity;
    int64_t in_county, outside_county;
    /* the demo year */
    int64_t users, cases, cases_by_program[27];
    int64_t year_refused;       /* filings or placements the service refused (conflicts, bad facts) */
    int64_t held_for_review;    /* needs_review decisions left for a person */
    int64_t rejected, objections, refused_steps, recognised;
    int64_t placements, payroll_runs, refused_runs;
    int64_t payables, over_budget, batches, paid_lines;
    int64_t classes_returned;   /* class applications the review sent back (a missing teacher: P1 八(四)) */
    int64_t committed_fen, paid_fen;
    int64_t elapsed_ms;
} jy_demo_summary;

/* Generates the demo county into st. Refuses (JY_ECONFLICT, naming the count) when the store
 * already holds persons and o->force is 0. Writes in transactions of o->batch rows; on failure
 * the current batch is rolled back and earlier batches stay. */
int jy_demo_run(jy_store *st, const jy_demo_opts *o, jy_demo_summary *out, jy_err *err);

/* Appends the summary as one JSON object. */
void jy_demo_summary_json(const jy_demo_summary *s, jy_sb *sb);

#endif
