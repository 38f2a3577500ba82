/* payroll.c — monthly payroll runs, the review of held lines, and recovery (追回) of a voided
 * placement's pay (payroll.h). The run reads the month's placements and attendance in one
 * query, re-checks the placements' conflicts in one call, evaluates each claim kind as one
 * batch over columns (jy_policy_eval_columns), and writes the lines and payables in one
 * transaction. */
#include "service/payroll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/conflict.h"
#include "service/idempotency.h"
#include "service/ledger.h"
#include "service/workflow.h"
#include "store/ledger_guard.h"

/* ---------------------------------------------------------------- loading */

typedef struct srcs {
    jy_payroll_src *v;
    size_t n, cap;
    int oom;
} srcs;

static int on_src(void *ctx, const jy_payroll_src *s)
{
    srcs *S = ctx;
    if (S->n == S->cap) {
        size_t cap = S->cap ? S->cap * 2 : 64;
        jy_payroll_src *nv = realloc(S->v, cap * sizeof *nv);
        if (!nv) {
            S->oom = 1;
            return 1;
        }
        S->v = nv;
        S->cap = cap;
    }
    S->v[S->n++] = *s;
    return 0;
}

/* An existing line of the run, kept for the comparison. */
typedef struct old_line {
    int64_t placement_id;
    int claim;
    int64_t id, payable_id, amount;
    char status[12], payable_status[12], ruleset[24];
    char *facts;
} old_line;

typedef struct olds {
    old_line *v;
    size_t n, cap;
    int oom;
} olds;

static int on_old(void *ctx, const jy_payroll_line *l)
{
    olds *O = ctx;
    if (O->n == O->cap) {
        size_t cap = O->cap ? O->cap * 2 : 64;
        old_line *nv = realloc(O->v, cap * sizeof *nv);
        if (!nv) {
            O->oom = 1;
            return 1;
        }
        O->v = nv;
        O->cap = cap;
    }
    old_line *o = &O->v[O->n];
    memset(o, 0, sizeof *o);
    o->placement_id = l->placement_id;
    o->claim = l->claim;
    o->id = l->id;
    o->payable_id = l->payable_id;
    o->amount = l->amount;
    memcpy(o->status, l->status, sizeof o->status);
    memcpy(o->payable_status, l->payable_status, sizeof o->payable_status);
    memcpy(o->ruleset, l->ruleset, sizeof o->ruleset);
    o->facts = strdup(l->facts ? l->facts : "");
    if (!o->facts) {
        O->oom = 1;
        return 1;
    }
    O->n++;
    return 0;
}

static int old_cmp(const void *a, const void *b)
{
    const old_line *x = a, *y = b;
    if (x->placement_id != y->placement_id) return x->placement_id < y->placement_id ? -1 : 1;
    return (x->claim > y->claim) - (x->claim < y->claim);
}

static old_line *old_find(olds *O, int64_t placement_id, int claim)
{
    old_line key = {.placement_id = placement_id, .claim = claim};
    return O->n ? bsearch(&key, O->v, O->n, sizeof *O->v, old_cmp) : NULL;
}

static void olds_free(olds *O)
{
    for (size_t i = 0; i < O->n; i++) free(O->v[i].facts);
    free(O->v);
}

typedef struct ids {
    int64_t *v;
    size_t n, cap;
    int oom;
} ids;

static int ids_push(ids *I, int64_t x)
{
    if (I->n == I->cap) {
        size_t cap = I->cap ? I->cap * 2 : 64;
        int64_t *nv = realloc(I->v, cap * sizeof *nv);
        if (!nv) {
            I->oom = 1;
            return 1;
        }
        I->v = nv;
        I->cap = cap;
    }
    I->v[I->n++] = x;
    return 0;
}

static int on_settled(void *ctx, const jy_payroll_line *l)
{
    return ids_push(ctx, l->placement_id);
}

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ---------------------------------------------------------------- the run */

enum { F_MONTH_INDEX, F_DAYS_ON_DUTY, F_PERSONAL, F_SICK, F_CERT, F_CONTRACT, F_FINAL, F_MONTHS_IN_POST,
       F_WORKING_DAYS, F_SI_PAID, F_SI_MONTHS, F__N };
static const char *const fact_names[F__N] = {
    "month_index",      "days_on_duty",   "personal_leave_days", "sick_leave_days",         "sick_certificate",
    "contract_with_host", "final_month",  "months_in_post",      "working_days",            "flexible_insurance_paid",
    "insured_months"};
static const int fact_money[F__N] = {[F_SI_PAID] = 1};
static const int fact_bool[F__N] = {[F_CERT] = 1, [F_CONTRACT] = 1, [F_FINAL] = 1};

typedef struct run_ctx {
    jy_cases *cs;
    const char *actor;
    const char *county;
    const char *program;
    const char *month;
    jy_month m;
    int year;
    jy_payroll_run run;
    olds old;
    char **hold;       /* per source: the hard conflicts' reasons (JSON array text), or NULL */
    int provisional;   /* the month's working days are provisional (its year's calendar is not
                          published: weekends only, calendar.h): every payable line is held */
    long n_lines, n_approved, n_held, n_refused, n_unchanged, n_kept_paid, n_replaced, n_uncommitted;
    jy_fen approved_amount, uncommitted_amount;
    struct pend *pend; /* new lines not written yet (flush_pending) */
    size_t npend, cappend;
} run_ctx;

/* A new line of the run waiting for the bulk write (its money is committed later, by
 * jy_payroll_commit). */
typedef struct pend {
    jy_payroll_line l; /* facts and decision_json owned */
} pend;

/* New lines are written PEND_MAX at a time (jy_store_payroll_lines_add_bulk). */
#define PEND_MAX 2000

static const char *claim_label(int claim)
{
    return claim == JY_CLAIM_SETTLING_IN ? "一次性安家费" : claim == JY_CLAIM_SOCIAL_INSURANCE ? "社会保险补贴" : "月度补贴";
}

/* The payable of a line's amount (payee the placed person). */
static void payable_of(const run_ctx *R, const jy_payroll_src *s, int claim, jy_fen amount, jy_payable *out)
{
    jy_payable p;
    memset(&p, 0, sizeof p);
    snprintf(p.county, sizeof p.county, "%s", R->county);
    snprintf(p.program, sizeof p.program, "%s", R->program);
    p.year = R->year;
    snprintf(p.month, sizeof p.month, "%s", R->month);
    p.case_id = s->case_id;
    p.payee_kind = JY_PAYEE_PERSON;
    p.person_id = s->person_id;
    p.amount = amount;
    /* the monthly allowance is the programme's main payment of the month (claim ""); the rules'
     * other claims name themselves, so each is one payable per person and month */
    if (claim != JY_CLAIM_MONTHLY) snprintf(p.claim, sizeof p.claim, "%s", jy_payroll_claim_name(claim));
    snprintf(p.memo, sizeof p.memo, "%s %s %s（安置 %lld）", R->program, R->month, claim_label(claim),
             (long long)s->placement_id);
    *out = p;
}

