/* store.c — the public face of store.h: picks the backend from the URL, checks and normalises
 * arguments, dispatches through the backend's vtable (store_impl.h), and holds what every
 * backend shares: the names tables of statuses, organisation kinds and size classes, the JSON
 * renderings, the audit hash and the audit-chain verification. */
#include "store/store_impl.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

/* ---------------------------------------------------------------- names tables */

static const struct {
    const char *name, *label;
    const char *alias[3];
} status_names[JY_ST__COUNT] = {
    [JY_ST_REGISTERED_UNEMPLOYED] = {"registered_unemployed", "登记失业", {"失业登记", "登记失业人员", NULL}},
    [JY_ST_POVERTY_ALLEVIATED] = {"poverty_alleviated", "脱贫人口", {"脱贫户", "脱贫劳动力", NULL}},
    [JY_ST_MONITORED] = {"monitored", "监测对象", {"监测户", "防返贫监测对象", NULL}},
    [JY_ST_DISABILITY] = {"disability", "残疾人", {"残疾", NULL, NULL}},
    [JY_ST_VETERAN] = {"veteran", "退役军人", {NULL, NULL, NULL}},
    [JY_ST_GRADUATE] = {"graduate", "高校毕业生", {"毕业生", NULL, NULL}},
    [JY_ST_DIBAO] = {"dibao", "低保", {"低保户", "最低生活保障", NULL}},
    [JY_ST_ZERO_EMPLOYMENT_FAMILY] = {"zero_employment_family", "零就业家庭", {NULL, NULL, NULL}},
    [JY_ST_PUBLIC_WELFARE_POST] = {"public_welfare_post", "公益性岗位", {"公益岗", "公益性岗位人员", NULL}},
    [JY_ST_FISCAL_PAYROLL] = {"fiscal_payroll", "财政供养", {"财政供养人员", NULL, NULL}},
    [JY_ST_ENROLLED_STUDENT] = {"enrolled_student", "在校学生", {"在校生", NULL, NULL}},
    [JY_ST_RETIRED] = {"retired", "退休", {"退休人员", NULL, NULL}},
    [JY_ST_EMPLOYER_INSURED] = {"employer_insured", "单位缴纳社保", {"单位参保", NULL, NULL}},
};

const char *jy_status_kind_name(jy_status_kind k)
{
    return k > 0 && k < JY_ST__COUNT ? status_names[k].name : "";
}

const char *jy_status_kind_label(jy_status_kind k)
{
    return k > 0 && k < JY_ST__COUNT ? status_names[k].label : "";
}

int jy_status_kind_parse(const char *name, jy_status_kind *out)
{
    if (!name) return JY_EINVAL;
    for (int k = 1; k < JY_ST__COUNT; k++) {
        int hit = strcmp(name, status_names[k].name) == 0 || strcmp(name, status_names[k].label) == 0;
        for (int a = 0; !hit && a < 3 && status_names[k].alias[a]; a++)
            hit = strcmp(name, status_names[k].alias[a]) == 0;
        if (hit) {
            *out = (jy_status_kind)k;
            return 0;
        }
    }
    return JY_EINVAL;
}

const char *jy_hukou_kind_name(int k)
{
    return k == JY_HUKOU_URBAN ? "urban" : k == JY_HUKOU_RURAL ? "rural" : "";
}

const char *jy_hukou_kind_label(int k)
{
    return k == JY_HUKOU_URBAN ? "城镇" : k == JY_HUKOU_RURAL ? "农村" : "";
}

int jy_hukou_kind_parse(const char *s, int *out)
{
    static const char *const urban[] = {"urban", "城镇", "非农业", "非农业户口", "城镇户口", "非农"};
    static const char *const rural[] = {"rural", "农村", "农业", "农业户口", "农村户口"};
    if (!s) return JY_EINVAL;
    if (!*s) {
        *out = JY_HUKOU_UNKNOWN;
        return 0;
    }
    for (size_t i = 0; i < sizeof urban / sizeof *urban; i++)
        if (strcmp(s, urban[i]) == 0) {
            *out = JY_HUKOU_URBAN;
            return 0;
        }
    for (size_t i = 0; i < sizeof rural / sizeof *rural; i++)
        if (strcmp(s, rural[i]) == 0) {
            *out = JY_HUKOU_RURAL;
            return 0;
        }
    return JY_EINVAL;
}

static const struct {
    const char *name, *label, *alias;
} org_kind_names[JY_ORG__KIND_COUNT] = {
    {"training_body", "培训机构", "职业培训机构"},
    {"employer", "用人单位", "企业"},
    {"cooperative", "合作社", "农民专业合作社"},
    {"workshop", "帮扶车间", "就业帮扶车间"},
    {"labour_agency", "人力资源服务机构", "劳务中介"},
    {"labour_broker", "劳务经纪人", NULL},
    {"traineeship_base", "见习基地", "就业见习基地"},
    {"gig_station", "零工驿站", NULL},
    {"community", "村（社区）", "社区"},
    {"public_body", "机关事业单位", NULL},
    {"service_centre", "驻外劳务服务中心", NULL},
    {"startup_base", "返乡创业基地", "创业基地"},
    {"shop", "社区便民服务店", "便民服务店"},
    {"leading_enterprise", "龙头企业", NULL},
};

static int org_bit_index(int bit)
{
    for (int i = 0; i < JY_ORG__KIND_COUNT; i++)
        if (bit == (1 << i)) return i;
    return -1;
}

const char *jy_org_kind_name(int bit)
{
    int i = org_bit_index(bit);
    return i < 0 ? "" : org_kind_names[i].name;
}

const char *jy_org_kind_label(int bit)
{
    int i = org_bit_index(bit);
    return i < 0 ? "" : org_kind_names[i].label;
}

