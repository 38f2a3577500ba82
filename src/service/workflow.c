/* workflow.c — loads policy/workflows.txt (see workflow.h and the file's header) and answers
 * which step may follow which, and when a state's deadline or a publicity ends. */
#include "service/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/users.h"

struct jy_workflows {
    int n, cap;
    jy_workflow *wf;
    int nops;
    jy_wf_op ops[JY_WF_MAX_OPS]; /* the operations block (money operations) */
};

#define MAX_TOKENS 32

typedef struct line_tokens {
    int n;
    char *tok[MAX_TOKENS];
    int quoted[MAX_TOKENS];
} line_tokens;

/* Splits a line in place into words and "quoted strings"; # starts a comment outside quotes. */
static int tokenize(char *s, line_tokens *t, jy_err *err, const char *name, int line)
{
    t->n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (!*s || *s == '#') break;
        if (t->n == MAX_TOKENS) return jy_err_set2(err, JY_EINVAL, "workflow.file_too_many_words", "%s:%d: too many words on the line", "%s 第%d行：这一行的词太多", name, line);
        if (*s == '"') {
            char *start = ++s;
            while (*s && *s != '"') s++;
            if (!*s) return jy_err_set2(err, JY_EINVAL, "workflow.file_unterminated_quote", "%s:%d: unterminated quoted text", "%s 第%d行：引号没有闭合", name, line);
            *s++ = '\0';
            t->quoted[t->n] = 1;
            t->tok[t->n++] = start;
        } else {
            char *start = s;
            while (*s && *s != ' ' && *s != '\t' && *s != '\r') s++;
            if (*s) *s++ = '\0';
            t->quoted[t->n] = 0;
            t->tok[t->n++] = start;
        }
    }
    return 0;
}

/* what: the thing named, in English and in Chinese ("step name", "步骤名"). */
static int copy_name(char *dst, size_t cap, const char *src, const char *what, const char *what_zh, const char *name,
                     int line, jy_err *err)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap) return jy_err_set2(err, JY_EINVAL, "workflow.file_name_bad", "%1$s:%2$d: %3$s \"%5$s\" is empty or too long%4$.0s",
                                                  "%1$s 第%2$d行：%4$s“%5$s”为空或过长%3$.0s", name, line, what, what_zh, src);
    memcpy(dst, src, n + 1);
    return 0;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 10000) return -1;
    *out = (int)v;
    return 0;
}

static int is_terminal_name(const char *s)
{
    /* paid is final except for recovery (追回), the one step that may leave it */
    return strcmp(s, "rejected") == 0 || strcmp(s, "recovered") == 0 || strcmp(s, "closed") == 0 ||
           strcmp(s, "cancelled") == 0 || strcmp(s, "withdrawn") == 0;
}

/* A workflow is sound when every step's from-state is the start or some step's to-state. */
static int check_workflow(const jy_workflow *wf, const char *name, int end_line, jy_err *err)
{
    if (!wf->start[0]) return jy_err_set2(err, JY_EINVAL, "workflow.no_start", "%s:%d: workflow %s has no start state", "%s 第%d行：流程 %s 没有起始状态（start）", name, end_line, wf->name);
    if (!wf->nprograms) return jy_err_set2(err, JY_EINVAL, "workflow.no_program", "%s:%d: workflow %s serves no programme", "%s 第%d行：流程 %s 未对应任何项目", name, end_line, wf->name);
    for (int i = 0; i < wf->nsteps; i++) {
        const jy_wf_step *s = &wf->steps[i];
        for (int f = 0; f < s->nfrom; f++) {
            int reached = strcmp(s->from[f], wf->start) == 0;
            for (int j = 0; !reached && j < wf->nsteps; j++) reached = strcmp(wf->steps[j].to, s->from[f]) == 0;
            if (!reached)
                return jy_err_set2(err, JY_EINVAL, "workflow.state_unreached", "%s:%d: step %s leaves state %s, which no step reaches", "%1$s 第%2$d行：步骤 %3$s 的起点状态 %4$s 没有任何步骤能到达", name,
                                  s->line, s->name, s->from[f]);
            if (is_terminal_name(s->from[f]) || (strcmp(s->from[f], "paid") == 0 && !(s->flags & JY_WF_RECOVERY)))
                return jy_err_set2(err, JY_EINVAL, "workflow.from_terminal", "%s:%d: step %s leaves the terminal state %s", "%s 第%d行：步骤 %s 从终结状态 %s 出发", name, s->line,
                                  s->name, s->from[f]);
        }
    }
    for (int i = 0; i < wf->ndues; i++) {
        int known = strcmp(wf->dues[i].state, wf->start) == 0;
        for (int j = 0; !known && j < wf->nsteps; j++) known = strcmp(wf->steps[j].to, wf->dues[i].state) == 0;
        if (!known)
            return jy_err_set2(err, JY_EINVAL, "workflow.due_unreached", "%s:%d: workflow %s: deadline for state %s, which no step reaches", "%1$s 第%2$d行：流程 %3$s：为状态 %4$s 设了办理时限，但没有任何步骤能到达该状态", name,
                              end_line, wf->name, wf->dues[i].state);
    }
    return 0;
}

