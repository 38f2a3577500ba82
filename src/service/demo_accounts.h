/* demo_accounts.h — one login account per role for the demo county (演示账户; issue 12), so a
 * newcomer can see every role's pages in a minute: `jiuye demo --accounts FILE` (and `make run`).
 *
 * Each account gets a generated password (20 characters, jy_auth_password_generate) that is
 * stored only as its argon2id hash in the database, like any password, and handed back here once
 * for the caller to show (the CLI writes it to FILE, mode 0600, and nowhere else). Unlike an
 * administrator's reset, a demo password need not be changed at the first login (the demo is for
 * looking around; the forced change is shown by accounts made with `jiuye user add`). The roles
 * that need a second factor (admin, finance, auditor, security, sysadmin) are enrolled in TOTP,
 * which needs the deployment key file (JIUYE_KEY_FILE); their secret is handed back too.
 *
 * Accounts: demo-admin (everywhere), demo-county (the county), demo-city (the city),
 * demo-town (the county's first township), demo-body / demo-employer / demo-station (the first
 * organisation of that kind, an employer when there is no station), demo-applicant (the first
 * person of demo-town's township), demo-finance, demo-auditor, demo-sysadmin and, last because
 * the administrator loses account powers to it (三员分立), demo-security. */
#ifndef JY_DEMO_ACCOUNTS_H
#define JY_DEMO_ACCOUNTS_H

#include <stdint.h>

#include "base/err.h"
#include "domain/division.h"
#include "service/auth.h"
#include "store/store.h"

typedef struct jy_demo_account {
    char role[32];        /* "county_reviewer" */
    char label[32];       /* "县级审核" */
    char name[64];        /* "demo-county" */
    char password[32];    /* the generated password (only here and, hashed, in the database) */
    char totp_secret[64]; /* base32, for the roles with a second factor; "" otherwise */
    char area[13];
    int64_t org_id, person_id;
} jy_demo_account;

#define JY_DEMO_ACCOUNTS 12

/* Creates the accounts into out[0..*n) as `actor` (the demo's administrator, or bootstrap).
 * JY_ECONFLICT when demo-admin exists already (made once, on a fresh demo database); JY_EIO /
 * JY_EINVAL from the key file when a second-factor role cannot be enrolled; JY_ENOTFOUND when the
 * county has no township, organisation or person to bind an account to (run `jiuye demo` first). */
int jy_demo_accounts(jy_auth *a, jy_store *st, const jy_divisions *divs, const char *county, const char *actor,
                     jy_demo_account out[JY_DEMO_ACCOUNTS], int *n, jy_err *err);

#endif
