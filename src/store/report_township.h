/* report_township.h — the tally behind the dashboard's township breakdown (数据看板 分乡镇,
 * issue 12; service: src/service/report_township.c, route GET /api/v1/reports/targets?by=township).
 * Store layer: the SQL is in report_township.c, one statement text for both backends (ledger_db.h's
 * runners). Like report_store.h, the county is explicit; on a scoped handle a county outside the
 * scope is refused (JY_ECONFLICT naming it). */
#ifndef JY_REPORT_TOWNSHIP_H
#define JY_REPORT_TOWNSHIP_H

#include <stdint.h>

#include "base/err.h"
#include "base/money.h"
#include "store/store.h"

/* One group: the cases of one township, programme and state. The township is the first 9 digits
 * of the case subject's division — the person's hukou division, else the organisation's division
 * (the area the API's township checks use) — or the county's 6 digits when the subject has no
 * township. The cases counted are those of jy_store_report_tally (report_store.h): trainees, not
 * their class applications; a placement once, not its monthly payments. */
typedef struct jy_township_tally {
    char township[13];
    char program[8];
    char state[24];
    int64_t cases;
    jy_fen amount; /* sum of the decided amounts */
} jy_township_tally;

/* Groups of the county's cases (year 0: all years; program NULL or "": all) in township, programme,
 * state order. */
int jy_store_report_township_tally(jy_store *st, const char *county, int year, const char *program,
                                   int (*fn)(void *ctx, const jy_township_tally *t), void *ctx, jy_err *err);

#endif