static int parse_step(const line_tokens *t, jy_wf_step *s, const char *name, int line, jy_err *err)
{
    /* step NAME FROM[,FROM] -> TO roles R[,R] [flags] "clause" */
    memset(s, 0, sizeof *s);
    s->line = line;
    if (t->n < 7 || strcmp(t->tok[3], "->") != 0 || strcmp(t->tok[5], "roles") != 0)
        return jy_err_set2(err, JY_EINVAL, "workflow.step_syntax", "%s:%d: expected: step NAME FROM[,FROM] -> TO roles ROLE[,ROLE] [flags] \"clause\"", "%s 第%d行：格式应为 step 步骤名 起点状态[,起点状态] -> 目标状态 roles 角色[,角色] [标记] \"条款\"",
                          name, line);
    if (copy_name(s->name, sizeof s->name, t->tok[1], "step name", "步骤名", name, line, err)) return JY_EINVAL;
    const char *p = t->tok[2];
    while (*p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (s->nfrom == JY_WF_MAX_FROM) return jy_err_set2(err, JY_EINVAL, "workflow.too_many_from", "%s:%d: too many from-states", "%s 第%d行：起点状态过多", name, line);
        if (n == 0 || n >= JY_WF_NAME) return jy_err_set2(err, JY_EINVAL, "workflow.bad_from", "%s:%d: bad from-state list %s", "%s 第%d行：起点状态列表 %s 有误", name, line, t->tok[2]);
        memcpy(s->from[s->nfrom], p, n);
        s->from[s->nfrom++][n] = '\0';
        p += n;
        if (*p == ',') p++;
    }
    if (copy_name(s->to, sizeof s->to, t->tok[4], "state", "状态", name, line, err)) return JY_EINVAL;
    jy_err e;
    if (jy_roles_parse(t->tok[6], &s->roles, &e)) return jy_err_wrap2(err, JY_EINVAL, &e, "%s:%d: ", "%s 第%d行：", name, line);
    int have_clause = 0;
    for (int i = 7; i < t->n; i++) {
        const char *f = t->tok[i];
        if (t->quoted[i]) {
            if (have_clause) return jy_err_set2(err, JY_EINVAL, "workflow.two_clauses", "%s:%d: two clauses on one step", "%s 第%d行：一个步骤写了两条条款", name, line);
            snprintf(s->clause, sizeof s->clause, "%s", f);
            have_clause = 1;
        } else if (strcmp(f, "eligible") == 0) s->flags |= JY_WF_ELIGIBLE;
        else if (strcmp(f, "during-publicity") == 0) s->flags |= JY_WF_DURING_PUBLICITY;
        else if (strcmp(f, "after-publicity") == 0) s->flags |= JY_WF_AFTER_PUBLICITY;
        else if (strcmp(f, "conflicts") == 0) s->flags |= JY_WF_CONFLICTS;
        else if (strcmp(f, "site-visit") == 0) s->flags |= JY_WF_SITE_VISIT;
        else if (strcmp(f, "commit") == 0) s->flags |= JY_WF_COMMIT;
        else if (strcmp(f, "release") == 0) s->flags |= JY_WF_RELEASE;
        else if (strcmp(f, "payment") == 0) s->flags |= JY_WF_PAYMENT;
        else if (strcmp(f, "recovery") == 0) s->flags |= JY_WF_RECOVERY;
        else if (strcmp(f, "form") == 0) s->flags |= JY_WF_FORM;
        else if (strncmp(f, "publicity=", 10) == 0 || strncmp(f, "publicity-days=", 15) == 0) {
            int wd = f[9] == '=';
            if (parse_int(strchr(f, '=') + 1, &s->publicity) || s->publicity < 1)
                return jy_err_set2(err, JY_EINVAL, "workflow.flag_days", "%s:%d: %s: expected a number of days", "%s 第%d行：%s：应为天数", name, line, f);
            s->publicity_workdays = wd;
        } else {
            return jy_err_set2(err, JY_EINVAL,
                              "workflow.unknown_flag",
                              "%s:%d: unknown flag \"%s\" (eligible, publicity=N, publicity-days=N, during-publicity, "
                              "after-publicity, conflicts, site-visit, commit, release, payment, recovery, form)", "%s 第%d行：未知标记“%s”（可用：eligible、publicity=N、publicity-days=N、during-publicity、after-publicity、conflicts、site-visit、commit、release、payment、recovery、form）",
                              name, line, f);
        }
    }
    if (!have_clause) return jy_err_set2(err, JY_EINVAL, "workflow.step_no_clause", "%s:%d: step %s cites no clause", "%s 第%d行：步骤 %s 没有引用政策条款", name, line, s->name);
    return 0;
}

