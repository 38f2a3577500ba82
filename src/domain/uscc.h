/* 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from
 * 0-9 A-H J-N P-R T U W-Y (no I O Z S V):
 *   1     registration authority (登记管理部门): 1 机构编制, 5 民政, 9 工商, Y 其他 …
 *   2     organisation type within that authority (9 1 = 企业, 9 2 = 个体工商户, 9 3 = 农民专业合作社 …)
 *   3-8   division code of the registering authority (GB/T 2260; 100000 for national level)
 *   9-17  organisation code (组织机构代码, GB 11714) with its own MOD 11 check as the 9th char
 *   18    check character: weights 1,3,9,…,28 (3^i mod 31), 31 - sum % 31 (31 → 0).
 *
 * Lower-case letters are accepted and normalised to upper case; full-width characters are
 * rejected naming the character. A wrong embedded organisation-code check character does not
 * make the code invalid (orgcode_ok = 0 is reported as a warning; see docs/domain.md). */
#ifndef JY_USCC_H
#define JY_USCC_H

#include <stddef.h>

#include "base/err.h"
#include "domain/division.h"

typedef struct jy_uscc {
    char code[19];          /* normalised, upper case */
    char division[7];       /* characters 3-8 */
    char orgcode[10];       /* characters 9-17 */
    const char *authority;  /* "工商", "民政", … (static string) */
    const char *type;       /* "企业", "个体工商户", … (static string) */
    int orgcode_ok;         /* 1 when the embedded GB 11714 check character is right */
} jy_uscc;

/* The check character for the first 17 characters (upper case, from the alphabet), or '\0'
 * when first17 has a character outside the alphabet. */
char jy_uscc_check_char(const char *first17);
/* The GB 11714 check character ('0'-'9' or 'X') of an 8-character organisation-code body
 * (0-9, A-Z), or '\0' when a character is outside 0-9A-Z. Generators use it for chars 9-17. */
char jy_uscc_orgcode_check_char(const char *body8);

/* Checks a NUL-terminated code. divs (may be NULL) is used to check that the province of the
 * division part exists. Returns 0 and fills out (may be NULL), or JY_EINVAL with the reason. */
int jy_uscc_check(const char *s, const jy_divisions *divs, jy_uscc *out, jy_err *err);
int jy_uscc_check_n(const char *s, size_t n, const jy_divisions *divs, jy_uscc *out, jy_err *err);

#endif
