/* demo.c — the synthetic demo county; see demo.h for the contract.
 *
 * Shares and distributions are plausible readings of Haiyuan County (about 70 % Hui, mostly
 * rural, a former deep-poverty county that exited poverty in 2020), not statistics. They are
 * kept in the tables below so they are easy to read and adjust. */
#include "service/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "domain/bankcard.h"
#include "domain/idcard.h"
#include "domain/uscc.h"
#include "service/case.h"
#include "service/ledger.h"
#include "service/report.h"
#include "service/settings.h"
#include "service/payment.h"
#include "service/payroll.h"
#include "service/placement.h"

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- pseudo-random numbers: splitmix64 seeds xoshiro256** (no rand()) ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
    return h;
}

/* A stream for (seed, name): independent of every other stream's use. */
static void rng_seed(rng *r, uint64_t seed, const char *stream)
{
    uint64_t x = seed ^ fnv1a(stream);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n); n > 0. */
static uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability permille / 1000. */
static int rng_chance(rng *r, int permille) { return (int)rng_below(r, 1000) < permille; }

static int rng_between(rng *r, int lo, int hi) { return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1)); }

static jy_date rng_date(rng *r, jy_date lo, jy_date hi)
{
    return hi <= lo ? lo : lo + (jy_date)rng_below(r, (uint32_t)(hi - lo + 1));
}

typedef struct wstr {
    const char *s;
    int w;
} wstr;

static int wsum(const wstr *t, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++) sum += t[i].w;
    return sum;
}

static const char *rng_wpick(rng *r, const wstr *t, int n)
{
    int x = (int)rng_below(r, (uint32_t)wsum(t, n));
    for (int i = 0; i < n; i++) {
        if (x < t[i].w) return t[i].s;
        x -= t[i].w;
    }
    return t[n - 1].s;
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)N_ELEMS(arr))])
#define WPICK(r, arr) rng_wpick((r), (arr), N_ELEMS(arr))

/* ---- a string set (ID numbers, USCC codes, names) ---- */

typedef struct strset {
    const char **slot;
    size_t cap, n;
    jy_arena *arena;
} strset;

static void strset_init(strset *s, jy_arena *a)
{
    s->cap = 1024;
    s->n = 0;
    s->slot = calloc(s->cap, sizeof *s->slot);
    s->arena = a;
}

static void strset_free(strset *s) { free(s->slot); }

/* Adds str; returns 1 when added, 0 when it was already there. */
static int strset_add(strset *s, const char *str)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap * 2;
        const char **slot = calloc(cap, sizeof *slot);
        if (!slot) abort();
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i]) continue;
            size_t j = fnv1a(s->slot[i]) & (cap - 1);
            while (slot[j]) j = (j + 1) & (cap - 1);
            slot[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    size_t j = fnv1a(str) & (s->cap - 1);
    while (s->slot[j]) {
        if (strcmp(s->slot[j], str) == 0) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j] = jy_arena_strdup(s->arena, str);
    s->n++;
    return 1;
}

/* ---- reference tables ---- */

/* Persons per township, relative (roughly the 2020 census order of size); unknown codes of a
 * newer division table get 10, "other" township-level units 1. */
static const struct {
    const char *code;
    int weight;
    int urban_permille; /* share of 城镇 household registrations */
} town_weights[] = {
    {"640522100", 120, 450}, /* 海城镇 (county seat) */
    {"640522101", 45, 80},   /* 李旺镇 */
    {"640522103", 45, 60},   /* 西安镇 */
    {"640522104", 50, 80},   /* 三河镇 */
    {"640522105", 45, 90},   /* 七营镇 */
    {"640522200", 25, 30},   /* 史店乡 */
    {"640522201", 25, 30},   /* 树台乡 */
    {"640522202", 35, 40},   /* 关桥乡 */
    {"640522206", 25, 30},   /* 高崖乡 */
    {"640522207", 25, 30},   /* 郑旗乡 */
    {"640522208", 25, 30},   /* 贾塘乡 */
    {"640522209", 20, 30},   /* 曹洼乡 */
    {"640522210", 20, 30},   /* 九彩乡 */
    {"640522211", 18, 30},   /* 李俊乡 */
    {"640522212", 16, 30},   /* 红羊乡 */
    {"640522213", 20, 30},   /* 关庄乡 */
    {"640522214", 14, 30},   /* 甘城乡 */
    {"640522400", 2, 300},   /* 种羊场 */
    {"640522401", 1, 300},   /* 南华山自然保护区管理处 */
    {"640522402", 3, 300},   /* 老城管理办公室 */
    {"640522406", 4, 500},   /* 海兴开发区 */
};

/* Counties of persons registered elsewhere in Ningxia (about 8 % of the demo county). */
static const wstr other_counties[] = {
    {"640502", 20}, {"640521", 15}, {"640402", 15}, {"640422", 12}, {"640324", 12},
    {"640104", 6},  {"640106", 5},  {"640302", 5},  {"640425", 4},  {"640423", 3},
    {"640303", 3},
};

/* The real village names of 七营镇 (REFERENCE-DATA.md); other townships get generated ones. */
static const char *const qiying_villages[] = {
    "砖窖村", "张堡村", "伍营村", "马莲村", "七营村", "南堡村", "马堡村",
    "下套村", "杨堡村", "北咀村", "盘河村", "八营村", "柴梁村", "高崖村",
};
static const char *const village_first[] = {
    "杨", "马", "李", "张", "王", "高", "南", "北", "东", "西", "上", "下", "新", "红", "沙", "黄",
    "石", "大", "小", "水", "田", "苏", "罗", "冯", "海", "刘", "韩", "周", "曹", "武", "菜", "麻",
};
static const char *const village_second[] = {
    "庄", "堡", "湾", "岔", "沟", "台", "河", "营", "川", "塬", "套", "咀", "梁", "坪", "洼", "山",
    "滩", "井", "峁", "窑", "园", "寨",
};
static const char *const streets[] = {
    "文昌路", "西安路", "北环路", "南环路", "东环路", "新区大道", "牌路山路", "人民街",
    "团结路", "育才路", "和谐路", "兴海路",
};

static const wstr hui_surnames[] = {
    {"马", 300}, {"李", 50}, {"田", 55}, {"杨", 55}, {"海", 40}, {"苏", 40}, {"冯", 25},
    {"罗", 25}, {"王", 40}, {"张", 35}, {"白", 20}, {"丁", 20}, {"穆", 20}, {"何", 15},
    {"金", 15}, {"锁", 10}, {"虎", 10}, {"纳", 8},  {"哈", 8},  {"撒", 6},  {"黑", 6},
    {"拜", 5},  {"康", 8},  {"米", 6},  {"麻", 6},  {"喇", 4},  {"妥", 4},  {"鲜", 4},
};
static const wstr han_surnames[] = {
    {"王", 80}, {"李", 80}, {"张", 70}, {"刘", 60}, {"陈", 25}, {"杨", 45}, {"赵", 30},
    {"高", 30}, {"田", 30}, {"周", 20}, {"吴", 15}, {"徐", 15}, {"孙", 20}, {"郭", 20},
    {"何", 15}, {"胡", 15}, {"朱", 15}, {"曹", 20}, {"韩", 20}, {"魏", 15}, {"贾", 20},
    {"冯", 15}, {"罗", 15}, {"史", 15}, {"薛", 10}, {"蒋", 8},  {"雷", 10}, {"景", 8},
    {"柴", 8},  {"任", 10},
};
static const char *const male_chars[] = {
    "建", "国", "军", "强", "伟", "明", "平", "华", "斌", "鹏", "杰", "涛", "亮", "东", "林",
    "峰", "刚", "勇", "辉", "龙", "宇", "浩", "博", "晨", "轩", "泽", "俊", "磊", "飞", "成",
    "福", "贵", "祥", "虎", "海", "文", "学", "志", "忠", "义", "德", "武", "山", "宝", "彦",
    "有", "录", "仓", "云", "春", "正", "金", "银", "生", "荣", "兵", "瑞", "鑫", "阳", "宁",
};
static const char *const female_chars[] = {
    "梅", "兰", "花", "英", "霞", "琴", "芳", "秀", "娟", "燕", "玲", "丽", "萍", "红", "艳",
    "静", "婷", "慧", "敏", "雪", "娜", "蕾", "佳", "悦", "欣", "瑶", "蓉", "凤", "桂", "菊",
    "莲", "月", "彩", "珍", "翠", "玉", "春", "霞", "丹", "晶", "露", "倩", "璐", "媛", "雯",
};
/* Hui given names of Arabic origin (经名 used as given names). */
static const char *const hui_male_names[] = {"尔撒", "穆萨", "伊布拉", "尔德", "哈桑", "优素福", "尔萨", "阿里"};
static const char *const hui_female_names[] = {"法图麦", "阿依莎", "麦尔燕", "海迪彻", "再乃白", "阿米乃"};

static const char *const mobile_prefixes[] = {
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "195", "198", "199",
};

/* Education by birth cohort, per mille. */
static const wstr edu_old[] = {{"小学", 450}, {"初中", 400}, {"高中", 100}, {"中专", 30}, {"大专", 20}};
static const wstr edu_mid[] = {{"小学", 200}, {"初中", 500}, {"高中", 150}, {"中专", 70}, {"大专", 50}, {"本科", 30}};
static const wstr edu_young[] = {{"小学", 50}, {"初中", 390}, {"高中", 150}, {"中专", 120}, {"大专", 150}, {"本科", 130}, {"研究生", 10}};
static const wstr edu_teen[] = {{"初中", 450}, {"高中", 350}, {"中专", 150}, {"大专", 50}};

/* ---- context shared by the stages ---- */

typedef struct town {
    const char *code, *name;
    int weight, urban_permille;
    int first_village, nvillages;
} town;

typedef struct demo_org {
    int64_t id;
    unsigned kinds;
    char uscc[19];
    char division[13];
} demo_org;

/* What the later stages need to know of a generated person (no random draws). */
typedef struct demo_person {
    char idcard[19];
    char division[13];  /* 户籍所在地 */
    unsigned statuses;  /* 1u << jy_status_kind, every status ever written */
    short birth_year;
    char in_county, rural;
} demo_person;

typedef struct demo_ctx {
    jy_store *st;
    const jy_demo_opts *o;
    jy_demo_summary *sum;
    jy_arena *arena;
    const char *county;
    const char *county_name;
    char county_full[128];
    jy_date as_of;
    int as_of_year;

    town *towns;
    int ntowns;
    const char **villages; /* "砖窖村" … */
    int *village_town;
    int nvillages;

    strset idcards, usccs, names;
    int64_t *person_ids;
    demo_person *persons; /* parallel to person_ids */
    int npersons;
    demo_org *orgs;
    int norgs;

    int in_tx, tx_rows;
} demo_ctx;

static int tx_begin(demo_ctx *c, jy_err *err)
{
    int rc = jy_store_begin(c->st, err);
    if (rc == 0) {
        c->in_tx = 1;
        c->tx_rows = 0;
    }
    return rc;
}

/* Counts a row; commits and starts a new transaction every batch rows. */
static int tx_row(demo_ctx *c, jy_err *err)
{
    int batch = c->o->batch > 0 ? c->o->batch : 2000;
    if (++c->tx_rows < batch) return 0;
    c->in_tx = 0;
    int rc = jy_store_commit(c->st, err);
    if (rc) return rc;
    return tx_begin(c, err);
}

static int tx_end(demo_ctx *c, jy_err *err)
{
    if (!c->in_tx) return 0;
    c->in_tx = 0;
    return jy_store_commit(c->st, err);
}

static void progress(demo_ctx *c, const char *stage, int64_t done, int64_t total)
{
    if (c->o->progress) c->o->progress(c->o->progress_ctx, stage, done, total);
}

/* ---- places ---- */

static int town_weight(const char *code, const char *kind, int *urban)
{
    for (int i = 0; i < N_ELEMS(town_weights); i++)
        if (strcmp(town_weights[i].code, code) == 0) {
            *urban = town_weights[i].urban_permille;
            return town_weights[i].weight;
        }
    *urban = 50;
    return kind && strcmp(kind, "其他") == 0 ? 1 : 10;
}

/* Townships of the county from the division table, and their villages (generated names,
 * except 七营镇's real ones), drawn from the "places" stream. */
static int places_load(demo_ctx *c, uint64_t seed, jy_err *err)
{
    const jy_division *kids[128];
    size_t n = jy_division_children(c->o->divs, c->county, kids, 128);
    if (n > 128) n = 128;
    c->towns = jy_arena_zalloc(c->arena, (n ? n : 1) * sizeof *c->towns);
    for (size_t i = 0; i < n; i++) {
        if (kids[i]->former || kids[i]->level != JY_DIV_TOWNSHIP) continue;
        town *t = &c->towns[c->ntowns++];
        t->code = kids[i]->code;
        t->name = kids[i]->name;
        t->weight = town_weight(t->code, kids[i]->kind, &t->urban_permille);
    }
    if (c->ntowns == 0)
        return jy_err_set2(err, JY_ENODATA,
                          "demo.no_townships",
                          "the division table has no townships for county %s; add its 9-digit "
                          "township codes to policy/divisions.tsv", "区划表中县 %s 没有乡镇（街道）；请把它的9位乡镇代码加入 policy/divisions.tsv",
                          c->county);
    rng r;
    rng_seed(&r, seed, "places");
    int cap = 0;
    for (int i = 0; i < c->ntowns; i++) cap += 24;
    c->villages = jy_arena_zalloc(c->arena, (size_t)cap * sizeof *c->villages);
    c->village_town = jy_arena_zalloc(c->arena, (size_t)cap * sizeof *c->village_town);
    for (int i = 0; i < c->ntowns; i++) {
        town *t = &c->towns[i];
        t->first_village = c->nvillages;
        if (strcmp(t->code, "640522105") == 0) {
            for (int k = 0; k < N_ELEMS(qiying_villages); k++) {
                c->village_town[c->nvillages] = i;
                c->villages[c->nvillages++] = qiying_villages[k];
            }
        } else {
            int want = t->weight <= 4 ? 2 : rng_between(&r, 7, 16);
            char name[32];
            for (int tries = 0; tries < 200 && c->nvillages - t->first_village < want; tries++) {
                snprintf(name, sizeof name, "%s%s村", PICK(&r, village_first), PICK(&r, village_second));
                int dup = 0;
                for (int k = t->first_village; k < c->nvillages; k++)
                    if (strcmp(c->villages[k], name) == 0) dup = 1;
                if (dup) continue;
                c->village_town[c->nvillages] = i;
                c->villages[c->nvillages++] = jy_arena_strdup(c->arena, name);
            }
        }
        t->nvillages = c->nvillages - t->first_village;
    }
    return 0;
}

