/* run_lock.c — job locks (run_lock.h): an OFD byte lock next to a SQLite database, a session
 * advisory lock on PostgreSQL. */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "store/run_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store_impl.h"

struct jy_run_lock {
    jy_store *st; /* PostgreSQL: the connection that holds it; NULL on SQLite */
    int fd;       /* SQLite: the lock file's descriptor, -1 when none (in-memory database) */
    int64_t key;
};

/* One 64-bit key per job: "jy" in the top 16 bits, the kind in the next 8, the id in the low 40.
 * On PostgreSQL it is the bigint advisory-lock key (the writer lock's key, 1785296249, never
 * has these top bits); on SQLite the byte offset locked in the lock file. */
static int64_t job_key(int kind, int64_t id)
{
    return ((int64_t)0x6A79 << 48) | ((int64_t)(kind & 0xFF) << 40) | (id & (((int64_t)1 << 40) - 1));
}

static int take_sqlite(jy_run_lock *l, jy_err *err)
{
    const char *db = sqlite3_db_filename(jy_store_sqlite_db(l->st), "main");
    l->st = NULL;
    if (!db || !*db) return 0; /* in-memory: one connection, nobody to race */
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s-runs", db) >= sizeof path)
        return jy_err_set2(err, JY_EIO, "store.lock.path_long", "database path too long for its lock file: %s",
                           "数据库路径过长，无法建立锁文件：%s", db);
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (l->fd < 0)
        return jy_err_set2(err, JY_EIO, "store.lock.open", "cannot open the lock file %s: %s", "无法打开锁文件 %s：%s",
                           path, strerror(errno));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)l->key, .l_len = 1};
    if (fcntl(l->fd, F_OFD_SETLK, &fl) == 0) return 0;
    int e = errno;
    close(l->fd);
    l->fd = -1;
    if (e == EAGAIN || e == EACCES)
        return jy_err_set2(err, JY_ECONFLICT, "store.lock.busy", "the job is being run by another process right now",
                           "该任务此刻正由另一个进程运行");
    return jy_err_set2(err, JY_EIO, "store.lock.lock", "cannot lock %s: %s", "无法锁定 %s：%s", path, strerror(e));
}

/* Runs "SELECT fn($1::bigint)" and returns the boolean (pg_try_advisory_lock / _unlock). */
static int pg_lock_call(jy_run_lock *l, const char *sql, int *answer, jy_err *err)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, l->key);
    const char *vals[1] = {key};
    PGresult *r = PQexecParams(jy_store_pg_conn(l->st), sql, 1, NULL, vals, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        rc = jy_err_set2(err, JY_EDB, "store.lock.pg", "job lock: %s", "任务锁出错：%s",
                         PQerrorMessage(jy_store_pg_conn(l->st)));
    else
        *answer = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return rc;
}

int jy_run_lock_take(jy_store *st, int kind, int64_t id, jy_run_lock **out, jy_err *err)
{
    *out = NULL;
    jy_run_lock *l = calloc(1, sizeof *l);
    if (!l) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    l->st = st;
    l->fd = -1;
    l->key = job_key(kind, id);
    int rc, got = 0;
    if (strcmp(st->ops->name, "postgresql") == 0) {
        rc = pg_lock_call(l, "SELECT pg_try_advisory_lock($1::bigint)", &got, err);
        if (rc == 0 && !got)
            rc = jy_err_set2(err, JY_ECONFLICT, "store.lock.busy", "the job is being run by another process right now",
                             "该任务此刻正由另一个进程运行");
    } else {
        rc = take_sqlite(l, err);
    }
    if (rc) {
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void jy_run_unlock(jy_run_lock *l)
{
    if (!l) return;
    if (l->st) {
        int released = 0;
        jy_err ignored = {0};
        (void)pg_lock_call(l, "SELECT pg_advisory_unlock($1::bigint)", &released, &ignored);
    }
    if (l->fd >= 0) close(l->fd); /* closing the descriptor drops its OFD lock */
    free(l);
}
