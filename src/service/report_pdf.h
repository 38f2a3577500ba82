/* report_pdf.h — a report (service/report.h) as a printable A4 PDF (issue 13 item 3): the same
 * jy_report the JSON, CSV and XLSX writers read, laid out by service/pdf.h like the seed's form,
 * with the signature and stamp line under the table. docs/reports.md, "Printable PDF". */
#ifndef JY_SERVICE_REPORT_PDF_H
#define JY_SERVICE_REPORT_PDF_H

#include "base/err.h"
#include "base/sb.h"
#include "service/report.h"

/* Appends the PDF to out. Money prints as 4,500.00, percentages as 98.76%, dates as
 * 2024-05-08; numbers right-aligned. Errors as jy_pdf_table_render. */
int jy_report_pdf(const jy_report *r, jy_sb *out, jy_err *err);

#endif
