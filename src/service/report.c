/* report.c — the report model (report.h) and its three renderers: JSON, CSV (UTF-8 with a BOM
 * or GB18030) and XLSX (libxlsxwriter, when JY_HAVE_XLSXWRITER is defined). The reports
 * themselves are built in report_build.c. */
#include "service/report.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef JY_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

#include "base/file.h"

/* ---------------------------------------------------------------- model */

jy_report *jy_report_new(const char *name, const char *title, const char *form)
{
    jy_report *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->arena = jy_arena_new(0);
    r->name = jy_arena_strdup(r->arena, name ? name : "");
    r->title = jy_arena_strdup(r->arena, title ? title : "");
    r->form = jy_arena_strdup(r->arena, form ? form : "");
    r->note = "";
    r->sign = 1;
    return r;
}

const char *const jy_report_sign_labels[] = {"填报人：", "审核人：", "单位（盖章）：", "日期：    年    月    日", NULL};

void jy_report_free(jy_report *r)
{
    if (!r) return;
    jy_arena_free(r->arena);
    free(r->cells);
    free(r);
}

void jy_report_head(jy_report *r, const char *line)
{
    if (r->nheads < JY_REPORT_MAX_HEADS) r->heads[r->nheads++] = jy_arena_strdup(r->arena, line ? line : "");
}

void jy_report_col_add(jy_report *r, const char *key, const char *title, int width)
{
    if (r->ncols >= JY_REPORT_MAX_COLS || r->nrows) return; /* columns are fixed before the first row */
    jy_report_col *c = &r->cols[r->ncols++];
    c->key = jy_arena_strdup(r->arena, key);
    c->title = jy_arena_strdup(r->arena, title);
    c->width = width > 0 ? width : 12;
}

jy_cell *jy_report_row(jy_report *r)
{
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        jy_cell *n = realloc(r->cells, cap * (size_t)(r->ncols ? r->ncols : 1) * sizeof *n);
        if (!n) abort();
        r->cells = n;
        r->cap = cap;
    }
    jy_cell *row = r->cells + r->nrows * (size_t)r->ncols;
    memset(row, 0, (size_t)r->ncols * sizeof *row);
    r->nrows++;
    return row;
}

void jy_cell_text(jy_report *r, jy_cell *c, const char *s)
{
    if (!s) {
        c->type = JY_CELL_EMPTY;
        return;
    }
    c->type = JY_CELL_TEXT;
    c->s = jy_arena_strdup(r->arena, s);
}

void jy_cell_int(jy_cell *c, int64_t v)
{
    c->type = JY_CELL_INT;
    c->v = v;
}

void jy_cell_money(jy_cell *c, jy_fen v)
{
    c->type = JY_CELL_MONEY;
    c->v = v;
}

void jy_cell_date(jy_cell *c, jy_date d)
{
    c->type = d ? JY_CELL_DATE : JY_CELL_EMPTY;
    c->v = d;
}

int64_t jy_report_pct(int64_t num, int64_t den)
{
    if (den <= 0 || num < 0) return 0;
    /* hundredths of a percent = num × 10000 / den, half up; split to keep num × 10000 in range */
    int64_t q = num / den, rem = num % den;
    int64_t frac = (rem * 10000 * 2 + den) / (2 * den); /* rem < den ≤ 2^62/20000 for any real count */
    return q * 10000 + frac;
}

void jy_cell_pct(jy_cell *c, int64_t num, int64_t den)
{
    if (den <= 0) {
        c->type = JY_CELL_EMPTY;
        return;
    }
    c->type = JY_CELL_PERCENT;
    c->v = jy_report_pct(num, den);
}

