/* class_app.c — class applications (开班申请), their rosters, and the P4 form 5-4-1 (see
 * class_app.h). The numbers of the class limits live in the rules, not here. */
#include "service/class_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jscan.h"
#include "base/money.h"

static void add_reason(json_t *reasons, const char *clause, const char *kind, const char *text)
{
    json_t *r = json_object();
    json_object_set_new(r, "clause", json_string(clause));
    json_object_set_new(r, "kind", json_string(kind));
    json_object_set_new(r, "text", json_string(text));
    json_array_append_new(reasons, r);
}

/* A non-empty string value of key, or NULL. */
static const char *str_of(json_t *facts, const char *key)
{
    const char *s = json_string_value(json_object_get(facts, key));
    return s && *s ? s : NULL;
}

/* A list of people ({name, idcard?, certificate?}): each must have a name; need_cert: and a
 * certificate (职称或职业资格). */
static int people_list(json_t *v, const char *key, int need_cert, jy_err *err)
{
    if (!json_is_array(v) || json_array_size(v) == 0)
        return jy_err_set2(err, JY_EINVAL, "class.list", "facts.%s: expected a non-empty list [{\"name\",\"idcard\"?,\"certificate\"}]", "facts.%s：应为非空列表 [{\"name\",\"idcard\"?,\"certificate\"}]", key);
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
        const char *name = json_is_object(it) ? str_of(it, "name") : NULL;
        if (!name) return jy_err_set2(err, JY_EINVAL, "class.list_item", "facts.%s[%zu]: expected {\"name\": …} (姓名)", "facts.%s 第%zu项：应为 {\"name\": …}（姓名）", key, i);
        json_t *id = json_object_get(it, "idcard");
        if (id && !json_is_string(id))
            return jy_err_set2(err, JY_EINVAL, "class.idcard_string", "facts.%s[%zu] (%s): idcard must be a string", "facts.%s 第%zu项（%s）：idcard（身份证号码）应为字符串", key, i, name);
        if (need_cert && !str_of(it, "certificate"))
            return jy_err_set2(err, JY_EINVAL, "class.certificate", "facts.%s[%zu] (%s): certificate (职称或职业资格) is required", "facts.%s 第%zu项（%s）：须填写 certificate（职称或职业资格）", key, i, name);
    }
    return 0;
}

static int int_field(json_t *facts, const char *key, long long lo, long long hi, long long *out, int *present, jy_err *err)
{
    json_t *v = json_object_get(facts, key);
    *present = v != NULL;
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return jy_err_set2(err, JY_EINVAL, "class.int_range", "facts.%s: expected a whole number %lld…%lld", "facts.%s：应为 %lld 至 %lld 之间的整数", key, lo, hi);
    *out = json_integer_value(v);
    return 0;
}

/* ---------------------------------------------------------------- class application */

/* The documents a class application hands in (开班申请材料), from P1/P2/P23 八(四): 严格执行开班
 * 申请…制定教学方案，明确培训大纲、授课教师资质、教学培训场地条件和实训设备、培训课时. */
const char *const jy_class_app_documents[] = {"培训大纲", "教学计划", "授课教师资质证明", "培训场地证明", "实训设备清单", NULL};
/* P4's training standard (附件 5-4-1 五(四) 培训标准 1–7; 8, the question bank, is question_bank). */
const char *const jy_project_app_documents[] = {"课程计划和大纲", "课程安排", "实训技能训练", "教案", "教材（讲义）",
                                                "内部管理制度", "考核要素细目", NULL};

