/* ledger.c — the fund ledger's money events (ledger.h) on top of the store's journal
 * (jy_store_ledger_post): which accounts each event debits and credits, how a commitment is
 * split over funding sources, and the overspend refusal with its figures. */
#include "service/ledger.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/idempotency.h"
#include "service/workflow.h"
#include "store/ledger_guard.h"

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
    if (amount < 0) return jy_err_set2(err, JY_EINVAL, "money.budget_negative", "budget amount must not be negative", "预算金额不能为负数");
    if (source < 0 || source >= JY_FUND__COUNT) return jy_err_set2(err, JY_EINVAL, "ledger.source_unknown", "unknown funding source", "未知的资金来源");
    if (year < 2000 || year > 2100) return jy_err_set2(err, JY_EINVAL, "ledger.year_range", "year %d is out of range", "年度 %d 超出范围", year);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_ledger_line l;
    if ((rc = jy_store_ledger_line_get(st, county, program, year, source, &l, err))) goto done;
    jy_fen allocated = -l.bal[JY_ACCT_BUDGET], delta = amount - allocated;
    if (delta == 0) goto done;
    if (delta < 0 && l.bal[JY_ACCT_AVAILABLE] < -delta) {
        char ln[64], a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ], c[JY_MONEY_BUFSZ];
        rc = jy_err_set2(err, JY_ECONFLICT, "ledger.budget_lower",
                        "%s: cannot lower the budget from %s to %s: available %s, the rest is committed or paid", "%s：不能把预算从 %s 调减为 %s：可用余额 %s，其余已承诺或已支付",
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

/* The tracks funding.txt gives program's source line ("" when none). */
static const jy_funding_rule *funding_rule(const jy_funding *f, const char *program, int source)
{
    for (int i = 0; f && i < f->n; i++)
        if (strcmp(f->rule[i].program, program) == 0 && (f->rule[i].sources & (1u << source))) return &f->rule[i];
    return NULL;
}

int jy_ledger_budget_load(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                          const char *actor, jy_sb *report, jy_err *err)
{
    jy_funding *funding = NULL;
    if (policy_dir) {
        funding = malloc(sizeof *funding);
        if (!funding) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        int frc = jy_funding_load(policy_dir, funding, err);
        if (frc) {
            free(funding);
            return frc;
        }
    }
    jy_sb js = JY_SB_INIT;
    jy_policy_list_json(pol, &js);
    json_error_t jerr;
    json_t *root = json_loads(jy_sb_cstr(&js), 0, &jerr);
    jy_sb_free(&js);
    if (!json_is_array(root)) {
        json_decref(root);
        free(funding);
        return jy_err_set2(err, JY_EINVAL, "ledger.policy_json", "policy list is not a JSON array: %s", "政策清单不是 JSON 数组：%s", jerr.text);
    }
    int rc = jy_store_begin(st, err);
    if (rc) {
        json_decref(root);
        free(funding);
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
                rc = jy_err_set2(err, JY_EINVAL, "ledger.source_amount", "%s: funding source \"%s\" has no readable amount", "%s：资金来源“%s”没有可读取的金额", id, label ? label : "");
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
            char tracks[JY_TRACKS_SZ], clause[128];
            if (funding) { /* the restriction of funding.txt, or none */
                const jy_funding_rule *fr = funding_rule(funding, id, s);
                int tchanged = 0;
                if ((rc = jy_store_line_tracks_set(st, county, id, year, s, fr ? fr->tracks : "", fr ? fr->clause : "",
                                                   actor, &tchanged, err)))
                    goto done;
                changed |= tchanged;
            }
            if ((rc = jy_store_line_tracks_get(st, county, id, year, s, tracks, clause, err))) goto done;
            if (report) {
                char a[JY_MONEY_BUFSZ];
                jy_sb_appendc(report, '{');
                jy_sb_json_kv_str(report, "program", id);
                jy_sb_json_kv_i64(report, "year", year);
                jy_sb_json_kv_str(report, "source", jy_fund_source_name(s));
                jy_sb_json_kv_str(report, "amount", jy_money_format_plain(amt[s], a));
                if (tracks[0]) jy_sb_json_kv_str(report, "tracks", tracks);
                jy_sb_json_kv_str(report, "result", !changed        ? "unchanged"
                                                    : amt[s] > before ? "allocated"
                                                    : amt[s] < before ? "reduced"
                                                                      : "restricted");
                jy_sb_append(report, "}\n");
            }
        }
    }
done:
    json_decref(root);
    free(funding);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

/* Which tracks the four lines of a programme-year fund (ledger_line_tracks; "" = every claim). */
typedef struct line_funds {
    char tracks[JY_FUND__COUNT][JY_TRACKS_SZ];
    char clause[JY_FUND__COUNT][128];
} line_funds;

static int line_funds_get(jy_store *st, const char *county, const char *program, int year, line_funds *f, jy_err *err)
{
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        int rc = jy_store_line_tracks_get(st, county, program, year, s, f->tracks[s], f->clause[s], err);
        if (rc) return rc;
    }
    return 0;
}

