/* users.h — users, roles and permissions (用户、角色与权限): who may do what, where (issues 5, 11).
 *
 * A user has one role and an area (a division prefix: "640522" one county, "6405" the city,
 * "640522101" a township, "" everywhere), and may speak for an organisation (org_id: a training
 * body's or employer's login) or a person (person_id: an applicant's). docs/security.md has the
 * table of roles and permissions and the reasons.
 *
 * Two ways of asking:
 *  - the workflow (issue 5): a step names the roles allowed to take it (policy/workflows.txt);
 *    jy_actor_resolve + jy_actor_may answer for the command line;
 *  - every HTTP route (issue 11): jy_perm_check(principal, permission, record) — the role must
 *    hold the permission, the record must lie in the user's area and, for the roles that act for
 *    an organisation or a person (training body, employer, station, applicant), belong to it.
 *
 * Three-way separation (三员分立, MLPS level 3): the security administrator (安全管理员: accounts
 * and roles), the auditor (审计管理员: reads and verifies the audit and access logs, changes
 * nothing) and the system administrator (系统管理员: configuration and backups, no business
 * data) are three roles; an account holds one role, and an account never moves into, out of or
 * between these three (jy_role_change_check). The business administrator (admin, 业务管理员)
 * holds every business permission; it holds a separated role's powers only while no account of
 * that role exists (bootstrap: the first administrator registers the others), and loses them
 * for good as soon as one does.
 *
 * Bootstrap: while no user is registered, the actor of a command is treated as admin (a fresh
 * database must be usable to register its first users); once one user exists, every actor must
 * be registered. */
#ifndef JY_USERS_H
#define JY_USERS_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

enum jy_role {
    JY_ROLE_ADMIN = 0,
    JY_ROLE_COUNTY_REVIEWER, /* 县人社局审核人员 */
    JY_ROLE_CITY_REVIEWER,   /* 市人社局审核人员 */
    JY_ROLE_TOWNSHIP_STAFF,  /* 乡镇（街道）工作人员 */
    JY_ROLE_TRAINING_BODY,   /* 培训机构 */
    JY_ROLE_EMPLOYER,        /* 用人单位 / 实习见习单位 */
    JY_ROLE_APPLICANT,       /* 申请人（个人、经纪人、申报单位） */
    JY_ROLE_STATION,         /* 零工驿站运营方 */
    /* issue 11: */
    JY_ROLE_FINANCE,         /* 财务: budgets, payment batches and payments */
    JY_ROLE_AUDITOR,         /* 审计管理员: audit and access logs, read only */
    JY_ROLE_SECURITY,        /* 安全管理员: accounts and roles */
    JY_ROLE_SYSADMIN,        /* 系统管理员: configuration and backups, no business data */
    JY_ROLE__COUNT
};
#define JY_ROLE_ANY (1u << 31) /* "*" in a workflow: any registered user of a business role */
/* The three separated roles (三员) and the roles that must pass a second factor. */
#define JY_ROLES_SEPARATED ((1u << JY_ROLE_AUDITOR) | (1u << JY_ROLE_SECURITY) | (1u << JY_ROLE_SYSADMIN))
#define JY_ROLES_SECOND_FACTOR                                                                            \
    ((1u << JY_ROLE_ADMIN) | (1u << JY_ROLE_FINANCE) | (1u << JY_ROLE_AUDITOR) | (1u << JY_ROLE_SECURITY) | \
     (1u << JY_ROLE_SYSADMIN))
/* Roles that act for one organisation (org_id) or person (person_id) and see only what is theirs. */
#define JY_ROLES_OWNER_BOUND                                                                             \
    ((1u << JY_ROLE_TRAINING_BODY) | (1u << JY_ROLE_EMPLOYER) | (1u << JY_ROLE_APPLICANT) | \
     (1u << JY_ROLE_STATION))

