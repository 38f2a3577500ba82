/* ledger_store.c — the store.h functions of the fund ledger (资金台账), payables, social security
 * cards and payment batches (issue 5), for both backends.
 *
 * Every statement here is one SQL text valid in both dialects (ledger_db.h); jl_run() hands it to
 * the handle's backend runner (ledger_sqlite.c / ledger_pg.c). Each change runs inside
 * jy_store_begin/commit (a savepoint when the caller has a transaction open) and appends its
 * audit entry through the backend's audit_append in the same transaction, so a change and its
 * audit entry land together or not at all. Writers hold the backend's writer lock (SQLite BEGIN
 * IMMEDIATE, PostgreSQL advisory lock), so "look, then insert" cannot race. */
#include "store/ledger_db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"

/* ---------------------------------------------------------------- names */

static const char *const source_names[JY_FUND__COUNT] = {"central", "region", "city_county", "other"};
static const char *const source_labels[JY_FUND__COUNT] = {"中央", "自治区", "市县", "其他"};
static const char *const account_names[JY_ACCT__COUNT] = {"budget", "available", "committed", "paid"};

const char *jy_fund_source_name(int s)
{
    return s >= 0 && s < JY_FUND__COUNT ? source_names[s] : "";
}

const char *jy_fund_source_label(int s)
{
    return s >= 0 && s < JY_FUND__COUNT ? source_labels[s] : "";
}

int jy_fund_source_parse(const char *s, int *out, jy_err *err)
{
    static const struct {
        const char *word;
        int source;
    } words[] = {
        {"central", JY_FUND_CENTRAL}, {"中央", JY_FUND_CENTRAL},
        {"region", JY_FUND_REGION}, {"自治区", JY_FUND_REGION}, {"regional", JY_FUND_REGION},
        {"city_county", JY_FUND_CITY_COUNTY}, {"city", JY_FUND_CITY_COUNTY}, {"county", JY_FUND_CITY_COUNTY},
        {"市县", JY_FUND_CITY_COUNTY}, {"市县区", JY_FUND_CITY_COUNTY}, {"county_city", JY_FUND_CITY_COUNTY},
        {"other", JY_FUND_OTHER}, {"其他", JY_FUND_OTHER},
    };
    for (size_t i = 0; s && i < sizeof words / sizeof *words; i++)
        if (strcmp(s, words[i].word) == 0) {
            *out = words[i].source;
            return 0;
        }
    return jy_err_set2(
        err, JY_EINVAL, "store.ledger.fund_source",
        "funding source \"%s\": expected central (中央), region (自治区), city_county (市县) or other (其他)",
        "资金来源“%s”无效：应为中央（central）、自治区（region）、市县（city_county）或其他（other）", s ? s : "");
}

const char *jy_ledger_account_name(int a)
{
    return a >= 0 && a < JY_ACCT__COUNT ? account_names[a] : "";
}

static int source_of(const char *s)
{
    for (int i = 0; s && i < JY_FUND__COUNT; i++)
        if (strcmp(s, source_names[i]) == 0) return i;
    return -1;
}

static int account_of(const char *s)
{
    for (int i = 0; s && i < JY_ACCT__COUNT; i++)
        if (strcmp(s, account_names[i]) == 0) return i;
    return -1;
}

/* ---------------------------------------------------------------- plumbing */

static int enter(jy_store *st, jy_err *err)
{
    return jy_store_begin(st, err);
}

/* Row callback that copies the first column as an int64 and marks it found. */
typedef struct one_i64 {
    int found;
    int64_t v[4];
} one_i64;

static int get_i64s(void *ctx, int ncol, const char *const *col)
{
    one_i64 *o = ctx;
    o->found = 1;
    for (int i = 0; i < ncol && i < 4; i++) o->v[i] = jl_i64(col[i]);
    return 1;
}

static void money_kv(jy_sb *sb, const char *key, int64_t fen)
{
    char buf[JY_MONEY_BUFSZ];
    jy_sb_json_kv_str(sb, key, jy_money_format_plain(fen, buf));
}

/* "P13 2024 中央" */
static const char *line_name(char *buf, size_t n, const char *program, int year, int source)
{
    snprintf(buf, n, "%.16s %04u %s", program, (unsigned)year % 10000u, jy_fund_source_label(source));
    return buf;
}

/* ---------------------------------------------------------------- JSON renderings */

void jy_ledger_entry_json(jy_sb *sb, const jy_ledger_entry *e)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", e->id);
    jy_sb_json_kv_str(sb, "county", e->county);
    jy_sb_json_kv_str(sb, "at", e->at);
    jy_sb_json_kv_str(sb, "actor", e->actor);
    jy_sb_json_kv_str(sb, "kind", e->kind);
    jy_sb_json_kv_str(sb, "program", e->program);
    jy_sb_json_kv_i64(sb, "year", e->year);
    jy_sb_json_key(sb, "payable_id");
    if (e->payable_id) jy_sb_append_i64(sb, e->payable_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_key(sb, "batch_line_id");
    if (e->batch_line_id) jy_sb_append_i64(sb, e->batch_line_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_key(sb, "idem_key");
    jy_sb_json_str(sb, e->idem_key[0] ? e->idem_key : NULL);
    jy_sb_json_kv_str(sb, "memo", e->memo);
    jy_sb_json_key(sb, "postings");
    jy_sb_appendc(sb, '[');
    for (int i = 0; i < e->nposting; i++) {
        const jy_ledger_posting *p = &e->posting[i];
        if (i) jy_sb_appendc(sb, ',');
        jy_sb_appendc(sb, '{');
        jy_sb_json_kv_str(sb, "source", jy_fund_source_name(p->source));
        jy_sb_json_kv_str(sb, "account", jy_ledger_account_name(p->account));
        money_kv(sb, p->amount > 0 ? "debit" : "credit", p->amount > 0 ? p->amount : -p->amount);
        jy_sb_appendc(sb, '}');
    }
    jy_sb_append(sb, "]}");
}

void jy_ledger_line_json(jy_sb *sb, const jy_ledger_line *l)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "county", l->county);
    jy_sb_json_kv_str(sb, "program", l->program);
    jy_sb_json_kv_i64(sb, "year", l->year);
    jy_sb_json_kv_str(sb, "source", jy_fund_source_name(l->source));
    jy_sb_json_kv_str(sb, "source_label", jy_fund_source_label(l->source));
    money_kv(sb, "budget", -l->bal[JY_ACCT_BUDGET]);
    money_kv(sb, "available", l->bal[JY_ACCT_AVAILABLE]);
    money_kv(sb, "committed", l->bal[JY_ACCT_COMMITTED]);
    money_kv(sb, "paid", l->bal[JY_ACCT_PAID]);
    jy_sb_appendc(sb, '}');
}

void jy_payable_json(jy_sb *sb, const jy_payable *p)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", p->id);
    jy_sb_json_kv_str(sb, "county", p->county);
    jy_sb_json_kv_str(sb, "program", p->program);
    jy_sb_json_kv_i64(sb, "year", p->year);
    jy_sb_json_kv_str(sb, "month", p->month);
    jy_sb_json_key(sb, "case_id");
    if (p->case_id) jy_sb_append_i64(sb, p->case_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_str(sb, "payee_kind", p->payee_kind == JY_PAYEE_ORG ? "org" : "person");
    jy_sb_json_kv_i64(sb, p->payee_kind == JY_PAYEE_ORG ? "org_id" : "person_id",
                      p->payee_kind == JY_PAYEE_ORG ? p->org_id : p->person_id);
    jy_sb_json_kv_str(sb, "account", p->account);
    money_kv(sb, "amount", p->amount);
    jy_sb_json_key(sb, "split");
    jy_sb_appendc(sb, '{');
    for (int s = 0; s < JY_FUND__COUNT; s++)
        if (p->split[s]) money_kv(sb, jy_fund_source_name(s), p->split[s]);
    jy_sb_appendc(sb, '}');
    money_kv(sb, "recovered", p->recovered);
    jy_sb_json_kv_str(sb, "status", p->status);
    jy_sb_json_kv_str(sb, "memo", p->memo);
    jy_sb_json_kv_str(sb, "approved_by", p->approved_by);
    jy_sb_json_kv_str(sb, "created_at", p->created_at);
    /* issue 10 (migration 9): shown when set, so the older shapes stay as they were */
    if (p->claim[0]) jy_sb_json_kv_str(sb, "claim", p->claim);
    if (p->track[0]) jy_sb_json_kv_str(sb, "track", p->track);
    if (p->claim_key[0]) jy_sb_json_kv_str(sb, "claim_key", p->claim_key);
    jy_sb_appendc(sb, '}');
}

void jy_batch_json(jy_sb *sb, const jy_batch *b)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", b->id);
    jy_sb_json_kv_str(sb, "county", b->county);
    jy_sb_json_kv_str(sb, "program", b->program);
    jy_sb_json_kv_str(sb, "month", b->month);
    jy_sb_json_kv_str(sb, "status", b->status);
    jy_sb_json_kv_str(sb, "built_by", b->built_by);
    jy_sb_json_kv_str(sb, "built_at", b->built_at);
    jy_sb_json_kv_str(sb, "approved_by", b->approved_by);
    jy_sb_json_kv_str(sb, "approved_at", b->approved_at);
    jy_sb_json_kv_str(sb, "exported_at", b->exported_at);
    jy_sb_json_kv_i64(sb, "lines", b->nlines);
    money_kv(sb, "total", b->total);
    jy_sb_appendc(sb, '}');
}