int jy_ledger_tracks_fund(const char *tracks, const char *track)
{
    if (!tracks || !*tracks) return 1;
    if (!track || !*track) track = "general";
    size_t n = strlen(track);
    for (const char *p = tracks; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && strncmp(p, track, n) == 0) return 1;
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}

/* "P1 2024: no budget line funds track general: 中央, 自治区 … fund only gouqi,driver (P1 六(一)3)" */
static int refuse_track(const jy_ledger_line l[JY_FUND__COUNT], const line_funds *f, const char *program, int year,
                        int source, const char *track, jy_err *err)
{
    jy_sb m = JY_SB_INIT, z = JY_SB_INIT; /* English, Chinese */
    const char *t = track && *track ? track : "general";
    if (source >= 0) {
        jy_sb_appendf(&m, "%s %d %s funds only track %s (%s), not this claim's track %s", program, year,
                      jy_fund_source_label(source), f->tracks[source], f->clause[source], t);
        jy_sb_appendf(&z, "%s %d年%s资金只用于 %s 类（%s），不用于本申领的 %s 类", program, year,
                      jy_fund_source_label(source), f->tracks[source], f->clause[source], t);
    } else {
        jy_sb_appendf(&m, "%s %d: no budget line funds this claim's track %s:", program, year, t);
        jy_sb_appendf(&z, "%s %d年：没有预算资金用于本申领的 %s 类：", program, year, t);
        int k = 0;
        for (int s = 0; s < JY_FUND__COUNT; s++) {
            if (l[s].bal[JY_ACCT_BUDGET] >= 0) continue;
            jy_sb_appendf(&m, "%s %s funds only %s (%s)", k ? ";" : "", jy_fund_source_label(s), f->tracks[s],
                          f->clause[s]);
            jy_sb_appendf(&z, "%s%s资金只用于 %s（%s）", k++ ? "；" : "", jy_fund_source_label(s), f->tracks[s],
                          f->clause[s]);
        }
        jy_sb_append(&m, " — set a budget line for it (jiuye ledger budget set … --tracks) or correct the claim's track");
        jy_sb_append(&z, "——请为它设置预算（jiuye ledger budget set … --tracks），或更正申领的类别");
    }
    int rc = jy_err_set2(err, JY_ECONFLICT, "ledger.track_unfunded", "%1$s%2$.0s", "%2$s%1$.0s", jy_sb_cstr(&m),
                         jy_sb_cstr(&z));
    jy_sb_free(&z);
    jy_sb_free(&m);
    return rc;
}

/* The split of amount over budget lines l[] (jy_ledger_split's rule and refusals), charging only
 * the lines whose tracks f (NULL: all) fund track. */