/* Approves a payable for the line's amount; *payable_id filled. */
static int approve_payable(run_ctx *R, const jy_payroll_src *s, int claim, jy_fen amount, int64_t *payable_id,
                           jy_err *err)
{
    jy_payable p;
    payable_of(R, s, claim, amount, &p);
    int rc = jy_ledger_approve(R->cs->st, &p, -1, R->actor, err);
    if (rc) return jy_err_prefix2(err, "placement %lld (%s) %s %s: ", "岗位安置 %lld（%s）%s %s：", (long long)s->placement_id, s->idcard,
                                 jy_payroll_claim_name(claim), R->month);
    *payable_id = p.id;
    return 0;
}

static void pend_free(run_ctx *R)
{
    for (size_t i = 0; i < R->npend; i++) {
        free((char *)R->pend[i].l.facts);
        free((char *)R->pend[i].l.decision_json);
    }
    R->npend = 0;
}

/* Writes the pending new lines in one bulk call (jy_store_payroll_lines_add_bulk, without
 * payables: the run proposes, jy_payroll_commit commits). */
static int flush_pending(run_ctx *R, jy_err *err)
{
    if (R->npend == 0) return 0;
    size_t n = R->npend;
    jy_payroll_line *lines = malloc(n * sizeof *lines);
    jy_payable **pays = calloc(n, sizeof *pays);
    int rc = 0;
    if (!lines || !pays) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (size_t i = 0; i < n; i++) lines[i] = R->pend[i].l;
    rc = jy_store_payroll_lines_add_bulk(R->cs->st, lines, pays, n, R->actor, err);
done:
    free(lines);
    free(pays);
    pend_free(R);
    return rc;
}

/* Queues a new line for flush_pending. */
static int pend_push(run_ctx *R, const jy_payroll_line *l, jy_err *err)
{
    if (R->npend == R->cappend) {
        size_t cap = R->cappend ? R->cappend * 2 : 256;
        pend *nv = realloc(R->pend, cap * sizeof *nv);
        if (!nv) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        R->pend = nv;
        R->cappend = cap;
    }
    pend *q = &R->pend[R->npend];
    memset(q, 0, sizeof *q);
    q->l = *l;
    q->l.facts = strdup(l->facts ? l->facts : "{}");
    q->l.decision_json = strdup(l->decision_json ? l->decision_json : "null");
    if (!q->l.facts || !q->l.decision_json) {
        free((char *)q->l.facts);
        free((char *)q->l.decision_json);
        return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    }
    R->npend++;
    return R->npend >= PEND_MAX ? flush_pending(R, err) : 0;
}

/* Sets a computed line's status from its outcome — approved (eligible with an amount), refused
 * (ineligible) or held (anything else: needs review) — and counts it in the run's totals. */
static void line_status(run_ctx *R, int outcome, jy_payroll_line *l)
{
    if (outcome == JY_ELIGIBLE && l->amount > 0) {
        memcpy(l->status, "approved", sizeof "approved");
        R->n_approved++;
        R->approved_amount += l->amount;
        R->n_uncommitted++; /* jy_payroll_commit commits it */
        R->uncommitted_amount += l->amount;
    } else if (outcome == JY_INELIGIBLE) {
        memcpy(l->status, "refused", sizeof "refused");
        R->n_refused++;
    } else {
        memcpy(l->status, "held", sizeof "held");
        R->n_held++;
    }
}

/* Writes one computed line (new or replacing an old one), approving its payable when due. A new
 * line is queued for the bulk write (pend_push); one that replaces an old line is written at
 * once, after the queue (so the order of rows and audit entries is the order of the lines). */
static int settle(run_ctx *R, const jy_payroll_src *s, size_t si, int claim, const jy_decision *dec,
                  const char *facts, jy_err *err)
{
    jy_policy *pol = R->cs->pol;
    const char *ruleset = jy_policy_hash(pol);
    old_line *o = old_find(&R->old, s->placement_id, claim);
    R->n_lines++;
    if (o && (strcmp(o->payable_status, "batched") == 0 || strcmp(o->payable_status, "paid") == 0)) {
        R->n_kept_paid++;
        return 0;
    }
    /* the same facts under the same rules: keep the line (and any reviewer's decision on it), unless a
     * conflict found now must hold a line that was not held or rejected */
    int newly_held = R->hold[si] && strcmp(o ? o->status : "", "held") != 0 && strcmp(o ? o->status : "", "rejected") != 0;
    if (o && strcmp(o->facts, facts) == 0 && strncmp(o->ruleset, ruleset, sizeof o->ruleset - 1) == 0 && !newly_held) {
        R->n_unchanged++;
        if (strcmp(o->status, "approved") == 0) R->approved_amount += o->amount;
        if (strcmp(o->status, "approved") == 0 && !o->payable_id) {
            R->n_uncommitted++;
            R->uncommitted_amount += o->amount;
        }
        return 0;
    }
    jy_sb dj = JY_SB_INIT;
    jy_payroll_line l;
    memset(&l, 0, sizeof l);
    l.run_id = R->run.id;
    snprintf(l.county, sizeof l.county, "%s", R->county);
    l.placement_id = s->placement_id;
    l.claim = claim;
    int outcome = dec->outcome;
    if (R->hold[si] && outcome != JY_INELIGIBLE) outcome = JY_NEEDS_REVIEW;
    if (R->provisional && outcome == JY_ELIGIBLE) outcome = JY_NEEDS_REVIEW;
    snprintf(l.decision, sizeof l.decision, "%s",
             outcome == JY_ELIGIBLE ? "eligible" : outcome == JY_INELIGIBLE ? "ineligible" : "needs_review");
    l.amount = dec->has_amount ? dec->amount : 0;
    jy_sb_append(&dj, "{\"policy\":");
    jy_policy_decision_json(pol, NULL, 0, dec, 1, &dj);
    jy_sb_append(&dj, ",\"conflicts\":");
    jy_sb_append(&dj, R->hold[si] ? R->hold[si] : "[]");
    if (R->provisional)
        jy_sb_json_kv_str(&dj, "provisional",
                          "当月工作日数为暂定（该年节假日安排未录入 policy/calendar.txt，仅按周末推算），需人工审核；"
                          "录入通知后重新执行 payroll run 即按正式日历重算");
    jy_sb_appendc(&dj, '}');
    l.facts = facts;
    l.decision_json = jy_sb_cstr(&dj);
    snprintf(l.ruleset, sizeof l.ruleset, "%s", ruleset);
    int rc = 0;
    if (!o) { /* new: the bulk write */
        line_status(R, outcome, &l);
        rc = pend_push(R, &l, err);
        goto done;
    }
    (void)s;
    if ((rc = flush_pending(R, err))) goto done;
    if (strcmp(o->status, "approved") == 0 && o->payable_id) { /* committed, not batched: released */
        if ((rc = jy_ledger_cancel(R->cs->st, o->payable_id, "考勤或规则变更，重新核算", R->actor, err))) goto done;
        R->n_replaced++;
    }
    line_status(R, outcome, &l);
    l.id = o->id;
    rc = jy_store_payroll_line_update(R->cs->st, &l, o->status, "recompute", R->actor, err);
done:
    jy_sb_free(&dj);
    return rc;
}