void jy_batch_line_json(jy_sb *sb, const jy_batch_line *l)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "line", l->line_no);
    jy_sb_json_kv_i64(sb, "batch_id", l->batch_id);
    jy_sb_json_kv_i64(sb, "payable_id", l->payable_id);
    jy_sb_json_kv_str(sb, "idem_key", l->idem_key);
    jy_sb_json_kv_str(sb, "payee_kind", l->payee_kind == JY_PAYEE_ORG ? "org" : "person");
    jy_sb_json_kv_str(sb, "payee_name", l->payee_name);
    jy_sb_json_kv_str(sb, "payee_id", l->payee_id);
    jy_sb_json_kv_str(sb, "account", l->account);
    jy_sb_json_kv_str(sb, "bank_name", l->bank_name);
    money_kv(sb, "amount", l->amount);
    jy_sb_json_kv_str(sb, "status", l->status);
    jy_sb_json_kv_i64(sb, "attempts", l->attempts);
    jy_sb_json_kv_str(sb, "fail_reason", l->fail_reason);
    jy_sb_json_kv_str(sb, "paid_at", l->paid_at);
    if (l->transfer_no) jy_sb_json_kv_i64(sb, "transfer", l->transfer_no);
    jy_sb_appendc(sb, '}');
}

/* ---------------------------------------------------------------- ledger */

/* Creates the account of posting p's line (e's county, programme, year) if missing; *id and
 * *balance receive its id and current balance. */
static int account_open(jy_store *st, const jy_ledger_entry *e, const jy_ledger_posting *p, int64_t *id,
                        int64_t *balance, jy_err *err)
{
    jl_val k[5] = {JL_S(e->county), JL_S(e->program), JL_I(e->year), JL_S(jy_fund_source_name(p->source)),
                   JL_S(jy_ledger_account_name(p->account))};
    int rc = jl_run(st,
                 "INSERT INTO ledger_accounts(county, program, year, source, kind, balance)"
                 " VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (county, program, year, source, kind) DO NOTHING",
                 k, 5, NULL, NULL, NULL, "creating a ledger account", err);
    if (rc) return rc;
    one_i64 cur = {0};
    rc = jl_run(st,
             "SELECT id, balance FROM ledger_accounts WHERE county = $1 AND program = $2 AND year = $3"
             " AND source = $4 AND kind = $5",
             k, 5, get_i64s, &cur, NULL, "reading a ledger account", err);
    if (rc) return rc;
    if (!cur.found)
        return jy_err_set2(err, JY_EDB, "store.ledger.account_vanished", "ledger account vanished", "台账科目已不存在");
    *id = cur.v[0];
    *balance = cur.v[1];
    return 0;
}

/* JY_ECONFLICT naming the line, the balance and the request when posting p would take an
 * account of balance `balance` across zero the wrong way; else 0. */
static int account_refuse(const jy_ledger_entry *e, const jy_ledger_posting *p, int64_t balance, jy_err *err)
{
    int64_t nb = balance + p->amount;
    int bad = p->account == JY_ACCT_BUDGET ? nb > 0 : nb < 0;
    if (!bad) return 0;
    char ln[64], a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
    int64_t have = p->account == JY_ACCT_BUDGET ? -balance : balance;
    int64_t want = p->amount > 0 ? p->amount : -p->amount;
    static const char *const account_zh[JY_ACCT__COUNT] = {"预算额度", "可用资金", "已计应付", "已拨付"};
    return jy_err_set2(err, JY_ECONFLICT, "store.ledger.account_refused", "%s: %s %s, requested %s%.0s",
                       "%1$s：%5$s余额 %3$s，申请 %4$s%2$.0s", line_name(ln, sizeof ln, e->program, e->year, p->source),
                       jy_ledger_account_name(p->account), jy_money_format(have, a), jy_money_format(want, b),
                       p->account >= 0 && p->account < JY_ACCT__COUNT ? account_zh[p->account] : "");
}

/* Creates the account if missing and moves its balance by amount; *account_id receives its id.
 * JY_ECONFLICT (nothing changed) when the balance would cross zero the wrong way. */
static int account_move(jy_store *st, const jy_ledger_entry *e, const jy_ledger_posting *p, int64_t *account_id,
                        jy_err *err)
{
    int64_t id = 0, balance = 0;
    int rc = account_open(st, e, p, &id, &balance, err);
    if (rc || (rc = account_refuse(e, p, balance, err))) return rc;
    jl_val u[2] = {JL_I(p->amount), JL_I(id)};
    rc = jl_run(st, "UPDATE ledger_accounts SET balance = balance + $1 WHERE id = $2", u, 2, NULL, NULL, NULL,
             "moving a ledger balance", err);
    *account_id = id;
    return rc;
}