static const town *pick_town(demo_ctx *c, rng *r)
{
    int sum = 0;
    for (int i = 0; i < c->ntowns; i++) sum += c->towns[i].weight;
    int x = (int)rng_below(r, (uint32_t)sum);
    for (int i = 0; i < c->ntowns; i++) {
        if (x < c->towns[i].weight) return &c->towns[i];
        x -= c->towns[i].weight;
    }
    return &c->towns[c->ntowns - 1];
}

static const char *pick_village(demo_ctx *c, rng *r, const town *t)
{
    return c->villages[t->first_village + (int)rng_below(r, (uint32_t)t->nvillages)];
}

static void make_mobile(rng *r, char out[16])
{
    snprintf(out, 16, "%s%04u%04u", PICK(r, mobile_prefixes), rng_below(r, 10000), rng_below(r, 10000));
}

static void make_name(rng *r, int hui, char sex, char *out, size_t n)
{
    const char *sur = hui ? WPICK(r, hui_surnames) : WPICK(r, han_surnames);
    if (hui && rng_chance(r, 60)) {
        snprintf(out, n, "%s%s", sur, sex == 'M' ? PICK(r, hui_male_names) : PICK(r, hui_female_names));
        return;
    }
    const char *a = sex == 'M' ? PICK(r, male_chars) : PICK(r, female_chars);
    if (rng_chance(r, 250)) {
        snprintf(out, n, "%s%s", sur, a);
        return;
    }
    const char *b = sex == 'M' ? PICK(r, male_chars) : PICK(r, female_chars);
    snprintf(out, n, "%s%s%s", sur, a, b);
}

/* A fresh valid ID number for (division, birth, sex) not made before in this run. */
static void make_idcard(demo_ctx *c, rng *r, const char *div6, jy_date birth, char sex, char out[19])
{
    int y, m, d;
    jy_date_to_ymd(birth, &y, &m, &d);
    char first17[48];
    for (;;) {
        unsigned seq = rng_below(r, 500) * 2 + (sex == 'M' ? 1 : 0);
        if (seq == 0) continue;
        snprintf(first17, sizeof first17, "%.6s%04d%02d%02d%03u", div6, y % 10000, m % 100,
                 d % 100, seq % 1000);
        memcpy(out, first17, 17);
        out[17] = jy_idcard_check_char(first17);
        out[18] = '\0';
        if (strset_add(&c->idcards, out)) return;
    }
}

/* ---- stage: persons and their statuses ---- */

static int add_status(demo_ctx *c, int64_t pid, jy_status_kind kind, jy_date since, jy_date until,
                      const char *detail, jy_err *err)
{
    jy_person_status s = {0};
    s.kind = kind;
    s.since = since;
    s.until = until;
    if (detail) snprintf(s.detail, sizeof s.detail, "%s", detail);
    int rc = jy_store_person_status_add(c->st, pid, &s, c->o->actor ? c->o->actor : "demo", err);
    if (rc) return rc;
    c->sum->statuses++;
    c->sum->persons_by_status[kind]++;
    if (c->persons && c->npersons > 0) c->persons[c->npersons - 1].statuses |= 1u << kind;
    return tx_row(c, err);
}

static jy_date ymd(int y, int m, int d) { return jy_date_from_ymd(y, m, d); }

/* With probability permille/1000, an end date at least min_days after since and not after
 * as_of; else 0 (still held). */
static jy_date ended(demo_ctx *c, rng *r, jy_date since, int min_days, int permille)
{
    if (!rng_chance(r, permille) || since + min_days > c->as_of) return 0;
    return rng_date(r, since + min_days, c->as_of);
}

/* Birth year: 1960-2006, weighted towards working age. */
static int birth_year(rng *r)
{
    int band = (int)rng_below(r, 100);
    if (band < 20) return rng_between(r, 1960, 1974);
    if (band < 55) return rng_between(r, 1975, 1989);
    if (band < 90) return rng_between(r, 1990, 2002);
    return rng_between(r, 2003, 2006);
}

static int person_statuses(demo_ctx *c, rng *r, const jy_person *p, int in_county, jy_err *err)
{
    int rc = 0;
    int age = jy_age_on(p->birth, c->as_of);
    int by, bm, bd;
    jy_date_to_ymd(p->birth, &by, &bm, &bd);
    int rural = p->hukou_kind == JY_HUKOU_RURAL;
    int edu_higher = strcmp(p->education, "大专") == 0 || strcmp(p->education, "本科") == 0 ||
                     strcmp(p->education, "研究生") == 0;
    int retire_age = p->sex == 'M' ? 60 : (rural ? 55 : 50);
    int working_age = age >= 16 && age < retire_age;
    int grad_year = 0;
    if (strcmp(p->education, "大专") == 0) grad_year = by + 21;
    else if (strcmp(p->education, "本科") == 0) grad_year = by + 22;
    else if (strcmp(p->education, "研究生") == 0) grad_year = by + 25;
    int student = 0, retired = 0, fiscal = 0;
    char detail[16];

    /* 在校学生: teenagers and those whose higher education ends after as_of */
    int at_college = age >= 19 && age <= 22 &&
                     (strcmp(p->education, "高中") == 0 || strcmp(p->education, "中专") == 0) &&
                     rng_chance(r, 450);
    if ((age < 19 && rng_chance(r, 650)) || at_college || grad_year > c->as_of_year) {
        student = 1;
        int entry = grad_year > c->as_of_year ? grad_year - (grad_year - by == 21 ? 3 : 4) : by + 15;
        if (entry > c->as_of_year) entry = c->as_of_year;
        if ((rc = add_status(c, p->id, JY_ST_ENROLLED_STUDENT, ymd(entry, 9, 1), 0, NULL, err))) return rc;
    }
    /* 财政供养 */
    if (!student && age >= 23 && age < retire_age &&
        rng_chance(r, strcmp(p->education, "本科") == 0 || strcmp(p->education, "研究生") == 0 ? 450
                      : strcmp(p->education, "大专") == 0                                          ? 150
                                                                                                   : 5)) {
        fiscal = 1;
        int start = by + (edu_higher ? 23 : 20);
        if (start > c->as_of_year) start = c->as_of_year;
        if ((rc = add_status(c, p->id, JY_ST_FISCAL_PAYROLL, ymd(start, rng_between(r, 1, 12), 1), 0, NULL, err))) return rc;
    }
    /* 退休 */
    if (age >= retire_age && (fiscal || !rural || rng_chance(r, 150))) {
        retired = 1;
        int ry = by + retire_age;
        jy_date since = ymd(ry, bm, bd > 28 ? 28 : bd);
        if (since > c->as_of) since = c->as_of;
        if ((rc = add_status(c, p->id, JY_ST_RETIRED, since, 0, NULL, err))) return rc;
    }
    /* 单位缴纳社保: fiscal payroll, and some of the employed */
    if (!retired && !student && (fiscal || (working_age && rng_chance(r, rural ? 60 : 200)))) {
        if ((rc = add_status(c, p->id, JY_ST_EMPLOYER_INSURED, rng_date(r, ymd(2015, 1, 1), c->as_of), 0, NULL, err))) return rc;
    }
    /* 脱贫人口 (a large share of rural Haiyuan) and 监测对象 */
    int poor = in_county && rural && rng_chance(r, 420);
    if (poor) {
        jy_date since = rng_date(r, ymd(2016, 12, 31), ymd(2020, 11, 16));
        if ((rc = add_status(c, p->id, JY_ST_POVERTY_ALLEVIATED, since, 0, NULL, err))) return rc;
    }
    if (rural && rng_chance(r, poor ? 70 : 40)) {
        jy_date since = rng_date(r, ymd(2021, 3, 1), c->as_of);
        jy_date until = ended(c, r, since, 90, 350);
        if ((rc = add_status(c, p->id, JY_ST_MONITORED, since, until, NULL, err))) return rc;
    }
    /* 登记失业 */
    if (working_age && !student && !fiscal && age >= 18 && rng_chance(r, 70)) {
        jy_date since = rng_date(r, ymd(2023, 1, 1), c->as_of);
        jy_date until = ended(c, r, since, 30, 300);
        if ((rc = add_status(c, p->id, JY_ST_REGISTERED_UNEMPLOYED, since, until, NULL, err))) return rc;
    }
    /* 残疾人 with grade 1 (most severe) to 4 */
    if (rng_chance(r, 45)) {
        static const wstr grades[] = {{"1", 10}, {"2", 20}, {"3", 30}, {"4", 40}};
        jy_date lo = p->birth + 365 * 3;
        jy_date since = rng_date(r, lo > ymd(2008, 1, 1) ? lo : ymd(2008, 1, 1), c->as_of);
        if ((rc = add_status(c, p->id, JY_ST_DISABILITY, since, 0, WPICK(r, grades), err))) return rc;
    }
    /* 退役军人 */
    if (p->sex == 'M' && age >= 22 && !student && rng_chance(r, 40)) {
        int y = by + rng_between(r, 20, 24);
        if (y > c->as_of_year) y = c->as_of_year;
        if ((rc = add_status(c, p->id, JY_ST_VETERAN, ymd(y, rng_between(r, 9, 12), 1), 0, NULL, err))) return rc;
    }
    /* 高校毕业生 with the year of leaving school (those of the last six years) */
    if (grad_year && grad_year <= c->as_of_year && grad_year >= c->as_of_year - 5) {
        snprintf(detail, sizeof detail, "%d", grad_year);
        if ((rc = add_status(c, p->id, JY_ST_GRADUATE, ymd(grad_year, 7, 1), 0, detail, err))) return rc;
    }
    /* 低保 */
    if (rural && !fiscal && rng_chance(r, poor ? 160 : 50)) {
        if ((rc = add_status(c, p->id, JY_ST_DIBAO, rng_date(r, ymd(2018, 1, 1), c->as_of), 0, NULL, err))) return rc;
    }
    /* 零就业家庭 */
    if (working_age && !fiscal && !student && rng_chance(r, 8)) {
        if ((rc = add_status(c, p->id, JY_ST_ZERO_EMPLOYMENT_FAMILY, rng_date(r, ymd(2022, 1, 1), c->as_of), 0, NULL, err))) return rc;
    }
    /* 公益性岗位 */
    if (rural && !fiscal && !student && age >= 30 && age < retire_age && rng_chance(r, poor ? 50 : 20)) {
        jy_date since = rng_date(r, ymd(2021, 1, 1), c->as_of);
        jy_date until = ended(c, r, since, 180, 300);
        if ((rc = add_status(c, p->id, JY_ST_PUBLIC_WELFARE_POST, since, until, NULL, err))) return rc;
    }
    return 0;
}

static int stage_persons(demo_ctx *c, uint64_t seed, jy_err *err)
{
    rng r;
    rng_seed(&r, seed, "persons");
    int total = c->o->persons > 0 ? c->o->persons : 20000;
    c->person_ids = calloc((size_t)total, sizeof *c->person_ids);
    c->persons = calloc((size_t)total, sizeof *c->persons);
    if (!c->person_ids || !c->persons) return jy_err_set2(err, JY_ENOMEM, "demo.oom_persons", "out of memory for %d persons", "为 %d 名人员分配内存时不足", total);
    const char *actor = c->o->actor ? c->o->actor : "demo";
    const jy_divisions *divs = c->o->divs;
    int rc = 0;
    for (int i = 0; i < total; i++) {
        jy_person p;
        memset(&p, 0, sizeof p);
        int in_county = !rng_chance(&r, 80);
        const char *county = in_county ? c->county : WPICK(&r, other_counties);
        if (!jy_division_is_known(divs, county)) {
            county = c->county;
            in_county = 1;
        }
        const town *t = in_county ? pick_town(c, &r) : NULL;

        p.sex = rng_chance(&r, 510) ? 'M' : 'F';
        int y = birth_year(&r);
        int m = rng_between(&r, 1, 12);
        int d = rng_between(&r, 1, jy_days_in_month(y, m));
        p.birth = ymd(y, m, d);

        /* ethnicity: Haiyuan ~72 % Hui; elsewhere in Ningxia fewer */
        int hui_permille = in_county ? 720 : 400;
        int hui = rng_chance(&r, hui_permille);
        int other = !hui && rng_chance(&r, 15);
        snprintf(p.ethnicity, sizeof p.ethnicity, "%s",
                 hui ? "回族" : other ? (rng_chance(&r, 500) ? "东乡族" : "满族") : "汉族");
        if (hui) c->sum->hui++;
        else if (other) c->sum->other_ethnicity++;
        else c->sum->han++;

        make_name(&r, hui, p.sex, p.name, sizeof p.name);
        const wstr *edu;
        int nedu;
        int age = jy_age_on(p.birth, c->as_of);
        if (age < 22) edu = edu_teen, nedu = N_ELEMS(edu_teen);
        else if (y >= 1990) edu = edu_young, nedu = N_ELEMS(edu_young);
        else if (y >= 1975) edu = edu_mid, nedu = N_ELEMS(edu_mid);
        else edu = edu_old, nedu = N_ELEMS(edu_old);
        snprintf(p.education, sizeof p.education, "%s", rng_wpick(&r, edu, nedu));
        if (age < 19 && strcmp(p.education, "大专") == 0) snprintf(p.education, sizeof p.education, "高中");

        /* ID number: Haiyuan people born before 1990 often still carry the pre-2002 code */
        const char *id_div = county;
        if (in_county && strcmp(c->county, "640522") == 0 && y < 1990 && rng_chance(&r, 300))
            id_div = rng_chance(&r, 900) ? "642222" : "640421";
        if (!jy_division_is_known(divs, id_div)) id_div = county;
        make_idcard(c, &r, id_div, p.birth, p.sex, p.idcard);

        if (in_county) {
            snprintf(p.hukou_division, sizeof p.hukou_division, "%s", t->code);
            p.hukou_kind = rng_chance(&r, t->urban_permille) ? JY_HUKOU_URBAN : JY_HUKOU_RURAL;
            if (p.hukou_kind == JY_HUKOU_URBAN && strcmp(t->code, "640522100") == 0)
                snprintf(p.address, sizeof p.address, "%s%s%s%d号", c->county_full, t->name,
                         PICK(&r, streets), rng_between(&r, 1, 320));
            else
                snprintf(p.address, sizeof p.address, "%s%s%s%d组%d号", c->county_full, t->name,
                         pick_village(c, &r, t), rng_between(&r, 1, 9), rng_between(&r, 1, 120));
            c->sum->in_county++;
        } else {
            snprintf(p.hukou_division, sizeof p.hukou_division, "%s", county);
            p.hukou_kind = rng_chance(&r, 700) ? JY_HUKOU_RURAL : JY_HUKOU_URBAN;
            jy_sb full = JY_SB_INIT;
            jy_division_full_name(divs, county, &full);
            snprintf(p.address, sizeof p.address, "%s%s%s村%d组", jy_sb_cstr(&full),
                     PICK(&r, village_first), PICK(&r, village_second), rng_between(&r, 1, 9));
            jy_sb_free(&full);
            c->sum->outside_county++;
        }
        snprintf(p.county, sizeof p.county, "%.6s", p.hukou_division);
        if (rng_chance(&r, 930)) make_mobile(&r, p.phone);

        int result = 0;
        if ((rc = jy_store_person_put(c->st, &p, actor, &result, err))) {
            jy_err_prefix2(err, "demo person %d (%s): ", "演示人员 %d（%s）：", i + 1, p.idcard);
            return rc;
        }
        if (result == JY_PUT_CREATED) c->sum->persons_created++;
        else c->sum->persons_existing++;
        {
            demo_person *dp = &c->persons[c->npersons];
            memcpy(dp->idcard, p.idcard, sizeof dp->idcard);
            snprintf(dp->division, sizeof dp->division, "%s", p.hukou_division);
            dp->birth_year = (short)y;
            dp->in_county = (char)in_county;
            dp->rural = p.hukou_kind == JY_HUKOU_RURAL;
        }
        c->person_ids[c->npersons++] = p.id;
        if ((rc = tx_row(c, err))) return rc;
        if ((rc = person_statuses(c, &r, &p, in_county, err))) {
            jy_err_prefix2(err, "demo person %d (%s) status: ", "演示人员 %d（%s）的状态：", i + 1, p.idcard);
            return rc;
        }
        if ((i + 1) % 500 == 0 || i + 1 == total) progress(c, "persons", i + 1, total);
    }
    return 0;
}