/* A documents list: strings; each of required[] not in it adds a reason of kind (clause). */
static int documents_check(json_t *facts, const char *const *required, const char *clause, const char *kind,
                           const char *what, json_t *form_reasons, jy_err *err)
{
    json_t *v = json_object_get(facts, "documents");
    char t[512];
    if (!v) {
        snprintf(t, sizeof t, "%s未附材料清单 documents（应含：", what);
        size_t n = strlen(t);
        for (int i = 0; required[i] && n < sizeof t; i++) {
            snprintf(t + n, sizeof t - n, "%s%s", i ? "、" : "", required[i]);
            n = strlen(t);
        }
        if (n < sizeof t) snprintf(t + n, sizeof t - n, "）");
        add_reason(form_reasons, clause, "note", t);
        return 0;
    }
    if (!json_is_array(v)) return jy_err_set2(err, JY_EINVAL, "class.documents_list", "facts.documents: expected a list of the documents handed in [\"培训大纲\", …]", "facts.documents：应为所交材料的清单，如 [\"培训大纲\", …]");
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) if (!json_is_string(it) || !*json_string_value(it))
        return jy_err_set2(err, JY_EINVAL, "class.document_name", "facts.documents[%zu]: expected the document's name (培训大纲 …)", "facts.documents[%zu]：应为材料名称（培训大纲 …）", i);
    for (int k = 0; required[k]; k++) {
        int found = 0;
        json_array_foreach(v, i, it) found |= strcmp(json_string_value(it), required[k]) == 0;
        if (found) continue;
        snprintf(t, sizeof t, "%s缺少材料：%s，需补充后审核", what, required[k]);
        add_reason(form_reasons, clause, kind, t);
    }
    return 0;
}

/* 1 when the teachers list names name. */
static int teacher_listed(json_t *teachers, const char *name)
{
    size_t i;
    json_t *it;
    json_array_foreach(teachers, i, it) {
        const char *n = json_is_object(it) ? str_of(it, "name") : NULL;
        if (n && strcmp(n, name) == 0) return 1;
    }
    return 0;
}

/* The teaching plan (教学计划 / 课程安排): [{"from","to","content","hours","practical_hours"?,
 * "teacher"}]. Malformed → JY_EINVAL naming the entry; what it does not square with (hours
 * against the application's, a teacher not on the teachers list, a date outside the class) →
 * a "review" reason each (clause). */
static int schedule_check(json_t *facts, const char *clause, jy_date d0, jy_date d1, json_t *form_reasons, jy_err *err)
{
    json_t *v = json_object_get(facts, "schedule");
    if (!v) return 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return jy_err_set2(err, JY_EINVAL, "class.schedule_list", "facts.schedule: expected a non-empty list [{\"from\",\"to\",\"content\",\"hours\",\"teacher\"}] (教学计划)", "facts.schedule：教学计划应为非空清单 [{\"from\",\"to\",\"content\",\"hours\",\"teacher\"}]");
    long long hours = 0, practical = 0;
    int any_practical = 0, rc;
    size_t i;
    json_t *it;
    char t[320], b1[JY_DATE_BUFSZ], b2[JY_DATE_BUFSZ];
    json_t *teachers = json_object_get(facts, "teachers");
    json_array_foreach(v, i, it) {
        if (!json_is_object(it) || !str_of(it, "content"))
            return jy_err_set2(err, JY_EINVAL, "class.schedule_item", "facts.schedule[%zu]: expected {\"content\": 授课内容, \"hours\": 学时, …}", "facts.schedule[%zu]：应为 {\"content\": 授课内容, \"hours\": 学时, …}", i);
        long long h = 0, p = 0;
        int hp, pp;
        if ((rc = int_field(it, "hours", 1, 10000, &h, &hp, err)) || (rc = int_field(it, "practical_hours", 0, 10000, &p, &pp, err)))
            return jy_err_prefix2(err, "facts.schedule[%zu]: ", "facts.schedule[%zu]：", i);
        if (!hp) return jy_err_set2(err, JY_EINVAL, "class.schedule_hours", "facts.schedule[%zu] (%s): hours (学时) is required", "facts.schedule[%zu]（%s）：缺少学时（hours）", i, str_of(it, "content"));
        if (pp && p > h)
            return jy_err_set2(err, JY_EINVAL, "class.schedule_practical", "facts.schedule[%zu] (%s): practical_hours %lld exceed hours %lld", "facts.schedule[%zu]（%s）：实操学时 %lld 超过总学时 %lld", i, str_of(it, "content"), p, h);
        hours += h;
        practical += p;
        any_practical |= pp;
        jy_date from = 0, to = 0;
        static const char *const dk[2] = {"from", "to"};
        jy_date *dd[2] = {&from, &to};
        for (int k = 0; k < 2; k++) {
            json_t *x = json_object_get(it, dk[k]);
            jy_err e;
            if (x && (!json_is_string(x) || jy_date_parse_loose(json_string_value(x), dd[k], &e)))
                return jy_err_set2(err, JY_EINVAL, "class.schedule_date", "facts.schedule[%zu].%s: expected a date: 2024-06-28 or 2024/6/28", "facts.schedule[%zu].%s：应为日期，如 2024-06-28 或 2024/6/28", i, dk[k]);
        }
        if (from && to && to < from)
            return jy_err_set2(err, JY_EINVAL, "class.schedule_order", "facts.schedule[%zu].to %s is before its from %s", "facts.schedule[%zu]：结束日期 %s 早于开始日期 %s", i, jy_date_format(to, b1), jy_date_format(from, b2));
        if ((from && d0 && from < d0) || (to && d1 && to > d1)) {
            snprintf(t, sizeof t, "教学计划第%zu项（%s）的日期不在开班至结业期间（%s 至 %s）", i + 1, str_of(it, "content"),
                     d0 ? jy_date_format(d0, b1) : "", d1 ? jy_date_format(d1, b2) : "");
            add_reason(form_reasons, clause, "review", t);
        }
        const char *who = str_of(it, "teacher");
        if (!who) {
            snprintf(t, sizeof t, "教学计划第%zu项（%s）未写授课教师", i + 1, str_of(it, "content"));
            add_reason(form_reasons, clause, "review", t);
        } else if (json_is_array(teachers) && !teacher_listed(teachers, who)) {
            snprintf(t, sizeof t, "教学计划第%zu项（%s）的授课教师 %s 不在授课教师名单中（须有资质）", i + 1, str_of(it, "content"), who);
            add_reason(form_reasons, clause, "review", t);
        }
    }
    json_t *ht = json_object_get(facts, "hours_total"), *hp = json_object_get(facts, "hours_practical");
    if (json_is_integer(ht) && hours != json_integer_value(ht)) {
        snprintf(t, sizeof t, "教学计划学时合计 %lld 与申请的总学时 %lld 不一致", hours, (long long)json_integer_value(ht));
        add_reason(form_reasons, clause, "review", t);
    }
    if (any_practical && json_is_integer(hp) && practical != json_integer_value(hp)) {
        snprintf(t, sizeof t, "教学计划实操学时合计 %lld 与申请的实操学时 %lld 不一致", practical, (long long)json_integer_value(hp));
        add_reason(form_reasons, clause, "review", t);
    }
    return 0;
}

