/* case.c — cases from filing to payment (see case.h): facts from the case and the registry,
 * the policy decision, the conflict checks, and the workflow steps with their guards. */
#include "service/case.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/idcard.h"
#include "service/class_app.h"
#include "service/conflict.h"
#include "service/ledger.h"
#include "service/scoring.h"
#include "service/users.h"
#include "service/versions.h"

/* ---------------------------------------------------------------- setup */

int jy_cases_open(jy_store *st, const char *policy_dir, jy_cases **out, jy_err *err)
{
    *out = NULL;
    jy_cases *cs = calloc(1, sizeof *cs);
    if (!cs) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    cs->st = st;
    int rc;
    if ((rc = jy_policy_load(policy_dir, &cs->pol, err)) || (rc = jy_calendar_load(policy_dir, &cs->cal, err)) ||
        (rc = jy_workflows_load(policy_dir, &cs->wf, err)) || (rc = jy_scoring_load(policy_dir, &cs->scoring, err))) {
        jy_cases_close(cs);
        return rc;
    }
    /* the directory's content hash names its version, when it is stored (versions.h) */
    jy_rules_files rf;
    jy_err ignored;
    if (jy_rules_files_read(policy_dir, &rf, &ignored) == 0) {
        memcpy(cs->dir_hash, rf.hash, sizeof cs->dir_hash);
        jy_rules_files_free(&rf);
    }
    *out = cs;
    return 0;
}

int jy_cases_version_for(jy_cases *cs, jy_date d, int64_t *version, jy_err *err)
{
    jy_policy_version v;
    jy_err e;
    *version = 0;
    int rc = jy_store_policy_version_on(cs->st, d, &v, &e);
    if (rc == JY_ENOTFOUND && cs->dir_hash[0]) rc = jy_store_policy_version_by_hash(cs->st, cs->dir_hash, &v, &e);
    if (rc == 0) *version = v.id;
    else if (rc != JY_ENOTFOUND) return jy_err_copy(err, rc, &e);
    return 0;
}

int jy_cases_policy_of(jy_cases *cs, int64_t version, const jy_policy **pol, jy_err *err)
{
    *pol = cs->pol;
    if (version == 0) return 0;
    for (int i = 0; i < cs->nvpol; i++)
        if (cs->vpol[i].id == version) {
            *pol = cs->vpol[i].pol;
            return 0;
        }
    jy_policy_version v;
    int rc = jy_store_policy_version_get(cs->st, version, &v, err);
    if (rc) return rc;
    jy_policy *p = cs->pol;
    if (strcmp(v.hash, cs->dir_hash) != 0 && (rc = jy_versions_policy(cs->st, version, &p, err))) return rc;
    if (cs->nvpol == (int)(sizeof cs->vpol / sizeof cs->vpol[0])) { /* full: drop the oldest */
        if (cs->vpol[0].pol != cs->pol) jy_policy_free(cs->vpol[0].pol);
        memmove(&cs->vpol[0], &cs->vpol[1], sizeof cs->vpol[0] * (size_t)(cs->nvpol - 1));
        cs->nvpol--;
    }
    cs->vpol[cs->nvpol].id = version;
    cs->vpol[cs->nvpol].pol = p;
    cs->nvpol++;
    *pol = p;
    return 0;
}

void jy_cases_close(jy_cases *cs)
{
    if (!cs) return;
    for (int i = 0; i < cs->nvpol; i++)
        if (cs->vpol[i].pol != cs->pol) jy_policy_free(cs->vpol[i].pol);
    jy_policy_free(cs->pol);
    jy_calendar_free(cs->cal);
    jy_workflows_free(cs->wf);
    jy_scoring_free(cs->scoring);
    jy_policy_reader_free(cs->vec_reader);
    free(cs);
}

/* The fact vector of c's facts as they are about to be written (jy_policy_factvec_make) into
 * vec, pointed at by c; none when the reader refuses them (the simulation then reads the facts). */
static void case_fact_vec(jy_cases *cs, jy_case *c, jy_sb *vec)
{
    c->fact_vec = NULL;
    c->fact_vec_len = 0;
    if (!cs->vec_reader) cs->vec_reader = jy_policy_reader_new(cs->pol);
    if (c->facts && jy_policy_factvec_make(cs->vec_reader, c->program, strlen(c->program), c->filed_on, c->facts,
                                           strlen(c->facts), jy_case_form_inputs, vec) == 0) {
        c->fact_vec = (const unsigned char *)vec->buf;
        c->fact_vec_len = vec->len;
    }
}

static const char *const kinds[] = {"individual_claim", "training_class", "trainee_claim", "placement",
                                    "monthly_payment", "employer_reward", "broker_award", "org_award",
                                    "project", "event", "infrastructure"};

const char *jy_case_kind_at(size_t i) { return i < sizeof kinds / sizeof kinds[0] ? kinds[i] : NULL; }

int jy_case_kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i], kind) == 0) return 1;
    return 0;
}

const char *jy_case_default_kind(const char *program, int has_parent)
{
    int n = 0;
    if (!program || program[0] != 'P' || (n = atoi(program + 1)) < 1 || n > 26) return NULL;
    switch (n) {
    case 1: case 2: case 23: return has_parent ? "trainee_claim" : "individual_claim";
    case 10: case 12: case 13: case 14: case 24: return has_parent ? "monthly_payment" : "placement";
    case 3: case 9: case 21: return "employer_reward";
    case 19: return "broker_award";
    case 4: return "project";
    case 5: case 11: case 26: return "event";
    case 6: return "infrastructure";
    default: return "org_award";
    }
}

/* ---------------------------------------------------------------- facts */

/* What a case's facts may hold besides the facts of policy/facts.rules: the application forms'
 * fields (read here and in class_app.c) and the record fields the report forms print
 * (report_build.c), none read by the rules (docs/facts.md lists them). Any other name is an
 * error naming the closest known one, and nothing is stored. */
const char *const jy_case_form_inputs[] = {
    "start", "end",                                          /* placement / class dates */
    "site", "planned_trainees", "schedule", "documents",     /* 开班申请 (and P4's 5-4-1: schedule, documents) */
    "hours_attended", "hours_practical_attended",            /* a trainee on a class roster */
    "class_hours_total", "class_hours_practical",            /* the class's hours, copied to each trainee */
    "sites", "equipment", "examiners", "budget_lines", "question_bank", /* P4 form 5-4-1 */
    "trained", "examined", "passed", "employed", "actual_cost", "satisfaction",
    "department_recognition",                                /* P4 acceptance report 5-4-2 */
    "score_items", "veto_items",                             /* scoring forms (评分表) */
    "retained_count", "star_years",                          /* 5-15-4 期满留用数; 5-22-1 认定为星级充分就业社区的年份 */
    "post", "employer", "insured", "retained", "contract_period", "person_category",
    "staff", "station_name", "platform_name", "address", "phone", /* roster and list forms 5-7-2 … 5-25-2 */
    NULL,
};

typedef struct prior_ctx {
    json_t *list;
    int64_t self; /* the case being decided (0: not yet on record) */
    jy_date on;   /* its date */
} prior_ctx;

/* A training on record is prior to the case when it counts (not rejected, withdrawn, cancelled or
 * decided ineligible) and is dated before the case (on the same day: filed before it). */
static int on_prior(void *ctx, const jy_case *c)
{
    prior_ctx *P = ctx;
    if (c->id == P->self || !jy_conflict_is_training(c->program, c->kind)) return 0;
    if (!jy_conflict_case_counts(c) || !jy_conflict_is_prior(c->filed_on, c->id, P->on, P->self)) return 0;
    char d[JY_DATE_BUFSZ];
    json_t *o = json_object();
    json_object_set_new(o, "date", json_string(jy_date_format(c->filed_on, d)));
    if (c->occupation[0]) json_object_set_new(o, "occupation", json_string(c->occupation));
    if (c->level) json_object_set_new(o, "level", json_integer(c->level));
    json_object_set_new(o, "subsidised", json_true());
    json_object_set_new(o, "case", json_integer(c->id));
    json_array_append_new(P->list, o);
    return 0;
}

/* Adds what the registry knows to facts, where the filer did not say it: statuses (the set that
 * excludes subsidised training), hukou, age, registered unemployment, prior trainings. */
static int registry_facts(jy_cases *cs, const jy_person *p, jy_date on, json_t *facts, jy_err *err)
{
    jy_person_status st[64];
    int n = 0, rc;
    if ((rc = jy_store_person_statuses(cs->st, p->id, st, 64, &n, err))) return rc;
    json_t *set = json_array();
    int unemployed = 0;
    for (int i = 0; i < n; i++) {
        if ((st[i].since && st[i].since > on) || (st[i].until && st[i].until < on)) continue;
        if (st[i].kind == JY_ST_REGISTERED_UNEMPLOYED) unemployed = 1;
        const char *name = jy_training_exclusion(st[i].kind, st[i].detail, NULL);
        if (name) json_array_append_new(set, json_string(name));
    }
    if (!json_object_get(facts, "statuses")) json_object_set(facts, "statuses", set);
    json_decref(set);
    if (p->hukou_division[0] && !json_object_get(facts, "hukou_division"))
        json_object_set_new(facts, "hukou_division", json_string(p->hukou_division));
    if (p->hukou_division[0] && !json_object_get(facts, "hukou_ningxia"))
        json_object_set_new(facts, "hukou_ningxia", json_boolean(strncmp(p->hukou_division, "64", 2) == 0));
    if (p->hukou_kind != JY_HUKOU_UNKNOWN && !json_object_get(facts, "hukou_urban"))
        json_object_set_new(facts, "hukou_urban", json_boolean(p->hukou_kind == JY_HUKOU_URBAN));
    if (p->birth && !json_object_get(facts, "age")) json_object_set_new(facts, "age", json_integer(jy_age_on(p->birth, on)));
    if (unemployed && !json_object_get(facts, "registered_unemployed"))
        json_object_set_new(facts, "registered_unemployed", json_true());
    if (!json_object_get(facts, "prior_trainings")) {
        prior_ctx P = {json_array(), 0, on};
        rc = jy_store_case_history(cs->st, &p->id, 1, on_prior, &P, err);
        if (rc == 0) json_object_set(facts, "prior_trainings", P.list);
        json_decref(P.list);
        if (rc) return rc;
    }
    return 0;
}

