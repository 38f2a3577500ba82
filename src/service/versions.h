/* versions.h — rule versions (政策版本; issue 14 item 5; docs/versions.md).
 *
 * Every change of the rules directory (policy/) becomes a version kept in the store
 * (store/policy_version_store.h, migration 12): its rule files whole, the SHA-256 of them, the
 * date the amended plan was issued (发文日期) and the date it applies from (施行日期). Loading the
 * same content again is not a new version. A case is decided by the version in force on its
 * decisive date (the filing date: the greatest applies_from ≤ that date, of those the last
 * loaded) and names it (cases.policy_version); it keeps that version — every later re-decision
 * in its workflow (publicity dates, settled dates) uses the same rules — until a reviewer
 * re-decides the open cases under a newer version (jy_versions_redecide: a dry run listing every
 * change, then a commit naming the reviewer and the plan the reviewer saw).
 *
 * The rule files of a version: every *.rules file and occupations.tsv, synonyms.tsv,
 * conflicts.tsv, calendar.txt, funding.txt, periods.txt, workflows.txt (what decides a case and
 * what the programmes are funded and reported by). Not: divisions.tsv (reference data),
 * common-passwords.txt, bank-layouts/. */
#ifndef JY_VERSIONS_H
#define JY_VERSIONS_H

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "policy/policy.h"
#include "service/case.h"
#include "store/policy_version_store.h"
#include "store/store.h"

/* The rule files of a directory, read whole and sorted by name, with their content hash. */
typedef struct jy_rules_files {
    jy_policy_file *f;
    size_t n;
    char hash[65];
} jy_rules_files;

int jy_rules_files_read(const char *dir, jy_rules_files *out, jy_err *err);
void jy_rules_files_free(jy_rules_files *r);

/* Registers dir as a version (jiuye policy load): only an administrator (JY_ECONFLICT naming
 * the role otherwise); the rules must compile (jy_policy_load's error otherwise, nothing stored). out: {"created":bool,"version":{…}}; created is false when
 * the same content is stored already (its version is shown). Audited (policy_version/load). */
int jy_versions_load(jy_store *st, const char *dir, jy_date enacted, jy_date applies_from, const char *note,
                     const char *actor, jy_sb *out, jy_err *err);

/* {"versions":[{id,hash,ruleset,enacted_on,applies_from,loaded_at,loaded_by,note,files,cases}],
 *  "directory":{"hash","version"}} — directory: the content hash of the rules directory given
 * (NULL: left out) and the version holding that content (null when it is not loaded). */
int jy_versions_list_json(jy_store *st, const char *dir, jy_sb *out, jy_err *err);

/* The rules of version id compiled (from a private temporary copy of its files, removed before
 * returning). */
int jy_versions_policy(jy_store *st, int64_t id, jy_policy **out, jy_err *err);

/* What changed from version a to version b, clause by clause: parameters (name, clause, old and
 * new values with their periods), programmes added / removed / retitled, clauses whose text
 * changed, rule lines removed and added per file (with the clauses they cite), other files'
 * rows. json: the JSON object; text (may be NULL): the same in Chinese for a county officer. */
int jy_versions_diff(jy_store *st, int64_t a, int64_t b, jy_sb *json, jy_sb *text, jy_err *err);

/* Re-decision of the open cases under a version (按调整后的政策执行). */
typedef struct jy_redecide_request {
    const char *county;   /* required */
    const char *program;  /* NULL or "": every programme */
    int64_t version;      /* the version to decide under */
    int commit;           /* 0: dry run, nothing written */
    const char *plan;     /* commit: the plan digest the dry run printed (required) */
    const char *reviewer; /* commit: the reviewer (a county reviewer or an administrator) */
} jy_redecide_request;

/* Dry run: every open case (state not final, no money committed, not a class application)
 * decided again under the version from its stored facts and conflict findings, without
 * writing; out gets {"county","version","plan","cases":N,"changed":[{case,program,person,
 * version_before,decision_before,amount_before,decision_after,amount_after,clauses}],
 * "unchanged":N,"held":[…changes on cases whose money is committed: not applied],
 * "unreadable":[{case,error}: cases whose stored facts the version's rules cannot read (a fact
 * it no longer declares): left as they are]}. plan is a
 * digest of the changes listed; commit recomputes it and refuses (JY_ECONFLICT) when it
 * differs (the cases changed since the dry run), else writes every re-decided case in one
 * transaction (history step "redecide", audit entry per case, policy_version set) and records
 * the re-decision (audited). Committing the same plan again writes nothing and answers the
 * first commit's figures (changed_count, restamped, reviewer, at) with "already":true. Closed and paid cases never change. */
int jy_versions_redecide(jy_cases *cs, const jy_redecide_request *rq, const char *actor, jy_sb *out, jy_err *err);

/* {"id","hash","enacted_on","applies_from","note"} of version id, or null when id is 0. */
int jy_versions_brief_json(jy_store *st, int64_t id, jy_sb *out, jy_err *err);

#endif