/* Separators between kinds: ASCII , ; space, and the Chinese ，、； */
static size_t kind_sep_len(const char *p)
{
    if (*p == ',' || *p == ';' || *p == ' ' || *p == '\t' || *p == '|') return 1;
    if (strncmp(p, "，", 3) == 0 || strncmp(p, "、", 3) == 0 || strncmp(p, "；", 3) == 0) return 3;
    return 0;
}

int jy_org_kinds_parse(const char *list, unsigned *kinds, jy_err *err)
{
    unsigned acc = 0;
    const char *p = list ? list : "";
    while (*p) {
        size_t s;
        while ((s = kind_sep_len(p)) > 0) p += s;
        if (!*p) break;
        const char *start = p;
        while (*p && kind_sep_len(p) == 0) p++;
        size_t n = (size_t)(p - start);
        int found = -1;
        for (int i = 0; i < JY_ORG__KIND_COUNT && found < 0; i++) {
            const char *cands[3] = {org_kind_names[i].name, org_kind_names[i].label, org_kind_names[i].alias};
            for (int c = 0; c < 3; c++)
                if (cands[c] && strlen(cands[c]) == n && memcmp(cands[c], start, n) == 0) {
                    found = i;
                    break;
                }
        }
        if (found < 0)
            return jy_err_set2(err, JY_EINVAL, "store.org.kind_unknown",
                              "kinds: unknown organisation kind \"%.*s\" (known: training_body, employer, "
                              "cooperative, workshop, labour_agency, labour_broker, traineeship_base, "
                              "gig_station, community, public_body, service_centre, startup_base, shop, "
                              "leading_enterprise, or their Chinese names)", "单位类别“%.*s”未知（可用：training_body、employer、cooperative、workshop、labour_agency、labour_broker、" "traineeship_base、gig_station、community、public_body、service_centre、startup_base、shop、" "leading_enterprise，或它们的中文名称）",
                              (int)(n > 64 ? 64 : n), start);
        acc |= 1u << found;
    }
    *kinds = acc;
    return 0;
}

void jy_org_kinds_json(jy_sb *sb, unsigned kinds)
{
    jy_sb_appendc(sb, '[');
    int first = 1;
    for (int i = 0; i < JY_ORG__KIND_COUNT; i++)
        if (kinds & (1u << i)) {
            if (!first) jy_sb_appendc(sb, ',');
            jy_sb_json_str(sb, org_kind_names[i].name);
            first = 0;
        }
    jy_sb_appendc(sb, ']');
}

static const char *const size_names[] = {"", "micro", "small", "medium", "large"};
static const char *const size_labels[] = {"", "微型", "小型", "中型", "大型"};

const char *jy_size_class_name(int c)
{
    return c >= 0 && c <= JY_SIZE_LARGE ? size_names[c] : "";
}

const char *jy_size_class_label(int c)
{
    return c >= 0 && c <= JY_SIZE_LARGE ? size_labels[c] : "";
}

int jy_size_class_parse(const char *s, int *out)
{
    if (!s) return JY_EINVAL;
    for (int c = 0; c <= JY_SIZE_LARGE; c++) {
        size_t ll = strlen(size_labels[c]);
        /* "小型", "小型企业", "小微" (→ small) are all seen in rosters */
        if (strcmp(s, size_names[c]) == 0 || strcmp(s, size_labels[c]) == 0 ||
            (c > 0 && strncmp(s, size_labels[c], ll) == 0 && strcmp(s + ll, "企业") == 0)) {
            *out = c;
            return 0;
        }
    }
    return JY_EINVAL;
}

/* ---------------------------------------------------------------- JSON renderings */

/* Decimal text of v into buf (≥ 21 bytes); returns its length. (No printf: this runs for
 * every row of a million-row import.) */
