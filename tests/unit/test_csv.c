/* Unit tests of the CSV reader (base/csv) and of encoding detection and conversion (base/text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/csv.h"
#include "base/sb.h"
#include "base/text.h"

/* The current record as "a|b|c\n" (fields joined by '|'). */
static void append_record(jy_sb *sb, const jy_csv *c)
{
    for (size_t i = 0; i < jy_csv_nfields(c); i++) {
        size_t n;
        const char *f = jy_csv_field(c, i, &n);
        if (i) jy_sb_appendc(sb, '|');
        jy_sb_appendn(sb, f, n);
    }
    jy_sb_appendc(sb, '\n');
}

/* Reads all of text as CSV and renders records as "a|b|c\n" lines. */
static char *render(jy_csv *c, int *rc_out, jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    int rc;
    while ((rc = jy_csv_next(c, err)) == 1) append_record(&sb, c);
    *rc_out = rc;
    jy_sb_appendc(&sb, '\0');
    return jy_sb_take(&sb);
}

static void expect_csv(const char *in, char delim, const char *want)
{
    jy_err err = {0};
    int rc;
    jy_csv *c = jy_csv_new_mem(in, strlen(in), delim);
    char *got = render(c, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
    jy_csv_free(c);
}

/* A byte source that hands out one byte per call: every state must survive buffer edges. */
struct trickle { const char *s; size_t n, pos; };
static long trickle_read(void *ctx, char *buf, size_t cap, jy_err *err)
{
    struct trickle *t = ctx;
    if (t->pos == t->n) return 0;
    buf[0] = t->s[t->pos++];
    return 1;
}

static void expect_csv_trickle(const char *in, const char *want)
{
    struct trickle t = {in, strlen(in), 0};
    jy_err err = {0};
    int rc;
    jy_csv *c = jy_csv_new(trickle_read, &t, ',');
    char *got = render(c, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
    jy_csv_free(c);
}

static void test_plain_records_and_line_ends(void **state)
{
    expect_csv("a,b,c\n1,2,3\n", ',', "a|b|c\n1|2|3\n");
    expect_csv("a,b\r\n1,2\r\n", ',', "a|b\n1|2\n");
    expect_csv("a,b\r1,2\r", ',', "a|b\n1|2\n");       /* lone CR (old Mac) */
    expect_csv("a,b\n1,2", ',', "a|b\n1|2\n");         /* no final line end */
    expect_csv("a,,c\n,,\n", ',', "a||c\n||\n");       /* empty fields */
    expect_csv("", ',', "");
    expect_csv("x\n\ny\n", ',', "x\n\ny\n");           /* blank line is a record */
}

static void test_quoted_fields(void **state)
{
    expect_csv("\"a,b\",c\n", ',', "a,b|c\n");
    expect_csv("\"say \"\"hi\"\"\",x\n", ',', "say \"hi\"|x\n");
    expect_csv("\"line1\nline2\",x\r\ny,z\r\n", ',', "line1\nline2|x\ny|z\n");
    expect_csv("\"crlf\r\ninside\",x\n", ',', "crlf\r\ninside|x\n");
    expect_csv("\"\",x\n", ',', "|x\n");
    expect_csv("ab\"c,d\n", ',', "ab\"c|d\n");         /* quote inside unquoted: literal */
    expect_csv("\"ab\"c,d\n", ',', "abc|d\n");         /* text after the closing quote kept */
    expect_csv("\"end\"", ',', "end\n");
}

static void test_bom_and_delimiter_detection(void **state)
{
    expect_csv("\xEF\xBB\xBF姓名,身份证号\n张三,1\n", 0, "姓名|身份证号\n张三|1\n");
    expect_csv("序号\t姓名\t性别\n1\t张三\t男\n", 0, "序号|姓名|性别\n1|张三|男\n");
    expect_csv("a;b;c\n1;2;3\n", 0, "a|b|c\n1|2|3\n");
    expect_csv("\"a\tb\",c\n", 0, "a\tb|c\n");         /* tab inside quotes does not count */
    jy_csv *c = jy_csv_new_mem("x\ty\n", 4, 0);
    jy_err err;
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_delim(c), '\t');
    jy_csv_free(c);
}

static void test_buffer_edges_one_byte_at_a_time(void **state)
{
    expect_csv_trickle("\xEF\xBB\xBF" "a,\"b\"\"c\",\"d\r\ne\"\r\n1,2,3\r", "a|b\"c|d\r\ne\n1|2|3\n");
}

static void test_record_and_line_numbers(void **state)
{
    const char *in = "h1,h2\n\"multi\nline\",x\nlast,y\n";
    jy_csv *c = jy_csv_new_mem(in, strlen(in), ',');
    jy_err err;
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_record_no(c), 1);
    assert_int_equal(jy_csv_line_no(c), 1);
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_record_no(c), 2);
    assert_int_equal(jy_csv_line_no(c), 2);
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_record_no(c), 3);
    assert_int_equal(jy_csv_line_no(c), 4);
    size_t n;
    assert_string_equal(jy_csv_field(c, 0, &n), "last");
    assert_int_equal(n, 4);
    assert_string_equal(jy_csv_field(c, 9, &n), ""); /* beyond the record: empty */
    assert_int_equal(jy_csv_next(c, &err), 0);
    assert_int_equal(jy_csv_next(c, &err), 0);
    jy_csv_free(c);
}

