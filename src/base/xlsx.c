/* Streaming XLSX reader (libzip + expat); see xlsx.h for what it reads and the limits. */
#include "base/xlsx.h"

#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/arena.h"
#include "base/sb.h"

#define CHUNK 65536
#define RATIO_FLOOR (1024 * 1024) /* the ratio check applies to parts above this size */
#define MAX_XF 65536
#define MAX_NUMFMT 4096
#define MAX_RELS 65536

enum mode { M_NONE, M_ROOTRELS, M_RELS, M_WORKBOOK, M_SST, M_STYLES, M_SHEET };

typedef struct rel {
    const char *id, *type, *target;
} rel;

typedef struct sheet_ent {
    const char *name, *rid;
    int hidden;
} sheet_ent;

typedef struct numfmt {
    int id;
    int is_date;
} numfmt;

struct jy_xlsx {
    zip_t *za;
    jy_arena *arena;
    uint64_t max_part;
    int64_t max_rows;
    char label[256]; /* the file name, for messages */

    /* the part being parsed */
    enum mode mode;
    XML_Parser p;
    const char *part;
    jy_err perr; /* set by a handler that stopped the parser */
    int failed;

    /* relationships of the part being read */
    rel *rels;
    size_t nrels, caprels;
    /* workbook */
    sheet_ent *sheets;
    size_t nsheets, capsheets;
    int date1904;
    int in_sheets;
    const char *sheet_name;
    /* shared strings: text of string i is ss.buf[ss_off[i] .. ss_off[i+1]-1) (NUL-terminated) */
    jy_sb ss;
    size_t *ss_off;
    size_t ss_n, ss_cap;
    int in_si, in_t, in_rph;
    /* styles */
    numfmt *fmts;
    size_t nfmts;
    int *xf_fmt;
    size_t nxf;
    unsigned char *xf_date; /* per cell style: 1 when its number format is a date */
    int in_cellxfs;

    /* the sheet */
    char sheet_path[512];
    zip_file_t *zf;
    uint64_t sheet_size, read_bytes;
    char *chunk;
    int suspended, fed_final, at_end, emit, row_ready;
    /* row being built: field i is rbuf[foff[i]] with length flen[i] */
    char *rbuf;
    size_t rlen, rcap;
    size_t *foff, *flen;
    unsigned char *fkind;
    size_t nf, fcap;
    int64_t row_no, last_row_no;
    int in_row, in_c, in_v, in_is;
    int cur_col, cell_col, cell_style;
    char cell_t[16];
    char cell_ref[16];
    jy_sb val;
};

/* ------------------------------------------------------------------ small helpers */

static const char *lname(const char *n)
{
    const char *b = strrchr(n, '|');
    return b ? b + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(lname(atts[i]), name) == 0) return atts[i + 1];
    return NULL;
}

/* Stops the parser after a handler's failure, set in x->perr by HFAIL2 (the first one wins). */
static void hstop(jy_xlsx *x)
{
    x->failed = 1;
    XML_StopParser(x->p, XML_FALSE);
}

/* Records a failure from inside a handler, with its key and both texts, and stops the parser. */
#define HFAIL2(x, key, en, zh, ...)                                                                   \
    do {                                                                                             \
        if (!(x)->failed) {                                                                          \
            jy_err_set2(&(x)->perr, JY_EINVAL, key, en, zh, __VA_ARGS__);                            \
            hstop(x);                                                                                \
        }                                                                                            \
    } while (0)

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

int jy_xlsx_sniff(const void *buf, size_t n)
{
    return n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0;
}

int jy_xlsx_ref_parse(const char *ref, size_t n, int *col, int64_t *row)
{
    size_t i = 0;
    int c = 0;
    while (i < n && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
        int d = (ref[i] | 0x20) - 'a' + 1;
        c = c * 26 + d;
        if (c > JY_XLSX_MAX_COLS) return JY_EINVAL;
        i++;
    }
    if (i == 0) return JY_EINVAL;
    int64_t r = 0;
    size_t digits = 0;
    while (i < n && ref[i] >= '0' && ref[i] <= '9') {
        r = r * 10 + (ref[i] - '0');
        if (r > JY_XLSX_MAX_ROWS) return JY_EINVAL;
        i++;
        digits++;
    }
    if (i != n || (digits && r == 0)) return JY_EINVAL;
    *col = c - 1;
    if (row) *row = r;
    return 0;
}

int jy_xlsx_serial_date(int64_t serial, int date1904, jy_date *out, jy_err *err)
{
    /* 1900 system: serial 25569 is 1970-01-01; serials below 60 are one day later than a true
     * count because Excel believes in 1900-02-29 (serial 60). 1904 system: serial 24107. */
    const int64_t max = date1904 ? 2957003 : 2958465; /* 9999-12-31 */
    if (date1904 ? serial < 0 : serial < 1) return jy_err_set2(err, JY_EINVAL, "xlsx.serial_early", "date serial %lld is before the first date Excel counts", "日期序号 %lld 早于 Excel 能表示的第一天", (long long)serial);
    if (serial > max) return jy_err_set2(err, JY_EINVAL, "xlsx.serial_late", "date serial %lld is after 9999-12-31", "日期序号 %lld 晚于 9999-12-31", (long long)serial);
    if (!date1904 && serial == 60)
        return jy_err_set2(err, JY_EINVAL, "xlsx.serial_60", "date serial 60 is 1900-02-29, a day that does not exist (Excel's leap-year bug)", "日期序号 60 是 1900-02-29，这一天并不存在（Excel 的闰年错误）");
    int64_t days;
    if (date1904) days = serial - 24107;
    else days = serial < 60 ? serial - 25568 : serial - 25569;
    *out = (jy_date)days;
    return 0;
}

