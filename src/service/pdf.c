/* pdf.c — the printable table form of pdf.h: cairo's PDF surface, pango for the text.
 *
 * The form is laid out twice with the same code (flow): once without drawing to count the
 * pages, then drawn, so every footer can say 共 M 页. Each render makes its own pango font map
 * (no per-thread default map is left behind in a server thread) and frees it. */
#include "service/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define A4_SHORT (210.0 * MM) /* 595.28 pt */
#define A4_LONG (297.0 * MM)  /* 841.89 pt */
#define MARGIN_X (15.0 * MM)
#define MARGIN_TOP (14.0 * MM)
#define MARGIN_BOTTOM (18.0 * MM) /* the footer sits in it */
#define PAD 3.0                   /* inside a cell, points */
#define LINE_W 0.6                /* grid lines, points */

/* The fonts tried in order: Song-like serif first, as county forms are printed. None of them:
 * JY_ENODATA, as a form with its Chinese in empty boxes is no form. */
static const char *const families[] = {"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC",
                                       "WenQuanYi Micro Hei", "AR PL UMing CN", NULL};

typedef struct flow {
    const jy_pdf_table *t;
    cairo_t *cr;
    PangoContext *ctx;
    PangoFontDescription *body, *bold, *head, *title;
    double pw, ph;   /* page */
    double x0, W;    /* table left edge and width */
    double bottom;   /* lowest y the content may reach */
    double size;     /* body font size */
    double *colw;
    PangoLayout **cell; /* one row's layouts */
    int draw, page, pages;
    double y;
} flow;

static PangoFontDescription *font(const char *family, double size, int bold)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    return fd;
}

/* A paragraph of s in fd, wrapped to width (Chinese text breaks between characters). */
static PangoLayout *para(flow *f, const char *s, const PangoFontDescription *fd, double width, int align)
{
    PangoLayout *l = pango_layout_new(f->ctx);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align == JY_PDF_CENTER  ? PANGO_ALIGN_CENTER
                                  : align == JY_PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                          : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, s ? s : "", -1);
    return l;
}

static double height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void show(flow *f, PangoLayout *l, double x, double y)
{
    if (!f->draw) return;
    cairo_move_to(f->cr, x, y);
    pango_cairo_show_layout(f->cr, l);
}

static void footer(flow *f)
{
    if (!f->draw) return;
    char buf[64];
    snprintf(buf, sizeof buf, "第 %d 页 共 %d 页", f->page, f->pages);
    PangoLayout *l = para(f, buf, f->body, f->W, JY_PDF_CENTER);
    show(f, l, f->x0, f->ph - MARGIN_BOTTOM + 6.0 * MM - height(l));
    g_object_unref(l);
}

static void page_begin(flow *f)
{
    f->page++;
    f->y = MARGIN_TOP;
}

static void page_end(flow *f)
{
    footer(f);
    if (f->draw) cairo_show_page(f->cr);
}

/* Lays out one table row's cells into f->cell (the header row when cells is NULL) and returns
 * its height; paint draws it at f->y (when drawing) and frees the layouts. */
static double build(flow *f, const char *const *cells, int bold)
{
    const jy_pdf_table *t = f->t;
    double h = f->size * 1.4 + 2 * PAD;
    for (int k = 0; k < t->ncols; k++) {
        const char *s = cells ? cells[k] : t->cols[k].title;
        int align = cells ? t->cols[k].align : JY_PDF_CENTER;
        f->cell[k] = para(f, s, bold || !cells ? f->bold : f->body, f->colw[k] - 2 * PAD, align);
        double ch = height(f->cell[k]) + 2 * PAD;
        if (ch > h) h = ch;
    }
    return h;
}

static void paint(flow *f, double h, int header)
{
    const jy_pdf_table *t = f->t;
    cairo_t *cr = f->cr;
    double x = f->x0;
    for (int k = 0; k < t->ncols; k++) {
        if (f->draw) {
            cairo_rectangle(cr, x, f->y, f->colw[k], h);
            if (header) {
                cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
                cairo_fill_preserve(cr);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, LINE_W);
            cairo_stroke(cr);
            show(f, f->cell[k], x + PAD, f->y + (h - height(f->cell[k])) / 2);
        }
        x += f->colw[k];
        g_object_unref(f->cell[k]);
        f->cell[k] = NULL;
    }
    f->y += h;
}

static void header_row(flow *f) { paint(f, build(f, NULL, 1), 1); }

/* A body row (or the 合计 row): on a new page, after the header row, when it does not fit with
 * keep more points under it (the last row keeps the note and the signature line company, so they
 * never stand alone on a page) — unless it is the first row of its page. */