static size_t fmt_i64(char *buf, int64_t v)
{
    char tmp[24];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/* Writes exactly what jy_sb_json_key writes — a comma unless right after '{' or '[', then
 * "key": — for the constant ASCII keys of these renderings (nothing to escape). Added by the
 * import work (issue 2): the person rendering runs for every row of a million-row import, and
 * escaping each key byte by byte was a tenth of a put's instructions (callgrind). */
static void key_plain(jy_sb *sb, const char *key)
{
    if (sb->len > 0) {
        char last = sb->buf[sb->len - 1];
        if (last != '{' && last != '[') jy_sb_appendc(sb, ',');
    }
    jy_sb_appendc(sb, '"');
    jy_sb_appendn(sb, key, strlen(key));
    jy_sb_appendn(sb, "\":", 2);
}

/* The bytes of jy_sb_json_kv_str(sb, key, v): a value without quotes, backslashes or control
 * characters is copied as it is (what jy_sb_json_strn writes for it); any other value, and
 * NULL, go through jy_sb_json_str itself. */
static void kv_str_plain(jy_sb *sb, const char *key, const char *v)
{
    key_plain(sb, key);
    size_t n = 0;
    int plain = v != NULL;
    for (; plain && v[n]; n++) {
        unsigned char c = (unsigned char)v[n];
        if (c < 0x20 || c == '"' || c == '\\') plain = 0;
    }
    if (!plain) {
        jy_sb_json_str(sb, v);
        return;
    }
    jy_sb_reserve(sb, n + 2);
    jy_sb_appendc(sb, '"');
    jy_sb_appendn(sb, v, n);
    jy_sb_appendc(sb, '"');
}

static void kv_i64(jy_sb *sb, const char *key, int64_t v)
{
    char buf[24];
    size_t n = fmt_i64(buf, v);
    key_plain(sb, key);
    jy_sb_appendn(sb, buf, n);
}

static void json_date_or_null(jy_sb *sb, const char *key, jy_date d, int zero_is_null)
{
    if (zero_is_null && d == 0) {
        key_plain(sb, key);
        jy_sb_append(sb, "null");
        return;
    }
    char buf[JY_DATE_BUFSZ];
    kv_str_plain(sb, key, jy_date_format(d, buf));
}

void jy_person_json(jy_sb *sb, const jy_person *p)
{
    char sex[2] = {p->sex, 0};
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", p->id);
    kv_str_plain(sb, "idcard", p->idcard);
    kv_str_plain(sb, "name", p->name);
    kv_str_plain(sb, "sex", sex);
    json_date_or_null(sb, "birth", p->birth, 0);
    kv_str_plain(sb, "ethnicity", p->ethnicity);
    kv_str_plain(sb, "education", p->education);
    kv_str_plain(sb, "hukou_division", p->hukou_division);
    kv_str_plain(sb, "hukou_kind", jy_hukou_kind_name(p->hukou_kind));
    kv_str_plain(sb, "county", p->county);
    kv_str_plain(sb, "phone", p->phone);
    kv_str_plain(sb, "address", p->address);
    jy_sb_appendc(sb, '}');
}

/* The audit log's image of a person (before/after of person entries; docs/store.md, "Audit
 * chain"): a JSON array of the person's fields as jy_person_json writes their values, in its
 * order, without the keys and without the id (the entry's entity_id):
 *   [idcard,name,sex,birth,ethnicity,education,hukou_division,hukou_kind,county,phone,address]
 * Added by the import work (issue 2): the keys were ~40 % of a person entry's bytes. Values
 * without quotes, backslashes or control characters are copied in one pass; any other goes
 * through jy_sb_json_str, so the text is the same JSON either way. */
#define PERSON_IMAGE_FIELDS 11
void jy_person_audit_image(jy_sb *sb, const jy_person *p)
{
    char sex[2] = {p->sex, 0}, birth[JY_DATE_BUFSZ];
    const char *v[PERSON_IMAGE_FIELDS] = {p->idcard, p->name, sex, jy_date_format(p->birth, birth), p->ethnicity,
                                          p->education, p->hukou_division, jy_hukou_kind_name(p->hukou_kind),
                                          p->county, p->phone, p->address};
    size_t n[PERSON_IMAGE_FIELDS], total = 1; /* the brackets, less the comma before the first value */
    unsigned escape = 0; /* nonzero when a value holds a byte JSON must escape */
    for (int i = 0; i < PERSON_IMAGE_FIELDS; i++) {
        const unsigned char *c = (const unsigned char *)v[i];
        size_t k = strlen(v[i]);
        for (size_t j = 0; j < k; j++) /* no early exit: a loop the compiler can vectorise */
            escape |= (unsigned)(c[j] < 0x20) | (unsigned)(c[j] == '"') | (unsigned)(c[j] == '\\');
        n[i] = k;
        total += k + 3; /* quotes and the comma */
    }
    if (escape) { /* something to escape: the general path */
        jy_sb_appendc(sb, '[');
        for (int i = 0; i < PERSON_IMAGE_FIELDS; i++) {
            if (i) jy_sb_appendc(sb, ',');
            jy_sb_json_str(sb, v[i]);
        }
        jy_sb_appendc(sb, ']');
        return;
    }
    char *o = jy_sb_extend(sb, total); /* exactly the bytes written below */
    *o++ = '[';
    for (int i = 0; i < PERSON_IMAGE_FIELDS; i++) {
        if (i) *o++ = ',';
        *o++ = '"';
        memcpy(o, v[i], n[i]);
        o += n[i];
        *o++ = '"';
    }
    *o++ = ']';
}

/* Appends the person object jy_person_json would write for the stored image img (see
 * jy_person_audit_image) of the person with this id; returns -1 (nothing appended) when img is
 * not such an image, e.g. an entry someone edited. The values are copied as the JSON they are. */
static int person_image_expand(jy_sb *sb, const char *img, int64_t id)
{
    static const char *const keys[PERSON_IMAGE_FIELDS] = {"idcard", "name", "sex", "birth", "ethnicity",
                                                          "education", "hukou_division", "hukou_kind",
                                                          "county", "phone", "address"};
    const char *at[PERSON_IMAGE_FIELDS];
    size_t len[PERSON_IMAGE_FIELDS];
    const char *q = img;
    if (*q++ != '[') return -1;
    for (int i = 0; i < PERSON_IMAGE_FIELDS; i++) {
        if (*q != '"') return -1;
        at[i] = q++;
        while (*q && *q != '"') {
            if (*q == '\\' && !*++q) return -1;
            q++;
        }
        if (*q++ != '"') return -1;
        len[i] = (size_t)(q - at[i]);
        if (*q++ != (i + 1 < PERSON_IMAGE_FIELDS ? ',' : ']')) return -1;
    }
    if (*q) return -1;
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", id);
    for (int i = 0; i < PERSON_IMAGE_FIELDS; i++) {
        key_plain(sb, keys[i]);
        jy_sb_appendn(sb, at[i], len[i]);
    }
    jy_sb_appendc(sb, '}');
    return 0;
}

void jy_person_status_json(jy_sb *sb, const jy_person_status *s)
{
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", s->id);
    kv_i64(sb, "person_id", s->person_id);
    jy_sb_json_kv_str(sb, "kind", jy_status_kind_name(s->kind));
    jy_sb_json_kv_str(sb, "label", jy_status_kind_label(s->kind));
    json_date_or_null(sb, "since", s->since, 1);
    json_date_or_null(sb, "until", s->until, 1);
    jy_sb_json_kv_str(sb, "detail", s->detail);
    jy_sb_appendc(sb, '}');
}

void jy_org_json(jy_sb *sb, const jy_org *o)
{
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", o->id);
    jy_sb_json_kv_str(sb, "uscc", o->uscc);
    jy_sb_json_kv_str(sb, "name", o->name);
    jy_sb_json_key(sb, "kinds");
    jy_org_kinds_json(sb, o->kinds);
    jy_sb_json_kv_str(sb, "size", jy_size_class_name(o->size_class));
    jy_sb_json_kv_str(sb, "division", o->division);
    jy_sb_json_kv_str(sb, "county", o->county);
    jy_sb_json_kv_str(sb, "legal_person", o->legal_person);
    jy_sb_json_kv_str(sb, "phone", o->phone);
    jy_sb_json_kv_str(sb, "address", o->address);
    jy_sb_json_kv_str(sb, "bank_name", o->bank_name);
    jy_sb_json_kv_str(sb, "bank_account", o->bank_account);
    jy_sb_appendc(sb, '}');
}

void jy_licence_json(jy_sb *sb, const jy_licence *l)
{
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", l->id);
    kv_i64(sb, "org_id", l->org_id);
    jy_sb_json_kv_str(sb, "kind", l->kind);
    jy_sb_json_kv_str(sb, "number", l->number);
    json_date_or_null(sb, "valid_from", l->valid_from, 1);
    json_date_or_null(sb, "valid_until", l->valid_until, 1);
    jy_sb_appendc(sb, '}');
}

void jy_audit_entry_json(jy_sb *sb, const jy_audit_entry *e)
{
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "seq", e->seq);
    jy_sb_json_kv_str(sb, "at", e->at);
    jy_sb_json_kv_str(sb, "actor", e->actor);
    jy_sb_json_kv_str(sb, "county", e->county);
    jy_sb_json_kv_str(sb, "entity", e->entity);
    kv_i64(sb, "entity_id", e->entity_id);
    jy_sb_json_kv_str(sb, "action", e->action);
    /* before/after are stored JSON texts: embedded as they are, except that a person's
     * compact image (jy_person_audit_image) is shown as the object jy_person_json writes */
    int person = strcmp(e->entity, "person") == 0;
    jy_sb_json_key(sb, "before");
    if (!person || !e->before_json || person_image_expand(sb, e->before_json, e->entity_id) != 0)
        jy_sb_append(sb, e->before_json && *e->before_json ? e->before_json : "null");
    jy_sb_json_key(sb, "after");
    if (!person || !e->after_json || person_image_expand(sb, e->after_json, e->entity_id) != 0)
        jy_sb_append(sb, e->after_json && *e->after_json ? e->after_json : "null");
    jy_sb_json_kv_str(sb, "prev_hash", e->prev_hash);
    jy_sb_json_kv_str(sb, "hash", e->hash);
    jy_sb_json_kv_str(sb, "mac", e->mac[0] ? e->mac : NULL); /* null: written without the audit key */
    jy_sb_appendc(sb, '}');
}

