/* case_views.c — what `jiuye case` and the HTTP API share (case_views.h). */
#include "service/case_views.h"
#include "service/users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

const char *jy_case_step_alias(const jy_workflow *wf, const char *state, const char *alias)
{
    if (strcmp(alias, "approve") != 0) return alias;
    for (int i = 0; wf && i < wf->nsteps; i++) {
        const char *n = wf->steps[i].name;
        size_t len = strlen(n);
        if (len >= 7 && strcmp(n + len - 7, "approve") == 0 && jy_wf_step_from(&wf->steps[i], state)) return n;
    }
    return "county_approve";
}

void jy_case_overdue_json(jy_sb *sb, const jy_case *c, const jy_case_then *t, jy_date on)
{
    char d[JY_DATE_BUFSZ];
    jy_case_json(sb, c);
    sb->len--;
    jy_sb_append(sb, ",\"days_overdue\":");
    jy_sb_append_i64(sb, on - t->due_on);
    if (t->rule) {
        jy_sb_append(sb, ",\"deadline\":");
        jy_sb_appendf(sb, "\"%d %s\"", t->rule->n, t->rule->workdays ? "workdays" : "days");
        jy_sb_append(sb, ",\"deadline_clause\":");
        jy_sb_json_str(sb, t->rule->clause);
    }
    jy_sb_append(sb, ",\"as_of\":{\"date\":");
    jy_sb_json_str(sb, jy_date_format(on, d));
    jy_sb_append(sb, ",\"state\":");
    jy_sb_json_str(sb, t->state);
    jy_sb_append(sb, ",\"since\":");
    jy_sb_json_str(sb, jy_date_format(t->entered_on, d));
    jy_sb_append(sb, ",\"due_on\":");
    jy_sb_json_str(sb, jy_date_format(t->due_on, d));
    if (t->provisional) jy_sb_append(sb, ",\"due_on_provisional\":true");
    jy_sb_append(sb, "}}");
}

typedef struct overdue_walk {
    jy_cases *cs;
    jy_date on;
    const char *state;
    int (*fn)(void *ctx, const jy_case *c, const jy_case_then *t);
    void *ctx;
    jy_err *err;
    int rc;
} overdue_walk;

static int overdue_row(void *ctx, const jy_case *c, const char *state, jy_date entered)
{
    overdue_walk *w = ctx;
    if (w->state && strcmp(w->state, state) != 0) return 0;
    const jy_workflow *wf = jy_workflow_for(w->cs->wf, c->program, c->kind);
    const jy_wf_due *d = wf ? jy_workflow_due(wf, state) : NULL;
    if (!d) return 0; /* a deadline state of another workflow */
    jy_case_then t = {.entered_on = entered, .rule = d};
    snprintf(t.state, sizeof t.state, "%s", state);
    jy_err e;
    int rc = jy_wf_due_date(d, w->cs->cal, entered, &t.due_on, &t.provisional, &e);
    if (rc == JY_ENODATA) return 0; /* the calendar cannot count it: no deadline (as at the step) */
    if (rc) {
        w->rc = jy_err_copy(w->err, rc, &e);
        return 1;
    }
    if (!t.due_on || t.due_on >= w->on) return 0;
    return w->fn(w->ctx, c, &t);
}