int jy_store_ledger_post(jy_store *st, jy_ledger_entry *e, const char *actor, jy_err *err)
{
    if (jy_store_scope_refuse(st, "ledger entry of", e->program, e->county, err)) return JY_ECONFLICT;
    if (e->nposting < 1 || e->nposting > JY_LEDGER_MAX_POSTINGS)
        return jy_err_set2(err, JY_EINVAL, "store.ledger.postings", "ledger entry needs 1 to %d postings, has %d",
                           "台账分录须有 1 至 %d 笔记账，现有 %d 笔", JY_LEDGER_MAX_POSTINGS, e->nposting);
    int64_t debit = 0, credit = 0;
    for (int i = 0; i < e->nposting; i++) {
        const jy_ledger_posting *p = &e->posting[i];
        if (p->amount == 0 || p->source < 0 || p->source >= JY_FUND__COUNT || p->account < 0 ||
            p->account >= JY_ACCT__COUNT)
            return jy_err_set2(err, JY_EINVAL, "store.ledger.posting_empty",
                               "ledger entry: posting %d is empty or names no account",
                               "台账分录：第 %d 笔记账为空或未指明科目", i + 1);
        if (p->amount > 0) debit += p->amount;
        else credit -= p->amount;
    }
    if (debit != credit) {
        char a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
        return jy_err_set2(
            err, JY_EINVAL, "store.ledger.unbalanced", "ledger entry does not balance: debits %s, credits %s",
            "台账分录借贷不平衡：借方 %s，贷方 %s", jy_money_format(debit, a), jy_money_format(credit, b));
    }
    if (strlen(e->county) != 6 || !e->program[0] || e->year < 1900 || !e->kind[0])
        return jy_err_set2(err, JY_EINVAL, "store.ledger.entry_required",
                           "ledger entry needs a county, programme, year and kind", "台账分录须有县、项目、年度和类别");
    jl_cp(e->actor, sizeof e->actor, jl_actor(actor));
    jy_store_now(e->at, sizeof e->at);

    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb js = JY_SB_INIT;
    if (e->idem_key[0]) {
        one_i64 prev = {0};
        jl_val k[1] = {JL_S(e->idem_key)};
        if ((rc = jl_run(st, "SELECT id FROM ledger_entries WHERE idem_key = $1", k, 1, get_i64s, &prev, NULL,
                      "looking up an idempotency key", err)))
            goto done;
        if (prev.found) {
            rc = jy_err_set2(err, JY_ECONFLICT, "store.ledger.already_posted",
                             "already posted: %s is ledger entry %" PRId64, "已记账：%s 即台账分录 %" PRId64,
                             e->idem_key, prev.v[0]);
            goto done;
        }
    }
    one_i64 id = {0};
    jl_val v[10] = {JL_S(e->county), JL_S(e->at), JL_S(e->actor), JL_S(e->kind), JL_S(e->program), JL_I(e->year),
                    e->payable_id ? JL_I(e->payable_id) : JL_N, e->batch_line_id ? JL_I(e->batch_line_id) : JL_N,
                    e->idem_key[0] ? JL_S(e->idem_key) : JL_N, JL_S(e->memo)};
    if ((rc = jl_run(st,
                  "INSERT INTO ledger_entries(county, at, actor, kind, program, year, payable_id, batch_line_id,"
                  " idem_key, memo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                  v, 10, get_i64s, &id, NULL, "writing a ledger entry", err)))
        goto done;
    e->id = id.v[0];
    for (int i = 0; i < e->nposting; i++) {
        int64_t acct = 0;
        if ((rc = account_move(st, e, &e->posting[i], &acct, err))) goto done;
        jl_val pv[3] = {JL_I(e->id), JL_I(acct), JL_I(e->posting[i].amount)};
        if ((rc = jl_run(st, "INSERT INTO ledger_postings(entry_id, account_id, amount) VALUES ($1, $2, $3)", pv, 3,
                      NULL, NULL, NULL, "writing a ledger posting", err)))
            goto done;
    }
    jy_ledger_entry_json(&js, e);
    rc = jl_audit(st, actor, e->county, "ledger_entry", e->id, e->kind, NULL, jy_sb_cstr(&js), err);
done:
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

typedef struct line_ctx {
    int (*fn)(void *ctx, const jy_ledger_line *l);
    void *ctx;
    jy_ledger_line cur;
    int have, stop;
} line_ctx;

/* Rows (county, program, year, source, kind, balance) in line order fold into lines. */
static int line_row(void *vctx, int ncol, const char *const *col)
{
    line_ctx *c = vctx;
    int src = source_of(col[3]), acct = account_of(col[4]);
    int y = (int)jl_i64(col[2]);
    if (c->have && (strcmp(c->cur.county, col[0] ? col[0] : "") != 0 ||
                    strcmp(c->cur.program, col[1] ? col[1] : "") != 0 || c->cur.year != y || c->cur.source != src)) {
        if (c->fn(c->ctx, &c->cur)) {
            c->stop = 1;
            c->have = 0;
            return 1;
        }
        c->have = 0;
    }
    if (!c->have) {
        memset(&c->cur, 0, sizeof c->cur);
        jl_cp(c->cur.county, sizeof c->cur.county, col[0]);
        jl_cp(c->cur.program, sizeof c->cur.program, col[1]);
        c->cur.year = y;
        c->cur.source = src;
        c->have = 1;
    }
    if (acct >= 0) c->cur.bal[acct] = jl_i64(col[5]);
    return 0;
}

/* Orders programmes P1, P2 … P26 numerically, then year, then source in enum order. */
#define LINE_ORDER                                                                                   \
    " ORDER BY county, length(program), program, year, CASE source WHEN 'central' THEN 0 WHEN 'region'" \
    " THEN 1 WHEN 'city_county' THEN 2 ELSE 3 END"

int jy_store_ledger_lines(jy_store *st, const char *county, const char *program, int year,
                          int (*fn)(void *ctx, const jy_ledger_line *l), void *ctx, jy_err *err)
{
    line_ctx c = {.fn = fn, .ctx = ctx};
    if (county && *county && jy_store_scope_refuse(st, "the ledger of", county, county, err)) return JY_ECONFLICT;
    jl_val v[4] = {county && *county ? JL_S(county) : JL_N, program && *program ? JL_S(program) : JL_N, JL_I(year),
                   st->scope[0] ? JL_S(st->scope) : JL_N};
    int rc = jl_run(st,
                 "SELECT county, program, year, source, kind, balance FROM ledger_accounts"
                 " WHERE (CAST($1 AS text) IS NULL OR county = $1) AND (CAST($2 AS text) IS NULL OR program = $2)"
                 " AND (CAST($3 AS bigint) = 0 OR year = $3)"
                 " AND (CAST($4 AS text) IS NULL OR county LIKE CAST($4 AS text) || '%')" LINE_ORDER,
                 v, 4, line_row, &c, NULL, "listing the budget lines", err);
    if (rc == 0 && c.have && !c.stop) fn(ctx, &c.cur);
    return rc;
}

static int first_line(void *ctx, const jy_ledger_line *l)
{
    *(jy_ledger_line *)ctx = *l;
    return 1;
}

int jy_store_ledger_line_get(jy_store *st, const char *county, const char *program, int year, int source,
                             jy_ledger_line *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    if (jy_store_scope_refuse(st, "the ledger of", county, county, err)) return JY_ECONFLICT;
    jl_cp(out->county, sizeof out->county, county);
    jl_cp(out->program, sizeof out->program, program);
    out->year = year;
    out->source = source;
    line_ctx c = {.fn = first_line, .ctx = out};
    jl_val v[4] = {JL_S(county), JL_S(program), JL_I(year), JL_S(jy_fund_source_name(source))};
    int rc = jl_run(st,
                 "SELECT county, program, year, source, kind, balance FROM ledger_accounts"
                 " WHERE county = $1 AND program = $2 AND year = $3 AND source = $4",
                 v, 4, line_row, &c, NULL, "reading a budget line", err);
    if (rc == 0 && c.have) *out = c.cur;
    return rc;
}

typedef struct entry_ctx {
    jy_store *st;
    int (*fn)(void *ctx, const jy_ledger_entry *e);
    void *ctx;
    jy_ledger_entry e;
    int rc;
    jy_err *err;
} entry_ctx;

static int posting_row(void *vctx, int ncol, const char *const *col)
{
    jy_ledger_entry *e = vctx;
    if (e->nposting >= JY_LEDGER_MAX_POSTINGS) return 1;
    jy_ledger_posting *p = &e->posting[e->nposting++];
    p->source = source_of(col[0]);
    p->account = account_of(col[1]);
    p->amount = jl_i64(col[2]);
    return 0;
}

static int entry_row(void *vctx, int ncol, const char *const *col)
{
    entry_ctx *c = vctx;
    jy_ledger_entry *e = &c->e;
    memset(e, 0, sizeof *e);
    e->id = jl_i64(col[0]);
    jl_cp(e->county, sizeof e->county, col[1]);
    jl_cp(e->at, sizeof e->at, col[2]);
    jl_cp(e->actor, sizeof e->actor, col[3]);
    jl_cp(e->kind, sizeof e->kind, col[4]);
    jl_cp(e->program, sizeof e->program, col[5]);
    e->year = (int)jl_i64(col[6]);
    e->payable_id = jl_i64(col[7]);
    e->batch_line_id = jl_i64(col[8]);
    jl_cp(e->idem_key, sizeof e->idem_key, col[9]);
    jl_cp(e->memo, sizeof e->memo, col[10]);
    jl_val v[1] = {JL_I(e->id)};
    c->rc = jl_run(c->st,
                "SELECT a.source, a.kind, p.amount FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id"
                " WHERE p.entry_id = $1 ORDER BY p.id",
                v, 1, posting_row, e, NULL, "reading ledger postings", c->err);
    if (c->rc) return 1;
    return c->fn(c->ctx, e);
}

int jy_store_ledger_entries(jy_store *st, int64_t after_id, int limit,
                            int (*fn)(void *ctx, const jy_ledger_entry *e), void *ctx, jy_err *err)
{
    entry_ctx c = {st, fn, ctx, {0}, 0, err};
    jl_val v[3] = {JL_I(after_id), JL_I(limit > 0 ? limit : INT64_MAX), st->scope[0] ? JL_S(st->scope) : JL_N};
    int rc = jl_run(st,
                 "SELECT id, county, at, actor, kind, program, year, payable_id, batch_line_id, idem_key, memo"
                 " FROM ledger_entries WHERE id > $1"
                 " AND (CAST($3 AS text) IS NULL OR county LIKE CAST($3 AS text) || '%') ORDER BY id LIMIT $2",
                 v, 3, entry_row, &c, NULL, "listing the journal", err);
    return rc ? rc : c.rc;
}

/* Row callback for the check queries: the first row's columns as text. */
typedef struct first_row {
    int found;
    char col[8][64];
} first_row;

static int get_first(void *ctx, int ncol, const char *const *col)
{
    first_row *f = ctx;
    f->found = 1;
    for (int i = 0; i < ncol && i < 8; i++) jl_cp(f->col[i], sizeof f->col[i], col[i]);
    return 1;
}

int jy_store_ledger_check(jy_store *st, jy_ledger_check *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    one_i64 n = {0};
    int rc = jl_run(st,
                 "SELECT (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM ledger_postings),"
                 " (SELECT count(*) FROM ledger_accounts)",
                 NULL, 0, get_i64s, &n, NULL, "counting the journal", err);
    if (rc) return rc;
    out->entries = n.v[0];
    out->postings = n.v[1];
    out->accounts = n.v[2];
    char a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ], ln[64];
    first_row f = {0};

    /* 1. every entry has postings and they sum to zero */
    if ((rc = jl_run(st,
                  "SELECT e.id, e.kind, e.program, e.year, coalesce(sum(p.amount), 0), count(p.id)"
                  " FROM ledger_entries e LEFT JOIN ledger_postings p ON p.entry_id = e.id"
                  " GROUP BY e.id, e.kind, e.program, e.year HAVING coalesce(sum(p.amount), 0) <> 0 OR count(p.id) = 0"
                  " ORDER BY e.id LIMIT 1",
                  NULL, 0, get_first, &f, NULL, "checking that entries balance", err)))
        return rc;
    if (f.found) {
        snprintf(out->problem, sizeof out->problem, "entry %s (%s %s %s): %s", f.col[0], f.col[1], f.col[2], f.col[3],
                 jl_i64(f.col[5]) == 0 ? "has no postings"
                                    : (snprintf(ln, sizeof ln, "postings sum to %s, not 0",
                                                jy_money_format(jl_i64(f.col[4]), a)),
                                       ln));
        return 0;
    }
    /* 2. each account's balance is the sum of its postings */
    if ((rc = jl_run(st,
                  "SELECT a.program, a.year, a.source, a.kind, a.balance, s.total FROM ledger_accounts a"
                  " JOIN (SELECT ac.id, coalesce(sum(p.amount), 0) AS total FROM ledger_accounts ac"
                  " LEFT JOIN ledger_postings p ON p.account_id = ac.id GROUP BY ac.id) s ON s.id = a.id"
                  " WHERE a.balance <> s.total ORDER BY a.id LIMIT 1",
                  NULL, 0, get_first, &f, NULL, "checking account balances", err)))
        return rc;
    if (f.found) {
        snprintf(out->problem, sizeof out->problem, "%s %s: balance %s, but its postings sum to %s",
                 line_name(ln, sizeof ln, f.col[0], (int)jl_i64(f.col[1]), source_of(f.col[2])), f.col[3],
                 jy_money_format(jl_i64(f.col[4]), a), jy_money_format(jl_i64(f.col[5]), b));
        return 0;
    }
    /* 3. no account on the wrong side of zero */
    if ((rc = jl_run(st,
                  "SELECT program, year, source, kind, balance FROM ledger_accounts"
                  " WHERE (kind = 'budget' AND balance > 0) OR (kind <> 'budget' AND balance < 0) ORDER BY id LIMIT 1",
                  NULL, 0, get_first, &f, NULL, "checking account signs", err)))
        return rc;
    if (f.found) {
        snprintf(out->problem, sizeof out->problem, "%s %s: balance %s is on the wrong side of zero",
                 line_name(ln, sizeof ln, f.col[0], (int)jl_i64(f.col[1]), source_of(f.col[2])), f.col[3],
                 jy_money_format(jl_i64(f.col[4]), a));
        return 0;
    }
    /* 4. committed = open payables' splits, paid = paid payables' splits less recoveries, both
     *    ways (an account without payables, payables without an account) */
    static const char *const sub_sql[2] = {
        "SELECT k.program, k.year, k.source, 'committed', coalesce(a.balance, 0), coalesce(s.total, 0) FROM"
        " (SELECT county, program, year, source FROM ledger_accounts WHERE kind = 'committed'"
        "  UNION SELECT p.county, p.program, p.year, x.source FROM payables p JOIN payable_splits x ON x.payable_id = p.id) k"
        " LEFT JOIN ledger_accounts a ON a.county = k.county AND a.program = k.program AND a.year = k.year"
        "  AND a.source = k.source AND a.kind = 'committed'"
        " LEFT JOIN (SELECT p.county, p.program, p.year, x.source, sum(x.amount) AS total FROM payables p"
        "  JOIN payable_splits x ON x.payable_id = p.id WHERE p.status = 'approved' OR p.status = 'batched'"
        "  GROUP BY p.county, p.program, p.year, x.source) s ON s.county = k.county AND s.program = k.program"
        "  AND s.year = k.year AND s.source = k.source"
        " WHERE coalesce(a.balance, 0) <> coalesce(s.total, 0) ORDER BY k.program, k.year, k.source LIMIT 1",
        "SELECT k.program, k.year, k.source, 'paid', coalesce(a.balance, 0), coalesce(s.total, 0) FROM"
        " (SELECT county, program, year, source FROM ledger_accounts WHERE kind = 'paid'"
        "  UNION SELECT p.county, p.program, p.year, x.source FROM payables p JOIN payable_splits x ON x.payable_id = p.id) k"
        " LEFT JOIN ledger_accounts a ON a.county = k.county AND a.program = k.program AND a.year = k.year"
        "  AND a.source = k.source AND a.kind = 'paid'"
        " LEFT JOIN (SELECT p.county, p.program, p.year, x.source, sum(x.amount - x.recovered) AS total FROM payables p"
        "  JOIN payable_splits x ON x.payable_id = p.id WHERE p.status = 'paid'"
        "  GROUP BY p.county, p.program, p.year, x.source) s ON s.county = k.county AND s.program = k.program"
        "  AND s.year = k.year AND s.source = k.source"
        " WHERE coalesce(a.balance, 0) <> coalesce(s.total, 0) ORDER BY k.program, k.year, k.source LIMIT 1",
    };
    static const char *const sub_what[2] = {"open payables commit", "paid payables (less recoveries) come to"};
    for (int i = 0; i < 2; i++) {
        if ((rc = jl_run(st, sub_sql[i], NULL, 0, get_first, &f, NULL, "checking the ledger against the payables", err)))
            return rc;
        if (f.found) {
            snprintf(out->problem, sizeof out->problem, "%s %s: balance %s, but %s %s",
                     line_name(ln, sizeof ln, f.col[0], (int)jl_i64(f.col[1]), source_of(f.col[2])), f.col[3],
                     jy_money_format(jl_i64(f.col[4]), a), sub_what[i], jy_money_format(jl_i64(f.col[5]), b));
            return 0;
        }
    }
    out->ok = 1;
    return 0;
}

/* ---------------------------------------------------------------- social security cards */

int jy_store_person_card_set(jy_store *st, int64_t person_id, const char *sscard, const char *bank_name,
                             const char *actor, jy_err *err)
{
    if (!sscard || !*sscard)
        return jy_err_set2(err, JY_EINVAL, "store.sscard.empty", "social security card account is empty",
                           "社会保障卡账号为空");
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    first_row person = {0}, old = {0};
    jl_val k[1] = {JL_I(person_id)};
    if ((rc = jl_run(st, "SELECT county FROM persons WHERE id = $1", k, 1, get_first, &person, NULL, "reading a person", err)))
        goto done;
    if (!person.found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_id", "no person with id %" PRId64,
                         "没有编号为 %" PRId64 " 的人员", person_id);
        goto done;
    }
    if ((rc = jy_store_scope_hide(st, "person", person_id, person.col[0], err))) goto done;
    if ((rc = jl_run(st, "SELECT sscard, bank_name FROM payee_accounts WHERE person_id = $1", k, 1, get_first, &old,
                  NULL, "reading a social security card", err)))
        goto done;
    if (old.found && strcmp(old.col[0], sscard) == 0 && strcmp(old.col[1], bank_name ? bank_name : "") == 0)
        goto done; /* unchanged: nothing written */
    char now[32];
    jy_store_now(now, sizeof now);
    jl_val v[5] = {JL_I(person_id), JL_S(person.col[0]), JL_S(sscard), JL_S(bank_name ? bank_name : ""), JL_S(now)};
    if ((rc = jl_run(st,
                  "INSERT INTO payee_accounts(person_id, county, sscard, bank_name, updated_at) VALUES ($1, $2, $3, $4, $5)"
                  " ON CONFLICT (person_id) DO UPDATE SET sscard = excluded.sscard, bank_name = excluded.bank_name,"
                  " updated_at = excluded.updated_at",
                  v, 5, NULL, NULL, NULL, "writing a social security card", err)))
        goto done;
    if (old.found) {
        jy_sb_appendc(&before, '{');
        jy_sb_json_kv_i64(&before, "person_id", person_id);
        jy_sb_json_kv_str(&before, "sscard", old.col[0]);
        jy_sb_json_kv_str(&before, "bank_name", old.col[1]);
        jy_sb_appendc(&before, '}');
    }
    jy_sb_appendc(&after, '{');
    jy_sb_json_kv_i64(&after, "person_id", person_id);
    jy_sb_json_kv_str(&after, "sscard", sscard);
    jy_sb_json_kv_str(&after, "bank_name", bank_name ? bank_name : "");
    jy_sb_appendc(&after, '}');
    rc = jl_audit(st, actor, person.col[0], "payee_account", person_id, old.found ? "update" : "create",
               old.found ? jy_sb_cstr(&before) : NULL, jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

int jy_store_person_card_get(jy_store *st, int64_t person_id, char sscard[40], char bank_name[64], jy_err *err)
{
    first_row f = {0};
    jl_val k[1] = {JL_I(person_id)};
    int rc = jl_run(st, "SELECT sscard, bank_name, county FROM payee_accounts WHERE person_id = $1", k, 1, get_first, &f,
                 NULL, "reading a social security card", err);
    if (rc) return rc;
    if (f.found && (rc = jy_store_scope_hide(st, "person", person_id, f.col[2], err))) return rc;
    if (!f.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.sscard.none",
                           "person %" PRId64 " has no social security card (社保卡) on record",
                           "人员 %" PRId64 " 没有登记社会保障卡（社保卡）", person_id);
    jl_cp(sscard, 40, f.col[0]);
    jl_cp(bank_name, 64, f.col[1]);
    return 0;
}

/* ---------------------------------------------------------------- payables */

#define PAYABLE_COLS                                                                                          \
    "id, county, program, year, month, case_id, payee_kind, person_id, org_id, account, amount, recovered, status," \
    " memo, approved_by, created_at, claim, coalesce(claim_key, ''), track"

typedef struct payable_ctx {
    jy_store *st;
    int (*fn)(void *ctx, const jy_payable *p);
    void *ctx;
    jy_payable p;
    int found, rc;
    jy_err *err;
} payable_ctx;

static int split_row(void *vctx, int ncol, const char *const *col)
{
    jy_payable *p = vctx;
    int s = source_of(col[0]);
    if (s >= 0) {
        p->split[s] = jl_i64(col[1]);
        p->recovered_split[s] = jl_i64(col[2]);
    }
    return 0;
}

static int payable_row(void *vctx, int ncol, const char *const *col)
{
    payable_ctx *c = vctx;
    jy_payable *p = &c->p;
    memset(p, 0, sizeof *p);
    p->id = jl_i64(col[0]);
    jl_cp(p->county, sizeof p->county, col[1]);
    jl_cp(p->program, sizeof p->program, col[2]);
    p->year = (int)jl_i64(col[3]);
    jl_cp(p->month, sizeof p->month, col[4]);
    p->case_id = jl_i64(col[5]);
    p->payee_kind = col[6] && strcmp(col[6], "org") == 0 ? JY_PAYEE_ORG : JY_PAYEE_PERSON;
    p->person_id = jl_i64(col[7]);
    p->org_id = jl_i64(col[8]);
    jl_cp(p->account, sizeof p->account, col[9]);
    p->amount = jl_i64(col[10]);
    p->recovered = jl_i64(col[11]);
    jl_cp(p->status, sizeof p->status, col[12]);
    jl_cp(p->memo, sizeof p->memo, col[13]);
    jl_cp(p->approved_by, sizeof p->approved_by, col[14]);
    jl_cp(p->created_at, sizeof p->created_at, col[15]);
    jl_cp(p->claim, sizeof p->claim, col[16]);
    jl_cp(p->claim_key, sizeof p->claim_key, col[17]);
    jl_cp(p->track, sizeof p->track, col[18]);
    c->found = 1;
    jl_val v[1] = {JL_I(p->id)};
    c->rc = jl_run(c->st, "SELECT source, amount, recovered FROM payable_splits WHERE payable_id = $1", v, 1, split_row, p,
                NULL, "reading a payable's funding split", c->err);
    if (c->rc) return 1;
    return c->fn ? c->fn(c->ctx, p) : 1;
}

int jy_store_payable_get(jy_store *st, int64_t id, jy_payable *out, jy_err *err)
{
    payable_ctx c = {st, NULL, NULL, {0}, 0, 0, err};
    jl_val v[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT " PAYABLE_COLS " FROM payables WHERE id = $1", v, 1, payable_row, &c, NULL,
                 "reading a payable", err);
    if (rc) return rc;
    if (c.rc) return c.rc;
    if (!c.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.payable.not_found", "no payable with id %" PRId64,
                           "没有编号为 %" PRId64 " 的应付款", id);
    if ((rc = jy_store_scope_hide(st, "payable", id, c.p.county, err))) return rc;
    *out = c.p;
    return 0;
}

/* A new payable's own checks (both write paths): a split of non-negative parts summing to a
 * positive amount, a county, a programme and a year, inside the handle's scope. */
static int payable_refuse(const jy_store *st, const jy_payable *p, jy_err *err)
{
    int64_t sum = 0;
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (p->split[s] < 0)
            return jy_err_set2(err, JY_EINVAL, "store.payable.negative_split", "payable: negative split",
                               "应付款：资金拆分中有负数");
        sum += p->split[s];
    }
    if (p->amount <= 0 || sum != p->amount)
        return jy_err_set2(err, JY_EINVAL, "store.payable.amount",
                           "payable: amount must be positive and equal the sum of its funding split",
                           "应付款：金额须为正数，且等于各资金来源拆分之和");
    if (strlen(p->county) != 6 || !p->program[0] || p->year < 1900)
        return jy_err_set2(err, JY_EINVAL, "store.payable.required", "payable needs a county, a programme and a year",
                           "应付款须有县、项目和年度");
    if (jy_store_scope_refuse(st, "payable of", p->program, p->county, err)) return JY_ECONFLICT;
    return 0;
}

int jy_store_payable_add(jy_store *st, jy_payable *p, const char *actor, jy_err *err)
{
    int rc0 = payable_refuse(st, p, err);
    if (rc0) return rc0;
    if (!p->status[0]) jl_cp(p->status, sizeof p->status, "approved");
    jl_cp(p->approved_by, sizeof p->approved_by, jl_actor(actor));
    jy_store_now(p->created_at, sizeof p->created_at);
    int org = p->payee_kind == JY_PAYEE_ORG;
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb js = JY_SB_INIT;
    one_i64 id = {0};
    jl_val v[17] = {JL_S(p->county), JL_S(p->program), JL_I(p->year), JL_S(p->month),
                    p->case_id ? JL_I(p->case_id) : JL_N, JL_S(org ? "org" : "person"),
                    org ? JL_N : JL_I(p->person_id), org ? JL_I(p->org_id) : JL_N, JL_S(p->account), JL_I(p->amount),
                    JL_S(p->status), JL_S(p->memo), JL_S(p->approved_by), JL_S(p->created_at), JL_S(p->claim),
                    p->claim_key[0] ? JL_S(p->claim_key) : JL_N, JL_S(p->track)};
    if ((rc = jl_run(st,
                  "INSERT INTO payables(county, program, year, month, case_id, payee_kind, person_id, org_id, account,"
                  " amount, status, memo, approved_by, created_at, claim, claim_key, track)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
                  v, 17, get_i64s, &id, NULL, "writing a payable", err))) {
        if (rc == JY_ECONFLICT && p->claim_key[0]) /* the partial UNIQUE index: jy_ledger_approve names the other */
            jy_err_set2(err, JY_ECONFLICT, "store.payable.duplicate",
                        "%s %s: another live payable already pays claim %s (one payable per payee, "
                        "programme and period)",
                        "%s %s：另一笔有效的应付款已在支付申领 %s（同一收款人、项目和期间只能有一笔应付款）",
                        p->program, p->month[0] ? p->month : "", p->claim_key);
        goto done;
    }
    p->id = id.v[0];
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (!p->split[s]) continue;
        jl_val sv[3] = {JL_I(p->id), JL_S(jy_fund_source_name(s)), JL_I(p->split[s])};
        if ((rc = jl_run(st, "INSERT INTO payable_splits(payable_id, source, amount) VALUES ($1, $2, $3)", sv, 3, NULL,
                      NULL, NULL, "writing a payable's funding split", err)))
            goto done;
    }
    jy_payable_json(&js, p);
    rc = jl_audit(st, actor, p->county, "payable", p->id, "create", NULL, jy_sb_cstr(&js), err);
done:
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

int jy_store_payable_set_status(jy_store *st, int64_t id, const char *from, const char *to, const char *actor,
                                jy_err *err)
{
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    jy_payable p;
    if ((rc = jy_store_payable_get(st, id, &p, err))) goto done;
    if (strcmp(p.status, from) != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.payable.status", "payable %" PRId64 " is %s, not %s",
                         "应付款 %" PRId64 " 的状态为 %s，而不是 %s", id, p.status, from);
        goto done;
    }
    jl_val v[3] = {JL_I(id), JL_S(to), JL_S(from)};
    int64_t n = 0;
    if ((rc = jl_run(st, "UPDATE payables SET status = $2 WHERE id = $1 AND status = $3 RETURNING id", v, 3, NULL, NULL,
                  &n, "changing a payable's status", err)))
        goto done;
    if (n != 1) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.payable.changed", "payable %" PRId64 " changed meanwhile",
                         "应付款 %" PRId64 " 已被他人同时修改，请重新查看", id);
        goto done;
    }
    jy_payable_json(&before, &p);
    jl_cp(p.status, sizeof p.status, to);
    jy_payable_json(&after, &p);
    rc = jl_audit(st, actor, p.county, "payable", id, to, jy_sb_cstr(&before), jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

int jy_store_payable_recover(jy_store *st, int64_t id, const int64_t rec[JY_FUND__COUNT], const char *actor,
                             jy_err *err)
{
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    jy_payable p;
    int64_t total = 0;
    if ((rc = jy_store_payable_get(st, id, &p, err))) goto done;
    jy_payable_json(&before, &p);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (rec[s] == 0) continue;
        if (rec[s] < 0 || p.recovered_split[s] + rec[s] > p.split[s]) {
            char a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
            rc = jy_err_set2(err, JY_ECONFLICT, "store.payable.recover_max",
                             "payable %" PRId64 ": %s can recover at most %s, asked %s",
                             "应付款 %" PRId64 "：%s资金最多可追回 %s，申请追回 %s", id, jy_fund_source_label(s),
                             jy_money_format(p.split[s] - p.recovered_split[s], a), jy_money_format(rec[s], b));
            goto done;
        }
        jl_val v[3] = {JL_I(id), JL_S(jy_fund_source_name(s)), JL_I(rec[s])};
        if ((rc = jl_run(st, "UPDATE payable_splits SET recovered = recovered + $3 WHERE payable_id = $1 AND source = $2",
                      v, 3, NULL, NULL, NULL, "recording a recovery", err)))
            goto done;
        p.recovered_split[s] += rec[s];
        total += rec[s];
    }
    jl_val v[2] = {JL_I(id), JL_I(total)};
    if ((rc = jl_run(st, "UPDATE payables SET recovered = recovered + $2 WHERE id = $1", v, 2, NULL, NULL, NULL,
                  "recording a recovery", err)))
        goto done;
    p.recovered += total;
    jy_payable_json(&after, &p);
    rc = jl_audit(st, actor, p.county, "payable", id, "recover", jy_sb_cstr(&before), jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

int jy_store_payable_list(jy_store *st, const jy_payable_filter *f, int (*fn)(void *ctx, const jy_payable *p),
                          void *ctx, jy_err *err)
{
    /* county scope (store_scope.c): a named county outside it is refused; otherwise the scope's
     * prefix ($8) filters in SQL, on the county-leading index */
    if (st->scope[0] && f->county && *f->county &&
        jy_store_scope_refuse(st, "the payables of", f->county, f->county, err))
        return JY_ECONFLICT;
    payable_ctx c = {st, fn, ctx, {0}, 0, 0, err};
    jl_val v[8] = {JL_I(f->after_id),
                   f->county && *f->county ? JL_S(f->county) : JL_N,
                   f->program && *f->program ? JL_S(f->program) : JL_N,
                   f->status && *f->status ? JL_S(f->status) : JL_N,
                   f->month ? JL_S(f->month) : JL_N,
                   JL_I(f->limit > 0 ? f->limit : INT64_MAX),
                   JL_I(f->case_id),
                   st->scope[0] ? JL_S(st->scope) : JL_N};
    int rc;
    if (f->case_id > 0) /* one case's payables: through the payables_case index */
        rc = jl_run(st,
                 "SELECT " PAYABLE_COLS " FROM payables WHERE case_id = $7 AND id > $1"
                 " AND (CAST($2 AS text) IS NULL OR county = $2) AND (CAST($3 AS text) IS NULL OR program = $3)"
                 " AND (CAST($4 AS text) IS NULL OR status = $4) AND (CAST($5 AS text) IS NULL OR month = $5)"
                 " AND (CAST($8 AS text) IS NULL OR (county >= $8 AND county < $8 || '~'))"
                 " ORDER BY id LIMIT $6",
                 v, 8, payable_row, &c, NULL, "listing payables", err);
    else
        rc = jl_run(st,
                 "SELECT " PAYABLE_COLS " FROM payables WHERE id > $1 AND CAST($7 AS bigint) <= 0"
                 " AND (CAST($2 AS text) IS NULL OR county = $2) AND (CAST($3 AS text) IS NULL OR program = $3)"
                 " AND (CAST($4 AS text) IS NULL OR status = $4) AND (CAST($5 AS text) IS NULL OR month = $5)"
                 " AND (CAST($8 AS text) IS NULL OR (county >= $8 AND county < $8 || '~'))"
                 " ORDER BY id LIMIT $6",
                 v, 8, payable_row, &c, NULL, "listing payables", err);
    return rc ? rc : c.rc;
}

/* ---------------------------------------------------------------- batches */

#define BATCH_COLS \
    "id, county, program, month, status, built_by, built_at, approved_by, approved_at, exported_at, nlines, total"

static int batch_row(void *vctx, int ncol, const char *const *col)
{
    jy_batch *b = vctx;
    memset(b, 0, sizeof *b);
    b->id = jl_i64(col[0]);
    jl_cp(b->county, sizeof b->county, col[1]);
    jl_cp(b->program, sizeof b->program, col[2]);
    jl_cp(b->month, sizeof b->month, col[3]);
    jl_cp(b->status, sizeof b->status, col[4]);
    jl_cp(b->built_by, sizeof b->built_by, col[5]);
    jl_cp(b->built_at, sizeof b->built_at, col[6]);
    jl_cp(b->approved_by, sizeof b->approved_by, col[7]);
    jl_cp(b->approved_at, sizeof b->approved_at, col[8]);
    jl_cp(b->exported_at, sizeof b->exported_at, col[9]);
    b->nlines = (int)jl_i64(col[10]);
    b->total = jl_i64(col[11]);
    return 1;
}

int jy_store_batch_get(jy_store *st, int64_t id, jy_batch *out, jy_err *err)
{
    int64_t n = 0;
    jl_val v[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT " BATCH_COLS " FROM pay_batches WHERE id = $1", v, 1, batch_row, out, &n,
                 "reading a payment batch", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.batch.not_found", "no payment batch with id %" PRId64,
                           "没有编号为 %" PRId64 " 的拨付批次", id);
    return jy_store_scope_hide(st, "payment batch", id, out->county, err);
}

int jy_store_batch_add(jy_store *st, jy_batch *b, const char *actor, jy_err *err)
{
    if (strlen(b->county) != 6 || !b->program[0])
        return jy_err_set2(err, JY_EINVAL, "store.batch.required", "batch needs a county and a programme",
                           "拨付批次须有县和项目");
    if (jy_store_scope_refuse(st, "payment batch of", b->program, b->county, err)) return JY_ECONFLICT;
    if (!b->status[0]) jl_cp(b->status, sizeof b->status, "draft");
    jl_cp(b->built_by, sizeof b->built_by, jl_actor(actor));
    jy_store_now(b->built_at, sizeof b->built_at);
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb js = JY_SB_INIT;
    one_i64 id = {0};
    jl_val v[8] = {JL_S(b->county), JL_S(b->program), JL_S(b->month), JL_S(b->status),
                   JL_S(b->built_by), JL_S(b->built_at), JL_I(b->nlines), JL_I(b->total)};
    if ((rc = jl_run(st,
                  "INSERT INTO pay_batches(county, program, month, status, built_by, built_at, nlines, total)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                  v, 8, get_i64s, &id, NULL, "writing a payment batch", err)))
        goto done;
    b->id = id.v[0];
    jy_batch_json(&js, b);
    rc = jl_audit(st, actor, b->county, "pay_batch", b->id, "create", NULL, jy_sb_cstr(&js), err);
done:
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

int jy_store_batch_update(jy_store *st, const jy_batch *b, const char *from, const char *actor, jy_err *err)
{
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    jy_batch old;
    if ((rc = jy_store_batch_get(st, b->id, &old, err))) goto done;
    if (strcmp(old.status, from) != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.batch.status", "payment batch %" PRId64 " is %s, not %s",
                         "拨付批次 %" PRId64 " 的状态为 %s，而不是 %s", b->id, old.status, from);
        goto done;
    }
    jl_val v[8] = {JL_I(b->id), JL_S(b->status), JL_S(b->approved_by), JL_S(b->approved_at), JL_S(b->exported_at),
                   JL_I(b->nlines), JL_I(b->total), JL_S(from)};
    int64_t n = 0;
    if ((rc = jl_run(st,
                  "UPDATE pay_batches SET status = $2, approved_by = $3, approved_at = $4, exported_at = $5,"
                  " nlines = $6, total = $7 WHERE id = $1 AND status = $8 RETURNING id",
                  v, 8, NULL, NULL, &n, "updating a payment batch", err)))
        goto done;
    if (n != 1) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.batch.changed", "payment batch %" PRId64 " changed meanwhile",
                         "拨付批次 %" PRId64 " 已被他人同时修改，请重新查看", b->id);
        goto done;
    }
    jy_batch_json(&before, &old);
    jy_batch_json(&after, b);
    const char *action = strcmp(old.status, b->status) != 0 ? b->status : "update";
    rc = jl_audit(st, actor, old.county, "pay_batch", b->id, action, jy_sb_cstr(&before), jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

typedef struct batch_list_ctx {
    const jy_store *st;
    int (*fn)(void *ctx, const jy_batch *b);
    void *ctx;
} batch_list_ctx;

static int batch_list_row(void *vctx, int ncol, const char *const *col)
{
    batch_list_ctx *c = vctx;
    jy_batch b;
    batch_row(&b, ncol, col);
    return c->fn(c->ctx, &b);
}

int jy_store_batch_list(jy_store *st, const char *program, int (*fn)(void *ctx, const jy_batch *b), void *ctx,
                        jy_err *err)
{
    batch_list_ctx c = {st, fn, ctx};
    /* $2: the county scope's prefix (store_scope.c), filtered in SQL */
    jl_val v[2] = {program && *program ? JL_S(program) : JL_N, st->scope[0] ? JL_S(st->scope) : JL_N};
    return jl_run(st,
                  "SELECT " BATCH_COLS " FROM pay_batches WHERE (CAST($1 AS text) IS NULL OR program = $1)"
                  " AND (CAST($2 AS text) IS NULL OR (county >= $2 AND county < $2 || '~')) ORDER BY id",
                  v, 2, batch_list_row, &c, NULL, "listing payment batches", err);
}

#define LINE_COLS                                                                                                 \
    "id, batch_id, line_no, payable_id, idem_key, payee_kind, payee_name, payee_id, account, bank_name, amount, status," \
    " attempts, fail_reason, paid_at, COALESCE(transfer_no, line_no)"

static void read_line(jy_batch_line *l, const char *const *col)
{
    memset(l, 0, sizeof *l);
    l->id = jl_i64(col[0]);
    l->batch_id = jl_i64(col[1]);
    l->line_no = (int)jl_i64(col[2]);
    l->payable_id = jl_i64(col[3]);
    jl_cp(l->idem_key, sizeof l->idem_key, col[4]);
    l->payee_kind = col[5] && strcmp(col[5], "org") == 0 ? JY_PAYEE_ORG : JY_PAYEE_PERSON;
    jl_cp(l->payee_name, sizeof l->payee_name, col[6]);
    jl_cp(l->payee_id, sizeof l->payee_id, col[7]);
    jl_cp(l->account, sizeof l->account, col[8]);
    jl_cp(l->bank_name, sizeof l->bank_name, col[9]);
    l->amount = jl_i64(col[10]);
    jl_cp(l->status, sizeof l->status, col[11]);
    l->attempts = (int)jl_i64(col[12]);
    jl_cp(l->fail_reason, sizeof l->fail_reason, col[13]);
    jl_cp(l->paid_at, sizeof l->paid_at, col[14]);
    l->transfer_no = (int)jl_i64(col[15]);
}

static int line_get_row(void *vctx, int ncol, const char *const *col)
{
    read_line(vctx, col);
    return 1;
}

/* On a scoped handle, the batch must lie in the scope (JY_ENOTFOUND otherwise). */
static int batch_in_scope(jy_store *st, int64_t batch_id, jy_err *err)
{
    jy_batch b;
    return st->scope[0] ? jy_store_batch_get(st, batch_id, &b, err) : 0;
}

int jy_store_batch_line_get(jy_store *st, int64_t batch_id, int line_no, jy_batch_line *out, jy_err *err)
{
    int rc0 = batch_in_scope(st, batch_id, err);
    if (rc0) return rc0;
    int64_t n = 0;
    jl_val v[2] = {JL_I(batch_id), JL_I(line_no)};
    int rc = jl_run(st, "SELECT " LINE_COLS " FROM pay_batch_lines WHERE batch_id = $1 AND line_no = $2", v, 2,
                 line_get_row, out, &n, "reading a batch line", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.batch.no_line", "payment batch %" PRId64 " has no line %d",
                           "拨付批次 %" PRId64 " 没有第 %d 行", batch_id, line_no);
    return 0;
}

int jy_store_batch_line_add(jy_store *st, jy_batch_line *l, const char *actor, jy_err *err)
{
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb js = JY_SB_INIT;
    first_row prev = {0}, batch = {0};
    jl_val k[1] = {JL_I(l->payable_id)};
    if ((rc = jl_run(st, "SELECT batch_id, line_no FROM pay_batch_lines WHERE payable_id = $1", k, 1, get_first, &prev,
                  NULL, "looking for the payable in other batches", err)))
        goto done;
    if (prev.found) {
        rc =
            jy_err_set2(err, JY_ECONFLICT, "store.batch.payable_taken",
                        "payable %" PRId64 " is already line %s of payment batch %s",
                        "应付款 %1$" PRId64 " 已是拨付批次 %3$s 的第 %2$s 行", l->payable_id, prev.col[1], prev.col[0]);
        goto done;
    }
    jl_val bk[1] = {JL_I(l->batch_id)};
    if ((rc = jl_run(st, "SELECT county FROM pay_batches WHERE id = $1", bk, 1, get_first, &batch, NULL,
                  "reading a payment batch", err)))
        goto done;
    if (!batch.found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.batch.not_found", "no payment batch with id %" PRId64,
                         "没有编号为 %" PRId64 " 的拨付批次", l->batch_id);
        goto done;
    }
    if ((rc = jy_store_scope_hide(st, "payment batch", l->batch_id, batch.col[0], err))) goto done;
    if (!l->status[0]) jl_cp(l->status, sizeof l->status, "pending");
    one_i64 id = {0};
    if (!l->transfer_no) l->transfer_no = l->line_no;
    jl_val v[16] = {JL_S(batch.col[0]), JL_I(l->batch_id), JL_I(l->line_no), JL_I(l->payable_id), JL_S(l->idem_key),
                    JL_S(l->payee_kind == JY_PAYEE_ORG ? "org" : "person"), JL_S(l->payee_name), JL_S(l->payee_id),
                    JL_S(l->account), JL_S(l->bank_name), JL_I(l->amount), JL_S(l->status), JL_I(l->attempts),
                    JL_S(l->fail_reason), JL_S(l->paid_at), JL_I(l->transfer_no)};
    if ((rc = jl_run(st,
                  "INSERT INTO pay_batch_lines(county, batch_id, line_no, payable_id, idem_key, payee_kind, payee_name,"
                  " payee_id, account, bank_name, amount, status, attempts, fail_reason, paid_at, transfer_no)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                  v, 16, get_i64s, &id, NULL, "writing a batch line", err)))
        goto done;
    l->id = id.v[0];
    jy_batch_line_json(&js, l);
    rc = jl_audit(st, actor, batch.col[0], "pay_batch_line", l->id, "create", NULL, jy_sb_cstr(&js), err);
done:
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

int jy_store_batch_line_update(jy_store *st, const jy_batch_line *l, const char *from, const char *actor,
                               jy_err *err)
{
    int rc = enter(st, err);
    if (rc) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    jy_batch_line old;
    first_row batch = {0};
    if ((rc = jy_store_batch_line_get(st, l->batch_id, l->line_no, &old, err))) goto done;
    if (strcmp(old.status, from) != 0) {
        rc = jy_err_set2(
            err, JY_ECONFLICT, "store.batch.line_status", "line %d of payment batch %" PRId64 " is %s, not %s",
            "拨付批次 %2$" PRId64 " 的第 %1$d 行状态为 %3$s，而不是 %4$s", l->line_no, l->batch_id, old.status, from);
        goto done;
    }
    jl_val v[8] = {JL_I(old.id), JL_S(l->status), JL_I(l->attempts), JL_S(l->fail_reason), JL_S(l->paid_at),
                   JL_S(l->account), JL_S(l->bank_name), JL_S(from)};
    int64_t n = 0;
    if ((rc = jl_run(st,
                  "UPDATE pay_batch_lines SET status = $2, attempts = $3, fail_reason = $4, paid_at = $5, account = $6,"
                  " bank_name = $7 WHERE id = $1 AND status = $8 RETURNING id",
                  v, 8, NULL, NULL, &n, "updating a batch line", err)))
        goto done;
    if (n != 1) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.batch.line_changed",
                         "line %d of payment batch %" PRId64 " changed meanwhile",
                         "拨付批次 %2$" PRId64 " 的第 %1$d 行已被他人同时修改，请重新查看", l->line_no, l->batch_id);
        goto done;
    }
    jl_val bk[1] = {JL_I(l->batch_id)};
    if ((rc = jl_run(st, "SELECT county FROM pay_batches WHERE id = $1", bk, 1, get_first, &batch, NULL,
                  "reading a payment batch", err)))
        goto done;
    jy_batch_line_json(&before, &old);
    jy_batch_line copy = old;
    jl_cp(copy.status, sizeof copy.status, l->status);
    copy.attempts = l->attempts;
    jl_cp(copy.fail_reason, sizeof copy.fail_reason, l->fail_reason);
    jl_cp(copy.paid_at, sizeof copy.paid_at, l->paid_at);
    jl_cp(copy.account, sizeof copy.account, l->account);
    jl_cp(copy.bank_name, sizeof copy.bank_name, l->bank_name);
    jy_batch_line_json(&after, &copy);
    rc = jl_audit(st, actor, batch.col[0], "pay_batch_line", old.id, l->status, jy_sb_cstr(&before), jy_sb_cstr(&after),
               err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

typedef struct lines_ctx {
    int (*fn)(void *ctx, const jy_batch_line *l);
    void *ctx;
} lines_ctx;

static int lines_row(void *vctx, int ncol, const char *const *col)
{
    lines_ctx *c = vctx;
    jy_batch_line l;
    read_line(&l, col);
    return c->fn(c->ctx, &l);
}

int jy_store_batch_lines(jy_store *st, int64_t batch_id, const char *status,
                         int (*fn)(void *ctx, const jy_batch_line *l), void *ctx, jy_err *err)
{
    int rc0 = batch_in_scope(st, batch_id, err);
    if (rc0) return rc0;
    lines_ctx c = {fn, ctx};
    jl_val v[2] = {JL_I(batch_id), status && *status ? JL_S(status) : JL_N};
    return jl_run(st,
               "SELECT " LINE_COLS " FROM pay_batch_lines WHERE batch_id = $1"
               " AND (CAST($2 AS text) IS NULL OR status = $2) ORDER BY line_no",
               v, 2, lines_row, &c, NULL, "listing batch lines", err);
}

/* ---------------------------------------------------------------- bulk commitments */

static const char *const bulk_payables_sql[2] = JL_BULK_SQL(
    "payables", "id, county, program, year, month, case_id, payee_kind, person_id, org_id, account, amount, status,"
    " memo, approved_by, created_at, claim, claim_key, track",
    "CAST(v ->> 0 AS bigint), v ->> 1, v ->> 2, CAST(v ->> 3 AS bigint), v ->> 4, CAST(v ->> 5 AS bigint), v ->> 6,"
    " CAST(v ->> 7 AS bigint), CAST(v ->> 8 AS bigint), v ->> 9, CAST(v ->> 10 AS bigint), v ->> 11, v ->> 12,"
    " v ->> 13, v ->> 14, v ->> 15, v ->> 16, v ->> 17");
static const char *const bulk_splits_sql[2] = JL_BULK_SQL(
    "payable_splits", "payable_id, source, amount", "CAST(v ->> 0 AS bigint), v ->> 1, CAST(v ->> 2 AS bigint)");
static const char *const bulk_entries_sql[2] = JL_BULK_SQL(
    "ledger_entries", "id, county, at, actor, kind, program, year, payable_id, batch_line_id, idem_key, memo",
    "CAST(v ->> 0 AS bigint), v ->> 1, v ->> 2, v ->> 3, v ->> 4, v ->> 5, CAST(v ->> 6 AS bigint),"
    " CAST(v ->> 7 AS bigint), CAST(v ->> 8 AS bigint), v ->> 9, v ->> 10");
static const char *const bulk_postings_sql[2] = JL_BULK_SQL(
    "ledger_postings", "id, entry_id, account_id, amount",
    "CAST(v ->> 0 AS bigint), CAST(v ->> 1 AS bigint), CAST(v ->> 2 AS bigint), CAST(v ->> 3 AS bigint)");

int jl_ledger_bulk_start(jy_store *st, jl_ledger_bulk *b, jy_err *err)
{
    memset(b, 0, sizeof *b);
    b->st = st;
    jl_rows_init(&b->payables);
    jl_rows_init(&b->splits);
    jl_rows_init(&b->entries);
    jl_rows_init(&b->postings);
    jy_sb_init(&b->js);
    one_i64 m = {0};
    int rc = jl_run(st,
                    "SELECT (SELECT coalesce(max(id), 0) FROM payables), (SELECT coalesce(max(id), 0) FROM ledger_entries),"
                    " (SELECT coalesce(max(id), 0) FROM ledger_postings)",
                    NULL, 0, get_i64s, &m, NULL, "reading the last ledger ids", err);
    if (rc) return rc;
    b->next_payable = m.v[0] + 1;
    b->next_entry = m.v[1] + 1;
    b->next_posting = m.v[2] + 1;
    return 0;
}

/* The account of posting p of entry e, opened (and its balance read) on first use. */
static int bulk_acct(jl_ledger_bulk *b, const jy_ledger_entry *e, const jy_ledger_posting *p, jl_acct **out,
                     jy_err *err)
{
    for (int i = 0; i < b->nacct; i++) {
        jl_acct *a = &b->acct[i];
        if (a->source == p->source && a->account == p->account && a->year == e->year &&
            strcmp(a->county, e->county) == 0 && strcmp(a->program, e->program) == 0) {
            *out = a;
            return 0;
        }
    }
    jl_acct *a = &b->acct[b->nacct];
    memset(a, 0, sizeof *a);
    jl_cp(a->county, sizeof a->county, e->county);
    jl_cp(a->program, sizeof a->program, e->program);
    a->year = e->year;
    a->source = p->source;
    a->account = p->account;
    int rc = account_open(b->st, e, p, &a->id, &a->balance, err);
    if (rc) return rc;
    b->nacct++;
    *out = a;
    return 0;
}

int jl_ledger_bulk_commit(jl_ledger_bulk *b, jy_payable *p, const char *actor, jy_err *err)
{
    jy_store *st = b->st;
    int rc0 = payable_refuse(st, p, err);
    if (rc0) return rc0;
    /* the entry jy_ledger_approve posts: committed debited, available credited, per source */
    jy_ledger_entry e;
    memset(&e, 0, sizeof e);
    jl_cp(e.county, sizeof e.county, p->county);
    jl_cp(e.program, sizeof e.program, p->program);
    e.year = p->year;
    jl_cp(e.kind, sizeof e.kind, "commit");
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (!p->split[s]) continue;
        e.posting[e.nposting++] = (jy_ledger_posting){s, JY_ACCT_COMMITTED, p->split[s]};
        e.posting[e.nposting++] = (jy_ledger_posting){s, JY_ACCT_AVAILABLE, -p->split[s]};
    }
    /* check every posting before anything is collected */
    if (b->nacct > JL_BULK_ACCTS - JY_LEDGER_MAX_POSTINGS) { /* many lines in one call: write, start afresh */
        int rc = jl_ledger_bulk_finish(b, err);
        if (rc) return rc;
        b->nacct = 0;
    }
    jl_acct *acct[JY_LEDGER_MAX_POSTINGS];
    int64_t moved[JY_LEDGER_MAX_POSTINGS];
    for (int i = 0; i < e.nposting; i++) {
        int rc = bulk_acct(b, &e, &e.posting[i], &acct[i], err);
        if (rc) return rc;
        moved[i] = 0; /* two postings of one entry on one account: count the first */
        for (int j = 0; j < i; j++)
            if (acct[j] == acct[i]) moved[i] += e.posting[j].amount;
        if ((rc = account_refuse(&e, &e.posting[i], acct[i]->balance + moved[i], err))) return rc;
    }

    /* the payable (jy_store_payable_add) */
    jl_cp(p->status, sizeof p->status, "approved");
    jl_cp(p->approved_by, sizeof p->approved_by, jl_actor(actor));
    jy_store_now(p->created_at, sizeof p->created_at);
    p->id = b->next_payable++;
    int org = p->payee_kind == JY_PAYEE_ORG;
    jl_rows *r = &b->payables;
    jl_row_begin(r);
    jl_row_i64(r, p->id);
    jl_row_str(r, p->county);
    jl_row_str(r, p->program);
    jl_row_i64(r, p->year);
    jl_row_str(r, p->month);
    if (p->case_id) jl_row_i64(r, p->case_id);
    else jl_row_null(r);
    jl_row_str(r, org ? "org" : "person");
    if (org) jl_row_null(r);
    else jl_row_i64(r, p->person_id);
    if (org) jl_row_i64(r, p->org_id);
    else jl_row_null(r);
    jl_row_str(r, p->account);
    jl_row_i64(r, p->amount);
    jl_row_str(r, p->status);
    jl_row_str(r, p->memo);
    jl_row_str(r, p->approved_by);
    jl_row_str(r, p->created_at);
    jl_row_str(r, p->claim);
    jl_row_str(r, p->claim_key[0] ? p->claim_key : NULL);
    jl_row_str(r, p->track);
    jl_row_end(r);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (!p->split[s]) continue;
        jl_row_begin(&b->splits);
        jl_row_i64(&b->splits, p->id);
        jl_row_str(&b->splits, jy_fund_source_name(s));
        jl_row_i64(&b->splits, p->split[s]);
        jl_row_end(&b->splits);
    }
    jy_sb_reset(&b->js);
    jy_payable_json(&b->js, p);
    int rc = jl_audit(st, actor, p->county, "payable", p->id, "create", NULL, jy_sb_cstr(&b->js), err);
    if (rc) return rc;

    /* its commitment (jy_store_ledger_post) */
    e.payable_id = p->id;
    snprintf(e.memo, sizeof e.memo, "approval of payable %" PRId64, p->id);
    jl_cp(e.actor, sizeof e.actor, jl_actor(actor));
    jy_store_now(e.at, sizeof e.at);
    e.id = b->next_entry++;
    r = &b->entries;
    jl_row_begin(r);
    jl_row_i64(r, e.id);
    jl_row_str(r, e.county);
    jl_row_str(r, e.at);
    jl_row_str(r, e.actor);
    jl_row_str(r, e.kind);
    jl_row_str(r, e.program);
    jl_row_i64(r, e.year);
    jl_row_i64(r, e.payable_id);
    jl_row_null(r);
    jl_row_null(r);
    jl_row_str(r, e.memo);
    jl_row_end(r);
    for (int i = 0; i < e.nposting; i++) {
        acct[i]->balance += e.posting[i].amount;
        acct[i]->moved += e.posting[i].amount;
        r = &b->postings;
        jl_row_begin(r);
        jl_row_i64(r, b->next_posting++);
        jl_row_i64(r, e.id);
        jl_row_i64(r, acct[i]->id);
        jl_row_i64(r, e.posting[i].amount);
        jl_row_end(r);
    }
    jy_sb_reset(&b->js);
    jy_ledger_entry_json(&b->js, &e);
    b->added++;
    return jl_audit(st, actor, e.county, "ledger_entry", e.id, e.kind, NULL, jy_sb_cstr(&b->js), err);
}

int jl_ledger_bulk_flush(jl_ledger_bulk *b, jy_err *err)
{
    int rc = jl_rows_insert(b->st, &b->payables, bulk_payables_sql, "writing payables", err);
    if (rc == 0) rc = jl_rows_insert(b->st, &b->splits, bulk_splits_sql, "writing payables' funding splits", err);
    if (rc == 0) rc = jl_rows_insert(b->st, &b->entries, bulk_entries_sql, "writing ledger entries", err);
    if (rc == 0) rc = jl_rows_insert(b->st, &b->postings, bulk_postings_sql, "writing ledger postings", err);
    return rc;
}

int jl_ledger_bulk_finish(jl_ledger_bulk *b, jy_err *err)
{
    int rc = jl_ledger_bulk_flush(b, err);
    for (int i = 0; i < b->nacct && rc == 0; i++) {
        jl_acct *a = &b->acct[i];
        if (!a->moved) continue;
        jl_val u[2] = {JL_I(a->moved), JL_I(a->id)};
        rc = jl_run(b->st, "UPDATE ledger_accounts SET balance = balance + $1 WHERE id = $2", u, 2, NULL, NULL, NULL,
                    "moving a ledger balance", err);
        a->moved = 0;
    }
    if (rc == 0 && b->added && jl_is_pg(b->st)) /* ids were given explicitly: the sequences follow */
        rc = jl_run(b->st,
                    "SELECT setval(pg_get_serial_sequence('payables', 'id'), (SELECT max(id) FROM payables)),"
                    " setval(pg_get_serial_sequence('ledger_entries', 'id'), (SELECT max(id) FROM ledger_entries)),"
                    " setval(pg_get_serial_sequence('ledger_postings', 'id'), (SELECT max(id) FROM ledger_postings))",
                    NULL, 0, NULL, NULL, NULL, "moving the ledger's id sequences", err);
    b->added = 0;
    return rc;
}

void jl_ledger_bulk_free(jl_ledger_bulk *b)
{
    jl_rows_free(&b->payables);
    jl_rows_free(&b->splits);
    jl_rows_free(&b->entries);
    jl_rows_free(&b->postings);
    jy_sb_free(&b->js);
}