static void test_blank_detection(void **state)
{
    const char *in = ",,,\n,a,\n";
    jy_csv *c = jy_csv_new_mem(in, strlen(in), ',');
    jy_err err;
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_nfields(c), 4);
    assert_true(jy_csv_blank(c));
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_false(jy_csv_blank(c));
    jy_csv_free(c);
}

static void test_unterminated_quote_is_an_error(void **state)
{
    const char *in = "a,b\n\"open,never closed\n1,2\n";
    jy_csv *c = jy_csv_new_mem(in, strlen(in), ',');
    jy_err err = {0};
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_next(c, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "line 2"));
    assert_int_equal(jy_csv_next(c, &err), 0); /* stays at the end */
    jy_csv_free(c);
}

/* Reads to the end, going on past broken records (jy_csv_resume): "N:a|b\n" per record,
 * "#N!\n" for a broken record N read past, "stop N\n" where the reader could not go on. */
static char *render_resume(jy_csv *c)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err;
    for (;;) {
        int rc = jy_csv_next(c, &err);
        if (rc == 0) break;
        if (rc < 0) {
            if (!jy_csv_resume(c)) {
                jy_sb_appendf(&sb, "stop %lld\n", (long long)jy_csv_record_no(c) + 1);
                break;
            }
            jy_sb_appendf(&sb, "#%lld!\n", (long long)jy_csv_record_no(c));
            continue;
        }
        jy_sb_appendf(&sb, "%lld:", (long long)jy_csv_record_no(c));
        append_record(&sb, c);
    }
    jy_sb_appendc(&sb, '\0');
    return jy_sb_take(&sb);
}

struct chunks { const char *s; size_t n, pos, step; };
static long chunk_read(void *ctx, char *buf, size_t cap, jy_err *err)
{
    (void)err;
    struct chunks *t = ctx;
    size_t k = t->n - t->pos < t->step ? t->n - t->pos : t->step;
    if (k > cap) k = cap;
    memcpy(buf, t->s + t->pos, k);
    t->pos += k;
    return (long)k;
}

static void expect_resume(const char *in, size_t n, const char *want)
{
    jy_csv *c = jy_csv_new_mem(in, n, ',');
    char *got = render_resume(c);
    assert_string_equal(got, want);
    free(got);
    jy_csv_free(c);
    size_t steps[] = {1, 7, 4096};
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) { /* the same through a stream */
        struct chunks t = {in, n, 0, steps[k]};
        c = jy_csv_new(chunk_read, &t, ',');
        got = render_resume(c);
        assert_string_equal(got, want);
        free(got);
        jy_csv_free(c);
    }
}

/* A stray quote that opens a field and is never closed swallows the file: the reader reports
 * the record and, asked to, goes on at the line after it, so the good rows after it are read. */
