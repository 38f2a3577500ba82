/* store_backup.c — jy_store_backup / jy_store_restore (store.h) for both backends.
 *
 * SQLite: the online backup API (sqlite3_backup_*) on connections of its own, so a backup runs
 * while servers keep writing (it copies a consistent snapshot) and needs nothing from the open
 * handles. The backup is written beside the target and renamed into place, so a failed backup
 * never leaves half a file under the asked name.
 * PostgreSQL: pg_dump --format=custom and pg_restore, started with posix_spawnp (no shell: the
 * URL and the file name are single arguments, never parsed). Their messages go to stderr. */
#include "store/store_impl.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/file.h"

extern char **environ;

static int is_pg(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static const char *sqlite_path(const char *url)
{
    if (strncmp(url, "sqlite://", 9) == 0) return url + 9;
    if (strncmp(url, "sqlite:", 7) == 0) return url + 7;
    return url;
}

/* The Chinese of what ("backup" or "restore"), for the messages' Chinese texts. */
static const char *what_zh(const char *what)
{
    return strcmp(what, "backup") == 0 ? "备份" : strcmp(what, "restore") == 0 ? "恢复" : what;
}

/* Copies the whole database src into dst (both paths) with the online backup API. */
static int sqlite_copy(const char *src, int src_flags, const char *dst, const char *what, jy_err *err)
{
    sqlite3 *s = NULL, *d = NULL;
    sqlite3_backup *b = NULL;
    int rc = 0, src_rc;
    if ((src_rc = sqlite3_open_v2(src, &s, src_flags, NULL)) != SQLITE_OK) {
        rc = jy_err_set2(err, JY_EIO, "store.backup.open", "%s: cannot open %s: %s%.0s",
                         "%4$s：无法打开 %2$s：%3$s%1$.0s", what, src, s ? sqlite3_errmsg(s) : sqlite3_errstr(src_rc),
                         what_zh(what));
        goto done;
    }
    sqlite3_busy_timeout(s, 10000);
    if ((src_rc = sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) != SQLITE_OK) {
        rc = jy_err_set2(err, JY_EIO, "store.backup.open", "%s: cannot open %s: %s%.0s",
                         "%4$s：无法打开 %2$s：%3$s%1$.0s", what, dst, d ? sqlite3_errmsg(d) : sqlite3_errstr(src_rc),
                         what_zh(what));
        goto done;
    }
    sqlite3_busy_timeout(d, 10000);
    b = sqlite3_backup_init(d, "main", s, "main");
    if (!b) {
        rc = jy_err_set2(err, JY_EDB, "store.backup.db", "%s: %s%.0s", "%3$s时数据库出错：%2$s%1$.0s", what, sqlite3_errmsg(d),
                         what_zh(what));
        goto done;
    }
    /* copy in steps of 1024 pages so writers get the lock between steps */
    do {
        src_rc = sqlite3_backup_step(b, 1024);
        if (src_rc == SQLITE_BUSY || src_rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (src_rc == SQLITE_OK || src_rc == SQLITE_BUSY || src_rc == SQLITE_LOCKED);
    int fin = sqlite3_backup_finish(b);
    b = NULL;
    if (src_rc != SQLITE_DONE || fin != SQLITE_OK)
        rc = jy_err_set2(err, JY_EDB, "store.backup.copy", "%s: copying %s to %s failed: %s%.0s",
                         "%5$s：将 %2$s 复制到 %3$s 失败：%4$s%1$.0s", what, src, dst, sqlite3_errmsg(d), what_zh(what));
done:
    if (b) sqlite3_backup_finish(b);
    sqlite3_close(s);
    sqlite3_close(d);
    return rc;
}

/* Runs argv[0] (looked up in PATH) with argv, waits, and turns a failure into err. */
static int run_tool(char *const argv[], const char *what, jy_err *err)
{
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (e != 0)
        return jy_err_set2(err, JY_EIO, "store.backup.spawn",
                           "%s: cannot start %s: %s (install the PostgreSQL client tools)%.0s",
                           "%4$s：无法启动 %2$s：%3$s（请安装 PostgreSQL 客户端工具）%1$.0s", what, argv[0],
                           strerror(e), what_zh(what));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return jy_err_set2(err, JY_EIO, "store.backup.wait", "%s: waiting for %s: %s%.0s",
                               "%4$s：等待 %2$s 时出错：%3$s%1$.0s", what, argv[0], strerror(errno), what_zh(what));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status))
        return jy_err_set2(err, JY_EDB, "store.backup.exit", "%s: %s exited with status %d (its message is above)%.0s",
                           "%4$s：%2$s 以状态 %3$d 退出（它的提示见上方）%1$.0s", what, argv[0], WEXITSTATUS(status),
                           what_zh(what));
    return jy_err_set2(err, JY_EDB, "store.backup.killed", "%s: %s was killed by signal %d%.0s",
                       "%4$s：%2$s 被信号 %3$d 终止%1$.0s", what, argv[0], WTERMSIG(status), what_zh(what));
}

int jy_store_backup(const char *url, const char *path, jy_err *err)
{
    if (!url || !*url || !path || !*path)
        return jy_err_set2(err, JY_EINVAL, "store.backup.args", "backup: give a database and a file",
                           "备份：请给出数据库和备份文件");
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp)
        return jy_err_set2(err, JY_EINVAL, "store.backup.name_long", "backup: file name too long", "备份：文件名过长");
    unlink(tmp);
    /* the backup holds every ID number and bank account: 0600 before anything is written to
     * it (pg_dump and SQLite open the existing file and keep its mode) */
    if (jy_file_make_private(tmp) != 0)
        return jy_err_set2(err, JY_EIO, "store.backup.create", "backup: cannot create %s: %s", "备份：无法创建 %s：%s",
                           tmp, strerror(errno));
    int rc;
    if (is_pg(url)) {
        char *const argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", tmp,
                              "--dbname", (char *)url, NULL};
        rc = run_tool(argv, "backup", err);
    } else {
        const char *src = sqlite_path(url);
        struct stat sb;
        if (stat(src, &sb) != 0) {
            unlink(tmp);
            return jy_err_set2(err, JY_ENOTFOUND, "store.backup.no_db", "backup: no database file %s",
                               "备份：数据库文件 %s 不存在", src);
        }
        rc = sqlite_copy(src, SQLITE_OPEN_READONLY, tmp, "backup", err);
    }
    if (rc == 0 && rename(tmp, path) != 0)
        rc = jy_err_set2(err, JY_EIO, "store.backup.rename", "backup: cannot rename %s to %s: %s",
                         "备份：无法将 %s 重命名为 %s：%s", tmp, path, strerror(errno));
    if (rc) unlink(tmp);
    return rc;
}