const char *jy_role_name(int role);  /* "county_reviewer" … */
const char *jy_role_label(int role); /* "县级审核" … */
/* English name or Chinese label → role; JY_EINVAL naming the known roles otherwise. */
int jy_role_parse(const char *s, int *role, jy_err *err);
/* "a,b,c" or "*" → bit set (1u << role, JY_ROLE_ANY). */
int jy_roles_parse(const char *list, unsigned *roles, jy_err *err);
/* Appends the role names of a bit set, separated by sep ("county_reviewer or admin"). */
void jy_roles_text(jy_sb *sb, unsigned roles, const char *sep);
/* "" or a division prefix of 2, 4, 6, 9 or 12 digits; JY_EINVAL naming the value otherwise. */
int jy_area_check(const char *area, jy_err *err);

/* ---- the principal: who is asking (a session's user, or the command line's --as) ---- */
typedef struct jy_principal {
    int64_t user_id;        /* 0 in bootstrap (no user registered yet) */
    char name[64];
    int role;               /* enum jy_role */
    char area[13];          /* division prefix, "" = everywhere */
    int64_t org_id;         /* the organisation the account speaks for, 0 none */
    int64_t person_id;      /* the person the account speaks for, 0 none */
    int must_change;        /* the password was set by an administrator: change it first */
    int second_factor_required;
    int second_factor_done; /* 1 once the code was verified (always 1 on the command line) */
    unsigned roles_present; /* bit (1u << role) for each role some account holds */
    int bootstrap;          /* 1: no user registered yet, treated as admin */
    /* session (0 / empty on the command line) */
    int64_t session_id;
    int64_t session_created, session_last_seen;
    unsigned char csrf_hash[32]; /* SHA-256 of the session's CSRF token */
} jy_principal;

/* The command line's principal for --as NAME: the registered user (the operating-system account
 * that can run jiuye against this database is its authentication: second factor counted as
 * done, no password change asked), or admin in bootstrap. JY_ENOTFOUND ("user X is not
 * registered: …") when users exist and X is not one of them. */
int jy_principal_for_actor(jy_store *st, const char *name, jy_principal *out, jy_err *err);
/* roles_present from the roles the store's accounts hold. */
int jy_roles_present(jy_store *st, unsigned *present, jy_err *err);

/* ---- permissions ---- */
enum jy_perm {
    JY_PERM_PERSON_READ = 0,     /* person.read: the registry, masked */
    JY_PERM_PERSON_READ_UNMASKED,/* person.read_unmasked: ID numbers, bank cards, phones whole */
    JY_PERM_PERSON_WRITE,        /* person.write: add, edit, statuses, import of persons */
    JY_PERM_ORG_READ,            /* org.read */
    JY_PERM_ORG_WRITE,           /* org.write: add, edit, licences */
    JY_PERM_IMPORT_RUN,          /* import.run: roster upload */
    JY_PERM_POLICY_READ,         /* policy.read: programmes, parameters, clauses */
    JY_PERM_POLICY_EVAL,         /* policy.eval: eval and explain on given facts */
    JY_PERM_POLICY_REDECIDE,     /* policy.redecide: re-decide open cases under a rule version (dry run, commit) */
    JY_PERM_CASE_READ,           /* case.read */
    JY_PERM_CASE_FILE,           /* case.file: a new application or claim */
    JY_PERM_CASE_STEP,           /* case.step: a workflow step (the step's roles decide further) */
    JY_PERM_PLACEMENT_READ,      /* placement.read */
    JY_PERM_PLACEMENT_WRITE,     /* placement.write: start, end, recover */
    JY_PERM_ATTENDANCE_WRITE,    /* attendance.write */
    JY_PERM_PAYROLL_RUN,         /* payroll.run */
    JY_PERM_PAYROLL_REVIEW,      /* payroll.review */
    JY_PERM_LEDGER_READ,         /* ledger.read */
    JY_PERM_LEDGER_WRITE,        /* ledger.write: budgets */
    JY_PERM_BATCH_READ,          /* batch.read */
    JY_PERM_BATCH_BUILD,         /* batch.build */
    JY_PERM_BATCH_APPROVE,       /* batch.approve (a second person: payment.c) */
    JY_PERM_BATCH_EXPORT,        /* batch.export: the bank file */
    JY_PERM_BATCH_PAY,           /* batch.pay: mark paid / failed, retry */
    JY_PERM_REPORT_READ,         /* report.read */
    JY_PERM_AUDIT_READ,          /* audit.read: the audit log */
    JY_PERM_AUDIT_VERIFY,        /* audit.verify: the chain */
    JY_PERM_ACCESS_LOG_READ,     /* access_log.read: who saw personal data unmasked */
    JY_PERM_USER_READ,           /* user.read: accounts (never their secrets) */
    JY_PERM_USER_MANAGE,         /* user.manage: add, roles, passwords, locks, second factor */
    JY_PERM_BACKUP_RUN,          /* backup.run */
    JY_PERM_CONFIG_MANAGE,       /* config.manage: server settings */
    JY_PERM_SYSTEM_STATUS,       /* system.status: health, version, schema */
    JY_PERM__COUNT
};