/* Reads occupation, level, start and end out of the facts (for the conflict columns): the
 * occupation by the catalogue's name and the level as a number when the rules know how it is
 * written (中式烹调 = 中式烹调师, 初级 = 5: policy/synonyms.tsv), so the same training written
 * two ways is one training. */
static int facts_columns(const jy_policy *pol, json_t *facts, jy_case *c, jy_err *err)
{
    json_t *v = json_object_get(facts, "occupation");
    if (json_is_string(v)) {
        const char *canon = jy_policy_occupation_name(pol, json_string_value(v));
        snprintf(c->occupation, sizeof c->occupation, "%s", canon ? canon : json_string_value(v));
    }
    v = json_object_get(facts, "level");
    int lv;
    if (json_is_integer(v)) c->level = (int)json_integer_value(v);
    else if (json_is_string(v) && jy_policy_level_value(pol, json_string_value(v), &lv) == 0) c->level = lv;
    static const char *const keys[2] = {"start", "end"};
    jy_date *dst[2] = {&c->start_on, &c->end_on};
    for (int i = 0; i < 2; i++) {
        v = json_object_get(facts, keys[i]);
        if (!v) continue;
        jy_err e;
        if (!json_is_string(v) || jy_date_parse_loose(json_string_value(v), dst[i], &e))
            return json_is_string(v) && strncmp(e.msg, "date \"", 6) == 0 /* the day does not exist */
                       ? jy_err_set2(err, JY_EINVAL, "case.fact_no_such_day", "facts.%1$s: %2$s (expected 2024-06-28 or 2024/6/28)%3$.0s",
                                "facts.%1$s：%3$s（应为 2024-06-28 或 2024/6/28）%2$.0s", keys[i], e.msg, jy_err_zh(&e))
                                      : jy_err_set2(err, JY_EINVAL, "case.fact_date", "facts.%s: expected a date: 2024-06-28 or 2024/6/28", "facts.%s：应为日期，如 2024-06-28 或 2024/6/28", keys[i]);
    }
    return 0;
}

/* A scoring form (评分表): facts.score_items is an object {item: points} or an array of
 * {"item","score"[,"max"]}; the total becomes facts.score (a typed score that differs is
 * refused: the total is computed, not typed). facts.veto_items (否决项), a non-empty array of
 * the items found, makes facts.veto true. */
static int scoring_form(json_t *facts, jy_err *err)
{
    json_t *items = json_object_get(facts, "score_items");
    json_t *vetoes = json_object_get(facts, "veto_items");
    if (vetoes) {
        if (!json_is_array(vetoes)) return jy_err_set2(err, JY_EINVAL, "case.veto_items", "facts.veto_items: expected an array of the veto items found", "facts.veto_items：应为列出所发现否决项的数组");
        if (json_array_size(vetoes) && json_is_false(json_object_get(facts, "veto")))
            return jy_err_set2(err, JY_EINVAL, "case.veto_mismatch", "facts.veto is false but veto_items names %zu item(s)", "facts.veto 为 false（无否决项），但 veto_items 列出了%zu项", json_array_size(vetoes));
        if (!json_object_get(facts, "veto")) json_object_set_new(facts, "veto", json_boolean(json_array_size(vetoes) > 0));
    }
    if (!items) return 0;
    /* in tenths of a point, so a half point is seen and refused (the rules' score is whole points) */
    long long total = 0;
    int n = 0;
    if (json_is_object(items)) {
        const char *k;
        json_t *v;
        json_object_foreach(items, k, v) {
            if (!json_is_number(v) || json_number_value(v) < 0)
                return jy_err_set2(err, JY_EINVAL, "case.score_item", "facts.score_items.%s: expected a number of points ≥ 0", "facts.score_items.%s：应为不小于0的分数", k);
            total += (long long)(json_number_value(v) * 10 + 0.5);
            n++;
        }
    } else if (json_is_array(items)) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            json_t *v = json_object_get(it, "score"), *mx = json_object_get(it, "max");
            const char *name = json_string_value(json_object_get(it, "item"));
            if (!json_is_number(v) || json_number_value(v) < 0)
                return jy_err_set2(err, JY_EINVAL, "case.score_item_score", "facts.score_items[%zu] (%s): expected \"score\": points ≥ 0", "facts.score_items 第%zu项（%s）：应有“score”，即不小于0的分数", i,
                                  name ? name : "?");
            if (mx && (!json_is_number(mx) || json_number_value(v) > json_number_value(mx)))
                return jy_err_set2(err, JY_EINVAL, "case.score_over_max", "facts.score_items[%zu] (%s): %g points exceed the item's maximum %g", "facts.score_items 第%zu项（%s）：%g 分超过该项满分 %g 分", i,
                                  name ? name : "?", json_number_value(v), json_number_value(mx));
            total += (long long)(json_number_value(v) * 10 + 0.5);
            n++;
        }
    } else {
        return jy_err_set2(err, JY_EINVAL, "case.score_items_form", "facts.score_items: expected {item: points} or [{\"item\",\"score\",\"max\"}]", "facts.score_items：应为 {评分项: 分数} 或 [{\"item\",\"score\",\"max\"}]");
    }
    if (n == 0) return jy_err_set2(err, JY_EINVAL, "case.score_items_empty", "facts.score_items: the form has no items", "facts.score_items：评分表没有评分项");
    if (total % 10)
        return jy_err_set2(err, JY_EINVAL, "case.score_not_whole", "facts.score_items: the total %lld.%lld is not whole points (the rules score in whole points)", "facts.score_items：合计 %lld.%lld 分不是整数分（按规则以整数分计分）",
                          total / 10, total % 10);
    json_t *score = json_integer(total / 10);
    json_t *typed = json_object_get(facts, "score");
    if (typed && !(json_is_number(typed) && (long long)(json_number_value(typed) * 10 + 0.5) == total)) {
        json_decref(score);
        return jy_err_set2(err, JY_EINVAL, "case.score_given", "facts.score: the total is computed from score_items (%lld.%lld); leave score out", "facts.score：总分由 score_items 合计得出（%lld.%lld 分），请不要另填 score",
                          total / 10, total % 10);
    }
    json_object_set_new(facts, "score", score);
    return 0;
}

/* Evaluates the policy: fills decision, amount, ruleset and the reasons JSON array (owned by the
 * caller, to append conflict reasons to). */
static int policy_case_of(jy_cases *cs, const jy_case *c, json_t *facts, const jy_policy **pol, jy_policy_case *pc,
                          jy_err *err)
{
    char d[JY_DATE_BUFSZ];
    json_t *line = json_object();
    json_object_set_new(line, "program", json_string(c->program));
    json_object_set_new(line, "date", json_string(jy_date_format(c->filed_on, d)));
    json_object_set_new(line, "facts", jy_form_policy_facts(facts));
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    int rc = jy_cases_policy_of(cs, c->policy_version, pol, err);
    if (rc) {
        free(text);
        return rc;
    }
    int has_id = 0;
    rc = jy_policy_case_parse_inputs(*pol, text, strlen(text), jy_case_form_inputs, pc, NULL, 0, &has_id, err);
    free(text);
    return rc ? jy_err_prefix2(err, "facts: ", "信息项有误：") : 0;
}

int jy_case_policy_case(jy_cases *cs, const jy_case *c, const jy_policy **pol, jy_policy_case *pc, jy_err *err)
{
    json_t *facts = json_loads(c->facts && *c->facts ? c->facts : "{}", 0, NULL);
    if (!json_is_object(facts)) {
        json_decref(facts);
        return jy_err_set2(err, JY_EINVAL, "case.facts_not_object", "case %lld: stored facts are not a JSON object", "案件 %lld：保存的信息项不是 JSON 对象", (long long)c->id);
    }
    int rc = policy_case_of(cs, c, facts, pol, pc, err);
    json_decref(facts);
    return rc;
}

