/* import_store.h — the HTTP API's roster import jobs in the database (issue 11; migration 10,
 * import_schema.h). What a job does (running the importer on an upload, who may see it) is the
 * API's (src/http/api_import.c); this file keeps the rows. Reads keep to the handle's county
 * scope (jy_store_set_scope): a job of another county is "not found". */
#ifndef JY_IMPORT_STORE_H
#define JY_IMPORT_STORE_H

#include <stdint.h>

#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

typedef struct jy_import_job {
    int64_t id;
    char county[7];      /* the uploader's county (the first six digits of area, or the server's) */
    char area[13];       /* the uploader's area: who may see the job */
    int64_t user_id;
    char actor[64];
    char kind[16];       /* persons | orgs | attendance */
    char file_name[256];
    char format[8];      /* csv | xlsx ("" until known) */
    int64_t bytes;
    char program[4];     /* attendance: P13 …; "" otherwise */
    char month[8];       /* attendance: YYYY-MM */
    char state[12];      /* running | done | failed */
    int64_t rows, created, updated, unchanged, rejected;
    char message[512];   /* failed: why */
    int64_t started_at, finished_at; /* unix seconds; finished_at 0 while running */
} jy_import_job;

/* Inserts j (state running; id filled). */
int jy_store_import_job_start(jy_store *st, jy_import_job *j, jy_err *err);
/* Stores the outcome of job j->id: state, format, counts, message, the summary JSON and the error
 * report (CSV text; "" when none). */
int jy_store_import_job_finish(jy_store *st, const jy_import_job *j, const char *summary, const char *errors,
                               jy_err *err);
/* One job (JY_ENOTFOUND when none or outside the handle's scope); summary and errors (either may
 * be NULL) receive the texts. */
int jy_store_import_job_get(jy_store *st, int64_t id, jy_import_job *out, jy_sb *summary, jy_sb *errors,
                            jy_err *err);
/* Jobs in id order after after_id whose area starts with area_prefix ("" all), at most limit
 * (0: all); summary and errors are not read. fn returning non-zero stops the walk. */
int jy_store_import_job_list(jy_store *st, const char *area_prefix, int64_t after_id, int limit,
                             int (*fn)(void *ctx, const jy_import_job *j), void *ctx, jy_err *err);

#endif