/* operation NAME roles ROLE[,ROLE] [not-by OTHER] "clause" */
static int parse_op(const line_tokens *t, jy_workflows *w, const char *name, int line, jy_err *err)
{
    if (t->n < 5 || strcmp(t->tok[2], "roles") != 0 || t->quoted[1] || !t->quoted[t->n - 1])
        return jy_err_set2(err, JY_EINVAL, "workflow.op_syntax", "%s:%d: expected: operation NAME roles ROLE[,ROLE] [not-by OTHER] \"clause\"", "%s 第%d行：格式应为 operation 操作名 roles 角色[,角色] [not-by 另一操作] \"条款\"",
                          name, line);
    if (w->nops == JY_WF_MAX_OPS) return jy_err_set2(err, JY_EINVAL, "workflow.too_many_ops", "%s:%d: too many operations", "%s 第%d行：操作过多", name, line);
    jy_wf_op *o = &w->ops[w->nops];
    memset(o, 0, sizeof *o);
    o->line = line;
    if (copy_name(o->name, sizeof o->name, t->tok[1], "operation name", "操作名", name, line, err)) return JY_EINVAL;
    if (jy_workflows_op(w, o->name)) return jy_err_set2(err, JY_EINVAL, "workflow.op_twice", "%s:%d: operation %s defined twice", "%s 第%d行：操作 %s 重复定义", name, line, o->name);
    jy_err e;
    if (jy_roles_parse(t->tok[3], &o->roles, &e)) return jy_err_wrap2(err, JY_EINVAL, &e, "%s:%d: ", "%s 第%d行：", name, line);
    int i = 4;
    if (i < t->n - 1 && strcmp(t->tok[i], "not-by") == 0 && !t->quoted[i]) {
        if (i + 1 >= t->n - 1 || t->quoted[i + 1])
            return jy_err_set2(err, JY_EINVAL, "workflow.not_by_name", "%s:%d: not-by needs the name of another operation", "%s 第%d行：not-by 后应写另一个操作的名称", name, line);
        if (copy_name(o->not_by, sizeof o->not_by, t->tok[i + 1], "operation name", "操作名", name, line, err)) return JY_EINVAL;
        i += 2;
    }
    if (i != t->n - 1)
        return jy_err_set2(err, JY_EINVAL, "workflow.op_unexpected", "%s:%d: unexpected \"%s\" (operation NAME roles ROLE[,ROLE] [not-by OTHER] \"clause\")", "%s 第%d行：多余的“%s”（格式：operation 操作名 roles 角色[,角色] [not-by 另一操作] \"条款\"）",
                          name, line, t->tok[i]);
    snprintf(o->clause, sizeof o->clause, "%s", t->tok[t->n - 1]);
    w->nops++;
    return 0;
}

/* After the operations block: every not-by names an operation of the block, not itself. */
static int check_ops(const jy_workflows *w, const char *name, jy_err *err)
{
    for (int i = 0; i < w->nops; i++) {
        const jy_wf_op *o = &w->ops[i];
        if (!o->not_by[0]) continue;
        if (strcmp(o->not_by, o->name) == 0 || !jy_workflows_op(w, o->not_by))
            return jy_err_set2(err, JY_EINVAL, "workflow.not_by_unknown", "%s:%d: operation %s: not-by %s names no other operation", "%s 第%d行：操作 %s：not-by %s 没有指向另一个已定义的操作", name, o->line,
                              o->name, o->not_by);
    }
    return 0;
}