static void body_row(flow *f, const char *const *cells, int bold, double keep, int first)
{
    double h = build(f, cells, bold);
    if (!first && f->y + h + keep > f->bottom) {
        for (int k = 0; k < f->t->ncols; k++) { /* laid out again under the new page's header */
            g_object_unref(f->cell[k]);
            f->cell[k] = NULL;
        }
        page_end(f);
        page_begin(f);
        header_row(f);
        h = build(f, cells, bold);
    }
    paint(f, h, 0);
}

/* Natural single-line width of s in fd, points. */
static double natural(flow *f, const char *s, const PangoFontDescription *fd)
{
    PangoLayout *l = pango_layout_new(f->ctx);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, s ? s : "", -1);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return (double)w / PANGO_SCALE;
}

#define REF_SIZE 10.0
#define MAX_SIZE 10.0
#define MIN_SIZE 7.5

/* The columns measured at REF_SIZE (widths scale with the size: hinting is off): want[k] the
 * widest cell on one line, hmin[k] the header's four characters (or all of it when shorter) —
 * so 项目编号 never breaks after three. */
static void measure(flow *f, const char *family, double *want, double *hmin)
{
    const jy_pdf_table *t = f->t;
    PangoFontDescription *body = font(family, REF_SIZE, 0), *bold = font(family, REF_SIZE, 1);
    for (int k = 0; k < t->ncols; k++) {
        double h = natural(f, t->cols[k].title, bold), four = 4.05 * REF_SIZE;
        hmin[k] = h < four ? h : four;
        want[k] = hmin[k];
        for (size_t i = 0; i < t->nrows; i++) {
            double w = natural(f, t->cells[i * (size_t)t->ncols + k], body);
            if (w > want[k]) want[k] = w;
        }
        if (t->total) {
            double w = natural(f, t->total[k], bold);
            if (w > want[k]) want[k] = w;
        }
    }
    pango_font_description_free(body);
    pango_font_description_free(bold);
}

/* Σ over the columns of their width at size: min(want, level) but never under hmin. */
static double total_at(const jy_pdf_table *t, const double *want, const double *hmin, double size, double level)
{
    double sum = 0, r = size / REF_SIZE;
    for (int k = 0; k < t->ncols; k++) {
        double w = want[k] * r < level ? want[k] * r : level;
        if (w < hmin[k] * r) w = hmin[k] * r;
        sum += w + 2 * PAD + 1;
    }
    return sum;
}

/* The body size and the columns' widths for a table width W: the largest size from MAX_SIZE
 * down to MIN_SIZE at which every cell fits on one line, the spare room shared in proportion;
 * else MIN_SIZE with the widest columns cut to one level (their text wraps) and the narrow ones
 * whole. Returns 1 when every cell fits on one line. */
static int fit(const jy_pdf_table *t, const double *want, const double *hmin, double W, double *size, double *colw)
{
    double s = MAX_SIZE, level = 1e9;
    int ok = 0;
    for (; s >= MIN_SIZE; s -= 0.5)
        if (total_at(t, want, hmin, s, level) <= W) {
            ok = 1;
            break;
        }
    if (!ok) {
        s = MIN_SIZE;
        double lo = 0, hi = W;
        for (int i = 0; i < 40; i++) { /* the level at which the columns fill W */
            double mid = (lo + hi) / 2;
            if (total_at(t, want, hmin, s, mid) <= W) lo = mid;
            else hi = mid;
        }
        level = lo;
    }
    double r = s / REF_SIZE, sum = 0;
    for (int k = 0; k < t->ncols; k++) {
        double w = want[k] * r < level ? want[k] * r : level;
        if (w < hmin[k] * r) w = hmin[k] * r;
        colw[k] = w + 2 * PAD + 1;
        sum += colw[k];
    }
    for (int k = 0; k < t->ncols; k++) colw[k] *= W / sum; /* fill the width */
    *size = s;
    return ok;
}

#define SIGN_GAP (14.0 * MM) /* room above the signature line to sign and stamp */

/* The height of what follows the table: the note and the signature line. */
static double tail_height(flow *f)
{
    const jy_pdf_table *t = f->t;
    double h = 0, sh = 0;
    if (t->note && *t->note) {
        PangoLayout *l = para(f, t->note, f->body, f->W, JY_PDF_LEFT);
        h += height(l) + 6;
        g_object_unref(l);
    }
    int n = 0;
    while (t->sign && t->sign[n]) n++;
    for (int i = 0; i < n; i++) {
        PangoLayout *l = para(f, t->sign[i], f->head, f->W / n - 4, JY_PDF_LEFT);
        if (height(l) > sh) sh = height(l);
        g_object_unref(l);
    }
    return n ? h + SIGN_GAP + sh : h;
}

