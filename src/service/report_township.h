/* report_township.h — the targets report by township (目标任务完成情况 分乡镇): the dashboard's
 * township breakdown (issue 12; GET /api/v1/reports/targets?by=township, docs/reports.md). Kept
 * apart from report_build.c's county report so either changes alone. */
#ifndef JY_REPORT_TOWNSHIP_SVC_H
#define JY_REPORT_TOWNSHIP_SVC_H

#include "domain/division.h"
#include "service/report.h"

/* One row per township of the county (every current township in divs, with zeros where nothing
 * was filed; a row for the county itself when some cases' subjects have no township): filed,
 * achieved, paid, the amount paid and the township's share of the county's achieved, for year
 * (0: all years) and program (NULL or "": every programme), counted as the county report counts
 * (申报数 without rejected, withdrawn or cancelled cases; 完成数 recognised, in post, held or paid).
 * area NULL, "" or 6 digits: every township; 9 or 12 digits: that township's row only (its
 * share still of the whole county). Targets are set per county (the programmes' rules files) and are not
 * split by township: the report has no target column. */
int jy_report_targets_by_township(jy_store *st, const jy_divisions *divs, const char *county, const char *area,
                                  int year, const char *program, jy_report **out, jy_err *err);

/* The county report's state rules (report_build.c), shared. */
int jy_report_state_dropped(const char *state);
int jy_report_state_achieved(const char *state);

#endif
