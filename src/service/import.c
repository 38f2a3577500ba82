/* Roster import (花名册导入) of persons and organisations; see import.h and docs/import.md. */
#define _GNU_SOURCE /* memmem */
#include "service/import.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/csv.h"
#include "base/file.h"
#include "base/rowsrc.h"
#include "base/xlsx.h"
#include "domain/bankcard.h"
#include "domain/idcard.h"
#include "domain/mobile.h"
#include "domain/uscc.h"
#include "service/registry.h"

/* row_error2 (row_error_e is defined with the importer)(im, field, v, key, en, zh, …): a catalogued message (base/err.h jy_err_set2). */
#define row_error2(im, field, v, key, en, zh, ...)                                                  \
    do {                                                                                            \
        jy_err re_;                                                                                 \
        jy_err_set2(&re_, JY_EINVAL, key, en, zh, ##__VA_ARGS__);                                   \
        row_error_e(im, field, v, &re_);                                                            \
    } while (0)
/* WHY2(buf, cap, key, en, zh, …): a catalogued reason into a text buffer, in the process's language. */
#define WHY2(buf, cap, key, en, zh, ...)                                                            \
    do {                                                                                            \
        jy_err we_;                                                                                 \
        jy_err_set2(&we_, JY_EINVAL, key, en, zh, ##__VA_ARGS__);                                   \
        snprintf(buf, cap, "%s", jy_err_text(&we_));                                                \
    } while (0)


#define HEADER_SCAN_ROWS 50
#define PROGRESS_EVERY 1000
#define REPORT_VALUE_MAX 200

/* ------------------------------------------------------------------ columns */

/* Fields a column can map to (persons and organisations share the enum). */
enum field {
    F_SEQ, /* 序号: ignored without a warning */
    /* persons */
    F_NAME, F_SEX, F_ETHNICITY, F_EDUCATION, F_IDCARD, F_HUKOU_KIND, F_HUKOU_PLACE, F_PHONE,
    F_ADDRESS, F_CATEGORY,
    /* organisations */
    F_ORG_NAME, F_USCC, F_ORG_KINDS, F_ORG_SIZE, F_LEGAL_PERSON, F_ORG_PHONE, F_ORG_ADDRESS,
    F_BANK_NAME, F_BANK_ACCOUNT, F_ORG_DIVISION,
    /* persons (issue 13): the social security card (社保卡) or bank account individual
     * subsidies are paid to, and its bank — stored as `ledger card` stores one */
    F_SSCARD, F_CARD_BANK,
    F__COUNT
};

typedef struct col_def {
    int field;
    int required;
    const char *names[9]; /* names[0] is the canonical header */
} col_def;

static const col_def person_cols[] = {
    {F_SEQ, 0, {"序号", "编号", "No", "NO", "No."}},
    {F_NAME, 1, {"姓名", "名字", "人员姓名"}},
    {F_SEX, 0, {"性别"}},
    {F_ETHNICITY, 0, {"民族"}},
    {F_EDUCATION, 0, {"文化程度", "学历"}},
    {F_IDCARD, 1, {"身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码", "证件号码",
                   "身份证件号码"}},
    {F_HUKOU_KIND, 0, {"户籍性质", "户口性质"}},
    {F_HUKOU_PLACE, 0, {"户籍所在地", "户籍地址", "户籍地", "户口所在地"}},
    {F_PHONE, 0, {"联系电话", "联系方式", "手机号码", "手机号", "电话", "电话号码"}},
    {F_ADDRESS, 0, {"家庭住址", "家庭地址", "常住地址", "现住址", "居住地址", "住址"}},
    {F_CATEGORY, 0, {"人员类别", "人员类型", "身份类别"}},
    {F_SSCARD, 0, {"社保卡号", "社会保障卡号", "社保卡账号", "社保卡金融账号", "社会保障卡银行账号", "银行卡号",
                   "银行账号", "收款账号"}},
    {F_CARD_BANK, 0, {"开户行", "开户银行", "社保卡开户行", "发卡银行", "收款银行"}},
};

static const col_def org_cols[] = {
    {F_SEQ, 0, {"序号", "编号", "No", "NO", "No."}},
    {F_ORG_NAME, 1, {"单位名称", "企业名称", "机构名称", "名称", "用人单位名称", "申请企业名称",
                     "实体名称", "车间名称"}},
    {F_USCC, 1, {"统一社会信用代码", "社会信用代码", "信用代码", "统一代码"}},
    {F_ORG_KINDS, 0, {"类型", "单位类型", "机构类型", "类别", "单位类别"}},
    {F_ORG_SIZE, 0, {"规模", "企业规模", "单位规模", "企业类型划分"}},
    {F_LEGAL_PERSON, 0, {"法定代表人", "法人代表", "法人", "负责人"}},
    {F_ORG_PHONE, 0, {"联系电话", "联系方式", "电话", "电话号码"}},
    {F_ORG_ADDRESS, 0, {"地址", "单位地址", "经营地址", "注册地址", "住所"}},
    {F_BANK_NAME, 0, {"开户行", "开户银行", "基本账户开户行"}},
    {F_BANK_ACCOUNT, 0, {"账号", "银行账号", "开户账号", "基本账户账号", "银行账户"}},
    {F_ORG_DIVISION, 0, {"所在地", "所属乡镇", "所在乡镇", "行政区划", "区划代码", "所在区域"}},
};

/* A trimmed view of one cell. */
typedef struct cell {
    const char *p;
    size_t n;
} cell;

/* Length of a whitespace character at p (ASCII space/tab/CR/LF, U+3000, U+00A0), else 0. */
static size_t space_len(const char *p, size_t n)
{
    if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) return 1;
    if (n >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) return 3;
    if (n >= 2 && memcmp(p, "\xC2\xA0", 2) == 0) return 2;
    return 0;
}

static cell trim(const char *p, size_t n)
{
    size_t k;
    while (n > 0 && (k = space_len(p, n)) > 0) {
        p += k;
        n -= k;
    }
    for (;;) {
        if (n >= 1 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n')) n--;
        else if (n >= 3 && memcmp(p + n - 3, "\xE3\x80\x80", 3) == 0) n -= 3;
        else if (n >= 2 && memcmp(p + n - 2, "\xC2\xA0", 2) == 0) n -= 2;
        else break;
    }
    cell c = {p, n};
    return c;
}

/* Header text reduced for matching: all whitespace removed, a parenthesised part （…）/(…)
 * dropped, a leading or trailing '*' (required-field marker) dropped. */
static void header_key(const char *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    int depth = 0;
    for (size_t i = 0; i < n;) {
        size_t sl = space_len(p + i, n - i);
        if (sl) {
            i += sl;
            continue;
        }
        if (p[i] == '(' || p[i] == '[') { depth++; i++; continue; }
        if (p[i] == ')' || p[i] == ']') { if (depth) depth--; i++; continue; }
        if (n - i >= 3 && memcmp(p + i, "（", 3) == 0) { depth++; i += 3; continue; }
        if (n - i >= 3 && memcmp(p + i, "）", 3) == 0) { if (depth) depth--; i += 3; continue; }
        if (p[i] == '*' || depth) { i++; continue; }
        if (k + 1 < cap) out[k++] = p[i];
        i++;
    }
    out[k] = '\0';
}

/* Copies the NUL-terminated src into dst[cap], cut to cap-1 bytes (what snprintf "%s" writes,
 * without the format parsing: these run for every row). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------ duplicate keys */

/* Open-addressing set of 18-character keys (ID numbers, USCCs) → the row that had it first. */
typedef struct dup_slot {
    char key[18];
    uint32_t row_lo; /* 0 = empty */
    uint32_t row_hi;
} dup_slot;

typedef struct dupset {
    dup_slot *v;
    size_t cap, n;
} dupset;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* The hash of an 18-byte key: three 8-byte words (the last overlapping) multiplied and folded,
 * a few instructions instead of 18 dependent multiplies (dup_check runs for every row). */
static uint64_t hash18(const char *s)
{
    uint64_t a, b, c;
    memcpy(&a, s, 8);
    memcpy(&b, s + 8, 8);
    memcpy(&c, s + 10, 8);
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (c * 0x165667B19E3779F9ull);
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 29);
}

static void dup_grow(dupset *d)
{
    size_t ncap = d->cap ? d->cap * 2 : 1 << 14;
    dup_slot *nv = calloc(ncap, sizeof *nv);
    if (!nv) abort();
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->v[i].row_lo && !d->v[i].row_hi) continue;
        size_t j = hash18(d->v[i].key) & (ncap - 1);
        while (nv[j].row_lo || nv[j].row_hi) j = (j + 1) & (ncap - 1);
        nv[j] = d->v[i];
    }
    free(d->v);
    d->v = nv;
    d->cap = ncap;
}

/* Returns the earlier row holding key, or 0 after recording row as its first holder. */
static int64_t dup_check(dupset *d, const char *key, int64_t row)
{
    if (2 * (d->n + 1) > d->cap) dup_grow(d);
    size_t j = hash18(key) & (d->cap - 1);
    while (d->v[j].row_lo || d->v[j].row_hi) {
        if (memcmp(d->v[j].key, key, 18) == 0)
            return (int64_t)d->v[j].row_lo | (int64_t)d->v[j].row_hi << 32;
        j = (j + 1) & (d->cap - 1);
    }
    memcpy(d->v[j].key, key, 18);
    d->v[j].row_lo = (uint32_t)row;
    d->v[j].row_hi = (uint32_t)((uint64_t)row >> 32);
    d->n++;
    return 0;
}

/* ------------------------------------------------------------------ divisions by name or code */

