/* Unit tests of the XLSX reader (base/xlsx) and the row-source interface (base/rowsrc):
 * workbooks written by libxlsxwriter (as Excel writes them: shared strings, styles, merged
 * title rows, dates, numbers) and hand-made archives (libzip) for what libxlsxwriter never
 * writes: inline and rich-text strings, phonetic runs, _xHHHH_ escapes, the 1904 date system,
 * sparse cells, absolute targets, DOCTYPEs, zip bombs, damaged and truncated files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>
#ifdef JY_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

#include "base/date.h"
#include "base/rowsrc.h"
#include "base/sb.h"
#include "base/xlsx.h"

static char tmpdir[512];

static const char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int k;
    if (!tmpdir[0]) {
        const char *t = getenv("JY_TEST_TMP");
        snprintf(tmpdir, sizeof tmpdir, "%s/xlsx-unit-%d", t && *t ? t : "/tmp", (int)getpid());
        mkdir(t && *t ? t : "/tmp", 0777);
        mkdir(tmpdir, 0777);
    }
    char *b = buf[k++ & 7];
    snprintf(b, 1024, "%s/%s", tmpdir, name);
    return b;
}

/* Reads the whole sheet into "a|b|c\n" lines, each prefixed by "<row>:". */
static char *render(jy_xlsx *x, int *rc_out, jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    int rc;
    while ((rc = jy_xlsx_next(x, err)) == 1) {
        jy_sb_append_i64(&sb, jy_xlsx_record_no(x));
        jy_sb_appendc(&sb, ':');
        for (size_t i = 0; i < jy_xlsx_nfields(x); i++) {
            size_t n;
            const char *f = jy_xlsx_field(x, i, &n);
            assert_int_equal(f[n], '\0');
            if (i) jy_sb_appendc(&sb, '|');
            jy_sb_appendn(&sb, f, n);
        }
        jy_sb_appendc(&sb, '\n');
    }
    *rc_out = rc;
    jy_sb_appendc(&sb, '\0');
    return jy_sb_take(&sb);
}

/* ------------------------------------------------------------------ hand-made archives */

typedef struct part {
    const char *name, *text;
} part;

static const char *CT = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char *ROOTRELS =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
static const char *WB1 =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WBRELS1 =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
    "</Relationships>";
static const char *STYLES =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"0.00&quot;元&quot;\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"49\"/></cellXfs>"
    "</styleSheet>";

#define SHEET_OPEN "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_CLOSE "</sheetData></worksheet>"

static const char *make_zip(const char *name, const part *parts, size_t n)
{
    const char *path = tmp_path(name);
    unlink(path);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return path;
}

/* A workbook of one sheet S1 with the given sheet XML and shared strings (NULL: none). */
static const char *simple_book(const char *name, const char *sheet, const char *sst)
{
    part p[7] = {{"[Content_Types].xml", CT},       {"_rels/.rels", ROOTRELS},   {"xl/workbook.xml", WB1},
                 {"xl/_rels/workbook.xml.rels", WBRELS1}, {"xl/styles.xml", STYLES}, {"xl/worksheets/sheet1.xml", sheet},
                 {"xl/sharedStrings.xml", sst}};
    return make_zip(name, p, sst ? 7 : 6);
}

static char *read_book(const char *path, const char *sheet, int *rc, jy_err *err)
{
    jy_xlsx *x;
    jy_xlsx_opts o = {0};
    o.sheet = sheet;
    *rc = jy_xlsx_open_file(path, &o, &x, err);
    if (*rc) return NULL;
    char *s = render(x, rc, err);
    jy_xlsx_free(x);
    return s;
}

static void expect_book(const char *sheet, const char *sst, const char *want)
{
    const char *path = simple_book("t.xlsx", sheet, sst);
    jy_err err = {0};
    int rc;
    char *got = read_book(path, NULL, &rc, &err);
    if (!got) fail_msg("open failed: %s", err.msg);
    if (rc != 0) fail_msg("read failed: %s", err.msg);
    if (strcmp(got, want) != 0) fail_msg("got:\n%s\nwant:\n%s", got, want);
    free(got);
}

