/* run_lock.h — a lock on one long-running job (a payment batch's run), held by one store handle
 * across many transactions and released when the job ends or its process dies.
 *
 * Why not a transaction: a batch run pays each line in its own transaction, so that a run cut
 * short (a crash, kill -9, a lost connection) keeps the lines it paid and the next run pays the
 * rest. Two runs of the same batch at once must still not interleave: exactly one runs, every
 * other is refused with a conflict naming the batch (issue 3). The lock lives outside the data,
 * so a dead run never leaves a stale claim behind:
 *   SQLite      an open-file-description lock (F_OFD_SETLK) on one byte of "<database>-runs",
 *               the byte at the job's key; the kernel drops it when the descriptor is closed or
 *               the process dies. Threads of one process each hold their own (OFD locks belong
 *               to the open file, not to the process). An in-memory database has one process
 *               and one connection: the lock is granted without a file.
 *   PostgreSQL  a session-level advisory lock, pg_try_advisory_lock(class, id), released by
 *               pg_advisory_unlock or when the connection closes.
 * Neither waits: a held lock is refused at once. */
#ifndef JY_RUN_LOCK_H
#define JY_RUN_LOCK_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Kinds of job, each its own key space. */
enum { JY_RUN_BATCH = 1 };

typedef struct jy_run_lock jy_run_lock;

/* Takes the lock of job (kind, id) for st's database. On success *out is the held lock (free it
 * with jy_run_unlock, before closing st). When another handle — of this or any process — holds
 * it, returns JY_ECONFLICT with the message "<what> is being run by another process right now";
 * the caller usually replaces the message with one naming the job. Must be called outside a
 * transaction (on PostgreSQL a failed statement would abort it). */
int jy_run_lock_take(jy_store *st, int kind, int64_t id, jy_run_lock **out, jy_err *err);

/* Releases and frees the lock; NULL is a no-op. Never fails (a release that the database
 * refuses ends with the connection anyway). */
void jy_run_unlock(jy_run_lock *l);

#endif