/* ---------------------------------------------------------------- audit hash */

const char jy_store_genesis_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The canonical encoding (docs/store.md) is built in one buffer and hashed in one call, so the
 * SHA extensions (store_sha256.c) see whole blocks. */
typedef struct enc {
    unsigned char *p;
    size_t len;
} enc;

static size_t field_size(const char *s)
{
    return 4 + (s ? strlen(s) : 0);
}

static void put_field(enc *e, const char *s, size_t n)
{
    uint32_t len = s ? (uint32_t)n : 0xffffffffu;
    e->p[e->len++] = (unsigned char)(len >> 24);
    e->p[e->len++] = (unsigned char)(len >> 16);
    e->p[e->len++] = (unsigned char)(len >> 8);
    e->p[e->len++] = (unsigned char)len;
    if (s && n) {
        memcpy(e->p + e->len, s, n);
        e->len += n;
    }
}

static void put_str(enc *e, const char *s)
{
    put_field(e, s, s ? strlen(s) : 0);
}

static void put_i64(enc *e, int64_t v)
{
    char buf[24];
    size_t n = fmt_i64(buf, v);
    put_field(e, buf, n);
}

void jy_store_audit_hash(const jy_audit_entry *e, char hex[65])
{
    static const char tag[] = "jiuye-audit-v1"; /* hashed with its NUL */
    unsigned char stackbuf[4096], out[32];
    size_t need = sizeof tag + field_size(e->prev_hash) + 2 * (4 + 20) + field_size(e->at) +
                  field_size(e->county) + field_size(e->actor) + field_size(e->entity) +
                  field_size(e->action) + field_size(e->before_json) + field_size(e->after_json);
    enc b = {need <= sizeof stackbuf ? stackbuf : malloc(need), 0};
    if (!b.p) {
        fputs("jiuye: out of memory\n", stderr);
        abort();
    }
    memcpy(b.p, tag, sizeof tag);
    b.len = sizeof tag;
    put_str(&b, e->prev_hash);
    put_i64(&b, e->seq);
    put_str(&b, e->at);
    put_str(&b, e->county);
    put_str(&b, e->actor);
    put_str(&b, e->entity);
    put_i64(&b, e->entity_id);
    put_str(&b, e->action);
    put_str(&b, e->before_json);
    put_str(&b, e->after_json);
    jy_store_sha256(b.p, b.len, out);
    if (b.p != stackbuf) free(b.p);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[64] = '\0';
}

void jy_store_copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--; /* src[n] continues a character */
    }
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

