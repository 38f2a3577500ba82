/* Roster import (花名册导入): persons or organisations from a CSV or XLSX file into the store.
 *
 * The file's header row is found among its first rows and its columns are mapped by their
 * Chinese names (docs/import.md lists them); unknown columns are ignored and reported once.
 * Every data row is validated; a row with any error is not stored and gets one line per error
 * in the error report (row, column, value, reason). Good rows are written in batches, one
 * transaction per batch (a crash loses at most the open batch, never part of a row), through
 * jy_store_person_put / jy_store_org_put, so a second import of the same file changes nothing.
 *
 * An import never clears stored data: a column the file lacks, or an empty cell, keeps what
 * the store already holds for that person or organisation. */
#ifndef JY_IMPORT_H
#define JY_IMPORT_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "base/text.h"
#include "domain/division.h"
#include "store/store.h"

typedef enum jy_import_kind { JY_IMPORT_PERSONS = 1, JY_IMPORT_ORGS = 2 } jy_import_kind;

/* AUTO: XLSX for .xlsx/.xlsm/.xls names and files starting with the zip magic, else CSV. */
typedef enum jy_import_format { JY_IMPORT_AUTO = 0, JY_IMPORT_CSV = 1, JY_IMPORT_XLSX = 2 } jy_import_format;

#define JY_IMPORT_BATCH_ROWS 100000

typedef struct jy_import_stats {
    int64_t rows;      /* data rows read: created + updated + unchanged + rejected */
    int64_t created, updated, unchanged, rejected;
    int64_t committed; /* rows whose batch has been committed */
    int64_t valid;     /* rows that passed validation (all a dry run does with them) */
} jy_import_stats;

/* Called every 1,000 rows and once at the end (done = 1). */
typedef void (*jy_import_progress_fn)(void *ctx, const jy_import_stats *s, int done);

typedef struct jy_import_opts {
    jy_import_kind kind;
    const char *path;            /* the CSV or XLSX file ("-": standard input) */
    jy_encoding encoding;        /* JY_ENC_AUTO detects */
    char delim;                  /* 0 detects comma, tab or semicolon */
    const char *report_path;     /* error report; NULL: "<path>.errors.csv", written only when a
                                  * row is rejected (an explicit path is always written) */
    const char *actor;           /* recorded in the audit log */
    const jy_divisions *divs;    /* required: 户籍所在地 names and codes, ID-number prefixes */
    int batch_rows;              /* rows per transaction; 0: JY_IMPORT_BATCH_ROWS */
    jy_date today;               /* for birth dates in the future; 0: jy_date_today() */
    int dry_run;                 /* validate and report only: nothing is written to the store */
    jy_import_progress_fn progress;
    void *progress_ctx;
    jy_import_format format;     /* JY_IMPORT_AUTO detects */
    const char *sheet;           /* XLSX: the sheet to read; NULL: the first visible one */
    /* In-memory input and report (the API's uploads, issue 11): nothing is written to disk. */
    const void *data;            /* non-NULL: the file's bytes (path only names it in messages) */
    size_t data_len;
    jy_sb *report_out;           /* non-NULL: the error report (the same CSV, with its BOM) is
                                  * appended here instead of written to a file */
    const char *area;            /* non-NULL and non-empty: rows whose division (a person's
                                  * 户籍所在地, else the ID number's county; an organisation's
                                  * 所在地) lies outside this division prefix are rejected with
                                  * a reason (an uploader's township) */
    /* issue 13: who may record a person's card (a 社保卡号 column; `jiuye ledger card` asks the
     * ledger_card operation): called before the first card of each county is written (the
     * answer is kept per county); non-zero rejects the row with err's reason. NULL: cards are
     * not imported — a row with one is rejected naming the column, the rest of it is kept out. */
    int (*card_gate)(void *ctx, const char *county, jy_err *err);
    void *card_gate_ctx;
} jy_import_opts;

typedef struct jy_import_result {
    jy_import_stats stats;
    jy_encoding encoding;        /* as detected or given */
    char delim;
    int64_t header_row;          /* record number of the header row (1 = first) */
    char report_path[1024];      /* "" when no report was written */
    int64_t replaced_bytes;      /* undecodable bytes replaced (rows holding them are rejected) */
    jy_sb ignored;               /* JSON array of the ignored column names, "[]" when none */
    char format[8];              /* "csv" or "xlsx" */
    char sheet[256];             /* XLSX: the sheet read */
    char stopped[512];           /* non-empty when reading stopped early (a broken CSV record);
                                  * the rows before it were imported */
} jy_import_result;

void jy_import_result_init(jy_import_result *res);
void jy_import_result_free(jy_import_result *res);

/* Runs the import. Returns 0 when the file was read to its end or to a broken record (see
 * res->stopped) — rejected rows are not a failure of the import; res tells them. Fails with
 * JY_EIO (file), JY_EINVAL (no header row, a required column missing: the message names it)
 * or JY_EDB (the database failed; the open batch was rolled back, res->stats.committed says
 * how many rows are in). */
/* Threads: a reader thread (started and joined here) reads and validates while the calling
 * thread writes; st is used only on the calling thread, and progress is called there too. */
int jy_import_run(jy_store *st, const jy_import_opts *o, jy_import_result *res, jy_err *err);

/* The summary object: {"file":…,"rows":…,"created":…,"updated":…,"unchanged":…,
 * "rejected":…,"report":…|null,"encoding":…,"header_row":…,"ignored_columns":[…]} ("format":"xlsx",
 * "sheet":… after header_row for a workbook) plus
 * "stopped" when set; a dry run adds "dry_run":true,"valid":N (and creates nothing). */
void jy_import_result_json_opts(jy_sb *sb, const char *file, const jy_import_result *res,
                                int dry_run);
void jy_import_result_json(jy_sb *sb, const char *file, const jy_import_result *res);

#endif