int jy_class_app_check(json_t *facts, const char *program, jy_date on, json_t *form_reasons, jy_err *err)
{
    static const struct {
        const char *key, *label;
    } required[] = {{"occupation", "培训工种"}, {"level", "等级"},     {"hours_total", "总学时"},
                    {"hours_practical", "实操学时"}, {"teachers", "授课教师"}, {"site", "培训场地"},
                    {"start", "开班日期"},     {"end", "结业日期"},     {"planned_trainees", "计划培训人数"}};
    int rc;
    long long planned = 0, size = 0, total = 0, practical = 0;
    int has_planned, has_size, has_total, has_practical;
    /* P1/P2/P23 八(四): 严格执行开班申请…明确培训大纲、授课教师资质、教学培训场地条件和实训设备、培训课时 */
    char clause[32];
    snprintf(clause, sizeof clause, "%s 八(四)", program && *program ? program : "P1");
    json_t *v = json_object_get(facts, "occupation");
    if (v && !str_of(facts, "occupation")) return jy_err_set2(err, JY_EINVAL, "class.occupation", "facts.occupation: expected the 工种 name", "facts.occupation：应填写工种名称");
    if ((rc = int_field(facts, "planned_trainees", 1, 100000, &planned, &has_planned, err)) ||
        (rc = int_field(facts, "class_size", 1, 100000, &size, &has_size, err)) ||
        (rc = int_field(facts, "hours_total", 1, 100000, &total, &has_total, err)) ||
        (rc = int_field(facts, "hours_practical", 0, 100000, &practical, &has_practical, err)))
        return rc;
    if (has_planned && has_size && planned != size)
        return jy_err_set2(err, JY_EINVAL, "class.size_differ", "facts.planned_trainees (%lld) and facts.class_size (%lld) differ: give one", "facts.planned_trainees（%lld）与 facts.class_size（%lld）不一致：只填一个", planned, size);
    if (has_planned && !has_size) json_object_set_new(facts, "class_size", json_integer(planned));
    if (!has_planned && has_size) json_object_set_new(facts, "planned_trainees", json_integer(size));
    if (has_total && has_practical && practical > total)
        return jy_err_set2(err, JY_EINVAL, "class.hours", "facts.hours_practical (%lld) exceeds facts.hours_total (%lld)", "facts.hours_practical（%lld）超过 facts.hours_total（%lld）", practical, total);
    if ((v = json_object_get(facts, "teachers")) && (rc = people_list(v, "teachers", 1, err))) return rc;
    if ((v = json_object_get(facts, "site")) && !str_of(facts, "site"))
        return jy_err_set2(err, JY_EINVAL, "class.site", "facts.site: expected the training site (培训场地)", "facts.site：应填写培训场地");
    jy_date d[2] = {0, 0};
    static const char *const dk[2] = {"start", "end"};
    for (int i = 0; i < 2; i++) {
        jy_err e;
        if ((v = json_object_get(facts, dk[i])) && (!json_is_string(v) || jy_date_parse_loose(json_string_value(v), &d[i], &e)))
            return json_is_string(v) && strncmp(e.msg, "date \"", 6) == 0 /* the day does not exist */
                       ? jy_err_set2(err, JY_EINVAL, "class.date_no_such_day", "facts.%1$s: %2$s (expected 2024-06-28 or 2024/6/28)%3$.0s",
                                     "facts.%1$s：%3$s（应为 2024-06-28 或 2024/6/28）%2$.0s", dk[i], e.msg, jy_err_zh(&e))
                                     : jy_err_set2(err, JY_EINVAL, "class.date", "facts.%s: expected a date: 2024-06-28 or 2024/6/28", "facts.%s：应为日期，如 2024-06-28 或 2024/6/28", dk[i]);
    }
    char b1[JY_DATE_BUFSZ], b2[JY_DATE_BUFSZ];
    if (d[0] && d[1] && d[1] < d[0])
        return jy_err_set2(err, JY_EINVAL, "class.end_before_start", "facts.end %s is before facts.start %s", "facts.end %s 早于 facts.start %s", jy_date_format(d[1], b1), jy_date_format(d[0], b2));
    if (d[0]) {
        int y0, y1, m, dd;
        jy_date_to_ymd(d[0], &y0, &m, &dd);
        jy_date_to_ymd(on, &y1, &m, &dd);
        if (y0 != y1)
            return jy_err_set2(err, JY_EINVAL, "class.start_year", "facts.start %s is not in the year of the application (%d): a class is applied for in its year", "facts.start %s 不在申请年度（%d年）内：开班须在当年申请",
                              jy_date_format(d[0], b1), y1);
    }
    /* the class's certificate: from its level unless given (special operations give theirs) */
    if (!json_object_get(facts, "certificate")) {
        json_t *lv = json_object_get(facts, "level");
        long long l = json_is_integer(lv) ? json_integer_value(lv)
                      : json_is_string(lv) && strncmp(json_string_value(lv), "level", 5) == 0 ? atoll(json_string_value(lv) + 5)
                                                                                               : 0;
        if (l >= 3 && l <= 5) {
            char c[8];
            snprintf(c, sizeof c, "level%lld", l);
            json_object_set_new(facts, "certificate", json_string(c));
        }
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (json_object_get(facts, required[i].key)) continue;
        char t[160];
        snprintf(t, sizeof t, "开班申请缺少 %s（%s），需补充后审核", required[i].key, required[i].label);
        add_reason(form_reasons, clause, "missing", t);
    }
    if ((rc = schedule_check(facts, clause, d[0], d[1], form_reasons, err))) return rc;
    return documents_check(facts, jy_class_app_documents, clause, "missing", "开班申请", form_reasons, err);
}