void jy_store_now(char *buf, size_t n)
{
    const char *fixed = getenv("JIUYE_NOW");
    if (fixed && *fixed) {
        snprintf(buf, n, "%s", fixed);
        return;
    }
    /* the text up to the seconds is formatted once per second and cached (per thread) */
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[64];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_sec = ts.tv_sec;
    }
    int ms = (int)(ts.tv_nsec / 1000000);
    char tail[6] = {'.', (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z', '\0'};
    size_t cl = strlen(cached);
    if (n < cl + sizeof tail) {
        if (n) buf[0] = '\0';
        return;
    }
    memcpy(buf, cached, cl);
    memcpy(buf + cl, tail, sizeof tail);
}

/* ---------------------------------------------------------------- open and dispatch */

static int open_backend(const char *url, jy_store **out, jy_err *err)
{
    *out = NULL;
    if (!url || !*url)
        return jy_err_set2(err, JY_EINVAL, "store.db.url_empty", "database URL is empty (use --db PATH or JIUYE_DB)",
                           "未给出数据库地址（用 --db 路径 或环境变量 JIUYE_DB 指定）");
    if (sodium_init() < 0)
        return jy_err_set2(err, JY_EIO, "store.sodium_init", "libsodium failed to initialise",
                           "加密库 libsodium 初始化失败");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return jy_store_pg_open(url, out, err); /* store_pg.c (issue 3) */
    const char *path = url;
    if (strncmp(path, "sqlite://", 9) == 0) path += 9;
    else if (strncmp(path, "sqlite:", 7) == 0) path += 7;
    if (!*path)
        return jy_err_set2(err, JY_EINVAL, "store.db.url_no_file", "database URL %s names no file",
                           "数据库地址 %s 没有指明文件", url);
    return jy_store_sqlite_open(path, out, err);
}

int jy_store_open(const char *url, jy_store **out, jy_err *err)
{
    int rc = open_backend(url, out, err);
    if (rc) return rc;
    /* the audit key (JIUYE_AUDIT_KEY_FILE, docs/audit.md): a key that cannot be read stops the
     * open, so nothing is written unkeyed by mistake */
    if ((rc = jy_store_audit_key_from_env(*out, err))) {
        jy_store_close(*out);
        *out = NULL;
    }
    return rc;
}

void jy_store_close(jy_store *st)
{
    if (!st) return;
    sodium_memzero(st->audit_key, sizeof st->audit_key);
    jy_rcache_free(st);
    st->ops->close(st);
}

const char *jy_store_backend(const jy_store *st)
{
    return st->ops->name;
}

int jy_store_schema_version(jy_store *st, int *version, jy_err *err)
{
    return st->ops->schema_version(st, version, err);
}

int jy_store_begin(jy_store *st, jy_err *err)
{
    return st->ops->begin(st, err);
}

int jy_store_commit(jy_store *st, jy_err *err)
{
    return st->ops->commit(st, err);
}

int jy_store_rollback(jy_store *st, jy_err *err)
{
    return st->ops->rollback(st, err);
}

int jy_store_txn_open(jy_store *st)
{
    if (strcmp(st->ops->name, "sqlite") == 0) return jy_store_sqlite_txn_open(st);
    return -1;
}

/* ---------------------------------------------------------------- argument checks */

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int check_division(const char *field, const char *d, jy_err *err)
{
    size_t n = strlen(d);
    if (n == 0) return 0;
    if (!(n == 6 || n == 9 || n == 12) || !all_digits(d, n))
        return jy_err_set2(err, JY_EINVAL, "store.division.digits", "%s \"%s\": a division code has 6, 9 or 12 digits",
                           "%s“%s”：区划代码应为 6、9 或 12 位数字", field, d);
    return 0;
}

/* Normalises an ID number in place (x → X) and checks its shape. */
static int norm_idcard(char *id, jy_err *err)
{
    size_t n = strlen(id);
    if (n != 18 || !all_digits(id, 17) ||
        !((id[17] >= '0' && id[17] <= '9') || id[17] == 'X' || id[17] == 'x'))
        return jy_err_set2(err, JY_EINVAL, "store.person.idcard_format",
                          "idcard \"%.40s\": an ID number has 17 digits and a check character (0-9 or X)", "身份证号码“%.40s”：应为 17 位数字加 1 位校验位（0-9 或 X）", id);
    if (id[17] == 'x') id[17] = 'X';
    return 0;
}

#define CHECK_TERM(rec, field)                                                                    \
    do {                                                                                          \
        if (!terminated((rec)->field, sizeof (rec)->field))                                       \
            return jy_err_set2(err, JY_EINVAL, "store.field.too_long", "%s: longer than %zu bytes",     \
                               "%s：超过 %zu 字节", #field, sizeof (rec)->field - 1);                  \
    } while (0)

static int norm_person(jy_person *p, jy_err *err)
{
    CHECK_TERM(p, idcard);
    CHECK_TERM(p, name);
    CHECK_TERM(p, ethnicity);
    CHECK_TERM(p, education);
    CHECK_TERM(p, hukou_division);
    CHECK_TERM(p, county);
    CHECK_TERM(p, phone);
    CHECK_TERM(p, address);
    int rc = norm_idcard(p->idcard, err);
    if (rc) return rc;
    if (!p->name[0])
        return jy_err_set2(err, JY_EINVAL, "store.person.name_empty", "person %s: name is empty", "人员 %s：姓名为空",
                           p->idcard);
    if (p->sex == 0) p->sex = ((p->idcard[16] - '0') & 1) ? 'M' : 'F';
    if (p->sex != 'M' && p->sex != 'F')
        return jy_err_set2(err, JY_EINVAL, "store.person.sex", "person %s: sex must be M or F",
                           "人员 %s：性别须为 M（男）或 F（女）", p->idcard);
    if (p->birth == 0) {
        int y = (p->idcard[6] - '0') * 1000 + (p->idcard[7] - '0') * 100 + (p->idcard[8] - '0') * 10 +
                (p->idcard[9] - '0');
        int m = (p->idcard[10] - '0') * 10 + (p->idcard[11] - '0');
        int d = (p->idcard[12] - '0') * 10 + (p->idcard[13] - '0');
        if (jy_ymd_valid(y, m, d)) p->birth = jy_date_from_ymd(y, m, d);
    }
    if ((rc = check_division("hukou_division", p->hukou_division, err)))
        return jy_err_prefix2(err, "person %s: ", "人员 %s：", p->idcard);
    if (p->hukou_kind < JY_HUKOU_UNKNOWN || p->hukou_kind > JY_HUKOU_RURAL)
        return jy_err_set2(err, JY_EINVAL, "store.person.hukou_kind", "person %s: hukou_kind %d is not urban or rural",
                           "人员 %s：户籍类别 %d 既不是城镇也不是农村", p->idcard, p->hukou_kind);
    if (!p->county[0]) {
        const char *src = strlen(p->hukou_division) >= 6 ? p->hukou_division : p->idcard;
        memcpy(p->county, src, 6);
        p->county[6] = '\0';
    }
    if (strlen(p->county) != 6 || !all_digits(p->county, 6))
        return jy_err_set2(err, JY_EINVAL, "store.person.county",
                           "person %s: county \"%s\" is not a 6-digit division code",
                           "人员 %s：县“%s”不是 6 位区划代码", p->idcard, p->county);
    return 0;
}

static int norm_org(jy_org *o, jy_err *err)
{
    CHECK_TERM(o, uscc);
    CHECK_TERM(o, name);
    CHECK_TERM(o, division);
    CHECK_TERM(o, county);
    CHECK_TERM(o, legal_person);
    CHECK_TERM(o, phone);
    CHECK_TERM(o, address);
    CHECK_TERM(o, bank_name);
    CHECK_TERM(o, bank_account);
    size_t n = strlen(o->uscc);
    for (size_t i = 0; i < n; i++) o->uscc[i] = (char)toupper((unsigned char)o->uscc[i]);
    int ok = n == 18;
    for (size_t i = 0; ok && i < n; i++) ok = isdigit((unsigned char)o->uscc[i]) || isupper((unsigned char)o->uscc[i]);
    if (!ok)
        return jy_err_set2(err, JY_EINVAL, "store.org.uscc_format",
                           "uscc \"%.40s\": a 统一社会信用代码 has 18 characters (digits and capitals)",
                           "统一社会信用代码“%.40s”：应为 18 位（数字和大写字母）", o->uscc);
    if (!o->name[0])
        return jy_err_set2(err, JY_EINVAL, "store.org.name_empty", "org %s: name is empty", "单位 %s：名称为空",
                           o->uscc);
    if (o->kinds >= (1u << JY_ORG__KIND_COUNT))
        return jy_err_set2(err, JY_EINVAL, "store.org.kind_bits", "org %s: unknown kind bits 0x%x",
                           "单位 %s：类别标志 0x%x 未知", o->uscc, o->kinds);
    if (o->size_class < JY_SIZE_UNKNOWN || o->size_class > JY_SIZE_LARGE)
        return jy_err_set2(err, JY_EINVAL, "store.org.size_class", "org %s: size class %d unknown",
                           "单位 %s：规模类别 %d 未知", o->uscc, o->size_class);
    if (check_division("division", o->division, err)) return jy_err_prefix2(err, "org %s: ", "单位 %s：", o->uscc);
    if (!o->county[0]) {
        if (strlen(o->division) >= 6) memcpy(o->county, o->division, 6);
        else if (all_digits(o->uscc + 2, 6)) memcpy(o->county, o->uscc + 2, 6);
        o->county[6] = '\0';
    }
    if (strlen(o->county) != 6 || !all_digits(o->county, 6))
        return jy_err_set2(err, JY_EINVAL, "store.org.no_county",
                          "org %s: no county: give a division code (the USCC's characters 3-8 are not one)", "单位 %s：无法确定所属县：请给出区划代码（统一社会信用代码第 3-8 位不是区划代码）", o->uscc);
    return 0;
}

static int check_actor(const char **actor)
{
    if (!*actor || !**actor) *actor = "system";
    return 0;
}

/* ---------------------------------------------------------------- persons */

int jy_store_person_put(jy_store *st, jy_person *p, const char *actor, int *result, jy_err *err)
{
    int dummy, rc = norm_person(p, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_person_put(st, p, actor, result ? result : &dummy, err); /* county scope: store_scope.c */
    return st->ops->person_put(st, p, actor, result ? result : &dummy, err);
}

int jy_store_person_get(jy_store *st, int64_t id, jy_person *out, jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_person_get(st, id, NULL, out, err); /* county scope: store_scope.c */
    return st->ops->person_get(st, id, NULL, out, err);
}

int jy_store_person_prefetch(jy_store *st, const char *const *idcards, size_t n, jy_err *err)
{
    if (!st->ops->person_prefetch || !idcards || n == 0) return 0; /* a hint: no backend support, nothing to do */
    return st->ops->person_prefetch(st, idcards, n, err);
}

int jy_store_bulk(jy_store *st, int on, jy_err *err)
{
    if (strcmp(st->ops->name, "sqlite") == 0) return jy_store_sqlite_bulk(st, on, err); /* SQLite only */
    return 0;
}

int jy_store_person_get_by_idcard(jy_store *st, const char *idcard, jy_person *out, jy_err *err)
{
    char id[19];
    size_t n = idcard ? strlen(idcard) : 0;
    if (n != 18)
        return jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_idcard_q", "no person with ID number \"%.40s\"",
                           "没有身份证号码为“%.40s”的人员", idcard ? idcard : "");
    memcpy(id, idcard, 19);
    if (id[17] == 'x') id[17] = 'X';
    if (st->scope[0]) return jy_store_scoped_person_get(st, 0, id, out, err); /* county scope: store_scope.c */
    return st->ops->person_get(st, 0, id, out, err);
}

int jy_store_person_list(jy_store *st, const jy_person_filter *f,
                         int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err)
{
    jy_person_filter all = {0};
    if (st->scope[0]) return jy_store_scoped_person_list(st, f ? f : &all, fn, ctx, err); /* county scope: store_scope.c */
    return st->ops->person_list(st, f ? f : &all, fn, ctx, err);
}

static int status_check(int64_t person_id, const jy_person_status *s, jy_err *err)
{
    if (s->kind <= 0 || s->kind >= JY_ST__COUNT)
        return jy_err_set2(err, JY_EINVAL, "store.person.status_kind", "person %" PRId64 ": unknown status kind %d",
                           "人员 %" PRId64 "：状态类别 %d 未知", person_id, (int)s->kind);
    if (!terminated(s->detail, sizeof s->detail))
        return jy_err_set2(err, JY_EINVAL, "store.person.status_detail", "status detail: longer than %zu bytes",
                           "状态说明：超过 %zu 字节", sizeof s->detail - 1);
    if (s->until != 0 && s->since != 0 && s->until < s->since)
        return jy_err_set2(err, JY_EINVAL, "store.person.status_dates",
                           "person %" PRId64 ": status %s ends before it starts",
                           "人员 %" PRId64 "：状态 %s 的结束日期早于开始日期", person_id, jy_status_kind_name(s->kind));
    return 0;
}

int jy_store_person_status_add(jy_store *st, int64_t person_id, jy_person_status *s,
                               const char *actor, jy_err *err)
{
    int rc = status_check(person_id, s, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_person_status_add(st, person_id, s, actor, err); /* county scope: store_scope.c */
    return st->ops->person_status_add(st, person_id, s, actor, err);
}

int jy_store_person_status_update(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                  jy_err *err)
{
    int rc = status_check(person_id, s, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_person_status_update(st, person_id, s, actor, err); /* county scope: store_scope.c */
    return st->ops->person_status_update(st, person_id, s, actor, err);
}

int jy_store_person_statuses(jy_store *st, int64_t person_id, jy_person_status *out, int max,
                             int *n, jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_person_statuses(st, person_id, out, max, n, err); /* county scope: store_scope.c */
    return st->ops->person_statuses(st, person_id, out, max, n, err);
}

/* ---------------------------------------------------------------- organisations */

int jy_store_org_put(jy_store *st, jy_org *o, const char *actor, int *result, jy_err *err)
{
    int dummy, rc = norm_org(o, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_org_put(st, o, actor, result ? result : &dummy, err); /* county scope: store_scope.c */
    return st->ops->org_put(st, o, actor, result ? result : &dummy, err);
}

int jy_store_org_get(jy_store *st, int64_t id, jy_org *out, jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_org_get(st, id, NULL, out, err); /* county scope: store_scope.c */
    return jy_store_org_row(st, id, NULL, out, err); /* through the read cache (store_rcache.c) */
}

int jy_store_org_get_by_uscc(jy_store *st, const char *uscc, jy_org *out, jy_err *err)
{
    char u[19];
    size_t n = uscc ? strlen(uscc) : 0;
    if (n != 18)
        return jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_uscc_q", "no organisation with USCC \"%.40s\"",
                           "没有统一社会信用代码为“%.40s”的单位", uscc ? uscc : "");
    for (size_t i = 0; i <= n; i++) u[i] = (char)toupper((unsigned char)uscc[i]);
    if (st->scope[0]) return jy_store_scoped_org_get(st, 0, u, out, err); /* county scope: store_scope.c */
    return st->ops->org_get(st, 0, u, out, err);
}

int jy_store_org_list(jy_store *st, const jy_org_filter *f,
                      int (*fn)(void *ctx, const jy_org *o), void *ctx, jy_err *err)
{
    jy_org_filter all = {0};
    if (st->scope[0]) return jy_store_scoped_org_list(st, f ? f : &all, fn, ctx, err); /* county scope: store_scope.c */
    return st->ops->org_list(st, f ? f : &all, fn, ctx, err);
}

int jy_store_org_licence_add(jy_store *st, int64_t org_id, jy_licence *l, const char *actor,
                             jy_err *err)
{
    if (!terminated(l->kind, sizeof l->kind) || !terminated(l->number, sizeof l->number))
        return jy_err_set2(err, JY_EINVAL, "store.licence.too_long", "licence kind or number too long", "证照类别或编号过长");
    if (!l->kind[0])
        return jy_err_set2(err, JY_EINVAL, "store.licence.kind_empty", "org %" PRId64 ": licence kind is empty",
                           "单位 %" PRId64 "：证照类别为空", org_id);
    if (l->valid_until != 0 && l->valid_until < l->valid_from)
        return jy_err_set2(err, JY_EINVAL, "store.licence.dates", "org %" PRId64 ": licence %s ends before it starts",
                           "单位 %" PRId64 "：证照 %s 的截止日期早于起始日期", org_id, l->number);
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_org_licence_add(st, org_id, l, actor, err); /* county scope: store_scope.c */
    return st->ops->org_licence_add(st, org_id, l, actor, err);
}

static const struct {
    const char *name, *label;
} org_status_kinds[] = {{"designated_training", "定点培训机构"}, {"internship_base", "就业见习基地"},
                        {"incubator", "创业孵化基地"},          {"rectification", "限期整改"},
                        {"suspended", "暂停补贴资格"},          {"dishonest", "失信惩戒"},
                        {"deregistered", "已注销"}};

const char *jy_org_status_kind_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof org_status_kinds / sizeof org_status_kinds[0]; i++)
        if (strcmp(name, org_status_kinds[i].name) == 0 || strcmp(name, org_status_kinds[i].label) == 0)
            return org_status_kinds[i].name;
    return NULL;
}

const char *jy_org_status_kind_label(const char *name)
{
    for (size_t i = 0; name && i < sizeof org_status_kinds / sizeof org_status_kinds[0]; i++)
        if (strcmp(name, org_status_kinds[i].name) == 0) return org_status_kinds[i].label;
    return "";
}

void jy_org_status_json(jy_sb *sb, const jy_org_status *s)
{
    jy_sb_appendc(sb, '{');
    kv_i64(sb, "id", s->id);
    kv_i64(sb, "org_id", s->org_id);
    jy_sb_json_kv_str(sb, "kind", s->kind);
    jy_sb_json_kv_str(sb, "label", jy_org_status_kind_label(s->kind));
    json_date_or_null(sb, "since", s->since, 1);
    json_date_or_null(sb, "until", s->until, 1);
    jy_sb_json_kv_str(sb, "detail", s->detail);
    jy_sb_appendc(sb, '}');
}

static int org_status_check(int64_t org_id, jy_org_status *s, jy_err *err)
{
    const char *k = terminated(s->kind, sizeof s->kind) ? jy_org_status_kind_parse(s->kind) : NULL;
    if (!k)
        return jy_err_set2(err, JY_EINVAL, "store.org.status_kind", "org %" PRId64 ": unknown status kind \"%.31s\"",
                           "单位 %" PRId64 "：状态类别“%.31s”未知", org_id, terminated(s->kind, sizeof s->kind) ? s->kind : "");
    snprintf(s->kind, sizeof s->kind, "%s", k);
    if (!terminated(s->detail, sizeof s->detail))
        return jy_err_set2(err, JY_EINVAL, "store.org.status_detail", "status detail: longer than %zu bytes",
                           "状态说明：超过 %zu 字节", sizeof s->detail - 1);
    if (s->until != 0 && s->since != 0 && s->until < s->since)
        return jy_err_set2(err, JY_EINVAL, "store.org.status_dates", "org %" PRId64 ": status %s ends before it starts",
                           "单位 %" PRId64 "：状态 %s 的结束日期早于开始日期", org_id, s->kind);
    return 0;
}

int jy_store_org_status_add(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err)
{
    int rc = org_status_check(org_id, s, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_org_status_add(st, org_id, s, actor, err); /* county scope: store_scope.c */
    return st->ops->org_status_add(st, org_id, s, actor, err);
}

int jy_store_org_status_update(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err)
{
    int rc = org_status_check(org_id, s, err);
    if (rc) return rc;
    check_actor(&actor);
    if (st->scope[0]) return jy_store_scoped_org_status_update(st, org_id, s, actor, err); /* county scope: store_scope.c */
    return st->ops->org_status_update(st, org_id, s, actor, err);
}

int jy_store_org_statuses(jy_store *st, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_org_statuses(st, org_id, out, max, n, err); /* county scope: store_scope.c */
    return st->ops->org_statuses(st, org_id, out, max, n, err);
}

int jy_store_org_licences(jy_store *st, int64_t org_id, jy_licence *out, int max, int *n,
                          jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_org_licences(st, org_id, out, max, n, err); /* county scope: store_scope.c */
    return st->ops->org_licences(st, org_id, out, max, n, err);
}

/* ---------------------------------------------------------------- counts and audit */

int jy_store_counts_get(jy_store *st, jy_store_counts *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    if (st->scope[0]) return jy_store_scoped_counts_get(st, out, err); /* county scope: store_scope.c */
    return st->ops->counts_get(st, out, err);
}

int jy_store_group_counts(jy_store *st, int by, jy_date on,
                          int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err)
{
    if (by < JY_GROUP_PERSON_TOWNSHIP || by > JY_GROUP_ORG_KINDS)
        return jy_err_set2(err, JY_EINVAL, "store.counts.grouping", "group counts: unknown grouping %d",
                           "分组统计：分组方式 %d 未知", by);
    if (!st->ops->group_counts)
        return jy_err_set2(err, JY_EDB, "store.counts.backend", "group counts: not supported by the %s backend",
                           "分组统计：%s 数据库不支持", st->ops->name);
    if (st->scope[0]) return jy_store_scoped_group_counts(st, by, on, fn, ctx, err); /* county scope: store_scope.c */
    return st->ops->group_counts(st, by, on, fn, ctx, err);
}

int jy_store_audit_append(jy_store *st, const char *actor, const char *entity, int64_t entity_id,
                          const char *action, const char *before_json, const char *after_json,
                          jy_err *err)
{
    if (!entity || !*entity || !action || !*action)
        return jy_err_set2(err, JY_EINVAL, "store.audit.entry_required", "audit entry needs an entity and an action",
                           "审计日志条目须有对象和操作");
    check_actor(&actor);
    return st->ops->audit_append(st, actor, "", entity, entity_id, action, before_json, after_json, err);
}

int jy_store_audit_list(jy_store *st, int64_t after_seq, int limit,
                        int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err)
{
    if (st->scope[0]) return jy_store_scoped_audit_list(st, after_seq, limit, fn, ctx, err); /* county scope: store_scope.c */
    return st->ops->audit_list(st, after_seq, limit, fn, ctx, err);
}

int jy_store_audit_head(jy_store *st, int64_t *seq, char hash[65], jy_err *err)
{
    return st->ops->audit_head(st, seq, hash, err);
}

int jy_store_grant_app_role(jy_store *st, const char *role, jy_err *err)
{
    if (strcmp(st->ops->name, "postgresql") != 0)
        return jy_err_set2(err, JY_EUSAGE, "store.pg.app_role_sqlite",
                          "--app-role: roles are PostgreSQL's; a SQLite database is protected by its file's owner and mode", "--app-role：角色只用于 PostgreSQL；SQLite 数据库由其文件的属主和权限保护");
    size_t n = role ? strlen(role) : 0;
    if (n == 0 || n > 63)
        return jy_err_set2(err, JY_EUSAGE, "store.pg.app_role_name", "--app-role \"%s\": a role name has 1 to 63 bytes",
                           "--app-role“%s”：角色名应为 1 至 63 字节", role ? role : "");
    return jy_store_pg_grant_app_role(st, role, err);
}

/* jy_store_audit_verify and the anchors (expected head, checkpoints, the keyed chain):
 * audit_anchor.c (issue 10 item 14). */