int jy_workflows_parse(const char *text, size_t len, const char *name, jy_workflows **out, jy_err *err)
{
    *out = NULL;
    jy_workflows *w = calloc(1, sizeof *w);
    char *buf = malloc(len + 1);
    int rc = 0, line = 0, in_ops = 0, had_ops = 0;
    jy_workflow *cur = NULL;
    if (!w || !buf) {
        rc = jy_err_set2(err, JY_ENOMEM, "workflow.file_oom", "out of memory reading %s", "读取 %s 时内存不足", name);
        goto done;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *p = buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line++;
        line_tokens t;
        if ((rc = tokenize(p, &t, err, name, line))) goto done;
        p = nl ? nl + 1 : p + strlen(p);
        if (t.n == 0) continue;
        const char *kw = t.tok[0];
        if (in_ops) { /* the operations block: operation lines up to its end */
            if (strcmp(kw, "end") == 0 && t.n == 1) {
                if ((rc = check_ops(w, name, err))) goto done;
                in_ops = 0;
            } else if (strcmp(kw, "operation") == 0) {
                if ((rc = parse_op(&t, w, name, line, err))) goto done;
            } else {
                rc = jy_err_set2(err, JY_EINVAL, "workflow.ops_unknown_line", "%s:%d: unknown line \"%s\" in the operations block (operation, end)", "%s 第%d行：操作块中有未知的行“%s”（应为 operation 或 end）", name,
                                line, kw);
                goto done;
            }
            continue;
        }
        if (strcmp(kw, "operations") == 0) {
            if (cur) { rc = jy_err_set2(err, JY_EINVAL, "workflow.not_closed", "%s:%d: workflow %s is not closed with end", "%s 第%d行：流程 %s 没有以 end 结束", name, line, cur->name); goto done; }
            if (had_ops) { rc = jy_err_set2(err, JY_EINVAL, "workflow.ops_twice", "%s:%d: a second operations block", "%s 第%d行：出现第二个操作块（operations）", name, line); goto done; }
            if (t.n != 2 || !t.quoted[1]) { rc = jy_err_set2(err, JY_EINVAL, "workflow.ops_syntax", "%s:%d: expected: operations \"title\"", "%s 第%d行：格式应为 operations \"标题\"", name, line); goto done; }
            in_ops = had_ops = 1;
            continue;
        }
        if (strcmp(kw, "workflow") == 0) {
            if (cur) { rc = jy_err_set2(err, JY_EINVAL, "workflow.not_closed", "%s:%d: workflow %s is not closed with end", "%s 第%d行：流程 %s 没有以 end 结束", name, line, cur->name); goto done; }
            if (t.n != 3 || !t.quoted[2]) { rc = jy_err_set2(err, JY_EINVAL, "workflow.wf_syntax", "%s:%d: expected: workflow NAME \"title\"", "%s 第%d行：格式应为 workflow 流程名 \"标题\"", name, line); goto done; }
            if (w->n == w->cap) {
                int cap = w->cap ? w->cap * 2 : 16;
                jy_workflow *nw = realloc(w->wf, (size_t)cap * sizeof *nw);
                if (!nw) { rc = jy_err_set2(err, JY_ENOMEM, "workflow.file_oom", "out of memory reading %s", "读取 %s 时内存不足", name); goto done; }
                w->wf = nw;
                w->cap = cap;
            }
            cur = &w->wf[w->n++];
            memset(cur, 0, sizeof *cur);
            if ((rc = copy_name(cur->name, sizeof cur->name, t.tok[1], "workflow name", "流程名", name, line, err))) goto done;
            for (int i = 0; i < w->n - 1; i++)
                if (strcmp(w->wf[i].name, cur->name) == 0) { rc = jy_err_set2(err, JY_EINVAL, "workflow.wf_twice", "%s:%d: workflow %s defined twice", "%s 第%d行：流程 %s 重复定义", name, line, cur->name); goto done; }
            snprintf(cur->title, sizeof cur->title, "%s", t.tok[2]);
            continue;
        }
        if (!cur) { rc = jy_err_set2(err, JY_EINVAL, "workflow.outside_block", "%s:%d: \"%s\" outside a workflow … end block", "%s 第%d行：“%s”不在 workflow … end 块内", name, line, kw); goto done; }
        if (strcmp(kw, "end") == 0) {
            if ((rc = check_workflow(cur, name, line, err))) goto done;
            cur = NULL;
        } else if (strcmp(kw, "programs") == 0) {
            for (int i = 1; i < t.n; i++) {
                if (cur->nprograms == JY_WF_MAX_PROGRAMS) { rc = jy_err_set2(err, JY_EINVAL, "workflow.too_many_programs", "%s:%d: too many programmes", "%s 第%d行：项目过多", name, line); goto done; }
                const char *tok = t.tok[i], *colon = strchr(tok, ':');
                size_t pn = colon ? (size_t)(colon - tok) : strlen(tok);
                int num = 0;
                char digits[4] = {0};
                if (pn < 2 || pn > 3 || tok[0] != 'P') { rc = jy_err_set2(err, JY_EINVAL, "workflow.program_kind_syntax", "%s:%d: \"%s\": expected P1 … P26 (or P1:kind)", "%s 第%d行：“%s”：应为 P1 … P26（或 P1:类别）", name, line, tok); goto done; }
                memcpy(digits, tok + 1, pn - 1);
                if (parse_int(digits, &num) || num < 1 || num > 26) { rc = jy_err_set2(err, JY_EINVAL, "workflow.program_syntax", "%s:%d: \"%s\": expected P1 … P26", "%s 第%d行：“%s”：应为 P1 … P26", name, line, tok); goto done; }
                memcpy(cur->program[cur->nprograms], tok, pn);
                cur->program[cur->nprograms][pn] = '\0';
                cur->kind[cur->nprograms][0] = '\0';
                if (colon && (rc = copy_name(cur->kind[cur->nprograms], sizeof cur->kind[0], colon + 1, "kind", "类别", name, line, err))) goto done;
                cur->nprograms++;
            }
        } else if (strcmp(kw, "start") == 0) {
            if (t.n != 2) { rc = jy_err_set2(err, JY_EINVAL, "workflow.start_syntax", "%s:%d: expected: start STATE", "%s 第%d行：格式应为 start 状态", name, line); goto done; }
            if ((rc = copy_name(cur->start, sizeof cur->start, t.tok[1], "state", "状态", name, line, err))) goto done;
        } else if (strcmp(kw, "due") == 0) {
            /* due STATE N workdays|days "clause" */
            if (t.n != 5 || !t.quoted[4] || (strcmp(t.tok[3], "workdays") != 0 && strcmp(t.tok[3], "days") != 0)) {
                rc = jy_err_set2(err, JY_EINVAL, "workflow.due_syntax", "%s:%d: expected: due STATE N workdays|days \"clause\"", "%s 第%d行：格式应为 due 状态 天数 workdays|days \"条款\"", name, line);
                goto done;
            }
            if (cur->ndues == JY_WF_MAX_DUES) { rc = jy_err_set2(err, JY_EINVAL, "workflow.too_many_dues", "%s:%d: too many deadlines", "%s 第%d行：办理时限过多", name, line); goto done; }
            jy_wf_due *d = &cur->dues[cur->ndues];
            memset(d, 0, sizeof *d);
            if ((rc = copy_name(d->state, sizeof d->state, t.tok[1], "state", "状态", name, line, err))) goto done;
            if (parse_int(t.tok[2], &d->n) || d->n < 1) { rc = jy_err_set2(err, JY_EINVAL, "workflow.due_days", "%s:%d: \"%s\": expected a number of days", "%s 第%d行：“%s”：应为天数", name, line, t.tok[2]); goto done; }
            d->workdays = strcmp(t.tok[3], "workdays") == 0;
            snprintf(d->clause, sizeof d->clause, "%s", t.tok[4]);
            cur->ndues++;
        } else if (strcmp(kw, "step") == 0) {
            if (cur->nsteps == JY_WF_MAX_STEPS) { rc = jy_err_set2(err, JY_EINVAL, "workflow.too_many_steps", "%s:%d: too many steps", "%s 第%d行：步骤过多", name, line); goto done; }
            if ((rc = parse_step(&t, &cur->steps[cur->nsteps], name, line, err))) goto done;
            if (jy_workflow_step(cur, cur->steps[cur->nsteps].name)) { rc = jy_err_set2(err, JY_EINVAL, "workflow.step_twice", "%s:%d: step %s defined twice", "%s 第%d行：步骤 %s 重复定义", name, line, cur->steps[cur->nsteps].name); goto done; }
            cur->nsteps++;
        } else {
            rc = jy_err_set2(err, JY_EINVAL, "workflow.unknown_line", "%s:%d: unknown line \"%s\" (programs, start, due, step, end)", "%s 第%d行：未知的行“%s”（应为 programs、start、due、step 或 end）", name, line, kw);
            goto done;
        }
    }
    if (cur) rc = jy_err_set2(err, JY_EINVAL, "workflow.not_closed", "%s:%d: workflow %s is not closed with end", "%s 第%d行：流程 %s 没有以 end 结束", name, line, cur->name);
    if (in_ops) rc = jy_err_set2(err, JY_EINVAL, "workflow.ops_not_closed", "%s:%d: the operations block is not closed with end", "%s 第%d行：操作块（operations）没有以 end 结束", name, line);
done:
    free(buf);
    if (rc) {
        jy_workflows_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int jy_workflows_load(const char *policy_dir, jy_workflows **out, jy_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", policy_dir, JY_WORKFLOWS_FILE);
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "workflow.file_missing", "cannot read %s: the workflows (policy/workflows.txt) are missing", "无法读取 %s：缺少办理流程文件（policy/workflows.txt）", path);
    jy_sb sb = JY_SB_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) jy_sb_appendn(&sb, chunk, n);
    int bad = ferror(f);
    fclose(f);
    int rc = bad ? jy_err_set2(err, JY_EIO, "workflow.file_unreadable", "cannot read %s", "无法读取 %s", path)
                 : jy_workflows_parse(jy_sb_cstr(&sb), sb.len, path, out, err);
    jy_sb_free(&sb);
    return rc;
}