int jy_app_form_missing(const char *program, const char *kind, json_t *facts, jy_date on, jy_sb *out, char *clause,
                        size_t cap, jy_err *err)
{
    int training = program && (strcmp(program, "P1") == 0 || strcmp(program, "P2") == 0 || strcmp(program, "P23") == 0);
    int rc = 0, n = 0;
    if (!(training && strcmp(kind, "training_class") == 0) && strcmp(kind, "project") != 0) return 0;
    json_t *copy = json_deep_copy(facts), *reasons = json_array();
    rc = strcmp(kind, "project") == 0 ? jy_project_app_check(copy, reasons, err) : jy_class_app_check(copy, program, on, reasons, err);
    size_t i;
    json_t *r;
    if (rc == 0) json_array_foreach(reasons, i, r) {
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (!k || strcmp(k, "missing") != 0) continue;
        if (n++) jy_sb_append(out, "；");
        const char *t = json_string_value(json_object_get(r, "text"));
        static const char tail[] = "，需补充后审核"; /* said once for the list */
        size_t tn = t ? strlen(t) : 0;
        if (tn >= sizeof tail - 1 && strcmp(t + tn - (sizeof tail - 1), tail) == 0) jy_sb_appendn(out, t, tn - (sizeof tail - 1));
        else if (t) jy_sb_append(out, t);
        snprintf(clause, cap, "%s", json_string_value(json_object_get(r, "clause")));
    }
    json_decref(copy);
    json_decref(reasons);
    return rc ? rc : n;
}