static void test_stray_quote_is_read_past(void **state)
{
    const char *in = "a,b\n\"open,never closed\n1,2\n3,4\n"; /* (a later quote would close it) */
    expect_resume(in, strlen(in), "1:a|b\n#2!\n3:1|2\n4:3|4\n");
    const char *crlf = "a,b\r\n1,\"stray\r\n2,3\r\n4,5";
    expect_resume(crlf, strlen(crlf), "1:a|b\n#2!\n3:2|3\n4:4|5\n");
    /* broken within its first line: nothing after it to read */
    expect_resume("h\n\"abc", 6, "1:h\nstop 2\n");
    /* left alone, the old contract holds: an error, then the end */
    jy_csv *c = jy_csv_new_mem(in, strlen(in), ',');
    jy_err err;
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_next(c, &err), JY_EINVAL);
    assert_int_equal(jy_csv_next(c, &err), 0);
    jy_csv_free(c);
}

/* A stray quote in a large file runs into the record limit before the end: read past alike. */
static void test_stray_quote_past_the_record_limit(void **state)
{
    jy_sb in = JY_SB_INIT, want = JY_SB_INIT;
    jy_sb_append(&in, "h\n\"x\n");
    jy_sb_append(&want, "1:h\n#2!\n");
    for (int i = 0; i < 200000; i++) {
        jy_sb_appendf(&in, "%d,row\n", i);
        jy_sb_appendf(&want, "%d:%d|row\n", i + 3, i);
    }
    assert_true(in.len > JY_CSV_MAX_RECORD);
    expect_resume(in.buf, in.len, jy_sb_cstr(&want));
    jy_sb_free(&in);
    jy_sb_free(&want);
}

static void test_oversized_record_is_an_error(void **state)
{
    size_t n = JY_CSV_MAX_RECORD + 100;
    char *big = malloc(n);
    memset(big, 'a', n);
    jy_csv *c = jy_csv_new_mem(big, n, ',');
    jy_err err = {0};
    assert_int_equal(jy_csv_next(c, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "longer than"));
    jy_csv_free(c);
    free(big);
}

static void test_field_writer_round_trips(void **state)
{
    const char *vals[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " padded ", ""};
    jy_sb sb = JY_SB_INIT;
    for (size_t i = 0; i < 6; i++) {
        if (i) jy_sb_appendc(&sb, ',');
        jy_csv_append_field(&sb, vals[i], strlen(vals[i]), ',');
    }
    jy_sb_appendc(&sb, '\n');
    jy_csv *c = jy_csv_new_mem(sb.buf, sb.len, ',');
    jy_err err;
    assert_int_equal(jy_csv_next(c, &err), 1);
    assert_int_equal(jy_csv_nfields(c), 6);
    for (size_t i = 0; i < 6; i++) assert_string_equal(jy_csv_field(c, i, NULL), vals[i]);
    jy_csv_free(c);
    jy_sb_free(&sb);
}

/* ---- encodings ---- */

static char *read_all(jy_text_reader *r, size_t cap)
{
    jy_sb sb = JY_SB_INIT;
    char *buf = malloc(cap);
    jy_err err;
    long n;
    while ((n = jy_text_reader_read(r, buf, cap, &err)) > 0) jy_sb_appendn(&sb, buf, (size_t)n);
    assert_int_equal(n, 0);
    free(buf);
    jy_sb_appendc(&sb, '\0');
    return jy_sb_take(&sb);
}