static int evaluate(jy_cases *cs, jy_case *c, json_t *facts, json_t **reasons, jy_err *err)
{
    char d[JY_DATE_BUFSZ];
    json_t *line = json_object();
    json_object_set_new(line, "program", json_string(c->program));
    json_object_set_new(line, "date", json_string(jy_date_format(c->filed_on, d)));
    json_object_set_new(line, "facts", jy_form_policy_facts(facts));
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    /* the rules of the case's version (0: the directory's; versions.h) */
    const jy_policy *pol;
    int rc = jy_cases_policy_of(cs, c->policy_version, &pol, err);
    if (rc) {
        free(text);
        return rc;
    }
    jy_policy_case pc;
    jy_decision dec;
    jy_sb out = JY_SB_INIT;
    int has_id = 0;
    rc = jy_policy_case_parse_inputs(pol, text, strlen(text), jy_case_form_inputs, &pc, NULL, 0, &has_id, err);
    free(text);
    if (rc) return jy_err_prefix2(err, "facts: ", "信息项有误：");
    jy_policy_eval(pol, &pc, &dec);
    jy_policy_decision_json(pol, NULL, 0, &dec, 1, &out);
    json_error_t je;
    json_t *res = json_loads(jy_sb_cstr(&out), 0, &je);
    jy_sb_free(&out);
    if (!res) return jy_err_set2(err, JY_EINVAL, "case.decision_json", "policy decision: unreadable JSON: %s", "政策审核结果：JSON 无法读取：%s", je.text);
    snprintf(c->decision, sizeof c->decision, "%s", json_string_value(json_object_get(res, "decision")));
    snprintf(c->ruleset, sizeof c->ruleset, "%s", json_string_value(json_object_get(res, "ruleset")));
    c->has_amount = dec.outcome == JY_ELIGIBLE && dec.has_amount;
    c->amount = c->has_amount ? dec.amount : 0;
    *reasons = json_incref(json_object_get(res, "reasons"));
    if (!*reasons) *reasons = json_array();
    json_decref(res);
    if (strcmp(c->kind, "training_class") == 0) {
        /* a class application: only the class rules decide it; it carries no money */
        jy_class_app_decide(*reasons, c->decision, sizeof c->decision);
        c->has_amount = 0;
        c->amount = 0;
    }
    return 0;
}

/* Appends the application form's findings (class_app.h) to the reasons: a "missing" form field or
 * an in-principle shortfall ("review") makes an eligible case needs_review; a "note" does not. */
static void apply_form(jy_case *c, json_t *form, json_t *reasons)
{
    size_t i;
    json_t *r;
    json_array_foreach(form, i, r) {
        json_array_append(reasons, r);
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (k && strcmp(k, "note") != 0 && strcmp(c->decision, "eligible") == 0) {
            snprintf(c->decision, sizeof c->decision, "needs_review");
            c->has_amount = 0;
            c->amount = 0;
        }
    }
}

/* Folds conflict findings into the decision: hard → ineligible, soft → at least needs_review;
 * each finding also becomes a reason (kind "conflict"). */
static void apply_conflicts(jy_case *c, const jy_conflict_report *rep, json_t *reasons)
{
    for (size_t i = 0; i < rep->n; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "clause", json_string(rep->items[i].clause));
        json_object_set_new(r, "kind", json_string(rep->items[i].hard ? "conflict" : "review"));
        json_object_set_new(r, "text", json_string(rep->items[i].reason));
        json_array_append_new(reasons, r);
    }
    if (rep->nhard) {
        snprintf(c->decision, sizeof c->decision, "ineligible");
        c->has_amount = 0;
        c->amount = 0;
    } else if (rep->nsoft && strcmp(c->decision, "eligible") == 0) {
        snprintf(c->decision, sizeof c->decision, "needs_review");
        c->has_amount = 0;
        c->amount = 0;
    }
}

/* Re-decides a case from its stored facts (and the publicity dates the workflow added) and its
 * stored conflict findings; replaces decision, amount, ruleset and reasons. */
static int reevaluate_form(jy_cases *cs, jy_case *c, json_t *facts, json_t *form, char **reasons_s, jy_err *err)
{
    json_t *reasons = NULL;
    int rc = evaluate(cs, c, facts, &reasons, err);
    if (rc) return rc;
    if (form) apply_form(c, form, reasons);
    json_t *conf = json_loads(c->conflicts && *c->conflicts ? c->conflicts : "[]", 0, NULL);
    jy_conflict_report rep = {0};
    size_t i;
    json_t *it;
    if (json_is_array(conf)) {
        rep.cap = json_array_size(conf);
        rep.items = rep.cap ? calloc(rep.cap, sizeof *rep.items) : NULL;
        json_array_foreach(conf, i, it) {
            if (!rep.items) break;
            jy_conflict *x = &rep.items[rep.n++];
            x->hard = json_is_true(json_object_get(it, "hard"));
            snprintf(x->clause, sizeof x->clause, "%s", json_string_value(json_object_get(it, "clause")) ? json_string_value(json_object_get(it, "clause")) : "");
            snprintf(x->reason, sizeof x->reason, "%s", json_string_value(json_object_get(it, "reason")) ? json_string_value(json_object_get(it, "reason")) : "");
            if (x->hard) rep.nhard++;
            else rep.nsoft++;
        }
    }
    json_decref(conf);
    apply_conflicts(c, &rep, reasons);
    jy_conflict_report_free(&rep);
    *reasons_s = json_dumps(reasons, JSON_COMPACT);
    json_decref(reasons);
    if (!*reasons_s) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    c->reasons = *reasons_s;
    return 0;
}

static int reevaluate(jy_cases *cs, jy_case *c, json_t *facts, char **reasons_s, jy_err *err)
{
    return reevaluate_form(cs, c, facts, NULL, reasons_s, err);
}

/* ---------------------------------------------------------------- provisional dates */

/* A working-day date counted into a year whose holiday calendar is not yet published (calendar.h,
 * the *_prov functions) is provisional. The case then carries a reason of kind "provisional"
 * naming the field (due_on or publicity_end), the date, the count it came from (from, n working
 * days) and the missing year, so that `jiuye case settle-dates` (jy_case_settle_dates) recounts
 * it once the year's notice is in policy/calendar.txt. The decision is not changed by it. */

static int is_prov(json_t *r, const char *field)
{
    const char *k = json_string_value(json_object_get(r, "kind"));
    const char *f = json_string_value(json_object_get(r, "field"));
    return k && strcmp(k, "provisional") == 0 && (!field || (f && strcmp(f, field) == 0));
}

/* Removes the provisional marks of field (NULL: all) from reasons. */
static void prov_remove(json_t *reasons, const char *field)
{
    for (size_t i = json_array_size(reasons); i-- > 0;)
        if (is_prov(json_array_get(reasons, i), field)) json_array_remove(reasons, i);
}

/* The mark of field in reasons (borrowed), or NULL. */
static json_t *prov_find(json_t *reasons, const char *field)
{
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r) if (is_prov(r, field)) return r;
    return NULL;
}

static const char *prov_label(const char *field)
{
    return strcmp(field, "publicity_end") == 0 ? "公示截止日期" : "办理期限";
}

/* Replaces field's mark with one for date (n working days from `from`); writes a line for the
 * history into note when note is not NULL. */
static void prov_mark(jy_cases *cs, json_t *reasons, const char *field, jy_date date, jy_date from, int n,
                      const char *clause, jy_sb *note)
{
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], text[512];
    int first = 0, last = 0;
    jy_calendar_years(cs->cal, &first, &last);
    int year = last + 1;
    prov_remove(reasons, field);
    snprintf(text, sizeof text,
             "%s %s 为暂定日期：%d 年节假日安排尚未录入 policy/calendar.txt，自 %s 起 %d 个工作日仅按周末推算；"
             "录入国务院办公厅通知后执行 jiuye case settle-dates 重新计算",
             prov_label(field), jy_date_format(date, d1), year, jy_date_format(from, d2), n);
    json_t *r = json_object();
    json_object_set_new(r, "clause", json_string(clause ? clause : ""));
    json_object_set_new(r, "kind", json_string("provisional"));
    json_object_set_new(r, "text", json_string(text));
    json_object_set_new(r, "field", json_string(field));
    json_object_set_new(r, "date", json_string(d1));
    json_object_set_new(r, "from", json_string(d2));
    json_object_set_new(r, "n", json_integer(n));
    json_object_set_new(r, "year", json_integer(year));
    json_array_append_new(reasons, r);
    if (note) jy_sb_appendf(note, "；%s %s 为暂定日期（%d 年节假日安排未发布，按周末推算）", prov_label(field), d1, year);
}

/* Sets due_on for the state c->state entered on `on` (0 when the state has no deadline, or the
 * calendar has no data for the year: then a note reason says so). *prov: the deadline is
 * provisional; when reasons is given its mark is set or removed there. */
static int set_due(jy_cases *cs, const jy_workflow *wf, jy_case *c, jy_date on, json_t *reasons, int *prov,
                   jy_err *err)
{
    c->due_on = 0;
    *prov = 0;
    if (reasons) prov_remove(reasons, "due_on");
    const jy_wf_due *d = jy_workflow_due(wf, c->state);
    if (!d) return 0;
    jy_err e;
    int rc = jy_wf_due_date(d, cs->cal, on, &c->due_on, prov, &e);
    if (rc == JY_ENODATA && reasons) {
        json_t *r = json_object();
        json_object_set_new(r, "clause", json_string(d->clause));
        json_object_set_new(r, "kind", json_string("note"));
        json_object_set_new(r, "text", json_string(e.msg));
        json_array_append_new(reasons, r);
        c->due_on = 0;
        return 0;
    }
    if (rc) return jy_err_copy(err, rc, &e);
    if (*prov && reasons) prov_mark(cs, reasons, "due_on", c->due_on, on, d->n, d->clause, NULL);
    return 0;
}

/* The finest division the case's subject is known by (person's 户籍所在地, else the
 * organisation's division, else the county): a township user's area is checked against it. */
static void subject_division(jy_cases *cs, const jy_case *c, char *buf, size_t cap)
{
    jy_person p;
    jy_org o;
    jy_err ignored;
    snprintf(buf, cap, "%s", c->county);
    if (c->person_id && jy_store_person_get(cs->st, c->person_id, &p, &ignored) == 0 && p.hukou_division[0])
        snprintf(buf, cap, "%s", p.hukou_division);
    else if (c->org_id && jy_store_org_get(cs->st, c->org_id, &o, &ignored) == 0 && o.division[0])
        snprintf(buf, cap, "%s", o.division);
}

