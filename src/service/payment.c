/* payment.c — payment batches (payment.h): build from approved payables, review by a second
 * person, bank file export (CSV / XLSX), marking lines paid or failed, retrying a failed line.
 * Every state change goes through the store in one transaction with its audit entries; a
 * line's payment also posts to the ledger (jy_ledger_pay) in that same transaction. */
#include "service/payment.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#ifdef JY_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

#include "base/file.h"
#include "base/money.h"
#include "service/bank_layout.h"
#include "service/settings.h"
#include "domain/bankcard.h"
#include "service/case.h"
#include "policy/policy.h"
#include "service/conflict.h"
#include "service/idempotency.h"
#include "service/ledger.h"
#include "service/workflow.h"
#include "store/ledger_guard.h"
#include "store/run_lock.h"

static int finish(jy_store *st, int rc, jy_err *err)
{
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

/* ---------------------------------------------------------------- roles */

/* The actor's role for operation op on batch b (policy/workflows.txt; batch_approve is not by
 * the builder). b NULL: a batch about to be built for county. */
static int may(jy_cases *cs, const char *op, const jy_batch *b, const char *county, const char *actor, jy_err *err)
{
    char record[64];
    if (b) snprintf(record, sizeof record, "payment batch %" PRId64, b->id);
    else snprintf(record, sizeof record, "a payment batch of county %s", county ? county : "");
    const char *builder = b ? b->built_by : NULL;
    return jy_wf_op_check(cs->wf, cs->st, op, record, actor, b ? b->county : county, &builder, builder ? 1 : 0, err);
}

/* may() for batch id, read first. */
static int may_batch(jy_cases *cs, const char *op, int64_t id, const char *actor, jy_err *err)
{
    jy_batch b;
    int rc = jy_store_batch_get(cs->st, id, &b, err);
    return rc ? rc : may(cs, op, &b, NULL, actor, err);
}

/* ---------------------------------------------------------------- payees */

/* Fills the line's payee fields from the registry: a person's name, ID number and social
 * security card (or the payable's own account); an organisation's name, USCC and basic
 * account. Returns JY_ENODATA with a reason when there is no account to pay to. */
static int resolve_payee(jy_store *st, const jy_payable *p, jy_batch_line *l, jy_err *err)
{
    int rc;
    l->payee_kind = p->payee_kind;
    if (p->payee_kind == JY_PAYEE_PERSON) {
        jy_person person;
        if ((rc = jy_store_person_get(st, p->person_id, &person, err))) return rc;
        snprintf(l->payee_name, sizeof l->payee_name, "%s", person.name);
        snprintf(l->payee_id, sizeof l->payee_id, "%s", person.idcard);
        char card[40] = "", bank[64] = "";
        jy_err e2;
        rc = jy_store_person_card_get(st, p->person_id, card, bank, &e2);
        if (rc && rc != JY_ENOTFOUND) {
            if (err) *err = e2;
            return rc;
        }
        if (p->account[0]) snprintf(l->account, sizeof l->account, "%s", p->account);
        else snprintf(l->account, sizeof l->account, "%s", card);
        snprintf(l->bank_name, sizeof l->bank_name, "%s", p->account[0] ? "" : bank);
        if (!l->account[0])
            return jy_err_set2(err, JY_ENODATA, "pay.no_sscard", "%s (%s) has no social security card (社保卡) on record", "%s（%s）没有登记社会保障卡（社保卡）", person.name,
                              person.idcard);
    } else {
        jy_org org;
        if ((rc = jy_store_org_get(st, p->org_id, &org, err))) return rc;
        snprintf(l->payee_name, sizeof l->payee_name, "%s", org.name);
        snprintf(l->payee_id, sizeof l->payee_id, "%s", org.uscc);
        snprintf(l->account, sizeof l->account, "%s", p->account[0] ? p->account : org.bank_account);
        snprintf(l->bank_name, sizeof l->bank_name, "%s", org.bank_name);
        if (!l->account[0])
            return jy_err_set2(err, JY_ENODATA, "pay.no_bank_account", "%s (%s) has no basic bank account (基本账户) on record", "%s（%s）没有登记基本账户", org.name,
                              org.uscc);
    }
    return 0;
}

/* ---------------------------------------------------------------- build and review */

/* Makes room for one more elem-sized item in a vector of n items with capacity *cap (doubling,
 * 256 first). Returns the vector (moved, *cap updated, when it grew), or NULL when out of memory
 * (v is then still valid and unchanged). The store walks' collectors below stop on NULL. */
static void *vec_room(void *v, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap) return v;
    size_t ncap = *cap ? *cap * 2 : 256;
    void *nv = realloc(v, ncap * elem);
    if (nv) *cap = ncap;
    return nv;
}

typedef struct idlist {
    int64_t *v;
    size_t n, cap;
} idlist;

static int collect_payable(void *ctx, const jy_payable *p)
{
    idlist *l = ctx;
    int64_t *nv = vec_room(l->v, l->n, &l->cap, sizeof *l->v);
    if (!nv) return 1;
    l->v = nv;
    l->v[l->n++] = p->id;
    return 0;
}

static void skip_entry(jy_sb *skipped, int *nskipped, const jy_payable *p, const char *reason,
                       const jy_conflict_report *rep)
{
    if (skipped) {
        if (*nskipped) jy_sb_appendc(skipped, ',');
        jy_sb_appendc(skipped, '{');
        jy_sb_json_kv_i64(skipped, "payable_id", p->id);
        if (p->case_id) jy_sb_json_kv_i64(skipped, "case_id", p->case_id);
        jy_sb_json_kv_str(skipped, "reason", reason);
        if (rep) {
            jy_sb_json_key(skipped, "conflicts");
            jy_conflict_report_json(skipped, rep);
        }
        jy_sb_appendc(skipped, '}');
    }
    (*nskipped)++;
}

/* The checks a line's case must pass before it is paid (cs given): the case's workflow lets the
 * payment step leave its state, and the conflict checks find nothing hard. 1: leave it out
 * (listed in skipped), 0: pay it, < 0: error. */
static int case_gate(jy_cases *cs, const jy_payable *p, jy_sb *skipped, int *nskipped, jy_err *err)
{
    if (!cs || !p->case_id) return 0;
    char why[256];
    int r = jy_case_payment_ready(cs, p->case_id, why, sizeof why, err);
    if (r < 0) return r;
    if (r == 0) {
        skip_entry(skipped, nskipped, p, why, NULL);
        return 1;
    }
    jy_conflict_report rep = {0};
    if ((r = jy_conflicts_check_case(cs->st, cs->pol, p->case_id, &rep, err))) {
        jy_conflict_report_free(&rep);
        return r;
    }
    if (rep.nhard) {
        jy_sb msg = JY_SB_INIT;
        jy_sb_appendf(&msg, "案件 %" PRId64 " 存在冲突，本批不拨付：", p->case_id);
        int k = 0;
        for (size_t i = 0; i < rep.n; i++) {
            if (!rep.items[i].hard) continue;
            jy_sb_appendf(&msg, "%s%s（%s）", k++ ? "；" : "", rep.items[i].reason, rep.items[i].clause);
        }
        skip_entry(skipped, nskipped, p, jy_sb_cstr(&msg), &rep);
        jy_sb_free(&msg);
        jy_conflict_report_free(&rep);
        return 1;
    }
    jy_conflict_report_free(&rep);
    return 0;
}

/* ---- the duplicate-payee check: what each live payable of the programme pays ---- */

typedef struct ident {
    char key[96];
    int64_t id;
    char status[12];
} ident;

typedef struct idents {
    ident *v;
    size_t n, cap;
    int oom;
} idents;