int jy_xlsx_format_is_date(const char *code)
{
    if (!code) return 0;
    for (const char *p = code; *p; p++) {
        switch (*p) {
        case '"':
            p++;
            while (*p && *p != '"') p++;
            if (!*p) return 0;
            break;
        case '\\':
        case '_':
        case '*':
            if (!p[1]) return 0;
            p++;
            break;
        case '[':
            while (*p && *p != ']') p++;
            if (!*p) return 0;
            break;
        case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D':
        case 'h': case 'H': case 's': case 'S':
            return 1;
        case ';': /* only the first section decides */
            return 0;
        default:
            break;
        }
    }
    return 0;
}

/* A non-negative attribute number (a style or number format index); -1 when it is not one or
 * beyond int (atoi's overflow is undefined behaviour: the file comes from outside). */
static int attr_index(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno || v < 0 || v > INT_MAX) return -1;
    return (int)v;
}

/* Decodes OOXML _xHHHH_ escapes in s[0..n) in place (UTF-16 code units, surrogate pairs joined;
 * a lone surrogate becomes U+FFFD); returns the new length. */
static size_t decode_ox(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned v = 0;
        int ok = i + 7 <= n && s[i] == '_' && (s[i + 1] == 'x' || s[i + 1] == 'X') && s[i + 6] == '_';
        for (int k = 2; ok && k < 6; k++) {
            char ch = s[i + k];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ? (ch | 0x20) - 'a' + 10 : -1;
            if (d < 0) ok = 0;
            else v = v * 16 + (unsigned)d;
        }
        if (!ok) {
            s[o++] = s[i++];
            continue;
        }
        i += 7;
        if (v >= 0xD800 && v <= 0xDBFF) {
            unsigned lo = 0;
            int pair = i + 7 <= n && s[i] == '_' && (s[i + 1] == 'x' || s[i + 1] == 'X') && s[i + 6] == '_';
            for (int k = 2; pair && k < 6; k++) {
                char ch = s[i + k];
                int d = ch >= '0' && ch <= '9' ? ch - '0' : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ? (ch | 0x20) - 'a' + 10 : -1;
                if (d < 0) pair = 0;
                else lo = lo * 16 + (unsigned)d;
            }
            if (pair && lo >= 0xDC00 && lo <= 0xDFFF) {
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                i += 7;
            } else {
                v = 0xFFFD;
            }
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
            v = 0xFFFD;
        }
        /* the escape is 7 bytes, its UTF-8 at most 4 (or 14 → 4): o stays ≤ i */
        if (v < 0x80) {
            s[o++] = (char)v;
        } else if (v < 0x800) {
            s[o++] = (char)(0xC0 | (v >> 6));
            s[o++] = (char)(0x80 | (v & 0x3F));
        } else if (v < 0x10000) {
            s[o++] = (char)(0xE0 | (v >> 12));
            s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (v & 0x3F));
        } else {
            s[o++] = (char)(0xF0 | (v >> 18));
            s[o++] = (char)(0x80 | ((v >> 12) & 0x3F));
            s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (v & 0x3F));
        }
    }
    return o;
}

/* Normalises "dir/" + target (or an absolute "/target") into out; 0 or -1 when too long or
 * climbing above the root. */
static int resolve_path(const char *dir, const char *target, char *out, size_t cap)
{
    char tmp[1024];
    int n = target[0] == '/' ? snprintf(tmp, sizeof tmp, "%s", target + 1)
                             : snprintf(tmp, sizeof tmp, "%s%s", dir, target);
    if (n < 0 || (size_t)n >= sizeof tmp) return -1;
    size_t o = 0;
    const char *p = tmp;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* skip */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0) return -1;
            while (o > 0 && out[o - 1] != '/') o--;
            if (o > 0) o--; /* drop the slash too */
        } else {
            if (o + len + 2 > cap) return -1;
            if (o) out[o++] = '/';
            memcpy(out + o, p, len);
            o += len;
        }
        if (!e) break;
        p = e + 1;
    }
    if (o == 0) return -1;
    out[o] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ zip entries */

/* Opens an archive entry after checking its size and compression ratio. *zf is NULL (and 0
 * returned) when optional and absent. */
static int open_entry(jy_xlsx *x, const char *name, int optional, zip_file_t **zf, uint64_t *size,
                      jy_err *err)
{
    *zf = NULL;
    zip_int64_t idx = zip_name_locate(x->za, name, 0);
    if (idx < 0) idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (optional) return 0;
        return jy_err_set2(err, JY_EINVAL, "xlsx.not_xlsx", "%s: not an XLSX workbook: it has no %s (save it again from Excel as .xlsx)", "%s：不是 XLSX 工作簿，缺少 %s（请在 Excel 中重新另存为 .xlsx）", x->label, name);
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) ||
        !(zs.valid & ZIP_STAT_COMP_SIZE))
        return jy_err_set2(err, JY_EINVAL, "xlsx.entry_read", "%s: cannot read the entry %s: %s", "%s：无法读取其中的 %s：%s", x->label, name, zip_strerror(x->za));
    if (zs.size > x->max_part)
        return jy_err_set2(err, JY_EINVAL, "xlsx.part_too_big", "%s: %s is %llu bytes uncompressed, over the limit of %llu bytes", "%s：%s 解压后为 %llu 字节，超过上限 %llu 字节",
                          x->label, name, (unsigned long long)zs.size, (unsigned long long)x->max_part);
    if (zs.size > RATIO_FLOOR && (zs.comp_size == 0 || zs.size / zs.comp_size > JY_XLSX_MAX_RATIO))
        return jy_err_set2(err, JY_EINVAL, "xlsx.zip_bomb", "%s: %s is compressed %llu:1 (%llu bytes from %llu): refused as a zip bomb", "%s：%s 的压缩比为 %llu:1（由 %llu 字节解压自 %llu 字节），按压缩炸弹拒收",
                          x->label, name, (unsigned long long)(zs.comp_size ? zs.size / zs.comp_size : zs.size),
                          (unsigned long long)zs.size, (unsigned long long)zs.comp_size);
    if ((zs.valid & ZIP_STAT_ENCRYPTION_METHOD) && zs.encryption_method != ZIP_EM_NONE)
        return jy_err_set2(err, JY_EINVAL, "xlsx.encrypted", "%s: %s is encrypted: remove the password in Excel first", "%s：%s 已加密：请先在 Excel 中取消密码", x->label, name);
    *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!*zf)
        return jy_err_set2(err, JY_EINVAL, "xlsx.entry_open", "%s: cannot open %s: %s (unsupported compression, or the file is damaged)", "%s：无法打开 %s：%s（压缩方式不支持，或文件已损坏）",
                          x->label, name, zip_strerror(x->za));
    *size = zs.size;
    return 0;
}