static void test_detect_encodings(void **state)
{
    size_t bom;
    assert_int_equal(jy_text_detect((const unsigned char *)"\xEF\xBB\xBF" "abc", 6, &bom), JY_ENC_UTF8);
    assert_int_equal(bom, 3);
    assert_int_equal(jy_text_detect((const unsigned char *)"姓名", strlen("姓名"), &bom), JY_ENC_UTF8);
    assert_int_equal(bom, 0);
    /* 姓名 in GB18030 is D0 D5 C3 FB */
    assert_int_equal(jy_text_detect((const unsigned char *)"\xD0\xD5\xC3\xFB", 4, &bom),
                     JY_ENC_GB18030);
    assert_int_equal(jy_text_detect((const unsigned char *)"\xFF\xFE" "a\0", 4, &bom), JY_ENC_UTF16LE);
    assert_int_equal(bom, 2);
    /* a UTF-8 sequence cut off by the end of the sample is still UTF-8 */
    assert_int_equal(jy_text_detect((const unsigned char *)"ab\xE5\xA7", 4, &bom), JY_ENC_UTF8);
    assert_int_equal(jy_text_detect((const unsigned char *)"plain ascii", 11, &bom), JY_ENC_UTF8);
    /* UTF-8 with a bad byte or a cut character inside is still UTF-8 (read as GB18030, every
     * Chinese cell and the header would be garbage): only the rows holding them are rejected */
    const char *u = "姓名,身份证号码,户籍所在地\n马小军\xFF,640522199003071230,海原县七营镇张堡村\n"
                    "杨\xE5\xB8,640522199101010022,海原县三河镇\n";
    assert_int_equal(jy_text_detect((const unsigned char *)u, strlen(u), &bom), JY_ENC_UTF8);
    /* the same roster in GB18030 (without a bad byte) stays GB18030 */
    const char *g = "\xD0\xD5\xC3\xFB,\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5\xC2\xEB,\xBB\xA7\xBC\xAE\xCB\xF9\xD4\xDA\xB5\xD8\n"
                    "\xC2\xED\xD0\xA1\xBE\xFC,640522199003071230,\xBA\xA3\xD4\xAD\xCF\xD8\xC6\xDF\xD3\xAA\xD5\xF2"
                    "\xD5\xC5\xB1\xA4\xB4\xE5\n"
                    "\xD1\xEE\xB7\xAB,640522199101010022,\xBA\xA3\xD4\xAD\xCF\xD8\xC8\xFD\xBA\xD3\xD5\xF2\n";
    assert_int_equal(jy_text_detect((const unsigned char *)g, strlen(g), &bom), JY_ENC_GB18030);
}

static void test_utf8_validation(void **state)
{
    assert_true(jy_utf8_check("张三 abc", strlen("张三 abc")));
    assert_false(jy_utf8_check("\xC0\x80", 2));          /* overlong NUL */
    assert_false(jy_utf8_check("\xED\xA0\x80", 3));      /* surrogate */
    assert_false(jy_utf8_check("\xF4\x90\x80\x80", 4));  /* above U+10FFFF */
    assert_false(jy_utf8_check("ab\xEF\xBF\xBD", 5));    /* U+FFFD: damaged conversion */
    assert_false(jy_utf8_check("\xD0\xD5", 2));          /* GB18030 bytes */
    int inc;
    assert_int_equal(jy_utf8_valid_prefix((const unsigned char *)"a\xE5\xA7", 3, &inc), 1);
    assert_int_equal(inc, 1);
}

static void test_gb18030_converts_to_utf8(void **state)
{
    /* "姓名,性别\n张三,男\n" in GB18030, then two 4-byte sequences: U+00C0 À is 81 30 86 38,
     * U+1F600 😀 is 94 39 FC 36 */
    const char in[] = "\xD0\xD5\xC3\xFB,\xD0\xD4\xB1\xF0\n\xD5\xC5\xC8\xFD,\xC4\xD0\n"
                      "\x81\x30\x86\x38\x94\x39\xFC\x36\n";
    jy_text_reader *r;
    jy_err err;
    assert_int_equal(jy_text_reader_open_mem(in, sizeof in - 1, JY_ENC_AUTO, &r, &err), 0);
    assert_int_equal(jy_text_reader_encoding(r), JY_ENC_GB18030);
    char *got = read_all(r, 8); /* tiny output buffer: characters must not be split */
    assert_string_equal(got, "姓名,性别\n张三,男\nÀ😀\n");
    assert_int_equal(jy_text_reader_replaced(r), 0);
    free(got);
    jy_text_reader_free(r);
}