static int on_ident(void *ctx, const jy_payable *p)
{
    idents *I = ctx;
    ident *nv = vec_room(I->v, I->n, &I->cap, sizeof *I->v);
    if (!nv) {
        I->oom = 1;
        return 1;
    }
    I->v = nv;
    ident *x = &I->v[I->n++];
    jy_ledger_claim_key(p, x->key); /* recomputed: payables from before migration 5 have none stored */
    x->id = p->id;
    snprintf(x->status, sizeof x->status, "%s", p->status);
    return 0;
}

static int ident_cmp(const void *a, const void *b)
{
    const ident *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* 1 (held, listed in skipped) when another live payable pays the same claim as p, 0 otherwise. */
static int duplicate_gate(jy_store *st, const idents *I, const jy_payable *p, jy_sb *skipped, int *nskipped)
{
    ident key;
    memset(&key, 0, sizeof key);
    jy_ledger_claim_key(p, key.key);
    size_t lo = 0, hi = I->n; /* the first entry with this key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(I->v[mid].key, key.key) < 0) lo = mid + 1;
        else hi = mid;
    }
    jy_sb others = JY_SB_INIT, ids = JY_SB_INIT;
    int n = 0;
    for (size_t i = lo; i < I->n && strcmp(I->v[i].key, key.key) == 0; i++) {
        if (I->v[i].id == p->id) continue;
        jy_sb_appendf(&others, "%s%" PRId64 " (%s)", n ? ", " : "", I->v[i].id, I->v[i].status);
        jy_sb_appendf(&ids, "%s%" PRId64, n ? "," : "", I->v[i].id);
        n++;
    }
    if (n && skipped) {
        char who[200], a[JY_MONEY_BUFSZ], period[32];
        jy_ledger_payee_text(st, p, who, sizeof who);
        if (p->month[0]) snprintf(period, sizeof period, "%s", p->month);
        else if (p->case_id) snprintf(period, sizeof period, "case %" PRId64, p->case_id);
        else snprintf(period, sizeof period, "%d", p->year);
        jy_sb msg = JY_SB_INIT;
        jy_sb_appendf(&msg,
                      "duplicate payee: payable %" PRId64 " (%s%s%s) and payable %s pay %s for %s %s — one payable per "
                      "payee, programme and period: held out of the batch until the wrong one is cancelled "
                      "(jiuye ledger cancel ID)",
                      p->id, jy_money_format(p->amount, a), p->claim[0] ? ", claim " : "", p->claim, jy_sb_cstr(&others),
                      who, p->program, period);
        if (*nskipped) jy_sb_appendc(skipped, ',');
        jy_sb_appendc(skipped, '{');
        jy_sb_json_kv_i64(skipped, "payable_id", p->id);
        if (p->case_id) jy_sb_json_kv_i64(skipped, "case_id", p->case_id);
        jy_sb_json_kv_str(skipped, "reason", jy_sb_cstr(&msg));
        jy_sb_json_key(skipped, "duplicate_of");
        jy_sb_appendc(skipped, '[');
        jy_sb_append(skipped, jy_sb_cstr(&ids));
        jy_sb_append(skipped, "]}");
        jy_sb_free(&msg);
    }
    if (n) (*nskipped)++;
    jy_sb_free(&others);
    jy_sb_free(&ids);
    return n ? 1 : 0;
}

/* ---- transfers: one per payee account in a batch (issue 13) ---- */

/* An open-addressing table from "kind|payee id|account" to its transfer number. */
typedef struct acct_slot {
    char key[96];
    int no;
} acct_slot;

typedef struct accounts {
    acct_slot *slot;
    size_t cap;
    int next;
} accounts;

static int accounts_init(accounts *A, size_t n, jy_err *err)
{
    A->cap = 16;
    while (A->cap < 2 * n + 1) A->cap *= 2;
    A->slot = calloc(A->cap, sizeof *A->slot);
    A->next = 0;
    return A->slot ? 0 : jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
}

/* Sets l->transfer_no: the number of the batch's transfer to l's payee and account, a new one
 * (1, 2, … in line order) for an account not seen yet. */
static int transfer_of(accounts *A, jy_batch_line *l, jy_err *err)
{
    char key[96];
    int k = snprintf(key, sizeof key, "%d|%s|%s", l->payee_kind, l->payee_id, l->account);
    if (k < 0 || (size_t)k >= sizeof key) return jy_err_set2(err, JY_EINVAL, "pay.payee_key", "payee key too long", "收款人标识过长");
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = key; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (size_t i = (size_t)(h & (A->cap - 1));; i = (i + 1) & (A->cap - 1)) {
        acct_slot *s = &A->slot[i];
        if (!s->no) {
            memcpy(s->key, key, (size_t)k + 1);
            s->no = ++A->next;
            l->transfer_no = s->no;
            return 0;
        }
        if (strcmp(s->key, key) == 0) {
            l->transfer_no = s->no;
            return 0;
        }
    }
}

static int build(jy_store *st, jy_cases *cs, const char *county, const char *program, const char *month, int year,
                 const char *actor, jy_batch *out, jy_sb *skipped, jy_err *err)
{
    if (!program || !*program) return jy_err_set2(err, JY_EINVAL, "batch.program_missing", "a batch needs a programme (--program P13)", "拨付批次需要指定项目（--program P13）");
    if (jy_policy_program_index(cs->pol, program) < 0)
        return jy_err_set2(err, JY_EINVAL, "case.program_unknown_opt", "--program %s: unknown programme (P1 … P26)", "--program %s：未知的项目（P1 … P26）", program);
    int rc = may(cs, "batch_build", NULL, county, actor, err);
    if (rc) return rc;
    idlist ids = {0};
    idents live = {0};
    accounts accts = {0};
    int nskipped = 0, nheld = 0;
    if (skipped) jy_sb_appendc(skipped, '[');
    rc = jy_store_begin(st, err);
    if (rc) goto out;
    jy_payable_filter f = {.county = county, .program = program, .status = "approved", .month = month};
    if ((rc = jy_store_payable_list(st, &f, collect_payable, &ids, err))) goto done;
    if ((rc = jy_store_payable_identities(st, county, program, on_ident, &live, err))) goto done;
    if (live.oom) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    if (live.n) qsort(live.v, live.n, sizeof *live.v, ident_cmp);
    memset(out, 0, sizeof *out);
    snprintf(out->county, sizeof out->county, "%s", county);
    snprintf(out->program, sizeof out->program, "%s", program);
    snprintf(out->month, sizeof out->month, "%s", month ? month : "");
    if ((rc = jy_store_batch_add(st, out, actor, err))) goto done;
    if ((rc = accounts_init(&accts, ids.n, err))) goto done;
    for (size_t i = 0; i < ids.n; i++) {
        jy_payable p;
        if ((rc = jy_store_payable_get(st, ids.v[i], &p, err))) goto done;
        if (year && p.year != year) continue;
        if (duplicate_gate(st, &live, &p, skipped, &nskipped)) {
            nheld++;
            continue;
        }
        int gate = case_gate(cs, &p, skipped, &nskipped, err);
        if (gate < 0) {
            rc = gate;
            goto done;
        }
        if (gate) continue;
        jy_batch_line l;
        memset(&l, 0, sizeof l);
        jy_err why;
        int r = resolve_payee(st, &p, &l, &why);
        if (r == JY_ENODATA) {
            skip_entry(skipped, &nskipped, &p, jy_err_text(&why), NULL);
            continue;
        }
        if (r) {
            if (err) *err = why;
            rc = r;
            goto done;
        }
        l.batch_id = out->id;
        l.line_no = out->nlines + 1;
        l.payable_id = p.id;
        l.amount = p.amount;
        if ((rc = transfer_of(&accts, &l, err))) goto done;
        snprintf(l.idem_key, sizeof l.idem_key, "jy-pay-%" PRId64 "-%" PRId64, out->id, p.id);
        if ((rc = jy_store_batch_line_add(st, &l, actor, err))) goto done;
        if ((rc = jy_store_payable_set_status(st, p.id, "approved", "batched", actor, err))) goto done;
        out->nlines++;
        out->total += p.amount;
    }
    if (out->nlines == 0) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "batch.nothing_to_pay", "%s%s%s: no approved payable to pay%s", "%s%s%s：没有已核准待拨付的应付款%s", program, month ? " " : "",
                        month ? month : "",
                        nheld ? " (duplicates held: see skipped)" : nskipped ? " (some lack an account: see skipped)" : "");
        goto done;
    }
    rc = jy_store_batch_update(st, out, "draft", actor, err);
done:
    rc = finish(st, rc, err);
out:
    if (skipped) jy_sb_appendc(skipped, ']');
    free(ids.v);
    free(live.v);
    free(accts.slot);
    return rc;
}

