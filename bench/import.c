/* bench_import: jiuye's roster import against a bare SQLite import of the same file.
 *
 *   build/bench_import [ROWS] [DIR] [BATCH]   (defaults: 1000000 rows, $TMPDIR or /tmp, the
 *                                              import's default batch)
 *
 * 1. Generates a ROWS-row roster CSV (the 5-8-3 外出务工人员花名册 layout) with valid ID numbers
 *    (check character from jy_idcard_check_char), Haiyuan townships and mobile numbers.
 * 2. Imports it into a fresh database through jy_import_run — the code path of
 *    `jiuye person import`: every row validated, written with jy_store_person_put and its
 *    audit-log entry, in the import's batches. Before that, a --dry-run pass measures the
 *    reading and validation alone, and after it a re-import measures the all-unchanged path.
 * 3. In the same run, imports the same file into a bare table with the sqlite3 shell:
 *    `sqlite3 BARE.db .mode\ csv ".import FILE roster"` (fork/exec, fixed argv). When the shell
 *    is not installed it falls back to the C API (one prepared INSERT of the raw fields per row,
 *    one transaction) and says so.
 * Steps 2 and 3 alternate for ROUNDS rounds (bare, jiuye, bare, jiuye …; $JY_BENCH_ROUNDS,
 * default 3), each into a fresh database. After each step, outside its timer, the WAL is
 * checkpointed (TRUNCATE), the files are flushed to disk (syncfs on DIR's file system) and
 * deleted, so the write-back one step leaves behind does not slow the next. The re-import
 * runs in the last round, on that round's database, after the same settling.
 * Prints every round (wall and CPU seconds, rows/s, ratio) and the ratios jiuye/bare of the
 * best times and of the median times, and the lowest and the median of the rounds' own ratios,
 * by wall and by CPU time (CPU is steadier on a shared
 * machine; the bare step's CPU is the shell's). Not a test: never fails on time.
 * Experiments: JY_BENCH_QUICK=1 runs only one jiuye import; JY_BENCH_PRAGMAS='…' runs SQL on
 * the store's connection before each import (through store_impl.h's jy_store_sqlite_db);
 * JY_BENCH_PAGE_SIZE=N creates the database file with N-byte pages before the store opens it. */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/csv.h"
#include "base/text.h"
#include "domain/division.h"
#include "domain/idcard.h"
#include "service/import.h"
#include "store/store.h"
#include "store/store_impl.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process (all threads) or of its waited-for children:
 * less sensitive than wall time to other jobs on a shared machine. */
static double cpu(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           (double)u.ru_stime.tv_usec / 1e6;
}

static const char *const surnames[] = {"马", "李", "王", "张", "田", "杨", "周", "海", "苏", "虎",
                                       "何", "冯", "赵", "刘", "陈", "罗"};
static const char *const given[] = {"小明", "秀兰", "建国", "玉梅", "福", "海燕", "志强", "兰",
                                    "文博", "春花", "永红", "学军", "娟", "有财", "金花", "磊"};
static const char *const towns[] = {"海原县海城镇", "海原县李旺镇", "海原县西安镇", "海原县三河镇",
                                    "海原县七营镇", "海原县史店乡", "海原县树台乡", "海原县关桥乡",
                                    "海原县高崖乡", "海原县郑旗乡", "海原县贾塘乡", "海原县曹洼乡",
                                    "海原县九彩乡", "海原县李俊乡", "海原县红羊乡", "海原县关庄乡",
                                    "海原县甘城乡"};
static const char *const education[] = {"小学", "初中", "高中", "中专", "大专", "本科"};
static const char *const jobs[] = {"电焊工", "保洁", "厨师", "司机", "搬运", "瓦工", "服务员"};