void jy_class_app_decide(json_t *reasons, char *decision, size_t cap)
{
    int fail = 0, review = 0;
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r) {
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (!k) continue;
        if (strcmp(k, "fail") == 0) fail = 1;
        else if (strcmp(k, "review") == 0) review = 1;
        else if (strcmp(k, "missing") == 0 || strcmp(k, "pay") == 0) {
            /* a trainee's fact (or a trainee's amount): checked on each trainee's claim */
            const char *t = json_string_value(json_object_get(r, "text"));
            char buf[512];
            snprintf(buf, sizeof buf, "%s（逐人在学员补贴申领时核验）", t ? t : "");
            json_object_set_new(r, "kind", json_string("note"));
            json_object_set_new(r, "text", json_string(buf));
        }
    }
    snprintf(decision, cap, "%s", fail ? "ineligible" : review ? "needs_review" : "eligible");
}

/* ---------------------------------------------------------------- roster */

/* The roster in figures: one aggregate query over the trainee claims' roster marks, which the
 * store writes with each claim (migration 13; jy_store_class_summary). A class's page reads it
 * on every request; it used to read every trainee's facts and scan them. */
int jy_class_enrolled(jy_store *st, int64_t cls_id, int *n, jy_err *err)
{
    jy_class_summary R;
    int rc = jy_store_class_summary(st, cls_id, &R, err);
    *n = R.trainees;
    return rc;
}

int jy_class_roster_json(jy_store *st, const jy_case *cls, jy_sb *out, jy_err *err)
{
    jy_class_summary R;
    int rc = jy_store_class_summary(st, cls->id, &R, err);
    if (rc) return rc;
    long long planned = 0;
    const char *v;
    size_t vn;
    int found = cls->facts ? jy_json_top_member(cls->facts, "planned_trainees", &v, &vn) : 0;
    if (found == 1 && vn < 20 && vn > 0 && strspn(v, "-0123456789") == vn) {
        planned = strtoll(v, NULL, 10); /* a JSON integer: what json_is_integer accepts */
    } else if (found != 0) {
        json_t *f = json_loads(cls->facts, 0, NULL);
        json_t *p = json_object_get(f, "planned_trainees");
        planned = json_is_integer(p) ? (long long)json_integer_value(p) : 0LL;
        json_decref(f);
    }
    char a[JY_MONEY_BUFSZ];
    jy_sb_append(out, ",\"roster\":{");
    /* key by key (appendf's format machinery was a fifth of the summary's cost) */
    jy_sb_json_kv_i64(out, "planned", planned);
    jy_sb_json_kv_i64(out, "trainees", R.trainees);
    jy_sb_json_kv_i64(out, "examined", R.examined);
    jy_sb_json_kv_i64(out, "passed", R.passed);
    jy_sb_json_kv_i64(out, "certificates", R.certificates);
    jy_sb_json_kv_i64(out, "claims_paid", R.paid);
    jy_sb_json_kv_str(out, "amount_paid", jy_money_format_plain(R.amount_paid, a));
    jy_sb_appendc(out, '}');
    return 0;
}

