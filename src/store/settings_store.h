/* settings_store.h — the county's settings (migration 11, settings_schema.h): one text value per
 * county × key, every change audited (entity "setting", action "set"). Which keys exist and what
 * they may hold is the service's business (service/settings.h). Both backends; the statements
 * run through the ledger's runners (ledger_db.h) on the handle's connection. */
#ifndef JY_STORE_SETTINGS_STORE_H
#define JY_STORE_SETTINGS_STORE_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

typedef struct jy_setting {
    char county[7];
    char key[48];
    char value[512];
    char updated_by[64];
    char updated_at[32];
} jy_setting;

/* JY_ENOTFOUND when county has no value for key. */
int jy_store_setting_get(jy_store *st, const char *county, const char *key, jy_setting *out, jy_err *err);
/* Writes (or replaces) the value in its own transaction or the caller's, with its audit entry;
 * a value equal to the stored one changes nothing (*changed 0; changed may be NULL). */
int jy_store_setting_set(jy_store *st, const char *county, const char *key, const char *value, const char *actor,
                         int *changed, jy_err *err);
/* The county's settings in key order. */
int jy_store_settings_list(jy_store *st, const char *county, int (*fn)(void *ctx, const jy_setting *s), void *ctx,
                           jy_err *err);

#endif