/* ------------------------------------------------------------------ expat handlers */

static void sst_push(jy_xlsx *x)
{
    if (x->ss_n + 2 > x->ss_cap) {
        x->ss_cap = x->ss_cap ? x->ss_cap * 2 : 1024;
        x->ss_off = xrealloc(x->ss_off, x->ss_cap * sizeof *x->ss_off);
    }
    if (x->ss_n == 0) x->ss_off[0] = 0;
    size_t start = x->ss_off[x->ss_n];
    size_t n = decode_ox(x->ss.buf ? x->ss.buf + start : NULL, x->ss.len - start);
    x->ss.len = start + n;
    jy_sb_appendc(&x->ss, '\0');
    x->ss_off[++x->ss_n] = x->ss.len;
}

/* Adds one field to the row under construction. */
static int row_push(jy_xlsx *x, const char *s, size_t n, jy_xlsx_kind kind)
{
    if (x->rlen + n + 1 > JY_XLSX_MAX_ROW_BYTES + JY_XLSX_MAX_COLS) {
        HFAIL2(x, "xlsx.row_bytes", "%s: row %lld holds more than %d bytes of text", "%s：第 %lld 行的文字超过 %d 字节", x->sheet_name, (long long)x->row_no, JY_XLSX_MAX_ROW_BYTES);
        return -1;
    }
    if (!x->emit) { /* the verify pass only checks the limits */
        x->nf++;
        x->rlen += n + 1;
        return 0;
    }
    if (x->nf == x->fcap) {
        x->fcap = x->fcap ? x->fcap * 2 : 64;
        x->foff = xrealloc(x->foff, x->fcap * sizeof *x->foff);
        x->flen = xrealloc(x->flen, x->fcap * sizeof *x->flen);
        x->fkind = xrealloc(x->fkind, x->fcap);
    }
    if (x->rlen + n + 1 > x->rcap) {
        while (x->rlen + n + 1 > x->rcap) x->rcap = x->rcap ? x->rcap * 2 : 4096;
        x->rbuf = xrealloc(x->rbuf, x->rcap);
    }
    if (n) memcpy(x->rbuf + x->rlen, s, n);
    x->rbuf[x->rlen + n] = '\0';
    x->foff[x->nf] = x->rlen;
    x->flen[x->nf] = n;
    x->fkind[x->nf] = (unsigned char)kind;
    x->nf++;
    x->rlen += n + 1;
    return 0;
}

/* Expands the decimal number s (digits, optional '.', optional exponent) to the digits of an
 * integer into out; returns 0, or -1 when it has a fractional part or is too long. */
static int expand_integer(const char *s, char *out, size_t cap)
{
    char mant[64];
    size_t mn = 0, point = (size_t)-1;
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.') {
            if (point != (size_t)-1) return -1;
            point = mn;
            continue;
        }
        if (mn + 1 >= sizeof mant) return -1;
        mant[mn++] = *p;
    }
    if (point == (size_t)-1) point = mn;
    long e = 0;
    if (*p == 'e' || *p == 'E') {
        char *end;
        e = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end || e > 40 || e < -40) return -1;
    } else if (*p) {
        return -1;
    }
    long intlen = (long)point + e; /* digits before the decimal point */
    if (intlen < 0) intlen = 0;
    /* digits after the point must be zeros */
    for (long i = intlen; i < (long)mn; i++)
        if (mant[i] != '0') return -1;
    size_t o = 0;
    if (neg) out[o++] = '-';
    int lead = 1;
    for (long i = 0; i < intlen; i++) {
        char d = i < (long)mn ? mant[i] : '0';
        if (lead && d == '0' && i + 1 < intlen) continue;
        lead = 0;
        if (o + 2 > cap) return -1;
        out[o++] = d;
    }
    if (lead) out[o++] = '0';
    out[o] = '\0';
    if (neg && strcmp(out, "-0") == 0) memcpy(out, "0", 2);
    return 0;
}