/* ---- stage: organisations ---- */

typedef enum org_type {
    OT_COMMUNITY, OT_EMPLOYER, OT_TRAINING, OT_COOP, OT_WORKSHOP, OT_AGENCY, OT_BROKER,
    OT_TRAINEESHIP, OT_GIG, OT_PUBLIC, OT_SERVICE_CENTRE, OT_STARTUP_BASE, OT_SHOP, OT_LEADING,
    OT__COUNT
} org_type;

/* Share per mille of each type among the organisations; the order is the order of creation. */
static const struct {
    org_type t;
    int permille;
    unsigned kinds;
    const char *uscc2; /* registration authority + organisation type */
} org_types[] = {
    {OT_TRAINING, 70, JY_ORG_TRAINING_BODY, "52"},
    {OT_AGENCY, 30, JY_ORG_LABOUR_AGENCY, "91"},
    {OT_BROKER, 40, JY_ORG_LABOUR_BROKER, "92"},
    {OT_GIG, 20, JY_ORG_GIG_STATION, "12"},
    {OT_WORKSHOP, 80, JY_ORG_WORKSHOP | JY_ORG_EMPLOYER, "91"},
    {OT_TRAINEESHIP, 40, JY_ORG_TRAINEESHIP_BASE | JY_ORG_EMPLOYER, "91"},
    {OT_COOP, 110, JY_ORG_COOPERATIVE, "93"},
    {OT_LEADING, 10, JY_ORG_LEADING_ENTERPRISE | JY_ORG_EMPLOYER, "91"},
    {OT_PUBLIC, 40, JY_ORG_PUBLIC_BODY | JY_ORG_EMPLOYER, "12"},
    {OT_SERVICE_CENTRE, 10, JY_ORG_SERVICE_CENTRE, "12"},
    {OT_STARTUP_BASE, 10, JY_ORG_STARTUP_BASE, "12"},
    {OT_SHOP, 20, JY_ORG_SHOP, "92"},
    {OT_EMPLOYER, 270, JY_ORG_EMPLOYER, "91"},
    /* 村民委员会: GB 32100 gives 基层群众性自治组织 no type of their own in the table jiuye
     * checks against, so they are registered as 民政/其他 (59). */
    {OT_COMMUNITY, 250, JY_ORG_COMMUNITY, "59"},
};

static const char *const brands[] = {
    "华兴", "鑫源", "宏达", "福瑞", "恒通", "金穗", "丰源", "天禾", "润泽", "西海固", "南华山",
    "天都山", "富民", "昌盛", "泰和", "裕丰", "兴海", "瑞祥", "永盛", "德隆", "海鑫", "原野",
    "塞上", "六盘", "清河", "同心圆", "盛源", "众和", "春晖", "利民",
};
static const char *const trades[] = {
    "农业科技", "牧业", "建筑工程", "商贸", "物流", "餐饮管理", "清真食品", "服饰", "电子科技",
    "新能源", "物业服务", "家政服务", "建材", "汽车服务", "马铃薯加工", "肉牛养殖", "电气安装",
};
static const char *const coop_trades[] = {
    "肉牛养殖", "滩羊养殖", "小杂粮种植", "马铃薯种植", "硒砂瓜种植", "中药材种植", "枸杞种植",
    "劳务", "农机服务", "蔬菜种植", "苗木种植", "胡麻种植",
};
static const char *const workshop_products[] = {"服饰", "手工艺品", "电子元件", "箱包", "刺绣", "假发", "食品包装"};
static const char *const service_cities[] = {"福建福州", "江苏苏州", "浙江宁波", "新疆昌吉", "银川", "广东东莞", "福建泉州", "内蒙古鄂尔多斯"};
static const char *const public_bodies[] = {
    "海原县人民医院", "海原县中医医院", "海原县第一中学", "海原县第二中学", "海原县回民中学",
    "海原县职业中学", "海原县城关第一小学", "海原县城关第二小学", "海原县妇幼保健计划生育服务中心",
    "海原县疾病预防控制中心", "海原县农业技术推广服务中心", "海原县就业创业服务中心",
};
static const wstr banks[] = {
    {"中国农业银行海原县支行", 35}, {"宁夏黄河农村商业银行海原支行", 30},
    {"中国工商银行海原支行", 10}, {"中国建设银行海原支行", 10}, {"中国邮政储蓄银行海原县支行", 10},
    {"宁夏银行海原支行", 5},
};

static void bank_account(rng *r, const char *bank, char out[40])
{
    const char *prefix = strstr(bank, "农业") ? "2960" : strstr(bank, "黄河") ? "1105"
                       : strstr(bank, "工商") ? "2905" : strstr(bank, "建设") ? "6405"
                       : strstr(bank, "邮政") ? "9640" : "1201";
    char digits[20];
    snprintf(digits, sizeof digits, "%s%04u%04u%06u", prefix, rng_below(r, 10000), rng_below(r, 10000), rng_below(r, 1000000));
    digits[18] = '\0';
    snprintf(out, 40, "%s%c", digits, jy_luhn_digit(digits, 18));
}

/* A fresh valid USCC: authority+type (2), county (6), organisation code (8 + GB 11714 check), check. */
static void make_uscc(demo_ctx *c, rng *r, const char *type2, char out[19])
{
    static const char digits[] = "0123456789";
    static const char letters_ok[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (;;) {
        char body[9];
        /* older organisation codes are digits; newer ones start with MA (市场主体) */
        int ma = type2[0] == '9' && rng_chance(r, 700);
        for (int i = 0; i < 8; i++) body[i] = digits[rng_below(r, 10)];
        if (ma) {
            body[0] = 'M';
            body[1] = 'A';
            body[2] = letters_ok[rng_below(r, 10)];
            body[3] = letters_ok[rng_below(r, (uint32_t)strlen(letters_ok))];
        }
        body[8] = '\0';
        char check9 = jy_uscc_orgcode_check_char(body);
        if (!check9) continue;
        char first17[18];
        snprintf(first17, sizeof first17, "%.2s%.6s%.8s%c", type2, c->county, body, check9);
        char cc = jy_uscc_check_char(first17);
        if (!cc) continue; /* X as organisation-code check is in the alphabet; others are not */
        memcpy(out, first17, 17);
        out[17] = cc;
        out[18] = '\0';
        if (strset_add(&c->usccs, out)) return;
    }
}

/* Names an organisation of type t; for a one-person business the owner's name goes to person
 * (else person is set to ""). */
static void org_name(demo_ctx *c, rng *r, org_type t, const town *tw, const char *village, char *out,
                     size_t n, char person[64])
{
    person[0] = '\0';
    const char *cn = c->county_name;
    switch (t) {
    case OT_COMMUNITY: snprintf(out, n, "%s%s%s村民委员会", cn, tw->name, village); break;
    case OT_TRAINING:
        snprintf(out, n, "%s%s%s", cn, PICK(r, brands), rng_chance(r, 500) ? "职业技能培训学校" : "职业培训中心");
        break;
    case OT_COOP: snprintf(out, n, "%s%s%s专业合作社", cn, village, PICK(r, coop_trades)); break;
    case OT_WORKSHOP:
        snprintf(out, n, "%s%s%s有限公司%s帮扶车间", cn, PICK(r, brands), PICK(r, workshop_products), village);
        break;
    case OT_AGENCY: snprintf(out, n, "%s%s人力资源服务有限公司", cn, PICK(r, brands)); break;
    case OT_BROKER:
        make_name(r, rng_chance(r, 720), 'M', person, 64);
        snprintf(out, n, "%s%s劳务经纪服务部", cn, person);
        break;
    case OT_GIG: snprintf(out, n, "%s%s零工驿站", cn, tw->name); break;
    case OT_PUBLIC:
        if (rng_chance(r, 500)) snprintf(out, n, "%s", PICK(r, public_bodies));
        else snprintf(out, n, "%s%s%s", cn, tw->name, rng_chance(r, 500) ? "中心小学" : "卫生院");
        break;
    case OT_SERVICE_CENTRE: snprintf(out, n, "%s驻%s劳务工作站", cn, PICK(r, service_cities)); break;
    case OT_STARTUP_BASE: snprintf(out, n, "%s%s返乡创业孵化基地", cn, tw->name); break;
    case OT_SHOP: snprintf(out, n, "%s%s%s社区便民服务店", cn, tw->name, village); break;
    case OT_LEADING: snprintf(out, n, "宁夏%s%s有限公司", PICK(r, brands), rng_chance(r, 500) ? "牧业" : "农业发展"); break;
    case OT_EMPLOYER:
    case OT_TRAINEESHIP:
    default:
        if (rng_chance(r, 200)) {
            make_name(r, 1, 'M', person, 64);
            snprintf(out, n, "%s%s%s", cn, person, rng_chance(r, 500) ? "牛肉拉面馆" : "汽车修理部");
        } else {
            snprintf(out, n, "%s%s%s有限公司", rng_chance(r, 800) ? cn : "宁夏", PICK(r, brands),
                     PICK(r, trades));
        }
        break;
    }
}

/* Validity of a licence issued for `years`: mostly valid on as_of, about one in eight lapsed. */
static void licence_dates(demo_ctx *c, rng *r, int years, jy_licence *l, int *issue_year)
{
    jy_date from = rng_chance(r, 125) ? rng_date(r, c->as_of - 365 * (years + 3), c->as_of - 365 * years - 30)
                                      : rng_date(r, c->as_of - 365 * years + 30, c->as_of - 30);
    l->valid_from = from;
    l->valid_until = jy_date_add_months(from, 12 * years) - 1;
    int m, d;
    jy_date_to_ymd(from, issue_year, &m, &d);
}

static int add_licence(demo_ctx *c, jy_licence *l, int64_t org_id, jy_err *err)
{
    int rc = jy_store_org_licence_add(c->st, org_id, l, c->o->actor ? c->o->actor : "demo", err);
    if (rc) return rc;
    c->sum->licences++;
    return tx_row(c, err);
}

static int stage_orgs(demo_ctx *c, uint64_t seed, jy_err *err)
{
    rng r;
    rng_seed(&r, seed, "orgs");
    int total = c->o->orgs > 0 ? c->o->orgs : 300;
    const char *actor = c->o->actor ? c->o->actor : "demo";
    /* how many of each type: largest remainder, at least one training body and one employer */
    int count[N_ELEMS(org_types)];
    int rem[N_ELEMS(org_types)];
    int assigned = 0;
    for (int i = 0; i < N_ELEMS(org_types); i++) {
        count[i] = total * org_types[i].permille / 1000;
        rem[i] = total * org_types[i].permille % 1000;
        assigned += count[i];
    }
    while (assigned < total) {
        int best = 0;
        for (int i = 1; i < N_ELEMS(org_types); i++)
            if (rem[i] > rem[best]) best = i;
        count[best]++;
        rem[best] = -1;
        assigned++;
    }
    c->orgs = calloc((size_t)total, sizeof *c->orgs);
    if (!c->orgs) return jy_err_set2(err, JY_ENOMEM, "demo.oom_orgs", "out of memory for %d organisations", "为 %d 个单位分配内存时不足", total);

    int done = 0, rc = 0;
    int village_next = 0;
    int *village_order = jy_arena_alloc(c->arena, (size_t)(c->nvillages ? c->nvillages : 1) * sizeof(int));
    for (int i = 0; i < c->nvillages; i++) village_order[i] = i;
    for (int i = c->nvillages - 1; i > 0; i--) {
        int j = (int)rng_below(&r, (uint32_t)i + 1);
        int tmp = village_order[i];
        village_order[i] = village_order[j];
        village_order[j] = tmp;
    }
    for (int ti = 0; ti < N_ELEMS(org_types); ti++) {
        for (int k = 0; k < count[ti]; k++) {
            org_type t = org_types[ti].t;
            jy_org o;
            memset(&o, 0, sizeof o);
            const town *tw;
            const char *village;
            if (t == OT_COMMUNITY && c->nvillages > 0) {
                /* each community is one village, in shuffled order, until the villages run out */
                int v = village_order[village_next++ % c->nvillages];
                village = c->villages[v];
                tw = &c->towns[c->village_town[v]];
            } else {
                tw = t == OT_PUBLIC || t == OT_AGENCY || t == OT_TRAINING || t == OT_SERVICE_CENTRE
                         ? (rng_chance(&r, 700) ? &c->towns[0] : pick_town(c, &r))
                         : pick_town(c, &r);
                village = pick_village(c, &r, tw);
            }
            char owner[64];
            for (int tries = 0;; tries++) {
                org_name(c, &r, t, tw, village, o.name, sizeof o.name, owner);
                if (tries >= 20) {
                    size_t len = strlen(o.name);
                    snprintf(o.name + len, sizeof o.name - len, "（%d）", tries - 18);
                }
                if (strset_add(&c->names, o.name)) break;
            }
            make_uscc(c, &r, org_types[ti].uscc2, o.uscc);
            o.kinds = org_types[ti].kinds;
            if (o.kinds & JY_ORG_EMPLOYER) {
                static const wstr sizes[] = {{"1", 550}, {"2", 300}, {"3", 120}, {"4", 30}};
                o.size_class = t == OT_LEADING ? JY_SIZE_MEDIUM + (int)rng_below(&r, 2)
                             : t == OT_PUBLIC ? JY_SIZE_SMALL + (int)rng_below(&r, 2)
                                              : atoi(WPICK(&r, sizes));
            }
            snprintf(o.division, sizeof o.division, "%s", tw->code);
            snprintf(o.county, sizeof o.county, "%s", c->county);
            make_name(&r, rng_chance(&r, 700), rng_chance(&r, 800) ? 'M' : 'F', o.legal_person, sizeof o.legal_person);
            if (owner[0]) snprintf(o.legal_person, sizeof o.legal_person, "%s", owner);
            make_mobile(&r, o.phone);
            if (t == OT_COMMUNITY)
                snprintf(o.address, sizeof o.address, "%s%s%s村部", c->county_full, tw->name, village);
            else if (strcmp(tw->code, "640522100") == 0 &&
                     (t == OT_PUBLIC || t == OT_AGENCY || t == OT_TRAINING || t == OT_SERVICE_CENTRE ||
                      t == OT_EMPLOYER || t == OT_TRAINEESHIP || t == OT_LEADING || t == OT_BROKER))
                snprintf(o.address, sizeof o.address, "%s%s%s%d号", c->county_full, tw->name, PICK(&r, streets), rng_between(&r, 1, 320));
            else
                snprintf(o.address, sizeof o.address, "%s%s%s", c->county_full, tw->name, village);
            if (t != OT_BROKER || rng_chance(&r, 500)) {
                const char *bank = WPICK(&r, banks);
                snprintf(o.bank_name, sizeof o.bank_name, "%s", bank);
                bank_account(&r, bank, o.bank_account);
            }
            int result = 0;
            if ((rc = jy_store_org_put(c->st, &o, actor, &result, err))) {
                jy_err_prefix2(err, "demo organisation %d (%s): ", "演示单位 %d（%s）：", done + 1, o.uscc);
                return rc;
            }
            if (result == JY_PUT_CREATED) c->sum->orgs_created++;
            else c->sum->orgs_existing++;
            for (int b = 0; b < JY_ORG__KIND_COUNT; b++)
                if (o.kinds & (1u << b)) c->sum->orgs_by_kind[b]++;
            c->orgs[c->norgs].id = o.id;
            c->orgs[c->norgs].kinds = o.kinds;
            memcpy(c->orgs[c->norgs].uscc, o.uscc, sizeof c->orgs[c->norgs].uscc);
            snprintf(c->orgs[c->norgs].division, sizeof c->orgs[c->norgs].division, "%s", o.division);
            c->norgs++;
            if ((rc = tx_row(c, err))) return rc;

            jy_licence l;
            memset(&l, 0, sizeof l);
            int year = 0;
            if (t == OT_TRAINING) {
                licence_dates(c, &r, 5, &l, &year);
                snprintf(l.kind, sizeof l.kind, "办学许可证");
                snprintf(l.number, sizeof l.number, "人社民%s%04d%03d号", c->county, year % 10000, (k + 1) % 1000);
                rc = add_licence(c, &l, o.id, err);
            } else if (t == OT_AGENCY) {
                licence_dates(c, &r, 5, &l, &year);
                snprintf(l.kind, sizeof l.kind, "人力资源服务许可证");
                snprintf(l.number, sizeof l.number, "（宁）人服证字〔%d〕第%s%03d号", year % 10000, c->county + 2, (k + 1) % 1000);
                rc = add_licence(c, &l, o.id, err);
            } else if (t == OT_BROKER) {
                licence_dates(c, &r, 3, &l, &year);
                snprintf(l.kind, sizeof l.kind, "劳务经纪人资格证");
                snprintf(l.number, sizeof l.number, "海劳经备〔%d〕%03d号", year % 10000, (k + 1) % 1000);
                rc = add_licence(c, &l, o.id, err);
            }
            if (rc) {
                jy_err_prefix2(err, "demo organisation %s licence: ", "演示单位 %s 证照：", o.uscc);
                return rc;
            }
            done++;
            if (done % 50 == 0 || done == total) progress(c, "orgs", done, total);
        }
    }
    return 0;
}

/* ---- stage: the demo year (issue 5): users, budgets, cases in every programme, money ----
 *
 * Everything goes through the service functions (case.h, placement.h, payroll.h, ledger.h,
 * payment.h) as a county's staff would use them: training bodies file classes and trainees,
 * township staff file their villages' platforms and hold events, the county and city reviewers
 * take the workflow steps on working days, publicity runs its days by the calendar, the
 * finance section approves money in the ledger and two people build, review, export and pay
 * the batches. A few cases draw an objection in publicity, a few are rejected, the policy's
 * needs_review cases stay held for a person. Sizes scale with --year-cases. */

#define YR_NPROG 27

typedef struct year_ctx {
    demo_ctx *c;
    jy_cases *cs;
    rng r;
    int scale;              /* per mille of the full size */
    const char *rev, *rev2, *city, *fin1, *fin2;
    char (*town_user)[40];  /* per town */
    int *bodies;            /* org indexes of training bodies */
    int nbodies;
    unsigned char *placed;  /* per person: already in a placement */
    int64_t *recognised;    /* cases recognised with an amount: money to approve */
    int nrec, caprec;
    jy_sb text;             /* the JSON texts of the case last read */
} year_ctx;

static jy_date yr_workday(year_ctx *y, jy_date d, int n)
{
    jy_date out = d + n;
    jy_err e = {0};
    if (jy_calendar_nth_workday(y->cs->cal, d, n < 1 ? 1 : n, &out, &e)) return d + n;
    return out;
}

static int yr_count(year_ctx *y, int full)
{
    int n = (int)(((int64_t)full * y->scale + 999) / 1000);
    return n < 1 ? 1 : n;
}

static int prog_index(const char *program) { return atoi(program + 1) % YR_NPROG; }

/* A random person with every status of `need` (bits), born in [y0, y1], of the county when
 * in_county; -1 when none turns up in a few hundred tries. Placement persons are used once. */
static int yr_person(year_ctx *y, unsigned need, int y0, int y1, int in_county, int unplaced)
{
    demo_ctx *c = y->c;
    for (int t = 0; t < 400 && c->npersons > 0; t++) {
        int i = (int)rng_below(&y->r, (uint32_t)c->npersons);
        const demo_person *p = &c->persons[i];
        if ((p->statuses & need) != need) continue;
        if (p->birth_year < y0 || p->birth_year > y1) continue;
        if (in_county && !p->in_county) continue;
        if (p->statuses & ((1u << JY_ST_RETIRED) | (1u << JY_ST_FISCAL_PAYROLL))) continue;
        if (unplaced && y->placed[i]) continue;
        return i;
    }
    return -1;
}

static int yr_org(year_ctx *y, unsigned kind)
{
    demo_ctx *c = y->c;
    int n = 0;
    for (int i = 0; i < c->norgs; i++)
        if (c->orgs[i].kinds & kind) n++;
    if (!n) return -1;
    int k = (int)rng_below(&y->r, (uint32_t)n);
    for (int i = 0; i < c->norgs; i++)
        if ((c->orgs[i].kinds & kind) && k-- == 0) return i;
    return -1;
}

static const char *yr_town_user(year_ctx *y, const char *division)
{
    for (int i = 0; i < y->c->ntowns; i++)
        if (strncmp(division, y->c->towns[i].code, 9) == 0) return y->town_user[i];
    return y->rev;
}

static const char *yr_body_user(year_ctx *y, int org_index)
{
    (void)y;
    static char name[40];
    snprintf(name, sizeof name, "body-%d", org_index);
    return name;
}

static int yr_add_user(year_ctx *y, const char *name, const char *role, const char *area, int64_t org_id,
                       const char *display, jy_err *err)
{
    jy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.area, sizeof u.area, "%s", area);
    u.org_id = org_id;
    snprintf(u.display, sizeof u.display, "%s", display);
    int result = 0;
    int rc = jy_store_user_put(y->c->st, &u, y->c->o->actor ? y->c->o->actor : "demo", &result, err);
    if (rc) return jy_err_prefix2(err, "demo user %s: ", "演示用户 %s：", name);
    if (result == JY_PUT_CREATED) y->c->sum->users++;
    return 0;
}