/* The facts of one row as a JSON object (what the line records). */
static void facts_json(jy_sb *sb, const int *used, const int64_t *v, int month_workdays)
{
    char buf[JY_MONEY_BUFSZ];
    jy_sb_reset(sb);
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "month_workdays", month_workdays);
    for (int f = 0; f < F__N; f++) {
        if (!used[f]) continue;
        if (fact_money[f]) jy_sb_json_kv_str(sb, fact_names[f], jy_money_format_plain(v[f], buf));
        else if (fact_bool[f]) jy_sb_json_kv_bool(sb, fact_names[f], v[f] != 0);
        else jy_sb_json_kv_i64(sb, fact_names[f], v[f]);
    }
    jy_sb_appendc(sb, '}');
}

/* Evaluates one claim kind over the selected rows and settles each. */
static int run_claim(run_ctx *R, const srcs *S, const size_t *sel, size_t n, int claim, int month_workdays,
                     jy_err *err)
{
    if (n == 0) return 0;
    jy_policy *pol = R->cs->pol;
    int used[F__N] = {0};
    int is_p10 = strcmp(R->program, "P10") == 0;
    if (claim == JY_CLAIM_MONTHLY) {
        if (is_p10) {
            used[F_WORKING_DAYS] = 1;
        } else {
            used[F_MONTH_INDEX] = used[F_DAYS_ON_DUTY] = used[F_PERSONAL] = used[F_SICK] = 1;
            used[F_CERT] = used[F_CONTRACT] = used[F_FINAL] = used[F_MONTHS_IN_POST] = 1;
        }
    } else if (claim == JY_CLAIM_SETTLING_IN) {
        used[F_MONTH_INDEX] = used[F_MONTHS_IN_POST] = used[F_DAYS_ON_DUTY] = 1;
    } else {
        used[F_MONTH_INDEX] = used[F_MONTHS_IN_POST] = used[F_SI_PAID] = used[F_SI_MONTHS] = 1;
    }
    /* base case: programme, date (parameter periods), the month's working days, the claim */
    char base_json[256], d[JY_DATE_BUFSZ], today[JY_DATE_BUFSZ];
    jy_date_format(jy_month_first_day(R->m), d);
    jy_date_format(jy_date_today(), today);
    if (claim == JY_CLAIM_MONTHLY)
        snprintf(base_json, sizeof base_json, "{\"program\":\"%s\",\"date\":\"%s\",\"facts\":{\"month_workdays\":%d}}",
                 R->program, d, month_workdays);
    else
        snprintf(base_json, sizeof base_json,
                 "{\"program\":\"%s\",\"date\":\"%s\",\"facts\":{\"month_workdays\":%d,\"claim\":\"%s\","
                 "\"claim_date\":\"%s\"}}",
                 R->program, d, month_workdays, jy_payroll_claim_name(claim), today);
    jy_policy_case base;
    int has_id = 0;
    int rc = jy_policy_case_parse(pol, base_json, strlen(base_json), &base, NULL, 0, &has_id, err);
    if (rc) return jy_err_prefix2(err, "payroll base case: ", "工资发放的基础案件：");
    int64_t *cols = calloc((size_t)F__N * n, sizeof *cols);
    jy_decision *dec = calloc(n, sizeof *dec);
    jy_sb fj = JY_SB_INIT;
    if (!cols || !dec) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    jy_policy_columns b;
    memset(&b, 0, sizeof b);
    b.base = &base;
    b.n = n;
    for (int f = 0; f < F__N; f++) {
        if (!used[f]) continue;
        int fi = jy_policy_fact_index(pol, fact_names[f]);
        if (fi < 0) {
            rc = jy_err_set2(err, JY_EINVAL, "payroll.fact_undeclared", "the rules declare no fact %s (policy/facts.rules)", "规则中没有声明信息项 %s（policy/facts.rules）", fact_names[f]);
            goto done;
        }
        b.fact[b.ncols] = fi;
        b.col[b.ncols] = cols + (size_t)f * n;
        b.ncols++;
    }
    for (size_t k = 0; k < n; k++) {
        const jy_payroll_src *s = &S->v[sel[k]];
        int idx = (int)(R->m - jy_month_of(s->start_on)) + 1;
        jy_date end = s->actual_end ? s->actual_end : s->planned_end;
        int64_t *c = cols;
        c[(size_t)F_MONTH_INDEX * n + k] = idx;
        c[(size_t)F_MONTHS_IN_POST * n + k] = idx;
        c[(size_t)F_DAYS_ON_DUTY * n + k] = s->duty_days;
        c[(size_t)F_WORKING_DAYS * n + k] = s->duty_days;
        c[(size_t)F_PERSONAL * n + k] = s->personal_leave;
        c[(size_t)F_SICK * n + k] = s->sick_leave;
        c[(size_t)F_CERT * n + k] = s->sick_certificate;
        c[(size_t)F_CONTRACT * n + k] = s->contract_with_host;
        c[(size_t)F_FINAL * n + k] = end && jy_month_of(end) == R->m;
        c[(size_t)F_SI_PAID * n + k] = s->si_paid;
        c[(size_t)F_SI_MONTHS * n + k] = s->si_months;
    }
    if ((rc = jy_policy_eval_columns(pol, &b, NULL, NULL, dec, NULL, err))) goto done;
    for (size_t k = 0; k < n && rc == 0; k++) {
        int64_t v[F__N];
        for (int f = 0; f < F__N; f++) v[f] = cols[(size_t)f * n + k];
        facts_json(&fj, used, v, month_workdays);
        if (R->provisional) { /* so that the month is recomputed once the calendar has the year */
            fj.len--;
            jy_sb_json_kv_bool(&fj, "month_workdays_provisional", 1);
            jy_sb_appendc(&fj, '}');
        }
        rc = settle(R, &S->v[sel[k]], sel[k], claim, &dec[k], jy_sb_cstr(&fj), err);
    }
done:
    free(cols);
    free(dec);
    jy_sb_free(&fj);
    return rc;
}

/* The programme and month naming a payroll run, whole (never a longer text cut to the field's
 * size: "P13xyz" is not P13, "2024-02-30" not 2024-02): a programme of the payroll, a month
 * YYYY-MM into *m. JY_EINVAL naming the one that is not. */
static int run_key_check(const char *program, const char *month, jy_month *m, jy_err *err)
{
    jy_err e;
    if (!program || (strcmp(program, "P10") && strcmp(program, "P12") && strcmp(program, "P13") &&
                     strcmp(program, "P14") && strcmp(program, "P24")))
        return jy_err_set2(err, JY_EINVAL, "payroll.program", "programme %s: the payroll serves P10, P12, P13, P14 and P24", "项目 %s：工资发放只用于 P10、P12、P13、P14 和 P24",
                          program ? program : "");
    if (!month || jy_month_parse(month, m, &e))
        return jy_err_set2(err, JY_EINVAL, "payroll.month", "month %s: expected YYYY-MM", "月份 %s：应为 YYYY-MM", month ? month : "");
    return 0;
}