int jy_case_overdue_on(jy_cases *cs, const jy_case_filter *f, jy_date on,
                       int (*fn)(void *ctx, const jy_case *c, const jy_case_then *t), void *ctx, jy_err *err)
{
    /* the states with a deadline in any workflow: the store keeps only cases in one of them on `on` */
    jy_sb states = JY_SB_INIT;
    jy_sb_appendc(&states, '[');
    int n = 0;
    for (int i = 0; i < jy_workflows_count(cs->wf); i++) {
        const jy_workflow *wf = jy_workflows_at(cs->wf, i);
        for (int k = 0; k < wf->ndues; k++) {
            int seen = 0;
            for (int i2 = 0; i2 <= i && !seen; i2++) {
                const jy_workflow *w2 = jy_workflows_at(cs->wf, i2);
                for (int k2 = 0; k2 < (i2 == i ? k : w2->ndues) && !seen; k2++)
                    seen = strcmp(w2->dues[k2].state, wf->dues[k].state) == 0;
            }
            if (seen) continue;
            if (n++) jy_sb_appendc(&states, ',');
            jy_sb_json_str(&states, wf->dues[k].state);
        }
    }
    jy_sb_appendc(&states, ']');
    jy_case_filter g = f ? *f : (jy_case_filter){0};
    overdue_walk w = {cs, on, g.state, fn, ctx, err, 0};
    g.state = NULL;
    int rc = jy_store_case_states_on(cs->st, &g, on, jy_sb_cstr(&states), overdue_row, &w, err);
    jy_sb_free(&states);
    return rc ? rc : w.rc;
}

/* ---- objections ---- */

typedef struct ev_list {
    jy_case_event *v;
    char **reason;
    size_t n, cap;
    int oom;
} ev_list;

static int ev_add(void *ctx, const jy_case_event *e)
{
    ev_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        jy_case_event *v = realloc(l->v, cap * sizeof *v);
        if (!v) return l->oom = 1;
        l->v = v;
        char **r = realloc(l->reason, cap * sizeof *r);
        if (!r) return l->oom = 1;
        l->reason = r;
        l->cap = cap;
    }
    l->v[l->n] = *e;
    l->reason[l->n] = strdup(e->reason ? e->reason : "");
    if (!l->reason[l->n]) return l->oom = 1;
    l->v[l->n].reason = l->reason[l->n];
    l->n++;
    return 0;
}

static void ev_free(ev_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->reason[i]);
    free(l->v);
    free(l->reason);
}

static int events_of(jy_cases *cs, int64_t id, jy_case *c, ev_list *l, jy_err *err)
{
    jy_sb text = JY_SB_INIT;
    int rc = jy_store_case_get(cs->st, id, c, &text, err);
    jy_sb_free(&text);
    c->facts = c->reasons = c->conflicts = NULL;
    if (rc) return rc;
    rc = jy_store_case_events(cs->st, id, ev_add, l, err);
    if (rc == 0 && l->oom) rc = jy_err_set2(err, JY_ENOMEM, "case.history_oom", "out of memory reading the case's history", "读取案件办理记录时内存不足");
    return rc;
}

static const char *outcome_of(const char *step)
{
    size_t n = strlen(step);
    if (strcmp(step, "reject") == 0) return "upheld";
    if (n >= 7 && strcmp(step + n - 7, "approve") == 0) return "dismissed";
    if (strcmp(step, "withdraw") == 0) return "withdrawn";
    return "closed";
}

int jy_case_objections_json(jy_cases *cs, int64_t id, jy_sb *out, jy_err *err)
{
    jy_case c;
    ev_list l = {0};
    int rc = events_of(cs, id, &c, &l, err);
    if (rc == 0) {
        int k = 0;
        jy_sb_appendc(out, '[');
        for (size_t i = 0; i < l.n; i++) {
            const jy_case_event *e = &l.v[i];
            if (strcmp(e->step, "object") != 0) continue;
            const jy_case_event *next = i + 1 < l.n ? &l.v[i + 1] : NULL;
            char day[JY_DATE_BUFSZ];
            if (k++) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '{');
            jy_sb_json_kv_i64(out, "n", k);
            jy_sb_json_kv_str(out, "on", jy_date_format(e->on, day));
            jy_sb_json_kv_str(out, "actor", e->actor);
            jy_sb_json_kv_str(out, "reason", e->reason);
            jy_sb_json_kv_str(out, "at", e->at);
            jy_sb_json_kv_str(out, "from", e->from_state);
            jy_sb_json_kv_str(out, "status", next ? outcome_of(next->step) : "open");
            jy_sb_json_kv_str(out, "resolved_on", next ? jy_date_format(next->on, day) : NULL);
            jy_sb_json_kv_str(out, "resolved_by", next ? next->actor : NULL);
            jy_sb_json_kv_str(out, "resolution", next ? next->reason : NULL);
            jy_sb_json_kv_str(out, "resolution_step", next ? next->step : NULL);
            jy_sb_appendc(out, '}');
        }
        jy_sb_appendc(out, ']');
    }
    ev_free(&l);
    return rc;
}

