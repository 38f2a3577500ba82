/* scoring.c — the scoring forms as the case service checks them (scoring.h). */
#include "service/scoring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jy_scoring_free(jy_scoring *s)
{
    if (!s) return;
    free(s->rows);
    free(s);
}

static int copy_col(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int jy_scoring_load(const char *policy_dir, jy_scoring **out, jy_err *err)
{
    *out = NULL;
    jy_scoring *s = calloc(1, sizeof *s);
    if (!s) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    char path[4096];
    int pn = snprintf(path, sizeof path, "%s/scoring-forms.tsv", policy_dir && *policy_dir ? policy_dir : "policy");
    if (pn < 0 || (size_t)pn >= sizeof path) {
        free(s);
        return jy_err_set2(err, JY_EIO, "scoring.path", "scoring-forms.tsv: the policy path is too long",
                           "scoring-forms.tsv：政策目录路径过长");
    }
    FILE *f = fopen(path, "r");
    if (!f) { /* no file: no forms to check against */
        *out = s;
        return 0;
    }
    char *line = NULL;
    size_t cap = 0, rcap = 0;
    int lineno = 0, rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *col[6];
        int nc = 0;
        char *q = line;
        while (nc < 6) {
            col[nc++] = q;
            char *t = strchr(q, '\t');
            if (!t) break;
            *t = 0;
            q = t + 1;
        }
        if (nc != 6) {
            rc = jy_err_set2(err, JY_EIO, "scoring.columns", "scoring-forms.tsv:%d: expected 6 columns (program, form, kind, item, max, clause)",
                             "scoring-forms.tsv 第%d行：应为6列（项目、表式、类别、评分项、满分、条款）", lineno);
            break;
        }
        if (s->n == rcap) {
            size_t nc2 = rcap ? rcap * 2 : 64;
            jy_scoring_row *nr = realloc(s->rows, nc2 * sizeof *nr);
            if (!nr) {
                rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
                break;
            }
            s->rows = nr;
            rcap = nc2;
        }
        jy_scoring_row *r = &s->rows[s->n];
        memset(r, 0, sizeof *r);
        r->kind = strcmp(col[2], "item") == 0 ? JY_SCORE_ITEM : strcmp(col[2], "veto") == 0 ? JY_SCORE_VETO
                                                            : strcmp(col[2], "bonus") == 0 ? JY_SCORE_BONUS
                                                                                           : -1;
        if (r->kind < 0) {
            rc = jy_err_set2(err, JY_EIO, "scoring.kind", "scoring-forms.tsv:%d: kind \"%s\" is not item, veto or bonus",
                             "scoring-forms.tsv 第%d行：类别“%s”应为 item、veto 或 bonus", lineno, col[2]);
            break;
        }
        char *end = NULL;
        long v = strcmp(col[4], "-") == 0 ? -1 : strtol(col[4], &end, 10);
        if (v != -1 && (!end || *end || end == col[4] || v < 0 || v > 1000)) {
            rc = jy_err_set2(err, JY_EIO, "scoring.max", "scoring-forms.tsv:%d: max \"%s\" is not a whole number of points",
                             "scoring-forms.tsv 第%d行：满分“%s”不是整数分", lineno, col[4]);
            break;
        }
        r->max = (int)v;
        if (copy_col(r->program, sizeof r->program, col[0]) || copy_col(r->form, sizeof r->form, col[1]) ||
            copy_col(r->item, sizeof r->item, col[3]) || copy_col(r->clause, sizeof r->clause, col[5])) {
            rc = jy_err_set2(err, JY_EIO, "scoring.too_long", "scoring-forms.tsv:%d: a column is too long",
                             "scoring-forms.tsv 第%d行：某列过长", lineno);
            break;
        }
        s->n++;
    }
    free(line);
    fclose(f);
    if (rc) {
        jy_scoring_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int jy_scoring_has_form(const jy_scoring *s, const char *program)
{
    for (size_t i = 0; s && program && i < s->n; i++)
        if (strcmp(s->rows[i].program, program) == 0) return 1;
    return 0;
}

const jy_scoring_row *jy_scoring_find(const jy_scoring *s, const char *program, const char *name)
{
    if (!s || !program || !name) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->rows[i].program, program) == 0 && strcmp(s->rows[i].item, name) == 0) return &s->rows[i];
    /* "7" or "第7项": the form's 7th item */
    const char *k = strncmp(name, "第", strlen("第")) == 0 ? name + strlen("第") : name;
    if (*k < '1' || *k > '9') return NULL;
    char *end;
    long no = strtol(k, &end, 10);
    if (!(*end == '\0' || strcmp(end, "项") == 0)) return NULL;
    long seen = 0;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->rows[i].program, program) == 0 && s->rows[i].kind == JY_SCORE_ITEM && ++seen == no)
            return &s->rows[i];
    return NULL;
}

