/* settings_schema.h — migration 11 (issue 13): the county's settings (unit name, bank-file
 * encoding and layout) and the transfer a payment-batch line belongs to. Included by
 * store_sqlite_schema.h and store_pg_schema.h. Released migrations are never edited.
 *
 * settings         one value per county × key (jy_store_setting_set, service/settings.h lists the
 *                  keys); every change is audited (entity "setting").
 * pay_batch_lines.transfer_no
 *                  the transfer (one row of the bank file) the line is paid in: a batch's lines
 *                  to the same payee account share one number; NULL on lines built before this
 *                  migration (read as the line number: one transfer per line, as they were). */
#ifndef JY_STORE_SETTINGS_SCHEMA_H
#define JY_STORE_SETTINGS_SCHEMA_H

#define JY_SETTINGS_MIGRATION(I)                                   \
    "CREATE TABLE settings (\n"                                    \
    "  county text NOT NULL,\n"                                    \
    "  key text NOT NULL,\n"                                       \
    "  value text NOT NULL,\n"                                     \
    "  updated_by text NOT NULL,\n"                                \
    "  updated_at text NOT NULL,\n"                                \
    "  PRIMARY KEY (county, key)\n"                                \
    ");\n"                                                         \
    "ALTER TABLE pay_batch_lines ADD COLUMN transfer_no " I ";\n"  \
    "CREATE INDEX pay_batch_lines_transfer ON pay_batch_lines(batch_id, transfer_no);\n"

static const char jy_sqlite_migration_11[] = JY_SETTINGS_MIGRATION("INTEGER");
static const char jy_pg_migration_11[] = JY_SETTINGS_MIGRATION("bigint");

#endif
