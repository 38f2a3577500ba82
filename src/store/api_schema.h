/* api_schema.h — migration 6 (issue 11): the HTTP API's idempotency keys, SQLite and PostgreSQL
 * dialects of the same table (included by store_sqlite_schema.h and store_pg_schema.h).
 * Released migrations are never edited.
 *
 * api_idempotency   one row per (user, Idempotency-Key) of a POST that files or pays: the
 *                   request's method, path and the SHA-256 of its body (the same key with
 *                   another request is refused), and the first answer (status and body), which
 *                   a repeat of the request gets again instead of a second filing or payment.
 *                   created_at (unix seconds) lets old keys expire (24 hours). */
#ifndef JY_API_SCHEMA_H
#define JY_API_SCHEMA_H

#define JY_API_TABLES(I)                                                                  \
    "CREATE TABLE api_idempotency (\n"                                                    \
    "  user_id " I " NOT NULL,\n"                                                         \
    "  idem_key text NOT NULL,\n"                                                         \
    "  method text NOT NULL,\n"                                                           \
    "  path text NOT NULL,\n"                                                             \
    "  body_hash text NOT NULL,\n"                                                        \
    "  status " I " NOT NULL DEFAULT 0,\n"                                                \
    "  response text NOT NULL DEFAULT '',\n"                                              \
    "  created_at " I " NOT NULL,\n"                                                      \
    "  PRIMARY KEY (user_id, idem_key)\n"                                                 \
    ");\n"                                                                                \
    "CREATE INDEX api_idempotency_created ON api_idempotency(created_at);\n"

static const char jy_sqlite_migration_6[] = JY_API_TABLES("INTEGER");
static const char jy_pg_migration_6[] = JY_API_TABLES("bigint");

#endif