/* Formats the number cell text v (style date or not) into out and returns its kind. */
static jy_xlsx_kind format_number(jy_xlsx *x, const char *v, int is_date, char *out, size_t cap)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d)) {
        snprintf(out, cap, "%s", v);
        return JY_XLSX_TEXT; /* not a number after all: keep what is written */
    }
    if (is_date && d >= 0 && d < 2958466.0) {
        double whole = floor(d);
        long long secs = llround((d - whole) * 86400.0);
        if (secs >= 86400) {
            whole += 1;
            secs -= 86400;
        }
        jy_date date;
        char db[JY_DATE_BUFSZ];
        if (whole < 1) {
            if (!x->date1904) {
                snprintf(out, cap, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
                return JY_XLSX_DATE;
            }
        }
        if (!x->date1904 && whole == 60) {
            snprintf(out, cap, "1900-02-29"); /* does not exist: whoever reads it will say so */
            return JY_XLSX_DATE;
        }
        if (jy_xlsx_serial_date((int64_t)whole, x->date1904, &date, NULL) == 0) {
            jy_date_format(date, db);
            if (secs) snprintf(out, cap, "%s %02lld:%02lld:%02lld", db, secs / 3600, secs / 60 % 60, secs % 60);
            else snprintf(out, cap, "%s", db);
            return JY_XLSX_DATE;
        }
    }
    if (d == floor(d) && fabs(d) < 1e15) {
        long long iv = (long long)d;
        char tmp[24];
        size_t k = 0, o = 0;
        unsigned long long u = iv < 0 ? (unsigned long long)(-iv) : (unsigned long long)iv;
        do {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (iv < 0) out[o++] = '-';
        while (k) out[o++] = tmp[--k];
        out[o] = '\0';
        return JY_XLSX_NUMBER;
    }
    if (d == floor(d)) {
        char want[64], got[400];
        snprintf(got, sizeof got, "%.0f", d);
        /* exact when the text denotes this very double and has no more than the 15
         * significant digits Excel keeps (more means digits were cut before writing) */
        size_t sig = strlen(got) - (got[0] == '-');
        while (sig > 0 && got[(got[0] == '-') + sig - 1] == '0') sig--;
        if (expand_integer(v, want, sizeof want) == 0 && strcmp(want, got) == 0 && sig <= 15) {
            snprintf(out, cap, "%s", got);
            return JY_XLSX_NUMBER;
        }
        snprintf(out, cap, "%s", v); /* digits lost: keep the text as written */
        return JY_XLSX_NUMBER_INEXACT;
    }
    snprintf(out, cap, "%.15g", d);
    return JY_XLSX_NUMBER;
}

static void cell_end(jy_xlsx *x)
{
    int col = x->cell_col;
    while ((int)x->nf < col)
        if (row_push(x, "", 0, JY_XLSX_EMPTY) != 0) return;
    char *v = x->val.buf ? x->val.buf : (char *)"";
    size_t n = x->val.len;
    const char *t = x->cell_t;
    char num[512];
    if (strcmp(t, "s") == 0) {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(v, &end, 10);
        if (n == 0 || end == v || *end || errno || i >= x->ss_n) {
            HFAIL2(x, "xlsx.shared_string_ref", "%s: cell %s refers to shared string \"%.40s\" but the file has %zu (the file is damaged)", "%s：单元格 %s 引用共享字符串“%.40s”，但文件中只有 %zu 个（文件已损坏）",
                  x->sheet_name, x->cell_ref, v, x->ss_n);
            return;
        }
        row_push(x, x->ss.buf + x->ss_off[i], x->ss_off[i + 1] - x->ss_off[i] - 1, JY_XLSX_TEXT);
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        n = decode_ox(v, n);
        row_push(x, v, n, n ? JY_XLSX_TEXT : JY_XLSX_EMPTY);
    } else if (strcmp(t, "b") == 0) {
        if (n == 0) row_push(x, "", 0, JY_XLSX_EMPTY);
        else row_push(x, strcmp(v, "0") == 0 ? "FALSE" : "TRUE", strcmp(v, "0") == 0 ? 5 : 4, JY_XLSX_BOOL);
    } else if (strcmp(t, "e") == 0) {
        row_push(x, v, n, JY_XLSX_ERROR);
    } else if (strcmp(t, "d") == 0) {
        /* ISO 8601 date (strict OOXML): the date part when the time is midnight */
        if (n > 10 && v[10] == 'T' && strspn(v + 11, "0:.Z") == n - 11) n = 10;
        row_push(x, v, n, n ? JY_XLSX_DATE : JY_XLSX_EMPTY);
    } else if (n == 0) {
        row_push(x, "", 0, JY_XLSX_EMPTY);
    } else {
        int is_date = x->cell_style >= 0 && (size_t)x->cell_style < x->nxf && x->xf_date[x->cell_style];
        if (!x->emit) {
            row_push(x, v, n, JY_XLSX_NUMBER); /* the verify pass: size only */
        } else {
            jy_xlsx_kind k = format_number(x, v, is_date, num, sizeof num);
            row_push(x, num, strlen(num), k);
        }
    }
    x->cur_col = col + 1;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    jy_xlsx *x = ud;
    const char *n = lname(name);
    switch (x->mode) {
    case M_ROOTRELS:
    case M_RELS:
        if (strcmp(n, "Relationship") == 0) {
            const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
            const char *mode = attr(atts, "TargetMode");
            if (!id || !type || !target || (mode && strcmp(mode, "External") == 0)) return;
            if (x->nrels >= MAX_RELS) {
                HFAIL2(x, "xlsx.too_many_rels", "%s: %s has too many relationships", "%s：%s 的关联项过多", x->label, x->part);
                return;
            }
            if (x->nrels == x->caprels) {
                x->caprels = x->caprels ? x->caprels * 2 : 16;
                x->rels = xrealloc(x->rels, x->caprels * sizeof *x->rels);
            }
            rel *r = &x->rels[x->nrels++];
            r->id = jy_arena_strdup(x->arena, id);
            r->type = jy_arena_strdup(x->arena, type);
            r->target = jy_arena_strdup(x->arena, target);
        }
        break;
    case M_WORKBOOK:
        if (strcmp(n, "workbookPr") == 0) {
            const char *v = attr(atts, "date1904");
            x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        } else if (strcmp(n, "sheets") == 0) {
            x->in_sheets = 1;
        } else if (x->in_sheets && strcmp(n, "sheet") == 0) {
            const char *nm = attr(atts, "name"), *rid = attr(atts, "id"), *state = attr(atts, "state");
            if (!nm || !rid) return;
            if (x->nsheets >= JY_XLSX_MAX_SHEETS) {
                HFAIL2(x, "xlsx.too_many_sheets", "%s: more than %d sheets", "%s：工作表超过 %d 个", x->label, JY_XLSX_MAX_SHEETS);
                return;
            }
            if (x->nsheets == x->capsheets) {
                x->capsheets = x->capsheets ? x->capsheets * 2 : 8;
                x->sheets = xrealloc(x->sheets, x->capsheets * sizeof *x->sheets);
            }
            sheet_ent *s = &x->sheets[x->nsheets++];
            s->name = jy_arena_strdup(x->arena, nm);
            s->rid = jy_arena_strdup(x->arena, rid);
            s->hidden = state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0);
        }
        break;
    case M_SST:
        if (strcmp(n, "si") == 0) {
            x->in_si = 1;
            x->in_t = x->in_rph = 0;
        } else if (x->in_si && strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (x->in_si && strcmp(n, "t") == 0) {
            x->in_t = 1;
        }
        break;
    case M_STYLES:
        if (strcmp(n, "numFmt") == 0) {
            const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
            if (!id || x->nfmts >= MAX_NUMFMT) return;
            x->fmts = xrealloc(x->fmts, (x->nfmts + 1) * sizeof *x->fmts);
            x->fmts[x->nfmts].id = attr_index(id);
            x->fmts[x->nfmts].is_date = jy_xlsx_format_is_date(code);
            x->nfmts++;
        } else if (strcmp(n, "cellXfs") == 0) {
            x->in_cellxfs = 1;
        } else if (x->in_cellxfs && strcmp(n, "xf") == 0) {
            if (x->nxf >= MAX_XF) {
                HFAIL2(x, "xlsx.too_many_styles", "%s: more than %d cell styles", "%s：单元格样式超过 %d 种", x->label, MAX_XF);
                return;
            }
            const char *id = attr(atts, "numFmtId");
            x->xf_fmt = xrealloc(x->xf_fmt, (x->nxf + 1) * sizeof *x->xf_fmt);
            x->xf_fmt[x->nxf++] = id ? attr_index(id) : 0;
        }
        break;
    case M_SHEET:
        if (strcmp(n, "row") == 0) {
            const char *r = attr(atts, "r");
            int64_t no = x->last_row_no + 1;
            if (r) {
                char *end;
                errno = 0;
                long long v = strtoll(r, &end, 10);
                if (end == r || *end || errno || v < 1 || v > JY_XLSX_MAX_ROWS) {
                    HFAIL2(x, "xlsx.row_number", "%s: row number \"%.20s\" is not valid (after row %lld)", "%s：行号“%.20s”无效（位于第 %lld 行之后）", x->sheet_name, r, (long long)x->last_row_no);
                    return;
                }
                no = v;
            }
            if (no <= x->last_row_no) {
                HFAIL2(x, "xlsx.row_order", "%s: row %lld comes after row %lld (rows out of order: the file is damaged)", "%s：第 %lld 行排在第 %lld 行之后（行序错乱：文件已损坏）",
                      x->sheet_name, (long long)no, (long long)x->last_row_no);
                return;
            }
            if (no > x->max_rows) {
                HFAIL2(x, "xlsx.too_many_rows", "%s: row %lld is past the limit of %lld rows", "%s：第 %lld 行超过 %lld 行的上限", x->sheet_name, (long long)no, (long long)x->max_rows);
                return;
            }
            x->row_no = no;
            x->in_row = 1;
            x->nf = 0;
            x->rlen = 0;
            x->cur_col = 0;
        } else if (x->in_row && strcmp(n, "c") == 0) {
            const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
            int col = x->cur_col;
            if (r) {
                int64_t rr;
                if (jy_xlsx_ref_parse(r, strlen(r), &col, &rr) != 0) {
                    HFAIL2(x, "xlsx.cell_ref", "%s: row %lld: cell reference \"%.20s\" is not valid", "%s：第 %lld 行：单元格引用“%.20s”无效", x->sheet_name, (long long)x->row_no, r);
                    return;
                }
            }
            if (col < x->cur_col) {
                HFAIL2(x, "xlsx.cell_order", "%s: row %lld: cell %.20s comes after a cell to its right (the file is damaged)", "%s：第 %lld 行：单元格 %.20s 排在其右侧单元格之后（文件已损坏）",
                      x->sheet_name, (long long)x->row_no, r ? r : "?");
                return;
            }
            if (col >= JY_XLSX_MAX_COLS) {
                HFAIL2(x, "xlsx.too_many_cols", "%s: row %lld: more than %d columns", "%s：第 %lld 行：超过 %d 列", x->sheet_name, (long long)x->row_no, JY_XLSX_MAX_COLS);
                return;
            }
            x->cell_col = col;
            size_t tl = t ? strlen(t) : 1;
            if (tl >= sizeof x->cell_t) tl = sizeof x->cell_t - 1;
            memcpy(x->cell_t, t ? t : "n", tl);
            x->cell_t[tl] = '\0';
            if (r) {
                size_t rl = strlen(r); /* valid references are short: checked above */
                if (rl >= sizeof x->cell_ref) rl = sizeof x->cell_ref - 1;
                memcpy(x->cell_ref, r, rl);
                x->cell_ref[rl] = '\0';
            } else {
                /* build the reference for messages */
                char letters[8];
                int k = 0, c = col + 1;
                while (c > 0 && k < 7) {
                    letters[k++] = (char)('A' + (c - 1) % 26);
                    c = (c - 1) / 26;
                }
                size_t o = 0;
                while (k > 0) x->cell_ref[o++] = letters[--k];
                snprintf(x->cell_ref + o, sizeof x->cell_ref - o, "%lld", (long long)x->row_no);
            }
            x->cell_style = s ? attr_index(s) : 0;
            x->in_c = 1;
            x->in_v = x->in_is = x->in_t = x->in_rph = 0;
            jy_sb_reset(&x->val);
        } else if (x->in_c && strcmp(n, "v") == 0) {
            x->in_v = 1;
        } else if (x->in_c && strcmp(n, "is") == 0) {
            x->in_is = 1;
        } else if (x->in_is && strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (x->in_is && strcmp(n, "t") == 0) {
            x->in_t = 1;
        }
        break;
    default:
        break;
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    jy_xlsx *x = ud;
    const char *n = lname(name);
    switch (x->mode) {
    case M_WORKBOOK:
        if (strcmp(n, "sheets") == 0) x->in_sheets = 0;
        break;
    case M_SST:
        if (strcmp(n, "si") == 0 && x->in_si) {
            x->in_si = 0;
            sst_push(x);
        } else if (strcmp(n, "rPh") == 0 && x->in_rph) {
            x->in_rph--;
        } else if (strcmp(n, "t") == 0) {
            x->in_t = 0;
        }
        break;
    case M_STYLES:
        if (strcmp(n, "cellXfs") == 0) x->in_cellxfs = 0;
        break;
    case M_SHEET:
        if (strcmp(n, "v") == 0) x->in_v = 0;
        else if (strcmp(n, "t") == 0) x->in_t = 0;
        else if (strcmp(n, "rPh") == 0 && x->in_rph) x->in_rph--;
        else if (strcmp(n, "is") == 0) x->in_is = 0;
        else if (strcmp(n, "c") == 0 && x->in_c) {
            x->in_c = 0;
            cell_end(x);
        } else if (strcmp(n, "row") == 0 && x->in_row) {
            x->in_row = 0;
            x->last_row_no = x->row_no;
            if (x->emit && !x->failed) {
                x->row_ready = 1;
                XML_StopParser(x->p, XML_TRUE);
            }
        }
        break;
    default:
        break;
    }
}

static void XMLCALL on_chars(void *ud, const char *s, int len)
{
    jy_xlsx *x = ud;
    if (x->mode == M_SST) {
        if (x->in_si && x->in_t && !x->in_rph) {
            if (x->ss.len + (size_t)len > x->max_part) {
                HFAIL2(x, "xlsx.shared_strings_big", "%s: shared strings over %llu bytes", "%s：共享字符串超过 %llu 字节", x->label, (unsigned long long)x->max_part);
                return;
            }
            jy_sb_appendn(&x->ss, s, (size_t)len);
        }
    } else if (x->mode == M_SHEET) {
        if (x->in_c && (x->in_v || (x->in_is && x->in_t && !x->in_rph))) {
            if (x->val.len + (size_t)len > JY_XLSX_MAX_ROW_BYTES) {
                HFAIL2(x, "xlsx.cell_bytes", "%s: cell %s holds more than %d bytes", "%s：单元格 %s 的内容超过 %d 字节", x->sheet_name, x->cell_ref, JY_XLSX_MAX_ROW_BYTES);
                return;
            }
            jy_sb_appendn(&x->val, s, (size_t)len);
        }
    }
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid, int has_internal)
{
    jy_xlsx *x = ud;
    HFAIL2(x, "xlsx.doctype", "%s: %s has a DOCTYPE declaration, which XLSX files never have (refused)", "%s：%s 含有 DOCTYPE 声明，XLSX 文件不会有（拒收）", x->label, x->part);
}

static void XMLCALL on_entity(void *ud, const char *name, int is_param, const char *value, int vlen,
                              const char *base, const char *sysid, const char *pubid, const char *notation)
{
    jy_xlsx *x = ud;
    HFAIL2(x, "xlsx.entity", "%s: %s declares an entity (refused)", "%s：%s 声明了实体（拒收）", x->label, x->part);
}

static int new_parser(jy_xlsx *x, enum mode mode, const char *part, jy_err *err)
{
    if (x->p) XML_ParserFree(x->p);
    x->p = XML_ParserCreateNS(NULL, '|');
    if (!x->p) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory_xml", "out of memory creating an XML parser", "内存不足，无法创建 XML 解析器");
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_chars);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    x->mode = mode;
    x->part = part;
    x->failed = 0;
    return 0;
}

static int xml_error(jy_xlsx *x, const char *part, jy_err *err)
{
    if (x->failed) {
        *err = x->perr;
        return x->perr.code;
    }
    return jy_err_set2(err, JY_EINVAL, "xlsx.bad_xml", "%s: %s is not well-formed XML (line %lu: %s): the file is damaged", "%s：%s 不是格式正确的 XML（第%lu行：%s）：文件已损坏",
                      x->label, part, (unsigned long)XML_GetCurrentLineNumber(x->p),
                      XML_ErrorString(XML_GetErrorCode(x->p)));
}

static int zip_read_error(jy_xlsx *x, zip_file_t *zf, const char *part, jy_err *err)
{
    return jy_err_set2(err, JY_EINVAL, "xlsx.part_read", "%s: cannot read %s: %s (the file is damaged or truncated)", "%s：无法读取 %s：%s（文件已损坏或不完整）", x->label,
                      part, zip_file_strerror(zf));
}

/* Parses a whole (non-sheet) part. Absent and optional: returns 0 with *found = 0. */
static int parse_part(jy_xlsx *x, const char *part, enum mode mode, int optional, int *found, jy_err *err)
{
    zip_file_t *zf = NULL;
    uint64_t size = 0, got = 0;
    int rc = open_entry(x, part, optional, &zf, &size, err);
    if (found) *found = zf != NULL;
    if (rc || !zf) return rc;
    if ((rc = new_parser(x, mode, part, err)) != 0) goto done;
    for (;;) {
        zip_int64_t n = zip_fread(zf, x->chunk, CHUNK);
        if (n < 0) {
            rc = zip_read_error(x, zf, part, err);
            goto done;
        }
        got += (uint64_t)n;
        if (got > size) {
            rc = jy_err_set2(err, JY_EINVAL, "xlsx.inflates", "%s: %s inflates past its stated size (refused)", "%s：%s 解压后超过其声明的大小（拒收）", x->label, part);
            goto done;
        }
        if (XML_Parse(x->p, x->chunk, (int)n, n == 0) != XML_STATUS_OK) {
            rc = xml_error(x, part, err);
            goto done;
        }
        if (n == 0) break;
    }
done:
    zip_fclose(zf);
    return rc;
}

/* ------------------------------------------------------------------ the sheet stream */

static void sheet_close(jy_xlsx *x)
{
    if (x->zf) zip_fclose(x->zf);
    x->zf = NULL;
}

static int sheet_open(jy_xlsx *x, int emit, jy_err *err)
{
    sheet_close(x);
    int rc = open_entry(x, x->sheet_path, 0, &x->zf, &x->sheet_size, err);
    if (rc) return rc;
    if ((rc = new_parser(x, M_SHEET, x->sheet_path, err)) != 0) return rc;
    x->emit = emit;
    x->suspended = x->fed_final = x->at_end = x->row_ready = 0;
    x->read_bytes = 0;
    x->last_row_no = 0;
    x->row_no = 0;
    x->nf = 0;
    x->in_row = x->in_c = 0;
    return 0;
}

/* Runs the parser until a row is complete (1), the sheet ends (0) or an error. */
static int sheet_pump(jy_xlsx *x, jy_err *err)
{
    x->row_ready = 0;
    for (;;) {
        enum XML_Status st;
        if (x->suspended) {
            x->suspended = 0;
            st = XML_ResumeParser(x->p);
        } else if (x->fed_final) {
            return 0;
        } else {
            zip_int64_t n = zip_fread(x->zf, x->chunk, CHUNK);
            if (n < 0) return zip_read_error(x, x->zf, x->sheet_path, err);
            x->read_bytes += (uint64_t)n;
            if (x->read_bytes > x->sheet_size)
                return jy_err_set2(err, JY_EINVAL, "xlsx.inflates", "%s: %s inflates past its stated size (refused)", "%s：%s 解压后超过其声明的大小（拒收）", x->label, x->sheet_path);
            if (n == 0) x->fed_final = 1;
            st = XML_Parse(x->p, x->chunk, (int)n, n == 0);
        }
        if (st == XML_STATUS_SUSPENDED) {
            x->suspended = 1;
            return 1;
        }
        if (st == XML_STATUS_ERROR) return xml_error(x, x->sheet_path, err);
    }
}

/* ------------------------------------------------------------------ open */

static const rel *find_rel_by_type(const jy_xlsx *x, const char *suffix)
{
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < x->nrels; i++) {
        size_t tl = strlen(x->rels[i].type);
        if (tl >= sl && strcmp(x->rels[i].type + tl - sl, suffix) == 0) return &x->rels[i];
    }
    return NULL;
}

static int load(jy_xlsx *x, const jy_xlsx_opts *o, jy_err *err)
{
    int rc, found;
    char wb[512] = "xl/workbook.xml", dir[512], relspath[600], path[512];

    /* the workbook part, from the package relationships */
    x->nrels = 0;
    if ((rc = parse_part(x, "_rels/.rels", M_ROOTRELS, 1, &found, err)) != 0) return rc;
    const rel *r = find_rel_by_type(x, "/officeDocument");
    if (r && resolve_path("", r->target, path, sizeof path) == 0) snprintf(wb, sizeof wb, "%s", path);
    const char *slash = strrchr(wb, '/');
    size_t dl = slash ? (size_t)(slash - wb + 1) : 0;
    memcpy(dir, wb, dl);
    dir[dl] = '\0';
    snprintf(relspath, sizeof relspath, "%s_rels/%s.rels", dir, wb + dl);

    if ((rc = parse_part(x, wb, M_WORKBOOK, 0, NULL, err)) != 0) return rc;
    if (x->nsheets == 0) return jy_err_set2(err, JY_EINVAL, "xlsx.no_sheets", "%s: the workbook has no sheets", "%s：工作簿中没有工作表", x->label);

    x->nrels = 0;
    if ((rc = parse_part(x, relspath, M_RELS, 0, NULL, err)) != 0) return rc;

    /* the sheet */
    const sheet_ent *sh = NULL;
    if (o && o->sheet) {
        for (size_t i = 0; i < x->nsheets && !sh; i++)
            if (strcmp(x->sheets[i].name, o->sheet) == 0) sh = &x->sheets[i];
        if (!sh) {
            jy_sb names = JY_SB_INIT;
            for (size_t i = 0; i < x->nsheets && names.len < 300; i++) {
                if (i) jy_sb_append(&names, ", ");
                jy_sb_append(&names, x->sheets[i].name);
            }
            rc = jy_err_set2(err, JY_EINVAL, "xlsx.no_such_sheet", "%s: no sheet named \"%s\"; the workbook has: %s", "%s：没有名为“%s”的工作表；工作簿中有：%s", x->label, o->sheet, jy_sb_cstr(&names));
            jy_sb_free(&names);
            return rc;
        }
    } else {
        for (size_t i = 0; i < x->nsheets && !sh; i++)
            if (!x->sheets[i].hidden) sh = &x->sheets[i];
        if (!sh) sh = &x->sheets[0];
    }
    x->sheet_name = sh->name;
    const rel *sr = NULL;
    for (size_t i = 0; i < x->nrels && !sr; i++)
        if (strcmp(x->rels[i].id, sh->rid) == 0) sr = &x->rels[i];
    if (!sr) return jy_err_set2(err, JY_EINVAL, "xlsx.sheet_no_part", "%s: sheet \"%s\" has no part in the workbook (the file is damaged)", "%s：工作表“%s”在工作簿中没有对应内容（文件已损坏）", x->label, sh->name);
    size_t tl = strlen(sr->type);
    if (tl < 10 || strcmp(sr->type + tl - 10, "/worksheet") != 0)
        return jy_err_set2(err, JY_EINVAL, "xlsx.not_worksheet", "%s: sheet \"%s\" is not a worksheet (a chart or macro sheet): choose another with --sheet", "%s：“%s”不是普通工作表（是图表或宏表）：请用 --sheet 选择其他工作表",
                          x->label, sh->name);
    if (resolve_path(dir, sr->target, x->sheet_path, sizeof x->sheet_path) != 0)
        return jy_err_set2(err, JY_EINVAL, "xlsx.sheet_outside", "%s: sheet \"%s\" points outside the workbook (%s)", "%s：工作表“%s”指向工作簿以外（%s）", x->label, sh->name, sr->target);

    /* shared strings and styles */
    char ssp[600] = "", stp[600] = "";
    const rel *ssr = find_rel_by_type(x, "/sharedStrings");
    const rel *str = find_rel_by_type(x, "/styles");
    if (ssr && resolve_path(dir, ssr->target, ssp, sizeof ssp) != 0) ssp[0] = '\0';
    if (str && resolve_path(dir, str->target, stp, sizeof stp) != 0) stp[0] = '\0';
    if (!ssp[0]) snprintf(ssp, sizeof ssp, "%ssharedStrings.xml", dir);
    if (!stp[0]) snprintf(stp, sizeof stp, "%sstyles.xml", dir);
    if ((rc = parse_part(x, ssp, M_SST, 1, NULL, err)) != 0) return rc;
    if ((rc = parse_part(x, stp, M_STYLES, 1, NULL, err)) != 0) return rc;
    x->xf_date = xrealloc(x->xf_date, x->nxf ? x->nxf : 1);
    for (size_t i = 0; i < x->nxf; i++) {
        int id = x->xf_fmt[i], is_date = -1;
        for (size_t k = 0; k < x->nfmts; k++)
            if (x->fmts[k].id == id) is_date = x->fmts[k].is_date;
        if (is_date < 0)
            is_date = (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
                      (id >= 50 && id <= 58);
        x->xf_date[i] = (unsigned char)is_date;
    }

    /* read the sheet through once (well-formed, CRC, limits), then start over for the rows */
    if ((rc = sheet_open(x, 0, err)) != 0) return rc;
    if ((rc = sheet_pump(x, err)) < 0) return rc;
    if ((rc = sheet_open(x, 1, err)) != 0) return rc;
    return 0;
}

static jy_xlsx *xlsx_new(const char *label, const jy_xlsx_opts *o)
{
    jy_xlsx *x = calloc(1, sizeof *x);
    if (!x) abort();
    x->arena = jy_arena_new(0);
    x->chunk = malloc(CHUNK);
    if (!x->chunk) abort();
    x->max_part = o && o->max_part ? o->max_part : JY_XLSX_MAX_PART;
    x->max_rows = o && o->max_rows > 0 && o->max_rows < JY_XLSX_MAX_ROWS ? o->max_rows : JY_XLSX_MAX_ROWS;
    snprintf(x->label, sizeof x->label, "%s", label);
    jy_sb_init(&x->ss);
    jy_sb_init(&x->val);
    return x;
}

static int zip_open_error(const char *label, int code, jy_err *err)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    const char *why = code == ZIP_ER_NOZIP ? "it is not a zip archive, or it is truncated"
                    : code == ZIP_ER_INCONS ? "the zip structure is inconsistent (damaged or truncated)"
                                            : zip_error_strerror(&ze);
    int rc = jy_err_set2(err, code == ZIP_ER_OPEN || code == ZIP_ER_READ ? JY_EIO : JY_EINVAL, "xlsx.unreadable",
                        "%s: not a readable XLSX workbook: %s; save it again from Excel as .xlsx (or as CSV)", "%s：不是可读取的 XLSX 工作簿：%s；请在 Excel 中重新另存为 .xlsx（或 CSV）", label, why);
    zip_error_fini(&ze);
    return rc;
}

int jy_xlsx_open_file(const char *path, const jy_xlsx_opts *opts, jy_xlsx **out, jy_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "file.open", "cannot open %s: %s", "无法打开 %s：%s", path, strerror(errno));
    unsigned char magic[8] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got >= 8 && memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return jy_err_set2(err, JY_EINVAL, "xlsx.xls", "%s is an Excel 97-2003 (.xls) workbook or a password-protected one: "
                          "save it as .xlsx (Excel 工作簿) or CSV first", "%s 是 Excel 97-2003（.xls）工作簿或设有密码的工作簿：请先另存为 .xlsx（Excel 工作簿）或 CSV", path);
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!za) return zip_open_error(path, zerr, err);
    jy_xlsx *x = xlsx_new(path, opts);
    x->za = za;
    int rc = load(x, opts, err);
    if (rc) {
        jy_xlsx_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

int jy_xlsx_open_mem(const void *buf, size_t n, const jy_xlsx_opts *opts, jy_xlsx **out, jy_err *err)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(n ? buf : "", n, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory_xlsx", "out of memory opening a workbook", "内存不足，无法打开工作簿");
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        int code = zip_error_code_zip(&ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        return zip_open_error("workbook", code, err);
    }
    zip_error_fini(&ze);
    jy_xlsx *x = xlsx_new("workbook", opts);
    x->za = za;
    int rc = load(x, opts, err);
    if (rc) {
        jy_xlsx_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

void jy_xlsx_free(jy_xlsx *x)
{
    if (!x) return;
    sheet_close(x);
    if (x->p) XML_ParserFree(x->p);
    if (x->za) zip_discard(x->za);
    jy_arena_free(x->arena);
    free(x->chunk);
    free(x->rels);
    free(x->sheets);
    jy_sb_free(&x->ss);
    free(x->ss_off);
    free(x->fmts);
    free(x->xf_fmt);
    free(x->xf_date);
    free(x->rbuf);
    free(x->foff);
    free(x->flen);
    free(x->fkind);
    jy_sb_free(&x->val);
    free(x);
}

/* ------------------------------------------------------------------ rows */

size_t jy_xlsx_sheet_count(const jy_xlsx *x) { return x->nsheets; }

const char *jy_xlsx_sheet_name(const jy_xlsx *x, size_t i) { return i < x->nsheets ? x->sheets[i].name : NULL; }

const char *jy_xlsx_sheet(const jy_xlsx *x) { return x->sheet_name; }

int jy_xlsx_next(jy_xlsx *x, jy_err *err)
{
    if (x->at_end) return 0;
    int rc = sheet_pump(x, err);
    if (rc <= 0) {
        x->at_end = 1;
        x->nf = 0;
        if (rc < 0) jy_err_prefix2(err, "after row %lld: ", "第%lld行之后：", (long long)x->last_row_no);
    }
    return rc;
}

size_t jy_xlsx_nfields(const jy_xlsx *x) { return x->nf; }

const char *jy_xlsx_field(const jy_xlsx *x, size_t i, size_t *len)
{
    if (i >= x->nf) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = x->flen[i];
    return x->rbuf + x->foff[i];
}

jy_xlsx_kind jy_xlsx_field_kind(const jy_xlsx *x, size_t i)
{
    return i < x->nf ? (jy_xlsx_kind)x->fkind[i] : JY_XLSX_EMPTY;
}

int jy_xlsx_blank(const jy_xlsx *x)
{
    for (size_t i = 0; i < x->nf; i++)
        if (x->flen[i]) return 0;
    return 1;
}

int64_t jy_xlsx_record_no(const jy_xlsx *x) { return x->row_no; }