int jy_payroll_run_month(jy_cases *cs, const char *county, const char *program, const char *month, const char *actor,
                   jy_sb *out, jy_err *err)
{
    srcs S = {0};
    ids settled = {0}, missing = {0};
    size_t *sel = NULL;
    jy_conflict_subject *subj = NULL;
    jy_conflict_report rep = {0};
    run_ctx R;
    int rc, began = 0, wd = 0;
    memset(&R, 0, sizeof R);
    R.cs = cs;
    R.actor = actor;
    R.county = county;
    R.program = program;
    R.month = month;
    if ((rc = run_key_check(program, month, &R.m, err))) return rc;
    int mm;
    jy_month_to_ym(R.m, &R.year, &mm);
    char record[48];
    snprintf(record, sizeof record, "payroll %s %s", program, month);
    if ((rc = jy_wf_op_check(cs->wf, cs->st, "payroll_run", record, actor, county, NULL, 0, err))) return rc;
    if ((rc = jy_calendar_workdays_in_month_prov(cs->cal, R.m, &wd, &R.provisional, err))) return rc;
    if ((rc = jy_store_begin(cs->st, err))) return rc;
    began = 1;
    snprintf(R.run.county, sizeof R.run.county, "%s", county);
    snprintf(R.run.program, sizeof R.run.program, "%s", program);
    snprintf(R.run.month, sizeof R.run.month, "%s", month);
    snprintf(R.run.ruleset, sizeof R.run.ruleset, "%s", jy_policy_hash(cs->pol));
    if ((rc = jy_store_payroll_run_begin(cs->st, &R.run, actor, err))) goto done;
    if ((rc = jy_store_payroll_runner_add(cs->st, R.run.id, actor, err))) goto done;
    if ((rc = jy_store_payroll_sources(cs->st, county, program, month, on_src, &S, err))) goto done;
    jy_payroll_line_filter lf = {.run_id = R.run.id, .claim = -1};
    if ((rc = jy_store_payroll_lines(cs->st, &lf, on_old, &R.old, err))) goto done;
    jy_payroll_line_filter sf = {.claim = JY_CLAIM_SETTLING_IN, .status = "approved", .exclude_run = R.run.id};
    if (strcmp(program, "P12") == 0 && (rc = jy_store_payroll_lines(cs->st, &sf, on_settled, &settled, err))) goto done;
    if (S.oom || R.old.oom || settled.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    if (R.old.n) qsort(R.old.v, R.old.n, sizeof *R.old.v, old_cmp);
    if (settled.n) qsort(settled.v, settled.n, sizeof *settled.v, i64_cmp);
    /* conflicts again, for the whole month at once */
    R.hold = calloc(S.n ? S.n : 1, sizeof *R.hold);
    sel = calloc(S.n ? S.n : 1, sizeof *sel);
    subj = calloc(S.n ? S.n : 1, sizeof *subj);
    if (!R.hold || !sel || !subj) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (size_t i = 0; i < S.n; i++) {
        subj[i].person_id = S.v[i].person_id;
        memcpy(subj[i].idcard, S.v[i].idcard, sizeof subj[i].idcard);
        subj[i].org_id = S.v[i].host_org_id;
        subj[i].start_on = S.v[i].start_on;
        subj[i].end_on = S.v[i].actual_end ? S.v[i].actual_end : S.v[i].planned_end;
        subj[i].row = (long)i + 1;
    }
    jy_conflict_query q = {.program = program, .kind = "placement", .year = R.year,
                           .on = jy_month_first_day(R.m), .rows = subj, .n = S.n, .pol = cs->pol};
    if (S.n && (rc = jy_conflicts_check(cs->st, &q, &rep, err))) goto done;
    for (size_t k = 0; k < rep.n; k++) {
        const jy_conflict *c = &rep.items[k];
        if (!c->hard || c->row < 1 || (size_t)c->row > S.n) continue;
        jy_sb one = JY_SB_INIT;
        jy_conflict_report single = {.items = (jy_conflict *)c, .n = 1, .cap = 1};
        jy_conflict_report_json(&one, &single);
        free(R.hold[c->row - 1]);
        R.hold[c->row - 1] = jy_sb_take(&one);
    }
    /* monthly lines: every placement with attendance */
    size_t n = 0;
    for (size_t i = 0; i < S.n; i++) {
        if (S.v[i].has_attendance) sel[n++] = i;
        else if (ids_push(&missing, S.v[i].placement_id)) break;
    }
    if ((rc = run_claim(&R, &S, sel, n, JY_CLAIM_MONTHLY, wd, err))) goto done;
    /* P12 settling-in grant: new recruits with 6 months in post, once */
    if (strcmp(program, "P12") == 0) {
        n = 0;
        for (size_t i = 0; i < S.n; i++) {
            const jy_payroll_src *s = &S.v[i];
            int idx = (int)(R.m - jy_month_of(s->start_on)) + 1;
            if (!s->has_attendance || !s->new_recruit || idx < 6) continue;
            if (settled.n && bsearch(&s->placement_id, settled.v, settled.n, sizeof *settled.v, i64_cmp)) continue;
            sel[n++] = i;
        }
        if ((rc = run_claim(&R, &S, sel, n, JY_CLAIM_SETTLING_IN, wd, err))) goto done;
    }
    /* P13/P14 social-insurance subsidy: when contributions were reported with the month */
    if (strcmp(program, "P13") == 0 || strcmp(program, "P14") == 0) {
        n = 0;
        for (size_t i = 0; i < S.n; i++)
            if (S.v[i].has_attendance && S.v[i].si_paid > 0) sel[n++] = i;
        if ((rc = run_claim(&R, &S, sel, n, JY_CLAIM_SOCIAL_INSURANCE, wd, err))) goto done;
    }
    if (missing.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    if ((rc = flush_pending(&R, err))) goto done;
    char buf[JY_MONEY_BUFSZ];
    jy_sb_append(out, "{\"run\":");
    jy_payroll_run_json(out, &R.run);
    jy_sb_json_kv_i64(out, "month_workdays", wd);
    if (R.provisional) jy_sb_json_kv_bool(out, "month_workdays_provisional", 1);
    jy_sb_json_kv_i64(out, "placements", (int64_t)S.n);
    jy_sb_json_kv_i64(out, "lines", R.n_lines);
    jy_sb_json_kv_i64(out, "approved", R.n_approved);
    jy_sb_json_kv_i64(out, "held", R.n_held);
    jy_sb_json_kv_i64(out, "refused", R.n_refused);
    jy_sb_json_kv_i64(out, "unchanged", R.n_unchanged);
    jy_sb_json_kv_i64(out, "kept_paid", R.n_kept_paid);
    jy_sb_json_kv_i64(out, "replaced", R.n_replaced);
    jy_sb_json_kv_str(out, "approved_amount", jy_money_format_plain(R.approved_amount, buf));
    jy_sb_json_kv_i64(out, "uncommitted", R.n_uncommitted);
    jy_sb_json_kv_str(out, "uncommitted_amount", jy_money_format_plain(R.uncommitted_amount, buf));
    jy_sb_json_key(out, "missing_attendance");
    jy_sb_appendc(out, '[');
    for (size_t i = 0; i < missing.n; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_append_i64(out, missing.v[i]);
    }
    jy_sb_append(out, "]}");
done:
    if (began) {
        if (rc == 0) rc = jy_store_commit(cs->st, err);
        else jy_store_rollback(cs->st, NULL);
    }
    for (size_t i = 0; R.hold && i < S.n; i++) free(R.hold[i]);
    free(R.hold);
    pend_free(&R);
    free(R.pend);
    free(S.v);
    olds_free(&R.old);
    free(settled.v);
    free(missing.v);
    free(sel);
    free(subj);
    jy_conflict_report_free(&rep);
    return rc;
}

/* ---------------------------------------------------------------- four-eyes */

/* Everyone who ran a payroll month (payroll_run_actors). */
typedef struct runners {
    char (*v)[64];
    size_t n, cap;
    int oom;
} runners;

static int on_runner(void *ctx, const char *actor)
{
    runners *R = ctx;
    if (R->n == R->cap) {
        size_t cap = R->cap ? R->cap * 2 : 4;
        char(*nv)[64] = realloc(R->v, cap * sizeof *nv);
        if (!nv) {
            R->oom = 1;
            return 1;
        }
        R->v = nv;
        R->cap = cap;
    }
    snprintf(R->v[R->n++], 64, "%s", actor);
    return 0;
}

/* The actor may take operation op (payroll_review, payroll_commit) on run r: its role in
 * policy/workflows.txt, and — four-eyes — nobody who ran the month. */
static int may_after_run(jy_cases *cs, const char *op, const jy_payroll_run *r, const char *actor, jy_err *err)
{
    runners R = {0};
    const char **names = NULL;
    int rc = jy_store_payroll_runners(cs->st, r->id, on_runner, &R, err);
    if (rc == 0 && R.oom) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    if (rc == 0 && R.n && !(names = malloc(R.n * sizeof *names))) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    for (size_t i = 0; rc == 0 && i < R.n; i++) names[i] = R.v[i];
    char record[64];
    snprintf(record, sizeof record, "payroll %s %s (run %lld)", r->program, r->month, (long long)r->id);
    if (rc == 0) rc = jy_wf_op_check(cs->wf, cs->st, op, record, actor, r->county, names, R.n, err);
    free(names);
    free(R.v);
    return rc;
}

/* ---------------------------------------------------------------- review */

static int review(jy_cases *cs, int64_t line_id, int approve, jy_fen amount, const char *reason, const char *actor,
                  jy_sb *out, jy_err *err)
{
    jy_payroll_line l;
    jy_placement p;
    jy_sb text = JY_SB_INIT;
    char *facts = NULL, *dj = NULL;
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "payroll.review_reason", "--reason: say why (the review is recorded)", "--reason：请写明理由（审核将被记录）");
    if (approve && amount <= 0) return jy_err_set2(err, JY_EINVAL, "payroll.approve_amount", "--approve AMOUNT: an amount above 0 in yuan", "--approve 金额：应为大于0的金额（元）");
    int rc = jy_store_begin(cs->st, err);
    if (rc) return rc;
    if ((rc = jy_store_payroll_line_get(cs->st, line_id, &l, &text, err))) goto done;
    {
        jy_payroll_run r;
        memset(&r, 0, sizeof r);
        if ((rc = jy_store_payroll_run_get(cs->st, l.run_id, &r, err)) ||
            (rc = may_after_run(cs, "payroll_review", &r, actor, err)))
            goto done;
    }
    if (strcmp(l.status, "held") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "payroll.line_status", "payroll line %lld is %s: only a held (needs_review) line is reviewed", "工资发放明细 %lld 的状态为 %s：只有暂缓（needs_review，需人工审核）的明细才能审核",
                        (long long)line_id, l.status);
        goto done;
    }
    facts = strdup(l.facts ? l.facts : "{}");
    dj = strdup(l.decision_json ? l.decision_json : "null");
    if (!facts || !dj) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    l.facts = facts;
    l.decision_json = dj;
    if ((rc = jy_store_placement_get(cs->st, l.placement_id, &p, err))) goto done;
    snprintf(l.reviewed_by, sizeof l.reviewed_by, "%s", actor && *actor ? actor : "system");
    snprintf(l.review_reason, sizeof l.review_reason, "%s", reason);
    if (approve) {
        run_ctx R;
        memset(&R, 0, sizeof R);
        R.cs = cs;
        R.actor = actor;
        R.county = l.county;
        R.program = l.program;
        R.month = l.month;
        int mm;
        jy_err e;
        if (jy_month_parse(l.month, &R.m, &e)) {
            rc = jy_err_set2(err, JY_EINVAL, "payroll.line_month", "payroll line %lld has a bad month %s", "工资发放明细 %lld 的月份 %s 有误", (long long)line_id, l.month);
            goto done;
        }
        jy_month_to_ym(R.m, &R.year, &mm);
        jy_payroll_src s;
        memset(&s, 0, sizeof s);
        s.placement_id = p.id;
        s.case_id = p.case_id;
        s.person_id = p.person_id;
        memcpy(s.idcard, p.idcard, sizeof s.idcard);
        if ((rc = approve_payable(&R, &s, l.claim, amount, &l.payable_id, err))) goto done;
        l.amount = amount;
        memcpy(l.status, "approved", 9);
    } else {
        memcpy(l.status, "rejected", 9);
    }
    if ((rc = jy_store_payroll_line_update(cs->st, &l, "held", approve ? "review_approve" : "review_reject", actor,
                                           err)))
        goto done;
    if ((rc = jy_store_payroll_line_get(cs->st, line_id, &l, &text, err))) goto done;
    jy_payroll_line_json(out, &l);
done:
    free(facts);
    free(dj);
    jy_sb_free(&text);
    if (rc == 0) return jy_store_commit(cs->st, err);
    jy_store_rollback(cs->st, NULL);
    return rc;
}