static int generate(const char *path, long rows)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fputs("序号,姓名,性别,民族,文化程度,身份证号,户籍性质,户籍所在地,务工时间,从事岗位,月收入,"
          "是否缴纳社保,联系电话,家庭住址,备注\n", f);
    jy_date base = jy_date_from_ymd(1965, 1, 1);
    for (long i = 0; i < rows; i++) {
        /* unique (birth day, sequence) pairs: 15,000 birth days × up to 999 sequences */
        long day = i % 15000, seq = 1 + i / 15000;
        int y, m, d;
        jy_date_to_ymd(base + (jy_date)day, &y, &m, &d);
        char id[19];
        snprintf(id, sizeof id, "640522%04d%02d%02d%03ld", y, m, d, seq % 1000);
        id[17] = jy_idcard_check_char(id);
        id[18] = '\0';
        int male = (id[16] - '0') & 1;
        const char *town = towns[(i / 7) % 17];
        fprintf(f, "%ld,%s%s,%s,%s,%s,%s,%s,%s%s,2024-%02ld,%s,%ld,%s,139%08ld,%s%ld号,\n", i + 1,
                surnames[i % 16], given[(i / 16) % 16], male ? "男" : "女", i % 3 ? "回族" : "汉族",
                education[i % 6], id, i % 5 ? "农村" : "城镇", town, i % 11 ? "" : "张堡村",
                1 + i % 12, jobs[i % 7], 3000 + (i % 40) * 100, i % 2 ? "是" : "否", i % 100000000,
                town, 1 + i % 300);
    }
    if (fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* sqlite3 shell: .mode csv / .import FILE roster into a fresh database. Returns 0, or 1 when
 * the shell could not be run (so the caller falls back). */
static int bare_shell(const char *db, const char *csv)
{
    char import_cmd[1200];
    snprintf(import_cmd, sizeof import_cmd, ".import %s roster", csv);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        execlp("sqlite3", "sqlite3", db, ".mode csv", import_cmd, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) return 1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The C-API equivalent: the raw fields of each record in one prepared INSERT, one transaction. */
static int bare_capi(const char *db, const char *csv, long *rows)
{
    sqlite3 *h;
    if (sqlite3_open(db, &h) != SQLITE_OK) return -1;
    sqlite3_exec(h, "CREATE TABLE roster(c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15);"
                    "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(h, "INSERT INTO roster VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL);
    jy_text_reader *tr;
    jy_err err;
    if (jy_text_reader_open_file(csv, JY_ENC_UTF8, &tr, &err) != 0) return -1;
    jy_csv *c = jy_csv_new(jy_text_reader_read_cb, tr, ',');
    int first = 1;
    *rows = 0;
    while (jy_csv_next(c, &err) == 1) {
        if (first) { first = 0; continue; }
        for (int i = 0; i < 15; i++) {
            size_t n;
            const char *f = jy_csv_field(c, (size_t)i, &n);
            sqlite3_bind_text(ins, i + 1, f, (int)n, SQLITE_TRANSIENT);
        }
        sqlite3_step(ins);
        sqlite3_reset(ins);
        (*rows)++;
    }
    jy_csv_free(c);
    jy_text_reader_free(tr);
    sqlite3_finalize(ins);
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(h);
    return 0;
}

static long count_rows(const char *db)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    long n = -1;
    if (sqlite3_open(db, &h) != SQLITE_OK) return -1;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM roster", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(h);
    return n;
}

/* Parse-only pass (CSV reader + validation-free), for the breakdown. */
static double parse_only(const char *csv)
{
    double t0 = now();
    jy_text_reader *tr;
    jy_err err;
    if (jy_text_reader_open_file(csv, JY_ENC_AUTO, &tr, &err) != 0) return -1;
    jy_csv *c = jy_csv_new(jy_text_reader_read_cb, tr, 0);
    long n = 0;
    while (jy_csv_next(c, &err) == 1) n += (long)jy_csv_nfields(c);
    jy_csv_free(c);
    jy_text_reader_free(tr);
    return n > 0 ? now() - t0 : -1;
}

/* Deletes a database and its WAL side files. */
static void remove_db(const char *db)
{
    char side[900];
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", db);
    unlink(side);
}

/* Outside the timers: checkpoints db's WAL into the file and truncates it (when db is not
 * NULL), then flushes the file system holding dir, so the next step starts with no dirty
 * pages of this one. Returns the seconds it took (how much write-back the step left). */
static double settle(const char *dir, const char *db)
{
    double t0 = now();
    if (db) {
        sqlite3 *h;
        if (sqlite3_open(db, &h) == SQLITE_OK)
            sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        sqlite3_close(h);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd) != 0) sync();
    if (fd >= 0) close(fd);
    return now() - t0;
}

typedef struct step {
    double wall, cpu;
} step;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* median of n values (sorted copy) */
static double median(const double *v, int n)
{
    double s[16];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double minimum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] < m) m = v[i];
    return m;
}