static void test_invalid_gb18030_bytes_become_replacement_chars(void **state)
{
    const char in[] = "a\xFF" "b\x81";
    jy_text_reader *r;
    jy_err err;
    assert_int_equal(jy_text_reader_open_mem(in, sizeof in - 1, JY_ENC_GB18030, &r, &err), 0);
    char *got = read_all(r, 64);
    assert_string_equal(got, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    assert_int_equal(jy_text_reader_replaced(r), 2);
    free(got);
    jy_text_reader_free(r);
}

static void test_utf8_bom_is_stripped_and_utf16_converted(void **state)
{
    jy_text_reader *r;
    jy_err err;
    const char u8[] = "\xEF\xBB\xBF姓名\n";
    assert_int_equal(jy_text_reader_open_mem(u8, sizeof u8 - 1, JY_ENC_AUTO, &r, &err), 0);
    char *got = read_all(r, 64);
    assert_string_equal(got, "姓名\n");
    free(got);
    jy_text_reader_free(r);

    const char u16[] = "\xFF\xFE\xD3\x59\x0D\x54\x0A\x00"; /* BOM 姓 名 \n, little-endian */
    assert_int_equal(jy_text_reader_open_mem(u16, sizeof u16 - 1, JY_ENC_AUTO, &r, &err), 0);
    assert_int_equal(jy_text_reader_encoding(r), JY_ENC_UTF16LE);
    got = read_all(r, 64);
    assert_string_equal(got, "姓名\n");
    free(got);
    jy_text_reader_free(r);
}

static void test_large_gb18030_stream_crosses_buffers(void **state)
{
    /* 100,000 × "张三," (5 bytes each in GB18030) crosses the 64 KiB raw buffer many times,
     * sometimes in the middle of a character. */
    size_t reps = 100000;
    char *in = malloc(reps * 5);
    for (size_t i = 0; i < reps; i++) memcpy(in + i * 5, "\xD5\xC5\xC8\xFD,", 5);
    jy_text_reader *r;
    jy_err err;
    assert_int_equal(jy_text_reader_open_mem(in, reps * 5, JY_ENC_GB18030, &r, &err), 0);
    char *got = read_all(r, 4099);
    assert_int_equal(strlen(got), reps * 7);
    for (size_t i = 0; i < reps; i++) assert_memory_equal(got + i * 7, "张三,", 7);
    assert_int_equal(jy_text_reader_replaced(r), 0);
    free(got);
    free(in);
    jy_text_reader_free(r);
}

static void test_encoding_names(void **state)
{
    jy_encoding e;
    jy_err err;
    assert_int_equal(jy_encoding_parse("GBK", &e, &err), 0);
    assert_int_equal(e, JY_ENC_GB18030);
    assert_int_equal(jy_encoding_parse("UTF-8", &e, &err), 0);
    assert_int_equal(e, JY_ENC_UTF8);
    assert_int_equal(jy_encoding_parse("latin1", &e, &err), JY_EUSAGE);
    assert_string_equal(jy_encoding_name(JY_ENC_GB18030), "gb18030");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records_and_line_ends),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_bom_and_delimiter_detection),
        cmocka_unit_test(test_buffer_edges_one_byte_at_a_time),
        cmocka_unit_test(test_record_and_line_numbers),
        cmocka_unit_test(test_blank_detection),
        cmocka_unit_test(test_unterminated_quote_is_an_error),
        cmocka_unit_test(test_oversized_record_is_an_error),
        cmocka_unit_test(test_stray_quote_is_read_past),
        cmocka_unit_test(test_stray_quote_past_the_record_limit),
        cmocka_unit_test(test_field_writer_round_trips),
        cmocka_unit_test(test_detect_encodings),
        cmocka_unit_test(test_utf8_validation),
        cmocka_unit_test(test_gb18030_converts_to_utf8),
        cmocka_unit_test(test_invalid_gb18030_bytes_become_replacement_chars),
        cmocka_unit_test(test_utf8_bom_is_stripped_and_utf16_converted),
        cmocka_unit_test(test_large_gb18030_stream_crosses_buffers),
        cmocka_unit_test(test_encoding_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
