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

#ifdef JY_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

#include "base/file.h"
#include "base/money.h"
#include "domain/bankcard.h"
#include "service/case.h"
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
            return jy_err_set(err, JY_ENODATA, "%s (%s) has no social security card (社保卡) on record", person.name,
                              person.idcard);
    } else {
        jy_org org;
        if ((rc = jy_store_org_get(st, p->org_id, &org, err))) return rc;
        snprintf(l->payee_name, sizeof l->payee_name, "%s", org.name);
        snprintf(l->payee_id, sizeof l->payee_id, "%s", org.uscc);
        snprintf(l->account, sizeof l->account, "%s", p->account[0] ? p->account : org.bank_account);
        snprintf(l->bank_name, sizeof l->bank_name, "%s", org.bank_name);
        if (!l->account[0])
            return jy_err_set(err, JY_ENODATA, "%s (%s) has no basic bank account (基本账户) on record", org.name,
                              org.uscc);
    }
    return 0;
}

/* ---------------------------------------------------------------- build and review */

typedef struct idlist {
    int64_t *v;
    size_t n, cap;
} idlist;

static int collect_payable(void *ctx, const jy_payable *p)
{
    idlist *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        int64_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return 1;
        l->v = nv;
        l->cap = cap;
    }
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
    if (I->n == I->cap) {
        size_t cap = I->cap ? I->cap * 2 : 256;
        ident *nv = realloc(I->v, cap * sizeof *nv);
        if (!nv) {
            I->oom = 1;
            return 1;
        }
        I->v = nv;
        I->cap = cap;
    }
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