/* The cell as the text CSV and JSON show: "" for empty. buf ≥ 40 bytes. */
static const char *cell_text(const jy_cell *c, char *buf, size_t n)
{
    switch (c->type) {
    case JY_CELL_TEXT: return c->s;
    case JY_CELL_INT: snprintf(buf, n, "%lld", (long long)c->v); return buf;
    case JY_CELL_MONEY: return jy_money_format_plain(c->v, buf);
    case JY_CELL_DATE: return jy_date_format((jy_date)c->v, buf);
    case JY_CELL_PERCENT:
        snprintf(buf, n, "%s%lld.%02lld%%", c->v < 0 ? "-" : "", (long long)(llabs(c->v) / 100),
                 (long long)(llabs(c->v) % 100));
        return buf;
    default: return "";
    }
}

/* ---------------------------------------------------------------- JSON */

static void json_cell(jy_sb *out, const jy_cell *c)
{
    char buf[48];
    switch (c->type) {
    case JY_CELL_EMPTY: jy_sb_append(out, "null"); break;
    case JY_CELL_INT: jy_sb_append_i64(out, c->v); break;
    default: jy_sb_json_str(out, cell_text(c, buf, sizeof buf)); break;
    }
}

static void json_row(jy_sb *out, const jy_report *r, const jy_cell *row)
{
    jy_sb_appendc(out, '{');
    for (int k = 0; k < r->ncols; k++) {
        jy_sb_json_key(out, r->cols[k].key);
        json_cell(out, &row[k]);
    }
    jy_sb_appendc(out, '}');
}

void jy_report_json(const jy_report *r, jy_sb *out)
{
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "report", r->name);
    jy_sb_json_kv_str(out, "title", r->title);
    jy_sb_json_kv_str(out, "form", r->form);
    jy_sb_append(out, ",\"heads\":[");
    for (int i = 0; i < r->nheads; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_json_str(out, r->heads[i]);
    }
    jy_sb_append(out, "],\"columns\":[");
    for (int k = 0; k < r->ncols; k++) {
        if (k) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "key", r->cols[k].key);
        jy_sb_json_kv_str(out, "title", r->cols[k].title);
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, "],\"rows\":[");
    for (size_t i = 0; i < r->nrows; i++) {
        if (i) jy_sb_appendc(out, ',');
        json_row(out, r, r->cells + i * (size_t)r->ncols);
    }
    jy_sb_append(out, "],\"total\":");
    if (r->has_total) json_row(out, r, r->total);
    else jy_sb_append(out, "null");
    if (r->note && *r->note) jy_sb_json_kv_str(out, "note", r->note);
    if (r->sign) {
        jy_sb_json_key(out, "signatures");
        jy_sb_appendc(out, '[');
        for (int i = 0; jy_report_sign_labels[i]; i++) {
            if (i) jy_sb_appendc(out, ',');
            jy_sb_json_str(out, jy_report_sign_labels[i]);
        }
        jy_sb_appendc(out, ']');
    }
    jy_sb_appendc(out, '}');
}

/* ---------------------------------------------------------------- CSV */

static void csv_field(jy_sb *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        jy_sb_append(out, s);
        return;
    }
    jy_sb_appendc(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') jy_sb_appendc(out, '"');
        jy_sb_appendc(out, *p);
    }
    jy_sb_appendc(out, '"');
}

static void csv_row(jy_sb *out, const jy_report *r, const jy_cell *row)
{
    char buf[48];
    for (int k = 0; k < r->ncols; k++) {
        if (k) jy_sb_appendc(out, ',');
        csv_field(out, cell_text(&row[k], buf, sizeof buf));
    }
    jy_sb_append(out, "\r\n");
}