void jy_workflows_free(jy_workflows *w)
{
    if (!w) return;
    free(w->wf);
    free(w);
}

int jy_workflows_count(const jy_workflows *w)
{
    return w->n;
}

const jy_workflow *jy_workflows_at(const jy_workflows *w, int i)
{
    return i >= 0 && i < w->n ? &w->wf[i] : NULL;
}

const jy_workflow *jy_workflow_for(const jy_workflows *w, const char *program, const char *kind)
{
    const jy_workflow *plain = NULL;
    for (int i = 0; i < w->n; i++)
        for (int k = 0; k < w->wf[i].nprograms; k++) {
            if (strcmp(w->wf[i].program[k], program) != 0) continue;
            if (w->wf[i].kind[k][0] == '\0') {
                if (!plain) plain = &w->wf[i];
            } else if (kind && strcmp(w->wf[i].kind[k], kind) == 0) {
                return &w->wf[i];
            }
        }
    return plain;
}

const jy_wf_step *jy_workflow_step(const jy_workflow *wf, const char *name)
{
    for (int i = 0; i < wf->nsteps; i++)
        if (strcmp(wf->steps[i].name, name) == 0) return &wf->steps[i];
    return NULL;
}

int jy_wf_step_from(const jy_wf_step *s, const char *state)
{
    for (int f = 0; f < s->nfrom; f++)
        if (strcmp(s->from[f], state) == 0) return 1;
    return 0;
}