static int split_over(const jy_ledger_line l[JY_FUND__COUNT], const line_funds *f, const char *track,
                      const char *program, int year, jy_fen amount, int source, jy_fen out[JY_FUND__COUNT],
                      jy_err *err)
{
    jy_fen total = 0, any = 0;
    int funds[JY_FUND__COUNT];
    memset(out, 0, sizeof(jy_fen) * JY_FUND__COUNT);
    if (amount <= 0) return jy_err_set2(err, JY_EINVAL, "money.not_positive", "amount must be positive", "金额必须大于零");
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        funds[s] = !f || jy_ledger_tracks_fund(f->tracks[s], track);
        any += -l[s].bal[JY_ACCT_BUDGET];
        if (funds[s]) total += -l[s].bal[JY_ACCT_BUDGET];
    }
    if (source >= 0) {
        if (!funds[source]) return refuse_track(l, f, program, year, source, track, err);
        out[source] = amount;
    } else {
        if (total <= 0 && any > 0) return refuse_track(l, f, program, year, -1, track, err);
        if (total <= 0)
            return jy_err_set2(err, JY_ECONFLICT, "ledger.no_budget", "%s %d has no budget (jiuye ledger budget load or set first)", "%s %d 年没有预算（请先用 jiuye ledger budget load 或 set 录入）", program,
                              year);
        /* largest remainder: floor shares, then one fen each to the biggest remainders */
        __int128 rem[JY_FUND__COUNT];
        jy_fen given = 0;
        for (int s = 0; s < JY_FUND__COUNT; s++) {
            __int128 num = funds[s] ? (__int128)amount * -l[s].bal[JY_ACCT_BUDGET] : 0;
            out[s] = (jy_fen)(num / total);
            rem[s] = num % total;
            given += out[s];
        }
        for (jy_fen left = amount - given; left > 0; left--) {
            int best = -1;
            for (int s = 0; s < JY_FUND__COUNT; s++)
                if (funds[s] && -l[s].bal[JY_ACCT_BUDGET] > 0 && (best < 0 || rem[s] > rem[best])) best = s;
            out[best]++;
            rem[best] = -1;
        }
    }
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (out[s] > l[s].bal[JY_ACCT_AVAILABLE]) {
            char ln[64], a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
            return jy_err_set2(err, JY_ECONFLICT, "ledger.funds_short", "%s: available %s, requested %s", "%s：可用余额 %s，申请 %s",
                              line_label(ln, sizeof ln, program, year, s), jy_money_format(l[s].bal[JY_ACCT_AVAILABLE], a),
                              jy_money_format(out[s], b));
        }
    }
    return 0;
}

int jy_ledger_split_track(jy_store *st, const char *county, const char *program, int year, jy_fen amount,
                          int source, const char *track, jy_fen out[JY_FUND__COUNT], jy_err *err)
{
    jy_ledger_line l[JY_FUND__COUNT];
    line_funds f;
    memset(out, 0, sizeof(jy_fen) * JY_FUND__COUNT);
    if (amount <= 0) return jy_err_set2(err, JY_EINVAL, "money.not_positive", "amount must be positive", "金额必须大于零");
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        int rc = jy_store_ledger_line_get(st, county, program, year, s, &l[s], err);
        if (rc) return rc;
    }
    int rc = line_funds_get(st, county, program, year, &f, err);
    if (rc) return rc;
    return split_over(l, &f, track, program, year, amount, source, out, err);
}

int jy_ledger_split(jy_store *st, const char *county, const char *program, int year, jy_fen amount, int source,
                    jy_fen out[JY_FUND__COUNT], jy_err *err)
{
    return jy_ledger_split_track(st, county, program, year, amount, source, NULL, out, err);
}