int jy_batch_build_cases(jy_cases *cs, const char *county, const char *program, const char *month, int year,
                         const char *actor, jy_batch *out, jy_sb *skipped, jy_err *err)
{
    return build(cs->st, cs, county, program, month, year, actor, out, skipped, err);
}

typedef struct build_req {
    jy_cases *cs;
    const char *county, *program, *month;
    int year;
    const char *actor;
} build_req;

static int build_body(void *ctx, jy_sb *out, jy_err *err)
{
    build_req *r = ctx;
    jy_batch b;
    jy_sb skipped = JY_SB_INIT;
    int rc = jy_batch_build_cases(r->cs, r->county, r->program, r->month, r->year, r->actor, &b, &skipped, err);
    if (rc == 0) {
        jy_batch_json(out, &b);
        out->len--;
        jy_sb_json_key(out, "skipped");
        jy_sb_append(out, jy_sb_cstr(&skipped));
        jy_sb_appendc(out, '}');
    } else if (skipped.len > 2 && err) { /* why nothing could be paid */
        size_t room = sizeof err->msg - strlen(err->msg);
        if (room > 12) snprintf(err->msg + strlen(err->msg), room, "; skipped: %s", jy_sb_cstr(&skipped));
        size_t zl = strlen(err->zh);
        if (zl && sizeof err->zh - zl > 24) snprintf(err->zh + zl, sizeof err->zh - zl, "；未纳入：%s", jy_sb_cstr(&skipped));
    }
    jy_sb_free(&skipped);
    return rc;
}

int jy_batch_build_request(jy_cases *cs, const char *county, const char *program, const char *month, int year,
                           const char *idem_key, const char *actor, jy_sb *out, int *replayed, jy_err *err)
{
    jy_sb req = JY_SB_INIT;
    jy_sb_appendc(&req, '{');
    jy_sb_json_kv_str(&req, "county", county);
    jy_sb_json_kv_str(&req, "program", program ? program : "");
    jy_sb_json_kv_str(&req, "month", month ? month : "");
    jy_sb_json_kv_i64(&req, "year", year);
    jy_sb_appendc(&req, '}');
    build_req r = {cs, county, program, month, year, actor};
    int rc = jy_idem_run(cs->st, idem_key, "batch_build", county, jy_sb_cstr(&req), actor, build_body, &r, out, replayed,
                         err);
    jy_sb_free(&req);
    return rc;
}

int jy_batch_approve(jy_cases *cs, int64_t id, const char *actor, jy_batch *out, jy_err *err)
{
    jy_store *st = cs->st;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_batch_get(st, id, out, err))) goto done;
    if ((rc = may(cs, "batch_approve", out, NULL, actor, err))) goto done;
    if (strcmp(out->status, "draft") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.review_status", "payment batch %" PRId64 " is %s: only a draft is reviewed", "拨付批次 %" PRId64 " 的状态为 %s：只有草稿才能复核", id, out->status);
        goto done;
    }
    if (strcmp(out->built_by, actor && *actor ? actor : "system") == 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.four_eyes",
                        "payment batch %" PRId64 " was built by %s: another person must review it (--as NAME)", "拨付批次 %" PRId64 " 由 %s 生成：须由另一人复核（--as 姓名）", id,
                        out->built_by);
        goto done;
    }
    snprintf(out->status, sizeof out->status, "approved");
    snprintf(out->approved_by, sizeof out->approved_by, "%s", actor);
    jy_store_now(out->approved_at, sizeof out->approved_at);
    rc = jy_store_batch_update(st, out, "draft", actor, err);
done:
    return finish(st, rc, err);
}

typedef struct approve_req {
    jy_cases *cs;
    int64_t id;
    const char *actor;
} approve_req;

static int approve_body(void *ctx, jy_sb *out, jy_err *err)
{
    approve_req *r = ctx;
    jy_batch b;
    int rc = jy_batch_approve(r->cs, r->id, r->actor, &b, err);
    if (rc == 0) jy_batch_json(out, &b);
    return rc;
}

int jy_batch_approve_request(jy_cases *cs, int64_t id, const char *idem_key, const char *actor, jy_sb *out,
                             int *replayed, jy_err *err)
{
    jy_batch b;
    int rc = jy_store_batch_get(cs->st, id, &b, err);
    if (rc) return rc;
    char req[64];
    snprintf(req, sizeof req, "{\"batch\":%" PRId64 "}", id);
    approve_req r = {cs, id, actor};
    return jy_idem_run(cs->st, idem_key, "batch_approve", b.county, req, actor, approve_body, &r, out, replayed, err);
}

/* ---------------------------------------------------------------- export */

typedef struct lines_buf {
    jy_batch_line *v;
    size_t n, cap;
} lines_buf;

static int collect_line(void *ctx, const jy_batch_line *l)
{
    lines_buf *b = ctx;
    jy_batch_line *nv = vec_room(b->v, b->n, &b->cap, sizeof *b->v);
    if (!nv) return 1;
    b->v = nv;
    b->v[b->n++] = *l;
    return 0;
}

static int line_by_transfer(const void *a, const void *b)
{
    const jy_batch_line *x = a, *y = b;
    if (x->transfer_no != y->transfer_no) return x->transfer_no < y->transfer_no ? -1 : 1;
    return (x->line_no > y->line_no) - (x->line_no < y->line_no);
}

/* One row of the bank file: a batch's lines to one payee account, summed. */
typedef struct bank_transfer {
    int no;
    const jy_batch_line *first; /* payee, account and bank as on its lines */
    int64_t amount;
    int nlines;
    jy_sb payables;             /* "4;5;6" */
    jy_sb names;                /* the people or class paid for, "马小军、杨帆" (distinct) */
    int nnames;
    char memo[512];
} bank_transfer;

typedef struct transfers {
    bank_transfer *v;
    size_t n;
} transfers;

static void transfers_free(transfers *T)
{
    for (size_t i = 0; i < T->n; i++) {
        jy_sb_free(&T->v[i].payables);
        jy_sb_free(&T->v[i].names);
    }
    free(T->v);
    T->v = NULL;
    T->n = 0;
}

/* Who the line pays for: the case's person (a trainee paid to the school, an intern paid
 * themselves), else a class (its occupation, 培训班), else the payee. Into buf. */
static int paid_for(jy_store *st, const jy_batch_line *l, char *buf, size_t n, jy_err *err)
{
    jy_payable p;
    int rc = jy_store_payable_get(st, l->payable_id, &p, err);
    if (rc) return rc;
    snprintf(buf, n, "%s", l->payee_name);
    if (!p.case_id) return 0;
    jy_case c;
    jy_sb text = JY_SB_INIT;
    rc = jy_store_case_get(st, p.case_id, &c, &text, err);
    if (rc == 0) {
        if (c.person_id) {
            jy_person who;
            if ((rc = jy_store_person_get(st, c.person_id, &who, err)) == 0) snprintf(buf, n, "%s", who.name);
        } else if (strcmp(c.kind, "training_class") == 0) {
            snprintf(buf, n, "%s培训班（案件%" PRId64 "）", c.occupation[0] ? c.occupation : "", c.id);
        }
    }
    jy_sb_free(&text);
    return rc;
}

