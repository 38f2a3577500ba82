/* Administrative division codes (行政区划代码, GB/T 2260; township level per the NBS statistical
 * division codes 统计用区划代码) as data loaded at run time from <policy_dir>/divisions.tsv.
 *
 * Codes are strings of digits: 6 digits for province (pp0000), prefecture (ppcc00) and county
 * (ppccdd) levels, 9 digits for township level (ppccddttt). The table also keeps former codes
 * (former = 1): abolished or renumbered divisions that still appear on identity cards issued
 * before the change. The parent of a code is its 6-digit prefix (township), ppcc00 when that is
 * in the table or else pp0000 (county), pp0000 (prefecture).
 *
 * A jy_divisions is immutable after loading and may be shared between threads. Pointers it hands
 * out live until jy_divisions_free. */
#ifndef JY_DIVISION_H
#define JY_DIVISION_H

#include <stddef.h>

#include "base/err.h"
#include "base/sb.h"

typedef enum jy_division_level {
    JY_DIV_PROVINCE = 1,   /* 省级: 省, 自治区, 直辖市, 特别行政区 */
    JY_DIV_PREFECTURE = 2, /* 地级: 地级市, 地区, 自治州, 盟 */
    JY_DIV_COUNTY = 3,     /* 县级: 市辖区, 县, 县级市, 旗 … */
    JY_DIV_TOWNSHIP = 4,   /* 乡级: 镇, 乡, 街道, other township-level units */
} jy_division_level;

typedef struct jy_division {
    const char *code;       /* "640522" or "640522100" */
    const char *name;       /* "海原县" */
    jy_division_level level;
    const char *kind;       /* the file's kind column: "县", "镇", "乡", "其他" … ("" if none) */
    int former;             /* 1: no longer in use, kept for old identity cards */
    const char *note;       /* free text from the file ("" if none) */
} jy_division;

typedef struct jy_divisions jy_divisions;

#define JY_DIVISIONS_FILE "divisions.tsv"

/* Loads <policy_dir>/divisions.tsv. On a malformed line fails with JY_EINVAL and a message
 * "FILE:LINE: reason"; a missing file is JY_EIO. */
int jy_divisions_load(const char *policy_dir, jy_divisions **out, jy_err *err);
int jy_divisions_load_file(const char *path, jy_divisions **out, jy_err *err);
void jy_divisions_free(jy_divisions *d);

size_t jy_divisions_count(const jy_divisions *d);
const jy_division *jy_divisions_at(const jy_divisions *d, size_t i); /* sorted by code */

/* The entry for code (6 or 9 digits; a 12-digit code ending in "000" is read as its 9-digit
 * form), or NULL when the table does not know it. */
const jy_division *jy_division_find(const jy_divisions *d, const char *code);
const jy_division *jy_division_find_n(const jy_divisions *d, const char *code, size_t n);
int jy_division_is_known(const jy_divisions *d, const char *code);
/* Name of code, or NULL when unknown. */
const char *jy_division_name(const jy_divisions *d, const char *code);
/* The parent entry (see the file comment), or NULL for a province or an unknown code. */
const jy_division *jy_division_parent(const jy_divisions *d, const char *code);
/* Fills out[0..max) with the direct children of code in code order (former ones included;
 * check ->former) and returns how many children there are in all (may exceed max). */
size_t jy_division_children(const jy_divisions *d, const char *code, const jy_division **out,
                            size_t max);
/* Appends the full name from the province down ("宁夏回族自治区中卫市海原县"); returns 0, or
 * JY_ENOTFOUND when code is unknown (nothing appended). */
int jy_division_full_name(const jy_divisions *d, const char *code, jy_sb *sb);
/* 1 when the two-digit province prefix (e.g. "64") belongs to a province-level division in the
 * table. */
int jy_division_province_known(const jy_divisions *d, const char *two_digits);

#endif