int jy_ledger_split_many(jy_store *st, jy_payable *const *p, size_t n, size_t *failed, jy_err *err)
{
    jy_ledger_line l[JY_FUND__COUNT];
    line_funds f;
    const jy_payable *key = NULL; /* the budget line l[] holds */
    for (size_t i = 0; i < n; i++) {
        jy_payable *q = p[i];
        if (!q) continue;
        if (key && (strcmp(key->county, q->county) != 0 || strcmp(key->program, q->program) != 0 ||
                    key->year != q->year)) {
            if (failed) *failed = i;
            return jy_err_set2(err, JY_EINVAL, "ledger.split_mixed", "payables split together must share one county, programme and year", "一起拆分的应付款必须属于同一个县、同一个项目、同一年度");
        }
        if (!key) {
            for (int s = 0; s < JY_FUND__COUNT; s++) {
                int rc = jy_store_ledger_line_get(st, q->county, q->program, q->year, s, &l[s], err);
                if (rc) {
                    if (failed) *failed = i;
                    return rc;
                }
            }
            int rc = line_funds_get(st, q->county, q->program, q->year, &f, err);
            if (rc) {
                if (failed) *failed = i;
                return rc;
            }
            key = q;
        }
        int rc = split_over(l, &f, q->track, q->program, q->year, q->amount, -1, q->split, err);
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
        return jy_err_set2(err, JY_ECONFLICT, "ledger.case_committed",
                          "case %" PRId64 " already has payable %" PRId64 " committed: cancel it before committing again", "案件 %" PRId64 " 已有已承诺的应付款 %" PRId64 "：请先取消，再重新承诺",
                          p->case_id, found);
    return 0;
}

void jy_ledger_claim_key(const jy_payable *p, char out[96])
{
    char payee[24];
    snprintf(payee, sizeof payee, "%c%" PRId64, p->payee_kind == JY_PAYEE_ORG ? 'o' : 'p',
             p->payee_kind == JY_PAYEE_ORG ? p->org_id : p->person_id);
    if (p->month[0]) snprintf(out, 96, "%s|%s|%s", payee, p->month, p->claim);
    else if (p->case_id > 0) snprintf(out, 96, "case%" PRId64 "|%s", p->case_id, p->claim);
    else snprintf(out, 96, "%s|%d|%s", payee, p->year, p->claim);
}

void jy_ledger_payee_text(jy_store *st, const jy_payable *p, char *buf, size_t n)
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

/* JY_ECONFLICT naming the live payable that already pays p's claim (the partial UNIQUE index
 * is the backstop; this names the other payable, an HTTP 409). */
static int refuse_same_claim(jy_store *st, const jy_payable *p, jy_err *err)
{
    jy_payable q;
    jy_err e;
    int rc = jy_store_payable_by_claim_key(st, p->county, p->program, p->claim_key, &q, &e);
    if (rc == JY_ENOTFOUND) return 0;
    if (rc) {
        if (err) *err = e;
        return rc;
    }
    char who[200], a[JY_MONEY_BUFSZ], period[40];
    jy_ledger_payee_text(st, p, who, sizeof who);
    if (p->month[0]) snprintf(period, sizeof period, "%s", p->month);
    else if (p->case_id > 0) snprintf(period, sizeof period, "case %" PRId64, p->case_id);
    else snprintf(period, sizeof period, "%d", p->year);
    return jy_err_set2(err, JY_ECONFLICT, "ledger.payable_duplicate",
                       "%1$s %2$s: payable %3$" PRId64 " (%4$s, %5$s%6$s%7$s) already pays %8$s for this period — one payable per payee, "
                       "programme and period: cancel it first (jiuye ledger cancel %9$" PRId64 ") if it is wrong%10$s%11$.0s%12$.0s",
                       "%1$s %2$s：应付款 %3$" PRId64 "（%4$s，%5$s%11$s%7$s）已为%8$s支付本期款项——每个收款人、每个项目、每期只能有一笔应付款："
                       "如有错误，请先取消（jiuye ledger cancel %9$" PRId64 "）%12$s%6$.0s%10$.0s",
                       p->program, period, q.id, q.status, jy_money_format(q.amount, a), q.claim[0] ? ", claim " : "",
                       q.claim, who, q.id,
                       p->claim[0] || q.claim[0] ? "" : ", or name the rules' other claim (--claim) if they allow a second",
                       q.claim[0] ? "，申领 " : "",
                       p->claim[0] || q.claim[0] ? "" : "；若规则允许第二笔，请用 --claim 写明另一种申领");
}

static int track_of_case(jy_store *st, int64_t case_id, char track[24], int64_t *parent, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT;
    int rc = jy_store_case_get(st, case_id, &c, &text, err);
    if (rc == 0) {
        json_t *facts = json_loads(c.facts ? c.facts : "{}", 0, NULL);
        const char *t = json_string_value(json_object_get(facts, "track"));
        if (t) snprintf(track, 24, "%s", t);
        *parent = c.parent_id;
        json_decref(facts);
    }
    jy_sb_free(&text);
    return rc;
}

int jy_ledger_claim_track(jy_store *st, jy_payable *p, jy_err *err)
{
    if (p->case_id <= 0) return 0;
    char track[24] = "";
    int64_t parent = 0;
    int rc = track_of_case(st, p->case_id, track, &parent, err);
    if (rc == 0 && !track[0] && parent > 0) rc = track_of_case(st, parent, track, &parent, err);
    if (rc) return rc;
    /* a case's claim is charged as its facts say: a different track given by hand is refused */
    if (p->track[0] && strcmp(p->track, track[0] ? track : "general") != 0)
        return jy_err_set2(err, JY_EINVAL, "ledger.track", "case %" PRId64 " is track %s (its facts), not %s", "案件 %" PRId64 " 按其信息项属于 %s 类，不是 %s 类", p->case_id,
                          track[0] ? track : "general", p->track);
    snprintf(p->track, sizeof p->track, "%s", track);
    return 0;
}

int jy_ledger_approve(jy_store *st, jy_payable *p, int source, const char *actor, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if (p->case_id > 0 && !p->month[0] && (rc = refuse_second_commitment(st, p, err))) goto done;
    jy_ledger_claim_key(p, p->claim_key);
    if ((rc = refuse_same_claim(st, p, err))) goto done;
    if ((rc = jy_ledger_claim_track(st, p, err))) goto done;
    if ((rc = jy_ledger_split_track(st, p->county, p->program, p->year, p->amount, source, p->track, p->split, err)))
        goto done;
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
        rc = jy_err_set2(err, JY_ECONFLICT, "ledger.cancel_status", "payable %" PRId64 " is %s: only an approved payable outside any batch can be cancelled", "应付款 %" PRId64 " 的状态为 %s：只有已核准且未进入拨付批次的应付款才能取消",
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
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "ledger.recovery_reason", "a recovery (追回) needs a reason", "追回资金需要写明理由");
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_payable p;
    if ((rc = jy_store_payable_get(st, payable_id, &p, err))) goto done;
    if (strcmp(p.status, "paid") != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "ledger.recover_status", "payable %" PRId64 " is %s: only a paid payable can be recovered", "应付款 %" PRId64 " 的状态为 %s：只有已支付的应付款才能追回", payable_id,
                        p.status);
        goto done;
    }
    jy_fen open = p.amount - p.recovered;
    if (amount == 0) amount = open;
    if (amount <= 0 || amount > open) {
        char a[JY_MONEY_BUFSZ], b[JY_MONEY_BUFSZ];
        rc = jy_err_set2(err, JY_ECONFLICT, "ledger.recover_amount", "payable %" PRId64 ": %s can still be recovered, asked %s", "应付款 %" PRId64 "：还可追回 %s，申请追回 %s", payable_id,
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

/* ---------------------------------------------------------------- funding.txt */

int jy_funding_parse(const char *text, const char *name, jy_funding *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    int line = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char buf[512];
        line++;
        if (len >= sizeof buf) return jy_err_set2(err, JY_EINVAL, "funding.line_long", "%s:%d: line too long", "%s第%d行：行过长", name, line);
        memcpy(buf, p, len);
        buf[len] = '\0';
        p += len + (nl ? 1 : 0);
        /* words and one "quoted clause"; # starts a comment outside quotes */
        char *w[8];
        int nw = 0, quoted = -1;
        char *s = buf;
        while (*s) {
            while (*s == ' ' || *s == '\t' || *s == '\r') s++;
            if (!*s || *s == '#') break;
            if (nw == 8) return jy_err_set2(err, JY_EINVAL, "funding.words", "%s:%d: too many words", "%s第%d行：词语过多", name, line);
            if (*s == '"') {
                char *e = strchr(s + 1, '"');
                if (!e) return jy_err_set2(err, JY_EINVAL, "funding.quote", "%s:%d: unterminated quoted text", "%s第%d行：引号未闭合", name, line);
                *e = '\0';
                quoted = nw;
                w[nw++] = s + 1;
                s = e + 1;
            } else {
                w[nw++] = s;
                while (*s && *s != ' ' && *s != '\t' && *s != '\r') s++;
                if (*s) *s++ = '\0';
            }
        }
        if (nw == 0) continue;
        if (nw != 6 || strcmp(w[0], "funds") != 0 || strcmp(w[3], "track") != 0 || quoted != 5)
            return jy_err_set2(err, JY_EINVAL, "funding.syntax",
                              "%s:%d: expected: funds PROGRAM SOURCE[,SOURCE] track VALUE[,VALUE] \"clause\"", "%s第%d行：格式应为 funds 项目 资金来源[,资金来源] track 类别[,类别] \"条款\"", name, line);
        if (out->n == JY_FUNDING_MAX) return jy_err_set2(err, JY_EINVAL, "funding.too_many", "%s:%d: too many lines", "%s第%d行：行数过多", name, line);
        jy_funding_rule *r = &out->rule[out->n];
        r->line = line;
        int num = 0;
        char *end;
        if (w[1][0] == 'P') num = (int)strtol(w[1] + 1, &end, 10);
        if (w[1][0] != 'P' || num < 1 || num > 26 || *end || strlen(w[1]) > 3)
            return jy_err_set2(err, JY_EINVAL, "funding.program", "%s:%d: \"%s\": expected P1 … P26", "%s第%d行：“%s”：应为 P1 … P26", name, line, w[1]);
        snprintf(r->program, sizeof r->program, "%s", w[1]);
        for (char *q = w[2]; *q;) {
            char *c = strchr(q, ',');
            if (c) *c = '\0';
            int src;
            jy_err e;
            if (jy_fund_source_parse(q, &src, &e)) return jy_err_wrap2(err, JY_EINVAL, &e, "%s:%d: ", "%s第%d行：", name, line);
            r->sources |= 1u << src;
            q = c ? c + 1 : q + strlen(q);
        }
        size_t tl = strlen(w[4]);
        if (tl == 0 || tl >= sizeof r->tracks || strspn(w[4], "abcdefghijklmnopqrstuvwxyz0123456789_,") != tl ||
            w[4][0] == ',' || w[4][tl - 1] == ',' || strstr(w[4], ",,"))
            return jy_err_set2(err, JY_EINVAL, "funding.track_values", "%s:%d: \"%s\": expected track values a,b (lower-case words)", "%s第%d行：“%s”：类别应写作 a,b（小写英文词）", name, line,
                              w[4]);
        snprintf(r->tracks, sizeof r->tracks, "%s", w[4]);
        if (!w[5][0]) return jy_err_set2(err, JY_EINVAL, "funding.no_clause", "%s:%d: the line cites no clause", "%s第%d行：该行没有引用条款", name, line);
        snprintf(r->clause, sizeof r->clause, "%s", w[5]);
        for (int i = 0; i < out->n; i++)
            if (strcmp(out->rule[i].program, r->program) == 0 && (out->rule[i].sources & r->sources))
                return jy_err_set2(err, JY_EINVAL, "funding.source_twice", "%s:%d: a source of %s is already restricted on line %d", "%s第%d行：%s 的资金来源已在第%d行限定过", name, line,
                                  r->program, out->rule[i].line);
        out->n++;
    }
    return 0;
}

int jy_funding_load(const char *policy_dir, jy_funding *out, jy_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", policy_dir, JY_FUNDING_FILE);
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "funding.missing", "cannot read %s: which tracks each budget line funds (policy/funding.txt)", "无法读取 %s：即规定各预算资金用于哪些类别的 policy/funding.txt", path);
    jy_sb sb = JY_SB_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) jy_sb_appendn(&sb, chunk, n);
    int bad = ferror(f);
    fclose(f);
    int rc = bad ? jy_err_set2(err, JY_EIO, "file.read", "cannot read %s", "无法读取 %s", path) : jy_funding_parse(jy_sb_cstr(&sb), path, out, err);
    jy_sb_free(&sb);
    return rc;
}