/* UTF-8 characters in s[0..n). */
static size_t u8chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
    return k;
}

/* "P1拨付：马小军、杨帆、李娜", cut to max characters: "P1拨付：马小军、杨帆等5人" when the names do not fit. */
static void make_memo(const jy_batch *b, bank_transfer *t, int max)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s%s%s拨付：", b->program, b->month[0] ? " " : "", b->month);
    size_t room = sizeof t->memo;
    const char *names = jy_sb_cstr(&t->names);
    size_t whole = u8chars(prefix, strlen(prefix)) + u8chars(names, strlen(names));
    if ((int)whole <= max && strlen(prefix) + strlen(names) < room) {
        snprintf(t->memo, room, "%s%s", prefix, names);
        return;
    }
    char tail[32];
    snprintf(tail, sizeof tail, "等%d人", t->nnames);
    size_t budget = (size_t)max > u8chars(prefix, strlen(prefix)) + u8chars(tail, strlen(tail))
                        ? (size_t)max - u8chars(prefix, strlen(prefix)) - u8chars(tail, strlen(tail))
                        : 0;
    /* whole names only: cut at the last 、 that keeps within budget */
    size_t cut = 0, chars = 0;
    for (size_t i = 0; names[i];) {
        size_t j = i;
        while (names[j] && strncmp(names + j, "、", strlen("、")) != 0) j++;
        size_t c = u8chars(names + i, j - i) + (i ? 1 : 0);
        if (chars + c > budget) break;
        chars += c;
        cut = j;
        i = names[j] ? j + strlen("、") : j;
    }
    if (strlen(prefix) + cut + strlen(tail) >= room) cut = 0;
    snprintf(t->memo, room, "%s%.*s%s", prefix, (int)cut, names, tail);
}

/* Groups the batch's lines into transfers (sorted by transfer, then line), with their memos. */
static int build_transfers(jy_store *st, const jy_batch *b, lines_buf *lines, int memo_max, transfers *T, jy_err *err)
{
    memset(T, 0, sizeof *T);
    if (lines->n == 0) return 0;
    qsort(lines->v, lines->n, sizeof *lines->v, line_by_transfer);
    T->v = calloc(lines->n, sizeof *T->v);
    if (!T->v) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    for (size_t i = 0; i < lines->n; i++) {
        const jy_batch_line *l = &lines->v[i];
        bank_transfer *t = T->n ? &T->v[T->n - 1] : NULL;
        if (!t || t->no != l->transfer_no) {
            t = &T->v[T->n++];
            t->no = l->transfer_no;
            t->first = l;
            jy_sb_init(&t->payables);
            jy_sb_init(&t->names);
        }
        t->amount += l->amount;
        jy_sb_appendf(&t->payables, "%s%" PRId64, t->nlines ? ";" : "", l->payable_id);
        t->nlines++;
        char who[160];
        int rc = paid_for(st, l, who, sizeof who, err);
        if (rc) return rc;
        /* distinct names: look for "、who、" in "、names、" */
        jy_sb probe = JY_SB_INIT, hay = JY_SB_INIT;
        jy_sb_appendf(&probe, "、%s、", who);
        jy_sb_appendf(&hay, "、%s、", jy_sb_cstr(&t->names));
        int seen = strstr(jy_sb_cstr(&hay), jy_sb_cstr(&probe)) != NULL;
        jy_sb_free(&probe);
        jy_sb_free(&hay);
        if (!seen) {
            jy_sb_appendf(&t->names, "%s%s", t->nnames ? "、" : "", who);
            t->nnames++;
        }
    }
    for (size_t i = 0; i < T->n; i++) make_memo(b, &T->v[i], memo_max);
    return 0;
}

#define BANK_CELL 640 /* the widest field (a memo, a payee name, a list of payables) fits whole */

/* The text of column c for transfer t, masked unless unmasked (money "1750.00": never a double). */
static void cell_of(const jy_bank_column *c, const jy_batch *b, const bank_transfer *t, const char *program_title,
                    int unmasked, char *out, size_t n)
{
    jy_batch_line shown = *t->first;
    if (!unmasked) jy_privacy_mask_batch_line(&shown); /* the payee's ID number and account */
    char money[JY_MONEY_BUFSZ];
    switch (c->field) {
    case JY_BF_SEQ: snprintf(out, n, "%d", t->no); break;
    case JY_BF_PAYEE_KIND: snprintf(out, n, "%s", shown.payee_kind == JY_PAYEE_ORG ? "单位（基本账户）" : "个人（社保卡）"); break;
    case JY_BF_PAYEE_NAME: snprintf(out, n, "%s", shown.payee_name); break;
    case JY_BF_PAYEE_ID: snprintf(out, n, "%s", shown.payee_id); break;
    case JY_BF_ACCOUNT: snprintf(out, n, "%s", shown.account); break;
    case JY_BF_BANK_NAME: snprintf(out, n, "%s", shown.bank_name); break;
    case JY_BF_AMOUNT: snprintf(out, n, "%s", jy_money_format_plain(t->amount, money)); break;
    case JY_BF_AMOUNT_FEN: snprintf(out, n, "%" PRId64, t->amount); break;
    case JY_BF_PROGRAM: snprintf(out, n, "%s", b->program); break;
    case JY_BF_PROGRAM_TITLE: snprintf(out, n, "%s", program_title); break;
    case JY_BF_MEMO: snprintf(out, n, "%s", t->memo); break;
    case JY_BF_LINES: snprintf(out, n, "%d", t->nlines); break;
    case JY_BF_PAYABLES: snprintf(out, n, "%s", jy_sb_cstr(&t->payables)); break;
    case JY_BF_REF: snprintf(out, n, "jy-%" PRId64 "-%d", b->id, t->no); break;
    case JY_BF_CONST: snprintf(out, n, "%s", c->text); break;
    default: out[0] = '\0';
    }
}

/* The 合计 row's cell of column c: "合计" in the first column, the sums in amount, fen and lines. */
static void total_cell(const jy_bank_layout *L, int k, const jy_batch *b, const transfers *T, char *out, size_t n)
{
    char money[JY_MONEY_BUFSZ];
    int64_t lines = 0;
    for (size_t i = 0; i < T->n; i++) lines += T->v[i].nlines;
    out[0] = '\0';
    if (k == 0) snprintf(out, n, "合计");
    else if (L->cols[k].field == JY_BF_AMOUNT) snprintf(out, n, "%s", jy_money_format_plain(b->total, money));
    else if (L->cols[k].field == JY_BF_AMOUNT_FEN) snprintf(out, n, "%" PRId64, b->total);
    else if (L->cols[k].field == JY_BF_LINES) snprintf(out, n, "%" PRId64, lines);
}

static void csv_field(jy_sb *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        jy_sb_append(out, s);
        return;
    }
    jy_sb_appendc(out, '"');
    for (; *s; s++) {
        if (*s == '"') jy_sb_appendc(out, '"');
        jy_sb_appendc(out, *s);
    }
    jy_sb_appendc(out, '"');
}

