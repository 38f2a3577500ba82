/* ledger.c — the fund ledger's money events (ledger.h) on top of the store's journal
 * (jy_store_ledger_post): which accounts each event debits and credits, how a commitment is
 * split over funding sources, and the overspend refusal with its figures. */
#include "service/ledger.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int jy_ledger_source_of_label(const char *label)
{
    if (!label) return JY_FUND_OTHER;
    if (strstr(label, "中央")) return JY_FUND_CENTRAL;
    if (strstr(label, "自治区") || strstr(label, "省级")) return JY_FUND_REGION;
    if (strstr(label, "市县") || strstr(label, "县级") || strstr(label, "市级") || strstr(label, "县区"))
        return JY_FUND_CITY_COUNTY;
    if (strstr(label, "公共就业服务能力提升示范项目")) return JY_FUND_CENTRAL;
    return JY_FUND_OTHER;
}

static void entry_init(jy_ledger_entry *e, const char *county, const char *program, int year, const char *kind)
{
    memset(e, 0, sizeof *e);
    snprintf(e->county, sizeof e->county, "%s", county);
    snprintf(e->program, sizeof e->program, "%s", program);
    e->year = year;
    snprintf(e->kind, sizeof e->kind, "%s", kind);
}

static void add_posting(jy_ledger_entry *e, int source, int account, jy_fen amount)
{
    if (amount == 0 || e->nposting >= JY_LEDGER_MAX_POSTINGS) return;
    e->posting[e->nposting++] = (jy_ledger_posting){source, account, amount};
}

static const char *line_label(char *buf, size_t n, const char *program, int year, int source)
{
    snprintf(buf, n, "%s %d %s", program, year, jy_fund_source_label(source));
    return buf;
}

int jy_ledger_budget_set(jy_store *st, const char *county, const char *program, int year, int source, jy_fen amount,
                         const char *actor, int *changed, jy_err *err)
{
    if (changed) *changed = 0;
    if (amount < 0) return jy_err_set(err, JY_EINVAL, "budget amount must not be negative");
    if (source < 0 || source >= JY_FUND__COUNT) return jy_err_set(err, JY_EINVAL, "unknown funding source");
    if (year < 2000 || year > 2100) return jy_err_set(err, JY_EINVAL, "year %d is out of range", year);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_ledger_line l;
    if ((rc = jy_store_ledger_line_get(st, county, program, year, source, &l, err))) goto done;
    jy_fen allocated = -l.bal[JY_ACCT_BUDGET], delta = amount - allocated;
    if (delta == 0) goto done;
    if (delta < 0 && l.bal[JY_ACCT_AVAILABLE] < -delta) {
        char ln[64], a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ], c[JY_MONEY_BUFSZ];
        rc = jy_err_set(err, JY_ECONFLICT,
                        "%s: cannot lower the budget from %s to %s: available %s, the rest is committed or paid",
                        line_label(ln, sizeof ln, program, year, source), jy_money_format(allocated, a),
                        jy_money_format(amount, b), jy_money_format(l.bal[JY_ACCT_AVAILABLE], c));
        goto done;
    }
    jy_ledger_entry e;
    entry_init(&e, county, program, year, delta > 0 ? "allocate" : "reduce");
    snprintf(e.memo, sizeof e.memo, "budget line set to %" PRId64 " fen", amount);
    add_posting(&e, source, JY_ACCT_AVAILABLE, delta);
    add_posting(&e, source, JY_ACCT_BUDGET, -delta);
    if ((rc = jy_store_ledger_post(st, &e, actor, err))) goto done;
    if (changed) *changed = 1;