typedef struct divname {
    const jy_division *d;
    size_t nlen;
    char short_name[64]; /* name without its 县/市/区/自治区 suffix (counties and above), or "" */
    size_t slen;
    int prefix;          /* significant code prefix length: 2, 4, 6 or 9 */
} divname;

typedef struct div_cache_slot {
    const char *text; /* arena copy; NULL = empty slot */
    size_t n;
    const char *code; /* resolved code, or NULL */
    const char *why;  /* reason when code is NULL */
} div_cache_slot;

typedef struct resolver {
    const jy_divisions *divs;
    divname *v;
    size_t n;
    div_cache_slot *cache;
    size_t cache_cap, cache_n;
    jy_arena *arena;
} resolver;

static int prefix_len(const jy_division *d)
{
    switch (d->level) {
    case JY_DIV_PROVINCE: return 2;
    case JY_DIV_PREFECTURE: return 4;
    case JY_DIV_COUNTY: return 6;
    default: return 9;
    }
}

static void resolver_init(resolver *r, const jy_divisions *divs)
{
    static const char *const suffixes[] = {"回族自治区", "维吾尔自治区", "壮族自治区", "自治区",
                                           "特别行政区", "省", "市", "县", "区", "旗"};
    memset(r, 0, sizeof *r);
    r->divs = divs;
    size_t total = jy_divisions_count(divs);
    r->v = calloc(total ? total : 1, sizeof *r->v);
    if (!r->v) abort();
    for (size_t i = 0; i < total; i++) {
        const jy_division *d = jy_divisions_at(divs, i);
        if (d->former || !d->name[0]) continue; /* a former name resolves to its county */
        divname *dn = &r->v[r->n++];
        dn->d = d;
        dn->nlen = strlen(d->name);
        dn->prefix = prefix_len(d);
        if (d->level == JY_DIV_TOWNSHIP) continue; /* towns are written with 镇/乡 */
        for (size_t s = 0; s < sizeof suffixes / sizeof *suffixes; s++) {
            size_t sl = strlen(suffixes[s]);
            if (dn->nlen > sl + 3 && memcmp(d->name + dn->nlen - sl, suffixes[s], sl) == 0 &&
                dn->nlen - sl < sizeof dn->short_name) {
                /* at least two characters must remain (a 3-byte CJK character is not enough) */
                if (dn->nlen - sl < 6) break;
                memcpy(dn->short_name, d->name, dn->nlen - sl);
                dn->slen = dn->nlen - sl;
                dn->short_name[dn->slen] = '\0';
                break;
            }
        }
    }
    r->cache_cap = 1 << 12;
    r->cache = calloc(r->cache_cap, sizeof *r->cache);
    if (!r->cache) abort();
    r->arena = jy_arena_new(0);
}

static void resolver_free(resolver *r)
{
    free(r->v);
    free(r->cache);
    if (r->arena) jy_arena_free(r->arena);
}

static int is_ancestor(const divname *a, const divname *b)
{
    return a->d->level < b->d->level && strncmp(a->d->code, b->d->code, (size_t)a->prefix) == 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return n > 0;
}

/* Resolves text to a division code (written to code, ≥ 13 bytes). On failure returns -1 with
 * a reason in why (≥ 256 bytes). */
static int resolve_uncached(resolver *r, const char *s, size_t n, char *code, char *why)
{
    if (all_digits(s, n)) {
        if (n == 12 && memcmp(s + 9, "000", 3) != 0) { /* village level: its township must exist */
            if (!jy_division_find_n(r->divs, s, 9)) {
                WHY2(why, 256, "import.township_unknown", "division code %.*s: its township %.9s is not in the division table",
                     "行政区划代码 %.*s：其乡镇 %.9s 不在行政区划代码表中", (int)n, s, s);
                return -1;
            }
            memcpy(code, s, 12);
            code[12] = '\0';
            return 0;
        }
        const jy_division *d = jy_division_find_n(r->divs, s, n);
        if (!d) {
            WHY2(why, 256, "import.division_unknown", "division code %.*s is not in the division table (6 or 9 digits, e.g. 640522 or 640522105)",
                 "行政区划代码 %.*s 不在行政区划代码表中（应为6位或9位，如 640522 或 640522105）", (int)(n > 20 ? 20 : n), s);
            return -1;
        }
        snprintf(code, 13, "%s", d->code);
        return 0;
    }
    enum { MAXC = 16 };
    const divname *c[MAXC];
    size_t nc = 0;
    for (size_t i = 0; i < r->n && nc < MAXC; i++) {
        const divname *dn = &r->v[i];
        if (memmem(s, n, dn->d->name, dn->nlen) || (dn->slen && memmem(s, n, dn->short_name, dn->slen)))
            c[nc++] = dn;
    }
    if (nc == 0) {
        WHY2(why, 256, "import.place_unknown", "names no division in the division table: write the county and township (e.g. 海原县七营镇) or the division code",
             "在行政区划代码表中找不到：请写明县和乡镇（如海原县七营镇）或填写行政区划代码");
        return -1;
    }
    /* the deepest candidate backed by the most of its ancestors */
    const divname *best = NULL;
    int best_score = -1, tie = 0;
    for (size_t i = 0; i < nc; i++) {
        int score = 0;
        for (size_t j = 0; j < nc; j++) score += is_ancestor(c[j], c[i]);
        if (!best || c[i]->d->level > best->d->level ||
            (c[i]->d->level == best->d->level && score > best_score)) {
            best = c[i];
            best_score = score;
            tie = 0;
        } else if (c[i]->d->level == best->d->level && score == best_score) {
            tie = 1;
        }
    }
    if (tie) {
        WHY2(why, 256, "import.place_ambiguous", "is ambiguous: it names more than one %1$s-level division; add the county or give the code%2$.0s",
             "有歧义：对应不止一个%2$s级行政区划；请加上县名或填写代码%1$.0s",
             best->d->level == JY_DIV_TOWNSHIP ? "township" : best->d->level == JY_DIV_COUNTY ? "county" : "prefecture",
             best->d->level == JY_DIV_TOWNSHIP ? "乡镇" : best->d->level == JY_DIV_COUNTY ? "县" : "地市");
        return -1;
    }
    for (size_t i = 0; i < nc; i++)
        if (c[i] != best && !is_ancestor(c[i], best)) {
            WHY2(why, 256, "import.place_mismatch", "names %s (%s) and %s (%s), which do not belong together",
                 "同时写了%s（%s）和%s（%s），二者不相隶属", c[i]->d->name, c[i]->d->code, best->d->name, best->d->code);
            return -1;
        }
    snprintf(code, 13, "%s", best->d->code);
    return 0;
}

static int resolve(resolver *r, const char *s, size_t n, char *code, char *why)
{
    size_t j = hash_bytes(s, n) & (r->cache_cap - 1);
    while (r->cache[j].text) {
        div_cache_slot *e = &r->cache[j];
        if (e->n == n && memcmp(e->text, s, n) == 0) {
            if (e->code) {
                copy_str(code, 13, e->code);
                return 0;
            }
            snprintf(why, 256, "%s", e->why);
            return -1;
        }
        j = (j + 1) & (r->cache_cap - 1);
    }
    int rc = resolve_uncached(r, s, n, code, why);
    if (2 * (r->cache_n + 1) <= r->cache_cap) { /* a full cache just stops remembering */
        div_cache_slot *e = &r->cache[j];
        e->text = jy_arena_strndup(r->arena, s, n);
        e->n = n;
        e->code = rc == 0 ? jy_arena_strdup(r->arena, code) : NULL;
        e->why = rc == 0 ? NULL : jy_arena_strdup(r->arena, why);
        r->cache_n++;
    }
    return rc;
}

/* ------------------------------------------------------------------ value tables */

static const char *const ethnic_groups[] = {
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
    "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
};

/* Normalises 民族 to "X族" (or 其他 / 穿青人 / 外国血统); returns -1 when unknown. */
static int ethnicity_norm(cell v, char *out, size_t cap)
{
    static const char *const others[] = {"其他", "穿青人", "外国血统", "外国血统中国籍人士"};
    size_t n = v.n;
    if (n > 3 && memcmp(v.p + n - 3, "族", 3) == 0) n -= 3;
    for (size_t i = 0; i < sizeof ethnic_groups / sizeof *ethnic_groups; i++)
        if (strlen(ethnic_groups[i]) == n && memcmp(ethnic_groups[i], v.p, n) == 0) {
            if (n + 4 > cap) return -1; /* cannot happen: the longest is 12 + 3 bytes */
            memcpy(out, ethnic_groups[i], n);
            memcpy(out + n, "族", 4);
            return 0;
        }
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        if (strlen(others[i]) == v.n && memcmp(others[i], v.p, v.n) == 0) {
            snprintf(out, cap, "%s", others[i]);
            return 0;
        }
    return -1;
}

/* 人员类别 terms that are valid but have no stored status (5-20-2's list). */
static const char *const category_no_status[] = {
    "农村低收入人口", "搬迁群众", "移民", "农村劳动力", "其他人员", "其他", "一般人员", "无", "普通人员",
};

/* Monitoring categories (防返贫监测对象) as rosters spell them. */
static const char *const category_monitored[] = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户",
                                                 "边缘易致贫人口", "脱贫不稳定人口", "监测人口"};

static int sep_len(const char *p, size_t n)
{
    if (n >= 1 && (*p == ',' || *p == ';' || *p == '/' || *p == ' ' || *p == '|' || *p == '+')) return 1;
    if (n >= 3 && (memcmp(p, "，", 3) == 0 || memcmp(p, "、", 3) == 0 || memcmp(p, "；", 3) == 0 ||
                   memcmp(p, "／", 3) == 0))
        return 3;
    return 0;
}