/* "马小军 (640522…)": who p pays, for a finding. */
static void payee_name(jy_store *st, const jy_payable *p, char *buf, size_t n)
{
    jy_err e;
    if (p->payee_kind == JY_PAYEE_ORG) {
        jy_org o;
        if (jy_store_org_get(st, p->org_id, &o, &e) == 0) snprintf(buf, n, "%s (%s)", o.name, o.uscc);
        else snprintf(buf, n, "organisation %" PRId64, p->org_id);
    } else {
        jy_person q;
        if (jy_store_person_get(st, p->person_id, &q, &e) == 0) snprintf(buf, n, "%s (%s)", q.name, q.idcard);
        else snprintf(buf, n, "person %" PRId64, p->person_id);
    }
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
        payee_name(st, p, who, sizeof who);
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

static int build(jy_store *st, jy_cases *cs, const char *county, const char *program, const char *month, int year,
                 const char *actor, jy_batch *out, jy_sb *skipped, jy_err *err)
{
    if (!program || !*program) return jy_err_set(err, JY_EINVAL, "a batch needs a programme (--program P13)");
    int rc = may(cs, "batch_build", NULL, county, actor, err);
    if (rc) return rc;
    idlist ids = {0};
    idents live = {0};
    int nskipped = 0, nheld = 0;
    if (skipped) jy_sb_appendc(skipped, '[');
    rc = jy_store_begin(st, err);
    if (rc) goto out;
    jy_payable_filter f = {.county = county, .program = program, .status = "approved", .month = month};
    if ((rc = jy_store_payable_list(st, &f, collect_payable, &ids, err))) goto done;
    if ((rc = jy_store_payable_identities(st, county, program, on_ident, &live, err))) goto done;
    if (live.oom) {
        rc = jy_err_set(err, JY_ENOMEM, "out of memory");
        goto done;
    }
    if (live.n) qsort(live.v, live.n, sizeof *live.v, ident_cmp);
    memset(out, 0, sizeof *out);
    snprintf(out->county, sizeof out->county, "%s", county);
    snprintf(out->program, sizeof out->program, "%s", program);
    snprintf(out->month, sizeof out->month, "%s", month ? month : "");
    if ((rc = jy_store_batch_add(st, out, actor, err))) goto done;
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
            skip_entry(skipped, &nskipped, &p, why.msg, NULL);
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
        snprintf(l.idem_key, sizeof l.idem_key, "jy-pay-%" PRId64 "-%" PRId64, out->id, p.id);
        if ((rc = jy_store_batch_line_add(st, &l, actor, err))) goto done;
        if ((rc = jy_store_payable_set_status(st, p.id, "approved", "batched", actor, err))) goto done;
        out->nlines++;
        out->total += p.amount;
    }
    if (out->nlines == 0) {
        rc = jy_err_set(err, JY_ENOTFOUND, "%s%s%s: no approved payable to pay%s", program, month ? " " : "",
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
        rc = jy_err_set(err, JY_ECONFLICT, "payment batch %" PRId64 " is %s: only a draft is reviewed", id, out->status);
        goto done;
    }
    if (strcmp(out->built_by, actor && *actor ? actor : "system") == 0) {
        rc = jy_err_set(err, JY_ECONFLICT,
                        "payment batch %" PRId64 " was built by %s: another person must review it (--as NAME)", id,
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
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        jy_batch_line *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv) return 1;
        b->v = nv;
        b->cap = cap;
    }
    b->v[b->n++] = *l;
    return 0;
}

static const char *const bank_cols[] = {"序号", "收款人类型", "收款人", "证件号码", "收款账号", "开户行",
                                        "金额（元）", "项目", "摘要", "幂等键"};
#define NBANK_COLS (sizeof bank_cols / sizeof *bank_cols)
#define BANK_CELL 512 /* the widest field (a payee name, an account) fits whole */

/* The cells of one line, as text (money "1750.00": never a double); the caller masks the line. */
static void line_cells(const jy_batch *b, const jy_batch_line *l, char cells[NBANK_COLS][BANK_CELL])
{
    char money[JY_MONEY_BUFSZ];
    snprintf(cells[0], BANK_CELL, "%d", l->line_no);
    snprintf(cells[1], BANK_CELL, "%s", l->payee_kind == JY_PAYEE_ORG ? "单位（基本账户）" : "个人（社保卡）");
    snprintf(cells[2], BANK_CELL, "%s", l->payee_name);
    snprintf(cells[3], BANK_CELL, "%s", l->payee_id);
    snprintf(cells[4], BANK_CELL, "%s", l->account);
    snprintf(cells[5], BANK_CELL, "%s", l->bank_name);
    snprintf(cells[6], BANK_CELL, "%s", jy_money_format_plain(l->amount, money));
    snprintf(cells[7], BANK_CELL, "%s", b->program);
    snprintf(cells[8], BANK_CELL, "%s%s%s拨付", b->program, b->month[0] ? " " : "", b->month);
    snprintf(cells[9], BANK_CELL, "%s", l->idem_key);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_csv(const char *path, const jy_batch *b, const lines_buf *lines, int unmasked, jy_err *err)
{
    FILE *f = jy_fopen_private(path, "w");
    if (!f) return jy_err_set(err, JY_EIO, "%s: cannot write: %s", path, strerror(errno));
    for (size_t c = 0; c < NBANK_COLS; c++) {
        if (c) fputc(',', f);
        csv_field(f, bank_cols[c]);
    }
    fputs("\r\n", f);
    char cells[NBANK_COLS][BANK_CELL];
    for (size_t i = 0; i < lines->n; i++) {
        jy_batch_line shown = lines->v[i];
        if (!unmasked) jy_privacy_mask_batch_line(&shown); /* the payee's ID number and account */
        line_cells(b, &shown, cells);
        for (size_t c = 0; c < NBANK_COLS; c++) {
            if (c) fputc(',', f);
            csv_field(f, cells[c]);
        }
        fputs("\r\n", f);
    }
    if (fclose(f) != 0) return jy_err_set(err, JY_EIO, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static int write_xlsx(const char *path, const jy_batch *b, const lines_buf *lines, int unmasked, jy_err *err)
{
#ifdef JY_HAVE_XLSXWRITER
    /* libxlsxwriter opens the file itself: made 0600 first, it keeps that mode */
    if (jy_file_make_private(path) != 0) return jy_err_set(err, JY_EIO, "%s: cannot create: %s", path, strerror(errno));
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return jy_err_set(err, JY_EIO, "%s: cannot create the workbook", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "拨付明细");
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@"); /* accounts and ID numbers stay text, never 6.22E+18 */
    for (size_t c = 0; c < NBANK_COLS; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, bank_cols[c], head);
    char cells[NBANK_COLS][BANK_CELL];
    for (size_t i = 0; i < lines->n; i++) {
        jy_batch_line shown = lines->v[i];
        if (!unmasked) jy_privacy_mask_batch_line(&shown); /* the payee's ID number and account */
        line_cells(b, &shown, cells);
        for (size_t c = 0; c < NBANK_COLS; c++)
            worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, cells[c], text);
    }
    char total[JY_MONEY_BUFSZ];
    worksheet_write_string(ws, (lxw_row_t)(lines->n + 1), 5, "合计", head);
    worksheet_write_string(ws, (lxw_row_t)(lines->n + 1), 6, jy_money_format_plain(b->total, total), head);
    worksheet_set_column(ws, 2, 5, 22, NULL);
    worksheet_set_column(ws, 9, 9, 24, NULL);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) return jy_err_set(err, JY_EIO, "%s: %s", path, lxw_strerror(e));
    return 0;
#else
    (void)b;
    (void)lines;
    (void)unmasked;
    return jy_err_set(err, JY_ENODATA, "%s: this jiuye was built without libxlsxwriter (XLSX export)", path);
#endif
}

static int export_file(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path, const char *actor,
                       int unmasked, jy_err *err)
{
    jy_store *st = cs->st;
    lines_buf lines = {0};
    jy_batch b;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_batch_get(st, id, &b, err))) goto done;
    if ((rc = may(cs, "batch_export", &b, NULL, actor, err))) goto done;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "payment batch %" PRId64 " is %s: it must be reviewed (batch approve) before export",
                        id, b.status);
        goto done;
    }
    if ((rc = jy_store_batch_lines(st, id, NULL, collect_line, &lines, err))) goto done;
    if (csv_path && (rc = write_csv(csv_path, &b, &lines, unmasked, err))) goto done;
    if (xlsx_path && (rc = write_xlsx(xlsx_path, &b, &lines, unmasked, err))) goto done;
    char from[12];
    snprintf(from, sizeof from, "%s", b.status);
    jy_store_now(b.exported_at, sizeof b.exported_at);
    rc = jy_store_batch_update(st, &b, from, actor, err);
