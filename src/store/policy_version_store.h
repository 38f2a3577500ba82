/* policy_version_store.h — rule versions in the store (政策版本; issue 14 item 5, migration 12,
 * policy_version_schema.h; the service side is src/service/versions.h, docs/versions.md).
 *
 * One SQL text per statement for both backends (ledger_db.h's runners), every value bound.
 * Versions are not a county's records: the rules directory serves the whole deployment, so a
 * scoped handle reads them all; a re-decision is a county's (its county is checked against the
 * scope). */
#ifndef JY_POLICY_VERSION_STORE_H
#define JY_POLICY_VERSION_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

typedef struct jy_policy_version {
    int64_t id;
    char hash[65];        /* SHA-256 of the rule files (hex), unique */
    char ruleset[24];     /* the engine's ruleset hash (jy_policy_hash): what cases.ruleset holds */
    jy_date enacted_on;   /* 发文日期 */
    jy_date applies_from; /* 施行日期 */
    char loaded_at[32];
    char loaded_by[64];
    char note[512];
    int files;
} jy_policy_version;

/* One rule file of a version: its name in the directory and its whole content. */
typedef struct jy_policy_file {
    const char *name;
    const char *content;
    size_t len;
} jy_policy_file;

/* Adds version v (hash, ruleset, dates, note filled; id, loaded_at and loaded_by set here) with
 * its files, in one transaction with an audit entry policy_version/<id>/load. When a version
 * with the same hash is stored already nothing is written, *created is 0 and v receives the
 * stored one. JY_EINVAL when a date is missing. applies_from may precede enacted_on (a plan issued
 * in March that applies from 1 January: 自2024年1月1日起执行). */
int jy_store_policy_version_add(jy_store *st, jy_policy_version *v, const jy_policy_file *files, size_t n,
                                const char *actor, int *created, jy_err *err);
/* JY_ENOTFOUND naming the id. */
int jy_store_policy_version_get(jy_store *st, int64_t id, jy_policy_version *out, jy_err *err);
/* The version with this content hash; JY_ENOTFOUND when none. */
int jy_store_policy_version_by_hash(jy_store *st, const char *hash, jy_policy_version *out, jy_err *err);
/* The version in force on date d: the greatest applies_from ≤ d, of those the last loaded.
 * JY_ENOTFOUND when no version applies on d (or none is stored). */
int jy_store_policy_version_on(jy_store *st, jy_date d, jy_policy_version *out, jy_err *err);
/* Every version, by id. */
int jy_store_policy_version_list(jy_store *st, int (*fn)(void *ctx, const jy_policy_version *v), void *ctx,
                                 jy_err *err);
/* The files of version id in name order (content valid for the callback). */
int jy_store_policy_version_files(jy_store *st, int64_t id,
                                  int (*fn)(void *ctx, const char *name, const char *content), void *ctx,
                                  jy_err *err);

/* The cases a re-decision may change: the county's cases (optionally one programme) whose state
 * is not final (paid, rejected, recovered, closed, cancelled, withdrawn) and not a class
 * application, by id; committed: 1 when money is committed on the case (a payable not
 * cancelled) — such a case is listed but not changed. */
int jy_store_redecide_candidates(jy_store *st, const char *county, const char *program,
                                 int (*fn)(void *ctx, int64_t case_id, int committed), void *ctx, jy_err *err);

/* One committed re-decision. */
typedef struct jy_redecision {
    int64_t id;
    char county[7];
    int64_t version_id;
    char plan[65];
    char reviewer[64];
    char at[32];
    int64_t changed, restamped;
} jy_redecision;

/* The re-decision of county under version_id with this plan digest; JY_ENOTFOUND when none. */
int jy_store_redecision_get(jy_store *st, const char *county, int64_t version_id, const char *plan, jy_redecision *out,
                            jy_err *err);
/* Records r (id and at set here) with an audit entry policy_redecision/<id>/commit, inside the
 * caller's transaction when one is open. JY_ECONFLICT when the same plan is recorded already. */
int jy_store_redecision_add(jy_store *st, jy_redecision *r, const char *actor, jy_err *err);

#endif