int jy_case_objection_resolve(jy_cases *cs, int64_t id, const char *outcome, jy_date on, const char *reason,
                              const char *actor, jy_err *err)
{
    if (!outcome || (strcmp(outcome, "upheld") != 0 && strcmp(outcome, "dismissed") != 0))
        return jy_err_set2(err, JY_EINVAL, "case.objection_outcome", "outcome: upheld (the objection holds: the case is rejected) or dismissed "
                                          "(the case is approved again and goes through publicity anew)", "outcome：应为 upheld（异议成立：驳回该案件）或 dismissed（异议不成立：重新批准并重新公示）");
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "case.objection_reason", "reason: say how the objection was examined", "reason：请说明异议是如何核查的");
    jy_case c;
    ev_list l = {0};
    int rc = events_of(cs, id, &c, &l, err);
    if (rc == 0) {
        const jy_case_event *last = l.n ? &l.v[l.n - 1] : NULL;
        if (!last || strcmp(last->step, "object") != 0 || strcmp(last->to_state, c.state) != 0) {
            rc = jy_err_set2(err, JY_ECONFLICT, "case.no_open_objection",
                             "案件 %1$lld 没有待处理的异议 (no open objection: the case is %2$s%3$s%5$s)%4$.0s",
                             "案件 %1$lld 没有待处理的异议（案件当前为 %2$s%4$s%5$s）%3$.0s", (long long)id, c.state,
                             last ? " after step " : "", last ? "，上一步骤为 " : "", last ? last->step : "");
        } else {
            const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
            const char *step = strcmp(outcome, "upheld") == 0 ? "reject" : jy_case_step_alias(wf, c.state, "approve");
            char why[1200];
            snprintf(why, sizeof why, "异议%s：%s", strcmp(outcome, "upheld") == 0 ? "成立" : "不成立", reason);
            rc = jy_case_advance(cs, id, step, on, why, actor, err);
        }
    }
    ev_free(&l);
    return rc;
}

/* ---- class rosters ---- */

int jy_roster_level(const char *s)
{
    static const char *const cn[] = {"", "一级", "二级", "三级", "四级", "五级"};
    if (strncmp(s, "level", 5) == 0) s += 5;
    if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0') return s[0] - '0';
    for (int i = 1; i <= 5; i++)
        if (strcmp(s, cn[i]) == 0) return i;
    if (strcmp(s, "初级") == 0) return 5;
    if (strcmp(s, "中级") == 0) return 4;
    if (strcmp(s, "高级") == 0) return 3;
    return 0;
}

static int header_is(const char *h, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(h, *names) == 0) return 1;
    return 0;
}