static int write_csv(const char *path, const jy_bank_layout *L, const char *encoding, const jy_batch *b,
                     const transfers *T, const char *title, int unmasked, jy_err *err)
{
    jy_sb u = JY_SB_INIT, enc = JY_SB_INIT;
    char cell[BANK_CELL];
    if (L->header) {
        for (int c = 0; c < L->ncols; c++) {
            if (c) jy_sb_appendc(&u, ',');
            csv_field(&u, L->cols[c].header);
        }
        jy_sb_append(&u, "\r\n");
    }
    for (size_t i = 0; i < T->n; i++) {
        for (int c = 0; c < L->ncols; c++) {
            if (c) jy_sb_appendc(&u, ',');
            cell_of(&L->cols[c], b, &T->v[i], title, unmasked, cell, sizeof cell);
            csv_field(&u, cell);
        }
        jy_sb_append(&u, "\r\n");
    }
    if (L->total) {
        for (int c = 0; c < L->ncols; c++) {
            if (c) jy_sb_appendc(&u, ',');
            total_cell(L, c, b, T, cell, sizeof cell);
            csv_field(&u, cell);
        }
        jy_sb_append(&u, "\r\n");
    }
    int rc = jy_bank_encode(encoding, u.buf ? u.buf : "", u.len, &enc, err);
    if (rc == 0) {
        FILE *f = jy_fopen_private(path, "wb");
        if (!f) rc = jy_err_set2(err, JY_EIO, "file.cannot_write", "%s: cannot write: %s", "%s：无法写入：%s", path, strerror(errno));
        else {
            if (enc.len && fwrite(enc.buf, 1, enc.len, f) != enc.len) rc = jy_err_set2(err, JY_EIO, "file.write_failed", "%s: write failed", "%s：写入失败", path);
            if (fclose(f) != 0 && rc == 0) rc = jy_err_set2(err, JY_EIO, "file.write_failed_why", "%s: write failed: %s", "%s：写入失败：%s", path, strerror(errno));
        }
    }
    jy_sb_free(&u);
    jy_sb_free(&enc);
    return rc;
}

static int write_xlsx(jy_store *st, const char *path, const jy_bank_layout *L, const jy_batch *b, const transfers *T,
                      const char *title, int unmasked, jy_err *err)
{
#ifdef JY_HAVE_XLSXWRITER
    /* libxlsxwriter opens the file itself: made 0600 first, it keeps that mode */
    if (jy_file_make_private(path) != 0) return jy_err_set2(err, JY_EIO, "file.cannot_create", "%s: cannot create: %s", "%s：无法创建：%s", path, strerror(errno));
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return jy_err_set2(err, JY_EIO, "xlsx.cannot_create", "%s: cannot create the workbook", "%s：无法创建工作簿", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "代发明细");
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@"); /* accounts and ID numbers stay text, never 6.22E+18 */
    char cell[BANK_CELL];
    lxw_row_t r = 0;
    if (L->header) {
        for (int c = 0; c < L->ncols; c++) worksheet_write_string(ws, r, (lxw_col_t)c, L->cols[c].header, head);
        r++;
    }
    for (size_t i = 0; i < T->n; i++, r++)
        for (int c = 0; c < L->ncols; c++) {
            cell_of(&L->cols[c], b, &T->v[i], title, unmasked, cell, sizeof cell);
            worksheet_write_string(ws, r, (lxw_col_t)c, cell, text);
        }
    if (L->total) {
        for (int c = 0; c < L->ncols; c++) {
            total_cell(L, c, b, T, cell, sizeof cell);
            if (cell[0]) worksheet_write_string(ws, r, (lxw_col_t)c, cell, head);
        }
    }
    worksheet_set_column(ws, 0, (lxw_col_t)(L->ncols ? L->ncols - 1 : 0), 18, NULL);
    /* the detail: which payables each transfer pays (traceability; no account numbers here) */
    lxw_worksheet *wd = workbook_add_worksheet(wb, "应付款明细");
    static const char *const dcols[] = {"转账序号", "行号", "应付款编号", "案件编号", "补贴对象", "金额（元）", "状态"};
    for (size_t c = 0; c < sizeof dcols / sizeof *dcols; c++) worksheet_write_string(wd, 0, (lxw_col_t)c, dcols[c], head);
    lxw_row_t dr = 1;
    int rc = 0;
    for (size_t i = 0; i < T->n && rc == 0; i++) {
        const bank_transfer *t = &T->v[i];
        for (int k = 0; k < t->nlines && rc == 0; k++, dr++) {
            const jy_batch_line *l = t->first + k;
            jy_payable p;
            char who[160], money[JY_MONEY_BUFSZ];
            if ((rc = jy_store_payable_get(st, l->payable_id, &p, err))) break;
            if ((rc = paid_for(st, l, who, sizeof who, err))) break;
            snprintf(cell, sizeof cell, "%d", t->no);
            worksheet_write_string(wd, dr, 0, cell, text);
            snprintf(cell, sizeof cell, "%d", l->line_no);
            worksheet_write_string(wd, dr, 1, cell, text);
            snprintf(cell, sizeof cell, "%" PRId64, l->payable_id);
            worksheet_write_string(wd, dr, 2, cell, text);
            if (p.case_id) snprintf(cell, sizeof cell, "%" PRId64, p.case_id);
            else cell[0] = '\0';
            worksheet_write_string(wd, dr, 3, cell, text);
            worksheet_write_string(wd, dr, 4, who, text);
            worksheet_write_string(wd, dr, 5, jy_money_format_plain(l->amount, money), text);
            worksheet_write_string(wd, dr, 6, l->status, text);
        }
    }
    lxw_error e = workbook_close(wb);
    if (rc) return rc;
    if (e != LXW_NO_ERROR) return jy_err_set2(err, JY_EIO, "xlsx.write", "%s: %s", "%s：写入工作簿出错：%s", path, lxw_strerror(e));
    return 0;
#else
    (void)st;
    (void)L;
    (void)b;
    (void)T;
    (void)title;
    (void)unmasked;
    return jy_err_set2(err, JY_ENODATA, "xlsx.not_built", "%s: this jiuye was built without libxlsxwriter (XLSX export)", "%s：本 jiuye 编译时未带 libxlsxwriter（不能导出 XLSX）", path);
#endif
}

/* The programme's title from the policy ("" when unknown). */
static void program_title(jy_cases *cs, const char *program, char *out, size_t n)
{
    out[0] = '\0';
    if (!cs || !cs->pol) return;
    jy_sb js = JY_SB_INIT;
    jy_policy_list_json(cs->pol, &js);
    json_t *root = json_loadb(js.buf ? js.buf : "", js.len, 0, NULL);
    jy_sb_free(&js);
    json_t *arr = json_is_array(root) ? root : json_object_get(root, "programs");
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p) {
        const char *pid = json_string_value(json_object_get(p, "program"));
        if (pid && strcmp(pid, program) == 0) {
            const char *t = json_string_value(json_object_get(p, "title"));
            snprintf(out, n, "%s", t ? t : "");
            break;
        }
    }
    json_decref(root);
}