int jy_class_roster_admit(const jy_case *cls, json_t *class_facts, int enrolled, json_t *facts, jy_err *err)
{
    if (strcmp(cls->state, "approved") != 0 && strcmp(cls->state, "running") != 0 && strcmp(cls->state, "finished") != 0)
        return jy_err_set2(err, JY_ECONFLICT, "class.not_approved", "class %lld is %s: trainees join only an approved class (approved/running/finished)", "班级 %lld 当前状态为 %s：学员只能加入已审批（approved/running/finished）的班级",
                          (long long)cls->id, cls->state);
    json_t *planned = json_object_get(class_facts, "planned_trainees");
    if (!planned) planned = json_object_get(class_facts, "class_size");
    if (json_is_integer(planned) && enrolled + 1 > json_integer_value(planned))
        return jy_err_set2(err, JY_ECONFLICT, "class.full", "class %lld was approved for %lld trainees and has %d: trainee %d cannot join (the roster is full)", "班级 %lld 开班申请核定 %lld 人，已有 %d 名学员，不能再加入第 %d 名（花名册已满）",
                          (long long)cls->id, (long long)json_integer_value(planned), enrolled, enrolled + 1);
    /* the class's hours and dates, for the record: the class rules (size, hours) were decided on
     * the class application and its approval settled them (a 原则上 finding reviewed by a
     * person), so they are kept as class_hours_* and not re-run on every trainee */
    static const char *const from[] = {"hours_total", "hours_practical", "start", "end"};
    static const char *const to[] = {"class_hours_total", "class_hours_practical", "start", "end"};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        json_t *v = json_object_get(class_facts, from[i]);
        if (v && !json_object_get(facts, to[i])) json_object_set(facts, to[i], v);
    }
    /* the trainee's attendance, exam and certificate */
    long long total = 0, practical = 0, att = 0, patt = 0;
    int has_total = 0, has_practical = 0, has_att = 0, has_patt = 0, rc;
    json_t *tv = json_object_get(facts, "class_hours_total"), *pv = json_object_get(facts, "class_hours_practical");
    if (json_is_integer(tv)) has_total = 1, total = json_integer_value(tv);
    if (json_is_integer(pv)) has_practical = 1, practical = json_integer_value(pv);
    if ((rc = int_field(facts, "hours_attended", 0, 100000, &att, &has_att, err)) ||
        (rc = int_field(facts, "hours_practical_attended", 0, 100000, &patt, &has_patt, err)))
        return rc;
    if (has_att && has_total && att > total)
        return jy_err_set2(err, JY_EINVAL, "class.hours_attended", "facts.hours_attended (%lld) exceeds the class's hours_total (%lld)", "facts.hours_attended（%lld）超过该班 hours_total（%lld）", att, total);
    if (has_patt && has_practical && patt > practical)
        return jy_err_set2(err, JY_EINVAL, "class.practical_attended", "facts.hours_practical_attended (%lld) exceeds the class's hours_practical (%lld)", "facts.hours_practical_attended（%lld）超过该班 hours_practical（%lld）",
                          patt, practical);
    if (has_patt && has_att && patt > att)
        return jy_err_set2(err, JY_EINVAL, "class.practical_over_attended", "facts.hours_practical_attended (%lld) exceeds facts.hours_attended (%lld)", "facts.hours_practical_attended（%lld）超过 facts.hours_attended（%lld）", patt, att);
    json_t *exam = json_object_get(facts, "exam");
    const char *e = json_string_value(exam);
    if (exam && !(e && (strcmp(e, "pass") == 0 || strcmp(e, "fail") == 0 || strcmp(e, "absent") == 0)))
        return jy_err_set2(err, JY_EINVAL, "class.exam", "facts.exam: expected pass, fail or absent (结业考核结果)", "facts.exam：应为 pass（通过）、fail（未通过）或 absent（缺考）（结业考核结果）");
    if (e && strcmp(e, "pass") != 0 && json_object_get(facts, "certificate"))
        return jy_err_set2(err, JY_EINVAL, "class.certificate_exam", "facts.certificate: the trainee's exam is %s; a certificate needs exam pass", "facts.certificate：该学员考核结果为 %s；取得证书须考核通过", e);
    return 0;
}

/* ---------------------------------------------------------------- P4 form 5-4-1 */