/* Converts UTF-8 text to GB18030 (every Unicode character has a GB18030 encoding). */
static int to_gb18030(const char *in, size_t n, jy_sb *out, jy_err *err)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1) return jy_err_set2(err, JY_EIO, "report.no_gb18030", "GB18030 output: iconv has no GB18030 converter", "GB18030 输出：iconv 没有 GB18030 转换器");
    int rc = 0;
    char *src = (char *)in;
    size_t left = n;
    char chunk[4096];
    while (left > 0) {
        char *dst = chunk;
        size_t room = sizeof chunk;
        size_t k = iconv(cd, &src, &left, &dst, &room);
        jy_sb_appendn(out, chunk, sizeof chunk - room);
        if (k == (size_t)-1 && errno != E2BIG) {
            rc = jy_err_set2(err, JY_EINVAL, "report.bad_utf8", "GB18030 output: invalid UTF-8 at byte %zu of the report", "GB18030 输出：报表第 %zu 字节处不是有效的 UTF-8", n - left);
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

int jy_report_csv(const jy_report *r, int gb18030, jy_sb *out, jy_err *err)
{
    jy_sb u;
    jy_sb_init(&u);
    if (!gb18030) jy_sb_append(&u, "\xEF\xBB\xBF");
    /* the form as printed: number, title, headings, then the table */
    if (r->form[0]) {
        csv_field(&u, r->form);
        jy_sb_append(&u, "\r\n");
    }
    csv_field(&u, r->title);
    jy_sb_append(&u, "\r\n");
    for (int i = 0; i < r->nheads; i++) {
        csv_field(&u, r->heads[i]);
        jy_sb_append(&u, "\r\n");
    }
    for (int k = 0; k < r->ncols; k++) {
        if (k) jy_sb_appendc(&u, ',');
        csv_field(&u, r->cols[k].title);
    }
    jy_sb_append(&u, "\r\n");
    for (size_t i = 0; i < r->nrows; i++) csv_row(&u, r, r->cells + i * (size_t)r->ncols);
    if (r->has_total) csv_row(&u, r, r->total);
    if (r->note && *r->note) {
        csv_field(&u, r->note);
        jy_sb_append(&u, "\r\n");
    }
    if (r->sign) { /* 填报人：,,审核人：,,单位（盖章）：,,日期：    年    月    日 */
        for (int i = 0; jy_report_sign_labels[i]; i++) {
            if (i) jy_sb_append(&u, ",,");
            csv_field(&u, jy_report_sign_labels[i]);
        }
        jy_sb_append(&u, "\r\n");
    }
    int rc = 0;
    if (gb18030) rc = to_gb18030(jy_sb_cstr(&u), u.len, out, err);
    else jy_sb_appendn(out, jy_sb_cstr(&u), u.len);
    jy_sb_free(&u);
    return rc;
}

/* ---------------------------------------------------------------- XLSX */

#ifdef JY_HAVE_XLSXWRITER
typedef struct xfmt {
    lxw_format *title, *plain, *head, *text, *integer, *money, *pct, *date, *bold_text, *bold_int, *bold_money,
        *bold_pct;
} xfmt;

static lxw_format *fmt(lxw_workbook *wb, int bold, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (bold) format_set_bold(f);
    if (num) format_set_num_format(f, num);
    return f;
}

static void xcell(lxw_worksheet *ws, int row, int col, const jy_cell *c, const xfmt *F, int bold)
{
    switch (c->type) {
    case JY_CELL_TEXT: worksheet_write_string(ws, row, col, c->s, bold ? F->bold_text : F->text); break;
    case JY_CELL_INT: worksheet_write_number(ws, row, col, (double)c->v, bold ? F->bold_int : F->integer); break;
    case JY_CELL_MONEY:
        /* fen < 2^53 and 100 are exact doubles, and IEEE division rounds correctly: the cell holds
         * the double nearest the decimal amount, as if the figure were typed into Excel */
        worksheet_write_number(ws, row, col, (double)c->v / 100.0, bold ? F->bold_money : F->money);
        break;
    case JY_CELL_PERCENT:
        worksheet_write_number(ws, row, col, (double)c->v / 10000.0, bold ? F->bold_pct : F->pct);
        break;
    case JY_CELL_DATE: {
        int y, m, d;
        jy_date_to_ymd((jy_date)c->v, &y, &m, &d);
        lxw_datetime dt = {y, m, d, 0, 0, 0};
        worksheet_write_datetime(ws, row, col, &dt, F->date);
        break;
    }
    default: worksheet_write_blank(ws, row, col, bold ? F->bold_text : F->text); break;
    }
}

/* Excel's sheet names: at most 31 characters, none of []:*?/\ . */
static const char *sheet_name(const char *title)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)title; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    if (!*title || chars > 31 || strpbrk(title, "[]:*?/\\")) return "报表";
    return title;
}
#endif