static int yr_users(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc;
    const char *me = c->o->actor ? c->o->actor : "demo";
    if ((rc = yr_add_user(y, me, "admin", "", 0, "演示数据管理员", err))) return rc;
    if ((rc = yr_add_user(y, y->rev, "county_reviewer", c->county, 0, "县人社局就业股", err))) return rc;
    char city[7];
    snprintf(city, sizeof city, "%.4s", c->county);
    if ((rc = yr_add_user(y, y->city, "city_reviewer", city, 0, "市人社局就业科", err))) return rc;
    /* the payroll's second reviewer (four-eyes: not whoever ran the month), and the two finance
     * users who enter the budget and build, approve and pay the batches (policy/workflows.txt's
     * operations block: the reviewers decide, finance moves the money) */
    if ((rc = yr_add_user(y, y->rev2, "county_reviewer", c->county, 0, "县人社局就业股（复核）", err))) return rc;
    if ((rc = yr_add_user(y, y->fin1, "finance", c->county, 0, "县人社局财务股（制单）", err))) return rc;
    if ((rc = yr_add_user(y, y->fin2, "finance", c->county, 0, "县人社局财务股（复核）", err))) return rc;
    y->town_user = calloc((size_t)(c->ntowns ? c->ntowns : 1), sizeof *y->town_user);
    if (!y->town_user) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    for (int i = 0; i < c->ntowns; i++) {
        snprintf(y->town_user[i], sizeof y->town_user[i], "town-%s", c->towns[i].code);
        char disp[64];
        snprintf(disp, sizeof disp, "%s劳动保障所", c->towns[i].name);
        if ((rc = yr_add_user(y, y->town_user[i], "township_staff", c->towns[i].code, 0, disp, err))) return rc;
    }
    y->bodies = calloc((size_t)(c->norgs ? c->norgs : 1), sizeof *y->bodies);
    if (!y->bodies) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    for (int i = 0; i < c->norgs; i++) {
        if (!(c->orgs[i].kinds & JY_ORG_TRAINING_BODY)) continue;
        y->bodies[y->nbodies++] = i;
        if ((rc = yr_add_user(y, yr_body_user(y, i), "training_body", c->county, c->orgs[i].id, "培训机构经办人", err)))
            return rc;
    }
    return 0;
}

/* Takes one step; a refusal (JY_ECONFLICT) is returned to the caller, which leaves the case where
 * it stands. */
static int yr_step(year_ctx *y, int64_t id, const char *step, jy_date on, const char *reason, const char *actor,
                   jy_err *err)
{
    int rc = jy_case_advance(y->cs, id, step, on, reason, actor, err);
    if (rc == 0) return tx_row(y->c, err);
    return rc;
}

static int yr_get(year_ctx *y, int64_t id, jy_case *out, jy_err *err)
{
    jy_sb_reset(&y->text);
    return jy_store_case_get(y->c->st, id, out, &y->text, err);
}

/* 1 when step of case id's workflow commits money in the ledger (policy/workflows.txt "commit"),
 * 0 when not, a negative JY_E* on failure. */
static int yr_step_commits(year_ctx *y, int64_t id, const char *step, jy_err *err)
{
    jy_case k;
    int rc = yr_get(y, id, &k, err);
    if (rc) return rc;
    const jy_workflow *wf = jy_workflow_for(y->cs->wf, k.program, k.kind);
    const jy_wf_step *s = wf ? jy_workflow_step(wf, step) : NULL;
    return s && (s->flags & JY_WF_COMMIT) ? 1 : 0;
}

/* Files a case and counts it. *id 0 when the filing was refused (JY_EINVAL/JY_ECONFLICT): the
 * refusal is counted, not fatal. */
static int yr_file(year_ctx *y, const char *program, const char *kind, const char *idcard, const char *uscc,
                   int64_t parent, const char *facts, jy_date on, const char *actor, int64_t *id, jy_err *err)
{
    jy_case_filing f = {.program = program, .kind = kind, .idcard = idcard, .uscc = uscc, .parent_id = parent,
                        .facts_json = facts, .on = on};
    *id = 0;
    int rc = jy_case_file(y->cs, &f, actor, id, err);
    if (rc == JY_ECONFLICT || rc == JY_EINVAL) {
        y->c->sum->year_refused++;
        *id = 0;
        return 0;
    }
    if (rc) return jy_err_prefix2(err, "demo case %s %s: ", "演示案件 %s %s：", program, kind ? kind : "");
    y->c->sum->cases++;
    y->c->sum->cases_by_program[prog_index(program)]++;
    return tx_row(y->c, err);
}

typedef struct yr_path {
    const char *step;
    const char *role;      /* "rev", "city", "body", "town" */
    int days;              /* working days after the previous step */
    const char *reason;
} yr_path;

/* Workflow paths to recognition ("publish" steps wait out the publicity by the calendar). */
static const yr_path path_claim[] = {{"county_approve", "rev", 3, "材料齐全，审核通过"},
                                     {"publish", "rev", 1, "公示"},
                                     {"recognise", "rev", 0, "公示期满无异议，予以认定"},
                                     {NULL, NULL, 0, NULL}};
static const yr_path path_site[] = {{"county_approve", "rev", 5, "经实地考察，材料属实"},
                                    {"publish", "rev", 1, "公示"},
                                    {"recognise", "rev", 0, "公示期满无异议，予以认定"},
                                    {NULL, NULL, 0, NULL}};
static const yr_path path_city[] = {{"county_approve", "rev", 6, "经实地考察，县级初审通过"},
                                    {"city_approve", "city", 8, "市级审核通过"},
                                    {"publish", "city", 1, "公示"},
                                    {"recognise", "city", 0, "公示期满无异议，予以认定"},
                                    {NULL, NULL, 0, NULL}};
static const yr_path path_p7[] = {{"county_approve", "rev", 5, "经实地考察，推荐"},
                                  {"publish", "rev", 1, "人社部门公示"},
                                  {"recommend", "rev", 0, "公示无异议，报县人民政府"},
                                  {"government_approve", "rev", 6, "县人民政府审核同意"},
                                  {"publish_again", "rev", 1, "公示"},
                                  {"recognise", "rev", 0, "公示期满无异议，授牌"},
                                  {NULL, NULL, 0, NULL}};
static const yr_path path_project[] = {{"county_approve", "rev", 5, "县级初审通过"},
                                       {"city_approve", "city", 6, "市级立项"},
                                       {"publish", "city", 1, "立项公示"},
                                       {"approve_project", "rev", 0, "公示无异议，立项"},
                                       {"start", "body", 3, "开班"},
                                       {"finish", "body", 30, "结业"},
                                       {"accept", "rev", 4, "验收合格"},
                                       {"publish_acceptance", "rev", 1, "验收结果公示"},
                                       {"recognise", "rev", 0, "公示无异议，予以认定"},
                                       {NULL, NULL, 0, NULL}};
static const yr_path path_event[] = {{"county_approve", "rev", 4, "审核通过"},
                                     {"hold", "town", 10, "活动已举办"},
                                     {NULL, NULL, 0, NULL}};