static int export_file(jy_cases *cs, int64_t id, const jy_bank_export *x, const char *actor, int unmasked,
                       jy_bank_export_info *info, jy_err *err)
{
    jy_store *st = cs->st;
    lines_buf lines = {0};
    transfers T = {0};
    jy_batch b;
    jy_bank_layout L;
    char layout_name[48], encoding[16], title[160];
    if (info) memset(info, 0, sizeof *info);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_batch_get(st, id, &b, err))) goto done;
    if ((rc = may(cs, "batch_export", &b, NULL, actor, err))) goto done;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.export_unreviewed", "payment batch %" PRId64 " is %s: it must be reviewed (batch approve) before export", "拨付批次 %" PRId64 " 的状态为 %s：须先复核（batch approve）才能导出",
                        id, b.status);
        goto done;
    }
    if (!x->csv_path && !x->xlsx_path) goto stamp; /* nothing to write: only the export is recorded */
    if (x->layout && *x->layout) snprintf(layout_name, sizeof layout_name, "%s", x->layout);
    else jy_settings_get(st, b.county, "bank_layout", layout_name, sizeof layout_name);
    const char *pdir = x->policy_dir && *x->policy_dir ? x->policy_dir : getenv("JIUYE_POLICY");
    if (!pdir || !*pdir) pdir = JY_POLICY_DIR;
    if ((rc = jy_bank_layout_load(pdir, layout_name, &L, err))) goto done;
    if (x->encoding && *x->encoding) snprintf(encoding, sizeof encoding, "%s", x->encoding);
    else if (L.encoding[0]) snprintf(encoding, sizeof encoding, "%s", L.encoding);
    else jy_settings_get(st, b.county, "bank_encoding", encoding, sizeof encoding);
    if (strcmp(encoding, "gb18030") != 0 && strcmp(encoding, "utf-8-bom") != 0) {
        rc = jy_err_set2(err, JY_EINVAL, "bank.encoding", "bank file encoding \"%s\" is not gb18030 or utf-8-bom", "银行文件编码“%s”应为 gb18030 或 utf-8-bom", encoding);
        goto done;
    }
    if ((rc = jy_store_batch_lines(st, id, NULL, collect_line, &lines, err))) goto done;
    if ((rc = build_transfers(st, &b, &lines, L.memo_max, &T, err))) goto done;
    for (size_t i = 0; i < T.n && L.payees; i++) {
        if (T.v[i].first->payee_kind != L.payees) {
            rc = jy_err_set2(err, JY_EINVAL, "bank.layout_payees",
                             "bank layout %1$s (%2$s) pays %3$s only, but transfer %4$d of payment batch %5$" PRId64
                             " pays %6$s (%7$s): export this batch with another layout (--layout generic)%8$.0s%9$.0s",
                             "银行文件格式 %1$s（%2$s）只能支付给%8$s，但拨付批次 %5$" PRId64 " 的第%4$d笔转账支付给%6$s（%9$s）："
                             "请改用其他格式导出本批次（--layout generic）%3$.0s%7$.0s",
                             L.name, L.title, L.payees == JY_PAYEE_PERSON ? "persons (社保卡)" : "organisations",
                             T.v[i].no, id, T.v[i].first->payee_name,
                             T.v[i].first->payee_kind == JY_PAYEE_ORG ? "an organisation" : "a person",
                             L.payees == JY_PAYEE_PERSON ? "个人（社保卡）" : "单位",
                             T.v[i].first->payee_kind == JY_PAYEE_ORG ? "单位" : "个人");
            goto done;
        }
    }
    program_title(cs, b.program, title, sizeof title);
    if (x->csv_path && (rc = write_csv(x->csv_path, &L, encoding, &b, &T, title, unmasked, err))) goto done;
    if (x->xlsx_path && (rc = write_xlsx(st, x->xlsx_path, &L, &b, &T, title, unmasked, err))) goto done;
    if (info) {
        memset(info, 0, sizeof *info);
        snprintf(info->layout, sizeof info->layout, "%s", L.name);
        snprintf(info->layout_title, sizeof info->layout_title, "%s", L.title);
        snprintf(info->encoding, sizeof info->encoding, "%s", encoding);
        info->transfers = (int)T.n;
        info->lines = (int)lines.n;
    }
stamp:;
    char from[12];
    snprintf(from, sizeof from, "%s", b.status);
    jy_store_now(b.exported_at, sizeof b.exported_at);
    rc = jy_store_batch_update(st, &b, from, actor, err);
done:
    transfers_free(&T);
    free(lines.v);
    return finish(st, rc, err);
}

int jy_batch_export(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path, const char *actor,
                    jy_err *err)
{
    jy_bank_export x = {.csv_path = csv_path, .xlsx_path = xlsx_path};
    return jy_batch_export_bank(cs, id, &x, NULL, actor, NULL, err);
}

int jy_batch_export_unmasked(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path,
                             const jy_access_req *rq, jy_err *err)
{
    jy_bank_export x = {.csv_path = csv_path, .xlsx_path = xlsx_path};
    return jy_batch_export_bank(cs, id, &x, rq, rq ? rq->actor : NULL, NULL, err);
}

int jy_batch_export_bank(jy_cases *cs, int64_t id, const jy_bank_export *x, const jy_access_req *rq,
                         const char *actor, jy_bank_export_info *info, jy_err *err)
{
    if (!rq || !rq->unmask) return export_file(cs, id, x, actor, 0, info, err);
    jy_store *st = cs->st;
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0)
        return jy_err_set2(err, JY_ECONFLICT, "batch.export_unreviewed",
                          "payment batch %" PRId64 " is %s: it must be reviewed (batch approve) before export", "拨付批次 %" PRId64 " 的状态为 %s：须先复核（batch approve）才能导出", id, b.status);
    const char *csv_path = x->csv_path, *xlsx_path = x->xlsx_path;
    jy_sb target = JY_SB_INIT;
    jy_sb_appendf(&target, "%" PRId64 " %s%s%s%s", id, csv_path ? "csv=" : "", csv_path ? csv_path : "",
                  xlsx_path ? (csv_path ? " xlsx=" : "xlsx=") : "", xlsx_path ? xlsx_path : "");
    /* logged (committed) before a digit is written */
    rc = jy_privacy_grant(st, rq, JY_PRIV_BANK, "export", "pay_batch", b.county, jy_sb_cstr(&target), err);
    jy_sb_free(&target);
    if (rc) return rc;
    return export_file(cs, id, x, rq->actor, 1, info, err);
}

/* ---------------------------------------------------------------- paying */