int jy_report_xlsx(const jy_report *r, const char *path, jy_err *err)
{
#ifdef JY_HAVE_XLSXWRITER
    /* libxlsxwriter opens the file itself: made 0600 first, it keeps that mode */
    if (jy_file_make_private(path) != 0) return jy_err_set2(err, JY_EIO, "file.cannot_create", "%s: cannot create: %s", "%s：无法创建：%s", path, strerror(errno));
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return jy_err_set2(err, JY_EIO, "report.workbook_create", "%s: cannot create the workbook", "%s：无法创建工作簿", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name(r->title));
    xfmt F;
    F.title = workbook_add_format(wb);
    format_set_bold(F.title);
    format_set_font_size(F.title, 16);
    format_set_align(F.title, LXW_ALIGN_CENTER);
    format_set_align(F.title, LXW_ALIGN_VERTICAL_CENTER);
    F.plain = workbook_add_format(wb);
    F.head = fmt(wb, 1, NULL);
    format_set_align(F.head, LXW_ALIGN_CENTER);
    format_set_text_wrap(F.head);
    F.text = fmt(wb, 0, "@");
    F.integer = fmt(wb, 0, "0");
    F.money = fmt(wb, 0, "#,##0.00");
    F.pct = fmt(wb, 0, "0.00%");
    F.date = fmt(wb, 0, "yyyy-mm-dd");
    F.bold_text = fmt(wb, 1, "@");
    F.bold_int = fmt(wb, 1, "0");
    F.bold_money = fmt(wb, 1, "#,##0.00");
    F.bold_pct = fmt(wb, 1, "0.00%");
    int row = 0, last = r->ncols > 0 ? r->ncols - 1 : 0;
    if (r->form[0]) worksheet_write_string(ws, row++, 0, r->form, F.plain);
    if (last > 0) worksheet_merge_range(ws, row, 0, row, last, r->title, F.title);
    else worksheet_write_string(ws, row, 0, r->title, F.title);
    worksheet_set_row(ws, row++, 28, NULL);
    for (int i = 0; i < r->nheads; i++) worksheet_write_string(ws, row++, 0, r->heads[i], F.plain);
    for (int k = 0; k < r->ncols; k++) {
        worksheet_write_string(ws, row, k, r->cols[k].title, F.head);
        worksheet_set_column(ws, k, k, r->cols[k].width, NULL);
    }
    worksheet_freeze_panes(ws, row + 1, 0);
    row++;
    for (size_t i = 0; i < r->nrows; i++, row++)
        for (int k = 0; k < r->ncols; k++) xcell(ws, row, k, &r->cells[i * (size_t)r->ncols + k], &F, 0);
    if (r->has_total) {
        for (int k = 0; k < r->ncols; k++) xcell(ws, row, k, &r->total[k], &F, 1);
        row++;
    }
    if (r->note && *r->note) worksheet_write_string(ws, ++row, 0, r->note, F.plain);
    if (r->sign) { /* the signature and stamp line, spread under the table */
        int n = 0, span = r->ncols > 4 ? r->ncols / 4 : 1;
        row += 2;
        for (int i = 0; jy_report_sign_labels[i]; i++, n++)
            worksheet_write_string(ws, row, (lxw_col_t)(n * span), jy_report_sign_labels[i], F.plain);
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) return jy_err_set2(err, JY_EIO, "xlsx.write", "%s: %s", "%s：写入工作簿出错：%s", path, lxw_strerror(e));
    return 0;
#else
    (void)r;
    return jy_err_set2(err, JY_ENODATA, "report.xlsx_not_built", "%s: this jiuye was built without libxlsxwriter (XLSX output)", "%s：本 jiuye 编译时未带 libxlsxwriter（不能输出 XLSX）", path);
#endif
}