void jy_workflow_next_steps(const jy_workflow *wf, const char *state, jy_sb *out)
{
    int first = 1;
    for (int i = 0; i < wf->nsteps; i++)
        if (jy_wf_step_from(&wf->steps[i], state)) {
            if (!first) jy_sb_append(out, ", ");
            jy_sb_append(out, wf->steps[i].name);
            first = 0;
        }
}

const jy_wf_due *jy_workflow_due(const jy_workflow *wf, const char *state)
{
    for (int i = 0; i < wf->ndues; i++)
        if (strcmp(wf->dues[i].state, state) == 0) return &wf->dues[i];
    return NULL;
}

int jy_wf_due_date(const jy_wf_due *d, const jy_calendar *cal, jy_date from, jy_date *out, int *provisional,
                   jy_err *err)
{
    *provisional = 0;
    if (d->workdays) return jy_calendar_nth_workday_prov(cal, from, d->n, out, provisional, err);
    *out = from + d->n;
    return 0;
}

int jy_wf_publicity_end(const jy_wf_step *s, const jy_calendar *cal, jy_date from, jy_date *out, int *provisional,
                        jy_err *err)
{
    *provisional = 0;
    if (s->publicity_workdays) return jy_calendar_nth_workday_prov(cal, from, s->publicity, out, provisional, err);
    *out = from + s->publicity - 1;
    return 0;
}

void jy_wf_flags_json(jy_sb *sb, const jy_wf_step *s)
{
    static const struct {
        unsigned bit;
        const char *name;
    } F[] = {{JY_WF_ELIGIBLE, "eligible"},
             {JY_WF_DURING_PUBLICITY, "during-publicity"},
             {JY_WF_AFTER_PUBLICITY, "after-publicity"},
             {JY_WF_CONFLICTS, "conflicts"},
             {JY_WF_SITE_VISIT, "site-visit"},
             {JY_WF_COMMIT, "commit"},
             {JY_WF_RELEASE, "release"},
             {JY_WF_PAYMENT, "payment"},
             {JY_WF_RECOVERY, "recovery"},
             {JY_WF_FORM, "form"}};
    jy_sb_appendc(sb, '[');
    int first = 1;
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if (s->flags & F[i].bit) {
            if (!first) jy_sb_appendc(sb, ',');
            jy_sb_json_str(sb, F[i].name);
            first = 0;
        }
    jy_sb_appendc(sb, ']');
}

