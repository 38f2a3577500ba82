/* money.c — the money requests the CLI and the HTTP API share (money.h). Moved from
 * src/cli/cmd_placement.c, cmd_ledger.c and cmd_batch.c without changing what they answer. */
#include "service/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "service/ledger.h"
#include "service/payment.h"
#include "service/privacy.h"
#include "store/ledger_guard.h"

/* ---------------------------------------------------------------- placements */

int jy_placement_start_json(jy_cases *cs, const jy_placement_start_in *in, const char *actor, jy_sb *out, int *held,
                            int64_t *case_id, jy_err *err)
{
    jy_placement p;
    int rc = jy_placement_start(cs, in, actor, &p, err);
    if (rc) return rc;
    if (held) *held = p.id == 0;
    if (case_id) *case_id = p.case_id;
    if (p.id != 0) {
        jy_placement_json(out, &p);
        return 0;
    }
    /* held for review: the case waits, no placement yet */
    jy_case c;
    jy_sb text = JY_SB_INIT;
    if ((rc = jy_store_case_get(cs->st, p.case_id, &c, &text, err))) {
        jy_sb_free(&text);
        return rc;
    }
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "status", "held");
    jy_sb_json_kv_i64(out, "case_id", p.case_id);
    jy_sb_json_kv_str(out, "program", p.program);
    jy_sb_json_kv_str(out, "idcard", in->idcard);
    jy_sb_json_kv_str(out, "decision", c.decision);
    jy_sb_json_key(out, "reasons");
    jy_sb_append(out, c.reasons && *c.reasons ? c.reasons : "[]");
    jy_sb_json_kv_str(out, "next", "jiuye placement approve CASE --reason TEXT | jiuye case advance CASE reject --reason TEXT");
    jy_sb_appendc(out, '}');
    jy_sb_free(&text);
    return 0;
}

int jy_attendance_set_json(jy_cases *cs, jy_attendance *a, const char *actor, jy_sb *out, const char **field,
                           jy_err *err)
{
    int result = 0;
    int rc = jy_attendance_set_field(cs, a, actor, &result, field, err);
    if (rc) return rc;
    jy_attendance_json(out, a);
    out->len--;
    jy_sb_json_kv_str(out, "result", result == JY_PUT_CREATED ? "created" : result == JY_PUT_UPDATED ? "updated" : "unchanged");
    jy_sb_appendc(out, '}');
    return 0;
}

/* ---------------------------------------------------------------- ledger */

int jy_ledger_line_full_json(jy_store *st, const jy_ledger_line *l, jy_sb *out, jy_err *err)
{
    char tracks[JY_TRACKS_SZ], clause[128];
    int rc = jy_store_line_tracks_get(st, l->county, l->program, l->year, l->source, tracks, clause, err);
    if (rc) return rc;
    jy_ledger_line_json(out, l);
    if (tracks[0]) {
        out->len--;
        jy_sb_json_kv_str(out, "tracks", tracks);
        jy_sb_json_kv_str(out, "tracks_clause", clause);
        jy_sb_appendc(out, '}');
    }
    return 0;
}

int jy_ledger_budget_set_request(jy_cases *cs, const char *county, const char *program, int year, int source,
                                 jy_fen amount, const char *tracks, const char *clause, const char *actor, jy_sb *out,
                                 jy_err *err)
{
    jy_store *st = cs->st;
    int changed = 0, tchanged = 0;
    int rc = jy_ledger_may(cs, "ledger_budget", county, actor, err);
    if (rc) return rc;
    /* a budget line only for a programme of the rules: a line for P99 or a mistyped 13 would hold
     * money no case can ever draw, and stand in the budget report as if it could */
    if (!program || jy_policy_program_index(cs->pol, program) < 0)
        return jy_err_set2(err, JY_EINVAL, "ledger.budget_program_unknown",
                           "program %s: unknown programme (P1 … P26): a budget line is set for a programme of the rules",
                           "项目 %s：未知的项目（应为 P1 … P26）：预算额度只能设在政策规则中的项目上", program ? program : "");
    if ((rc = jy_store_begin(st, err))) return rc;
    rc = jy_ledger_budget_set(st, county, program, year, source, amount, actor, &changed, err);
    if (rc == 0 && tracks) rc = jy_ledger_tracks_set(st, county, program, year, source, tracks, clause, actor, &tchanged, err);
    if (rc == 0) rc = jy_store_commit(st, err);
    else jy_store_rollback(st, NULL);
    if (rc) return rc;
    jy_ledger_line l;
    if ((rc = jy_store_ledger_line_get(st, county, program, year, source, &l, err)) ||
        (rc = jy_ledger_line_full_json(st, &l, out, err)))
        return rc;
    out->len--; /* reopen the object to add the result */
    jy_sb_json_kv_str(out, "result", changed || tchanged ? "changed" : "unchanged");
    jy_sb_appendc(out, '}');
    return 0;
}