/* ---------------------------------------------------------------- filing */

int jy_case_file(jy_cases *cs, const jy_case_filing *f, const char *actor, int64_t *id, jy_err *err)
{
    jy_case c;
    jy_actor who;
    jy_person p;
    jy_org o;
    jy_case parent;
    jy_sb ptext = JY_SB_INIT;
    json_t *facts = NULL, *reasons = NULL, *form = json_array(), *pfacts = NULL;
    char *facts_s = NULL, *reasons_s = NULL;
    jy_conflict_report rep = {0};
    jy_sb conf = JY_SB_INIT, vec = JY_SB_INIT;
    int rc = 0;
    memset(&c, 0, sizeof c);
    memset(&parent, 0, sizeof parent);
    memset(&p, 0, sizeof p);
    *id = 0;
    if (!f->program || jy_policy_program_index(cs->pol, f->program) < 0) {
        rc = jy_err_set2(err, JY_EINVAL, "case.program_unknown_opt", "--program %s: unknown programme (P1 … P26)", "--program %s：未知的项目（P1 … P26）", f->program ? f->program : "");
        goto done;
    }
    snprintf(c.program, sizeof c.program, "%s", f->program);
    const char *kind = f->kind ? f->kind : jy_case_default_kind(f->program, f->parent_id != 0);
    if (!kind || !jy_case_kind_known(kind)) {
        rc = jy_err_set2(err, JY_EINVAL, "case.kind_unknown",
                        "--kind %s: unknown case kind (individual_claim, training_class, trainee_claim, placement, "
                        "monthly_payment, employer_reward, broker_award, org_award, project, event, infrastructure)", "--kind %s：未知的案件类型（individual_claim 个人申领、training_class 培训班、trainee_claim 学员补贴、placement 岗位安置、monthly_payment 按月发放、employer_reward 用人单位奖补、broker_award 中介奖补、org_award 机构奖补、project 项目、event 活动、infrastructure 基地建设）",
                        kind ? kind : "");
        goto done;
    }
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    c.filed_on = f->on ? f->on : jy_date_today();
    int y, m, d;
    jy_date_to_ymd(c.filed_on, &y, &m, &d);
    c.year = y;
    /* facts */
    json_error_t je;
    facts = f->facts_json && *f->facts_json ? json_loads(f->facts_json, 0, &je) : json_object();
    if (!facts || !json_is_object(facts)) {
        rc = jy_err_set2(err, JY_EINVAL, "case.facts_json", "--facts: expected a JSON object%s%s", "--facts：应为 JSON 对象%s%s", facts ? "" : ": ", facts ? "" : je.text);
        goto done;
    }
    /* parent and subject */
    if (f->parent_id) {
        if ((rc = jy_store_case_get(cs->st, f->parent_id, &parent, &ptext, err))) goto done;
        const char *want = strcmp(kind, "trainee_claim") == 0 ? "training_class"
                           : strcmp(kind, "monthly_payment") == 0 ? "placement" : NULL;
        if (want && strcmp(parent.kind, want) != 0) {
            rc = jy_err_set2(err, JY_EINVAL, "case.parent_kind", "--parent %lld is a %s, a %s needs a %s", "--parent %lld 是 %s 类案件，%s 类案件需要 %s 类的上级案件", (long long)f->parent_id,
                            parent.kind, kind, want);
            goto done;
        }
        if (strcmp(parent.program, c.program) != 0) {
            rc = jy_err_set2(err, JY_EINVAL, "case.parent_program", "--parent %lld belongs to %s, not %s", "--parent %lld 属于 %s，不属于 %s", (long long)f->parent_id,
                            parent.program, c.program);
            goto done;
        }
        c.parent_id = parent.id;
        c.org_id = parent.org_id;
        if (!f->idcard) c.person_id = parent.person_id;
        memcpy(c.occupation, parent.occupation, sizeof c.occupation);
        c.level = parent.level;
        c.start_on = parent.start_on;
        c.end_on = parent.end_on;
        memcpy(c.county, parent.county, sizeof c.county);
    }
    if (f->idcard) {
        if ((rc = jy_store_person_get_by_idcard(cs->st, f->idcard, &p, err))) {
            jy_err why;
            if (rc == JY_ENOTFOUND && jy_idcard_check(f->idcard, NULL, NULL, &why) != 0)
                rc = jy_err_wrap2(err, JY_EINVAL, &why, "--person %s: not a valid ID number (身份证号): ", "--person %s：",
                                  f->idcard);
            else if (rc == JY_ENOTFOUND)
                jy_err_set2(err, JY_ENOTFOUND, "case.person_unregistered", "--person %s is not registered: add the person first (jiuye person add)", "--person %s 尚未登记：请先登记此人（jiuye person add）",
                           f->idcard);
            goto done;
        }
        c.person_id = p.id;
        memcpy(c.county, p.county, sizeof c.county);
    } else if (c.person_id && (rc = jy_store_person_get(cs->st, c.person_id, &p, err))) {
        goto done;
    }
    if (f->uscc) {
        if ((rc = jy_store_org_get_by_uscc(cs->st, f->uscc, &o, err))) {
            if (rc == JY_ENOTFOUND)
                jy_err_set2(err, JY_ENOTFOUND, "case.org_unregistered", "--org %s is not registered: add the organisation first (jiuye org add)", "--org %s 尚未登记：请先登记该单位（jiuye org add）",
                           f->uscc);
            goto done;
        }
        c.org_id = o.id;
        if (!c.county[0]) memcpy(c.county, o.county, sizeof c.county);
    }
    if (!c.person_id && !c.org_id) {
        rc = jy_err_set2(err, JY_EINVAL, "case.no_subject", "a case needs a subject: --person IDCARD, --org USCC or --parent ID", "申报需要申报对象：--person 身份证号码、--org 统一社会信用代码 或 --parent 上级案件号");
        goto done;
    }
    /* the application forms (class_app.h): a class application, its roster, P4's form 5-4-1 */
    int training = strcmp(c.program, "P1") == 0 || strcmp(c.program, "P2") == 0 || strcmp(c.program, "P23") == 0;
    if (training && strcmp(kind, "training_class") == 0 && (rc = jy_class_app_check(facts, c.program, c.filed_on, form, err))) goto done;
    /* a P4 trainee is filed as a child of its project: the form is the project's, not theirs */
    if (strcmp(kind, "project") == 0 && !c.parent_id && (rc = jy_project_app_check(facts, form, err))) goto done;
    if (strcmp(kind, "trainee_claim") == 0 && c.parent_id) {
        int enrolled = 0;
        pfacts = json_loads(parent.facts && *parent.facts ? parent.facts : "{}", 0, NULL);
        if (!json_is_object(pfacts)) {
            rc = jy_err_set2(err, JY_EINVAL, "case.parent_facts", "--parent %lld: stored facts are not a JSON object", "--parent %lld：保存的信息项不是 JSON 对象", (long long)c.parent_id);
            goto done;
        }
        if ((rc = jy_class_enrolled(cs->st, c.parent_id, &enrolled, err)) ||
            (rc = jy_class_roster_admit(&parent, pfacts, enrolled, facts, err)))
            goto done;
    }
    if ((rc = facts_columns(cs->pol, facts, &c, err))) goto done;
    if ((rc = jy_scoring_check(cs->scoring, c.program, facts, err)) || (rc = scoring_form(facts, err))) goto done;
    /* who files */
    if ((rc = jy_actor_resolve(cs->st, actor, &who, err))) goto done;
    char division[16];
    subject_division(cs, &c, division, sizeof division);
    if ((rc = jy_actor_may(&who, JY_ROLE_ANY, division, "在此辖区申报", err))) goto done;
    const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
    if (!wf) {
        rc = jy_err_set2(err, JY_EINVAL, "case.no_workflow", "no workflow serves %s %s: add one to policy/workflows.txt", "没有为 %s %s 设置办理流程：请在 policy/workflows.txt 中添加", c.program, c.kind);
        goto done;
    }
    /* decision: facts + registry → policy engine, then the conflicts */
    if (c.person_id && (rc = registry_facts(cs, &p, c.filed_on, facts, err))) goto done;
    if (c.parent_id && !json_object_get(facts, "occupation") && c.occupation[0])
        json_object_set_new(facts, "occupation", json_string(c.occupation));
    if (c.parent_id && !json_object_get(facts, "level") && c.level) json_object_set_new(facts, "level", json_integer(c.level));
    /* the rule version in force on the filing date decides it (versions.h) */
    if ((rc = jy_cases_version_for(cs, c.filed_on, &c.policy_version, err))) goto done;
    if ((rc = evaluate(cs, &c, facts, &reasons, err))) goto done;
    apply_form(&c, form, reasons);
    if (c.person_id) {
        jy_conflict_subject s;
        memset(&s, 0, sizeof s);
        s.person_id = c.person_id;
        memcpy(s.occupation, c.occupation, sizeof s.occupation);
        s.level = c.level;
        s.org_id = c.org_id;
        s.start_on = c.start_on;
        s.end_on = c.end_on;
        jy_conflict_query q = {.program = c.program, .kind = c.kind, .year = c.year, .on = c.filed_on, .rows = &s, .n = 1, .pol = cs->pol};
        if ((rc = jy_conflicts_check(cs->st, &q, &rep, err))) goto done;
        apply_conflicts(&c, &rep, reasons);
    }
    jy_conflict_report_json(&conf, &rep);
    snprintf(c.state, sizeof c.state, "%s", wf->start);
    int due_prov = 0;
    if ((rc = set_due(cs, wf, &c, c.filed_on, reasons, &due_prov, err))) goto done;
    facts_s = json_dumps(facts, JSON_COMPACT);
    reasons_s = json_dumps(reasons, JSON_COMPACT);
    if (!facts_s || !reasons_s) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    c.facts = facts_s;
    c.reasons = reasons_s;
    c.conflicts = jy_sb_cstr(&conf);
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.step, sizeof ev.step, "file");
    ev.on = c.filed_on;
    char why[320], dd[JY_DATE_BUFSZ];
    snprintf(why, sizeof why, "申报（审核结论：%s%s）%s%s%s", c.decision,
             strcmp(c.decision, "needs_review") == 0 ? "，需人工复核" : "", due_prov ? "；办理期限 " : "",
             due_prov ? jy_date_format(c.due_on, dd) : "", due_prov ? " 为暂定日期（节假日安排未发布，按周末推算）" : "");
    ev.reason = why;
    case_fact_vec(cs, &c, &vec); /* the facts as the simulation will read them, stored beside them */
    if ((rc = jy_store_case_insert(cs->st, &c, &ev, who.user.name, err))) goto done;
    *id = c.id;