void jy_workflows_json(const jy_workflows *w, jy_sb *out)
{
    jy_sb_appendc(out, '[');
    for (int i = 0; i < w->n; i++) {
        const jy_workflow *wf = &w->wf[i];
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "name", wf->name);
        jy_sb_json_kv_str(out, "title", wf->title);
        jy_sb_append(out, ",\"programs\":[");
        for (int k = 0; k < wf->nprograms; k++) {
            if (k) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '"');
            jy_sb_append(out, wf->program[k]);
            if (wf->kind[k][0]) {
                jy_sb_appendc(out, ':');
                jy_sb_append(out, wf->kind[k]);
            }
            jy_sb_appendc(out, '"');
        }
        jy_sb_append(out, "]");
        jy_sb_json_kv_str(out, "start", wf->start);
        jy_sb_append(out, ",\"steps\":[");
        for (int k = 0; k < wf->nsteps; k++) {
            const jy_wf_step *s = &wf->steps[k];
            if (k) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '{');
            jy_sb_json_kv_str(out, "step", s->name);
            jy_sb_append(out, ",\"from\":[");
            for (int f = 0; f < s->nfrom; f++) {
                if (f) jy_sb_appendc(out, ',');
                jy_sb_json_str(out, s->from[f]);
            }
            jy_sb_append(out, "]");
            jy_sb_json_kv_str(out, "to", s->to);
            jy_sb_append(out, ",\"roles\":");
            jy_sb roles = JY_SB_INIT;
            jy_roles_text(&roles, s->roles, ",");
            jy_sb_json_str(out, jy_sb_cstr(&roles));
            jy_sb_free(&roles);
            jy_sb_append(out, ",\"flags\":");
            jy_wf_flags_json(out, s);
            if (s->publicity) {
                jy_sb_json_kv_i64(out, "publicity", s->publicity);
                jy_sb_json_kv_bool(out, "publicity_workdays", s->publicity_workdays);
            }
            jy_sb_json_kv_str(out, "clause", s->clause);
            jy_sb_appendc(out, '}');
        }
        jy_sb_append(out, "],\"dues\":[");
        for (int k = 0; k < wf->ndues; k++) {
            const jy_wf_due *d = &wf->dues[k];
            if (k) jy_sb_appendc(out, ',');
            jy_sb_appendc(out, '{');
            jy_sb_json_kv_str(out, "state", d->state);
            jy_sb_json_kv_i64(out, "n", d->n);
            jy_sb_json_kv_str(out, "unit", d->workdays ? "workdays" : "days");
            jy_sb_json_kv_str(out, "clause", d->clause);
            jy_sb_appendc(out, '}');
        }
        jy_sb_append(out, "]}");
    }
    jy_sb_appendc(out, ']');
}

/* ---------------------------------------------------------------- money operations */

const jy_wf_op *jy_workflows_op(const jy_workflows *w, const char *name)
{
    for (int i = 0; w && name && i < w->nops; i++)
        if (strcmp(w->ops[i].name, name) == 0) return &w->ops[i];
    return NULL;
}

void jy_workflows_ops_json(const jy_workflows *w, jy_sb *out)
{
    jy_sb_appendc(out, '[');
    for (int i = 0; i < w->nops; i++) {
        const jy_wf_op *o = &w->ops[i];
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "operation", o->name);
        jy_sb roles = JY_SB_INIT;
        jy_roles_text(&roles, o->roles, ",");
        jy_sb_json_kv_str(out, "roles", jy_sb_cstr(&roles));
        jy_sb_free(&roles);
        jy_sb_json_kv_str(out, "not_by", o->not_by);
        jy_sb_json_kv_str(out, "clause", o->clause);
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
}

int jy_wf_op_check(const jy_workflows *w, jy_store *st, const char *op, const char *record, const char *actor,
                   const char *county, const char *const *others, size_t nothers, jy_err *err)
{
    const jy_wf_op *o = jy_workflows_op(w, op);
    if (!o)
        return jy_err_set2(err, JY_EINVAL, "wf.op_unknown",
                          "policy/workflows.txt defines no operation %s: add it to the operations block (who may take it)", "policy/workflows.txt 没有定义操作 %s：请把它加入 operations 段（写明谁可以执行）",
                          op);
    jy_actor who;
    int rc = jy_actor_resolve(st, actor, &who, err);
    if (rc) return rc;
    char what[160];
    snprintf(what, sizeof what, "执行 %s（%s）", op, record ? record : "");
    if ((rc = jy_actor_may(&who, o->roles, county, what, err))) return rc;
    if (!o->not_by[0]) return 0;
    for (size_t i = 0; i < nothers; i++)
        if (others[i] && strcmp(others[i], who.user.name) == 0)
            return jy_err_set2(err, JY_ECONFLICT, "wf.four_eyes",
                              "%s: %s took %s on it, so another person must review it (four-eyes: operation %s is "
                              "not-by %s in policy/workflows.txt; --as NAME)", "%1$s：%2$s 已对其执行 %3$s，须由另一人审核（双人复核：policy/workflows.txt 中操作 %4$s 设为 not-by %5$s；--as 姓名）",
                              record ? record : op, who.user.name, o->not_by, op, o->not_by);
    return 0;
}