int jy_ledger_tracks_set(jy_store *st, const char *county, const char *program, int year, int source,
                         const char *tracks, const char *clause, const char *actor, int *changed, jy_err *err)
{
    if (!tracks || strcmp(tracks, "*") == 0) tracks = "";
    jy_funding probe;
    char text[400];
    if (*tracks) { /* the same rule as funding.txt's track values */
        snprintf(text, sizeof text, "funds %s central track %s \"%s\"", program, tracks, clause && *clause ? clause : "-");
        if (jy_funding_parse(text, "--tracks", &probe, err)) return JY_EINVAL;
    }
    return jy_store_line_tracks_set(st, county, program, year, source, tracks, clause && *clause ? clause : "", actor,
                                    changed, err);
}

/* ---------------------------------------------------------------- requests */

int jy_ledger_may(jy_cases *cs, const char *operation, const char *county, const char *actor, jy_err *err)
{
    char record[40];
    snprintf(record, sizeof record, "%s %s", strcmp(operation, "ledger_card") == 0 ? "division" : "the books of", county);
    return jy_wf_op_check(cs->wf, cs->st, operation, record, actor, county, NULL, 0, err);
}

typedef struct approve_req {
    jy_store *st;
    jy_payable *p;
    int source;
    const char *actor;
} approve_req;