static void expect_book_error(const char *sheet, const char *sst, const char *want_in_msg)
{
    const char *path = simple_book("bad.xlsx", sheet, sst);
    jy_err err = {0};
    int rc;
    char *got = read_book(path, NULL, &rc, &err);
    free(got);
    assert_true(rc < 0);
    if (!strstr(err.msg, want_in_msg)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, want_in_msg);
    /* every refusal has its key and a Chinese text (issue 13 item 4), the parser's handlers' too */
    if (!err.key || !err.zh[0]) fail_msg("message \"%s\" has no key or no Chinese text", err.msg);
}

static void test_refs_and_serials(void **state)
{
    int col;
    int64_t row;
    assert_int_equal(jy_xlsx_ref_parse("A1", 2, &col, &row), 0);
    assert_int_equal(col, 0);
    assert_int_equal(row, 1);
    assert_int_equal(jy_xlsx_ref_parse("AA10", 4, &col, &row), 0);
    assert_int_equal(col, 26);
    assert_int_equal(row, 10);
    assert_int_equal(jy_xlsx_ref_parse("XFD1048576", 10, &col, &row), 0);
    assert_int_equal(col, 16383);
    assert_int_equal(jy_xlsx_ref_parse("XFE1", 4, &col, &row), JY_EINVAL);
    assert_int_equal(jy_xlsx_ref_parse("A1048577", 8, &col, &row), JY_EINVAL);
    assert_int_equal(jy_xlsx_ref_parse("A0", 2, &col, &row), JY_EINVAL);
    assert_int_equal(jy_xlsx_ref_parse("1A", 2, &col, &row), JY_EINVAL);
    assert_int_equal(jy_xlsx_ref_parse("", 0, &col, &row), JY_EINVAL);

    jy_date d;
    char b[JY_DATE_BUFSZ];
    assert_int_equal(jy_xlsx_serial_date(1, 0, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "1900-01-01");
    assert_int_equal(jy_xlsx_serial_date(59, 0, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "1900-02-28");
    assert_int_equal(jy_xlsx_serial_date(60, 0, &d, NULL), JY_EINVAL); /* 1900-02-29 */
    assert_int_equal(jy_xlsx_serial_date(61, 0, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "1900-03-01");
    assert_int_equal(jy_xlsx_serial_date(25569, 0, &d, NULL), 0);
    assert_int_equal(d, 0);
    assert_int_equal(jy_xlsx_serial_date(45292, 0, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "2024-01-01");
    assert_int_equal(jy_xlsx_serial_date(2958465, 0, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "9999-12-31");
    assert_int_equal(jy_xlsx_serial_date(2958466, 0, &d, NULL), JY_EINVAL);
    assert_int_equal(jy_xlsx_serial_date(0, 0, &d, NULL), JY_EINVAL);
    assert_int_equal(jy_xlsx_serial_date(0, 1, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "1904-01-01");
    assert_int_equal(jy_xlsx_serial_date(45292 - 1462, 1, &d, NULL), 0);
    assert_string_equal(jy_date_format(d, b), "2024-01-01");

    assert_true(jy_xlsx_format_is_date("yyyy/m/d"));
    assert_true(jy_xlsx_format_is_date("yyyy\"年\"m\"月\"d\"日\""));
    assert_true(jy_xlsx_format_is_date("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"));
    assert_true(jy_xlsx_format_is_date("h:mm AM/PM"));
    assert_false(jy_xlsx_format_is_date("General"));
    assert_false(jy_xlsx_format_is_date("0.00\"元\""));
    assert_false(jy_xlsx_format_is_date("\"day\"0"));
    assert_false(jy_xlsx_format_is_date("[Red]0.00"));
    assert_false(jy_xlsx_format_is_date("@"));
    assert_false(jy_xlsx_format_is_date("0.00E+00"));
}

static void test_cells_of_every_kind(void **state)
{
    expect_book(SHEET_OPEN
                "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>内联</t></is></c></row>"
                "<row r=\"2\"><c r=\"A2\"><v>42</v></c><c r=\"B2\"><v>3000.5</v></c><c r=\"C2\"><v>1.5E-3</v></c>"
                "<c r=\"D2\" t=\"b\"><v>1</v></c><c r=\"E2\" t=\"b\"><v>0</v></c><c r=\"F2\" t=\"e\"><v>#N/A</v></c>"
                "<c r=\"G2\" t=\"str\"><f>A1&amp;B1</f><v>ab</v></c><c r=\"H2\"><v>0.30000000000000004</v></c><c r=\"I2\"><v>-0</v></c></row>"
                "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>45292</v></c><c r=\"B3\" s=\"2\"><v>45293</v></c><c r=\"C3\" s=\"1\"><v>45292.75</v></c>"
                "<c r=\"D3\" s=\"3\"><v>12</v></c><c r=\"E3\" s=\"1\"><v>60</v></c><c r=\"F3\" s=\"1\"/><c r=\"G3\" s=\"1\"><v>0.5</v></c></row>"
                SHEET_CLOSE,
                "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>姓名</t></si>"
                "<si><r><rPr><b/></rPr><t>身份</t></r><r><t xml:space=\"preserve\">证号 </t></r><rPh sb=\"0\" eb=\"1\"><t>ミブン</t></rPh></si></sst>",
                "1:姓名|身份证号 |内联\n"
                "2:42|3000.5|0.0015|TRUE|FALSE|#N/A|ab|0.3|0\n"
                "3:2024-01-01|2024-01-02|2024-01-01 18:00:00|12|1900-02-29||12:00:00\n");
}

static void test_sparse_rows_and_gaps(void **state)
{
    /* rows 1, 4, 7 (empty rows left out), cells without r, cells with gaps, an empty row element */
    expect_book(SHEET_OPEN
                "<row r=\"1\"><c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>d</t></is></c></row>"
                "<row r=\"4\"><c t=\"inlineStr\"><is><t>x</t></is></c><c t=\"inlineStr\"><is><t>y</t></is></c><c r=\"AA4\"><v>7</v></c></row>"
                "<row r=\"6\"/><row><c r=\"A7\" t=\"inlineStr\"><is><t>_x000D__x000A_行_x005F_x0041_&#x1F600;_xD83D__xDE00_</t></is></c></row>"
                SHEET_CLOSE,
                NULL,
                "1:|b||d\n"
                "4:x|y|||||||||||||||||||||||||7\n"
                "6:\n"
                "7:\r\n行_x0041_😀😀\n");
}

static void test_numbers_that_lost_digits(void **state)
{
    const char *path = simple_book("ids.xlsx",
                                   SHEET_OPEN "<row r=\"1\">"
                                   "<c r=\"A1\"><v>6.4052219900101101E+17</v></c>"  /* Excel's 18-digit ID */
                                   "<c r=\"B1\"><v>640522199001011234</v></c>"      /* digits a double cannot hold */
                                   "<c r=\"C1\"><v>13800138000</v></c>"             /* a phone number: exact */
                                   "<c r=\"D1\"><v>1E+18</v></c>"                   /* big but exact */
                                   "<c r=\"E1\"><v>123456789012345</v></c>"         /* 15 digits: exact */
                                   "<c r=\"F1\"><v>6.22848E+18</v></c>"             /* bank account: exact as written */
                                   "<c r=\"G1\" t=\"s\"><v>0</v></c>"
                                   "</row>" SHEET_CLOSE,
                                   "<sst><si><t>640522199001011234</t></si></sst>");
    jy_xlsx *x;
    jy_err err;
    assert_int_equal(jy_xlsx_open_file(path, NULL, &x, &err), 0);
    assert_int_equal(jy_xlsx_next(x, &err), 1);
    assert_int_equal(jy_xlsx_nfields(x), 7);
    assert_string_equal(jy_xlsx_field(x, 0, NULL), "6.4052219900101101E+17");
    assert_int_equal(jy_xlsx_field_kind(x, 0), JY_XLSX_NUMBER_INEXACT);
    assert_string_equal(jy_xlsx_field(x, 1, NULL), "640522199001011234");
    assert_int_equal(jy_xlsx_field_kind(x, 1), JY_XLSX_NUMBER_INEXACT);
    assert_string_equal(jy_xlsx_field(x, 2, NULL), "13800138000");
    assert_int_equal(jy_xlsx_field_kind(x, 2), JY_XLSX_NUMBER);
    assert_string_equal(jy_xlsx_field(x, 3, NULL), "1000000000000000000");
    assert_int_equal(jy_xlsx_field_kind(x, 3), JY_XLSX_NUMBER);
    assert_string_equal(jy_xlsx_field(x, 4, NULL), "123456789012345");
    assert_string_equal(jy_xlsx_field(x, 5, NULL), "6228480000000000000");
    assert_int_equal(jy_xlsx_field_kind(x, 5), JY_XLSX_NUMBER);
    assert_int_equal(jy_xlsx_field_kind(x, 6), JY_XLSX_TEXT);

    jy_rowsrc rs = jy_rowsrc_xlsx(x);
    assert_true(jy_rows_inexact(rs, 0));
    assert_false(jy_rows_inexact(rs, 2));
    assert_false(jy_rows_inexact(rs, 6));
    assert_false(jy_rows_inexact(rs, 99));
    assert_int_equal(jy_rows_record_no(rs), 1);
    assert_int_equal(jy_rows_next(rs, &err), 0);
    assert_int_equal(jy_xlsx_next(x, &err), 0); /* stays at the end */
    jy_xlsx_free(x);
}

static void test_sheets_by_name_and_1904(void **state)
{
    const char *wb = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                     "<workbookPr date1904=\"1\"/><sheets>"
                     "<sheet name=\"隐藏\" sheetId=\"3\" state=\"hidden\" r:id=\"rId3\"/>"
                     "<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/>"
                     "<sheet name=\"花名册\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
    const char *rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                       "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/a.xml\"/>"
                       "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"./worksheets/../worksheets/b.xml\"/>"
                       "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/c.xml\"/>"
                       "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                       "</Relationships>";
    part p[] = {{"_rels/.rels", ROOTRELS},
                {"xl/workbook.xml", wb},
                {"xl/_rels/workbook.xml.rels", rels},
                {"xl/styles.xml", STYLES},
                {"xl/worksheets/a.xml", SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>说明页</t></is></c></row>" SHEET_CLOSE},
                {"xl/worksheets/b.xml", SHEET_OPEN "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c><c r=\"B2\" s=\"1\"><v>43830</v></c></row>" SHEET_CLOSE},
                {"xl/worksheets/c.xml", SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>hidden</t></is></c></row>" SHEET_CLOSE}};
    const char *path = make_zip("sheets.xlsx", p, sizeof p / sizeof *p);
    jy_err err = {0};
    int rc;
    char *got = read_book(path, NULL, &rc, &err); /* the first visible sheet */
    assert_non_null(got);
    assert_string_equal(got, "1:说明页\n");
    free(got);
    got = read_book(path, "花名册", &rc, &err);
    assert_non_null(got);
    assert_string_equal(got, "2:1904-01-01|2024-01-01\n");
    free(got);
    got = read_book(path, "Sheet9", &rc, &err);
    assert_null(got);
    assert_int_equal(rc, JY_EINVAL);
    assert_non_null(strstr(err.msg, "no sheet named \"Sheet9\"; the workbook has: 隐藏, 说明, 花名册"));

    jy_xlsx *x;
    jy_xlsx_opts o = {.sheet = "花名册"};
    assert_int_equal(jy_xlsx_open_file(path, &o, &x, &err), 0);
    assert_int_equal(jy_xlsx_sheet_count(x), 3);
    assert_string_equal(jy_xlsx_sheet_name(x, 2), "花名册");
    assert_string_equal(jy_xlsx_sheet(x), "花名册");
    jy_xlsx_free(x);
}

static void test_damaged_files_are_refused(void **state)
{
    /* not well-formed, a cut-off sheet, DOCTYPE with entities, bad references, rows backwards */
    expect_book_error(SHEET_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL, "not well-formed");
    expect_book_error("<!DOCTYPE lol [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>" SHEET_OPEN
                      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row>" SHEET_CLOSE,
                      NULL, "DOCTYPE");
    expect_book_error(SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>" SHEET_CLOSE,
                      "<sst><si><t>x</t></si></sst>", "refers to shared string \"5\" but the file has 1");
    expect_book_error(SHEET_OPEN "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>" SHEET_CLOSE, NULL,
                      "cell reference \"1A\" is not valid");
    expect_book_error(SHEET_OPEN "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>" SHEET_CLOSE, NULL, "is not valid");
    expect_book_error(SHEET_OPEN "<row r=\"5\"/><row r=\"3\"/>" SHEET_CLOSE, NULL, "rows out of order");
    expect_book_error(SHEET_OPEN "<row r=\"1048577\"/>" SHEET_CLOSE, NULL, "row number \"1048577\" is not valid");
    expect_book_error(SHEET_OPEN "<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"B1\"><v>1</v></c></row>" SHEET_CLOSE,
                      NULL, "comes after a cell to its right");

    /* a truncated archive and something that is not a zip at all */
    const char *good = simple_book("good.xlsx", SHEET_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" SHEET_CLOSE, NULL);
    FILE *f = fopen(good, "rb");
    assert_non_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    jy_xlsx *x;
    jy_err err;
    for (size_t cut = 0; cut < n; cut += n / 17 + 1) {
        int rc = jy_xlsx_open_mem(buf, cut, NULL, &x, &err);
        if (rc == 0) { /* only possible when nothing was cut off that matters */
            jy_xlsx_free(x);
            continue;
        }
        assert_int_equal(rc, JY_EINVAL);
    }
    assert_int_equal(jy_xlsx_open_mem(buf, n / 2, NULL, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "not a readable XLSX workbook"));
    assert_int_equal(jy_xlsx_open_mem("姓名,身份证号\n", 20, NULL, &x, &err), JY_EINVAL);

    /* a flipped byte inside the compressed sheet: CRC or inflate error at open, before any row */
    for (size_t i = 40; i < n / 3; i += 7) {
        char copy[65536];
        memcpy(copy, buf, n);
        copy[i] ^= 0x55;
        if (jy_xlsx_open_mem(copy, n, NULL, &x, &err) == 0) {
            int rc;
            while ((rc = jy_xlsx_next(x, &err)) == 1) {}
            assert_true(rc <= 0);
            jy_xlsx_free(x);
        }
    }

    /* an old .xls file */
    const char *xls = tmp_path("old.xls");
    f = fopen(xls, "wb");
    fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" "0000000000", 1, 18, f);
    fclose(f);
    assert_int_equal(jy_xlsx_open_file(xls, NULL, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, ".xls"));
    assert_int_equal(jy_xlsx_open_file(tmp_path("missing.xlsx"), NULL, &x, &err), JY_EIO);
}

static void test_zip_bomb_and_limits(void **state)
{
    /* 64 MiB of spaces inside a sheet compresses ~1000:1 */
    size_t big = 64u << 20;
    char *sheet = malloc(big + 200);
    assert_non_null(sheet);
    size_t o = (size_t)snprintf(sheet, 200, "%s", SHEET_OPEN);
    memset(sheet + o, ' ', big);
    o += big;
    memcpy(sheet + o, SHEET_CLOSE, sizeof SHEET_CLOSE);
    const char *path = simple_book("bomb.xlsx", sheet, NULL);
    free(sheet);
    jy_xlsx *x;
    jy_err err;
    assert_int_equal(jy_xlsx_open_file(path, NULL, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "zip bomb"));

    /* a smaller part limit and row limit */
    path = simple_book("rows.xlsx", SHEET_OPEN "<row r=\"1\"/><row r=\"2\"/><row r=\"3\"/>" SHEET_CLOSE, NULL);
    jy_xlsx_opts lim = {.max_rows = 2};
    assert_int_equal(jy_xlsx_open_file(path, &lim, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "past the limit of 2 rows"));
    jy_xlsx_opts lim2 = {.max_part = 50};
    assert_int_equal(jy_xlsx_open_file(path, &lim2, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "over the limit of 50 bytes"));

    /* one shared string repeated across 16384 columns: the row byte limit stops it */
    jy_sb s = JY_SB_INIT;
    jy_sb_append(&s, SHEET_OPEN "<row r=\"1\">");
    for (int c = 0; c < 3000; c++) jy_sb_append(&s, "<c t=\"s\"><v>0</v></c>");
    jy_sb_append(&s, "</row>" SHEET_CLOSE);
    jy_sb sst = JY_SB_INIT;
    jy_sb_append(&sst, "<sst><si><t>");
    for (int i = 0; i < 1000; i++) jy_sb_append(&sst, "0123456789");
    jy_sb_append(&sst, "</t></si></sst>");
    path = simple_book("wide.xlsx", jy_sb_cstr(&s), jy_sb_cstr(&sst));
    assert_int_equal(jy_xlsx_open_file(path, NULL, &x, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "holds more than"));
    jy_sb_free(&s);
    jy_sb_free(&sst);
}

#ifdef JY_HAVE_XLSXWRITER
/* A roster as Excel writes it: merged title row, a 填报单位 line, header, data with an ID as
 * text and one as a number, a date cell, a formula; a second sheet. */
static void test_libxlsxwriter_roster(void **state)
{
    const char *path = tmp_path("roster.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "花名册");
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Sheet2");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy/m/d");
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    worksheet_merge_range(ws, 0, 0, 0, 4, "帮扶车间带动就业花名册", title);
    worksheet_write_string(ws, 1, 0, "填报单位（盖章）：", NULL);
    const char *hdr[] = {"序号", "姓名", "身份证号", "联系电话", "入职日期"};
    for (int c = 0; c < 5; c++) worksheet_write_string(ws, 2, c, hdr[c], NULL);
    worksheet_write_number(ws, 3, 0, 1, NULL);
    worksheet_write_string(ws, 3, 1, "马小花", NULL);
    worksheet_write_string(ws, 3, 2, "640522199001011234", NULL);
    worksheet_write_number(ws, 3, 3, 13800138000.0, NULL);
    lxw_datetime dt = {2024, 3, 7, 0, 0, 0};
    worksheet_write_datetime(ws, 3, 4, &dt, date);
    worksheet_write_number(ws, 4, 0, 2, NULL);
    worksheet_write_string(ws, 4, 1, "李 四", NULL);
    worksheet_write_number(ws, 4, 2, 640522199001011234.0, NULL);
    worksheet_write_formula_num(ws, 4, 3, "=1+1", NULL, 2);
    worksheet_write_string(ws2, 0, 0, "other", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    jy_err err = {0};
    int rc;
    char *got = read_book(path, NULL, &rc, &err);
    if (!got || rc) fail_msg("%s", err.msg);
    assert_string_equal(got, "1:帮扶车间带动就业花名册||||\n"
                             "2:填报单位（盖章）：\n"
                             "3:序号|姓名|身份证号|联系电话|入职日期\n"
                             "4:1|马小花|640522199001011234|13800138000|2024-03-07\n"
                             "5:2|李 四|6.405221990010112E+17|2\n");
    free(got);
    got = read_book(path, "Sheet2", &rc, &err);
    assert_string_equal(got, "1:other\n");
    free(got);

    /* the same through the row-source interface */
    jy_xlsx *x;
    assert_int_equal(jy_xlsx_open_file(path, NULL, &x, &err), 0);
    jy_rowsrc rs = jy_rowsrc_xlsx(x);
    int rows = 0, inexact = 0;
    while (jy_rows_next(rs, &err) == 1) {
        rows++;
        for (size_t i = 0; i < jy_rows_nfields(rs); i++) inexact += jy_rows_inexact(rs, i);
    }
    assert_int_equal(rows, 5);
    assert_int_equal(inexact, 1);
    jy_xlsx_free(x);
}
#endif

static void test_csv_rowsrc(void **state)
{
    const char *text = "a,b\n\n1,2\n";
    jy_csv *c = jy_csv_new_mem(text, strlen(text), 0);
    jy_rowsrc rs = jy_rowsrc_csv(c);
    jy_err err;
    assert_int_equal(jy_rows_next(rs, &err), 1);
    assert_int_equal(jy_rows_nfields(rs), 2);
    assert_string_equal(jy_rows_field(rs, 1, NULL), "b");
    assert_int_equal(jy_rows_next(rs, &err), 1);
    assert_true(jy_rows_blank(rs));
    assert_int_equal(jy_rows_next(rs, &err), 1);
    assert_int_equal(jy_rows_record_no(rs), 3);
    assert_false(jy_rows_inexact(rs, 0));
    assert_int_equal(jy_rows_next(rs, &err), 0);
    jy_csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refs_and_serials),
        cmocka_unit_test(test_cells_of_every_kind),
        cmocka_unit_test(test_sparse_rows_and_gaps),
        cmocka_unit_test(test_numbers_that_lost_digits),
        cmocka_unit_test(test_sheets_by_name_and_1904),
        cmocka_unit_test(test_damaged_files_are_refused),
        cmocka_unit_test(test_zip_bomb_and_limits),
#ifdef JY_HAVE_XLSXWRITER
        cmocka_unit_test(test_libxlsxwriter_roster),
#endif
        cmocka_unit_test(test_csv_rowsrc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