static int phone_norm(cell v, char *out, size_t cap, char *why, size_t whycap)
{
    jy_mobile m;
    jy_err e;
    if (jy_mobile_check_n(v.p, v.n, &m, &e) == 0) {
        copy_str(out, cap, m.number);
        return 0;
    }
    /* a landline: 0 + area code, optional hyphen, 7-8 digits (10-12 digits in all) */
    if (v.n > 0 && v.p[0] == '0') {
        size_t digits = 0, hyph = 0, ok = 1;
        for (size_t i = 0; i < v.n && ok; i++) {
            if (v.p[i] >= '0' && v.p[i] <= '9') digits++;
            else if (v.p[i] == '-' && !hyph && i >= 3) hyph = 1;
            else ok = 0;
        }
        if (ok && digits >= 10 && digits <= 12 && v.n < cap) {
            memcpy(out, v.p, v.n);
            out[v.n] = '\0';
            return 0;
        }
    }
    snprintf(why, whycap, "%.255s", jy_err_text(&e));
    return -1;
}

/* ------------------------------------------------------------------ the importer */

/* The import runs on two threads (docs/import.md, "Speed"): a reader thread reads, decodes and
 * validates the rows and hands the good ones over in chunks through a bounded queue; the calling
 * thread, which alone uses the store handle, writes them in batches. A dry run has no writer and
 * reads on the calling thread. */
#define CHUNK_ROWS 1000
#define QUEUE_CHUNKS 16

/* A validated row waiting to be written. */
typedef struct pend {
    int64_t row;                     /* spreadsheet row, for the report */
    char def_div[7];                 /* division when the row and the store give none: the ID
                                      * number's county, the USCC's registration division */
    unsigned char fill;              /* persons: an empty field is taken from the stored record */
    unsigned char nkinds;            /* persons: statuses from 人员类别 */
    unsigned char kinds[JY_ST__COUNT];
    char sscard[20];                 /* persons: 社保卡号 (digits, Luhn-checked), "" when none */
    char card_bank[64];              /* persons: its 开户行 */
    union {
        jy_person p;
        jy_org o;
    } r;
} pend;

typedef struct rowchunk {
    struct rowchunk *next;
    int n;
    int64_t rows, rejected;          /* the reader's counts when it handed the chunk over */
    pend v[CHUNK_ROWS];
} rowchunk;

typedef struct rowpipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rowchunk *head, *tail, *spare;
    int queued;                      /* chunks in the queue */
    int closed;                      /* the reader is done */
    atomic_int stop;                 /* the writer failed: the reader stops */
} rowpipe;

typedef struct importer {
    jy_store *st;
    const jy_import_opts *o;
    jy_import_result *res;
    const col_def *defs;
    size_t ndefs;
    int col[F__COUNT];          /* column index per field, -1 when absent */
    char colname[F__COUNT][64]; /* the header text as the file has it */
    jy_text_reader *tr;
    jy_csv *csv;
    jy_xlsx *xl;                /* when the roster is an XLSX workbook */
    void *xl_buf;               /* an XLSX workbook read from standard input */
    jy_rowsrc rows;             /* csv or xl */
    FILE *report;
    char report_path[1024];
    int report_explicit;
    char *report_mem;           /* report_out: the memory stream's buffer */
    size_t report_mem_len;
    jy_sb line;
    dupset dups;
    resolver rs;
    jy_date today;
    char gate_county[7];        /* issue 13: the county card_gate answered last, and its answer */
    int gate_rc;
    char gate_msg[512];
    char gate_msg_zh[512];
    int64_t row;                /* record number of the current row */
    int row_errors;
    struct rowpipe *pipe;       /* reader → writer queue; NULL in a dry run (nothing is written) */
    struct rowchunk *cur;          /* reader: the chunk being filled */
    pthread_mutex_t report_mu;  /* the report is written by the reader and the writer */
    /* writer state (the calling thread, which alone uses the store handle) */
    int in_batch;
    int64_t batch_n;            /* rows stored in the open batch */
    int64_t batch_tried;        /* rows put in the open batch, stored or refused */
    int64_t pend_created, pend_updated, pend_unchanged;
    int64_t w_rejected;         /* rows the store refused ("not stored: …") */
} importer;

static cell get(const importer *im, int field)
{
    cell c = {"", 0};
    if (im->col[field] < 0 || (size_t)im->col[field] >= jy_rows_nfields(im->rows)) return c;
    size_t n;
    const char *p = jy_rows_field(im->rows, (size_t)im->col[field], &n);
    return trim(p, n);
}

static void report_line(importer *im, int64_t row, const char *column, const char *value,
                        size_t vn, const char *reason)
{
    pthread_mutex_lock(&im->report_mu);
    jy_sb *l = &im->line;
    jy_sb_reset(l);
    jy_sb_append_i64(l, row);
    jy_sb_appendc(l, ',');
    jy_csv_append_field(l, column, strlen(column), ',');
    jy_sb_appendc(l, ',');
    if (vn > REPORT_VALUE_MAX) vn = REPORT_VALUE_MAX;
    if (!jy_utf8_check(value, vn)) value = "(not valid text)", vn = strlen(value);
    jy_csv_append_field(l, value, vn, ',');
    jy_sb_appendc(l, ',');
    jy_csv_append_field(l, reason, strlen(reason), ',');
    jy_sb_append(l, "\r\n");
    fwrite(l->buf, 1, l->len, im->report);
    pthread_mutex_unlock(&im->report_mu);
}

/* Records one error of the current row against field (-1: the row as a whole), the message in the process's language (jy_err_text:
 * the report's reason column is Chinese unless --lang en). */
static void row_error_e(importer *im, int field, cell v, const jy_err *e)
{
    report_line(im, im->row, field >= 0 ? im->colname[field] : "", v.p, v.n, jy_err_text(e));
    im->row_errors++;
}
/* Copies v into dst[cap] or records an error when it does not fit. */
static void put_str(importer *im, int field, cell v, char *dst, size_t cap)
{
    if (v.n >= cap) {
        row_error2(im, field, v, "import.too_long", "longer than %zu bytes", "超过%zu字节", cap - 1);
        return;
    }
    memcpy(dst, v.p, v.n);
    dst[v.n] = '\0';
}

static int batch_begin(importer *im, jy_err *err)
{
    if (im->in_batch) return 0;
    int rc = jy_store_begin(im->st, err);
    if (rc) return rc;
    im->in_batch = 1;
    im->batch_n = 0;
    return 0;
}

static int batch_commit(importer *im, jy_err *err)
{
    if (!im->in_batch) return 0;
    int rc = jy_store_commit(im->st, err);
    if (rc) return rc;
    im->in_batch = 0;
    jy_import_stats *s = &im->res->stats;
    s->created += im->pend_created;
    s->updated += im->pend_updated;
    s->unchanged += im->pend_unchanged;
    s->committed += im->batch_n;
    im->pend_created = im->pend_updated = im->pend_unchanged = 0;
    im->batch_n = 0;
    return 0;
}

static void count_result(importer *im, int result)
{
    if (result == JY_PUT_CREATED) im->pend_created++;
    else if (result == JY_PUT_UPDATED) im->pend_updated++;
    else im->pend_unchanged++;
    im->batch_n++;
}

/* Is the error one the row caused (report it, go on) rather than the database failing? */
static int row_level(int rc)
{
    return rc == JY_EINVAL || rc == JY_ECONFLICT || rc == JY_ENOTFOUND;
}

/* ---- the queue between the reader and the writer */

static void pipe_init(rowpipe *q)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    atomic_init(&q->stop, 0);
}