done:
    json_decref(facts);
    json_decref(reasons);
    json_decref(form);
    json_decref(pfacts);
    free(facts_s);
    free(reasons_s);
    jy_sb_free(&ptext);
    jy_sb_free(&conf);
    jy_sb_free(&vec);
    jy_conflict_report_free(&rep);
    return rc;
}

/* ---------------------------------------------------------------- money */

/* The case's payables: the open one (approved or batched, the last found) and the paid ones. */
typedef struct case_money {
    int64_t case_id;
    int nopen, npaid;
    jy_payable open;
    int64_t paid[16];
} case_money;

static int on_payable(void *ctx, const jy_payable *p)
{
    case_money *M = ctx;
    if (p->case_id != M->case_id) return 0;
    if (strcmp(p->status, "approved") == 0 || strcmp(p->status, "batched") == 0) {
        M->open = *p;
        M->nopen++;
    } else if (strcmp(p->status, "paid") == 0 && M->npaid < 16) {
        M->paid[M->npaid++] = p->id;
    }
    return 0;
}

static int case_money_get(jy_store *st, const jy_case *c, case_money *M, jy_err *err)
{
    memset(M, 0, sizeof *M);
    M->case_id = c->id;
    jy_payable_filter f = {.county = c->county, .program = c->program, .case_id = c->id};
    return jy_store_payable_list(st, &f, on_payable, M, err);
}

/* Who is paid: the person for individual claims (直补个人) and placements (social security
 * card), else the organisation (training body, employer, broker, base: basic account). */
static void case_payee(const jy_case *c, jy_payable *p)
{
    int person = strcmp(c->kind, "individual_claim") == 0 || strcmp(c->kind, "placement") == 0 ||
                 strcmp(c->kind, "monthly_payment") == 0 || !c->org_id;
    p->payee_kind = person ? JY_PAYEE_PERSON : JY_PAYEE_ORG;
    if (person) p->person_id = c->person_id;
    else p->org_id = c->org_id;
}

/* 1 when the programme-year has any budget in the county's books. */
static int has_budget(jy_store *st, const jy_case *c, int *out, jy_err *err)
{
    *out = 0;
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        jy_ledger_line l;
        int rc = jy_store_ledger_line_get(st, c->county, c->program, c->year, s, &l, err);
        if (rc) return rc;
        if (l.bal[JY_ACCT_BUDGET] < 0) *out = 1;
    }
    return 0;
}

/* The ledger side of step s on case c (inside the caller's transaction): commit the decided
 * amount (replacing an unbatched earlier commitment), release the open commitment, refuse a
 * payment by hand while the money is committed and unpaid, recover what was paid. A note for
 * the history line is appended to note. */