done:
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_ledger_budget_load(jy_store *st, const jy_policy *pol, const char *county, int year, const char *actor,
                          jy_sb *report, jy_err *err)
{
    jy_sb js = JY_SB_INIT;
    jy_policy_list_json(pol, &js);
    json_error_t jerr;
    json_t *root = json_loads(jy_sb_cstr(&js), 0, &jerr);
    jy_sb_free(&js);
    if (!json_is_array(root)) {
        json_decref(root);
        return jy_err_set(err, JY_EINVAL, "policy list is not a JSON array: %s", jerr.text);
    }
    int rc = jy_store_begin(st, err);
    if (rc) {
        json_decref(root);
        return rc;
    }
    size_t i;
    json_t *prog;
    json_array_foreach(root, i, prog) {
        const char *id = json_string_value(json_object_get(prog, "program"));
        if (!id) continue;
        jy_fen amt[JY_FUND__COUNT] = {0};
        int have = 0;
        size_t k;
        json_t *src;
        json_array_foreach(json_object_get(prog, "sources"), k, src) {
            jy_fen a;
            const char *label = json_string_value(json_object_get(src, "source"));
            const char *text = json_string_value(json_object_get(src, "amount"));
            if (!text || jy_money_parse(text, &a, err) != 0) {
                rc = jy_err_set(err, JY_EINVAL, "%s: funding source \"%s\" has no readable amount", id, label ? label : "");
                goto done;
            }
            amt[jy_ledger_source_of_label(label)] += a;
            have = 1;
        }
        if (!have) { /* no sources stated: the budget total, as "other" */
            json_array_foreach(json_object_get(prog, "budget"), k, src) {
                jy_fen a;
                const char *text = json_string_value(json_object_get(src, "amount"));
                if (text && jy_money_parse(text, &a, NULL) == 0) amt[JY_FUND_OTHER] += a;
            }
        }
        for (int s = 0; s < JY_FUND__COUNT; s++) {
            jy_ledger_line l;
            if ((rc = jy_store_ledger_line_get(st, county, id, year, s, &l, err))) goto done;
            if (amt[s] == 0 && l.bal[JY_ACCT_BUDGET] == 0) continue;
            jy_fen before = -l.bal[JY_ACCT_BUDGET];
            int changed = 0;
            if ((rc = jy_ledger_budget_set(st, county, id, year, s, amt[s], actor, &changed, err))) goto done;
            if (report) {
                char a[JY_MONEY_BUFSZ];
                jy_sb_appendc(report, '{');
                jy_sb_json_kv_str(report, "program", id);
                jy_sb_json_kv_i64(report, "year", year);
                jy_sb_json_kv_str(report, "source", jy_fund_source_name(s));
                jy_sb_json_kv_str(report, "amount", jy_money_format_plain(amt[s], a));
                jy_sb_json_kv_str(report, "result", !changed ? "unchanged" : amt[s] > before ? "allocated" : "reduced");
                jy_sb_append(report, "}\n");
            }
        }
    }
done:
    json_decref(root);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

/* The split of amount over budget lines l[] (jy_ledger_split's rule and refusals). */
static int split_over(const jy_ledger_line l[JY_FUND__COUNT], const char *program, int year, jy_fen amount, int source,
                      jy_fen out[JY_FUND__COUNT], jy_err *err)
{
    jy_fen total = 0;
    memset(out, 0, sizeof(jy_fen) * JY_FUND__COUNT);
    if (amount <= 0) return jy_err_set(err, JY_EINVAL, "amount must be positive");
    for (int s = 0; s < JY_FUND__COUNT; s++) total += -l[s].bal[JY_ACCT_BUDGET];
    if (source >= 0) {
        out[source] = amount;
    } else {
        if (total <= 0)
            return jy_err_set(err, JY_ECONFLICT, "%s %d has no budget (jiuye ledger budget load or set first)", program,
                              year);
        /* largest remainder: floor shares, then one fen each to the biggest remainders */
        __int128 rem[JY_FUND__COUNT];
        jy_fen given = 0;
        for (int s = 0; s < JY_FUND__COUNT; s++) {
            __int128 num = (__int128)amount * -l[s].bal[JY_ACCT_BUDGET];
            out[s] = (jy_fen)(num / total);
            rem[s] = num % total;
            given += out[s];
        }
        for (jy_fen left = amount - given; left > 0; left--) {
            int best = -1;
            for (int s = 0; s < JY_FUND__COUNT; s++)
                if (-l[s].bal[JY_ACCT_BUDGET] > 0 && (best < 0 || rem[s] > rem[best])) best = s;
            out[best]++;
            rem[best] = -1;
        }
    }
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (out[s] > l[s].bal[JY_ACCT_AVAILABLE]) {
            char ln[64], a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
            return jy_err_set(err, JY_ECONFLICT, "%s: available %s, requested %s",
                              line_label(ln, sizeof ln, program, year, s), jy_money_format(l[s].bal[JY_ACCT_AVAILABLE], a),
                              jy_money_format(out[s], b));
        }
    }
    return 0;
}

