/* registry.h — adding and showing persons and organisations (人员、单位), shared by the command
 * line (`jiuye person|org add|show`) and the API (/api/v1/persons, /api/v1/orgs), so both check
 * the same things and show the same JSON.
 *
 * The checks name the field they refuse through *field ("idcard", "hukou_division", "phone",
 * "uscc", "division", "bank_account", "kinds" …; the CLI writes them as --options, the API as
 * the JSON field) and the reason in err: a check character that does not match, a division that
 * does not exist, a date that does not exist, a mobile number of the wrong shape. */
#ifndef JY_SERVICE_REGISTRY_H
#define JY_SERVICE_REGISTRY_H

#include "base/err.h"
#include "base/sb.h"
#include "domain/division.h"
#include "store/store.h"

#define JY_REGISTRY_MAX_STATUSES 32
#define JY_REGISTRY_MAX_LICENCES 16

/* Checks idcard (GB 11643: shape, division, birth date, check character) and p's other fields
 * (hukou division known, a mobile number well formed); fills p->idcard (normalised), birth, sex. */
int jy_registry_person_check(const jy_divisions *divs, const char *idcard, jy_person *p, const char **field,
                             jy_err *err);
/* Checks uscc (GB 32100 with its check characters), kinds (at least one), the division, a bank
 * account of digits; fills o->uscc normalised. */
int jy_registry_org_check(const jy_divisions *divs, const char *uscc, jy_org *o, const char **field, jy_err *err);

/* A name (姓名, 单位名称) as the checks above take it: trimmed in place of spaces, tabs, line ends,
 * U+3000 and U+00A0 at either end; JY_EINVAL "registry.name_control" when a control character (a
 * line break, a tab …) is left inside it — a name is one line of text in rosters, bank files and
 * printed forms. A name of nothing but spaces becomes "" (then refused as missing). */
int jy_registry_name_clean(char *name, jy_err *err);
/* Index of the first control character (below U+0020, or U+007F) in s[0..n), or -1. */
long jy_registry_control_at(const char *s, size_t n);

/* Stores a checked person with statuses (or an org with licences) in one transaction: all or
 * nothing. *result: JY_PUT_CREATED / UPDATED / UNCHANGED. */
int jy_registry_person_save(jy_store *st, jy_person *p, jy_person_status *statuses, int n, const char *actor,
                            int *result, jy_err *err);
int jy_registry_org_save(jy_store *st, jy_org *o, jy_licence *licences, int n, const char *actor, int *result,
                         jy_err *err);

/* The person with its "statuses" (masked unless unmasked; privacy.h), and "result" when not
 * NULL; the organisation with its "licences". */
int jy_registry_person_json(jy_sb *sb, jy_store *st, const jy_person *p, const char *result, int unmasked,
                            jy_err *err);
int jy_registry_org_json(jy_sb *sb, jy_store *st, const jy_org *o, const char *result, int unmasked, jy_err *err);

const char *jy_put_result_name(int result); /* "created", "updated", "unchanged" */

#endif
