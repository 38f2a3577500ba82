/* api_store.h — the HTTP API's idempotency keys in the database (issue 11; migration 6,
 * api_schema.h). The rules (which routes honour a key, how long keys live, how the answer is
 * replayed) are the API's (src/http/api.c); this file only keeps the rows. */
#ifndef JY_API_STORE_H
#define JY_API_STORE_H

#include <stdint.h>

#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

typedef struct jy_idem {
    char method[8];
    char path[256];
    char body_hash[65]; /* SHA-256 of the request body, hex */
    int status;         /* 0 while the first request is still running */
    int64_t created_at;
} jy_idem;

/* Claims (user, key) for a request: 1 when the row is new (the caller runs the request and then
 * calls jy_store_idem_finish); 0 when a row exists (*out filled and *response the stored answer,
 * when response is not NULL). Rows older than expire_before are removed first. */
int jy_store_idem_claim(jy_store *st, int64_t user_id, const char *key, const jy_idem *req, int64_t expire_before,
                        jy_idem *out, jy_sb *response, jy_err *err);
/* Stores the answer of a claimed key. */
int jy_store_idem_finish(jy_store *st, int64_t user_id, const char *key, int status, const char *response,
                         jy_err *err);
/* Forgets a claimed key whose request failed before it answered (so it may be tried again). */
int jy_store_idem_drop(jy_store *st, int64_t user_id, const char *key, jy_err *err);

#endif
