/* auth_schema.h — migration 5 (issue 11): accounts, sessions and the second factor, SQLite and
 * PostgreSQL dialects of the same tables (included by store_sqlite_schema.h and
 * store_pg_schema.h, which list it as migration 5). Released migrations are never edited.
 * docs/security.md explains what each column is for; auth_store.h is their only door.
 *
 * users.person_id    the person an applicant's account speaks for (ownership: an applicant
 *                    sees its own cases), beside users.org_id (a training body's or employer's).
 * user_credentials   one row per account that can log in: the argon2id hash in libsodium's
 *                    crypto_pwhash_str form ("$argon2id$v=19$m=…,t=…,p=1$salt$hash", the
 *                    parameters travel with the hash), must_change (an administrator set the
 *                    password: it must be changed at first login), the failure counter and the
 *                    automatic lock (locked_until, unix seconds), the administrator's lock
 *                    (disabled), and the TOTP secret sealed with the deployment's key file
 *                    (XChaCha20-Poly1305, "" when none) with the last time step used (replay).
 * user_recovery_codes the second factor's recovery codes, SHA-256 of each (they carry 80 random
 *                    bits, so a fast hash is enough), used_at set when spent (unix seconds).
 * sessions           one row per login: only the SHA-256 of the token (the token itself is
 *                    never stored) and of the CSRF token, created/last-seen times (unix seconds)
 *                    for the absolute and idle limits, whether the second factor is done, and
 *                    the address the login came from.
 * login_addresses    failed logins per client address in a fixed window, and the address lock.
 *
 * Times here are unix seconds (integers), not ISO text: the service compares them with its
 * clock on every request. These tables have no county: accounts are scoped by users.area. */
#ifndef JY_AUTH_SCHEMA_H
#define JY_AUTH_SCHEMA_H

/* ID: the primary-key type; I: the integer type. */
#define JY_AUTH_TABLES(ID, I)                                                                     \
    "ALTER TABLE users ADD COLUMN person_id " I " REFERENCES persons(id);\n"                     \
    "CREATE TABLE user_credentials (\n"                                                           \
    "  user_id " I " PRIMARY KEY REFERENCES users(id),\n"                                        \
    "  password_hash text NOT NULL DEFAULT '',\n"                                                 \
    "  must_change " I " NOT NULL DEFAULT 1,\n"                                                   \
    "  password_set_at " I " NOT NULL DEFAULT 0,\n"                                               \
    "  failures " I " NOT NULL DEFAULT 0,\n"                                                      \
    "  locked_until " I " NOT NULL DEFAULT 0,\n"                                                  \
    "  disabled " I " NOT NULL DEFAULT 0,\n"                                                      \
    "  totp_secret text NOT NULL DEFAULT '',\n"                                                   \
    "  totp_enabled " I " NOT NULL DEFAULT 0,\n"                                                  \
    "  totp_last_step " I " NOT NULL DEFAULT 0\n"                                                 \
    ");\n"                                                                                        \
    "CREATE TABLE user_recovery_codes (\n"                                                        \
    "  id " ID ",\n"                                                                              \
    "  user_id " I " NOT NULL REFERENCES users(id),\n"                                           \
    "  code_hash text NOT NULL,\n"                                                                \
    "  used_at " I " NOT NULL DEFAULT 0,\n"                                                       \
    "  UNIQUE (user_id, code_hash)\n"                                                             \
    ");\n"                                                                                        \
    "CREATE TABLE sessions (\n"                                                                   \
    "  id " ID ",\n"                                                                              \
    "  token_hash text NOT NULL UNIQUE CHECK (length(token_hash) = 64),\n"                        \
    "  csrf_hash text NOT NULL CHECK (length(csrf_hash) = 64),\n"                                 \
    "  user_id " I " NOT NULL REFERENCES users(id),\n"                                           \
    "  created_at " I " NOT NULL,\n"                                                              \
    "  last_seen " I " NOT NULL,\n"                                                               \
    "  second_factor_done " I " NOT NULL DEFAULT 0,\n"                                            \
    "  address text NOT NULL DEFAULT ''\n"                                                        \
    ");\n"                                                                                        \
    "CREATE INDEX sessions_user ON sessions(user_id);\n"                                          \
    "CREATE TABLE login_addresses (\n"                                                            \
    "  address text PRIMARY KEY,\n"                                                               \
    "  window_start " I " NOT NULL,\n"                                                            \
    "  failures " I " NOT NULL DEFAULT 0,\n"                                                      \
    "  locked_until " I " NOT NULL DEFAULT 0\n"                                                   \
    ");\n"

static const char jy_sqlite_migration_5[] = JY_AUTH_TABLES("INTEGER PRIMARY KEY", "INTEGER");

static const char jy_pg_migration_5[] = JY_AUTH_TABLES("bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "bigint");

#endif