static void pipe_free(rowpipe *q)
{
    for (rowchunk *c = q->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    for (rowchunk *c = q->spare, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}

/* Reader: hands the current chunk to the writer, waiting while the queue is full. */
static void reader_push(importer *im)
{
    rowpipe *q = im->pipe;
    rowchunk *c = im->cur;
    im->cur = NULL;
    if (!c) return;
    c->rows = im->res->stats.rows;
    c->rejected = im->res->stats.rejected;
    c->next = NULL;
    pthread_mutex_lock(&q->mu);
    while (q->queued >= QUEUE_CHUNKS && !atomic_load(&q->stop)) pthread_cond_wait(&q->cv, &q->mu);
    if (atomic_load(&q->stop)) {
        c->next = q->spare;
        q->spare = c;
    } else {
        if (q->tail) q->tail->next = c;
        else q->head = c;
        q->tail = c;
        q->queued++;
    }
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Reader: the next free slot of the current chunk (a full chunk is handed over first). */
static pend *reader_slot(importer *im)
{
    if (im->cur && im->cur->n == CHUNK_ROWS) reader_push(im);
    if (!im->cur) {
        rowpipe *q = im->pipe;
        pthread_mutex_lock(&q->mu);
        rowchunk *c = q->spare;
        if (c) q->spare = c->next;
        pthread_mutex_unlock(&q->mu);
        if (!c && !(c = malloc(sizeof *c))) abort();
        c->n = 0;
        im->cur = c;
    }
    pend *pd = &im->cur->v[im->cur->n++];
    pd->fill = 0;
    pd->nkinds = 0;
    return pd;
}

/* Reader: no more rows. */
static void reader_close(importer *im)
{
    if (im->cur) reader_push(im);
    rowpipe *q = im->pipe;
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Writer: the next chunk, or NULL when the reader is done and the queue empty. */
static rowchunk *writer_take(rowpipe *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->head && !q->closed) pthread_cond_wait(&q->cv, &q->mu);
    rowchunk *c = q->head;
    if (c) {
        q->head = c->next;
        if (!q->head) q->tail = NULL;
        q->queued--;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return c;
}

static void writer_recycle(rowpipe *q, rowchunk *c)
{
    pthread_mutex_lock(&q->mu);
    c->next = q->spare;
    q->spare = c;
    pthread_mutex_unlock(&q->mu);
}

/* Writer failed: the reader stops at its next row or push. */
static void writer_stop(rowpipe *q)
{
    pthread_mutex_lock(&q->mu);
    atomic_store(&q->stop, 1);
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Writer: a row the store refused goes to the report (the row as a whole). */
static void writer_reject(importer *im, const pend *pd, const char *key, const char *why)
{
    jy_err r; /* why is in the process's language already: so is the report's reason */
    jy_err_set2(&r, JY_EINVAL, "import.not_stored_row", "not stored: %s", "未保存：%s", why);
    report_line(im, pd->row, "", key, strlen(key), jy_err_text(&r));
    im->w_rejected++;
}

/* Rejects a row whose damaged text (undecodable bytes, or a NUL byte: everything after it would
 * be lost, issue 10) would otherwise be stored. */
static int check_text(importer *im)
{
    for (int f = 0; f < F__COUNT; f++) {
        if (im->col[f] < 0 || f == F_SEQ) continue;
        cell v = get(im, f);
        const char *nul = memchr(v.p, '\0', v.n);
        if (nul) {
            /* the report shows the value with each NUL as the two characters \0 */
            char shown[REPORT_VALUE_MAX + 2];
            size_t k = 0, i = 0;
            for (; i < v.n && k + 2 < sizeof shown; i++) {
                if (v.p[i]) shown[k++] = v.p[i];
                else shown[k++] = '\\', shown[k++] = '0';
            }
            if (i < v.n) /* cut: not inside a character */
                while (k > 0 && ((unsigned char)shown[k - 1] & 0xC0) == 0x80) k--;
            if (i < v.n && k > 0 && (unsigned char)shown[k - 1] >= 0xC0) k--;
            row_error2(im, f, ((cell){shown, k}), "import.nul_byte",
                      "%s contains a NUL byte (\\0) at byte %zu: the text after it would be lost; remove it and import the row again", "%s在第%zu字节处有一个 NUL 字节（\\0）：其后的文字会丢失；请删除后重新导入该行",
                      im->colname[f], (size_t)(nul - v.p) + 1);
        } else if (!jy_utf8_check(v.p, v.n)) {
            row_error2(im, f, v, "import.bad_encoding", "contains bytes that are not valid %s text (wrong --encoding?)", "含有不是有效 %s 文本的字节（--encoding 编码选错了？）",
                      jy_encoding_name(im->res->encoding));
        } else if (jy_rows_inexact(im->rows, (size_t)im->col[f])) {
            row_error2(im, f, v, "import.stored_as_number", "%s stored as a number; format the column as text (文本) and enter it again: "
                      "Excel keeps only 15 digits of a number", "%s以数字格式保存：请把该列设置为文本格式后重新录入（Excel 的数字只保留15位有效数字）", im->colname[f]);
        }
    }
    return im->row_errors;
}

/* Checks the 18-character identifier for an Excel number conversion ("6.40522E+17"). */
static int excel_mangled(cell v)
{
    if (v.n == 0 || v.n >= 18 || v.p[0] < '0' || v.p[0] > '9') return 0;
    for (size_t i = 0; i < v.n; i++)
        if (v.p[i] == 'E' || v.p[i] == 'e') return 1;
    return 0;
}

static void person_row(importer *im)
{
    jy_person p;
    memset(&p, 0, sizeof p);
    jy_idcard id;
    memset(&id, 0, sizeof id);
    int id_ok = 0;
    char why[256];
    jy_err e;

    if (check_text(im)) return;

    cell name = get(im, F_NAME);
    if (name.n == 0) row_error2(im, F_NAME, name, "import.name_empty", "姓名 is empty", "姓名为空");
    else if (jy_registry_control_at(name.p, name.n) >= 0)
        row_error2(im, F_NAME, name, "import.name_control", "姓名 holds a line break or another control character: a name is one line of text",
                   "姓名含有换行符或其他控制字符：姓名只能是一行文字");
    else put_str(im, F_NAME, name, p.name, sizeof p.name);

    cell idv = get(im, F_IDCARD);
    if (idv.n == 0) {
        row_error2(im, F_IDCARD, idv, "import.idcard_empty", "身份证号 is empty", "身份证号码为空");
    } else if (excel_mangled(idv)) {
        row_error2(im, F_IDCARD, idv, "import.idcard_excel_number", "the ID number was turned into a number by Excel and lost its last digits: format the column as text (文本) and enter it again", "身份证号码被 Excel 转成了数字，末几位已丢失：请把该列设置为文本格式后重新录入");
    } else if (jy_idcard_check_n(idv.p, idv.n, im->o->divs, im->today, &id, &e) != 0) {
        if (jy_rows_numeric(im->rows, (size_t)im->col[F_IDCARD])) /* an XLSX number cell */
            row_error2(im, F_IDCARD, idv, "import.idcard_stored_as_number",
                       "%1$s stored as a number; format the column as text (文本) and enter it again (%2$s)%3$.0s",
                       "%1$s以数字格式保存：请把该列设置为文本格式后重新录入（%3$s）%2$.0s", im->colname[F_IDCARD], e.msg,
                       jy_err_zh(&e));
        else
            row_error_e(im, F_IDCARD, idv, &e);
    } else {
        id_ok = 1;
        memcpy(p.idcard, id.number, 19);
        p.sex = id.sex;
        p.birth = id.birth;
        int64_t first = dup_check(&im->dups, id.number, im->row);
        if (first)
            row_error2(im, F_IDCARD, idv, "import.idcard_duplicate", "duplicate: row %" PRId64 " has the same ID number",
                       "重复：第%" PRId64 "行的身份证号码与此相同", first);
    }

    cell sex = get(im, F_SEX);
    if (sex.n) {
        char s = 0;
        if ((sex.n == 3 && memcmp(sex.p, "男", 3) == 0) || (sex.n == 6 && memcmp(sex.p, "男性", 6) == 0) ||
            (sex.n == 1 && (sex.p[0] == 'M' || sex.p[0] == 'm')))
            s = 'M';
        else if ((sex.n == 3 && memcmp(sex.p, "女", 3) == 0) || (sex.n == 6 && memcmp(sex.p, "女性", 6) == 0) ||
                 (sex.n == 1 && (sex.p[0] == 'F' || sex.p[0] == 'f')))
            s = 'F';
        if (!s) row_error2(im, F_SEX, sex, "import.sex_word", "性别 must be 男 or 女", "性别应为“男”或“女”");
        else if (id_ok && s != id.sex)
            row_error2(im, F_SEX, sex, "import.sex_vs_idcard",
                       "性别 %1$s disagrees with the ID number, whose 17th digit %2$c says %3$s%4$.0s",
                       "性别“%1$s”与身份证号码不符：第17位 %2$c 为%4$s%3$.0s", s == 'M' ? "男" : "女", id.number[16],
                       id.sex == 'M' ? "男 (odd)" : "女 (even)", id.sex == 'M' ? "奇数，应为男" : "偶数，应为女");
    }

    cell eth = get(im, F_ETHNICITY);
    if (eth.n && ethnicity_norm(eth, p.ethnicity, sizeof p.ethnicity) != 0)
        row_error2(im, F_ETHNICITY, eth, "import.ethnicity", "unknown 民族: write one of the 56 ethnic groups, e.g. 汉族 or 回族", "未知的民族：请填写56个民族之一，如汉族或回族");

    cell edu = get(im, F_EDUCATION);
    if (edu.n) put_str(im, F_EDUCATION, edu, p.education, sizeof p.education);

    cell hk = get(im, F_HUKOU_KIND);
    if (hk.n) {
        char buf[64];
        int kind = 0;
        if (hk.n >= sizeof buf || (memcpy(buf, hk.p, hk.n), buf[hk.n] = '\0', jy_hukou_kind_parse(buf, &kind) != 0))
            row_error2(im, F_HUKOU_KIND, hk, "import.hukou_kind", "户籍性质 must be 城镇, 农村, 农业 or 非农业", "户籍性质应为城镇、农村、农业或非农业");
        else p.hukou_kind = kind;
    }

    cell place = get(im, F_HUKOU_PLACE);
    if (place.n) {
        if (resolve(&im->rs, place.p, place.n, p.hukou_division, why) != 0)
            row_error2(im, F_HUKOU_PLACE, place, "import.hukou_place", "户籍所在地 %s", "户籍所在地%s", why);
    }

    cell phone = get(im, F_PHONE);
    if (phone.n && phone_norm(phone, p.phone, sizeof p.phone, why, sizeof why) != 0)
        row_error2(im, F_PHONE, phone, "import.phone", "%s", "%s", why);

    cell addr = get(im, F_ADDRESS);
    if (addr.n) put_str(im, F_ADDRESS, addr, p.address, sizeof p.address);

    /* 人员类别 → statuses */
    jy_status_kind kinds[JY_ST__COUNT];
    int nkinds = 0;
    cell cat = get(im, F_CATEGORY);
    for (size_t i = 0; i < cat.n;) {
        int s = sep_len(cat.p + i, cat.n - i);
        if (s) {
            i += (size_t)s;
            continue;
        }
        size_t j = i;
        while (j < cat.n && !sep_len(cat.p + j, cat.n - j)) j++;
        char term[96];
        cell t = {cat.p + i, j - i};
        i = j;
        if (t.n >= sizeof term) {
            row_error2(im, F_CATEGORY, t, "import.category_term", "unknown 人员类别 term", "未知的人员类别");
            continue;
        }
        memcpy(term, t.p, t.n);
        term[t.n] = '\0';
        jy_status_kind k = 0;
        if (jy_status_kind_parse(term, &k) != 0) {
            for (size_t m = 0; m < sizeof category_monitored / sizeof *category_monitored; m++)
                if (strcmp(term, category_monitored[m]) == 0) k = JY_ST_MONITORED;
        }
        if (k == 0) {
            int known = 0;
            for (size_t m = 0; m < sizeof category_no_status / sizeof *category_no_status; m++)
                known |= strcmp(term, category_no_status[m]) == 0;
            if (!known)
                row_error2(im, F_CATEGORY, t, "import.category_unknown", "unknown 人员类别 \"%s\": use 脱贫人口, 监测对象, 低保, 残疾人, 退役军人, 高校毕业生, 登记失业人员, 零就业家庭, 农村低收入人口, 搬迁群众, 农村劳动力 or 其他人员", "未知的人员类别“%s”：请使用 脱贫人口、监测对象、低保、残疾人、退役军人、高校毕业生、登记失业人员、零就业家庭、农村低收入人口、搬迁群众、农村劳动力 或 其他人员", term);
            continue;
        }
        int seen = 0;
        for (int m = 0; m < nkinds; m++) seen |= kinds[m] == k;
        if (!seen) kinds[nkinds++] = k;
    }

    /* 社保卡号 / 银行账号 and its 开户行 (issue 13) */
    jy_bankcard card;
    memset(&card, 0, sizeof card);
    char card_bank[64] = "";
    cell cv = get(im, F_SSCARD);
    if (cv.n && jy_bankcard_check_n(cv.p, cv.n, &card, &e) != 0)
        row_error2(im, F_SSCARD, cv, "import.sscard", "%1$s: %2$s%3$.0s", "%1$s：%3$s%2$.0s", im->colname[F_SSCARD], e.msg,
                   jy_err_zh(&e));
    cell cb = get(im, F_CARD_BANK);
    if (cb.n) {
        if (!cv.n) row_error2(im, F_CARD_BANK, cb, "import.card_bank_alone", "%s given without a card or account number in the same row", "填写了%s，但同一行没有社保卡号或银行账号", im->colname[F_CARD_BANK]);
        else put_str(im, F_CARD_BANK, cb, card_bank, sizeof card_bank);
    }

    if (im->row_errors) return;
    im->res->stats.valid++;
    if (!im->pipe) return; /* dry run */
    pend *pd = reader_slot(im);
    pd->row = im->row;
    memcpy(pd->sscard, card.number, sizeof pd->sscard);
    memcpy(pd->card_bank, card_bank, sizeof pd->card_bank);
    pd->fill = !p.ethnicity[0] || !p.education[0] || !p.hukou_kind || !p.hukou_division[0] || !p.phone[0] ||
               !p.address[0];
    memcpy(pd->def_div, id.division, 7);
    pd->nkinds = (unsigned char)nkinds;
    for (int k = 0; k < nkinds; k++) pd->kinds[k] = (unsigned char)kinds[k];
    pd->r.p = p;
}

static void org_row(importer *im)
{
    jy_org o;
    memset(&o, 0, sizeof o);
    jy_uscc u;
    memset(&u, 0, sizeof u);
    char why[256];
    jy_err e;

    if (check_text(im)) return;

    cell name = get(im, F_ORG_NAME);
    if (name.n == 0) row_error2(im, F_ORG_NAME, name, "import.org_name_empty", "单位名称 is empty", "单位名称为空");
    else if (jy_registry_control_at(name.p, name.n) >= 0)
        row_error2(im, F_ORG_NAME, name, "import.org_name_control", "单位名称 holds a line break or another control character: a name is one line of text",
                   "单位名称含有换行符或其他控制字符：名称只能是一行文字");
    else put_str(im, F_ORG_NAME, name, o.name, sizeof o.name);

    cell code = get(im, F_USCC);
    if (code.n == 0) {
        row_error2(im, F_USCC, code, "import.uscc_empty", "统一社会信用代码 is empty", "统一社会信用代码为空");
    } else if (jy_uscc_check_n(code.p, code.n, im->o->divs, &u, &e) != 0) {
        row_error_e(im, F_USCC, code, &e);
    } else {
        memcpy(o.uscc, u.code, 19);
        int64_t first = dup_check(&im->dups, u.code, im->row);
        if (first)
            row_error2(im, F_USCC, code, "import.uscc_duplicate", "duplicate: row %" PRId64 " has the same 统一社会信用代码",
                       "重复：第%" PRId64 "行的统一社会信用代码与此相同", first);
    }

    cell kinds = get(im, F_ORG_KINDS);
    if (kinds.n) {
        char buf[512];
        if (kinds.n >= sizeof buf) row_error2(im, F_ORG_KINDS, kinds, "import.too_long", "longer than %zu bytes", "超过%zu字节", sizeof buf - 1);
        else {
            memcpy(buf, kinds.p, kinds.n);
            buf[kinds.n] = '\0';
            if (jy_org_kinds_parse(buf, &o.kinds, &e) != 0) row_error_e(im, F_ORG_KINDS, kinds, &e);
        }
    }

    cell size = get(im, F_ORG_SIZE);
    if (size.n) {
        char buf[64];
        if (size.n >= sizeof buf || (memcpy(buf, size.p, size.n), buf[size.n] = '\0',
                                     jy_size_class_parse(buf, &o.size_class) != 0))
            row_error2(im, F_ORG_SIZE, size, "import.org_size", "规模 must be 微型, 小型, 中型 or 大型", "规模应为微型、小型、中型或大型");
    }

    cell lp = get(im, F_LEGAL_PERSON);
    if (lp.n) put_str(im, F_LEGAL_PERSON, lp, o.legal_person, sizeof o.legal_person);

    cell phone = get(im, F_ORG_PHONE);
    if (phone.n && phone_norm(phone, o.phone, sizeof o.phone, why, sizeof why) != 0)
        row_error2(im, F_ORG_PHONE, phone, "import.phone", "%s", "%s", why);

    cell addr = get(im, F_ORG_ADDRESS);
    if (addr.n) put_str(im, F_ORG_ADDRESS, addr, o.address, sizeof o.address);

    cell bank = get(im, F_BANK_NAME);
    if (bank.n) put_str(im, F_BANK_NAME, bank, o.bank_name, sizeof o.bank_name);

    cell acct = get(im, F_BANK_ACCOUNT);
    if (acct.n) {
        size_t k = 0, bad = 0;
        for (size_t i = 0; i < acct.n; i++) {
            char ch = acct.p[i];
            if (ch == ' ' || ch == '-') continue;
            if (ch < '0' || ch > '9' || k + 1 >= sizeof o.bank_account) {
                bad = 1;
                break;
            }
            o.bank_account[k++] = ch;
        }
        o.bank_account[k] = '\0';
        if (bad || k < 6)
            row_error2(im, F_BANK_ACCOUNT, acct, "import.bank_account", "账号 must be 6 to %zu digits (spaces and hyphens are allowed)", "账号应为6至%zu位数字（可含空格和连字符）",
                      sizeof o.bank_account - 1);
    }

    cell place = get(im, F_ORG_DIVISION);
    if (place.n && resolve(&im->rs, place.p, place.n, o.division, why) != 0)
        row_error2(im, F_ORG_DIVISION, place, "import.org_place", "所在地 %s", "所在地%s", why);

    if (im->row_errors) return;
    im->res->stats.valid++;
    if (!im->pipe) return; /* dry run */
    pend *pd = reader_slot(im);
    pd->row = im->row;
    memcpy(pd->def_div, u.division, 7);
    pd->r.o = o;
}

/* ---- the writer: runs on the calling thread, inside the open batch */

/* 1 when the uploader is bound to an area (o->area) and division is not inside it. */
static int outside_area(const importer *im, const char *division)
{
    const char *a = im->o->area;
    return a && *a && strncmp(division, a, strlen(a)) != 0;
}

/* Writes one person. Returns 0 (also when the store refused the row: it goes to the report), or
 * the database's error, which stops the import. */
static int write_person(importer *im, pend *pd, jy_err *err)
{
    jy_person *p = &pd->r.p;
    jy_err e;
    int rc;
    /* never clear: fill what the row leaves empty from the stored record */
    if (pd->fill) {
        jy_person old;
        rc = jy_store_person_get_by_idcard(im->st, p->idcard, &old, &e);
        if (rc == 0) {
            if (!p->ethnicity[0]) memcpy(p->ethnicity, old.ethnicity, sizeof p->ethnicity);
            if (!p->education[0]) memcpy(p->education, old.education, sizeof p->education);
            if (!p->hukou_kind) p->hukou_kind = old.hukou_kind;
            if (!p->hukou_division[0]) memcpy(p->hukou_division, old.hukou_division, sizeof p->hukou_division);
            if (!p->phone[0]) memcpy(p->phone, old.phone, sizeof p->phone);
            if (!p->address[0]) memcpy(p->address, old.address, sizeof p->address);
            memcpy(p->county, old.county, sizeof p->county);
        } else if (rc != JY_ENOTFOUND) {
            *err = e;
            return rc;
        }
    }
    if (!p->hukou_division[0]) memcpy(p->hukou_division, pd->def_div, 7); /* the ID number's county */
    if (outside_area(im, p->hukou_division)) {
        char why[160];
        WHY2(why, sizeof why, "import.hukou_outside_area", "户籍所在地 %s lies outside your area %s", "户籍所在地 %s 不在您的管辖区域 %s 内",
             p->hukou_division, im->o->area);
        writer_reject(im, pd, p->idcard, why);
        return 0;
    }

    int result = 0;
    if (pd->nkinds == 0 && !pd->sscard[0]) {
        rc = jy_store_person_put(im->st, p, im->o->actor, &result, &e);
        if (rc == 0) {
            count_result(im, result);
            return 0;
        }
        if (!row_level(rc)) {
            *err = e;
            return rc;
        }
        writer_reject(im, pd, p->idcard, jy_err_text(&e));
        return 0;
    }

    /* a person with statuses or a card: one savepoint so the row lands whole or not at all */
    int card_refused = 0;
    if ((rc = jy_store_begin(im->st, err)) != 0) return rc;
    rc = jy_store_person_put(im->st, p, im->o->actor, &result, &e);
    if (rc == 0) {
        jy_person_status have[32];
        int nhave = 0;
        if (result != JY_PUT_CREATED)
            rc = jy_store_person_statuses(im->st, p->id, have, 32, &nhave, &e);
        for (int k = 0; rc == 0 && k < pd->nkinds; k++) {
            int held = 0;
            for (int h = 0; h < nhave; h++)
                held |= have[h].kind == (jy_status_kind)pd->kinds[k] && have[h].until == 0;
            if (held) continue;
            jy_person_status s;
            memset(&s, 0, sizeof s);
            s.kind = (jy_status_kind)pd->kinds[k];
            rc = jy_store_person_status_add(im->st, p->id, &s, im->o->actor, &e);
            if (rc == 0 && result == JY_PUT_UNCHANGED) result = JY_PUT_UPDATED;
        }
        /* the card (社保卡) the person's subsidies are paid to: written as `ledger card` writes it,
         * by someone who may (card_gate: the ledger_card operation for the CLI) */
        if (rc == 0 && pd->sscard[0]) {
            char county[7];
            memcpy(county, strlen(p->hukou_division) >= 6 ? p->hukou_division : p->idcard, 6);
            county[6] = '\0';
            if (strcmp(county, im->gate_county) != 0) {
                jy_err ge = {0};
                memcpy(im->gate_county, county, 7);
                im->gate_rc = im->o->card_gate ? im->o->card_gate(im->o->card_gate_ctx, county, &ge) : JY_EINVAL;
                snprintf(im->gate_msg, sizeof im->gate_msg, "%s",
                         im->o->card_gate ? ge.msg : "this import does not record cards (no card permission given)");
                snprintf(im->gate_msg_zh, sizeof im->gate_msg_zh, "%s",
                         im->o->card_gate ? jy_err_zh(&ge) : "本次导入不记录卡号（未授予卡号权限）");
            }
            if (im->gate_rc) {
                rc = jy_err_set2(&e, JY_EINVAL, "import.card_not_recorded", "%1$s not recorded: %2$s%3$.0s", "%1$s未记录：%3$s%2$.0s",
                                 im->colname[F_SSCARD], im->gate_msg, im->gate_msg_zh);
                card_refused = 1;
            }
        }
        if (rc == 0 && pd->sscard[0]) {
            char have_card[40] = "", have_bank[64] = "";
            jy_err e3;
            int g = jy_store_person_card_get(im->st, p->id, have_card, have_bank, &e3);
            int same = g == 0 && strcmp(have_card, pd->sscard) == 0 &&
                       (!pd->card_bank[0] || strcmp(have_bank, pd->card_bank) == 0);
            if (!same) {
                rc = jy_store_person_card_set(im->st, p->id, pd->sscard, pd->card_bank[0] ? pd->card_bank : have_bank,
                                              im->o->actor, &e);
                if (rc == 0 && result == JY_PUT_UNCHANGED) result = JY_PUT_UPDATED;
            }
        }
    }
    if (rc == 0) {
        if ((rc = jy_store_commit(im->st, err)) != 0) return rc;
        count_result(im, result);
        return 0;
    }
    jy_err e2;
    if (jy_store_rollback(im->st, &e2) != 0) {
        *err = e2;
        return e2.code;
    }
    if (!row_level(rc)) {
        *err = e;
        return rc;
    }
    if (card_refused) { /* the row, the card column and its value, and why */
        char reason[600];
        WHY2(reason, sizeof reason, "import.not_stored", "not stored: %1$s%2$.0s", "未保存：%2$s%1$.0s", e.msg, jy_err_zh(&e));
        report_line(im, pd->row, im->colname[F_SSCARD], pd->sscard, strlen(pd->sscard), reason);
        im->w_rejected++;
        return 0;
    }
    writer_reject(im, pd, p->idcard, jy_err_text(&e));
    return 0;
}

/* Writes one organisation; returns as write_person. */
static int write_org(importer *im, pend *pd, jy_err *err)
{
    jy_org *o = &pd->r.o;
    jy_err e;
    /* never clear, and kinds accumulate: merge with the stored record */
    jy_org old;
    int rc = jy_store_org_get_by_uscc(im->st, o->uscc, &old, &e);
    if (rc == 0) {
        o->kinds |= old.kinds;
        if (!o->size_class) o->size_class = old.size_class;
        if (!o->division[0]) memcpy(o->division, old.division, sizeof o->division);
        memcpy(o->county, old.county, sizeof o->county);
        if (!o->legal_person[0]) memcpy(o->legal_person, old.legal_person, sizeof o->legal_person);
        if (!o->phone[0]) memcpy(o->phone, old.phone, sizeof o->phone);
        if (!o->address[0]) memcpy(o->address, old.address, sizeof o->address);
        if (!o->bank_name[0]) memcpy(o->bank_name, old.bank_name, sizeof o->bank_name);
        if (!o->bank_account[0]) memcpy(o->bank_account, old.bank_account, sizeof o->bank_account);
    } else if (rc != JY_ENOTFOUND) {
        *err = e;
        return rc;
    }
    if (!o->division[0] && jy_division_find(im->o->divs, pd->def_div))
        memcpy(o->division, pd->def_div, 7); /* the USCC's registration-authority division */
    if (outside_area(im, o->division[0] ? o->division : o->county)) {
        char why[160];
        WHY2(why, sizeof why, "import.org_outside_area", "所在地 %s lies outside your area %s", "所在地 %s 不在您的管辖区域 %s 内",
             o->division[0] ? o->division : "(unknown)",
                 im->o->area);
        writer_reject(im, pd, o->uscc, why);
        return 0;
    }

    int result = 0;
    rc = jy_store_org_put(im->st, o, im->o->actor, &result, &e);
    if (rc == 0) {
        count_result(im, result);
        return 0;
    }
    if (!row_level(rc)) {
        *err = e;
        return rc;
    }
    writer_reject(im, pd, o->uscc, jy_err_text(&e));
    return 0;
}

/* Calls the progress callback with the reader's counts as of chunk c and the writer's own. */
static void writer_progress(importer *im, const rowchunk *c)
{
    if (!im->o->progress) return;
    jy_import_stats s = im->res->stats; /* created … committed: the writer's fields */
    s.rows = c->rows;
    s.rejected = c->rejected + im->w_rejected;
    s.created += im->pend_created;
    s.updated += im->pend_updated;
    s.unchanged += im->pend_unchanged;
    im->o->progress(im->o->progress_ctx, &s, 0);
}

/* Takes the reader's chunks and writes them, one transaction per batch_rows rows. A batch is
 * split only at a row boundary; before its puts each batch's ID numbers are handed to
 * jy_store_person_prefetch (PostgreSQL reads them in one query). */
static int writer_run(importer *im, int batch_rows, jy_err *err)
{
    rowchunk *c;
    int rc = 0;
    while ((c = writer_take(im->pipe)) != NULL) {
        for (int i = 0; i < c->n && rc == 0;) {
            if (!im->in_batch) {
                if ((rc = batch_begin(im, err)) != 0) break;
                im->batch_tried = 0;
            }
            int seg = c->n - i;
            if (seg > batch_rows - im->batch_tried) seg = (int)(batch_rows - im->batch_tried);
            if (im->o->kind == JY_IMPORT_PERSONS && seg > 1) {
                const char *ids[CHUNK_ROWS];
                for (int k = 0; k < seg; k++) ids[k] = c->v[i + k].r.p.idcard;
                if ((rc = jy_store_person_prefetch(im->st, ids, (size_t)seg, err)) != 0) break;
            }
            for (int k = 0; k < seg && rc == 0; k++, i++) {
                pend *pd = &c->v[i];
                rc = im->o->kind == JY_IMPORT_PERSONS ? write_person(im, pd, err) : write_org(im, pd, err);
                if (rc) jy_err_prefix2(err, "row %" PRId64 ": ", "第%" PRId64 "行：", pd->row);
                im->batch_tried++;
            }
            if (rc == 0 && im->batch_tried >= batch_rows) rc = batch_commit(im, err);
        }
        if (rc == 0) writer_progress(im, c);
        writer_recycle(im->pipe, c);
        if (rc) return rc;
    }
    return batch_commit(im, err);
}

static int empty_row(importer *im);

/* Reads and validates every row (the reader thread, or the calling thread in a dry run). */
static void read_rows(importer *im)
{
    jy_import_result *res = im->res;
    const jy_import_opts *o = im->o;
    for (;;) {
        if (im->pipe && atomic_load(&im->pipe->stop)) return;
        jy_err cerr;
        int got = jy_rows_next(im->rows, &cerr);
        if (got == 0) break;
        if (got < 0) { /* a broken record: rejected; the rows after it are read when they can be */
            im->row = jy_rows_record_no(im->rows) + 1;
            im->row_errors = 0;
            cell none = {"", 0};
            row_error_e(im, -1, none, &cerr);
            res->stats.rows++;
            res->stats.rejected++;
            /* a stray quote swallowed the lines after it: read on at the next line (a bad row
             * never costs the good ones); anything else: nothing after it lines up */
            if (jy_rows_resume(im->rows)) continue;
            snprintf(res->stopped, sizeof res->stopped, "%s", jy_err_text(&cerr));
            break;
        }
        im->row = jy_rows_record_no(im->rows);
        if (empty_row(im)) continue;
        im->row_errors = 0;
        res->stats.rows++;
        if (o->kind == JY_IMPORT_PERSONS) person_row(im);
        else org_row(im);
        if (im->row_errors) res->stats.rejected++;
        if (!im->pipe && o->progress && res->stats.rows % PROGRESS_EVERY == 0)
            o->progress(o->progress_ctx, &res->stats, 0);
    }
    if (im->tr) res->replaced_bytes = jy_text_reader_replaced(im->tr);
}

static void *reader_main(void *arg)
{
    importer *im = arg;
    read_rows(im);
    reader_close(im);
    return NULL;
}

/* Maps the current record as a header into col[]; returns the number of recognised columns.
 * With commit, also records the column names and the ignored columns. */
static int map_header(importer *im, int *col, int commit)
{
    for (int f = 0; f < F__COUNT; f++) col[f] = -1;
    int known = 0;
    size_t nf = jy_rows_nfields(im->rows);
    for (size_t i = 0; i < nf; i++) {
        size_t n;
        const char *p = jy_rows_field(im->rows, i, &n);
        char key[128];
        header_key(p, n, key, sizeof key);
        int field = -1;
        for (size_t d = 0; d < im->ndefs && field < 0; d++)
            for (size_t k = 0; k < 9 && im->defs[d].names[k]; k++)
                if (strcmp(key, im->defs[d].names[k]) == 0) {
                    field = im->defs[d].field;
                    break;
                }
        if (field >= 0 && col[field] < 0) {
            col[field] = (int)i;
            known++;
            if (commit) {
                cell c = trim(p, n);
                snprintf(im->colname[field], sizeof im->colname[field], "%.*s", (int)c.n, c.p);
            }
            continue;
        }
        if (commit && key[0]) { /* unknown (or a second column for the same field) */
            cell c = trim(p, n);
            jy_sb *ig = &im->res->ignored;
            if (ig->len > 1) jy_sb_appendc(ig, ',');
            jy_sb_json_strn(ig, c.p, c.n);
        }
    }
    return known;
}

static int find_header(importer *im, jy_err *err)
{
    int id_field = im->o->kind == JY_IMPORT_PERSONS ? F_IDCARD : F_USCC;
    int filled = 0; /* rows with something in them */
    for (int i = 0; i < HEADER_SCAN_ROWS; i++) {
        int rc = jy_rows_next(im->rows, err);
        if (rc < 0) return im->xl ? rc : jy_err_prefix2(err, "%s: ", "%s：", im->o->path);
        if (rc == 0) break;
        if (jy_rows_blank(im->rows)) continue;
        filled++;
        int col[F__COUNT];
        int known = map_header(im, col, 0);
        if (known < 2 || (col[id_field] < 0 && known < 3)) continue;
        map_header(im, im->col, 1);
        im->res->header_row = jy_rows_record_no(im->rows);
        jy_sb missing = JY_SB_INIT;
        for (size_t d = 0; d < im->ndefs; d++)
            if (im->defs[d].required && im->col[im->defs[d].field] < 0) {
                if (missing.len) jy_sb_append(&missing, ", ");
                jy_sb_append(&missing, im->defs[d].names[0]);
            }
        if (missing.len) {
            rc = jy_err_set2(err, JY_EINVAL, "import.header_missing",
                             "%1$s: the header row (row %2$" PRId64 ") has no %3$s column; required: %4$s%5$.0s",
                             "%1$s：表头行（第%2$" PRId64 "行）缺少“%3$s”列；必需的列：%5$s%4$.0s",
                             im->o->path, im->res->header_row, jy_sb_cstr(&missing),
                             im->o->kind == JY_IMPORT_PERSONS ? "姓名 and 身份证号 (or 身份证号码, 公民身份号码)"
                                                              : "单位名称 and 统一社会信用代码",
                             im->o->kind == JY_IMPORT_PERSONS ? "姓名和身份证号（或身份证号码、公民身份号码）"
                                                              : "单位名称和统一社会信用代码");
            jy_sb_free(&missing);
            return rc;
        }
        return 0;
    }
    if (!filled && !im->xl) /* an empty file (or only blank lines): say so, not "no header" */
        return jy_err_set2(err, JY_EINVAL, "import.empty_file", "%s: the file is empty (no rows with anything in them)",
                           "%s：文件是空的（没有任何有内容的行）", im->o->path);
    int rc = jy_err_set2(err, JY_EINVAL, "import.no_header",
                        "%s: no header row in the first %d rows: expected a row of column names such as %s", "%s：前%d行中没有表头行：应有一行列名，如 %s",
                        im->o->path, HEADER_SCAN_ROWS,
                        im->o->kind == JY_IMPORT_PERSONS ? "序号, 姓名, 性别, 身份证号, 户籍所在地, 联系电话"
                                                         : "单位名称, 统一社会信用代码, 法定代表人, 联系电话");
    if (err && im->xl && jy_xlsx_sheet_count(im->xl) > 1) { /* name the sheet read and the others */
        size_t len = strlen(err->msg), zlen = strlen(err->zh);
        snprintf(err->msg + len, sizeof err->msg - len, " (read sheet \"%s\"; choose another with --sheet:",
                 jy_xlsx_sheet(im->xl));
        snprintf(err->zh + zlen, sizeof err->zh - zlen, "（读取的是工作表“%s”；可用 --sheet 选择其他工作表：",
                 jy_xlsx_sheet(im->xl));
        for (size_t i = 0; i < jy_xlsx_sheet_count(im->xl); i++) {
            const char *nm = jy_xlsx_sheet_name(im->xl, i);
            if (strcmp(nm, jy_xlsx_sheet(im->xl)) == 0) continue;
            len = strlen(err->msg);
            snprintf(err->msg + len, sizeof err->msg - len, " %s", nm);
            zlen = strlen(err->zh);
            snprintf(err->zh + zlen, sizeof err->zh - zlen, " %s", nm);
        }
        len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, ")");
        zlen = strlen(err->zh);
        snprintf(err->zh + zlen, sizeof err->zh - zlen, "）");
    }
    return rc;
}

/* A row with nothing but a 序号 (an unused template line) or a footnote in the first column. */
static int empty_row(importer *im)
{
    if (jy_rows_blank(im->rows)) return 1;
    for (int f = 0; f < F__COUNT; f++) {
        if (f == F_SEQ || im->col[f] < 0) continue;
        if (get(im, f).n) return 0;
    }
    return 1;
}

void jy_import_result_init(jy_import_result *res)
{
    memset(res, 0, sizeof *res);
    jy_sb_init(&res->ignored);
    jy_sb_appendc(&res->ignored, '[');
}

void jy_import_result_free(jy_import_result *res)
{
    jy_sb_free(&res->ignored);
}

static int open_report(importer *im, jy_err *err)
{
    const jy_import_opts *o = im->o;
    if (o->report_out) {
        im->report = open_memstream(&im->report_mem, &im->report_mem_len);
        if (!im->report) return jy_err_set2(err, JY_ENOMEM, "import.report_open", "cannot open the in-memory error report: %s", "无法打开内存中的错误报告：%s", strerror(errno));
        fputs("\xEF\xBB\xBFrow,column,value,reason\r\n", im->report);
        return 0;
    }
    if (o->report_path) {
        snprintf(im->report_path, sizeof im->report_path, "%s", o->report_path);
        im->report_explicit = 1;
    } else if (strcmp(o->path, "-") == 0) {
        snprintf(im->report_path, sizeof im->report_path, "import.errors.csv");
    } else {
        snprintf(im->report_path, sizeof im->report_path, "%s.errors.csv", o->path);
    }
    im->report = jy_fopen_private(im->report_path, "wb");
    if (!im->report)
        return jy_err_set2(err, JY_EIO, "import.report_write", "cannot write the error report %s: %s (use --report FILE)", "无法写入错误报告 %s：%s（可用 --report FILE 指定）",
                          im->report_path, strerror(errno));
    /* a BOM so that Excel opens the UTF-8 report with its Chinese intact */
    fputs("\xEF\xBB\xBFrow,column,value,reason\r\n", im->report);
    return 0;
}

/* The format to read: as given, else XLSX for .xlsx/.xlsm/.xls names and files starting with
 * the zip ("PK\3\4") or OLE magic (the XLSX reader explains an .xls), else CSV. */
static jy_import_format import_format(const jy_import_opts *o)
{
    if (o->format) return o->format;
    if (o->data) {
        size_t n = strlen(o->path);
        if ((n > 5 && (strcasecmp(o->path + n - 5, ".xlsx") == 0 || strcasecmp(o->path + n - 5, ".xlsm") == 0)) ||
            (n > 4 && strcasecmp(o->path + n - 4, ".xls") == 0))
            return JY_IMPORT_XLSX;
        size_t got = o->data_len < 4 ? o->data_len : 4;
        if (jy_xlsx_sniff(o->data, got) || (got == 4 && memcmp(o->data, "\xD0\xCF\x11\xE0", 4) == 0))
            return JY_IMPORT_XLSX;
        return JY_IMPORT_CSV;
    }
    if (strcmp(o->path, "-") == 0) return JY_IMPORT_CSV;
    size_t n = strlen(o->path);
    if ((n > 5 && (strcasecmp(o->path + n - 5, ".xlsx") == 0 || strcasecmp(o->path + n - 5, ".xlsm") == 0)) ||
        (n > 4 && strcasecmp(o->path + n - 4, ".xls") == 0))
        return JY_IMPORT_XLSX;
    unsigned char magic[4] = {0};
    FILE *f = fopen(o->path, "rb");
    if (!f) return JY_IMPORT_CSV; /* the CSV reader reports the error */
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (jy_xlsx_sniff(magic, got) || (got == 4 && memcmp(magic, "\xD0\xCF\x11\xE0", 4) == 0)) return JY_IMPORT_XLSX;
    return JY_IMPORT_CSV;
}

/* Opens the workbook (from standard input when the path is "-", read whole into memory). */
static int open_xlsx(importer *im, jy_err *err)
{
    jy_xlsx_opts xo;
    memset(&xo, 0, sizeof xo);
    xo.sheet = im->o->sheet;
    if (im->o->data) return jy_xlsx_open_mem(im->o->data, im->o->data_len, &xo, &im->xl, err);
    if (strcmp(im->o->path, "-") != 0) return jy_xlsx_open_file(im->o->path, &xo, &im->xl, err);
    jy_sb buf = JY_SB_INIT;
    char block[65536];
    size_t n;
    while ((n = fread(block, 1, sizeof block, stdin)) > 0) {
        if (buf.len + n > JY_XLSX_MAX_PART) {
            jy_sb_free(&buf);
            return jy_err_set2(err, JY_EINVAL, "import.stdin_too_big", "standard input: a workbook over %llu bytes", "标准输入：工作簿超过%llu字节", (unsigned long long)JY_XLSX_MAX_PART);
        }
        jy_sb_appendn(&buf, block, n);
    }
    if (ferror(stdin)) {
        jy_sb_free(&buf);
        return jy_err_set2(err, JY_EIO, "import.stdin_read", "reading standard input: %s", "读取标准输入出错：%s", strerror(errno));
    }
    size_t len = buf.len;
    im->xl_buf = jy_sb_take(&buf);
    return jy_xlsx_open_mem(im->xl_buf, len, &xo, &im->xl, err);
}

int jy_import_run(jy_store *st, const jy_import_opts *o, jy_import_result *res, jy_err *err)
{
    importer im;
    memset(&im, 0, sizeof im);
    im.st = st;
    im.o = o;
    im.res = res;
    for (int f = 0; f < F__COUNT; f++) im.col[f] = -1;
    jy_sb_init(&im.line);
    pthread_mutex_init(&im.report_mu, NULL);
    im.today = o->today ? o->today : jy_date_today();
    int batch_rows = o->batch_rows > 0 ? o->batch_rows : JY_IMPORT_BATCH_ROWS;
    if (o->kind == JY_IMPORT_PERSONS) {
        im.defs = person_cols;
        im.ndefs = sizeof person_cols / sizeof *person_cols;
    } else {
        im.defs = org_cols;
        im.ndefs = sizeof org_cols / sizeof *org_cols;
    }
    int rc = 0;
    if (!o->divs) {
        rc = jy_err_set2(err, JY_EINVAL, "import.no_divisions", "import: no division table loaded", "导入：未加载行政区划代码表");
        goto done;
    }
    resolver_init(&im.rs, o->divs);

    jy_import_format fmt = import_format(o);
    if (o->sheet && fmt != JY_IMPORT_XLSX) {
        rc = jy_err_set2(err, JY_EINVAL, "import.sheet_csv", "%s: --sheet applies to XLSX workbooks; this file is read as CSV", "%s：--sheet 只用于 XLSX 工作簿；此文件按 CSV 读取", o->path);
        goto done;
    }
    if (fmt == JY_IMPORT_XLSX) {
        if ((rc = open_xlsx(&im, err)) != 0) goto done;
        res->encoding = JY_ENC_UTF8;
        snprintf(res->format, sizeof res->format, "xlsx");
        snprintf(res->sheet, sizeof res->sheet, "%s", jy_xlsx_sheet(im.xl));
        im.rows = jy_rowsrc_xlsx(im.xl);
    } else {
        if ((rc = o->data ? jy_text_reader_open_mem(o->data, o->data_len, o->encoding, &im.tr, err)
                          : jy_text_reader_open_file(o->path, o->encoding, &im.tr, err)) != 0)
            goto done;
        res->encoding = jy_text_reader_encoding(im.tr);
        im.csv = jy_csv_new(jy_text_reader_read_cb, im.tr, o->delim);
        snprintf(res->format, sizeof res->format, "csv");
        im.rows = jy_rowsrc_csv(im.csv);
    }
    if ((rc = find_header(&im, err)) != 0) goto done;
    if (im.csv) res->delim = jy_csv_delim(im.csv);
    if ((rc = open_report(&im, err)) != 0) goto done;

    if (o->dry_run) {
        read_rows(&im);
    } else {
        rowpipe q;
        pipe_init(&q);
        im.pipe = &q;
        pthread_t reader;
        if ((rc = jy_store_bulk(st, 1, err)) != 0) {
            /* nothing started */
        } else if (pthread_create(&reader, NULL, reader_main, &im) != 0) {
            rc = jy_err_set2(err, JY_ENOMEM, "import.thread", "import: cannot start the reader thread", "导入：无法启动读取线程");
        } else {
            rc = writer_run(&im, batch_rows, err);
            if (rc) writer_stop(&q);
            pthread_join(reader, NULL);
        }
        if (im.in_batch) { /* the writer failed inside a batch */
            jy_err e2;
            jy_store_rollback(st, &e2);
            im.in_batch = 0;
        }
        /* back to normal settings and the deferred checkpoint; a failure here costs only
         * speed (the batches are committed, the next commits checkpoint as usual) */
        jy_err be;
        jy_store_bulk(st, 0, &be);
        res->stats.rejected += im.w_rejected;
        im.pipe = NULL;
        pipe_free(&q);
        free(im.cur);
        im.cur = NULL;
        if (rc) goto done;
    }

done:
    if (im.in_batch) {
        jy_err e2;
        jy_store_rollback(st, &e2);
    }
    if (im.report && o->report_out) {
        if (fclose(im.report) != 0 && rc == 0) rc = jy_err_set2(err, JY_ENOMEM, "import.report_mem", "writing the in-memory error report", "写入内存中的错误报告出错");
        if (im.report_mem) jy_sb_appendn(o->report_out, im.report_mem, im.report_mem_len);
        free(im.report_mem);
    } else if (im.report) {
        if (fclose(im.report) != 0 && rc == 0)
            rc = jy_err_set2(err, JY_EIO, "import.report_write2", "writing the error report %s: %s", "写入错误报告 %s 出错：%s", im.report_path, strerror(errno));
        if (res->stats.rejected == 0 && !im.report_explicit) unlink(im.report_path);
        else snprintf(res->report_path, sizeof res->report_path, "%s", im.report_path);
    }
    jy_sb_appendc(&res->ignored, ']');
    if (o->progress) o->progress(o->progress_ctx, &res->stats, 1);
    jy_csv_free(im.csv);
    jy_text_reader_free(im.tr);
    jy_xlsx_free(im.xl);
    free(im.xl_buf);
    resolver_free(&im.rs);
    free(im.dups.v);
    jy_sb_free(&im.line);
    pthread_mutex_destroy(&im.report_mu);
    return rc;
}

void jy_import_result_json(jy_sb *sb, const char *file, const jy_import_result *res)
{
    jy_import_result_json_opts(sb, file, res, 0);
}

void jy_import_result_json_opts(jy_sb *sb, const char *file, const jy_import_result *res,
                                int dry_run)
{
    const jy_import_stats *s = &res->stats;
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "file", file);
    jy_sb_json_kv_i64(sb, "rows", s->rows);
    jy_sb_json_kv_i64(sb, "created", s->created);
    jy_sb_json_kv_i64(sb, "updated", s->updated);
    jy_sb_json_kv_i64(sb, "unchanged", s->unchanged);
    jy_sb_json_kv_i64(sb, "rejected", s->rejected);
    jy_sb_json_kv_str(sb, "report", res->report_path[0] ? res->report_path : NULL);
    jy_sb_json_kv_str(sb, "encoding", jy_encoding_name(res->encoding));
    jy_sb_json_kv_i64(sb, "header_row", res->header_row);
    if (strcmp(res->format, "xlsx") == 0) {
        jy_sb_json_kv_str(sb, "format", "xlsx");
        jy_sb_json_kv_str(sb, "sheet", res->sheet);
    }
    jy_sb_json_key(sb, "ignored_columns");
    jy_sb_append(sb, res->ignored.len ? jy_sb_cstr(&res->ignored) : "[]");
    if (res->replaced_bytes) jy_sb_json_kv_i64(sb, "undecodable_bytes", res->replaced_bytes);
    if (res->stopped[0]) jy_sb_json_kv_str(sb, "stopped", res->stopped);
    if (dry_run) {
        jy_sb_json_kv_bool(sb, "dry_run", 1);
        jy_sb_json_kv_i64(sb, "valid", res->stats.valid);
    }
    jy_sb_appendc(sb, '}');
}