done:
    free(lines.v);
    return finish(st, rc, err);
}

int jy_batch_export(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path, const char *actor,
                    jy_err *err)
{
    return export_file(cs, id, csv_path, xlsx_path, actor, 0, err);
}

int jy_batch_export_unmasked(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path,
                             const jy_access_req *rq, jy_err *err)
{
    jy_store *st = cs->st;
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0)
        return jy_err_set(err, JY_ECONFLICT,
                          "payment batch %" PRId64 " is %s: it must be reviewed (batch approve) before export", id, b.status);
    jy_sb target = JY_SB_INIT;
    jy_sb_appendf(&target, "%" PRId64 " %s%s%s%s", id, csv_path ? "csv=" : "", csv_path ? csv_path : "",
                  xlsx_path ? (csv_path ? " xlsx=" : "xlsx=") : "", xlsx_path ? xlsx_path : "");
    /* logged (committed) before a digit is written */
    rc = jy_privacy_grant(st, rq, JY_PRIV_BANK, "export", "pay_batch", b.county, jy_sb_cstr(&target), err);
    jy_sb_free(&target);
    if (rc) return rc;
    return export_file(cs, id, csv_path, xlsx_path, rq->actor, 1, err);
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
static int pay_line(jy_store *st, jy_cases *cs, int64_t batch_id, int line_no, jy_date paid_on, const char *actor,
                    int *outcome, jy_err *err)
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
        if ((rc = jy_case_paid_by_batch(cs, p.case_id, why, paid_on, actor, err))) goto done;
    }
    jy_batch_line nl = l;
    snprintf(nl.status, sizeof nl.status, "paid");
    nl.attempts = l.attempts + 1;
    if (paid_on) jy_date_format(paid_on, nl.paid_at); /* the bank's value date, when given */
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
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        int *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv) return 1;
        b->v = nv;
        b->cap = cap;
    }
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
        jy_err_set(err, JY_ECONFLICT,
                   "payment batch %" PRId64 " is being paid by another run right now: wait for it to end, "
                   "then `jiuye batch show %" PRId64 "` tells what is left",
                   id, id);
    return rc;
}