static const char *yr_actor(year_ctx *y, const char *role, const char *town_user, const char *body_user)
{
    if (strcmp(role, "city") == 0) return y->city;
    if (strcmp(role, "body") == 0) return body_user ? body_user : y->rev;
    if (strcmp(role, "town") == 0) return town_user ? town_user : y->rev;
    return y->rev;
}

static int yr_remember(year_ctx *y, int64_t id, jy_err *err)
{
    if (y->nrec == y->caprec) {
        int cap = y->caprec ? y->caprec * 2 : 1024;
        int64_t *n = realloc(y->recognised, (size_t)cap * sizeof *n);
        if (!n) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        y->recognised = n;
        y->caprec = cap;
    }
    y->recognised[y->nrec++] = id;
    return 0;
}

/* Takes a filed case along path: an ineligible decision is rejected, needs_review stays filed
 * (held for a person), about one case in 40 draws an objection in publicity and is reviewed
 * again. *last receives the date of the last step. */
static int yr_advance(year_ctx *y, int64_t id, const yr_path *path, jy_date on, const char *town_user,
                      const char *body_user, jy_date *last, jy_err *err)
{
    jy_case k;
    int rc;
    *last = on;
    if (!id) return 0;
    if ((rc = yr_get(y, id, &k, err))) return rc;
    if (strcmp(k.decision, "needs_review") == 0) {
        y->c->sum->held_for_review++;
        return 0;
    }
    if (strcmp(k.decision, "ineligible") == 0 || rng_chance(&y->r, 15)) {
        jy_date d = yr_workday(y, on + 1, 3);
        const char *reject_actor = strcmp(path[0].step, "county_approve") == 0 ? y->rev : y->rev;
        rc = yr_step(y, id, "reject", d, strcmp(k.decision, "ineligible") == 0 ? "不符合条件，不予通过" : "材料不全，退回不予受理",
                     reject_actor, err);
        if (rc == JY_ECONFLICT) return 0; /* this workflow has no reject from here */
        if (rc) return rc;
        y->c->sum->rejected++;
        *last = d;
        return 0;
    }
    int objected = 0;
    jy_date d = on;
    for (int i = 0; path[i].step; i++) {
        if (strcmp(path[i].step, "recognise") == 0 || strcmp(path[i].step, "recommend") == 0 ||
            strcmp(path[i].step, "approve_project") == 0) {
            /* the day after publicity ends, the next working day */
            if ((rc = yr_get(y, id, &k, err))) return rc;
            if (!objected && rng_chance(&y->r, 25) && k.publicity_end > d) {
                jy_date od = d + 1 + (jy_date)rng_below(&y->r, 2);
                if (od > k.publicity_end) od = k.publicity_end;
                rc = yr_step(y, id, "object", od, "群众反映情况，重新审核", y->rev, err);
                if (rc == 0) {
                    objected = 1;
                    y->c->sum->objections++;
                    d = yr_workday(y, od + 1, 3);
                    i = -1; /* reviewed again from the start */
                    continue;
                }
                if (rc != JY_ECONFLICT) return rc;
            }
            d = yr_workday(y, (k.publicity_end > d ? k.publicity_end : d) + 1, 1);
        } else {
            d = path[i].days > 0 ? yr_workday(y, d + 1, path[i].days) : d;
        }
        rc = yr_step(y, id, path[i].step, d, path[i].reason, yr_actor(y, path[i].role, town_user, body_user), err);
        if (rc == JY_ECONFLICT) {
            y->c->sum->refused_steps++;
            if ((rc = yr_step_commits(y, id, path[i].step, err)) < 0) return rc;
            if (rc) y->c->sum->over_budget++; /* a refused step that commits money: no budget left */
            *last = d;
            return 0;
        }
        if (rc) return jy_err_prefix2(err, "demo case %lld %s: ", "演示案件 %lld %s：", (long long)id, path[i].step);
    }
    *last = d;
    if ((rc = yr_get(y, id, &k, err))) return rc;
    if (strcmp(k.state, "recognised") == 0 || strcmp(k.state, "held") == 0) {
        y->c->sum->recognised++;
        if (k.has_amount && k.amount > 0) return yr_remember(y, id, err);
    }
    return 0;
}

static jy_date yr_date(year_ctx *y, int year, int m0, int m1)
{
    return yr_workday(y, rng_date(&y->r, ymd(year, m0, 1), ymd(year, m1, 25)), 1);
}

/* ---- training: P1 classes by track, P2 groups, P23 veterans and disabled ---- */

static const struct {
    const char *occupation, *track;
    int permille;
} p1_classes[] = {
    {"经营性货运驾驶员", "driver", 330}, {"枸杞种植", "gouqi", 150}, {"中式烹调师", NULL, 220},
    {"中式面点师", NULL, 50},            {"家政服务员", NULL, 120},   {"养老护理员", NULL, 40},
    {"电工", NULL, 60},                  {"焊工", NULL, 30},
};

/* The teachers (授课教师 with their qualifications), site (培训场地), teaching plan (教学计划) and
 * documents (开班申请材料) of a class application, as JSON members (no braces) into out: what the
 * county's review checks (class_app.h, P1 八(四)). with_teachers 0 leaves the teachers out (a
 * class sent back by the review). */
static const char *const teacher_names[] = {"马建国", "李秀梅", "杨志强", "田海燕", "马文礼", "苏玉兰", "海正明", "王桂芳"};
static const char *const teacher_titles[] = {"高级技师", "技师", "高级讲师", "一级实习指导教师"};

static void yr_class_form(year_ctx *y, const char *occupation, int hours, int practical, jy_date start, jy_date end, int bi,
                          int with_teachers, char *out, size_t n)
{
    demo_ctx *c = y->c;
    const char *t1 = PICK(&y->r, teacher_names), *t2 = PICK(&y->r, teacher_names);
    if (t1 == t2) t2 = t1 == teacher_names[0] ? teacher_names[1] : teacher_names[0];
    const char *q1 = PICK(&y->r, teacher_titles), *q2 = PICK(&y->r, teacher_titles);
    jy_date mid = start + (end - start) / 3;
    char d0[JY_DATE_BUFSZ], d1[JY_DATE_BUFSZ], dm[JY_DATE_BUFSZ], dm1[JY_DATE_BUFSZ], teachers[512] = "";
    jy_date_format(start, d0);
    jy_date_format(end, d1);
    jy_date_format(mid, dm);
    jy_date_format(mid + 1, dm1);
    /* the training body's own rooms, in its township */
    const char *township = "海城镇";
    for (int i = 0; i < c->ntowns; i++)
        if (strncmp(c->towns[i].code, c->orgs[bi].division, 9) == 0) township = c->towns[i].name;
    if (with_teachers)
        snprintf(teachers, sizeof teachers,
                 "\"teachers\":[{\"name\":\"%s\",\"certificate\":\"%s（%s）\",\"course\":\"理论\"},"
                 "{\"name\":\"%s\",\"certificate\":\"%s（%s）\",\"course\":\"实操\"}],",
                 t1, occupation, q1, t2, occupation, q2);
    snprintf(out, n,
             "%s\"site\":\"%s培训基地（理论教室1间、实训室1间）\","
             "\"schedule\":[{\"from\":\"%s\",\"to\":\"%s\",\"content\":\"%s理论知识与安全规范\",\"hours\":%d,\"practical_hours\":0,\"teacher\":\"%s\"},"
             "{\"from\":\"%s\",\"to\":\"%s\",\"content\":\"%s实操训练与结业考核\",\"hours\":%d,\"practical_hours\":%d,\"teacher\":\"%s\"}],"
             "\"documents\":[\"培训大纲\",\"教学计划\",\"授课教师资质证明\",\"培训场地证明\",\"实训设备清单\"]",
             teachers, township, d0, dm, occupation, hours - practical, t1, dm1, d1, occupation, practical, practical, t2);
}

static void yr_class_facts(const char *occupation, const char *track, int size, int hours, jy_date start, jy_date end,
                           const char *form, char *out, size_t n)
{
    char d0[JY_DATE_BUFSZ], d1[JY_DATE_BUFSZ];
    jy_date_format(start, d0);
    jy_date_format(end, d1);
    snprintf(out, n,
             "{\"occupation\":\"%s\",\"level\":5,\"class_size\":%d,\"hours_total\":%d,\"hours_practical\":%d,"
             "\"start\":\"%s\",\"end\":\"%s\",\"certificate\":\"level5\"%s%s%s,%s}",
             occupation, size, hours, hours * 2 / 3 + 10, d0, d1, track ? ",\"track\":\"" : "", track ? track : "",
             !track                          ? ""
             : strcmp(track, "driver") == 0 ? "\",\"driving_licence\":\"B2\""
                                            : "\",\"gouqi_trade\":\"planting\"",
             form);
}

