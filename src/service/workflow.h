/* workflow.h — each programme's workflow as data (policy/workflows.txt, format in that file's
 * header and docs/cases.md): states, the steps between them, the roles allowed to take each
 * step, deadlines in working days (the calendar) or calendar days, publicity periods, and the
 * clause each step comes from. Loaded once; immutable afterwards. */
#ifndef JY_WORKFLOW_H
#define JY_WORKFLOW_H

#include <stddef.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "domain/calendar.h"
#include "store/store.h"

#define JY_WF_NAME 24 /* = jy_case.state, jy_case_event.step */
#define JY_WF_MAX_FROM 6
#define JY_WF_MAX_STEPS 24
#define JY_WF_MAX_DUES 12
#define JY_WF_MAX_PROGRAMS 16

enum jy_wf_flag {
    JY_WF_ELIGIBLE = 1 << 0,         /* refused while the decision is ineligible */
    JY_WF_DURING_PUBLICITY = 1 << 1, /* only up to the publicity's last day */
    JY_WF_AFTER_PUBLICITY = 1 << 2,  /* only after the publicity's last day */
    JY_WF_CONFLICTS = 1 << 3,        /* conflict checks again; hard findings refuse */
    JY_WF_SITE_VISIT = 1 << 4,       /* the reason records the site visit */
    JY_WF_COMMIT = 1 << 5,           /* the decided amount is committed in the fund ledger (a payable) */
    JY_WF_RELEASE = 1 << 6,          /* the case's unpaid commitment is released (cancelled) */
    JY_WF_PAYMENT = 1 << 7,          /* the payment step: taken by `batch mark-paid` when the payable is paid */
    JY_WF_RECOVERY = 1 << 8,         /* 追回: the case's paid money is recovered in the ledger */
    JY_WF_FORM = 1 << 9,             /* the application form is checked again: a missing field refuses */
};

typedef struct jy_wf_step {
    char name[JY_WF_NAME];
    int nfrom;
    char from[JY_WF_MAX_FROM][JY_WF_NAME];
    char to[JY_WF_NAME];
    unsigned roles; /* users.h role bits, JY_ROLE_ANY */
    unsigned flags; /* enum jy_wf_flag */
    int publicity;  /* > 0: the step starts publicity of this many days */
    int publicity_workdays; /* 1: working days, 0: calendar days */
    char clause[128];
    int line;
} jy_wf_step;

typedef struct jy_wf_due {
    char state[JY_WF_NAME];
    int n;
    int workdays;
    char clause[128];
} jy_wf_due;

typedef struct jy_workflow {
    char name[JY_WF_NAME];
    char title[256];
    char start[JY_WF_NAME];
    int nprograms;
    char program[JY_WF_MAX_PROGRAMS][4];  /* "P13" */
    char kind[JY_WF_MAX_PROGRAMS][24];    /* "" = every kind of the programme */
    int nsteps;
    jy_wf_step steps[JY_WF_MAX_STEPS];
    int ndues;
    jy_wf_due dues[JY_WF_MAX_DUES];
} jy_workflow;

typedef struct jy_workflows jy_workflows;

#define JY_WORKFLOWS_FILE "workflows.txt"

/* Loads <policy_dir>/workflows.txt. JY_EIO when it cannot be read, JY_EINVAL "FILE:LINE: reason"
 * when it does not parse (unknown role or flag, a step from a state nothing reaches, …). */
int jy_workflows_load(const char *policy_dir, jy_workflows **out, jy_err *err);
int jy_workflows_parse(const char *text, size_t len, const char *name, jy_workflows **out, jy_err *err);
void jy_workflows_free(jy_workflows *w);

int jy_workflows_count(const jy_workflows *w);
const jy_workflow *jy_workflows_at(const jy_workflows *w, int i);

/* The workflow of a programme's case kind: a line naming the kind wins over a plain programme
 * line. NULL when none serves it. */
const jy_workflow *jy_workflow_for(const jy_workflows *w, const char *program, const char *kind);
/* The step by name, or NULL. */
const jy_wf_step *jy_workflow_step(const jy_workflow *wf, const char *name);
/* Non-zero when step may leave state. */
int jy_wf_step_from(const jy_wf_step *s, const char *state);
/* Appends the names of the steps that may leave state, ", "-separated ("" when terminal). */
void jy_workflow_next_steps(const jy_workflow *wf, const char *state, jy_sb *out);
/* The deadline rule of a state, or NULL. */
const jy_wf_due *jy_workflow_due(const jy_workflow *wf, const char *state);
/* The deadline for leaving a state entered on `from`: the n-th working day counted from `from`
 * (which is the first when it is a working day) for a working-day rule, else from + n calendar
 * days. A working-day count reaching into a year whose holiday calendar is not yet published
 * counts weekends only there and sets *provisional (calendar.h, jy_calendar_nth_workday_prov);
 * else *provisional is 0. JY_ENODATA when the calendar lacks an earlier year. */