/* An amount in yuan (string or whole number) → fen. */
static int yuan(json_t *v, jy_fen *out, jy_err *err)
{
    if (json_is_string(v)) return jy_money_parse(json_string_value(v), out, err);
    if (json_is_integer(v)) {
        *out = (jy_fen)json_integer_value(v) * 100;
        return 0;
    }
    return jy_err_set2(err, JY_EINVAL, "money.yuan_expected", "expected an amount in yuan (\"1234.50\")", "应为以元为单位的金额（如“1234.50”）");
}

int jy_project_app_check(json_t *facts, json_t *form_reasons, jy_err *err)
{
    static const struct {
        const char *key, *label;
        int people, required;
    } lists[] = {{"teachers", "师资", 1, 1}, {"sites", "场地", 0, 1}, {"equipment", "设备", 0, 0}, {"examiners", "考务人员", 1, 0}};
    int rc;
    char t[256];
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *v = json_object_get(facts, lists[i].key);
        if (!v) {
            /* 师资 and 场地 are the form's conditions (三 申报项目相关条件; the acceptance report 5-4-2
             * checks 师资情况 and 场地设备实训情况 against them): missing, the review cannot approve;
             * the others are judged by the expert panel's approval score (四(一)): a note */
            snprintf(t, sizeof t, "项目申报表（5-4-1）未填 %s（%s）%s", lists[i].key, lists[i].label, lists[i].required ? "，需补充后审核" : "");
            add_reason(form_reasons, "P4 5-4-1 三", lists[i].required ? "missing" : "note", t);
            continue;
        }
        if (lists[i].people) {
            if ((rc = people_list(v, lists[i].key, 0, err))) return rc;
        } else if (!json_is_array(v) || json_array_size(v) == 0) {
            return jy_err_set2(err, JY_EINVAL, "class.list_nonempty", "facts.%s: expected a non-empty list (%s)", "facts.%s：应为非空列表（%s）", lists[i].key, lists[i].label);
        }
    }
    /* budget lines: 序号 项目名称 单价 数量 计量单位 金额 */
    json_t *lines = json_object_get(facts, "budget_lines");
    if (lines) {
        if (!json_is_array(lines) || json_array_size(lines) == 0)
            return jy_err_set2(err, JY_EINVAL, "class.budget_lines", "facts.budget_lines: expected [{\"item\",\"amount\"}] (预算明细)", "facts.budget_lines：应为 [{\"item\",\"amount\"}]（预算明细）");
        jy_fen sum = 0;
        size_t i;
        json_t *it;
        json_array_foreach(lines, i, it) {
            const char *item = json_is_object(it) ? str_of(it, "item") : NULL;
            if (!item) return jy_err_set2(err, JY_EINVAL, "class.budget_line", "facts.budget_lines[%zu]: expected {\"item\": 项目名称, \"amount\": 金额}", "facts.budget_lines 第%zu项：应为 {\"item\": 项目名称, \"amount\": 金额}", i);
            json_t *am = json_object_get(it, "amount"), *up = json_object_get(it, "unit_price"),
                   *qty = json_object_get(it, "quantity");
            jy_fen amount = 0, price = 0;
            if (am && (rc = yuan(am, &amount, err))) return jy_err_prefix2(err, "facts.budget_lines[%zu] (%s).amount: ", "facts.budget_lines 第%zu项（%s）.amount：", i, item);
            if (up || qty) {
                if (!up || !json_is_integer(qty) || json_integer_value(qty) < 0)
                    return jy_err_set2(err, JY_EINVAL, "class.unit_price", "facts.budget_lines[%zu] (%s): unit_price and a whole quantity go together", "facts.budget_lines 第%zu项（%s）：unit_price（单价）须与整数的 quantity（数量）一起填写", i, item);
                if ((rc = yuan(up, &price, err))) return jy_err_prefix2(err, "facts.budget_lines[%zu] (%s).unit_price: ", "facts.budget_lines 第%zu项（%s）.unit_price：", i, item);
                jy_fen computed;
                if (__builtin_mul_overflow(price, (jy_fen)json_integer_value(qty), &computed))
                    return jy_err_set2(err, JY_EINVAL, "class.amount_range", "facts.budget_lines[%zu] (%s): amount out of range", "facts.budget_lines 第%zu项（%s）：金额超出范围", i, item);
                char a1[JY_MONEY_BUFSZ], a2[JY_MONEY_BUFSZ];
                if (am && computed != amount)
                    return jy_err_set2(err, JY_EINVAL, "class.amount_product", "facts.budget_lines[%zu] (%s): amount %s ≠ unit_price × quantity = %s", "facts.budget_lines 第%zu项（%s）：金额 %s ≠ 单价 × 数量 = %s", i, item,
                                      jy_money_format(amount, a1), jy_money_format(computed, a2));
                amount = computed;
            } else if (!am) {
                return jy_err_set2(err, JY_EINVAL, "class.amount_required", "facts.budget_lines[%zu] (%s): amount (金额) is required", "facts.budget_lines 第%zu项（%s）：须填写 amount（金额）", i, item);
            }
            if (amount < 0) return jy_err_set2(err, JY_EINVAL, "class.amount_negative", "facts.budget_lines[%zu] (%s): negative amount", "facts.budget_lines 第%zu项（%s）：金额不能为负数", i, item);
            if (__builtin_add_overflow(sum, amount, &sum)) return jy_err_set2(err, JY_EINVAL, "class.total_range", "facts.budget_lines: total out of range", "facts.budget_lines：合计超出范围");
        }
        char a1[JY_MONEY_BUFSZ], a2[JY_MONEY_BUFSZ];
        json_t *b = json_object_get(facts, "budget");
        if (b) {
            jy_fen stated;
            if ((rc = yuan(b, &stated, err))) return jy_err_prefix2(err, "facts.budget: ", "facts.budget：");
            if (stated != sum)
                return jy_err_set2(err, JY_EINVAL, "class.budget_sum", "facts.budget %s ≠ the sum of facts.budget_lines %s (%zu lines): correct one of them", "facts.budget %s ≠ facts.budget_lines 合计 %s（%zu行）：请更正其中之一",
                                  jy_money_format(stated, a1), jy_money_format(sum, a2), json_array_size(lines));
        } else {
            json_object_set_new(facts, "budget", json_string(jy_money_format_plain(sum, a1)));
        }
    }
    /* question bank: 五(四)8 考核题目（原则理论不少于300题，实操不少于3套试卷）— 原则 → review */
    json_t *qb = json_object_get(facts, "question_bank");
    if (qb) {
        long long th = 0, pr = 0;
        int h1, h2;
        if (!json_is_object(qb)) return jy_err_set2(err, JY_EINVAL, "class.question_bank", "facts.question_bank: expected {\"theory\": N, \"practical_papers\": N}", "facts.question_bank：应为 {\"theory\": 理论题数, \"practical_papers\": 实操试卷套数}");
        if ((rc = int_field(qb, "theory", 0, 10000000, &th, &h1, err)) || (rc = int_field(qb, "practical_papers", 0, 100000, &pr, &h2, err)))
            return jy_err_prefix2(err, "facts.question_bank: ", "facts.question_bank：");
        if (!h1 || th < 300) {
            snprintf(t, sizeof t, "考核题目理论题 %lld 道，原则上不少于300题，需人工审核", th);
            add_reason(form_reasons, "P4 5-4-1 五(四)8", "review", t);
        }
        if (!h2 || pr < 3) {
            snprintf(t, sizeof t, "实操试卷 %lld 套，原则上不少于3套，需人工审核", pr);
            add_reason(form_reasons, "P4 5-4-1 五(四)8", "review", t);
        }
    } else {
        add_reason(form_reasons, "P4 5-4-1 五(四)8", "note", "项目申报表未填 question_bank（考核题目：理论题数、实操试卷套数）");
    }
    /* 四 培训计划时间 / 五(四)2 课程安排, and 五(四) 培训标准's documents: the panel judges them */
    if ((rc = schedule_check(facts, "P4 5-4-1 五(四)2", 0, 0, form_reasons, err))) return rc;
    return documents_check(facts, jy_project_app_documents, "P4 5-4-1 五(四)", "review", "项目申报表", form_reasons, err);
}

json_t *jy_form_policy_facts(json_t *facts)
{
    json_t *t = json_object_get(facts, "teachers");
    if (!json_is_array(t)) return json_incref(facts);
    json_t *c = json_copy(facts);
    json_object_set_new(c, "teachers", json_integer((json_int_t)json_array_size(t)));
    return c;
}
