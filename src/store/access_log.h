/* access_log.h — the access log (查询日志, issue 11 item 6): who saw personal data unmasked, or
 * exported it, when, what, why and from where; and who asked for it and was refused. Store
 * layer: the SQL is in access_log.c, one statement text for both backends (ledger_db.h's
 * runners); the table is migration 5 (access_log_schema.h). The service that decides who may
 * unmask and writes these entries is src/service/privacy.h; docs/privacy.md.
 *
 * The table is append-only: there is no update or delete here, and triggers refuse them in
 * the database. */
#ifndef JY_ACCESS_LOG_H
#define JY_ACCESS_LOG_H

#include <stdint.h>

#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

typedef struct jy_access_entry {
    int64_t id;         /* filled by append */
    char at[32];        /* filled by append (store clock, jy_store_now) */
    char county[7];     /* the county of what was viewed; "" when not one county */
    char actor[64];     /* the acting user */
    char role[32];      /* its role at the time */
    char origin[160];   /* from where: "cli:alice@host", "http:203.0.113.5" */
    char action[12];    /* "view", "export" or "refused" */
    char entity[32];    /* "person", "org", "pay_batch", "report", "audit_log" */
    char target[512];   /* the ids viewed or the query that chose them */
    char reason[512];   /* why (required) */
} jy_access_entry;

/* Appends e (id and at filled) in its own transaction, or in the caller's. JY_EINVAL naming
 * the field when actor, origin, entity or reason is empty, action is not one of the three, or
 * a text does not fit its field (nothing is cut silently). On a scoped handle, e->county must
 * lie within the scope (JY_ECONFLICT otherwise); an empty county is recorded as the scope. */
int jy_store_access_log_append(jy_store *st, jy_access_entry *e, jy_err *err);

typedef struct jy_access_filter {
    const char *actor;  /* NULL or "": every user */
    const char *since;  /* NULL or "": from the start; else "YYYY-MM-DD" (or a longer ISO time) */
    int64_t after_id;   /* entries with id > after_id */
    int limit;          /* 0: all */
} jy_access_filter;

/* Entries matching f in id order; on a scoped handle only those whose county lies within the
 * scope. fn returning non-zero stops the walk. */
int jy_store_access_log_list(jy_store *st, const jy_access_filter *f,
                             int (*fn)(void *ctx, const jy_access_entry *e), void *ctx, jy_err *err);

/* The entry as one JSON object: {"id","at","county","actor","role","origin","action","entity",
 * "target","reason"}. */
void jy_access_entry_json(jy_sb *sb, const jy_access_entry *e);

#endif