typedef struct review_req {
    jy_cases *cs;
    int64_t line_id;
    int approve;
    jy_fen amount;
    const char *reason, *actor;
} review_req;

static int review_body(void *ctx, jy_sb *out, jy_err *err)
{
    review_req *r = ctx;
    return review(r->cs, r->line_id, r->approve, r->amount, r->reason, r->actor, out, err);
}

int jy_payroll_review(jy_cases *cs, int64_t line_id, int approve, jy_fen amount, const char *reason,
                      const char *idem_key, const char *actor, jy_sb *out, int *replayed, jy_err *err)
{
    jy_payroll_line l;
    jy_sb text = JY_SB_INIT, req = JY_SB_INIT;
    int rc = jy_store_payroll_line_get(cs->st, line_id, &l, &text, err);
    if (rc == 0) {
        char a[JY_MONEY_BUFSZ];
        jy_sb_appendc(&req, '{');
        jy_sb_json_kv_i64(&req, "line", line_id);
        jy_sb_json_kv_str(&req, "decision", approve ? "approve" : "reject");
        jy_sb_json_kv_str(&req, "amount", jy_money_format_plain(approve ? amount : 0, a));
        jy_sb_json_kv_str(&req, "reason", reason ? reason : "");
        jy_sb_appendc(&req, '}');
        review_req r = {cs, line_id, approve, amount, reason, actor};
        rc = jy_idem_run(cs->st, idem_key, "payroll_review", l.county, jy_sb_cstr(&req), actor, review_body, &r, out,
                         replayed, err);
    }
    jy_sb_free(&text);
    jy_sb_free(&req);
    return rc;
}

/* ---------------------------------------------------------------- show */

typedef struct show_ctx {
    jy_sb *sb;
    long n;
    long by_status[6];
    long uncommitted;
    jy_fen approved, paid, uncommitted_amount;
} show_ctx;

