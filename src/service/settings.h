/* settings.h — the county's settings (设置) that shape the papers jiuye hands out (issue 13):
 *
 *   unit_name      填报单位: the unit's name on every report (海原县就业创业和人才服务局)
 *   bank_encoding  the bank file's (代发文件) CSV encoding: gb18030 (Excel on Chinese Windows,
 *                  most bank upload tools) or utf-8-bom
 *   bank_layout    the bank-file layout used when export names none (policy/bank-layouts/NAME.layout)
 *
 * Stored per county (store/settings_store.h, migration 11); setting one is the `settings`
 * operation of policy/workflows.txt (county_reviewer, admin). docs/reports.md, docs/ledger.md. */
#ifndef JY_SERVICE_SETTINGS_H
#define JY_SERVICE_SETTINGS_H

#include <stddef.h>

#include "base/err.h"
#include "base/sb.h"
#include "service/case.h"
#include "store/store.h"

/* The known keys, NULL-ended. */
extern const char *const jy_settings_keys[];

/* Checks key and value (an unknown key, an empty or over-long unit name, an encoding other than
 * gb18030 / utf-8-bom, a layout name that is not a word), checks the actor's role for the
 * `settings` operation on county, and stores it (audited). */
int jy_settings_set(jy_cases *cs, const char *county, const char *key, const char *value, const char *actor,
                    jy_err *err);
/* The value of key for county, else its default ("" for unit_name, "gb18030", "generic"). */
void jy_settings_get(jy_store *st, const char *county, const char *key, char *out, size_t cap);
/* The unit's name for report headings: unit_name, else the county code (as before the setting;
 * `jiuye settings set unit_name NAME` names it). */
void jy_settings_unit_name(jy_store *st, const char *county, char *out, size_t cap);
/* {"county":…,"settings":[{"key","value","default","updated_by","updated_at"}…]} — every known key. */
int jy_settings_show_json(jy_store *st, const char *county, jy_sb *out, jy_err *err);

#endif