/* One bare import into a fresh bare.db; *how says which way it ran. */
static int run_bare(const char *bare, const char *csv, long *bare_rows, step *out, const char **how)
{
    remove_db(bare);
    *how = "sqlite3 shell: sqlite3 BARE.db '.mode csv' '.import FILE roster'";
    double t = now(), c = cpu(RUSAGE_CHILDREN) + cpu(RUSAGE_SELF);
    if (bare_shell(bare, csv) == 0) {
        out->wall = now() - t;
        out->cpu = cpu(RUSAGE_CHILDREN) + cpu(RUSAGE_SELF) - c;
        *bare_rows = count_rows(bare);
        return 0;
    }
    remove_db(bare);
    *how = "C API: one prepared INSERT of the raw fields per row, one transaction (sqlite3 shell not found)";
    t = now();
    c = cpu(RUSAGE_SELF);
    if (bare_capi(bare, csv, bare_rows) != 0) return -1;
    out->wall = now() - t;
    out->cpu = cpu(RUSAGE_SELF) - c;
    return 0;
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *tmp = argc > 2 ? argv[2] : getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    int quick = getenv("JY_BENCH_QUICK") != NULL;
    int rounds = getenv("JY_BENCH_ROUNDS") ? atoi(getenv("JY_BENCH_ROUNDS")) : 3;
    if (rounds < 1) rounds = 1;
    if (rounds > 16) rounds = 16;
    if (quick) rounds = 1;
    char dir[700], csv[800], db[800], bare[800];
    snprintf(dir, sizeof dir, "%s/jy-bench-import.%d", tmp, (int)getpid());
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    snprintf(csv, sizeof csv, "%s/roster.csv", dir);
    snprintf(db, sizeof db, "%s/jiuye.db", dir);
    snprintf(bare, sizeof bare, "%s/bare.db", dir);

    double t0 = now();
    if (generate(csv, rows) != 0) return 1;
    struct stat sst;
    stat(csv, &sst);
    printf("generated %ld rows (%.1f MB) in %.2f s: %s\n", rows, (double)sst.st_size / 1e6, now() - t0, csv);

    double tparse = parse_only(csv);
    printf("csv read+parse only:        %8.2f s  %10.0f rows/s\n", tparse, (double)rows / tparse);

    jy_err err = {0};
    jy_divisions *divs = NULL;
    if (jy_divisions_load(JY_POLICY_DIR, &divs, &err) != 0) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        return 1;
    }
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    o.kind = JY_IMPORT_PERSONS;
    o.path = csv;
    o.actor = "bench";
    o.divs = divs;
    if (argc > 3) o.batch_rows = atoi(argv[3]);
    jy_import_result res;
    jy_store *st;

    if (!quick) { /* validation alone: read, parse, check every row, nothing stored */
        if (jy_store_open(db, &st, &err) != 0) {
            fprintf(stderr, "bench_import: %s\n", err.msg);
            return 1;
        }
        jy_import_result_init(&res);
        o.dry_run = 1;
        double tv0 = now(), cv0 = cpu(RUSAGE_SELF);
        if (jy_import_run(st, &o, &res, &err) != 0) {
            fprintf(stderr, "bench_import: dry run failed: %s\n", err.msg);
            return 1;
        }
        double tv = now() - tv0, cv = cpu(RUSAGE_SELF) - cv0;
        printf("jiuye validate only:        %8.2f s  %10.0f rows/s  (--dry-run: %lld valid; CPU %.2f s)\n", tv,
               (double)rows / tv, (long long)res.stats.valid, cv);
        jy_import_result_free(&res);
        o.dry_run = 0;
        jy_store_close(st);
        remove_db(db);
    }

    const char *how = "";
    double bw[16], bc[16], jw[16], jc[16];
    printf("%d round(s), each: bare import, settle, jiuye import, settle (settle = WAL checkpoint +"
           " syncfs, not timed)\n", rounds);
    for (int r = 0; r < rounds; r++) {
        step b = {0, 0}, j;
        long bare_rows = 0;
        if (!quick) {
            settle(dir, NULL);
            if (run_bare(bare, csv, &bare_rows, &b, &how) != 0) {
                fprintf(stderr, "bench_import: bare import failed\n");
                return 1;
            }
            double sb = settle(dir, bare);
            remove_db(bare);
            printf("round %d bare import:        %8.2f s  %10.0f rows/s  (%ld rows; CPU %.2f s; settle %.2f s)\n",
                   r + 1, b.wall, (double)rows / b.wall, bare_rows, b.cpu, sb);
        }
        remove_db(db);
        if (getenv("JY_BENCH_PAGE_SIZE")) { /* experiment: the file made first with another page size */
            sqlite3 *h;
            char sql[100];
            snprintf(sql, sizeof sql, "PRAGMA page_size = %d; PRAGMA journal_mode = WAL;",
                     atoi(getenv("JY_BENCH_PAGE_SIZE")));
            if (sqlite3_open(db, &h) == SQLITE_OK) sqlite3_exec(h, sql, NULL, NULL, NULL);
            sqlite3_close(h);
        }
        if (jy_store_open(db, &st, &err) != 0) {
            fprintf(stderr, "bench_import: %s\n", err.msg);
            return 1;
        }
        if (getenv("JY_BENCH_PRAGMAS"))
            sqlite3_exec(jy_store_sqlite_db(st), getenv("JY_BENCH_PRAGMAS"), NULL, NULL, NULL);
        jy_import_result_init(&res);
        double t1 = now(), c1 = cpu(RUSAGE_SELF);
        int rc = jy_import_run(st, &o, &res, &err);
        j.wall = now() - t1;
        j.cpu = cpu(RUSAGE_SELF) - c1;
        if (rc != 0) {
            fprintf(stderr, "bench_import: import failed: %s\n", err.msg);
            return 1;
        }
        jy_store_counts counts;
        jy_store_counts_get(st, &counts, &err);
        long long created = res.stats.created, rejected = res.stats.rejected;
        jy_import_result_free(&res);
        jy_store_close(st);
        double sj = settle(dir, db);
        struct stat dst;
        double mb = stat(db, &dst) == 0 ? (double)dst.st_size / 1e6 : 0;
        printf("round %d jiuye person import:%8.2f s  %10.0f rows/s  (created %lld, rejected %lld; "
               "%lld persons, %lld audit entries; %.0f MB; CPU %.2f s; settle %.2f s)\n",
               r + 1, j.wall, (double)rows / j.wall, created, rejected, (long long)counts.persons,
               (long long)counts.audit_entries, mb, j.cpu, sj);
        if (!quick)
            printf("round %d ratio jiuye/bare:   %.2f by wall time, %.2f by CPU time\n", r + 1, b.wall / j.wall,
                   b.cpu / j.cpu);
        bw[r] = b.wall;
        bc[r] = b.cpu;
        jw[r] = j.wall;
        jc[r] = j.cpu;
        if (r == rounds - 1 && !quick) { /* re-import: every row unchanged */
            if (jy_store_open(db, &st, &err) != 0) {
                fprintf(stderr, "bench_import: %s\n", err.msg);
                return 1;
            }
            jy_import_result_init(&res);
            double t2 = now(), c2 = cpu(RUSAGE_SELF);
            rc = jy_import_run(st, &o, &res, &err);
            double tre = now() - t2, cre = cpu(RUSAGE_SELF) - c2;
            if (rc != 0) {
                fprintf(stderr, "bench_import: re-import failed: %s\n", err.msg);
                return 1;
            }
            printf("jiuye re-import (unchanged): %8.2f s  %10.0f rows/s  (unchanged %lld; CPU %.2f s)\n", tre,
                   (double)rows / tre, (long long)res.stats.unchanged, cre);
            jy_import_result_free(&res);
            jy_store_close(st);
        }
        remove_db(db);
    }
    jy_divisions_free(divs);
    if (!quick) {
        printf("bare: %s\n", how);
        printf("ratio jiuye/bare (goal >= 0.50), %d rounds: best-of %.2f by wall time, %.2f by CPU time; "
               "median %.2f by wall time, %.2f by CPU time\n",
               rounds, minimum(bw, rounds) / minimum(jw, rounds), minimum(bc, rounds) / minimum(jc, rounds),
               median(bw, rounds) / median(jw, rounds), median(bc, rounds) / median(jc, rounds));
        /* each round's pair ran back to back, so its ratio is the least exposed to the machine's
         * speed drifting between rounds */
        double rw[16], rcpu[16];
        for (int r = 0; r < rounds; r++) {
            rw[r] = bw[r] / jw[r];
            rcpu[r] = bc[r] / jc[r];
        }
        printf("ratio per round, %d rounds: lowest %.2f, median %.2f by wall time; lowest %.2f, median %.2f "
               "by CPU time\n",
               rounds, minimum(rw, rounds), median(rw, rounds), minimum(rcpu, rounds), median(rcpu, rounds));
    }

    unlink(csv);
    remove_db(db);
    remove_db(bare);
    rmdir(dir);
    return 0;
}