static int yr_training(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc;
    if (!y->nbodies) return 0;
    /* P1: classes of 20–45 by training bodies; targets 5,500 (2023) and 7,000 (2024) */
    for (int year = 2023; year <= 2024; year++) {
        int nclasses = yr_count(y, year == 2023 ? 9 : 12);
        if (nclasses < 3) nclasses = 3;
        for (int k = 0; k < nclasses; k++) {
            int pick = (int)rng_below(&y->r, 1000), ci = 0;
            for (int acc = 0; ci < N_ELEMS(p1_classes) - 1; ci++)
                if (pick < (acc += p1_classes[ci].permille)) break;
            if (k < 3) ci = k; /* each year has a driver, a gouqi and a cooks' class */
            int bi = y->bodies[rng_below(&y->r, (uint32_t)y->nbodies)];
            const char *body = yr_body_user(y, bi);
            char bodyname[40];
            snprintf(bodyname, sizeof bodyname, "%s", body);
            int size = rng_between(&y->r, 20, 45);
            int hours = p1_classes[ci].track && strcmp(p1_classes[ci].track, "driver") == 0 ? 120 : 160;
            jy_date filed = yr_date(y, year, 2, 9);
            jy_date start = yr_workday(y, filed + 10, 1), end = start + rng_between(&y->r, 25, 50);
            char fs[2048], form[1536];
            /* one class a year (the last) hands in its application without its teachers: the
             * county review finds it (P1 八(四)) and sends it back; the body files it again whole */
            int incomplete = k == nclasses - 1;
            yr_class_form(y, p1_classes[ci].occupation, hours, hours * 2 / 3 + 10, start, end, bi, !incomplete, form, sizeof form);
            yr_class_facts(p1_classes[ci].occupation, p1_classes[ci].track, size, hours, start, end, form, fs, sizeof fs);
            if (incomplete) {
                int64_t bad;
                if ((rc = yr_file(y, "P1", "training_class", NULL, c->orgs[bi].uscc, 0, fs, filed, bodyname, &bad, err)))
                    return rc;
                if (bad) {
                    jy_date d = yr_workday(y, filed + 1, 2);
                    jy_err why = {0};
                    rc = yr_step(y, bad, "county_approve", d, "开班材料审核", y->rev, &why);
                    if (rc != JY_ECONFLICT) /* the review must find the missing teachers */
                        return rc ? jy_err_copy(err, rc, &why)
                                  : jy_err_set2(err, JY_ECONFLICT, "demo.class_no_teachers", "demo class %lld: approved without its teachers", "演示培训班 %lld：已审批但没有授课教师", (long long)bad);
                    y->c->sum->refused_steps++;
                    y->c->sum->classes_returned++;
                    char reason[700];
                    snprintf(reason, sizeof reason, "退回补正：%s", why.zh[0] ? why.zh : why.msg); /* the reason is Chinese in any language */
                    if ((rc = yr_step(y, bad, "reject", d, reason, y->rev, err))) return rc;
                    y->c->sum->rejected++;
                    filed = yr_workday(y, d + 1, 2);
                }
                yr_class_form(y, p1_classes[ci].occupation, hours, hours * 2 / 3 + 10, start, end, bi, 1, form, sizeof form);
                yr_class_facts(p1_classes[ci].occupation, p1_classes[ci].track, size, hours, start, end, form, fs, sizeof fs);
            }
            int64_t cls;
            if ((rc = yr_file(y, "P1", "training_class", NULL, c->orgs[bi].uscc, 0, fs, filed, bodyname, &cls, err)))
                return rc;
            if (!cls) continue;
            jy_date d = yr_workday(y, filed + 1, 2);
            if ((rc = yr_step(y, cls, "county_approve", d, "开班材料齐全，同意开班", y->rev, err))) {
                if (rc != JY_ECONFLICT) return rc;
                y->c->sum->refused_steps++;
                continue;
            }
            if ((rc = yr_step(y, cls, "start", start, "开班", bodyname, err))) return rc;
            if ((rc = yr_step(y, cls, "finish", end, "结业", bodyname, err))) return rc;
            int trainees = size - rng_between(&y->r, 0, 3);
            for (int t = 0; t < trainees; t++) {
                int pi = yr_person(y, 0, 1966, 2004, 1, 0);
                if (pi < 0) break;
                const char *cert = rng_chance(&y->r, 930) ? "level5" : NULL;
                char tf[128];
                snprintf(tf, sizeof tf, cert ? "{\"certificate\":\"%s\"}" : "{\"examined\":true}", cert);
                jy_date claim = yr_workday(y, end + 5, rng_between(&y->r, 1, 8));
                int64_t tid;
                if ((rc = yr_file(y, "P1", NULL, c->persons[pi].idcard, NULL, cls, tf, claim, bodyname, &tid, err)))
                    return rc;
                jy_date last;
                if (cert && (rc = yr_advance(y, tid, path_claim, claim, NULL, bodyname, &last, err))) return rc;
            }
            jy_date close_on = yr_workday(y, end + 40, 1);
            if ((rc = yr_step(y, cls, "close", close_on, "班级资料归档", y->rev, err)) && rc != JY_ECONFLICT) return rc;
        }
    }
    /* P2: direct claims by group (2023: 1,250; 2024: 1,750) */
    static const struct {
        const char *group, *occupation;
        unsigned status;
    } p2[] = {{"rural", "家政服务员", 0},
              {"entrepreneur", "互联网营销师", 0},
              {"unemployed", "中式面点师", 1u << JY_ST_REGISTERED_UNEMPLOYED},
              {"hard_to_employ", "餐厅服务员", 1u << JY_ST_DIBAO},
              {"new_forms", "快递员", 0}};
    for (int year = 2023; year <= 2024; year++) {
        int n = yr_count(y, year == 2023 ? 60 : 85);
        for (int k = 0; k < n; k++) {
            int g = (int)rng_below(&y->r, N_ELEMS(p2));
            int pi = yr_person(y, p2[g].status, 1966, 2004, 1, 0);
            if (pi < 0) continue;
            int bi = y->bodies[rng_below(&y->r, (uint32_t)y->nbodies)];
            char fs[256];
            snprintf(fs, sizeof fs, "{\"certificate\":\"%s\",\"occupation\":\"%s\",\"level\":5,\"p2_group\":\"%s\"}",
                     "level5", p2[g].occupation, p2[g].group);
            jy_date on = yr_date(y, year, 3, 11);
            int64_t id;
            jy_date last;
            if ((rc = yr_file(y, "P2", "trainee_claim", c->persons[pi].idcard, c->orgs[bi].uscc, 0, fs, on,
                              yr_body_user(y, bi), &id, err)))
                return rc;
            if ((rc = yr_advance(y, id, path_claim, on, NULL, NULL, &last, err))) return rc;
        }
    }
    /* P23: veterans and disabled persons (2023: 50 + 50, 2024: 100 + 100) */
    for (int year = 2023; year <= 2024; year++) {
        int n = yr_count(y, year == 2023 ? 8 : 14);
        for (int k = 0; k < n; k++) {
            int vet = k % 2 == 0;
            int pi = yr_person(y, 1u << (vet ? JY_ST_VETERAN : JY_ST_DISABILITY), 1964, 2004, 1, 0);
            if (pi < 0) continue;
            int bi = y->bodies[rng_below(&y->r, (uint32_t)y->nbodies)];
            char fs[256];
            snprintf(fs, sizeof fs,
                     "{\"certificate\":\"level5\",\"occupation\":\"%s\",\"level\":5,\"target_group\":\"%s\"}",
                     vet ? "电工" : "中式面点师", vet ? "veteran" : "disabled");
            jy_date on = yr_date(y, year, 4, 11);
            int64_t id;
            jy_date last;
            if ((rc = yr_file(y, "P23", "trainee_claim", c->persons[pi].idcard, c->orgs[bi].uscc, 0, fs, on,
                              yr_body_user(y, bi), &id, err)))
                return rc;
            if ((rc = yr_advance(y, id, path_claim, on, NULL, NULL, &last, err))) return rc;
        }
    }
    /* P4: projects with trainees, acceptance scores and stars */
    int nproj = yr_count(y, 4);
    static const char *const p4_occ[] = {"电工", "中式烹调师", "家政服务员", "焊工"};
    for (int k = 0; k < nproj; k++) {
        int bi = y->bodies[rng_below(&y->r, (uint32_t)y->nbodies)];
        const char *body = yr_body_user(y, bi);
        char bodyname[40];
        snprintf(bodyname, sizeof bodyname, "%s", body);
        int year = 2023 + k % 2, planned = rng_between(&y->r, 30, 50), stars = rng_between(&y->r, 3, 5);
        int64_t base = 100000, budget = 150000 + 1000 * rng_between(&y->r, 0, 30);
        int64_t approved = base + (budget - base) / 2, cost = approved - rng_between(&y->r, 0, 3000);
        const char *occ = PICK(&y->r, p4_occ);
        jy_date on = yr_date(y, year, 3, 6);
        /* form 5-4-1: 师资, 场地, 设备, 考务人员, 预算明细 (summing to the budget), 考核题目, the
         * training plan and the training standard's documents (class_app.h) */
        int64_t lines[5] = {budget * 40 / 100, budget * 10 / 100, budget * 10 / 100, budget * 30 / 100, 0};
        lines[4] = budget - lines[0] - lines[1] - lines[2] - lines[3];
        int hours = 160, practical = 110;
        jy_date ps = on + 30, pe = on + 75;
        char p0[JY_DATE_BUFSZ], p1[JY_DATE_BUFSZ], pm[JY_DATE_BUFSZ], pm1[JY_DATE_BUFSZ];
        jy_date_format(ps, p0);
        jy_date_format(pe, p1);
        jy_date_format(ps + 14, pm);
        jy_date_format(ps + 15, pm1);
        const char *t1 = PICK(&y->r, teacher_names), *t2 = PICK(&y->r, teacher_names);
        if (t1 == t2) t2 = t1 == teacher_names[0] ? teacher_names[1] : teacher_names[0];
        char fs[3072];
        snprintf(fs, sizeof fs,
                 "{\"training_licence\":true,\"occupation\":\"%s\",\"planned_trainees\":%d,\"base\":\"%lld.00\","
                 "\"budget\":\"%lld.00\",\"approved\":\"%lld.00\",\"actual_cost\":\"%lld.00\",\"satisfaction\":\"%d.%d%%\","
                 "\"department_recognition\":%d,\"stars\":%d,"
                 "\"teachers\":[{\"name\":\"%s\",\"education\":\"本科\",\"major\":\"%s\",\"certificate\":\"%s高级技师\",\"course\":\"理论\",\"kind\":\"专职\"},"
                 "{\"name\":\"%s\",\"education\":\"大专\",\"major\":\"%s\",\"certificate\":\"%s技师\",\"course\":\"实操\",\"kind\":\"兼职\"}],"
                 "\"sites\":[{\"kind\":\"自有\",\"rooms\":2,\"area_m2\":%d,\"stations\":%d}],"
                 "\"equipment\":[{\"item\":\"%s实训设备\",\"model\":\"标准型\",\"unit_price\":\"%d.00\",\"count\":%d}],"
                 "\"examiners\":[{\"name\":\"%s\",\"certificate\":\"考评员\"}],"
                 "\"budget_lines\":[{\"item\":\"课时费用\",\"amount\":\"%lld.00\"},{\"item\":\"管理费用\",\"amount\":\"%lld.00\"},"
                 "{\"item\":\"物业费用\",\"amount\":\"%lld.00\"},{\"item\":\"材料消耗费用\",\"amount\":\"%lld.00\"},"
                 "{\"item\":\"资料费用\",\"amount\":\"%lld.00\"}],"
                 "\"question_bank\":{\"theory\":%d,\"practical_papers\":%d},\"hours_total\":%d,\"hours_practical\":%d,"
                 "\"schedule\":[{\"from\":\"%s\",\"to\":\"%s\",\"content\":\"%s理论\",\"hours\":%d,\"practical_hours\":0,\"teacher\":\"%s\"},"
                 "{\"from\":\"%s\",\"to\":\"%s\",\"content\":\"%s实训\",\"hours\":%d,\"practical_hours\":%d,\"teacher\":\"%s\"}],"
                 "\"documents\":[\"课程计划和大纲\",\"课程安排\",\"实训技能训练\",\"教案\",\"教材（讲义）\",\"内部管理制度\",\"考核要素细目\"]}",
                 occ, planned, (long long)base, (long long)budget, (long long)approved, (long long)cost,
                 rng_between(&y->r, 90, 99), rng_between(&y->r, 0, 9), rng_between(&y->r, 95, 100), stars,
                 t1, occ, occ, t2, occ, occ, rng_between(&y->r, 120, 300), rng_between(&y->r, 20, 50), occ,
                 rng_between(&y->r, 2, 9) * 1000, rng_between(&y->r, 5, 20), PICK(&y->r, teacher_names),
                 (long long)lines[0], (long long)lines[1], (long long)lines[2], (long long)lines[3], (long long)lines[4],
                 rng_between(&y->r, 300, 500), rng_between(&y->r, 3, 5), hours, practical,
                 p0, pm, occ, hours - practical, t1, pm1, p1, occ, practical, practical, t2);
        int64_t id;
        if ((rc = yr_file(y, "P4", NULL, NULL, c->orgs[bi].uscc, 0, fs, on, bodyname, &id, err))) return rc;
        if (!id) continue;
        /* trainees join while the project runs: file them after approval, before acceptance */
        jy_date last;
        if ((rc = yr_advance(y, id, path_project, on, NULL, bodyname, &last, err))) return rc;
        int trainees = planned - rng_between(&y->r, 0, 4);
        for (int t = 0; t < trainees; t++) {
            int pi = yr_person(y, 0, 1966, 2004, 1, 0);
            if (pi < 0) break;
            int passed = rng_chance(&y->r, 920), employed = passed && rng_chance(&y->r, 700);
            char tf[128];
            snprintf(tf, sizeof tf, "{\"examined\":true%s%s}", passed ? ",\"certificate\":\"level5\"" : "",
                     employed ? ",\"employed\":true" : "");
            int64_t tid;
            if ((rc = yr_file(y, "P4", NULL, c->persons[pi].idcard, NULL, id, tf, last, bodyname, &tid, err)))
                return rc;
        }
    }
    return 0;
}

/* ---- awards, rewards, brokers, infrastructure, events ---- */

/* Copies tmpl into out with each '@' replaced by subst (truncating at n). */
static void yr_fill(char *out, size_t n, const char *tmpl, const char *subst)
{
    jy_sb sb = JY_SB_INIT;
    for (const char *p = tmpl; *p; p++) {
        if (*p == '@') jy_sb_append(&sb, subst);
        else jy_sb_appendc(&sb, *p);
    }
    snprintf(out, n, "%s", jy_sb_cstr(&sb));
    jy_sb_free(&sb);
}

typedef struct yr_award {
    const char *program, *kind;
    unsigned org_kind;   /* the applicant's kind; 0: a person (P19) */
    int n2023, n2024;    /* full-size counts */
    const yr_path *path;
    const char *facts;   /* JSON; '@' stands for the organisation's name */
    int children;        /* persons registered under the case (P8, P17, P19, P20) */
    const char *by;      /* who files: "rev", "town" */
} yr_award;

static const yr_award awards[] = {
    {"P7", NULL, JY_ORG_GIG_STATION, 2, 4, path_p7, "{\"operating_year\":0,\"station_name\":\"@\",\"staff\":\"驿站专干\"}", 0, "rev"},
    {"P8", NULL, JY_ORG_SERVICE_CENTRE, 2, 3, path_city,
     "{\"workers_per_year\":620,\"months_worked\":5,\"monthly_income\":\"4600.00\",\"job_reports\":30,\"workers_total\":2400}", 12, "rev"},
    {"P15", NULL, JY_ORG_TRAINEESHIP_BASE, 1, 2, path_city,
     "{\"score\":88,\"recognised_since\":2020,\"years_running\":3,\"trainees\":12,\"retains_with_contract\":true,"
     "\"retained_count\":5,\"employment_rate\":\"85%\"}", 0, "rev"},
    {"P16", NULL, JY_ORG_STARTUP_BASE, 1, 2, path_city,
     "{\"score\":86,\"years_running\":2,\"businesses\":30,\"jobs\":260,\"migrant_share\":\"35%\",\"investment\":\"1800000.00\"}", 0, "rev"},
    {"P17", NULL, JY_ORG_SHOP, 3, 5, path_city,
     "{\"score\":90,\"registered_in_county\":true,\"operating_months\":18,\"investment\":\"60000.00\",\"stable_jobs\":12,\"shop_area\":80}", 10, "rev"},
    {"P18", NULL, JY_ORG_LABOUR_AGENCY, 3, 5, path_city, "{\"licence\":true,\"gov_staff_share\":\"20%\",\"score\":86}", 0, "rev"},
    {"P20", NULL, JY_ORG_WORKSHOP, 3, 5, path_city,
     "{\"poverty_share\":\"40%\",\"poverty_workers\":24,\"registered_in_county\":true,\"months_operating\":11,"
     "\"wages_at_least_rural_income\":true}", 12, "rev"},
    {"P22", NULL, JY_ORG_COMMUNITY, 2, 3, path_city,
     "{\"employment_rate\":\"86%\",\"reemployment_rate\":\"83%\",\"reemployment_4050\":\"74%\",\"zero_families_left\":0,"
     "\"star_years\":\"2022年\"}", 0, "town"},
    {"P25", NULL, JY_ORG_COMMUNITY, 15, 30, path_site, "{\"platform_name\":\"@就业服务平台\",\"staff\":\"村就业专干\"}", 0, "town"},
    {"P6", NULL, JY_ORG_PUBLIC_BODY, 1, 0, path_event, "{\"operating_year\":0,\"public_area\":800,\"windows\":5}", 0, "rev"},
    {"P5", NULL, JY_ORG_TRAINING_BODY, 0, 2, path_event, "{\"teachers\":200,\"class_days\":4}", 0, "rev"},
    {"P11", NULL, JY_ORG_PUBLIC_BODY, 2, 3, path_event, "{\"event_count\":1}", 0, "town"},
    {"P26", NULL, JY_ORG_PUBLIC_BODY, 0, 1, path_event, "{\"class_days\":3}", 0, "rev"},
};

static const char *const far_employers[] = {"福建晋江某鞋厂", "江苏苏州某电子厂", "浙江宁波某服装厂", "新疆昌吉某棉业公司",
                                            "银川某物流公司", "广东东莞某玩具厂"};
static const char *const far_posts[] = {"操作工", "分拣员", "缝纫工", "装配工", "采棉工", "包装工"};

static int yr_children(year_ctx *y, const char *program, int64_t parent, int n, jy_date on, jy_err *err)
{
    int rc;
    for (int k = 0; k < n; k++) {
        int pi = yr_person(y, 0, 1970, 2003, 1, 0);
        if (pi < 0) break;
        int year, mo, da;
        jy_date_to_ymd(on, &year, &mo, &da);
        char fs[320];
        snprintf(fs, sizeof fs,
                 "{\"employer\":\"%s\",\"post\":\"%s\",\"monthly_income\":\"%d.00\",\"insured\":%s,\"start\":\"%d-%02d-01\","
                 "\"end\":\"%d-%02d-28\"}",
                 PICK(&y->r, far_employers), PICK(&y->r, far_posts), 100 * rng_between(&y->r, 36, 60),
                 rng_chance(&y->r, 600) ? "true" : "false", year - (mo <= 6), mo <= 6 ? mo + 6 : mo - 6, year,
                 mo > 1 ? mo - 1 : 1);
        int64_t id;
        if ((rc = yr_file(y, program, NULL, y->c->persons[pi].idcard, NULL, parent, fs, on, y->rev, &id, err)))
            return rc;
    }
    return 0;
}

/* A community's scoring form 5-22-2, item by item (考评 and 自评; the total becomes facts.score):
 * each item at its base points less a point here and there, so most communities reach 90. */
static void yr_p22_scores(year_ctx *y, char *fs, size_t n)
{
    size_t len = strlen(fs);
    if (len < 2 || fs[len - 1] != '}') return;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendn(&sb, fs, len - 1);
    jy_sb_append(&sb, ",\"score_items\":[");
    int drop = rng_between(&y->r, 2, 9); /* points short of 100, spread over the items */
    for (int no = 1; no <= jy_report_p22_items(); no++) {
        int base = jy_report_p22_item_base(no), got = base;
        if (drop > 0 && base > 1 && rng_chance(&y->r, 450)) got--, drop--;
        int self = got < base && rng_chance(&y->r, 600) ? got + 1 : got;
        jy_sb_appendf(&sb, "%s{\"item\":\"%d\",\"self\":%d,\"score\":%d,\"max\":%d}", no > 1 ? "," : "", no, self, got, base);
    }
    jy_sb_append(&sb, "]}");
    if (sb.len < n) memcpy(fs, jy_sb_cstr(&sb), sb.len + 1);
    jy_sb_free(&sb);
}