int jy_wf_due_date(const jy_wf_due *d, const jy_calendar *cal, jy_date from, jy_date *out, int *provisional,
                   jy_err *err);
/* The last day of a publicity of step s started on `from`: the n-th working day counted from
 * `from`, or from + n - 1 for calendar days (公示5天 = the day it starts and four more);
 * *provisional as for jy_wf_due_date. */
int jy_wf_publicity_end(const jy_wf_step *s, const jy_calendar *cal, jy_date from, jy_date *out, int *provisional,
                        jy_err *err);

/* The workflows as a JSON array (name, title, programs, start, steps, dues). */
void jy_workflows_json(const jy_workflows *w, jy_sb *out);
/* A step's flags as a JSON array of their names (["eligible","commit"]). */
void jy_wf_flags_json(jy_sb *sb, const jy_wf_step *s);

/* ---- money operations (issue 10 item 11): the `operations … end` block of workflows.txt ----
 *   operation NAME roles ROLE[,ROLE…] [not-by OTHER] "clause"
 * says who may take a ledger, batch or payroll operation (ledger_approve, batch_build,
 * payroll_commit, …: docs/ledger.md "Who may do what"); not-by OTHER is the four-eyes rule —
 * whoever took operation OTHER on the same record (built the batch, ran the payroll month) may
 * not take this one. */
#define JY_WF_MAX_OPS 32
typedef struct jy_wf_op {
    char name[JY_WF_NAME];
    unsigned roles;          /* users.h role bits, JY_ROLE_ANY */
    char not_by[JY_WF_NAME]; /* "" or the operation whose takers are excluded */
    char clause[128];
    int line;
} jy_wf_op;

/* The operation by name, or NULL when the file defines none of that name. */
const jy_wf_op *jy_workflows_op(const jy_workflows *w, const char *name);
/* The operations as a JSON array [{"operation","roles","not_by","clause"}]. */
void jy_workflows_ops_json(const jy_workflows *w, jy_sb *out);

/* 0 when actor (jy_actor_resolve: registered, or anyone while no user is) may take operation op
 * on a record of county: one of the operation's roles, an area covering county, and — when the
 * operation is not-by OTHER — not one of the nothers actors in others (those who took OTHER on
 * this record). JY_ECONFLICT otherwise, naming the actor, the operation, the record (text such
 * as "payment batch 3") and what is needed; JY_EINVAL when workflows.txt does not define op
 * (money operations fail closed); JY_ENOTFOUND for an unregistered actor. */
int jy_wf_op_check(const jy_workflows *w, jy_store *st, const char *op, const char *record, const char *actor,
                   const char *county, const char *const *others, size_t nothers, jy_err *err);

/* ---- one source of truth for the API's money permissions (CLI and API agree) ----
 * The API permissions ledger.write, batch.build/approve/export/pay, payroll.run and
 * payroll.review are the operations ledger_budget, batch_*, payroll_run and payroll_review +
 * payroll_commit of the block. jy_wf_money_perms lists the pairs (perms[i], ops[i][0..1], the
 * second NULL when one); jy_wf_op_role_bits is the roles that may take an operation as
 * jy_actor_may decides (admin always; "*" without finance; never the separated roles; 0 for a
 * missing operation: fail closed); jy_wf_perm_roles the roles of perm from the block (1 when
 * perm is one of them, 0 when not a money permission, JY_EINVAL "perm.ops_disagree" when its two
 * operations name different roles); jy_wf_ops_bind_perms binds them all into the permission
 * table (users.h jy_perm_bind_roles) — `jiuye serve` does at start-up, before its threads, so a
 * route's 403 and the CLI's refusal come from the same lines of the file. */
size_t jy_wf_money_perms(int *perms, const char *(*ops)[2], size_t cap);
unsigned jy_wf_op_role_bits(const jy_wf_op *o);
int jy_wf_perm_roles(const jy_workflows *w, int perm, unsigned *roles, jy_err *err);
int jy_wf_ops_bind_perms(const jy_workflows *w, jy_err *err);

#endif