const char *jy_perm_name(int perm); /* "person.read" … */
int jy_perm_parse(const char *name, int *perm, jy_err *err);
/* The roles that hold perm (bits), before the administrator's fallback: the compiled table, or
 * for the money permissions (ledger.write, batch.*, payroll.*) the roles bound from the
 * operations block of policy/workflows.txt (workflow.h jy_wf_ops_bind_perms). */
unsigned jy_perm_roles(int perm);
/* The compiled table's roles, whatever is bound. */
unsigned jy_perm_roles_compiled(int perm);
/* Binds perm's roles (process-wide; call at start-up, before threads: `jiuye serve`), and
 * forgets every binding (tests). */
void jy_perm_bind_roles(int perm, unsigned roles);
void jy_perm_unbind_all(void);
/* The separated role whose powers perm is (admin holds it only while no account of that role
 * exists), or -1. */
int jy_perm_fallback_role(int perm);
/* 1 when perm is about records of an area (checked against the record); 0 when global
 * (audit, backups, configuration). */
int jy_perm_is_scoped(int perm);

/* The record a request touches: its area (the finest division known: a person's 户籍 code, a
 * case's subject division, an organisation's registration division; "" unknown), the
 * organisation and person it belongs to (0: none). */
typedef struct jy_perm_target {
    const char *area;
    int64_t org_id;
    int64_t person_id;
} jy_perm_target;

/* 0 when p may use perm on the record t. t NULL means a collection (a list or a new record not
 * yet placed): only the role is checked, and the caller restricts the list to p's area and, for
 * owner-bound roles, to what p owns (the store's scope, the filters' org/person).
 * JY_EAUTH: no principal, or its second factor is pending. JY_EDENIED with the reason: the
 * password must be changed first; the role lacks perm; the record lies outside p's area (a
 * record whose area is unknown or coarser than p's area counts as outside); an owner-bound role
 * and a record not its own. */
int jy_perm_check(const jy_principal *p, int perm, const jy_perm_target *t, jy_err *err);
/* 1 when p's role holds perm (with the administrator's fallback); no record, no session state. */
int jy_role_holds(const jy_principal *p, int perm);

/* 三员分立: 0 when an account may go from role `from` (-1: a new account) to `to`; JY_EDENIED
 * naming the rule otherwise. by is who asks (a principal may never change its own role). */
int jy_role_change_check(const jy_principal *by, const char *account, int from, int to, jy_err *err);

/* ---- the workflow's actor (issue 5) ---- */
typedef struct jy_actor {
    jy_user user;    /* the registered user (name only in bootstrap mode) */
    int role;        /* enum jy_role */
    int bootstrap;   /* 1: no user registered yet, treated as admin */
} jy_actor;

/* Looks the actor up. JY_ENOTFOUND ("user X is not registered: jiuye user add …") when users
 * exist and X is not one of them. */
int jy_actor_resolve(jy_store *st, const char *name, jy_actor *out, jy_err *err);

/* 0 when the actor may act with one of roles on a record of county (6 digits or a finer
 * division); JY_ECONFLICT naming the actor's role, the roles allowed and what was attempted
 * otherwise. admin may take every step; the separated roles (auditor, security, sysadmin) none,
 * not even a "*" step; finance only the steps that name it. */
int jy_actor_may(const jy_actor *a, unsigned roles, const char *county, const char *what, jy_err *err);

#endif