static int step_money(jy_cases *cs, const jy_case *c, const jy_wf_step *s, int by_batch, const char *reason,
                      const char *actor, jy_sb *note, jy_err *err)
{
    unsigned f = s->flags & (JY_WF_COMMIT | JY_WF_RELEASE | JY_WF_PAYMENT | JY_WF_RECOVERY);
    if (!f) return 0;
    case_money M;
    char a[JY_MONEY_BUFSZ];
    int rc = case_money_get(cs->st, c, &M, err);
    if (rc) return rc;
    if ((f & (JY_WF_COMMIT | JY_WF_RELEASE)) && M.nopen) {
        if (strcmp(M.open.status, "batched") == 0)
            return jy_err_set2(err, JY_ECONFLICT, "case.payable_batched", "case %lld: its payable %lld is in a payment batch, so %s cannot be taken (finish or return the batch first)", "案件 %lld 的应付款 %lld 已在拨付批次中，不能执行 %s（先完成或退回该批次）",
                              (long long)c->id, (long long)M.open.id, s->name);
        if ((rc = jy_ledger_cancel(cs->st, M.open.id, reason, actor, err))) return rc;
        jy_sb_appendf(note, "；释放承诺资金 %s（应付款 %lld）", jy_money_format(M.open.amount, a), (long long)M.open.id);
    }
    if (f & JY_WF_COMMIT) {
        int budget = 0;
        if (!c->has_amount || c->amount <= 0) {
            jy_sb_append(note, "；无核定金额，未承诺资金");
            return 0;
        }
        if ((rc = has_budget(cs->st, c, &budget, err))) return rc;
        if (!budget) {
            jy_sb_appendf(note, "；账上无 %s %d 年预算，未承诺资金（jiuye ledger budget load）", c->program, c->year);
            return 0;
        }
        jy_payable p;
        memset(&p, 0, sizeof p);
        snprintf(p.county, sizeof p.county, "%s", c->county);
        snprintf(p.program, sizeof p.program, "%s", c->program);
        p.year = c->year;
        p.case_id = c->id;
        case_payee(c, &p);
        p.amount = c->amount;
        snprintf(p.memo, sizeof p.memo, "%s 案件 %lld %s", c->program, (long long)c->id, c->kind);
        if ((rc = jy_ledger_approve(cs->st, &p, -1, actor, err)))
            return jy_err_prefix2(err, "case %lld cannot take %s, the funds are short or there is no budget: ", "案件 %lld 不能执行 %s，资金不足或无预算：", (long long)c->id, s->name);
        jy_sb_appendf(note, "；承诺资金 %s（应付款 %lld）", jy_money_format(p.amount, a), (long long)p.id);
    }
    if ((f & JY_WF_PAYMENT) && !by_batch && M.nopen)
        return jy_err_set2(err, JY_ECONFLICT, "case.pay_by_batch", "case %lld has committed funds %s (payable %lld, %s), paid through a payment batch: jiuye batch build --program %s, and batch mark-paid after review completes %s",
                          "案件 %lld 已承诺资金 %s（应付款 %lld，%s），经拨付批次支付：jiuye batch build --program %s，"
                          "复核后 batch mark-paid 即完成 %s",
                          (long long)c->id, jy_money_format(M.open.amount, a), (long long)M.open.id, M.open.status,
                          c->program, s->name);
    if (f & JY_WF_RECOVERY) {
        for (int i = 0; i < M.npaid; i++) {
            jy_payable p;
            if ((rc = jy_store_payable_get(cs->st, M.paid[i], &p, err))) return rc;
            if (p.amount - p.recovered <= 0) continue;
            if ((rc = jy_ledger_recover(cs->st, p.id, 0, reason, actor, err))) return rc;
            jy_sb_appendf(note, "；追回 %s（应付款 %lld）", jy_money_format(p.amount - p.recovered, a), (long long)p.id);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- steps */

static void date_text(char *buf, jy_date d)
{
    jy_date_format(d, buf);
}

/* by_batch: the payment step taken by `batch mark-paid` (no role check: the batch was reviewed). */
static int advance(jy_cases *cs, int64_t id, const char *step, jy_date on, const char *reason, const char *actor,
                   int by_batch, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT, next = JY_SB_INIT, conf = JY_SB_INIT;
    jy_conflict_report rep = {0};
    jy_actor who;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], expect[24];
    json_t *facts = NULL, *rj = NULL, *old_rj = NULL;
    char *facts_s = NULL, *reasons_s = NULL, *marked_s = NULL;
    int rc, pub_prov = 0, due_prov = 0;
    jy_sb pnote = JY_SB_INIT;
    if (!on) on = jy_date_today();
    if ((rc = jy_store_case_get(cs->st, id, &c, &text, err))) goto done;
    old_rj = json_loads(c.reasons && *c.reasons ? c.reasons : "[]", 0, NULL);
    const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
    if (!wf) {
        rc = jy_err_set2(err, JY_EINVAL, "case.no_workflow", "no workflow serves %s %s: add one to policy/workflows.txt", "没有为 %s %s 设置办理流程：请在 policy/workflows.txt 中添加", c.program, c.kind);
        goto done;
    }
    jy_workflow_next_steps(wf, c.state, &next);
    const jy_wf_step *s = jy_workflow_step(wf, step);
    if (!s || !jy_wf_step_from(s, c.state)) {
        /* each language its own words (the English said "（该流程没有此步骤）" and "无（流程已结束）") */
        rc = jy_err_set2(err, s ? JY_ECONFLICT : JY_EINVAL, "case.step_refused",
                        "case %1$lld is %2$s and cannot take %3$s%4$s; next steps allowed: %6$s%5$.0s%7$.0s",
                        "案件 %1$lld 当前状态为 %2$s，不能执行 %3$s%5$s；可执行的下一步：%7$s%4$.0s%6$.0s",
                        (long long)id, c.state, step, s ? "" : " (the workflow has no such step)", s ? "" : "（该流程没有此步骤）",
                        next.len ? jy_sb_cstr(&next) : "none (the workflow has ended)",
                        next.len ? jy_sb_cstr(&next) : "无（流程已结束）");
        goto done;
    }
    if (!reason || !*reason) {
        rc = jy_err_set2(err, JY_EINVAL, "case.reason_required", "--reason: every step needs a reason (what was checked, seen or decided)", "--reason：每一步都要写明理由（核查、查看或决定了什么）");
        goto done;
    }
    if (by_batch) {
        memset(&who, 0, sizeof who);
        snprintf(who.user.name, sizeof who.user.name, "%s", actor && *actor ? actor : "system");
    } else {
        if ((rc = jy_actor_resolve(cs->st, actor, &who, err))) goto done;
        char what[64];
        snprintf(what, sizeof what, "执行 %s", step);
        char division[16];
        subject_division(cs, &c, division, sizeof division);
        if ((rc = jy_actor_may(&who, s->roles, division, what, err))) goto done;
    }
    if (on < c.filed_on) {
        rc = jy_err_set2(err, JY_EINVAL, "case.date_before_filed", "--date %s is before the case was filed (%s)", "--date %s 早于申报日期（%s）", jy_date_format(on, d1),
                        jy_date_format(c.filed_on, d2));
        goto done;
    }
    if ((s->flags & JY_WF_ELIGIBLE) && strcmp(c.decision, "ineligible") == 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "case.ineligible", "case %lld was reviewed as not eligible (see reasons) and cannot take %s; allowed: reject", "案件 %lld 的审核结论为不符合条件（见 reasons），不能执行 %s；可执行：reject",
                        (long long)id, step);
        goto done;
    }
    if ((s->flags & JY_WF_FORM) && !c.parent_id) {
        /* the review checks the application form again (issue 14): a class or project whose
         * form lacks a teacher, a site, a document … is not approved; the reviewer sends it back */
        json_t *ff = json_loads(c.facts && *c.facts ? c.facts : "{}", 0, NULL);
        jy_sb miss = JY_SB_INIT;
        char fclause[64] = "";
        int n = json_is_object(ff) ? jy_app_form_missing(c.program, c.kind, ff, c.filed_on, &miss, fclause, sizeof fclause, err)
                                   : jy_err_set2(err, JY_EINVAL, "case.facts_not_object", "case %lld: stored facts are not a JSON object", "案件 %lld：保存的信息项不是 JSON 对象", (long long)id);
        json_decref(ff);
        if (n > 0)
            /* the clause first: a long list is cut at the message's end, never the clause */
            rc = jy_err_set2(err, JY_ECONFLICT, "case.form_incomplete",
                             "case %lld: the %s is incomplete (%s), so %s cannot be taken; allowed: reject (sent back to be completed and filed again). %s",
                             "案件 %lld 的%s不完整（%s），不能执行 %s，可执行：reject（退回补正后重新申报）。%s",
                             (long long)id, strcmp(c.kind, "project") == 0 ? "项目申报表（5-4-1）" : "开班申请", fclause, step,
                             jy_sb_cstr(&miss));
        else if (n < 0)
            rc = n;
        jy_sb_free(&miss);
        if (rc) goto done;
    }
    if ((s->flags & JY_WF_DURING_PUBLICITY) && c.publicity_end && on > c.publicity_end) {
        date_text(d1, c.publicity_end);
        rc = jy_err_set2(err, JY_ECONFLICT, "case.publicity_over", "the publicity period ended on %s, so %s can no longer be taken", "公示期已于 %s 结束，不能再执行 %s", d1, step);
        goto done;
    }
    if ((s->flags & JY_WF_AFTER_PUBLICITY) && c.publicity_end && on <= c.publicity_end) {
        date_text(d1, c.publicity_end);
        date_text(d2, on);
        rc = jy_err_set2(err, JY_ECONFLICT, "case.publicity_running", "the publicity period runs to %s (inclusive): on %s, %s cannot be taken yet", "公示期至 %s（含）尚未结束，%s 不能执行 %s", d1, d2, step);
        goto done;
    }
    if (s->flags & JY_WF_CONFLICTS) {
        if ((rc = jy_conflicts_check_case(cs->st, cs->pol, id, &rep, err))) goto done;
        if (rep.nhard) {
            rc = jy_err_set2(err, JY_ECONFLICT, "case.conflict", "case %lld has a conflict and cannot take %s: %s (%s)", "案件 %lld 存在冲突，不能执行 %s：%s（%s）", (long long)id, step,
                            rep.items[0].reason, rep.items[0].clause);
            goto done;
        }
        jy_conflict_report_json(&conf, &rep);
        c.conflicts = jy_sb_cstr(&conf);
    }
    snprintf(expect, sizeof expect, "%s", c.state);
    snprintf(c.state, sizeof c.state, "%s", s->to);
    if (s->publicity) {
        jy_err e;
        if ((rc = jy_wf_publicity_end(s, cs->cal, on, &c.publicity_end, &pub_prov, &e))) {
            rc = jy_err_copy(err, rc, &e);
            goto done;
        }
    } else if (strcmp(s->to, wf->start) == 0) {
        c.publicity_end = 0; /* reopened: a new publicity will run in full */
    }
    if (s->publicity || (s->flags & JY_WF_AFTER_PUBLICITY)) {
        /* the publicity dates become facts (P7, P15, P25 … require them), and the case is decided
         * again on them; recognition is refused if that decision is ineligible */
        facts = json_loads(c.facts && *c.facts ? c.facts : "{}", 0, NULL);
        if (!json_is_object(facts)) {
            rc = jy_err_set2(err, JY_EINVAL, "case.facts_not_object", "case %lld: stored facts are not a JSON object", "案件 %lld：保存的信息项不是 JSON 对象", (long long)id);
            goto done;
        }
        if (s->publicity) {
            json_object_set_new(facts, "publicity_start", json_string(jy_date_format(on, d1)));
            json_object_set_new(facts, "publicity_end", json_string(jy_date_format(c.publicity_end, d2)));
            facts_s = json_dumps(facts, JSON_COMPACT);
            if (!facts_s) {
                rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
                goto done;
            }
            c.facts = facts_s;
        }
        if ((rc = reevaluate(cs, &c, facts, &reasons_s, err))) goto done;
        if ((s->flags & JY_WF_AFTER_PUBLICITY) && strcmp(c.decision, "ineligible") == 0) {
            rc = jy_err_set2(err, JY_ECONFLICT, "case.ineligible_after_publicity", "case %lld was reviewed again on the facts after publicity as not eligible (see reasons in case show) and cannot take %s; allowed: reject", "案件 %lld 按公示后的事实重新审核为不符合条件（见 case show 的 reasons），不能执行 %s；可执行：reject",
                            (long long)id, step);
            goto done;
        }
    }
    if ((rc = set_due(cs, wf, &c, on, NULL, &due_prov, err))) goto done;
    if (s->publicity && !jy_workflow_due(wf, c.state)) c.due_on = 0;
    /* provisional marks: the dates counted now replace theirs; a publicity not recounted keeps
     * the mark it had (the reasons may just have been decided afresh) */
    rj = json_loads(c.reasons && *c.reasons ? c.reasons : "[]", 0, NULL);
    if (!json_is_array(rj)) {
        json_decref(rj);
        rj = json_array();
    }
    prov_remove(rj, NULL);
    if (s->publicity) {
        if (pub_prov) prov_mark(cs, rj, "publicity_end", c.publicity_end, on, s->publicity, s->clause, &pnote);
    } else if (c.publicity_end && json_is_array(old_rj) && prov_find(old_rj, "publicity_end")) {
        json_array_append(rj, prov_find(old_rj, "publicity_end"));
    }
    if (due_prov && c.due_on) {
        const jy_wf_due *dd = jy_workflow_due(wf, c.state);
        prov_mark(cs, rj, "due_on", c.due_on, on, dd ? dd->n : 0, dd ? dd->clause : "", &pnote);
    }
    marked_s = json_dumps(rj, JSON_COMPACT);
    if (!marked_s) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    c.reasons = marked_s;
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.step, sizeof ev.step, "%s", step);
    ev.on = on;
    jy_sb why = JY_SB_INIT;
    jy_sb_append(&why, reason);
    if (s->clause[0]) {
        jy_sb_append(&why, "（依据：");
        jy_sb_append(&why, s->clause);
        jy_sb_append(&why, "）");
    }
    jy_sb_append(&why, jy_sb_cstr(&pnote));
    /* the money and the step land together or not at all */
    if ((rc = jy_store_begin(cs->st, err))) {
        jy_sb_free(&why);
        goto done;
    }
    jy_sb note = JY_SB_INIT;
    rc = step_money(cs, &c, s, by_batch, reason, who.user.name, &note, err);
    if (rc == 0) {
        jy_sb_append(&why, jy_sb_cstr(&note));
        ev.reason = jy_sb_cstr(&why);
        jy_sb vec = JY_SB_INIT;
        case_fact_vec(cs, &c, &vec);
        rc = jy_store_case_update(cs->st, &c, expect, &ev, who.user.name, err);
        jy_sb_free(&vec);
    }
    jy_sb_free(&note);
    jy_sb_free(&why);
    if (rc == 0) rc = jy_store_commit(cs->st, err);
    else jy_store_rollback(cs->st, NULL);
done:
    json_decref(facts);
    json_decref(rj);
    json_decref(old_rj);
    jy_sb_free(&pnote);
    free(facts_s);
    free(reasons_s);
    free(marked_s);
    jy_sb_free(&text);
    jy_sb_free(&next);
    jy_sb_free(&conf);
    jy_conflict_report_free(&rep);
    return rc;
}