static int approve_body(void *ctx, jy_sb *out, jy_err *err)
{
    approve_req *r = ctx;
    int rc = jy_ledger_approve(r->st, r->p, r->source, r->actor, err);
    if (rc == 0) jy_payable_json(out, r->p);
    return rc;
}

int jy_ledger_approve_request(jy_cases *cs, jy_payable *p, int source, const char *idem_key, const char *actor,
                              jy_sb *out, int *replayed, jy_err *err)
{
    int rc = jy_ledger_may(cs, "ledger_approve", p->county, actor, err);
    if (rc) return rc;
    /* the request as the key remembers it: every argument that shapes the payable */
    jy_sb req = JY_SB_INIT;
    char a[JY_MONEY_BUFSZ];
    jy_sb_appendc(&req, '{');
    jy_sb_json_kv_str(&req, "county", p->county);
    jy_sb_json_kv_str(&req, "program", p->program);
    jy_sb_json_kv_i64(&req, "year", p->year);
    jy_sb_json_kv_str(&req, "payee_kind", p->payee_kind == JY_PAYEE_ORG ? "org" : "person");
    jy_sb_json_kv_i64(&req, "payee", p->payee_kind == JY_PAYEE_ORG ? p->org_id : p->person_id);
    jy_sb_json_kv_str(&req, "amount", jy_money_format_plain(p->amount, a));
    jy_sb_json_kv_str(&req, "source", source >= 0 ? jy_fund_source_name(source) : "");
    jy_sb_json_kv_i64(&req, "case", p->case_id);
    jy_sb_json_kv_str(&req, "month", p->month);
    jy_sb_json_kv_str(&req, "account", p->account);
    jy_sb_json_kv_str(&req, "memo", p->memo);
    jy_sb_json_kv_str(&req, "claim", p->claim);
    jy_sb_json_kv_str(&req, "track", p->track);
    jy_sb_appendc(&req, '}');
    approve_req r = {cs->st, p, source, actor};
    rc = jy_idem_run(cs->st, idem_key, "ledger_approve", p->county, jy_sb_cstr(&req), actor, approve_body, &r, out,
                     replayed, err);
    jy_sb_free(&req);
    return rc;
}

/* The county whose books a payable is in (for the role check). */
static int payable_county(jy_store *st, int64_t id, char county[7], jy_err *err)
{
    jy_payable p;
    int rc = jy_store_payable_get(st, id, &p, err);
    if (rc == 0) snprintf(county, 7, "%s", p.county);
    return rc;
}

int jy_ledger_cancel_request(jy_cases *cs, int64_t payable_id, const char *reason, const char *actor, jy_err *err)
{
    char county[7];
    int rc = payable_county(cs->st, payable_id, county, err);
    if (rc == 0) rc = jy_ledger_may(cs, "ledger_cancel", county, actor, err);
    if (rc == 0) rc = jy_ledger_cancel(cs->st, payable_id, reason, actor, err);
    return rc;
}

int jy_ledger_recover_request(jy_cases *cs, int64_t payable_id, jy_fen amount, const char *reason, const char *actor,
                              jy_err *err)
{
    char county[7];
    int rc = payable_county(cs->st, payable_id, county, err);
    if (rc == 0) rc = jy_ledger_may(cs, "ledger_recover", county, actor, err);
    if (rc == 0) rc = jy_ledger_recover(cs->st, payable_id, amount, reason, actor, err);
    return rc;
}