int jy_ledger_split(jy_store *st, const char *county, const char *program, int year, jy_fen amount, int source,
                    jy_fen out[JY_FUND__COUNT], jy_err *err)
{
    jy_ledger_line l[JY_FUND__COUNT];
    memset(out, 0, sizeof(jy_fen) * JY_FUND__COUNT);
    if (amount <= 0) return jy_err_set(err, JY_EINVAL, "amount must be positive");
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        int rc = jy_store_ledger_line_get(st, county, program, year, s, &l[s], err);
        if (rc) return rc;
    }
    return split_over(l, program, year, amount, source, out, err);
}

int jy_ledger_split_many(jy_store *st, jy_payable *const *p, size_t n, size_t *failed, jy_err *err)
{
    jy_ledger_line l[JY_FUND__COUNT];
    const jy_payable *key = NULL; /* the budget line l[] holds */
    for (size_t i = 0; i < n; i++) {
        jy_payable *q = p[i];
        if (!q) continue;
        if (key && (strcmp(key->county, q->county) != 0 || strcmp(key->program, q->program) != 0 ||
                    key->year != q->year)) {
            if (failed) *failed = i;
            return jy_err_set(err, JY_EINVAL, "payables split together must share one county, programme and year");
        }
        if (!key) {
            for (int s = 0; s < JY_FUND__COUNT; s++) {
                int rc = jy_store_ledger_line_get(st, q->county, q->program, q->year, s, &l[s], err);
                if (rc) {
                    if (failed) *failed = i;
                    return rc;
                }
            }
            key = q;
        }
        int rc = split_over(l, q->program, q->year, q->amount, -1, q->split, err);
        if (rc) {
            if (failed) *failed = i;
            return rc;
        }
        /* what the commitment does to the line: available → committed */
        for (int s = 0; s < JY_FUND__COUNT; s++) {
            l[s].bal[JY_ACCT_AVAILABLE] -= q->split[s];
            l[s].bal[JY_ACCT_COMMITTED] += q->split[s];
        }
    }
    return 0;
}

/* A case's one-off amount (a payable without a month) has at most one open (approved or batched)
 * payable: committing it twice would overstate the commitments and could pay it twice. Monthly
 * payables (payroll) are kept unique by their payroll lines instead, since one month of one
 * placement can carry several claims (allowance, social insurance, settling-in grant). */
static int open_payable(void *ctx, const jy_payable *q)
{
    int64_t *found = ctx;
    if (strcmp(q->status, "approved") == 0 || strcmp(q->status, "batched") == 0) {
        *found = q->id;
        return 1;
    }
    return 0;
}

static int refuse_second_commitment(jy_store *st, const jy_payable *p, jy_err *err)
{
    int64_t found = 0;
    jy_payable_filter f = {.county = p->county, .program = p->program, .month = p->month, .case_id = p->case_id};
    int rc = jy_store_payable_list(st, &f, open_payable, &found, err);
    if (rc) return rc;
    if (found)
        return jy_err_set(err, JY_ECONFLICT,
                          "case %" PRId64 " already has payable %" PRId64 " committed: cancel it before committing again",
                          p->case_id, found);
    return 0;
}

int jy_ledger_approve(jy_store *st, jy_payable *p, int source, const char *actor, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if (p->case_id > 0 && !p->month[0] && (rc = refuse_second_commitment(st, p, err))) goto done;
    if ((rc = jy_ledger_split(st, p->county, p->program, p->year, p->amount, source, p->split, err))) goto done;
    p->status[0] = '\0';
    if ((rc = jy_store_payable_add(st, p, actor, err))) goto done;
    jy_ledger_entry e;
    entry_init(&e, p->county, p->program, p->year, "commit");
    e.payable_id = p->id;
    snprintf(e.memo, sizeof e.memo, "approval of payable %" PRId64, p->id);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        add_posting(&e, s, JY_ACCT_COMMITTED, p->split[s]);
        add_posting(&e, s, JY_ACCT_AVAILABLE, -p->split[s]);
    }
    rc = jy_store_ledger_post(st, &e, actor, err);