static int yr_awards(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc;
    for (int a = 0; a < N_ELEMS(awards); a++) {
        const yr_award *w = &awards[a];
        for (int year = 2023; year <= 2024; year++) {
            int full = year == 2023 ? w->n2023 : w->n2024;
            if (!full) continue;
            int n = y->scale >= 1000 ? full : (full + 1) / 2;
            for (int k = 0; k < n; k++) {
                int oi = yr_org(y, w->org_kind);
                if (oi < 0) break;
                char fs[2048];
                char name[128] = "";
                jy_org org;
                if (jy_store_org_get(c->st, c->orgs[oi].id, &org, err) == 0) snprintf(name, sizeof name, "%s", org.name);
                yr_fill(fs, sizeof fs, w->facts, name);
                if (strcmp(w->program, "P22") == 0) yr_p22_scores(y, fs, sizeof fs);
                jy_date on = yr_date(y, year, 3, 10);
                if (w->path != path_event && strlen(fs) + 80 < sizeof fs) {
                    /* the publicity the applicant's materials plan (P7, P15, P25 check its length) */
                    char d0[JY_DATE_BUFSZ], d1[JY_DATE_BUFSZ];
                    jy_date ps = yr_workday(y, on + 14, 1);
                    jy_date_format(ps, d0);
                    jy_date_format(yr_workday(y, ps, 8), d1);
                    size_t len = strlen(fs);
                    snprintf(fs + len - 1, sizeof fs - len + 1, ",\"publicity_start\":\"%s\",\"publicity_end\":\"%s\"}", d0, d1);
                }
                const char *by = strcmp(w->by, "town") == 0 ? yr_town_user(y, c->orgs[oi].division) : y->rev;
                int64_t id;
                if ((rc = yr_file(y, w->program, w->kind, NULL, c->orgs[oi].uscc, 0, fs, on, by, &id, err))) return rc;
                if (!id) continue;
                if (w->children && (rc = yr_children(y, w->program, id, yr_count(y, w->children * 10) / 10 + 2, on, err)))
                    return rc;
                jy_date last;
                if ((rc = yr_advance(y, id, w->path, on, by, NULL, &last, err))) return rc;
            }
        }
    }
    /* P19 brokers: a person with a licence who placed 50+ workers; the workers under the case */
    for (int year = 2023; year <= 2024; year++) {
        int n = yr_count(y, 8);
        for (int k = 0; k < n; k++) {
            int pi = yr_person(y, 0, 1965, 1995, 1, 0);
            if (pi < 0) break;
            char fs[256];
            snprintf(fs, sizeof fs,
                     "{\"licence\":true,\"people_placed\":%d,\"months_worked\":%d,\"monthly_income\":\"%d.00\"}",
                     rng_between(&y->r, 50, 120), rng_between(&y->r, 4, 10), 100 * rng_between(&y->r, 32, 55));
            jy_date on = yr_date(y, year, 9, 11);
            int64_t id;
            jy_date last;
            if ((rc = yr_file(y, "P19", NULL, c->persons[pi].idcard, NULL, 0, fs, on, y->rev, &id, err))) return rc;
            if (!id) continue;
            if ((rc = yr_children(y, "P19", id, 4, on, err))) return rc;
            if ((rc = yr_advance(y, id, path_claim, on, NULL, NULL, &last, err))) return rc;
        }
    }
    /* P3 (labour brands), P9 (rural employers, per person hired), P21 (key groups, per person) */
    static const struct {
        const char *program;
        unsigned org_kind, status;
        int n2023, n2024;
        const char *facts;
    } rewards[] = {
        {"P3", JY_ORG_LEADING_ENTERPRISE, 0, 1, 1, "{\"brand_years\":1,\"placement_agent\":\"hr_agency\",\"poverty_person\":true,\"contract_years\":1,\"social_insurance\":true}"},
        {"P9", JY_ORG_COOPERATIVE | JY_ORG_WORKSHOP, 0, 20, 30, "{\"hire_group\":\"rural\",\"stable_months\":@}"},
        {"P21", JY_ORG_EMPLOYER, 1u << JY_ST_REGISTERED_UNEMPLOYED, 5, 15,
         "{\"enterprise_size\":\"small\",\"new_hire_this_year\":true,\"hire_group\":\"key_group\",\"unemployed_months\":@,"
         "\"contract_months\":12,\"social_insurance\":true}"},
    };
    for (int w = 0; w < N_ELEMS(rewards); w++) {
        for (int year = 2023; year <= 2024; year++) {
            int n = yr_count(y, year == 2023 ? rewards[w].n2023 : rewards[w].n2024);
            for (int k = 0; k < n; k++) {
                int oi = yr_org(y, rewards[w].org_kind);
                int pi = yr_person(y, rewards[w].status, 1966, 2003, 1, 0);
                if (oi < 0 || pi < 0) break;
                char fs[320];
                char months[8];
                snprintf(months, sizeof months, "%d", rng_between(&y->r, 6, 11));
                yr_fill(fs, sizeof fs, rewards[w].facts, months);
                jy_date on = yr_date(y, year, 7, 11);
                int64_t id;
                jy_date last;
                if ((rc = yr_file(y, rewards[w].program, NULL, c->persons[pi].idcard, c->orgs[oi].uscc, 0, fs, on, y->rev,
                                  &id, err)))
                    return rc;
                if ((rc = yr_advance(y, id, path_claim, on, NULL, NULL, &last, err))) return rc;
            }
        }
    }
    return 0;
}

/* ---- placements with monthly attendance and payroll runs ---- */

static int yr_placements(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc = 0;
    static const struct {
        const char *program;
        unsigned host_kind, status;
        int y0, y1, n, months_lo, months_hi, year;
    } plan[] = {
        {"P10", JY_ORG_PUBLIC_BODY | JY_ORG_EMPLOYER, 1u << JY_ST_ENROLLED_STUDENT, 2000, 2005, 20, 1, 2, 2024},
        {"P12", JY_ORG_PUBLIC_BODY, 1u << JY_ST_GRADUATE, 1994, 2002, 27, 12, 24, 2023},
        {"P13", JY_ORG_PUBLIC_BODY, 1u << JY_ST_GRADUATE, 1995, 2003, 33, 6, 12, 2023},
        {"P14", JY_ORG_TRAINEESHIP_BASE, 1u << JY_ST_GRADUATE, 1998, 2004, 6, 3, 12, 2024},
        {"P24", JY_ORG_PUBLIC_BODY, 1u << JY_ST_REGISTERED_UNEMPLOYED, 1968, 1998, 10, 12, 24, 2023},
    };
    int64_t *pids = NULL;
    int npids = 0, cap = 0;
    jy_date min_month[N_ELEMS(plan)], max_month[N_ELEMS(plan)];
    for (int pl = 0; pl < N_ELEMS(plan); pl++) {
        min_month[pl] = 0;
        max_month[pl] = 0;
        int n = yr_count(y, plan[pl].n);
        for (int k = 0; k < n; k++) {
            int pi = yr_person(y, plan[pl].status, plan[pl].y0, plan[pl].y1, 1, 1);
            int oi = yr_org(y, plan[pl].host_kind);
            if (pi < 0 || oi < 0) break;
            y->placed[pi] = 1;
            int sm = plan[pl].program[1] == '1' && plan[pl].program[2] == '0' ? 7 : rng_between(&y->r, 1, 6);
            jy_date start = ymd(plan[pl].year, sm, 1);
            int months = rng_between(&y->r, plan[pl].months_lo, plan[pl].months_hi);
            int ey = plan[pl].year + (sm - 1 + months) / 12, em = (sm - 1 + months) % 12 + 1;
            jy_date end = ymd(ey, em, 1) - 1;
            if (end > ymd(2024, 12, 31)) end = ymd(2024, 12, 31);
            jy_placement_start_in in = {.program = plan[pl].program, .idcard = c->persons[pi].idcard,
                                        .host_uscc = c->orgs[oi].uscc, .start = start, .planned_end = end,
                                        .new_recruit = strcmp(plan[pl].program, "P12") == 0};
            jy_placement out;
            rc = jy_placement_start(y->cs, &in, y->rev, &out, err);
            if (rc == JY_ECONFLICT || rc == JY_EINVAL) {
                c->sum->year_refused++;
                continue;
            }
            if (rc) goto done;
            if (out.id == 0) { /* held by the intake rules: the reviewer checks the papers and approves */
                int64_t held_case = out.case_id;
                rc = jy_placement_approve(y->cs, held_case, start, "复核：毕业证、户口本等资格材料已核", y->rev, &out, err);
                if (rc == JY_ECONFLICT || rc == JY_EINVAL) {
                    c->sum->year_refused++;
                    continue;
                }
                if (rc) goto done;
            }
            c->sum->placements++;
            c->sum->cases++;
            c->sum->cases_by_program[prog_index(plan[pl].program)]++;
            if (npids == cap) {
                cap = cap ? cap * 2 : 64;
                int64_t *np = realloc(pids, (size_t)cap * sizeof *np);
                if (!np) {
                    rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
                    goto done;
                }
                pids = np;
            }
            pids[npids++] = out.id;
            if (!min_month[pl] || start < min_month[pl]) min_month[pl] = start;
            if (end > max_month[pl]) max_month[pl] = end;
            /* attendance, month by month */
            for (jy_date m = start; m <= end;) {
                int yy, mm, dd;
                jy_date_to_ymd(m, &yy, &mm, &dd);
                jy_month jm = jy_month_from_ym(yy, mm);
                int wd = 21;
                jy_err e2 = {0};
                if (jy_calendar_workdays_in_month(y->cs->cal, jm, &wd, &e2)) wd = 21;
                jy_attendance at;
                memset(&at, 0, sizeof at);
                at.placement_id = out.id;
                snprintf(at.month, sizeof at.month, "%04d-%02d", yy, mm);
                int leave = rng_chance(&y->r, 150) ? rng_between(&y->r, 1, 3) : 0;
                at.personal_leave = leave;
                at.duty_days = wd - leave;
                at.contract_with_host = 1;
                if ((strcmp(plan[pl].program, "P13") == 0 || strcmp(plan[pl].program, "P14") == 0) && mm == 6 &&
                    rng_chance(&y->r, 300)) {
                    at.si_paid = 90000;
                    at.si_months = 6;
                }
                int result;
                rc = jy_attendance_set(y->cs, &at, y->rev, &result, err);
                if (rc == JY_EINVAL || rc == JY_ECONFLICT) rc = 0;
                if (rc) goto done;
                if ((rc = tx_row(c, err))) goto done;
                m = mm == 12 ? ymd(yy + 1, 1, 1) : ymd(yy, mm + 1, 1);
            }
            /* a few leave early */
            if (rng_chance(&y->r, 80) && end - start > 90) {
                jy_date on = start + (end - start) / 2;
                rc = jy_placement_end(y->cs, out.id, on, "本人辞职", y->rev, err);
                if (rc && rc != JY_ECONFLICT && rc != JY_EINVAL) goto done;
                rc = 0;
            }
        }
    }
    /* payroll: each programme's months in order */
    for (int pl = 0; pl < N_ELEMS(plan); pl++) {
        if (!min_month[pl]) continue;
        int yy, mm, dd, ey, em, ed;
        jy_date_to_ymd(min_month[pl], &yy, &mm, &dd);
        jy_date_to_ymd(max_month[pl], &ey, &em, &ed);
        for (; yy < ey || (yy == ey && mm <= em); mm == 12 ? (yy++, mm = 1) : mm++) {
            char month[8];
            snprintf(month, sizeof month, "%04d-%02d", yy, mm);
            jy_sb out = JY_SB_INIT;
            rc = jy_payroll_run_month(y->cs, c->county, plan[pl].program, month, y->rev, &out, err);
            jy_sb_reset(&out);
            /* four-eyes: a second county reviewer commits what the first computed */
            if (rc == 0) rc = jy_payroll_commit(y->cs, c->county, plan[pl].program, month, NULL, y->rev2, &out, NULL, err);
            jy_sb_free(&out);
            if (rc == JY_ECONFLICT) { /* overspend: the run is refused with the figures */
                c->sum->refused_runs++;
                rc = 0;
                continue;
            }
            if (rc) {
                jy_err_prefix2(err, "demo payroll %s %s: ", "演示花名册 %s %s：", plan[pl].program, month);
                goto done;
            }
            c->sum->payroll_runs++;
            if ((rc = tx_row(c, err))) goto done;
        }
    }
done:
    free(pids);
    return rc;
}

/* ---- money: approve the recognised amounts, batch, review, export, pay ---- */

/* What the workflow committed for a case when it was recognised (the "commit" flag of its
 * step in policy/workflows.txt): counts the open payables into the summary. *open receives 1
 * when the case has money committed or paid through the books. */
typedef struct case_money_tally {
    int open;
    jy_fen committed;
} case_money_tally;

static int yr_on_payable(void *ctx, const jy_payable *p)
{
    case_money_tally *t = ctx;
    if (strcmp(p->status, "cancelled") == 0) return 0;
    t->open = 1;
    if (strcmp(p->status, "approved") == 0 || strcmp(p->status, "batched") == 0) t->committed += p->amount;
    return 0;
}

static int yr_case_money(year_ctx *y, const jy_case *k, case_money_tally *t, jy_err *err)
{
    memset(t, 0, sizeof *t);
    jy_payable_filter f;
    memset(&f, 0, sizeof f);
    f.county = k->county;
    f.program = k->program;
    f.case_id = k->id;
    return jy_store_payable_list(y->c->st, &f, yr_on_payable, t, err);
}

/* ---- money: the recognised amounts were committed by the workflow; count them ---- */

static int yr_count_commitments(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc = 0;
    for (int i = 0; i < y->nrec; i++) {
        jy_case k;
        if ((rc = yr_get(y, y->recognised[i], &k, err))) return rc;
        case_money_tally t;
        if ((rc = yr_case_money(y, &k, &t, err))) return rc;
        if (!t.open) continue;
        c->sum->payables++;
        c->sum->committed_fen += t.committed;
    }
    return 0;
}

static int yr_card(year_ctx *y, int pi, jy_err *err)
{
    char acct[40];
    bank_account(&y->r, "宁夏银行", acct);
    return jy_store_person_card_set(y->c->st, y->c->person_ids[pi], acct, "宁夏银行", y->rev, err);
}