int jy_roster_read(jy_store *st, const char *name, const char *text, size_t len, const char *occupation, int level,
                   int64_t default_org, jy_conflict_subject **out, size_t *nout, jy_err *err)
{
    static const char *const H_ID[] = {"idcard", "身份证号", "身份证号码", "公民身份号码", NULL};
    static const char *const H_OCC[] = {"occupation", "工种", "职业", "职业（工种）", "培训工种", NULL};
    static const char *const H_LEVEL[] = {"level", "等级", "培训等级", NULL};
    static const char *const H_ORG[] = {"org", "uscc", "统一社会信用代码", "培训机构代码", NULL};
    static const char *const H_START[] = {"start", "开始日期", NULL};
    static const char *const H_END[] = {"end", "结束日期", NULL};
    jy_conflict_subject *rows = NULL;
    size_t n = 0, cap = 0;
    int64_t last_org_id = 0;
    char last_uscc[19] = "";
    int col_id = -1, col_occ = -1, col_level = -1, col_org = -1, col_start = -1, col_end = -1;
    int rc;
    *out = NULL;
    *nout = 0;
    jy_csv *csv = jy_csv_new_mem(text ? text : "", len, 0);
    if (!csv) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    if ((rc = jy_csv_next(csv, err)) < 0) goto done;
    if (rc == 0) {
        rc = jy_err_set2(err, JY_EINVAL, "case.list_file_empty", "%s: empty file (expected a header row with 身份证号)", "%s：文件为空（应有含“身份证号”的表头行）", name);
        goto done;
    }
    for (size_t i = 0; i < jy_csv_nfields(csv); i++) {
        const char *h = jy_csv_field(csv, i, NULL);
        if (header_is(h, H_ID)) col_id = (int)i;
        else if (header_is(h, H_OCC)) col_occ = (int)i;
        else if (header_is(h, H_LEVEL)) col_level = (int)i;
        else if (header_is(h, H_ORG)) col_org = (int)i;
        else if (header_is(h, H_START)) col_start = (int)i;
        else if (header_is(h, H_END)) col_end = (int)i;
    }
    if (col_id < 0) {
        rc = jy_err_set2(err, JY_EINVAL, "case.list_no_idcard", "%s: no ID-number column (身份证号 / idcard) in the header row", "%s：表头行中没有身份证号码列（身份证号 / idcard）", name);
        goto done;
    }
    while ((rc = jy_csv_next(csv, err)) == 1) {
        if (jy_csv_blank(csv)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            jy_conflict_subject *nr = realloc(rows, cap * sizeof *nr);
            if (!nr) {
                rc = jy_err_set2(err, JY_ENOMEM, "case.list_file_oom", "out of memory reading %s", "读取 %s 时内存不足", name);
                goto done;
            }
            rows = nr;
        }
        jy_conflict_subject *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->row = (long)n + 1;
        size_t nf = jy_csv_nfields(csv);
        const char *id = (size_t)col_id < nf ? jy_csv_field(csv, (size_t)col_id, NULL) : "";
        size_t k = 0;
        for (; id[k] && k < sizeof r->idcard - 1; k++) r->idcard[k] = id[k] == 'x' ? 'X' : id[k];
        r->idcard[k] = '\0';
        snprintf(r->occupation, sizeof r->occupation, "%s",
                 col_occ >= 0 && (size_t)col_occ < nf ? jy_csv_field(csv, (size_t)col_occ, NULL)
                                                      : (occupation ? occupation : ""));
        r->level = col_level >= 0 && (size_t)col_level < nf ? jy_roster_level(jy_csv_field(csv, (size_t)col_level, NULL))
                                                            : level;
        r->org_id = default_org;
        if (col_org >= 0 && (size_t)col_org < nf && jy_csv_field(csv, (size_t)col_org, NULL)[0]) {
            const char *u = jy_csv_field(csv, (size_t)col_org, NULL);
            if (strcmp(u, last_uscc) != 0) {
                jy_org o;
                if ((rc = jy_store_org_get_by_uscc(st, u, &o, err))) {
                    jy_err_prefix2(err, "%s row %ld: ", "%s 第%ld行：", name, r->row);
                    goto done;
                }
                snprintf(last_uscc, sizeof last_uscc, "%s", u);
                last_org_id = o.id;
            }
            r->org_id = last_org_id;
        }
        if (col_start >= 0 && (size_t)col_start < nf && jy_csv_field(csv, (size_t)col_start, NULL)[0] &&
            jy_date_parse_loose(jy_csv_field(csv, (size_t)col_start, NULL), &r->start_on, err)) {
            rc = jy_err_prefix2(err, "%s row %ld: start: ", "%s 第%ld行：开始日期：", name, r->row);
            goto done;
        }
        if (col_end >= 0 && (size_t)col_end < nf && jy_csv_field(csv, (size_t)col_end, NULL)[0] &&
            jy_date_parse_loose(jy_csv_field(csv, (size_t)col_end, NULL), &r->end_on, err)) {
            rc = jy_err_prefix2(err, "%s row %ld: end: ", "%s 第%ld行：结束日期：", name, r->row);
            goto done;
        }
        n++;
    }
    if (rc > 0) rc = 0;
done:
    jy_csv_free(csv);
    if (rc) {
        free(rows);
        return rc;
    }
    *out = rows;
    *nout = n;
    return 0;
}