/* Checks one scored item: known, not a veto item, within its maximum. */
static int check_item(const jy_scoring *s, const char *program, const char *name, double points, jy_err *err)
{
    const jy_scoring_row *r = jy_scoring_find(s, program, name);
    if (!r)
        return jy_err_set2(err, JY_EINVAL, "scoring.unknown_item",
                           "facts.score_items: \"%s\" is not an item of %s's scoring form (policy/scoring-forms.tsv)",
                           "facts.score_items：“%s”不是%s评分表中的评分项（policy/scoring-forms.tsv）", name, program);
    if (r->kind == JY_SCORE_VETO)
        return jy_err_set2(err, JY_EINVAL, "scoring.veto_scored",
                           "facts.score_items: \"%s\" is a veto item of %s's form: list it in veto_items, it is not scored",
                           "facts.score_items：“%s”是%s评分表的否决项，应列入 veto_items，不计分", name, program);
    if (r->max >= 0 && points > r->max)
        return jy_err_set2(err, JY_EINVAL, "scoring.over_max",
                           "facts.score_items: \"%s\": %g points exceed the item's maximum %d (%s)",
                           "facts.score_items：“%s”：%g 分超过该项满分 %d 分（%s）", name, points, r->max, r->form);
    return 0;
}

int jy_scoring_check(const jy_scoring *s, const char *program, json_t *facts, jy_err *err)
{
    if (!jy_scoring_has_form(s, program) || !json_is_object(facts)) return 0;
    json_t *items = json_object_get(facts, "score_items");
    int rc;
    if (json_is_object(items)) {
        const char *k;
        json_t *v;
        json_object_foreach(items, k, v) {
            if (json_is_number(v) && (rc = check_item(s, program, k, json_number_value(v), err))) return rc;
        }
    } else if (json_is_array(items)) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            const char *name = json_string_value(json_object_get(it, "item"));
            json_t *v = json_object_get(it, "score");
            if (!name)
                return jy_err_set2(err, JY_EINVAL, "scoring.item_name", "facts.score_items[%zu]: \"item\" names the form's item",
                                   "facts.score_items 第%zu项：应有“item”，即评分表中的评分项", i);
            if (json_is_number(v) && (rc = check_item(s, program, name, json_number_value(v), err))) return rc;
        }
    }
    json_t *vetoes = json_object_get(facts, "veto_items");
    if (json_is_array(vetoes)) {
        size_t i;
        json_t *it;
        json_array_foreach(vetoes, i, it) {
            const char *name = json_string_value(it);
            const jy_scoring_row *r = name ? jy_scoring_find(s, program, name) : NULL;
            if (!r || r->kind != JY_SCORE_VETO)
                return jy_err_set2(err, JY_EINVAL, "scoring.unknown_veto",
                                   "facts.veto_items: \"%s\" is not a veto item of %s's scoring form (policy/scoring-forms.tsv)",
                                   "facts.veto_items：“%s”不是%s评分表中的否决项（policy/scoring-forms.tsv）", name ? name : "?", program);
        }
    }
    return 0;
}