static const char *const statuses[6] = {"approved", "held", "refused", "rejected", "cancelled", "recovered"};

static int on_show(void *ctx, const jy_payroll_line *l)
{
    show_ctx *s = ctx;
    if (s->n++) jy_sb_appendc(s->sb, ',');
    jy_payroll_line_json(s->sb, l);
    for (int i = 0; i < 6; i++)
        if (strcmp(l->status, statuses[i]) == 0) s->by_status[i]++;
    if (strcmp(l->status, "approved") == 0) {
        s->approved += l->amount;
        if (strcmp(l->payable_status, "paid") == 0) s->paid += l->amount;
        if (!l->payable_id) {
            s->uncommitted++;
            s->uncommitted_amount += l->amount;
        }
    }
    return 0;
}

int jy_payroll_show_json(jy_cases *cs, const char *county, const char *program, const char *month, jy_sb *out,
                         jy_err *err)
{
    jy_payroll_run r;
    memset(&r, 0, sizeof r);
    jy_month m;
    int rc = run_key_check(program, month, &m, err);
    if (rc) return rc;
    snprintf(r.county, sizeof r.county, "%s", county);
    snprintf(r.program, sizeof r.program, "%s", program ? program : "");
    snprintf(r.month, sizeof r.month, "%s", month ? month : "");
    if ((rc = jy_store_payroll_run_get(cs->st, 0, &r, err))) return rc;
    char by[64], at[32];
    runners who = {0};
    if ((rc = jy_store_payroll_run_committed(cs->st, r.id, by, at, err)) ||
        (rc = jy_store_payroll_runners(cs->st, r.id, on_runner, &who, err))) {
        free(who.v);
        return rc;
    }
    jy_sb_append(out, "{\"run\":");
    jy_payroll_run_json(out, &r);
    out->len--; /* the run's four-eyes record */
    jy_sb_json_key(out, "run_by");
    jy_sb_appendc(out, '[');
    for (size_t i = 0; i < who.n; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_json_str(out, who.v[i]);
    }
    jy_sb_appendc(out, ']');
    free(who.v);
    jy_sb_json_kv_str(out, "committed_by", by);
    jy_sb_json_kv_str(out, "committed_at", at);
    jy_sb_appendc(out, '}');
    jy_sb_json_key(out, "lines");
    jy_sb_appendc(out, '[');
    show_ctx s = {.sb = out};
    jy_payroll_line_filter f = {.run_id = r.id, .claim = -1};
    if ((rc = jy_store_payroll_lines(cs->st, &f, on_show, &s, err))) return rc;
    jy_sb_appendc(out, ']');
    jy_sb_json_key(out, "totals");
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_i64(out, "lines", s.n);
    for (int i = 0; i < 6; i++) jy_sb_json_kv_i64(out, statuses[i], s.by_status[i]);
    char buf[JY_MONEY_BUFSZ];
    jy_sb_json_kv_str(out, "approved_amount", jy_money_format_plain(s.approved, buf));
    jy_sb_json_kv_str(out, "paid_amount", jy_money_format_plain(s.paid, buf));
    jy_sb_json_kv_i64(out, "uncommitted", s.uncommitted);
    jy_sb_json_kv_str(out, "uncommitted_amount", jy_money_format_plain(s.uncommitted_amount, buf));
    jy_sb_append(out, "}}");
    return 0;
}

/* ---------------------------------------------------------------- recovery */

typedef struct rec_lines {
    jy_payroll_line *v;
    size_t n, cap;
    int oom;
} rec_lines;

static int on_rec(void *ctx, const jy_payroll_line *l)
{
    rec_lines *L = ctx;
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 16;
        jy_payroll_line *nv = realloc(L->v, cap * sizeof *nv);
        if (!nv) {
            L->oom = 1;
            return 1;
        }
        L->v = nv;
        L->cap = cap;
    }
    L->v[L->n] = *l;
    L->v[L->n].facts = NULL;
    L->v[L->n].decision_json = NULL;
    L->n++;
    return 0;
}

static void id_list(jy_sb *out, const char *key, const int64_t *v, size_t n)
{
    jy_sb_json_key(out, key);
    jy_sb_appendc(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_append_i64(out, v[i]);
    }
    jy_sb_appendc(out, ']');
}