int jy_store_restore(const char *url, const char *path, jy_err *err)
{
    if (!url || !*url || !path || !*path)
        return jy_err_set2(err, JY_EINVAL, "store.restore.args", "restore: give a database and a file",
                           "恢复：请给出数据库和备份文件");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.restore.no_file", "restore: no backup file %s",
                           "恢复：备份文件 %s 不存在", path);
    int rc, holds = 0;
    if (is_pg(url)) {
        if ((rc = jy_store_pg_holds_records(url, &holds, err))) return rc;
        if (holds)
            return jy_err_set2(err, JY_ECONFLICT, "store.restore.not_empty_pg",
                              "restore: the target database already holds records; restore into a fresh database", "恢复：目标数据库中已有记录；请恢复到一个新的空数据库");
        /* --clean drops the empty tables a `jiuye init` may have made; one transaction: all or nothing */
        char *const argv[] = {"pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                              "--single-transaction", "--exit-on-error", "--dbname", (char *)url, (char *)path, NULL};
        rc = run_tool(argv, "restore", err);
    } else {
        const char *dst = sqlite_path(url);
        /* the file must be a jiuye SQLite database: check before touching the target */
        sqlite3 *chk = NULL;
        sqlite3_stmt *s = NULL;
        int ok = sqlite3_open_v2(path, &chk, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
                 sqlite3_prepare_v2(chk, "SELECT max(version) FROM schema_migrations", -1, &s, NULL) == SQLITE_OK &&
                 sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
        sqlite3_close(chk);
        if (!ok)
            return jy_err_set2(err, JY_EINVAL, "store.restore.not_backup", "restore: %s is not a jiuye SQLite backup",
                               "恢复：%s 不是 jiuye 的 SQLite 备份文件", path);
        if (stat(dst, &sb) == 0 && sb.st_size > 0) {
            jy_store *st = NULL;
            jy_store_counts c;
            if ((rc = jy_store_open(url, &st, err))) return jy_err_prefix2(err, "restore: ", "恢复：");
            rc = jy_store_counts_get(st, &c, err);
            jy_store_close(st);
            if (rc) return rc;
            if (c.persons || c.orgs || c.audit_entries)
                return jy_err_set2(err, JY_ECONFLICT, "store.restore.not_empty",
                                  "restore: %s already holds records; restore into a fresh database file", "恢复：%s 中已有记录；请恢复到一个新的数据库文件", dst);
        }
        if (jy_file_create_if_missing(dst) != 0)
            return jy_err_set2(err, JY_EIO, "store.restore.create", "restore: cannot create %s: %s",
                               "恢复：无法创建 %s：%s", dst, strerror(errno));
        rc = sqlite_copy(path, SQLITE_OPEN_READONLY, dst, "restore", err);
    }
    if (rc) return rc;
    /* open once: migrates a backup from an older jiuye to this one's schema */
    jy_store *st = NULL;
    if ((rc = jy_store_open(url, &st, err)))
        return jy_err_prefix2(err, "restore: the restored database: ", "恢复：恢复后的数据库：");
    jy_store_close(st);
    return 0;
}