/* ---------------------------------------------------------------- the API's money permissions */

/* The API permissions that are money operations of the operations block (one source of truth:
 * a route's permission, checked before its handler, holds for the roles the block names, and
 * the service then checks the operation itself — docs/ledger.md "Who may do what"). A
 * permission of two operations needs the same roles in both. */
static const struct {
    int perm;
    const char *ops[2];
} money_perms[] = {
    {JY_PERM_LEDGER_WRITE, {"ledger_budget", NULL}},
    {JY_PERM_BATCH_BUILD, {"batch_build", NULL}},
    {JY_PERM_BATCH_APPROVE, {"batch_approve", NULL}},
    {JY_PERM_BATCH_EXPORT, {"batch_export", NULL}},
    {JY_PERM_BATCH_PAY, {"batch_pay", NULL}},
    {JY_PERM_PAYROLL_RUN, {"payroll_run", NULL}},
    {JY_PERM_PAYROLL_REVIEW, {"payroll_review", "payroll_commit"}},
};

size_t jy_wf_money_perms(int *perms, const char *(*ops)[2], size_t cap)
{
    size_t n = sizeof money_perms / sizeof money_perms[0];
    for (size_t i = 0; i < n && i < cap; i++) {
        if (perms) perms[i] = money_perms[i].perm;
        if (ops) ops[i][0] = money_perms[i].ops[0], ops[i][1] = money_perms[i].ops[1];
    }
    return n;
}

unsigned jy_wf_op_role_bits(const jy_wf_op *o)
{
    if (!o) return 0;
    unsigned bits = 1u << JY_ROLE_ADMIN; /* jy_actor_may: admin may take every operation */
    for (int r = 0; r < JY_ROLE__COUNT; r++) {
        unsigned me = 1u << r;
        if (me & JY_ROLES_SEPARATED) continue; /* 三员: never a business operation */
        if ((o->roles & me) || ((o->roles & JY_ROLE_ANY) && r != JY_ROLE_FINANCE)) bits |= me;
    }
    return bits;
}

int jy_wf_perm_roles(const jy_workflows *w, int perm, unsigned *roles, jy_err *err)
{
    *roles = 0;
    for (size_t i = 0; i < sizeof money_perms / sizeof money_perms[0]; i++) {
        if (money_perms[i].perm != perm) continue;
        const jy_wf_op *first = jy_workflows_op(w, money_perms[i].ops[0]);
        unsigned bits = jy_wf_op_role_bits(first); /* an operation the file lacks: nobody (fail closed) */
        const char *second_name = money_perms[i].ops[1];
        if (second_name) {
            unsigned b2 = jy_wf_op_role_bits(jy_workflows_op(w, second_name));
            if (b2 != bits) {
                jy_sb a = JY_SB_INIT, b = JY_SB_INIT;
                jy_roles_text(&a, bits, ",");
                jy_roles_text(&b, b2, ",");
                jy_err_set2(err, JY_EINVAL, "perm.ops_disagree",
                            "policy/workflows.txt: operations %s (roles %s) and %s (roles %s) are both the API "
                            "permission %s, so they must name the same roles",
                            "policy/workflows.txt：操作 %s（角色 %s）与 %s（角色 %s）同属 API 权限 %s，须列出相同的角色",
                            money_perms[i].ops[0], jy_sb_cstr(&a), second_name, jy_sb_cstr(&b), jy_perm_name(perm));
                jy_sb_free(&a);
                jy_sb_free(&b);
                return JY_EINVAL;
            }
        }
        *roles = bits;
        return 1;
    }
    return 0;
}

int jy_wf_ops_bind_perms(const jy_workflows *w, jy_err *err)
{
    unsigned roles[sizeof money_perms / sizeof money_perms[0]];
    for (size_t i = 0; i < sizeof money_perms / sizeof money_perms[0]; i++) {
        int rc = jy_wf_perm_roles(w, money_perms[i].perm, &roles[i], err);
        if (rc < 0) return rc;
    }
    for (size_t i = 0; i < sizeof money_perms / sizeof money_perms[0]; i++) jy_perm_bind_roles(money_perms[i].perm, roles[i]);
    return 0;
}