int jy_payroll_recover(jy_cases *cs, int64_t placement_id, const char *since, const char *reason, const char *actor,
                       jy_sb *out, jy_err *err)
{
    jy_placement p;
    jy_case c;
    rec_lines L = {0};
    ids recovered = {0}, cancelled = {0}, rejected = {0}, in_batch = {0};
    jy_sb text = JY_SB_INIT, lt = JY_SB_INIT;
    jy_fen total = 0;
    jy_month sm = 0;
    jy_err e;
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "payroll.void_reason", "--reason: say what voids the pay (recorded)", "--reason：请写明作废发放的原因（将被记录）");
    if (since && jy_month_parse(since, &sm, &e)) return jy_err_set2(err, JY_EINVAL, "payroll.since", "--since %s: expected YYYY-MM", "--since %s：应为 YYYY-MM", since);
    int rc = jy_store_begin(cs->st, err);
    if (rc) return rc;
    if ((rc = jy_store_placement_get(cs->st, placement_id, &p, err))) goto done;
    if (strcmp(p.status, "cancelled") == 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "payroll.cancelled", "placement %lld is already cancelled", "岗位安置 %lld 已取消", (long long)placement_id);
        goto done;
    }
    jy_payroll_line_filter f = {.placement_id = placement_id, .claim = -1};
    if ((rc = jy_store_payroll_lines(cs->st, &f, on_rec, &L, err))) goto done;
    if (L.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (size_t i = 0; i < L.n && rc == 0; i++) {
        jy_payroll_line l;
        jy_month lm;
        if (jy_month_parse(L.v[i].month, &lm, &e) || (since && lm < sm)) continue;
        if ((rc = jy_store_payroll_line_get(cs->st, L.v[i].id, &l, &lt, err))) break;
        char *facts = strdup(l.facts ? l.facts : "{}"), *dj = strdup(l.decision_json ? l.decision_json : "null");
        if (!facts || !dj) {
            free(facts);
            free(dj);
            rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
            break;
        }
        l.facts = facts;
        l.decision_json = dj;
        char old[12];
        memcpy(old, l.status, sizeof old);
        const char *action = NULL;
        snprintf(l.reviewed_by, sizeof l.reviewed_by, "%s", actor && *actor ? actor : "system");
        snprintf(l.review_reason, sizeof l.review_reason, "%s", reason);
        if (strcmp(l.status, "approved") == 0 && strcmp(l.payable_status, "paid") == 0) {
            jy_payable py;
            if ((rc = jy_store_payable_get(cs->st, l.payable_id, &py, err)) == 0 && py.recovered < py.amount) {
                total += py.amount - py.recovered;
                rc = jy_ledger_recover(cs->st, l.payable_id, 0, reason, actor, err);
            }
            memcpy(l.status, "recovered", 10);
            action = "recover";
            if (rc == 0) ids_push(&recovered, l.id);
        } else if (strcmp(l.status, "approved") == 0 && strcmp(l.payable_status, "approved") == 0) {
            rc = jy_ledger_cancel(cs->st, l.payable_id, reason, actor, err);
            memcpy(l.status, "cancelled", 10);
            action = "cancel";
            if (rc == 0) ids_push(&cancelled, l.id);
        } else if (strcmp(l.status, "approved") == 0 && !l.payable_id) { /* proposed, never committed */
            memcpy(l.status, "cancelled", 10);
            action = "cancel";
            ids_push(&cancelled, l.id);
        } else if (strcmp(l.status, "approved") == 0 && strcmp(l.payable_status, "batched") == 0) {
            ids_push(&in_batch, l.id);
        } else if (strcmp(l.status, "held") == 0) {
            memcpy(l.status, "rejected", 9);
            action = "reject";
            ids_push(&rejected, l.id);
        }
        if (rc == 0 && action) rc = jy_store_payroll_line_update(cs->st, &l, old, action, actor, err);
        free(facts);
        free(dj);
    }
    if (rc) goto done;
    if (recovered.oom || cancelled.oom || rejected.oom || in_batch.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    if ((rc = jy_store_placement_close(cs->st, placement_id, p.status, "cancelled",
                                       p.actual_end ? p.actual_end : jy_date_today(), reason, "cancel", actor, err)))
        goto done;
    if (p.case_id && (rc = jy_store_case_get(cs->st, p.case_id, &c, &text, err)) == 0 && strcmp(c.state, "active") == 0)
        rc = jy_case_advance(cs, p.case_id, "cancel", jy_date_today(), reason, actor, err);
    if (rc) goto done;
    char buf[JY_MONEY_BUFSZ];
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_i64(out, "placement", placement_id);
    jy_sb_json_kv_str(out, "status", "cancelled");
    id_list(out, "recovered", recovered.v, recovered.n);
    id_list(out, "cancelled", cancelled.v, cancelled.n);
    id_list(out, "rejected", rejected.v, rejected.n);
    id_list(out, "in_batch", in_batch.v, in_batch.n);
    jy_sb_json_kv_str(out, "amount_recovered", jy_money_format_plain(total, buf));
    jy_sb_appendc(out, '}');
done:
    free(L.v);
    free(recovered.v);
    free(cancelled.v);
    free(rejected.v);
    free(in_batch.v);
    jy_sb_free(&text);
    jy_sb_free(&lt);
    if (rc == 0) return jy_store_commit(cs->st, err);
    jy_store_rollback(cs->st, NULL);
    return rc;
}

/* ---------------------------------------------------------------- commit */

/* An approved line of the run without a payable yet, with what its payable needs. */
typedef struct cline {
    jy_payroll_line l; /* facts and decision_json owned */
} cline;

typedef struct clines {
    cline *v;
    size_t n, cap;
    int oom;
} clines;

static int on_uncommitted(void *ctx, const jy_payroll_line *l)
{
    clines *C = ctx;
    if (strcmp(l->status, "approved") != 0 || l->payable_id) return 0;
    if (C->n == C->cap) {
        size_t cap = C->cap ? C->cap * 2 : 64;
        cline *nv = realloc(C->v, cap * sizeof *nv);
        if (!nv) {
            C->oom = 1;
            return 1;
        }
        C->v = nv;
        C->cap = cap;
    }
    cline *c = &C->v[C->n];
    c->l = *l;
    c->l.facts = strdup(l->facts ? l->facts : "{}");
    c->l.decision_json = strdup(l->decision_json ? l->decision_json : "null");
    if (!c->l.facts || !c->l.decision_json) {
        free((char *)c->l.facts);
        free((char *)c->l.decision_json);
        C->oom = 1;
        return 1;
    }
    C->n++;
    return 0;
}

static void clines_free(clines *C)
{
    for (size_t i = 0; i < C->n; i++) {
        free((char *)C->v[i].l.facts);
        free((char *)C->v[i].l.decision_json);
    }
    free(C->v);
}

/* The month's live claim keys (sorted) and the ones this commit adds. */
typedef struct keyset {
    struct kv {
        char key[96];
        int64_t id; /* payable id; 0: a line of this commit */
        int64_t line;
    } *v;
    size_t n, cap;
    int oom;
} keyset;

static int keyset_add(keyset *K, const char *key, int64_t id, int64_t line)
{
    if (K->n == K->cap) {
        size_t cap = K->cap ? K->cap * 2 : 64;
        struct kv *nv = realloc(K->v, cap * sizeof *nv);
        if (!nv) {
            K->oom = 1;
            return 1;
        }
        K->v = nv;
        K->cap = cap;
    }
    snprintf(K->v[K->n].key, sizeof K->v[K->n].key, "%s", key);
    K->v[K->n].id = id;
    K->v[K->n].line = line;
    K->n++;
    return 0;
}

static int on_live_key(void *ctx, int64_t id, const char *key)
{
    return keyset_add(ctx, key, id, 0);
}

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* The entry of K (its first n entries sorted) or of the unsorted rest with key, or NULL. */
static const struct kv *keyset_find(const keyset *K, size_t sorted, const char *key)
{
    struct kv probe;
    snprintf(probe.key, sizeof probe.key, "%s", key);
    const struct kv *hit = sorted ? bsearch(&probe, K->v, sorted, sizeof *K->v, kv_cmp) : NULL;
    for (size_t i = sorted; !hit && i < K->n; i++)
        if (strcmp(K->v[i].key, key) == 0) hit = &K->v[i];
    return hit;
}

/* The programme's placements of the county, by id (one query for the whole commit). */
typedef struct places {
    jy_placement *v;
    size_t n, cap;
    int oom;
} places;

static int on_place(void *ctx, const jy_placement *p)
{
    places *P = ctx;
    if (P->n == P->cap) {
        size_t cap = P->cap ? P->cap * 2 : 64;
        jy_placement *nv = realloc(P->v, cap * sizeof *nv);
        if (!nv) {
            P->oom = 1;
            return 1;
        }
        P->v = nv;
        P->cap = cap;
    }
    P->v[P->n++] = *p;
    return 0;
}

static int place_cmp(const void *a, const void *b)
{
    int64_t x = ((const jy_placement *)a)->id, y = ((const jy_placement *)b)->id;
    return (x > y) - (x < y);
}

typedef struct commit_req {
    jy_cases *cs;
    jy_payroll_run run;
    const char *actor;
} commit_req;

static int commit_body(void *ctx, jy_sb *out, jy_err *err)
{
    commit_req *Q = ctx;
    jy_cases *cs = Q->cs;
    jy_store *st = cs->st;
    clines C = {0};
    keyset K = {0};
    places P = {0};
    jy_payroll_line *lines = NULL;
    jy_payable *pays = NULL, **pp = NULL;
    jy_sb held = JY_SB_INIT;
    size_t n = 0, nheld = 0, failed = 0;
    jy_fen total = 0;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_payroll_line_filter f = {.run_id = Q->run.id, .claim = -1, .status = "approved"};
    if ((rc = jy_store_payroll_lines(st, &f, on_uncommitted, &C, err))) goto done;
    if ((rc = jy_store_payable_claim_keys(st, Q->run.county, Q->run.program, Q->run.month, on_live_key, &K, err)))
        goto done;
    jy_placement_filter pf = {.county = Q->run.county, .program = Q->run.program};
    if (C.n && (rc = jy_store_placement_list(st, &pf, on_place, &P, err))) goto done;
    if (C.oom || K.oom || P.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    size_t sorted = K.n;
    if (sorted) qsort(K.v, sorted, sizeof *K.v, kv_cmp);
    if (P.n) qsort(P.v, P.n, sizeof *P.v, place_cmp);
    lines = calloc(C.n ? C.n : 1, sizeof *lines);
    pays = calloc(C.n ? C.n : 1, sizeof *pays);
    pp = calloc(C.n ? C.n : 1, sizeof *pp);
    if (!lines || !pays || !pp) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    run_ctx R;
    memset(&R, 0, sizeof R);
    R.cs = cs;
    R.county = Q->run.county;
    R.program = Q->run.program;
    R.month = Q->run.month;
    jy_err e;
    int mm;
    if (jy_month_parse(Q->run.month, &R.m, &e)) {
        rc = jy_err_set2(err, JY_EINVAL, "payroll.run_month", "payroll run %lld has a bad month %s", "工资发放批次 %lld 的月份 %s 有误", (long long)Q->run.id, Q->run.month);
        goto done;
    }
    jy_month_to_ym(R.m, &R.year, &mm);
    jy_sb_appendc(&held, '[');
    for (size_t i = 0; i < C.n; i++) {
        jy_payroll_line *l = &C.v[i].l;
        jy_placement key = {.id = l->placement_id};
        const jy_placement *found = P.n ? bsearch(&key, P.v, P.n, sizeof *P.v, place_cmp) : NULL;
        if (!found) {
            rc = jy_err_set2(err, JY_ENOTFOUND, "payroll.line_placement", "payroll line %lld: placement %lld is not a %s placement of county %s", "工资发放明细 %1$lld：岗位安置 %2$lld 不是县 %4$s 的 %3$s 岗位安置",
                            (long long)l->id, (long long)l->placement_id, Q->run.program, Q->run.county);
            goto done;
        }
        const jy_placement pl = *found;
        jy_payroll_src s;
        memset(&s, 0, sizeof s);
        s.placement_id = pl.id;
        s.case_id = pl.case_id;
        s.person_id = pl.person_id;
        memcpy(s.idcard, pl.idcard, sizeof s.idcard);
        jy_payable p;
        payable_of(&R, &s, l->claim, l->amount, &p);
        jy_ledger_claim_key(&p, p.claim_key);
        const struct kv *hit = keyset_find(&K, sorted, p.claim_key);
        if (hit) { /* the same person, programme, month and claim is paid already: held, naming both */
            char a[JY_MONEY_BUFSZ];
            jy_sb why = JY_SB_INIT;
            if (hit->id)
                jy_sb_appendf(&why,
                              "duplicate: payable %lld already pays %s (%s) %s %s %s — one payable per payee, programme "
                              "and period; line held (cancel the wrong one, then review)",
                              (long long)hit->id, pl.person_name, pl.idcard, R.program, R.month,
                              jy_payroll_claim_name(l->claim));
            else
                jy_sb_appendf(&why,
                              "duplicate: payroll line %lld of this run already pays %s (%s) %s %s %s — one payable per "
                              "payee, programme and period; line held (review which is right)",
                              (long long)hit->line, pl.person_name, pl.idcard, R.program, R.month,
                              jy_payroll_claim_name(l->claim));
            jy_payroll_line h = *l;
            memcpy(h.status, "held", sizeof "held");
            snprintf(h.review_reason, sizeof h.review_reason, "%s", jy_sb_cstr(&why));
            rc = jy_store_payroll_line_update(st, &h, "approved", "hold", Q->actor, err);
            if (rc == 0) {
                if (nheld++) jy_sb_appendc(&held, ',');
                jy_sb_appendc(&held, '{');
                jy_sb_json_kv_i64(&held, "line", l->id);
                jy_sb_json_kv_i64(&held, "placement_id", l->placement_id);
                jy_sb_json_kv_str(&held, "amount", jy_money_format_plain(l->amount, a));
                if (hit->id) jy_sb_json_kv_i64(&held, "duplicate_of_payable", hit->id);
                else jy_sb_json_kv_i64(&held, "duplicate_of_line", hit->line);
                jy_sb_json_kv_str(&held, "reason", jy_sb_cstr(&why));
            }
            jy_sb_free(&why);
            if (rc) goto done;
            jy_sb_appendc(&held, '}');
            continue;
        }
        if (keyset_add(&K, p.claim_key, 0, l->id)) {
            rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
            goto done;
        }
        lines[n] = *l;
        pays[n] = p;
        pp[n] = &pays[n];
        total += l->amount;
        n++;
    }
    jy_sb_appendc(&held, ']');
    if (n && (rc = jy_ledger_split_many(st, pp, n, &failed, err))) {
        jy_err_prefix2(err, "payroll line %lld (placement %lld) %s %s: ", "工资发放明细 %lld（岗位安置 %lld）%s %s：", (long long)lines[failed].id,
                      (long long)lines[failed].placement_id, jy_payroll_claim_name(lines[failed].claim), R.month);
        goto done;
    }
    if (n && (rc = jy_store_payroll_lines_commit_bulk(st, Q->run.id, lines, pp, n, Q->actor, err))) goto done;
    char buf[JY_MONEY_BUFSZ];
    jy_sb_append(out, "{\"run\":");
    jy_payroll_run_json(out, &Q->run);
    jy_sb_json_kv_i64(out, "committed", (int64_t)n);
    jy_sb_json_kv_str(out, "committed_amount", jy_money_format_plain(total, buf));
    jy_sb_json_kv_str(out, "committed_by", Q->actor && *Q->actor ? Q->actor : "system");
    jy_sb_json_key(out, "held");
    jy_sb_append(out, jy_sb_cstr(&held));
    jy_sb_appendc(out, '}');
done:
    clines_free(&C);
    free(K.v);
    free(P.v);
    free(lines);
    free(pays);
    free(pp);
    jy_sb_free(&held);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_payroll_commit(jy_cases *cs, const char *county, const char *program, const char *month, const char *idem_key,
                      const char *actor, jy_sb *out, int *replayed, jy_err *err)
{
    commit_req Q;
    memset(&Q, 0, sizeof Q);
    jy_month m;
    int rc = run_key_check(program, month, &m, err);
    if (rc) return rc;
    Q.cs = cs;
    Q.actor = actor;
    snprintf(Q.run.county, sizeof Q.run.county, "%s", county);
    snprintf(Q.run.program, sizeof Q.run.program, "%s", program ? program : "");
    snprintf(Q.run.month, sizeof Q.run.month, "%s", month ? month : "");
    rc = jy_store_payroll_run_get(cs->st, 0, &Q.run, err);
    if (rc) return rc;
    if ((rc = may_after_run(cs, "payroll_commit", &Q.run, actor, err))) return rc;
    char req[96];
    snprintf(req, sizeof req, "{\"county\":\"%s\",\"program\":\"%s\",\"month\":\"%s\"}", Q.run.county, Q.run.program,
             Q.run.month);
    return jy_idem_run(cs->st, idem_key, "payroll_commit", county, req, actor, commit_body, &Q, out, replayed, err);
}