int jy_case_advance(jy_cases *cs, int64_t id, const char *step, jy_date on, const char *reason, const char *actor,
                    jy_err *err)
{
    return advance(cs, id, step, on, reason, actor, 0, err);
}

/* The step of wf flagged payment that may leave state, or NULL. */
static const jy_wf_step *payment_step(const jy_workflow *wf, const char *state)
{
    for (int i = 0; wf && i < wf->nsteps; i++)
        if ((wf->steps[i].flags & JY_WF_PAYMENT) && jy_wf_step_from(&wf->steps[i], state)) return &wf->steps[i];
    return NULL;
}

/* Does the workflow have a payment step at all? */
static int has_payment_step(const jy_workflow *wf)
{
    for (int i = 0; wf && i < wf->nsteps; i++)
        if (wf->steps[i].flags & JY_WF_PAYMENT) return 1;
    return 0;
}

int jy_case_payment_ready(jy_cases *cs, int64_t id, char *why, size_t cap, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT, next = JY_SB_INIT;
    int rc = jy_store_case_get(cs->st, id, &c, &text, err);
    if (rc) goto done;
    const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
    /* "paid": a payable entered by hand for a case paid outside the books (ledger approve --case) */
    if (!has_payment_step(wf) || payment_step(wf, c.state) || strcmp(c.state, "paid") == 0) {
        rc = 1;
        goto done;
    }
    if (wf) jy_workflow_next_steps(wf, c.state, &next);
    snprintf(why, cap, "案件 %lld 当前状态为 %s，尚不能拨付（可执行：%s）", (long long)id, c.state,
             next.len ? jy_sb_cstr(&next) : "无");
    rc = 0;
done:
    jy_sb_free(&text);
    jy_sb_free(&next);
    return rc;
}

int jy_case_paid_by_batch(jy_cases *cs, int64_t id, const char *reason, jy_date on, const char *actor, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT;
    int rc = jy_store_case_get(cs->st, id, &c, &text, err);
    if (rc == 0) {
        const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
        const jy_wf_step *s = payment_step(wf, c.state);
        char name[JY_WF_NAME];
        if (s) {
            snprintf(name, sizeof name, "%s", s->name);
            jy_sb_free(&text);
            if (!on) on = jy_date_today();
            if (on < c.filed_on) on = c.filed_on;
            return advance(cs, id, name, on, reason, actor, 1, err);
        }
    }
    jy_sb_free(&text);
    return rc;
}

/* ---------------------------------------------------------------- show */

typedef struct hist_ctx {
    jy_sb *out;
    int n;
} hist_ctx;

static int on_event(void *ctx, const jy_case_event *e)
{
    hist_ctx *H = ctx;
    if (H->n++) jy_sb_appendc(H->out, ',');
    jy_case_event_json(H->out, e);
    return 0;
}

int jy_case_show_json(jy_cases *cs, int64_t id, jy_date today, jy_sb *out, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT;
    int rc = jy_store_case_get(cs->st, id, &c, &text, err);
    if (rc == 0) rc = jy_case_show_json_of(cs, &c, today, out, err);
    jy_sb_free(&text);
    return rc;
}

int jy_case_show_json_of(jy_cases *cs, const jy_case *c, jy_date today, jy_sb *out, jy_err *err)
{
    jy_sb next = JY_SB_INIT;
    int rc = 0;
    /* the case object straight into the answer, reopened (its closing brace dropped), then the
     * workflow view */
    jy_case_json(out, c);
    jy_sb_truncate(out, out->len - 1);
    const jy_workflow *wf = jy_workflow_for(cs->wf, c->program, c->kind);
    jy_sb_append(out, ",\"workflow\":");
    if (wf) jy_sb_json_str(out, wf->name);
    else jy_sb_append(out, "null");
    jy_sb_append(out, ",\"next_steps\":[");
    if (wf) {
        int first = 1;
        for (int i = 0; i < wf->nsteps; i++)
            if (jy_wf_step_from(&wf->steps[i], c->state)) {
                if (!first) jy_sb_appendc(out, ',');
                jy_sb_json_str(out, wf->steps[i].name);
                first = 0;
            }
    }
    jy_sb_append(out, "]");
    /* the rule version that made the decision (versions.h): null before versions were loaded */
    jy_sb_append(out, ",\"version\":");
    if ((rc = jy_versions_brief_json(cs->st, c->policy_version, out, err))) goto done;
    if (strcmp(c->kind, "training_class") == 0 && (rc = jy_class_roster_json(cs->st, c, out, err))) goto done;
    jy_sb_json_kv_bool(out, "overdue", c->due_on && c->due_on < today);
    /* the dates counted into a year without a published calendar (see jy_cases_settle_dates) */
    jy_sb_append(out, ",\"provisional\":[");
    /* parsed only when the text can hold a provisional mark: the word itself, or an escape that
     * could spell it (json_dumps writes neither otherwise); a case read runs this every time */
    const char *rtext = c->reasons && *c->reasons ? c->reasons : "[]";
    if (strstr(rtext, "provisional") || strstr(rtext, "\\u")) {
        json_t *rj = json_loads(rtext, 0, NULL);
        size_t i;
        json_t *r;
        int np = 0;
        json_array_foreach(rj, i, r) if (is_prov(r, NULL)) {
            if (np++) jy_sb_appendc(out, ',');
            jy_sb_json_str(out, json_string_value(json_object_get(r, "field")));
        }
        json_decref(rj);
    }
    jy_sb_append(out, "]");
    jy_sb_append(out, ",\"history\":[");
    hist_ctx H = {out, 0};
    if ((rc = jy_store_case_events_of(cs->st, c, on_event, &H, err))) goto done;
    jy_sb_append(out, "]}");
done:
    jy_sb_free(&next);
    return rc;
}

/* ---------------------------------------------------------------- settling provisional dates */

typedef struct settle_ids {
    int64_t *ids;
    size_t n, cap;
    long cases;
} settle_ids;

static int on_settle_candidate(void *ctx, const jy_case *c)
{
    settle_ids *S = ctx;
    S->cases++;
    if (!c->reasons || !strstr(c->reasons, "\"provisional\"")) return 0;
    if (S->n == S->cap) {
        size_t ncap = S->cap ? S->cap * 2 : 64;
        int64_t *p = realloc(S->ids, ncap * sizeof *p);
        if (!p) return JY_ENOMEM;
        S->ids = p;
        S->cap = ncap;
    }
    S->ids[S->n++] = c->id;
    return 0;
}