static void test_delay(void)
{
    const char *s = getenv("JIUYE_TEST_DELAY_MS");
    long ms = s ? strtol(s, NULL, 10) : 0;
    if (ms <= 0) return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* Pays one line in its own transaction. *outcome: 1 paid now, 2 already paid, 3 failed. */
static int pay_line(jy_store *st, jy_cases *cs, int64_t batch_id, int line_no, const char *paid_on,
                    const char *actor, int *outcome, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch_line l;
    jy_payable p;
    if ((rc = jy_store_batch_line_get(st, batch_id, line_no, &l, err))) goto done;
    if (strcmp(l.status, "paid") == 0) {
        *outcome = 2;
        goto done;
    }
    if (strcmp(l.status, "failed") == 0) {
        *outcome = 3;
        goto done;
    }
    if ((rc = jy_store_payable_get(st, l.payable_id, &p, err))) goto done;
    if ((rc = jy_ledger_pay(st, &p, &l, actor, err))) goto done;
    if (cs && p.case_id) {
        char why[128];
        snprintf(why, sizeof why, "拨付批次 %" PRId64 " 第 %d 行已支付", batch_id, line_no);
        jy_date on = 0;
        if (paid_on && *paid_on && jy_date_parse_n(paid_on, strlen(paid_on), &on, NULL) != 0) on = 0;
        if ((rc = jy_case_paid_by_batch(cs, p.case_id, why, on, actor, err))) goto done;
    }
    jy_batch_line nl = l;
    snprintf(nl.status, sizeof nl.status, "paid");
    nl.attempts = l.attempts + 1;
    if (paid_on && *paid_on) snprintf(nl.paid_at, sizeof nl.paid_at, "%s", paid_on);
    else jy_store_now(nl.paid_at, sizeof nl.paid_at);
    if ((rc = jy_store_batch_line_update(st, &nl, "pending", actor, err))) goto done;
    test_delay(); /* test hook: a kill here must leave this line wholly unpaid */
    *outcome = 1;
done:
    return finish(st, rc, err);
}

static int count_line(void *ctx, const jy_batch_line *l)
{
    jy_batch_run *r = ctx;
    if (strcmp(l->status, "pending") == 0) r->pending++;
    else if (strcmp(l->status, "failed") == 0) r->failed++;
    return 0;
}

typedef struct line_nos {
    int *v;
    size_t n, cap;
} line_nos;

static int collect_line_no(void *ctx, const jy_batch_line *l)
{
    line_nos *b = ctx;
    int *nv = vec_room(b->v, b->n, &b->cap, sizeof *b->v);
    if (!nv) return 1;
    b->v = nv;
    b->v[b->n++] = l->line_no;
    return 0;
}

/* Takes batch id's run lock (run_lock.h) for the whole of one mark-paid, mark-failed or retry:
 * exactly one of several runs of the same batch at once goes ahead, every other is refused with
 * JY_ECONFLICT naming the batch (issue 3); a run that dies releases it with its process. */
static int lock_batch(jy_store *st, int64_t id, jy_run_lock **lock, jy_err *err)
{
    int rc = jy_run_lock_take(st, JY_RUN_BATCH, id, lock, err);
    if (rc == JY_ECONFLICT)
        jy_err_set2(err, JY_ECONFLICT, "batch.paying_now",
                   "payment batch %" PRId64 " is being paid by another run right now: wait for it to end, "
                   "then `jiuye batch show %" PRId64 "` tells what is left", "拨付批次 %" PRId64 " 正由另一次运行支付：请等其结束，再用 `jiuye batch show %" PRId64 "` 查看剩余部分",
                   id, id);
    return rc;
}

typedef struct transfer_lines {
    int transfer;
    line_nos *todo;
    int nfailed, npending, npaid;
    int first_failed;
    char fail_reason[128];
} transfer_lines;

static int collect_transfer_line(void *ctx, const jy_batch_line *l)
{
    transfer_lines *t = ctx;
    if (l->transfer_no != t->transfer) return 0;
    if (strcmp(l->status, "failed") == 0) {
        if (!t->nfailed++) {
            t->first_failed = l->line_no;
            snprintf(t->fail_reason, sizeof t->fail_reason, "%s", l->fail_reason);
        }
    } else if (strcmp(l->status, "pending") == 0) {
        t->npending++;
    } else {
        t->npaid++;
    }
    return collect_line_no(t->todo, l);
}

/* Checks a payment date: a real day, not after today (JIUYE_TODAY in tests). */
static int check_paid_on(const char *paid_on, jy_err *err)
{
    if (!paid_on || !*paid_on) return 0;
    jy_date d;
    jy_err e2;
    if (strlen(paid_on) != 10 || jy_date_parse_n(paid_on, 10, &d, &e2) != 0)
        return jy_err_set2(err, JY_EINVAL, "batch.date", "--date %1$s: not a date YYYY-MM-DD (%2$s)%3$.0s",
                           "--date %1$s：不是 YYYY-MM-DD 格式的日期（%3$s）%2$.0s", paid_on,
                           strlen(paid_on) == 10 ? e2.msg : "expected 10 characters",
                           strlen(paid_on) == 10 ? jy_err_zh(&e2) : "应为10个字符");
    jy_date today = jy_date_today();
    if (d > today) {
        char t[16];
        jy_date_format(today, t);
        return jy_err_set2(err, JY_EINVAL, "batch.date_future", "--date %s is after today (%s): the bank cannot have paid yet", "--date %s 晚于今天（%s）：银行不可能已经支付", paid_on, t);
    }
    return 0;
}

/* Collects the lines of t->transfer of batch id (the caller's transaction) into t: their numbers
 * in t->todo and how many are pending, paid and failed. JY_ENOTFOUND naming the batch when it has
 * no such transfer. */
static int transfer_collect(jy_store *st, int64_t id, transfer_lines *t, jy_err *err)
{
    int rc = jy_store_batch_lines(st, id, NULL, collect_transfer_line, t, err);
    if (rc == 0 && t->todo->n == 0)
        rc = jy_err_set2(err, JY_ENOTFOUND, "batch.no_transfer", "payment batch %" PRId64 " has no transfer %d", "拨付批次 %" PRId64 " 没有第%d笔转账", id, t->transfer);
    return rc;
}

/* Reads batch id into *b (the caller's transaction): JY_ECONFLICT naming the batch and its
 * status unless it is approved — the only status whose lines fail or are retried. */
static int batch_approved(jy_store *st, int64_t id, jy_batch *b, jy_err *err)
{
    int rc = jy_store_batch_get(st, id, b, err);
    if (rc == 0 && strcmp(b->status, "approved") != 0)
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.not_approved", "payment batch %" PRId64 " is %s, not approved", "拨付批次 %" PRId64 " 的状态为 %s，未经批准", id, b->status);
    return rc;
}

/* Line l (pending) failed at the bank for reason: one attempt more, written from pending. */
static int line_fail(jy_store *st, const jy_batch_line *l, const char *reason, const char *actor, jy_err *err)
{
    jy_batch_line nl = *l;
    snprintf(nl.status, sizeof nl.status, "failed");
    nl.attempts = l->attempts + 1;
    snprintf(nl.fail_reason, sizeof nl.fail_reason, "%s", reason);
    return jy_store_batch_line_update(st, &nl, "pending", actor, err);
}

/* Line l (failed) pending again, its payee and account read afresh from the registry (the
 * corrected card or account the failure asked for); written from failed, into *out (may be NULL). */
static int line_retry(jy_store *st, const jy_batch_line *l, const char *actor, jy_batch_line *out, jy_err *err)
{
    jy_payable p;
    int rc = jy_store_payable_get(st, l->payable_id, &p, err);
    if (rc) return rc;
    jy_batch_line fresh = *l;
    if ((rc = resolve_payee(st, &p, &fresh, err))) return rc;
    snprintf(fresh.status, sizeof fresh.status, "pending");
    fresh.fail_reason[0] = '\0';
    if ((rc = jy_store_batch_line_update(st, &fresh, "failed", actor, err))) return rc;
    if (out) *out = fresh;
    return 0;
}

/* What one run of the bank's answer on batch id does (paid, failed, retried; by line or by
 * transfer) and what it gives back. */
typedef struct batch_op {
    int line, transfer;
    const char *paid_on, *reason, *actor;
    jy_batch_run *run;   /* mark paid */
    jy_batch_line *out;  /* retry of a line */
    int *n;              /* retry of a transfer: lines put back (may be NULL) */
} batch_op;

typedef int (*batch_op_fn)(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err);

/* The door every bank answer goes through: the actor may pay (batch_pay of the batch's
 * workflow), then fn runs under the batch's run lock (one run of a batch at a time). */
static int batch_locked(jy_cases *cs, int64_t id, batch_op_fn fn, const batch_op *op, jy_err *err)
{
    int rc = may_batch(cs, "batch_pay", id, op->actor, err);
    if (rc) return rc;
    jy_run_lock *lock = NULL;
    rc = lock_batch(cs->st, id, &lock, err);
    if (rc == 0) rc = fn(cs, id, op, err);
    jy_run_unlock(lock);
    return rc;
}

static int mark_paid(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err)
{
    jy_store *st = cs->st;
    int line = op->line, transfer = op->transfer;
    const char *paid_on = op->paid_on, *actor = op->actor;
    jy_batch_run *run = op->run;
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0)
        return jy_err_set2(err, JY_ECONFLICT, "batch.pay_status", "payment batch %" PRId64 " is %s: only a reviewed (approved) batch is paid", "拨付批次 %" PRId64 " 的状态为 %s：只有已复核（已批准）的批次才能支付",
                          id, b.status);
    if ((rc = check_paid_on(paid_on, err))) return rc;
    line_nos todo = {0};
    if (transfer > 0) {
        transfer_lines t = {.transfer = transfer, .todo = &todo};
        if ((rc = transfer_collect(st, id, &t, err))) goto out;
        if (t.nfailed) {
            rc = jy_err_set2(err, JY_ECONFLICT, "batch.transfer_failed",
                            "transfer %d of payment batch %" PRId64 " failed (%s): retry it first (batch retry %" PRId64
                            " --transfer %d)", "拨付批次 %2$" PRId64 " 的第%1$d笔转账失败（%3$s）：请先重试（batch retry %4$" PRId64 " --transfer %5$d）",
                            transfer, id, t.fail_reason, id, transfer);
            goto out;
        }
    } else if (line > 0) {
        jy_batch_line l;
        if ((rc = jy_store_batch_line_get(st, id, line, &l, err))) return rc;
        if (strcmp(l.status, "failed") == 0) {
            return jy_err_set2(err, JY_ECONFLICT, "batch.line_failed", "line %d of payment batch %" PRId64 " failed (%s): retry it first (batch retry %" PRId64 " --line %d)", "拨付批次 %2$" PRId64 " 的第%1$d行失败（%3$s）：请先重试（batch retry %4$" PRId64 " --line %5$d）",
                              line, id, l.fail_reason, id, line);
        }
        if (collect_line_no(&todo, &l)) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    } else if ((rc = jy_store_batch_lines(st, id, NULL, collect_line_no, &todo, err))) {
        goto out;
    }
    for (size_t i = 0; i < todo.n; i++) {
        int outcome = 0;
        if ((rc = pay_line(st, cs, id, todo.v[i], paid_on, actor, &outcome, err))) {
            jy_err_prefix2(err, "line %d: ", "第%d行：", todo.v[i]);
            goto out;
        }
        if (outcome == 1) run->paid++;
        else if (outcome == 2) run->already_paid++;
    }
    if ((rc = jy_store_batch_lines(st, id, NULL, count_line, run, err))) goto out;
    if (run->pending == 0 && run->failed == 0 && strcmp(b.status, "approved") == 0) {
        if ((rc = jy_store_batch_get(st, id, &b, err))) goto out;
        snprintf(b.status, sizeof b.status, "paid");
        rc = jy_store_batch_update(st, &b, "approved", actor, err);
    }
out:
    free(todo.v);
    return rc;
}

