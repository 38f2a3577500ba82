/* idempotency.h — idempotency keys for the requests that approve or commit money (issue 10
 * item 6): `--idempotency-key K` on the CLI today, the HTTP Idempotency-Key header later, both
 * passed to the same service function (ledger.h, payment.h, payroll.h *_request / commit).
 *
 * The first request with a key does its work and records, in the same transaction, the key, the
 * operation, the request (a canonical text the service builds from its arguments), the actor and
 * the answer. The same key with the same operation, request and actor repeats that answer and
 * changes nothing; the same key with anything else is refused (JY_ECONFLICT, an HTTP 409),
 * naming what the key was first used for. A request that fails records nothing, so it can be
 * retried with its key. Keys live in the table idempotency_keys (store/ledger_guard.h), so they
 * hold across processes and restarts. docs/ledger.md "Idempotency keys". */
#ifndef JY_SERVICE_IDEMPOTENCY_H
#define JY_SERVICE_IDEMPOTENCY_H

#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

/* 1 … 128 visible ASCII characters (0x21–0x7e). */
#define JY_IDEM_KEY_MAX 128
int jy_idem_key_check(const char *key, jy_err *err);

/* The work of a request: runs inside the transaction jy_idem_run opened and appends the answer
 * (the text the caller prints, JSON) to response. */
typedef int (*jy_idem_body)(void *ctx, jy_sb *response, jy_err *err);

/* Runs body once for key (NULL or "": no key — body runs, nothing is recorded). *replayed
 * (may be NULL) is 1 when the answer is the recorded one of an earlier request. county names
 * the books the request touches (recorded with the key). */
int jy_idem_run(jy_store *st, const char *key, const char *operation, const char *county, const char *request,
                const char *actor, jy_idem_body body, void *ctx, jy_sb *response, int *replayed, jy_err *err);

#endif