int jy_ledger_budget_load_request(jy_cases *cs, const char *policy_dir, const char *county, int year,
                                  const char *actor, jy_sb *out, jy_err *err)
{
    int rc = jy_ledger_may(cs, "ledger_budget", county, actor, err);
    if (rc) return rc;
    return jy_ledger_budget_load(cs->st, cs->pol, policy_dir, county, year, actor, out, err);
}

int jy_ledger_check_json(jy_store *st, jy_sb *out, jy_ledger_check *res, jy_err *err)
{
    jy_ledger_check c;
    int rc = jy_store_ledger_check(st, &c, err);
    if (rc) return rc;
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_bool(out, "ok", c.ok);
    jy_sb_json_kv_i64(out, "entries", c.entries);
    jy_sb_json_kv_i64(out, "postings", c.postings);
    jy_sb_json_kv_i64(out, "accounts", c.accounts);
    if (!c.ok) jy_sb_json_kv_str(out, "error", c.problem);
    jy_sb_appendc(out, '}');
    if (res) *res = c;
    return 0;
}

/* ---------------------------------------------------------------- batches */

typedef struct lines_ctx {
    jy_sb *sb;
    int unmasked;
    int n;
} lines_ctx;

static int append_line(void *ctx, const jy_batch_line *l)
{
    lines_ctx *c = ctx;
    if (c->n++) jy_sb_appendc(c->sb, ',');
    jy_batch_line shown = *l;
    if (!c->unmasked) jy_privacy_mask_batch_line(&shown);
    jy_batch_line_json(c->sb, &shown);
    return 0;
}

/* The batch's transfers (rows of the bank file, issue 13), summed from its lines in transfer
 * order: lines come in line order and a transfer's number is that of its first line. */
typedef struct xfer {
    int no;
    char payee[128];
    int64_t amount;
    int nlines;
    char status[12]; /* the lines' common status, else "mixed" */
} xfer;

typedef struct xfers {
    xfer *v;
    size_t n, cap;
    int oom;
} xfers;

static int add_xfer(void *ctx, const jy_batch_line *l)
{
    xfers *X = ctx;
    xfer *t = NULL;
    for (size_t i = X->n; i-- > 0;)
        if (X->v[i].no == l->transfer_no) {
            t = &X->v[i];
            break;
        }
    if (!t) {
        if (X->n == X->cap) {
            size_t cap = X->cap ? X->cap * 2 : 64;
            xfer *nv = realloc(X->v, cap * sizeof *nv);
            if (!nv) {
                X->oom = 1;
                return 1;
            }
            X->v = nv;
            X->cap = cap;
        }
        t = &X->v[X->n++];
        memset(t, 0, sizeof *t);
        t->no = l->transfer_no;
        snprintf(t->payee, sizeof t->payee, "%s", l->payee_name);
        snprintf(t->status, sizeof t->status, "%s", l->status);
    } else if (strcmp(t->status, l->status) != 0) {
        snprintf(t->status, sizeof t->status, "mixed");
    }
    t->amount += l->amount;
    t->nlines++;
    return 0;
}

int jy_batch_show_json(jy_store *st, int64_t id, int unmasked, jy_sb *out, jy_err *err)
{
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    jy_batch_json(out, &b);
    out->len--;
    jy_sb_json_key(out, "lines");
    jy_sb_appendc(out, '[');
    lines_ctx c = {out, unmasked, 0};
    if ((rc = jy_store_batch_lines(st, id, NULL, append_line, &c, err))) return rc;
    jy_sb_appendc(out, ']');
    /* the transfers the lines are paid in, to match the bank's receipt (回单) */
    xfers X = {0};
    rc = jy_store_batch_lines(st, id, NULL, add_xfer, &X, err);
    if (X.oom) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    if (rc) {
        free(X.v);
        return rc;
    }
    jy_sb_json_key(out, "transfers");
    jy_sb_appendc(out, '[');
    for (size_t i = 0; i < X.n; i++) {
        xfer *t = &X.v[i];
        char money[JY_MONEY_BUFSZ];
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_i64(out, "transfer", t->no);
        jy_sb_json_kv_str(out, "payee_name", t->payee);
        jy_sb_json_kv_str(out, "amount", jy_money_format_plain(t->amount, money));
        jy_sb_json_kv_i64(out, "lines", t->nlines);
        jy_sb_json_kv_str(out, "status", t->status);
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, "]}");
    free(X.v);
    return 0;
}

int jy_batch_mark_paid_json(jy_cases *cs, int64_t id, int line, jy_date paid_on, const char *actor, jy_sb *out,
                            jy_err *err)
{
    jy_batch_run run;
    int rc = jy_batch_mark_paid_on(cs, id, line, paid_on, actor, &run, err);
    if (rc) return rc;
    jy_batch b;
    if ((rc = jy_store_batch_get(cs->st, id, &b, err))) return rc;
    jy_batch_json(out, &b);
    out->len--;
    jy_sb_json_kv_i64(out, "paid_now", run.paid);
    jy_sb_json_kv_i64(out, "already_paid", run.already_paid);
    jy_sb_json_kv_i64(out, "failed", run.failed);
    jy_sb_json_kv_i64(out, "pending", run.pending);
    jy_sb_appendc(out, '}');
    return 0;
}