int jy_batch_mark_paid_on(jy_cases *cs, int64_t id, int line, jy_date paid_on, const char *actor, jy_batch_run *run,
                          jy_err *err)
{
    memset(run, 0, sizeof *run);
    char d[JY_DATE_BUFSZ];
    if (paid_on > jy_date_today())
        return jy_err_set2(err, JY_EINVAL, "batch.paid_future", "paid on %s: a date in the future", "支付日期 %s 是将来的日期", jy_date_format(paid_on, d));
    batch_op op = {.line = line, .paid_on = paid_on ? jy_date_format(paid_on, d) : NULL, .actor = actor, .run = run};
    return batch_locked(cs, id, mark_paid, &op, err);
}

int jy_batch_mark_paid_transfer(jy_cases *cs, int64_t id, int transfer, const char *paid_on, const char *actor,
                                jy_batch_run *run, jy_err *err)
{
    memset(run, 0, sizeof *run);
    batch_op op = {.transfer = transfer, .paid_on = paid_on, .actor = actor, .run = run};
    return batch_locked(cs, id, mark_paid, &op, err);
}

int jy_batch_mark_paid_cases(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_run *run, jy_err *err)
{
    return jy_batch_mark_paid_on(cs, id, line, 0, actor, run, err);
}

static int mark_failed(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err)
{
    jy_store *st = cs->st;
    int line = op->line;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    jy_batch_line l;
    if ((rc = batch_approved(st, id, &b, err))) goto done;
    if ((rc = jy_store_batch_line_get(st, id, line, &l, err))) goto done;
    if (strcmp(l.status, "pending") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.line_fail_status", "line %d of payment batch %" PRId64 " is %s: only a pending line can fail", "拨付批次 %2$" PRId64 " 的第%1$d行状态为 %3$s：只有待支付的明细才能标记失败", line,
                        id, l.status);
        goto done;
    }
    rc = line_fail(st, &l, op->reason, op->actor, err);
done:
    return finish(st, rc, err);
}

static int retry_line(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err)
{
    jy_store *st = cs->st;
    int line = op->line;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    if ((rc = batch_approved(st, id, &b, err))) goto done;
    if ((rc = jy_store_batch_line_get(st, id, line, op->out, err))) goto done;
    if (strcmp(op->out->status, "failed") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.line_retry_status", "line %d of payment batch %" PRId64 " is %s: only a failed line is retried", "拨付批次 %2$" PRId64 " 的第%1$d行状态为 %3$s：只有失败的明细才能重试",
                        line, id, op->out->status);
        goto done;
    }
    rc = line_retry(st, op->out, op->actor, op->out, err);
done:
    return finish(st, rc, err);
}

int jy_batch_mark_failed(jy_cases *cs, int64_t id, int line, const char *reason, const char *actor, jy_err *err)
{
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "batch.fail_reason", "a failed line needs the bank's reason (--failed REASON)", "失败的明细需要写明银行给出的原因（--failed 原因）");
    batch_op op = {.line = line, .reason = reason, .actor = actor};
    return batch_locked(cs, id, mark_failed, &op, err);
}

int jy_batch_retry(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_line *out, jy_err *err)
{
    batch_op op = {.line = line, .actor = actor, .out = out};
    return batch_locked(cs, id, retry_line, &op, err);
}

/* ---- a whole transfer failed or retried (issue 13) ---- */

static int fail_transfer(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err)
{
    jy_store *st = cs->st;
    int transfer = op->transfer;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    line_nos todo = {0};
    transfer_lines t = {.transfer = transfer, .todo = &todo};
    if ((rc = batch_approved(st, id, &b, err))) goto done;
    if ((rc = transfer_collect(st, id, &t, err))) goto done;
    if (t.npending != (int)todo.n) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.transfer_fail_status",
                        "transfer %d of payment batch %" PRId64 " has %d paid and %d failed of its %zu lines: only a pending "
                        "transfer can fail", "拨付批次 %2$" PRId64 " 的第%1$d笔转账有%3$d行已支付、%4$d行失败（共%5$zu行）：只有待支付的转账才能标记失败",
                        transfer, id, t.npaid, t.nfailed, todo.n);
        goto done;
    }
    for (size_t i = 0; i < todo.n && rc == 0; i++) {
        jy_batch_line l;
        if ((rc = jy_store_batch_line_get(st, id, todo.v[i], &l, err))) break;
        rc = line_fail(st, &l, op->reason, op->actor, err);
    }
done:
    free(todo.v);
    return finish(st, rc, err);
}

static int retry_transfer(jy_cases *cs, int64_t id, const batch_op *op, jy_err *err)
{
    jy_store *st = cs->st;
    int transfer = op->transfer;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    line_nos todo = {0};
    transfer_lines t = {.transfer = transfer, .todo = &todo};
    int done_n = 0;
    if ((rc = batch_approved(st, id, &b, err))) goto done;
    if ((rc = transfer_collect(st, id, &t, err))) goto done;
    if (t.nfailed == 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "batch.transfer_retry_status", "transfer %d of payment batch %" PRId64 " has no failed line: only a failed transfer is retried", "拨付批次 %2$" PRId64 " 的第%1$d笔转账没有失败的明细：只有失败的转账才能重试",
                        transfer, id);
        goto done;
    }
    for (size_t i = 0; i < todo.n && rc == 0; i++) {
        jy_batch_line l;
        if ((rc = jy_store_batch_line_get(st, id, todo.v[i], &l, err))) break;
        if (strcmp(l.status, "failed") != 0) continue;
        if ((rc = line_retry(st, &l, op->actor, NULL, err))) break;
        done_n++;
    }
    if (rc == 0 && op->n) *op->n = done_n;
done:
    free(todo.v);
    return finish(st, rc, err);
}

int jy_batch_mark_failed_transfer(jy_cases *cs, int64_t id, int transfer, const char *reason, const char *actor,
                                  jy_err *err)
{
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "batch.transfer_fail_reason", "a failed transfer needs the bank's reason (--failed REASON)", "失败的转账需要写明银行给出的原因（--failed 原因）");
    batch_op op = {.transfer = transfer, .reason = reason, .actor = actor};
    return batch_locked(cs, id, fail_transfer, &op, err);
}

int jy_batch_retry_transfer(jy_cases *cs, int64_t id, int transfer, const char *actor, int *n, jy_err *err)
{
    batch_op op = {.transfer = transfer, .actor = actor, .n = n};
    return batch_locked(cs, id, retry_transfer, &op, err);
}