/* Settles one case's marks (see case.h). Appends the report items to settled / still. */
static int settle_case(jy_cases *cs, int64_t id, int dry_run, const char *actor, jy_sb *settled, int *nsettled,
                       jy_sb *still, int *nstill, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT, why = JY_SB_INIT;
    json_t *rj = NULL, *facts = NULL;
    char *reasons_s = NULL, *facts_s = NULL, *marked_s = NULL;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], expect[24];
    int rc, changed = 0, nitem = 0;
    struct {
        const char *field;
        jy_date was, now;
        int review;
    } item[2];
    if ((rc = jy_store_case_get(cs->st, id, &c, &text, err))) goto done;
    rj = json_loads(c.reasons && *c.reasons ? c.reasons : "[]", 0, NULL);
    if (!json_is_array(rj)) goto done;
    const jy_workflow *wf = jy_workflow_for(cs->wf, c.program, c.kind);
    static const char *const fields[2] = {"publicity_end", "due_on"};
    json_t *keep = json_array();
    for (int k = 0; k < 2; k++) {
        json_t *m = prov_find(rj, fields[k]);
        if (!m) continue;
        jy_date from, was, now;
        jy_err e;
        int n = (int)json_integer_value(json_object_get(m, "n")), prov = 0;
        jy_date *field = k == 0 ? &c.publicity_end : &c.due_on;
        if (jy_date_parse(json_string_value(json_object_get(m, "from")) ? json_string_value(json_object_get(m, "from")) : "",
                          &from, &e) ||
            n < 1 || !*field) {
            continue; /* a mark without its count (or for a date since cleared) is dropped */
        }
        was = *field;
        if ((rc = jy_calendar_nth_workday_prov(cs->cal, from, n, &now, &prov, err))) goto done_keep;
        if (prov) {
            json_array_append(keep, m);
            if ((*nstill)++) jy_sb_appendc(still, ',');
            jy_sb_appendc(still, '{');
            jy_sb_json_kv_i64(still, "case", c.id);
            jy_sb_json_kv_str(still, "field", fields[k]);
            jy_sb_json_kv_str(still, "provisional", jy_date_format(was, d1));
            jy_sb_appendc(still, '}');
            continue;
        }
        *field = now;
        changed = 1;
        /* a longer publicity after the case moved on: a step may lie inside the real one */
        int review = 0;
        if (k == 0 && now > was) {
            int in_publicity = 0;
            for (int i = 0; wf && i < wf->nsteps; i++)
                if (wf->steps[i].publicity && strcmp(wf->steps[i].to, c.state) == 0) in_publicity = 1;
            review = !in_publicity;
        }
        item[nitem].field = fields[k];
        item[nitem].was = was;
        item[nitem].now = now;
        item[nitem++].review = review;
        jy_sb_appendf(&why, "%s%s 暂定 %s，按已录入的节假日安排重新计算为 %s", why.len ? "；" : "", prov_label(fields[k]),
                      jy_date_format(was, d1), jy_date_format(now, d2));
        if (review) jy_sb_append(&why, "（晚于暂定日期，案件已进入后续步骤：请复核公示期内已执行的步骤）");
    }
    if (!changed || dry_run) goto report;
    /* the case with its settled dates: facts, decision and marks */
    prov_remove(rj, NULL);
    if (c.publicity_end && !prov_find(keep, "publicity_end")) {
        facts = json_loads(c.facts && *c.facts ? c.facts : "{}", 0, NULL);
        if (json_is_object(facts) && json_object_get(facts, "publicity_end")) {
            json_object_set_new(facts, "publicity_end", json_string(jy_date_format(c.publicity_end, d1)));
            facts_s = json_dumps(facts, JSON_COMPACT);
            if (!facts_s) {
                rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
                goto done_keep;
            }
            c.facts = facts_s;
            char decision[16];
            int has_amount = c.has_amount;
            jy_fen amount = c.amount;
            snprintf(decision, sizeof decision, "%s", c.decision);
            if ((rc = reevaluate(cs, &c, facts, &reasons_s, err))) goto done_keep;
            if (strcmp(decision, c.decision) != 0 || has_amount != c.has_amount || amount != c.amount) {
                /* decided otherwise on the settled dates: what was done on the old decision is reviewed */
                char a1[JY_MONEY_BUFSZ], a2[JY_MONEY_BUFSZ];
                jy_sb_appendf(&why, "；按重新计算的公示日期重新审核：%s %s → %s %s，请复核已执行的步骤和资金", decision,
                              has_amount ? jy_money_format(amount, a1) : "", c.decision,
                              c.has_amount ? jy_money_format(c.amount, a2) : "");
                for (int t = 0; t < nitem; t++)
                    if (strcmp(item[t].field, "publicity_end") == 0) item[t].review = 1;
            }
            json_decref(rj);
            rj = json_loads(c.reasons, 0, NULL);
            if (!json_is_array(rj)) {
                json_decref(rj);
                rj = json_array();
            }
            prov_remove(rj, NULL);
        }
    }
    size_t i;
    json_t *m;
    json_array_foreach(keep, i, m) json_array_append(rj, m);
    marked_s = json_dumps(rj, JSON_COMPACT);
    if (!marked_s) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done_keep;
    }
    c.reasons = marked_s;
    snprintf(expect, sizeof expect, "%s", c.state);
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.step, sizeof ev.step, "settle_dates");
    ev.on = jy_date_today();
    if (ev.on < c.filed_on) ev.on = c.filed_on;
    ev.reason = jy_sb_cstr(&why);
    jy_sb vec = JY_SB_INIT;
    case_fact_vec(cs, &c, &vec);
    if ((rc = jy_store_case_update(cs->st, &c, expect, &ev, actor, err))) {
        jy_sb_free(&vec);
        goto done_keep;
    }
    jy_sb_free(&vec);
report:
    for (int t = 0; t < nitem; t++) {
        if ((*nsettled)++) jy_sb_appendc(settled, ',');
        jy_sb_appendc(settled, '{');
        jy_sb_json_kv_i64(settled, "case", c.id);
        jy_sb_json_kv_str(settled, "field", item[t].field);
        jy_sb_json_kv_str(settled, "provisional", jy_date_format(item[t].was, d1));
        jy_sb_json_kv_str(settled, "settled", jy_date_format(item[t].now, d2));
        jy_sb_json_kv_bool(settled, "review", item[t].review);
        jy_sb_appendc(settled, '}');
    }
done_keep:
    json_decref(keep);
done:
    json_decref(rj);
    json_decref(facts);
    free(reasons_s);
    free(facts_s);
    free(marked_s);
    jy_sb_free(&text);
    jy_sb_free(&why);
    return rc;
}

int jy_cases_settle_dates(jy_cases *cs, int dry_run, const char *actor, jy_sb *out, jy_err *err)
{
    jy_actor who;
    settle_ids S = {0};
    jy_sb settled = JY_SB_INIT, still = JY_SB_INIT;
    int nsettled = 0, nstill = 0, rc;
    if ((rc = jy_actor_resolve(cs->st, actor, &who, err))) return rc;
    if (!dry_run &&
        (rc = jy_actor_may(&who, 1u << JY_ROLE_COUNTY_REVIEWER, who.user.area[0] ? who.user.area : "", "重算暂定日期", err)))
        return rc;
    jy_case_filter f;
    memset(&f, 0, sizeof f);
    rc = jy_store_case_list(cs->st, &f, on_settle_candidate, &S, err);
    if (rc == JY_ENOMEM) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    for (size_t i = 0; rc == 0 && i < S.n; i++) {
        if ((rc = jy_store_begin(cs->st, err))) break;
        rc = settle_case(cs, S.ids[i], dry_run, who.user.name, &settled, &nsettled, &still, &nstill, err);
        if (rc == 0) rc = jy_store_commit(cs->st, err);
        else jy_store_rollback(cs->st, NULL);
    }
    if (rc == 0) {
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_bool(out, "dry_run", dry_run);
        jy_sb_json_kv_i64(out, "cases", S.cases);
        jy_sb_json_kv_i64(out, "provisional", (int64_t)S.n);
        jy_sb_append(out, ",\"settled\":[");
        jy_sb_appendn(out, settled.buf ? settled.buf : "", settled.len);
        jy_sb_append(out, "],\"still_provisional\":[");
        jy_sb_appendn(out, still.buf ? still.buf : "", still.len);
        jy_sb_append(out, "]}");
    }
    free(S.ids);
    jy_sb_free(&settled);
    jy_sb_free(&still);
    return rc;
}

/* ---------------------------------------------------------------- re-decision under a version */

int jy_case_redecide(jy_cases *cs, int64_t id, int64_t version, const char *commit_reason, jy_date on,
                     const char *actor, jy_case *before, jy_case *after, jy_sb *reasons_before, jy_sb *reasons_after,
                     int *written, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT;
    json_t *facts = NULL, *form = NULL, *old_rj = NULL, *new_rj = NULL;
    char *reasons_s = NULL, *marked_s = NULL;
    *written = 0;
    int rc = jy_store_case_get(cs->st, id, &c, &text, err);
    if (rc) goto done;
    *before = c;
    jy_sb_reset(reasons_before);
    jy_sb_append(reasons_before, c.reasons && *c.reasons ? c.reasons : "[]");
    facts = json_loads(c.facts && *c.facts ? c.facts : "{}", 0, NULL);
    if (!json_is_object(facts)) {
        rc = jy_err_set2(err, JY_EINVAL, "case.facts_not_object", "case %lld: stored facts are not a JSON object", "案件 %lld：保存的信息项不是 JSON 对象", (long long)id);
        goto done;
    }
    /* the application form's findings, as filing made them (the forms read only the facts) */
    form = json_array();
    if (strcmp(c.kind, "project") == 0 && !c.parent_id && (rc = jy_project_app_check(facts, form, err))) goto done;
    c.policy_version = version;
    if ((rc = reevaluate_form(cs, &c, facts, form, &reasons_s, err))) goto done;
    /* the provisional-date marks stay (they are about the workflow's dates, not the rules) */
    old_rj = json_loads(jy_sb_cstr(reasons_before), 0, NULL);
    new_rj = json_loads(reasons_s, 0, NULL);
    if (json_is_array(old_rj) && json_is_array(new_rj)) {
        size_t i;
        json_t *r;
        json_array_foreach(old_rj, i, r) if (is_prov(r, NULL)) json_array_append(new_rj, r);
        marked_s = json_dumps(new_rj, JSON_COMPACT);
        if (!marked_s) {
            rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
            goto done;
        }
        c.reasons = marked_s;
    }
    jy_sb_reset(reasons_after);
    jy_sb_append(reasons_after, c.reasons);
    *after = c;
    int same = before->policy_version == c.policy_version && strcmp(before->decision, c.decision) == 0 &&
               before->has_amount == c.has_amount && before->amount == c.amount &&
               strcmp(jy_sb_cstr(reasons_before), c.reasons) == 0 && strcmp(before->ruleset, c.ruleset) == 0;
    if (commit_reason && !same) {
        jy_case_event ev;
        memset(&ev, 0, sizeof ev);
        snprintf(ev.step, sizeof ev.step, "redecide");
        ev.on = on ? on : jy_date_today();
        ev.reason = commit_reason;
        jy_sb vec = JY_SB_INIT;
        case_fact_vec(cs, &c, &vec);
        if ((rc = jy_store_case_update(cs->st, &c, before->state, &ev, actor, err))) {
            jy_sb_free(&vec);
            goto done;
        }
        jy_sb_free(&vec);
        *written = 1;
    }
done:
    before->facts = before->reasons = before->conflicts = NULL;
    if (rc == 0) after->facts = after->reasons = after->conflicts = NULL;
    json_decref(facts);
    json_decref(form);
    json_decref(old_rj);
    json_decref(new_rj);
    free(reasons_s);
    free(marked_s);
    jy_sb_free(&text);
    return rc;
}
