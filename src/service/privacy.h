/* privacy.h — personal data (个人信息) in what jiuye shows (issue 11 item 6): masked by default,
 * whole only for a user whose role holds the permission and who gives a reason, and then
 * written to the access log (查询日志; store/access_log.h). docs/privacy.md.
 *
 * The rule for a caller (CLI command, later an HTTP route) that shows personal data:
 *   1. jy_privacy_req_check the request (--unmask needs --reason);
 *   2. without unmask: mask the records (jy_privacy_mask_*) and show them;
 *   3. with unmask: jy_privacy_grant first — it checks the role, writes the access-log entry
 *      (or a "refused" one) and only when it returns 0 may the values be shown whole. Nothing
 *      unmasked is shown or written before the entry is committed.
 *
 * Who may (jy_privacy_role_may; roles by name, so roles that src/service/users.h does not list
 * yet — finance, auditor — are understood already):
 *   JY_PRIV_UNMASK       persons, organisations, rosters:
 *                        admin, county_reviewer, city_reviewer, finance
 *   JY_PRIV_BANK         payees' accounts (batch show, the bank file for payment) and the audit
 *                        log's images, which hold accounts too: finance, admin
 *   JY_PRIV_ACCESS_LOG   reading the access log: auditor, admin
 * In the bootstrap state (no user registered yet, users.h) the actor is treated as admin. */
#ifndef JY_SERVICE_PRIVACY_H
#define JY_SERVICE_PRIVACY_H

#include "base/err.h"
#include "base/sb.h"
#include "service/report.h"
#include "store/access_log.h"
#include "store/store.h"

enum jy_privacy_perm {
    JY_PRIV_UNMASK = 1, /* personal data of persons and organisations, rosters */
    JY_PRIV_BANK,       /* payees' accounts: batch show, the bank file; the audit log's images */
    JY_PRIV_ACCESS_LOG, /* reading the access log */
};

/* 1 when a user of role (its name: "admin", "finance" …) holds perm. */
int jy_privacy_role_may(const char *role, int perm);
/* The roles that hold perm, "admin, finance" (for messages and docs). */
const char *jy_privacy_roles(int perm);

/* One request to see data, as the caller knows it. */
typedef struct jy_access_req {
    const char *actor;  /* the acting user (--as; the session's user) */
    const char *origin; /* from where: "cli:alice@host", "http:203.0.113.5" */
    int unmask;         /* 1: the unmasked view is asked for */
    const char *reason; /* why (required with unmask), NULL otherwise */
} jy_access_req;

#define JY_PRIVACY_REASON_MAX 500 /* bytes */

/* JY_EUSAGE when unmask is asked without a reason (or a reason given without unmask), JY_EINVAL
 * when the reason is blank or longer than JY_PRIVACY_REASON_MAX bytes. */
int jy_privacy_req_check(const jy_access_req *rq, jy_err *err);

/* The actor's role name into role (32 bytes): "admin" in the bootstrap state; JY_ENOTFOUND
 * ("user X is not registered") when users exist and actor is not one of them. */
int jy_privacy_actor_role(jy_store *st, const char *actor, char role[32], jy_err *err);

/* The unmasked view of entity (person, org, pay_batch, report, audit_log) for rq: when the
 * actor's role holds perm, appends the access-log entry (action "view" or "export", county,
 * target: the ids or query) and returns 0. Otherwise appends a "refused" entry with the same
 * what and why and returns JY_ECONFLICT naming the role and the roles that may (an actor that
 * is not registered: JY_ENOTFOUND, also logged as refused). JY_EUSAGE/JY_EINVAL as
 * jy_privacy_req_check, before anything is written. */
int jy_privacy_grant(jy_store *st, const jy_access_req *rq, int perm, const char *action, const char *entity,
                     const char *county, const char *target, jy_err *err);

/* 0 when actor may read the access log (JY_PRIV_ACCESS_LOG); JY_ECONFLICT naming the roles
 * that may otherwise. */
int jy_privacy_may_read_log(jy_store *st, const char *actor, jy_err *err);

/* ---- masking the records (in place; idempotent) ---- */

/* ID number, phone. Name, address and the rest stay: staff work with them (docs/privacy.md). The
 * birth date, a jy_date, cannot be masked in the struct: jy_privacy_person_json does it. */
void jy_privacy_mask_person(jy_person *p);
/* The person as jy_person_json writes it; masked when masked is 1: ID number, phone, and the
 * birth date to its year (with the date, the masked ID number's hidden digits would be known). */
void jy_privacy_person_json(jy_sb *sb, const jy_person *p, int masked);
/* A disability status: kind kept as the enum (callers render it), detail → "***";
 * jy_privacy_status_json renders a masked one with kind and label "***". */
void jy_privacy_mask_status(jy_person_status *s);
/* The status as jy_person_status_json writes it, masked when masked is 1. */
void jy_privacy_status_json(jy_sb *sb, const jy_person_status *s, int masked);
/* Basic account and phone. */
void jy_privacy_mask_org(jy_org *o);
/* Payee's ID number (a USCC stays) and account. */
void jy_privacy_mask_batch_line(jy_batch_line *l);
/* Every text cell of a report: columns idcard, phone, account by their form, the disability
 * values as "***", any other text by the free-text rules (domain/mask.h jy_mask_text). */
void jy_privacy_mask_report(jy_report *r);
/* The JSON text in sb (an object, JSON lines) masked by domain/mask.h jy_mask_json. */
void jy_privacy_mask_json(jy_sb *sb);
/* Free text (a message) in sb masked by jy_mask_text. */
void jy_privacy_mask_text(jy_sb *sb);

#endif