static int mark_paid(jy_store *st, jy_cases *cs, int64_t id, int line, jy_date paid_on, const char *actor,
                     jy_batch_run *run, jy_err *err)
{
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    if (strcmp(b.status, "approved") != 0 && strcmp(b.status, "paid") != 0)
        return jy_err_set(err, JY_ECONFLICT, "payment batch %" PRId64 " is %s: only a reviewed (approved) batch is paid",
                          id, b.status);
    line_nos todo = {0};
    if (line > 0) {
        jy_batch_line l;
        if ((rc = jy_store_batch_line_get(st, id, line, &l, err))) return rc;
        if (strcmp(l.status, "failed") == 0) {
            return jy_err_set(err, JY_ECONFLICT, "line %d of payment batch %" PRId64 " failed (%s): retry it first (batch retry %" PRId64 " --line %d)",
                              line, id, l.fail_reason, id, line);
        }
        collect_line_no(&todo, &l);
    } else if ((rc = jy_store_batch_lines(st, id, NULL, collect_line_no, &todo, err))) {
        goto out;
    }
    for (size_t i = 0; i < todo.n; i++) {
        int outcome = 0;
        if ((rc = pay_line(st, cs, id, todo.v[i], paid_on, actor, &outcome, err))) {
            jy_err_prefix(err, "line %d: ", todo.v[i]);
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
    int rc = may_batch(cs, "batch_pay", id, actor, err);
    if (rc) return rc;
    char d[JY_DATE_BUFSZ];
    if (paid_on > jy_date_today())
        return jy_err_set(err, JY_EINVAL, "paid on %s: a date in the future", jy_date_format(paid_on, d));
    jy_run_lock *lock = NULL;
    rc = lock_batch(cs->st, id, &lock, err);
    if (rc == 0) rc = mark_paid(cs->st, cs, id, line, paid_on, actor, run, err);
    jy_run_unlock(lock);
    return rc;
}

int jy_batch_mark_paid_cases(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_run *run, jy_err *err)
{
    return jy_batch_mark_paid_on(cs, id, line, 0, actor, run, err);
}

static int mark_failed(jy_store *st, int64_t id, int line, const char *reason, const char *actor, jy_err *err)
{
    if (!reason || !*reason) return jy_err_set(err, JY_EINVAL, "a failed line needs the bank's reason (--failed REASON)");
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    jy_batch_line l;
    if ((rc = jy_store_batch_get(st, id, &b, err))) goto done;
    if (strcmp(b.status, "approved") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "payment batch %" PRId64 " is %s, not approved", id, b.status);
        goto done;
    }
    if ((rc = jy_store_batch_line_get(st, id, line, &l, err))) goto done;
    if (strcmp(l.status, "pending") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "line %d of payment batch %" PRId64 " is %s: only a pending line can fail", line,
                        id, l.status);
        goto done;
    }
    jy_batch_line nl = l;
    snprintf(nl.status, sizeof nl.status, "failed");
    nl.attempts = l.attempts + 1;
    snprintf(nl.fail_reason, sizeof nl.fail_reason, "%s", reason);
    rc = jy_store_batch_line_update(st, &nl, "pending", actor, err);
done:
    return finish(st, rc, err);
}

static int retry_line(jy_store *st, int64_t id, int line, const char *actor, jy_batch_line *out, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_batch b;
    jy_payable p;
    if ((rc = jy_store_batch_get(st, id, &b, err))) goto done;
    if (strcmp(b.status, "approved") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "payment batch %" PRId64 " is %s, not approved", id, b.status);
        goto done;
    }
    if ((rc = jy_store_batch_line_get(st, id, line, out, err))) goto done;
    if (strcmp(out->status, "failed") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "line %d of payment batch %" PRId64 " is %s: only a failed line is retried",
                        line, id, out->status);
        goto done;
    }
    if ((rc = jy_store_payable_get(st, out->payable_id, &p, err))) goto done;
    jy_batch_line fresh = *out;
    if ((rc = resolve_payee(st, &p, &fresh, err))) goto done;
    snprintf(fresh.status, sizeof fresh.status, "pending");
    fresh.fail_reason[0] = '\0';
    if ((rc = jy_store_batch_line_update(st, &fresh, "failed", actor, err))) goto done;
    *out = fresh;
done:
    return finish(st, rc, err);
}

int jy_batch_mark_failed(jy_cases *cs, int64_t id, int line, const char *reason, const char *actor, jy_err *err)
{
    if (!reason || !*reason) return jy_err_set(err, JY_EINVAL, "a failed line needs the bank's reason (--failed REASON)");
    int rc = may_batch(cs, "batch_pay", id, actor, err);
    if (rc) return rc;
    jy_run_lock *lock = NULL;
    rc = lock_batch(cs->st, id, &lock, err);
    if (rc == 0) rc = mark_failed(cs->st, id, line, reason, actor, err);
    jy_run_unlock(lock);
    return rc;
}

int jy_batch_retry(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_line *out, jy_err *err)
{
    int rc = may_batch(cs, "batch_pay", id, actor, err);
    if (rc) return rc;
    jy_run_lock *lock = NULL;
    rc = lock_batch(cs->st, id, &lock, err);
    if (rc == 0) rc = retry_line(cs->st, id, line, actor, out, err);
    jy_run_unlock(lock);
    return rc;
}