void jy_roster_normalise(const jy_policy *pol, jy_conflict_subject *rows, size_t n)
{
    if (!pol) return;
    for (size_t i = 0; i < n; i++) {
        const char *cn = jy_policy_occupation_name(pol, rows[i].occupation);
        if (cn && cn != rows[i].occupation) snprintf(rows[i].occupation, sizeof rows[i].occupation, "%s", cn);
    }
}

/* ---- the work list (待办) ---- */

/* Whether step s moves a case on for role (see jy_case_waiting_keys). */
static int waits_for(const jy_wf_step *s, int role)
{
    if (s->flags & (JY_WF_RELEASE | JY_WF_RECOVERY)) return 0;
    if ((1u << role) & JY_ROLES_SEPARATED) return 0;
    if (role == JY_ROLE_ADMIN) return (s->roles & ~JY_ROLE_ANY) != 0;
    return (s->roles & (1u << role)) != 0;
}

static int state_waits(const jy_workflow *wf, const char *state, int role)
{
    for (int i = 0; i < wf->nsteps; i++)
        if (jy_wf_step_from(&wf->steps[i], state) && waits_for(&wf->steps[i], role)) return 1;
    return 0;
}

static int json_list_has(const jy_sb *list, const char *quoted)
{
    return list->len && strstr(jy_sb_cstr(list), quoted) != NULL;
}

void jy_case_waiting_keys(const jy_cases *cs, int role, jy_sb *keys, jy_sb *states)
{
    jy_sb_append(keys, "[");
    jy_sb_append(states, "[");
    size_t k0 = keys->len, s0 = states->len;
    char prog[8], key[128], q[80];
    for (int p = 1; p <= 26; p++) {
        snprintf(prog, sizeof prog, "P%d", p);
        const char *kind;
        for (size_t k = 0; (kind = jy_case_kind_at(k)) != NULL; k++) {
            const jy_workflow *wf = jy_workflow_for(cs->wf, prog, kind);
            if (!wf) continue;
            /* every state a step leaves from */
            for (int i = 0; i < wf->nsteps; i++)
                for (int j = 0; j < wf->steps[i].nfrom; j++) {
                    const char *state = wf->steps[i].from[j];
                    if (!state_waits(wf, state, role)) continue;
                    snprintf(key, sizeof key, "\"%s|%s|%s\"", prog, kind, state);
                    if (json_list_has(keys, key)) continue;
                    if (keys->len > k0) jy_sb_appendc(keys, ',');
                    jy_sb_append(keys, key);
                    snprintf(q, sizeof q, "\"%s\"", state);
                    if (json_list_has(states, q)) continue;
                    if (states->len > s0) jy_sb_appendc(states, ',');
                    jy_sb_append(states, q);
                }
        }
    }
    jy_sb_append(keys, "]");
    jy_sb_append(states, "]");
}

void jy_case_waiting_steps(const jy_cases *cs, int role, const jy_case *c, jy_sb *out)
{
    jy_sb_appendc(out, '[');
    const jy_workflow *wf = jy_workflow_for(cs->wf, c->program, c->kind);
    int n = 0;
    for (int i = 0; wf && i < wf->nsteps; i++)
        if (jy_wf_step_from(&wf->steps[i], c->state) && waits_for(&wf->steps[i], role)) {
            if (n++) jy_sb_appendc(out, ',');
            jy_sb_json_str(out, wf->steps[i].name);
        }
    jy_sb_appendc(out, ']');
}