done:
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_ledger_cancel(jy_store *st, int64_t payable_id, const char *reason, const char *actor, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_payable p;
    if ((rc = jy_store_payable_get(st, payable_id, &p, err))) goto done;
    if (strcmp(p.status, "approved") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "payable %" PRId64 " is %s: only an approved payable outside any batch can be cancelled",
                        payable_id, p.status);
        goto done;
    }
    if ((rc = jy_store_payable_set_status(st, payable_id, "approved", "cancelled", actor, err))) goto done;
    jy_ledger_entry e;
    entry_init(&e, p.county, p.program, p.year, "release");
    e.payable_id = p.id;
    snprintf(e.memo, sizeof e.memo, "%s", reason && *reason ? reason : "cancelled");
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        add_posting(&e, s, JY_ACCT_AVAILABLE, p.split[s]);
        add_posting(&e, s, JY_ACCT_COMMITTED, -p.split[s]);
    }
    rc = jy_store_ledger_post(st, &e, actor, err);
done:
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_ledger_pay(jy_store *st, const jy_payable *p, const jy_batch_line *l, const char *actor, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_ledger_entry e;
    entry_init(&e, p->county, p->program, p->year, "pay");
    e.payable_id = p->id;
    e.batch_line_id = l->id;
    snprintf(e.idem_key, sizeof e.idem_key, "%s", l->idem_key);
    snprintf(e.memo, sizeof e.memo, "batch %" PRId64 " line %d", l->batch_id, l->line_no);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        add_posting(&e, s, JY_ACCT_PAID, p->split[s]);
        add_posting(&e, s, JY_ACCT_COMMITTED, -p->split[s]);
    }
    if ((rc = jy_store_ledger_post(st, &e, actor, err))) goto done;
    rc = jy_store_payable_set_status(st, p->id, "batched", "paid", actor, err);
done:
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_ledger_recover(jy_store *st, int64_t payable_id, jy_fen amount, const char *reason, const char *actor,
                      jy_err *err)
{
    if (!reason || !*reason) return jy_err_set(err, JY_EINVAL, "a recovery (追回) needs a reason");
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_payable p;
    if ((rc = jy_store_payable_get(st, payable_id, &p, err))) goto done;
    if (strcmp(p.status, "paid") != 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "payable %" PRId64 " is %s: only a paid payable can be recovered", payable_id,
                        p.status);
        goto done;
    }
    jy_fen open = p.amount - p.recovered;
    if (amount == 0) amount = open;
    if (amount <= 0 || amount > open) {
        char a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
        rc = jy_err_set(err, JY_ECONFLICT, "payable %" PRId64 ": %s can still be recovered, asked %s", payable_id,
                        jy_money_format(open, a), jy_money_format(amount, b));
        goto done;
    }
    /* in proportion to what each source paid and has not had back, largest remainder */
    jy_fen rec[JY_FUND__COUNT] = {0}, given = 0;
    __int128 rem[JY_FUND__COUNT];
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        jy_fen left = p.split[s] - p.recovered_split[s];
        __int128 num = (__int128)amount * left;
        rec[s] = (jy_fen)(num / open);
        rem[s] = left > 0 ? num % open : -1;
        given += rec[s];
    }
    for (jy_fen left = amount - given; left > 0; left--) {
        int best = 0;
        for (int s = 1; s < JY_FUND__COUNT; s++)
            if (rem[s] > rem[best]) best = s;
        rec[best]++;
        rem[best] = -1;
    }
    if ((rc = jy_store_payable_recover(st, payable_id, rec, actor, err))) goto done;
    jy_ledger_entry e;
    entry_init(&e, p.county, p.program, p.year, "recover");
    e.payable_id = p.id;
    snprintf(e.memo, sizeof e.memo, "%s", reason);
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        add_posting(&e, s, JY_ACCT_AVAILABLE, rec[s]);
        add_posting(&e, s, JY_ACCT_PAID, -rec[s]);
    }
    rc = jy_store_ledger_post(st, &e, actor, err);
done:
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}