static int yr_batches(year_ctx *y, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc = 0;
    /* social security cards: most persons have one on record */
    for (int i = 0; i < c->npersons; i++) {
        if (!rng_chance(&y->r, 970)) continue;
        if ((rc = yr_card(y, i, err))) return rc;
        if ((rc = tx_row(c, err))) return rc;
    }
    /* each batch is paid once the next one is built: the last programme-year's batch waits for
     * the bank at the year end (approved and exported, not yet paid: its money stays committed) */
    jy_batch prev;
    int has_prev = 0;
    for (int prog = 1; prog <= 26; prog++) {
        char program[4];
        snprintf(program, sizeof program, "P%d", prog);
        for (int year = 2023; year <= 2024; year++) {
            jy_batch b;
            jy_sb skipped = JY_SB_INIT;
            rc = jy_batch_build_cases(y->cs, c->county, program, NULL, year, y->fin1, &b, &skipped, err);
            jy_sb_free(&skipped);
            if (rc == JY_ENOTFOUND) {
                rc = 0;
                continue;
            }
            if (rc) return jy_err_prefix2(err, "demo batch %s %d: ", "演示拨付批次 %s %d：", program, year);
            c->sum->batches++;
            if ((rc = jy_batch_approve(y->cs, b.id, y->fin2, &b, err))) return rc;
            if ((rc = jy_batch_export(y->cs, b.id, NULL, NULL, y->fin1, err)) && rc != JY_ENODATA) return rc;
            if (has_prev) {
                jy_batch_run run;
                memset(&run, 0, sizeof run);
                if ((rc = jy_batch_mark_paid_cases(y->cs, prev.id, 0, y->fin1, &run, err))) return rc;
                c->sum->paid_lines += run.paid;
                c->sum->paid_fen += prev.total;
            }
            prev = b;
            has_prev = 1;
            if ((rc = tx_row(c, err))) return rc;
        }
    }
    /* batch mark-paid moved the cases it paid to "paid"; the cases of programme-years without a
     * budget in the books (nothing committed) are paid by hand */
    for (int i = 0; i < y->nrec; i++) {
        jy_case k;
        if ((rc = yr_get(y, y->recognised[i], &k, err))) return rc;
        if (strcmp(k.state, "recognised") != 0 && strcmp(k.state, "held") != 0) continue;
        case_money_tally t;
        if ((rc = yr_case_money(y, &k, &t, err))) return rc;
        if (t.open) continue;
        jy_date on = yr_workday(y, k.updated_at[0] ? (k.publicity_end ? k.publicity_end : k.filed_on) + 8 : k.filed_on + 8, 1);
        rc = yr_step(y, k.id, "pay", on, "已拨付", y->rev, err);
        if (rc == JY_ECONFLICT) {
            c->sum->refused_steps++;
            rc = 0;
            continue;
        }
        if (rc) return rc;
    }
    return 0;
}

static int yr_count_case(void *ctx, const jy_case *k)
{
    (void)k;
    ++*(int *)ctx;
    return 0;
}

/* The budget lines the plans leave to the county (issue 14): the plans state no amount for the
 * money their programmes draw from the 公共就业服务能力提升示范项目资金 (read as central), so
 * `ledger budget load` gives P1's general training (六(一)1–2, paid per 六(三)) no line — its four
 * lines fund only the brands (funding.txt, P1 六(一)3) — and P4 none (一项一价, "budget 0元").
 * The demo county sets them as a county would (jiuye ledger budget set … --tracks): P1's central
 * line holds the brand's 中央 money and the county's 示范项目资金 for general training and funds
 * all three tracks (the books keep one purpose per line and source: docs/ledger.md "A reading
 * and a limit"); P4 gets a central line of its own. */
static const struct {
    const char *program;
    int source;
    int64_t add_yuan; /* on top of what the policy loaded */
    const char *tracks, *clause;
} county_lines[] = {
    {"P1", JY_FUND_CENTRAL, 3000000, "gouqi,driver,general", "P1 六(一)3；六(三) 示范项目资金（县定额度）"},
    {"P4", JY_FUND_CENTRAL, 1000000, NULL, "P4 六 示范项目资金（一项一价，县定额度）"},
};

static int yr_county_lines(year_ctx *y, int year, jy_err *err)
{
    demo_ctx *c = y->c;
    int rc;
    for (int i = 0; i < N_ELEMS(county_lines); i++) {
        jy_ledger_line l;
        if ((rc = jy_store_ledger_line_get(c->st, c->county, county_lines[i].program, year, county_lines[i].source, &l, err)))
            return rc;
        jy_fen amount = -l.bal[JY_ACCT_BUDGET] + county_lines[i].add_yuan * 100;
        if ((rc = jy_ledger_budget_set(c->st, c->county, county_lines[i].program, year, county_lines[i].source, amount,
                                       y->fin1, NULL, err)))
            return jy_err_prefix2(err, "demo budget %s %d: ", "演示预算 %s %d：", county_lines[i].program, year);
        if (county_lines[i].tracks &&
            (rc = jy_ledger_tracks_set(c->st, c->county, county_lines[i].program, year, county_lines[i].source,
                                       county_lines[i].tracks, county_lines[i].clause, y->fin1, NULL, err)))
            return jy_err_prefix2(err, "demo budget %s %d: ", "演示预算 %s %d：", county_lines[i].program, year);
    }
    return 0;
}

static int stage_year(demo_ctx *c, uint64_t seed, jy_err *err)
{
    const jy_demo_opts *o = c->o;
    if (o->year_cases == JY_DEMO_YEAR_NONE) return 0;
    if (!o->policy_dir) return jy_err_set2(err, JY_EINVAL, "demo.year_policy_dir", "demo year: the policy directory is needed", "演示年度：需要政策目录");
    year_ctx y;
    memset(&y, 0, sizeof y);
    y.c = c;
    y.scale = o->year_cases == JY_DEMO_YEAR_SMALL ? 150 : 1000;
    y.rev = "county-reviewer";
    y.rev2 = "county-checker";
    y.city = "city-reviewer";
    y.fin1 = "finance-maker";
    y.fin2 = "finance-checker";
    rng_seed(&y.r, seed, "year");
    jy_sb_init(&y.text);
    int rc = 0;
    /* a database that already holds cases (--force) keeps them: the year is made once */
    {
        jy_case_filter f;
        memset(&f, 0, sizeof f);
        f.limit = 1;
        int n = 0;
        if ((rc = jy_store_case_list(c->st, &f, yr_count_case, &n, err))) return rc;
        if (n > 0) return 0;
    }
    if ((rc = jy_cases_open(c->st, o->policy_dir, &y.cs, err))) return rc;
    y.placed = calloc((size_t)(c->npersons ? c->npersons : 1), 1);
    if (!y.placed) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    if ((rc = yr_users(&y, err))) goto done;
    /* the unit's name on every report (填报单位, issue 13) */
    {
        char unit[160];
        snprintf(unit, sizeof unit, "%s就业创业和人才服务局", c->county_name ? c->county_name : "");
        if (c->county_name && (rc = jy_settings_set(y.cs, c->county, "unit_name", unit, y.rev, err))) goto done;
    }
    for (int year = 2023; year <= 2024; year++) {
        jy_sb rep = JY_SB_INIT;
        rc = jy_ledger_budget_load(c->st, y.cs->pol, o->policy_dir, c->county, year, y.fin1, &rep, err);
        jy_sb_free(&rep);
        if (rc) goto done;
        if ((rc = yr_county_lines(&y, year, err))) goto done;
    }
    progress(c, "year", 0, 5);
    if ((rc = yr_training(&y, err))) goto done;
    progress(c, "year", 1, 5);
    if ((rc = yr_awards(&y, err))) goto done;
    progress(c, "year", 2, 5);
    if ((rc = yr_placements(&y, err))) goto done;
    progress(c, "year", 3, 5);
    if ((rc = yr_count_commitments(&y, err))) goto done;
    progress(c, "year", 4, 5);
    if ((rc = yr_batches(&y, err))) goto done;
    progress(c, "year", 5, 5);
done:
    jy_cases_close(y.cs);
    free(y.placed);
    free(y.town_user);
    free(y.bodies);
    free(y.recognised);
    jy_sb_free(&y.text);
    return rc;
}

/* ---- the stages, in order ---- */

static const struct {
    const char *name;
    int (*run)(demo_ctx *c, uint64_t seed, jy_err *err);
} stages[] = {
    {"persons", stage_persons},
    {"orgs", stage_orgs},
    {"year", stage_year},
};

int jy_demo_run(jy_store *st, const jy_demo_opts *o, jy_demo_summary *out, jy_err *err)
{
    int rc = 0;
    demo_ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    c.st = st;
    c.o = o;
    c.sum = out;
    c.arena = jy_arena_new(0);
    strset_init(&c.idcards, c.arena);
    strset_init(&c.usccs, c.arena);
    strset_init(&c.names, c.arena);
    c.county = o->county ? o->county : "640522";
    c.as_of = o->as_of ? o->as_of : jy_date_from_ymd(2024, 12, 31);
    int am, ad;
    jy_date_to_ymd(c.as_of, &c.as_of_year, &am, &ad);
    out->seed = o->seed;
    jy_date_format(c.as_of, out->as_of);

    if (!o->divs) {
        rc = jy_err_set2(err, JY_EINVAL, "demo.no_divisions", "demo: the division table is needed (policy/divisions.tsv)", "演示数据：需要区划表（policy/divisions.tsv）");
        goto done;
    }
    c.county_name = jy_division_name(o->divs, c.county);
    if (!c.county_name) {
        rc = jy_err_set2(err, JY_EINVAL, "demo.county_unknown", "demo: county %s is not in the division table", "演示数据：县 %s 不在区划表中", c.county);
        goto done;
    }
    {
        jy_sb full = JY_SB_INIT;
        jy_division_full_name(o->divs, c.county, &full);
        snprintf(c.county_full, sizeof c.county_full, "%s", jy_sb_cstr(&full));
        jy_sb_free(&full);
    }
    if (!o->force) {
        jy_store_counts counts;
        if ((rc = jy_store_counts_get(st, &counts, err))) goto done;
        if (counts.persons > 0) {
            rc = jy_err_set2(err, JY_ECONFLICT,
                            "demo.db_not_empty",
                            "the database already holds %lld persons and %lld organisations; "
                            "demo fills a fresh database (use a new --db, or --force to add to it)", "数据库中已有 %lld 名人员和 %lld 个单位；演示数据只写入新的数据库（请换一个 --db，或用 --force 追加）",
                            (long long)counts.persons, (long long)counts.orgs);
            goto done;
        }
    }
    if ((rc = places_load(&c, o->seed, err))) goto done;
    if ((rc = tx_begin(&c, err))) goto done;
    for (int i = 0; i < N_ELEMS(stages); i++)
        if ((rc = stages[i].run(&c, o->seed, err))) goto done;
    rc = tx_end(&c, err);
done:
    if (c.in_tx) jy_store_rollback(st, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->elapsed_ms = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    free(c.person_ids);
    free(c.persons);
    free(c.orgs);
    strset_free(&c.idcards);
    strset_free(&c.usccs);
    strset_free(&c.names);
    jy_arena_free(c.arena);
    return rc;
}

void jy_demo_summary_json(const jy_demo_summary *s, jy_sb *sb)
{
    jy_sb_append(sb, "{");
    jy_sb_json_key(sb, "seed");
    jy_sb_appendf(sb, "%llu", (unsigned long long)s->seed);
    jy_sb_json_kv_str(sb, "as_of", s->as_of);
    jy_sb_json_kv_i64(sb, "persons", s->persons_created + s->persons_existing);
    jy_sb_json_kv_i64(sb, "persons_created", s->persons_created);
    jy_sb_json_kv_i64(sb, "persons_in_county", s->in_county);
    jy_sb_json_kv_i64(sb, "persons_outside_county", s->outside_county);
    jy_sb_json_key(sb, "ethnicity");
    jy_sb_append(sb, "{");
    jy_sb_json_kv_i64(sb, "回族", s->hui);
    jy_sb_json_kv_i64(sb, "汉族", s->han);
    jy_sb_json_kv_i64(sb, "其他", s->other_ethnicity);
    jy_sb_append(sb, "}");
    jy_sb_json_kv_i64(sb, "statuses", s->statuses);
    jy_sb_json_key(sb, "statuses_by_kind");
    jy_sb_append(sb, "{");
    for (int k = 1; k < JY_ST__COUNT; k++)
        jy_sb_json_kv_i64(sb, jy_status_kind_name((jy_status_kind)k), s->persons_by_status[k]);
    jy_sb_append(sb, "}");
    jy_sb_json_kv_i64(sb, "orgs", s->orgs_created + s->orgs_existing);
    jy_sb_json_kv_i64(sb, "orgs_created", s->orgs_created);
    jy_sb_json_key(sb, "orgs_by_kind");
    jy_sb_append(sb, "{");
    for (int b = 0; b < JY_ORG__KIND_COUNT; b++)
        if (s->orgs_by_kind[b]) jy_sb_json_kv_i64(sb, jy_org_kind_name(1 << b), s->orgs_by_kind[b]);
    jy_sb_append(sb, "}");
    jy_sb_json_kv_i64(sb, "licences", s->licences);
    jy_sb_json_key(sb, "year");
    jy_sb_append(sb, "{");
    jy_sb_json_kv_i64(sb, "users", s->users);
    jy_sb_json_kv_i64(sb, "cases", s->cases);
    jy_sb_json_key(sb, "cases_by_program");
    jy_sb_append(sb, "{");
    for (int p = 1; p <= 26; p++) {
        char key[8];
        snprintf(key, sizeof key, "P%d", p);
        jy_sb_json_kv_i64(sb, key, s->cases_by_program[p]);
    }
    jy_sb_append(sb, "}");
    jy_sb_json_kv_i64(sb, "filings_refused", s->year_refused);
    jy_sb_json_kv_i64(sb, "held_for_review", s->held_for_review);
    jy_sb_json_kv_i64(sb, "rejected", s->rejected);
    jy_sb_json_kv_i64(sb, "objections", s->objections);
    jy_sb_json_kv_i64(sb, "steps_refused", s->refused_steps);
    jy_sb_json_kv_i64(sb, "recognised", s->recognised);
    jy_sb_json_kv_i64(sb, "placements", s->placements);
    jy_sb_json_kv_i64(sb, "payroll_runs", s->payroll_runs);
    jy_sb_json_kv_i64(sb, "payroll_runs_refused", s->refused_runs);
    jy_sb_json_kv_i64(sb, "payables", s->payables);
    jy_sb_json_kv_i64(sb, "over_budget", s->over_budget);
    jy_sb_json_kv_i64(sb, "classes_returned", s->classes_returned);
    jy_sb_json_kv_i64(sb, "batches", s->batches);
    jy_sb_json_kv_i64(sb, "paid_lines", s->paid_lines);
    jy_sb_json_key(sb, "committed");
    jy_sb_appendf(sb, "\"%lld.%02lld\"", (long long)(s->committed_fen / 100), (long long)(s->committed_fen % 100));
    jy_sb_json_key(sb, "paid");
    jy_sb_appendf(sb, "\"%lld.%02lld\"", (long long)(s->paid_fen / 100), (long long)(s->paid_fen % 100));
    jy_sb_append(sb, "}");
    jy_sb_json_kv_i64(sb, "elapsed_ms", s->elapsed_ms);
    jy_sb_append(sb, "}");
}
