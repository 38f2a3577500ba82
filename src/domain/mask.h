/* mask.h — masking (脱敏) of personal data for display: ID numbers, bank and social security
 * card numbers, telephone numbers, names on published lists, and the disability status.
 *
 * Forms (docs/privacy.md):
 *   ID number (身份证号)          640522199001011234 → 640522********1234 (first 6, last 4: the
 *                                  county stays readable, the birth date and sequence do not)
 *   bank / social security card   6217000010000000011 → 6217***********0011 (first 4, last 4, one
 *                                  '*' per hidden digit, no spaces: a masked number keeps its
 *                                  length, so a column of them still lines up and a CSV cell
 *                                  stays one token)
 *   telephone (联系电话)           13912345678 → 139****5678; any number of 8 or more digits hides
 *                                  the 4 digits before its last 4 (0954-4012345 → 095*-***2345)
 *   birth date (出生日期)          1990-01-01 → 1990-**-** (the year stays: with the date, the
 *                                  masked ID number's hidden digits would be known)
 *   name on a publicity list       张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜
 *   disability status / grade     *** (JY_MASK_HIDDEN)
 *
 * Every function here is pure (no store, no I/O) and idempotent: masking a masked value
 * changes nothing. Masks of ID, card and mobile numbers keep the length of the value. */
#ifndef JY_MASK_H
#define JY_MASK_H

#include <stddef.h>

#include "base/sb.h"

#define JY_MASK_HIDDEN "***"

/* Each writes the masked form of in into out (capacity cap ≥ 1, always NUL-terminated; the
 * masks keep the length of in, so cap = strlen(in) + 1 suffices; a value longer than that is
 * written as cap - 1 '*'). */
void jy_mask_idcard(const char *in, char *out, size_t cap);
void jy_mask_bankcard(const char *in, char *out, size_t cap);
void jy_mask_phone(const char *in, char *out, size_t cap);
/* The digits after the first 4 characters (the year). */
void jy_mask_birth(const char *in, char *out, size_t cap);
/* UTF-8 characters: the first and (from three characters on) the last are kept. */
void jy_mask_name(const char *in, char *out, size_t cap);

/* 1 when s is a disability status or fact value that is shown as JY_MASK_HIDDEN:
 * "disability", "disabled", "disability_grade_1_2", "残疾人" (jy_status_kind_name/label and
 * the policy facts of docs/facts.md). */
int jy_mask_is_disability(const char *s, size_t n);

/* Free text: appends s[0..n) to out with every identifier-shaped token masked. A token is a
 * maximal run of ASCII letters and digits (so a number inside a hex hash or a USCC is not one):
 *   18 characters, 17 digits then a digit or X          → ID number
 *   16 to 19 digits                                      → card number (bank cards, social
 *     security cards); other lengths are left to their keys: a 15-digit licence or old business
 *     registration number is not personal, nor is the audit chain's genesis hash of 64 zeros
 *   11 digits 1[3-9]…, or 13 digits 861[3-9]…             → mobile number
 * Everything else is copied as it is. */
void jy_mask_text(jy_sb *out, const char *s, size_t n);

/* JSON text (an object, array or JSON lines): appends s[0..n) to out with the string values
 * masked by their key — idcard / id_number → ID; account, bank_account, sscard, card, card_no →
 * card; phone, mobile, tel → telephone; birth, birth_date, birthday → year only; in an object whose "kind" is "disability" the kind,
 * "label" and "detail" become "***"; any value that jy_mask_is_disability → "***" — and every
 * other string value by jy_mask_text's rules (JSON escapes count as separators). Keys, numbers
 * and structure are copied unchanged. Text that is not JSON is still handled: quoted parts as
 * values, the rest copied. */
void jy_mask_json(jy_sb *out, const char *s, size_t n);

#endif