static void run(flow *f)
{
    const jy_pdf_table *t = f->t;
    f->page = 0;
    page_begin(f);
    PangoLayout *l;
    if (t->form && *t->form) {
        l = para(f, t->form, f->head, f->W, JY_PDF_LEFT);
        show(f, l, f->x0, f->y);
        f->y += height(l) + 2;
        g_object_unref(l);
    }
    l = para(f, t->title, f->title, f->W, JY_PDF_CENTER);
    show(f, l, f->x0, f->y);
    f->y += height(l) + 8;
    g_object_unref(l);
    for (int i = 0; i < t->nheads; i++) {
        l = para(f, t->heads[i], f->head, f->W, JY_PDF_LEFT);
        show(f, l, f->x0, f->y);
        f->y += height(l) + 2;
        g_object_unref(l);
    }
    f->y += 4;
    header_row(f);
    double tail = tail_height(f);
    int first = 1; /* the table's first row stays under its header on page 1 */
    for (size_t i = 0; i < t->nrows; i++) {
        int last = i + 1 == t->nrows && !t->total;
        body_row(f, t->cells + i * (size_t)t->ncols, 0, last ? tail : 0, first);
        first = 0;
    }
    if (t->total) body_row(f, t->total, 1, tail, first);
    if (t->note && *t->note) {
        l = para(f, t->note, f->body, f->W, JY_PDF_LEFT);
        double h = height(l) + 6;
        if (f->y + h > f->bottom) {
            page_end(f);
            page_begin(f);
        }
        show(f, l, f->x0, f->y + 6);
        f->y += h;
        g_object_unref(l);
    }
    if (t->sign && t->sign[0]) {
        int n = 0;
        while (t->sign[n]) n++;
        double gap = SIGN_GAP;
        double h = 0;
        for (int i = 0; i < n; i++) {
            l = para(f, t->sign[i], f->head, f->W / n - 4, JY_PDF_LEFT);
            if (height(l) > h) h = height(l);
            g_object_unref(l);
        }
        if (f->y + gap + h > f->bottom) {
            page_end(f);
            page_begin(f);
        }
        for (int i = 0; i < n; i++) {
            l = para(f, t->sign[i], f->head, f->W / n - 4, JY_PDF_LEFT);
            show(f, l, f->x0 + i * (f->W / n), f->y + gap);
            g_object_unref(l);
        }
        f->y += gap + h;
    }
    page_end(f);
}

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int len)
{
    jy_sb_appendn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

static int utf8_or_err(const char *s, const char *where, size_t r, int k, jy_err *err)
{
    if (!s || g_utf8_validate(s, -1, NULL)) return 0;
    if (k >= 0) return jy_err_set2(err, JY_EINVAL, "pdf.cell_not_utf8", "PDF: %s row %zu column %d: not UTF-8 text", "PDF：%s 第 %zu 行第 %d 列：不是 UTF-8 文本", where, r + 1, k + 1);
    return jy_err_set2(err, JY_EINVAL, "pdf.not_utf8", "PDF: %s: not UTF-8 text", "PDF：%s：不是 UTF-8 文本", where);
}

static int check(const jy_pdf_table *t, jy_err *err)
{
    if (t->ncols < 1 || !t->cols) return jy_err_set2(err, JY_EINVAL, "pdf.no_columns", "PDF: the table has no columns", "PDF：表格没有列");
    if (t->ncols > JY_PDF_MAX_COLS)
        return jy_err_set2(err, JY_EINVAL, "pdf.too_many_columns", "PDF: %d columns, at most %d fit a page", "PDF：表格有 %d 列，一页最多容纳 %d 列", t->ncols, JY_PDF_MAX_COLS);
    if (utf8_or_err(t->title, "title", 0, -1, err) || utf8_or_err(t->form, "form", 0, -1, err) ||
        utf8_or_err(t->note, "note", 0, -1, err))
        return err->code;
    for (int i = 0; i < t->nheads; i++)
        if (utf8_or_err(t->heads[i], "heading", 0, -1, err)) return err->code;
    for (int k = 0; k < t->ncols; k++)
        if (utf8_or_err(t->cols[k].title, "column header", 0, k, err)) return err->code;
    for (size_t r = 0; r < t->nrows; r++)
        for (int k = 0; k < t->ncols; k++)
            if (utf8_or_err(t->cells[r * (size_t)t->ncols + k], "table", r, k, err)) return err->code;
    if (t->total)
        for (int k = 0; k < t->ncols; k++)
            if (utf8_or_err(t->total[k], "合计 row", 0, k, err)) return err->code;
    for (int i = 0; t->sign && t->sign[i]; i++)
        if (utf8_or_err(t->sign[i], "signature line", 0, -1, err)) return err->code;
    return 0;
}

static const char *pick_family(PangoFontMap *fm)
{
    PangoFontFamily **fams = NULL;
    int n = 0;
    const char *pick = NULL;
    pango_font_map_list_families(fm, &fams, &n);
    for (int i = 0; families[i] && !pick; i++)
        for (int j = 0; j < n; j++)
            if (strcmp(pango_font_family_get_name(fams[j]), families[i]) == 0) {
                pick = families[i];
                break;
            }
    g_free(fams);
    return pick;
}

/* At exit, cairo's and fontconfig's caches are released, so a leak checker sees only real leaks.
 * By then no render runs: each frees its font map before it returns. */
static void release_caches(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

static void register_release(void) { atexit(release_caches); }

int jy_pdf_table_render(const jy_pdf_table *t, jy_sb *out, int *pages, jy_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_release);
    if (pages) *pages = 0;
    if (check(t, err)) return err->code;
    flow f = {.t = t};
    double *want = calloc((size_t)t->ncols, sizeof *want), *hmin = calloc((size_t)t->ncols, sizeof *hmin);
    f.colw = calloc((size_t)t->ncols, sizeof *f.colw);
    f.cell = calloc((size_t)t->ncols, sizeof *f.cell);
    if (!want || !hmin || !f.colw || !f.cell) {
        free(want);
        free(hmin);
        free(f.colw);
        free(f.cell);
        return jy_err_set2(err, JY_ENOMEM, "pdf.oom", "PDF: out of memory", "PDF：内存不足");
    }

    size_t start = out->len;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink, out, A4_SHORT, A4_LONG);
    /* no CAIRO_PDF_METADATA_TITLE: cairo 1.16 leaks a non-ASCII one when the surface finishes */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "jiuye");
    f.cr = cairo_create(s);
    PangoFontMap *fm = pango_cairo_font_map_new();
    f.ctx = pango_font_map_create_context(fm);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF); /* the same widths measured and drawn */
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(f.ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(f.cr, f.ctx);
    const char *family = pick_family(fm);
    if (!family) { /* Latin fonts would print the Chinese as empty boxes */
        g_object_unref(f.ctx);
        g_object_unref(fm);
        cairo_destroy(f.cr);
        cairo_surface_destroy(s);
        jy_sb_truncate(out, start);
        free(want);
        free(hmin);
        free(f.colw);
        free(f.cell);
        return jy_err_set2(err, JY_ENODATA, "pdf.no_font", "PDF: no Chinese font installed (Debian: apt-get install fonts-noto-cjk)", "PDF：没有安装中文字体（Debian：apt-get install fonts-noto-cjk）");
    }

    /* portrait when every cell fits on one line there (or when asked), else landscape */
    measure(&f, family, want, hmin);
    int landscape = t->orientation == JY_PDF_LANDSCAPE;
    if (t->orientation == JY_PDF_AUTO)
        landscape = !fit(t, want, hmin, A4_SHORT - 2 * MARGIN_X, &f.size, f.colw) || f.size < 9.0;
    f.pw = landscape ? A4_LONG : A4_SHORT;
    f.ph = landscape ? A4_SHORT : A4_LONG;
    f.x0 = MARGIN_X;
    f.W = f.pw - 2 * MARGIN_X;
    f.bottom = f.ph - MARGIN_BOTTOM;
    fit(t, want, hmin, f.W, &f.size, f.colw);
    if (landscape) cairo_pdf_surface_set_size(s, f.pw, f.ph);
    double hs = f.size + 1.0 > 11.0 ? 11.0 : f.size + 1.0;
    f.body = font(family, f.size, 0);
    f.bold = font(family, f.size, 1);
    f.head = font(family, hs, 0);
    f.title = font(family, landscape ? 18.0 : 16.0, 1);

    f.draw = 0;
    run(&f); /* count the pages */
    f.pages = f.page;
    f.draw = 1;
    run(&f);

    pango_font_description_free(f.body);
    pango_font_description_free(f.bold);
    pango_font_description_free(f.head);
    pango_font_description_free(f.title);
    g_object_unref(f.ctx);
    g_object_unref(fm);
    cairo_destroy(f.cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    free(f.colw);
    free(f.cell);
    free(want);
    free(hmin);
    if (st != CAIRO_STATUS_SUCCESS) {
        jy_sb_truncate(out, start);
        return jy_err_set2(err, JY_EIO, "pdf.cairo", "PDF: %s", "PDF：生成出错（%s）", cairo_status_to_string(st));
    }
    if (pages) *pages = f.pages;
    return 0;
}
