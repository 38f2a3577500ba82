/* audit_anchor.c — what the audit chain cannot see on its own (issue 10 item 14; docs/audit.md):
 * entries cut from its end, and a tail rewritten with freshly computed hashes (the hash is
 * public and unkeyed). Here live the three anchors of store.h and the chain's verification
 * that checks them:
 *  - the keyed chain: the audit key file (read at open from JIUYE_AUDIT_KEY_FILE, made by
 *    jy_audit_keygen), the MAC every entry carries when its writer had the key, and its check;
 *  - an expected head that must still be in the chain;
 *  - checkpoint files: {at, seq, hash} lines appended outside the database, every one of which
 *    the chain must still hold.
 * No SQL here: the walk reads the chain through the backend's audit_list, like
 * jy_store_audit_verify always did. */
#include "store/store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* ---------------------------------------------------------------- keys and MACs */

static void hex_encode(const unsigned char *b, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[b[i] >> 4];
        hex[2 * i + 1] = digits[b[i] & 15];
    }
    hex[2 * n] = '\0';
}

static int is_hex64(const char *s)
{
    if (strlen(s) != 64) return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static void key_id(const unsigned char key[32], char id[17])
{
    static const char tag[] = "jiuye-audit-key-id"; /* hashed with its NUL */
    unsigned char in[sizeof tag + 32], out[32];
    memcpy(in, tag, sizeof tag);
    memcpy(in + sizeof tag, key, 32);
    crypto_hash_sha256(out, in, sizeof in);
    sodium_memzero(in, sizeof in);
    hex_encode(out, 8, id);
}

void jy_store_audit_mac(const jy_store *st, const char hash[65], char mac[65])
{
    if (!st->audit_keyed) {
        mac[0] = '\0';
        return;
    }
    /* HMAC-SHA256(key, "jiuye-audit-mac-v1" NUL || the entry's hash in hex): the hash covers
     * the entry's fields and the previous hash, so the MAC covers the chain up to the entry */
    static const char tag[] = "jiuye-audit-mac-v1";
    unsigned char in[sizeof tag + 64], out[crypto_auth_hmacsha256_BYTES];
    memcpy(in, tag, sizeof tag);
    memcpy(in + sizeof tag, hash, 64);
    crypto_auth_hmacsha256(out, in, sizeof in, st->audit_key);
    hex_encode(out, 32, mac);
}

int jy_audit_keygen(const char *path, char id[17], jy_err *err)
{
    if (!path || !*path)
        return jy_err_set2(err, JY_EUSAGE, "store.audit.keygen_args", "audit keygen: give the key file to create",
                           "生成审计密钥：请给出要创建的密钥文件");
    if (sodium_init() < 0)
        return jy_err_set2(err, JY_EIO, "store.sodium_init", "libsodium failed to initialise",
                           "加密库 libsodium 初始化失败");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return jy_err_set2(err, JY_ECONFLICT, "store.audit.key_exists",
                              "audit key file %s already exists: a key is never overwritten (entries written with it "
                              "could no longer be verified); choose another name", "审计密钥文件 %s 已存在：密钥从不覆盖（否则用它写入的条目将无法再校验）；请换一个文件名", path);
        return jy_err_set2(err, JY_EIO, "store.audit.key_create", "audit key file %s: cannot create: %s",
                           "审计密钥文件 %s：无法创建：%s", path, strerror(errno));
    }
    unsigned char key[32];
    char text[66];
    randombytes_buf(key, sizeof key);
    hex_encode(key, 32, text);
    text[64] = '\n';
    text[65] = '\0';
    key_id(key, id);
    sodium_memzero(key, sizeof key);
    ssize_t w = write(fd, text, 65);
    int bad = w != 65 || fsync(fd) != 0;
    int e = errno;
    sodium_memzero(text, sizeof text);
    if (close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(path);
        return jy_err_set2(err, JY_EIO, "store.audit.key_write", "audit key file %s: cannot write: %s",
                           "审计密钥文件 %s：无法写入：%s", path, strerror(e));
    }
    return 0;
}

int jy_store_set_audit_key_file(jy_store *st, const char *path, char id[17], jy_err *err)
{
    sodium_memzero(st->audit_key, sizeof st->audit_key);
    st->audit_keyed = 0;
    if (!path) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return jy_err_set2(err, JY_EIO, "store.audit.key_open", "audit key file %s: cannot open: %s",
                           "审计密钥文件 %s：无法打开：%s", path, strerror(errno));
    struct stat sb;
    char text[130];
    ssize_t n = -1;
    int rc = 0;
    if (fstat(fd, &sb) != 0) {
        rc = jy_err_set2(err, JY_EIO, "store.audit.key_stat", "audit key file %s: %s", "审计密钥文件 %s：%s", path,
                         strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        rc = jy_err_set2(err, JY_EINVAL, "store.audit.key_not_file", "audit key file %s: not a regular file",
                         "审计密钥文件 %s：不是普通文件", path);
    } else if (sb.st_mode & 077) {
        rc = jy_err_set2(err, JY_EINVAL, "store.audit.key_mode",
                         "audit key file %s may be read by others (mode %04o): chmod 600 %s",
                         "审计密钥文件 %s 可被他人读取（权限 %04o）：请执行 chmod 600 %s", path,
                         (unsigned)(sb.st_mode & 07777), path);
    } else if ((n = read(fd, text, sizeof text - 1)) < 0) {
        rc = jy_err_set2(err, JY_EIO, "store.audit.key_read", "audit key file %s: cannot read: %s",
                         "审计密钥文件 %s：无法读取：%s", path, strerror(errno));
    }
    close(fd);
    if (rc) return rc;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) n--;
    text[n] = '\0';
    size_t got = 0;
    if (n != 64 || sodium_hex2bin(st->audit_key, 32, text, 64, NULL, &got, NULL) != 0 || got != 32) {
        sodium_memzero(text, sizeof text);
        sodium_memzero(st->audit_key, sizeof st->audit_key);
        return jy_err_set2(err, JY_EINVAL, "store.audit.key_format",
                           "audit key file %s: expected 64 hex digits (a key made by `jiuye audit keygen`)",
                           "审计密钥文件 %s：应为 64 位十六进制数字（由 `jiuye audit keygen` 生成的密钥）", path);
    }
    sodium_memzero(text, sizeof text);
    st->audit_keyed = 1;
    if (id) key_id(st->audit_key, id);
    return 0;
}

int jy_store_audit_key_from_env(jy_store *st, jy_err *err)
{
    const char *path = getenv(JY_AUDIT_KEY_ENV);
    if (!path || !*path) return 0;
    return jy_store_set_audit_key_file(st, path, NULL, err);
}

int jy_store_audit_keyed(const jy_store *st, char id[17])
{
    if (id) {
        id[0] = '\0';
        if (st->audit_keyed) key_id(st->audit_key, id);
    }
    return st->audit_keyed;
}

/* ---------------------------------------------------------------- checkpoint files */

typedef struct checkpoint {
    int64_t seq;
    char hash[65];
    char at[32];
    int line;
} checkpoint;

typedef struct cp_list {
    checkpoint *v;
    size_t n, cap;
} cp_list;

/* The text after "key": in line (which ends at end), or NULL. */
static const char *json_field(const char *line, const char *end, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = line; p + k <= end; p++)
        if (memcmp(p, key, k) == 0) return p + k;
    return NULL;
}

static int parse_line(const char *line, const char *end, checkpoint *c, const char *path, int lineno, jy_err *err)
{
    const char *s = json_field(line, end, "\"seq\":"), *h = json_field(line, end, "\"hash\":\""),
               *a = json_field(line, end, "\"at\":\"");
    int64_t seq = -1;
    if (s && s < end && *s >= '0' && *s <= '9') {
        seq = 0;
        for (; s < end && *s >= '0' && *s <= '9'; s++) {
            if (seq > (INT64_MAX - 9) / 10) {
                seq = -1;
                break;
            }
            seq = seq * 10 + (*s - '0');
        }
    }
    if (seq < 0 || !h || end - h < 65 || h[64] != '"')
        return jy_err_set2(
            err, JY_EINVAL, "store.audit.cp_line",
            "checkpoint file %s line %d: not a checkpoint (expected {\"at\":…,\"seq\":N,\"hash\":\"64 hex digits\"})",
            "检查点文件 %s 第 %d 行：不是检查点（应为 {\"at\":…,\"seq\":N,\"hash\":\"64 位十六进制数字\"}）", path,
            lineno);
    memcpy(c->hash, h, 64);
    c->hash[64] = '\0';
    if (!is_hex64(c->hash))
        return jy_err_set2(err, JY_EINVAL, "store.audit.cp_hash",
                           "checkpoint file %s line %d: the hash is not 64 lower-case hex digits",
                           "检查点文件 %s 第 %d 行：哈希值不是 64 位小写十六进制数字", path, lineno);
    c->seq = seq;
    c->line = lineno;
    c->at[0] = '\0';
    if (a) {
        const char *q = memchr(a, '"', (size_t)(end - a));
        size_t len = q ? (size_t)(q - a) : 0;
        if (len >= sizeof c->at) len = sizeof c->at - 1;
        memcpy(c->at, a, len);
        c->at[len] = '\0';
    }
    if (seq == 0 && strcmp(c->hash, jy_store_genesis_hash) != 0)
        return jy_err_set2(err, JY_EINVAL, "store.audit.cp_genesis",
                           "checkpoint file %s line %d: entry 0 (the empty log) has the genesis hash, not %.16s…",
                           "检查点文件 %s 第 %d 行：第 0 条（空日志）的哈希应为创世哈希，而不是 %.16s…", path, lineno,
                           c->hash);
    return 0;
}

static int cp_cmp(const void *a, const void *b)
{
    const checkpoint *x = a, *y = b;
    if (x->seq != y->seq) return x->seq < y->seq ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Parses the whole text of a checkpoint file into l, sorted by seq. */
static int parse_checkpoints(const char *text, size_t len, const char *path, cp_list *l, jy_err *err)
{
    if (len > 0 && text[len - 1] != '\n')
        return jy_err_set2(err, JY_EINVAL, "store.audit.cp_incomplete",
                           "checkpoint file %s: the last line is incomplete (no newline): an interrupted "
                           "write, or an edit; repair it by hand",
                           "检查点文件 %s：最后一行不完整（没有换行）：写入被中断或文件被编辑过，请手工修复", path);
    int lineno = 0;
    for (const char *p = text, *stop = text + len; p < stop;) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *end = nl ? nl : stop;
        lineno++;
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
        if (q < end) {
            if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 64;
                checkpoint *v = realloc(l->v, cap * sizeof *v);
                if (!v)
                    return jy_err_set2(err, JY_ENOMEM, "store.audit.cp_oom", "checkpoint file %s: out of memory",
                                       "检查点文件 %s：内存不足", path);
                l->v = v;
                l->cap = cap;
            }
            int rc = parse_line(p, end, &l->v[l->n], path, lineno, err);
            if (rc) return rc;
            l->n++;
        }
        p = end + 1;
    }
    if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cp_cmp);
    return 0;
}

/* Reads all of fd from its start into sb. */
static int read_all(int fd, jy_sb *sb, const char *path, jy_err *err)
{
    char buf[65536];
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return jy_err_set2(err, JY_EIO, "store.audit.cp_read", "checkpoint file %s: cannot read: %s",
                               "检查点文件 %s：无法读取：%s", path, strerror(errno));
        }
        if (n == 0) return 0;
        jy_sb_appendn(sb, buf, (size_t)n);
        off += n;
    }
}

static int load_checkpoints_fd(int fd, const char *path, cp_list *l, jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    int rc = read_all(fd, &sb, path, err);
    if (rc == 0) rc = parse_checkpoints(jy_sb_cstr(&sb), sb.len, path, l, err);
    jy_sb_free(&sb);
    return rc;
}

/* ---------------------------------------------------------------- the walk */

typedef struct walk {
    const jy_store *st;
    const jy_audit_verify_opts *o;
    jy_audit_verify_result *res;
    int64_t next_seq;   /* the seq the next entry must have */
    char prev_hash[65]; /* the stored hash of the entry before it */
    int64_t keyed_from;
    int expect_found;
    const cp_list *cps;
    const char *cp_path;
    size_t icp;
    jy_err *err;
    int rc;
} walk;

static int walk_one(void *vctx, const jy_audit_entry *e)
{
    walk *c = vctx;
    jy_audit_verify_result *r = c->res;
    char want[65];
    if (e->seq != c->next_seq) {
        if (e->seq > c->next_seq) {
            if (e->seq == c->next_seq + 1)
                c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.entry_missing",
                                    "entry %" PRId64 ": missing (the log goes from entry %" PRId64 " to entry %" PRId64
                                    "; deleted?)",
                                    "审计日志链在第 %" PRId64 " 条断开：该条缺失（日志从第 %" PRId64
                                    " 条直接跳到第 %" PRId64 " 条；被删除？）",
                                    c->next_seq, c->next_seq - 1, e->seq);
            else
                c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.entries_missing",
                                    "entry %" PRId64 ": missing, with the %" PRId64 " entries up to %" PRId64
                                    " (sequence gap; deleted?)",
                                    "审计日志链在第 %" PRId64 " 条断开：从该条起共 %" PRId64 " 条缺失，直到第 %" PRId64
                                    " 条（序号中断；被删除？）",
                                    c->next_seq, e->seq - c->next_seq, e->seq - 1);
        } else {
            c->rc =
                jy_err_set2(c->err, JY_ETAMPER, "store.audit.out_of_sequence",
                            "entry %" PRId64 ": out of sequence after entry %" PRId64,
                            "审计日志第 %" PRId64 " 条：排在第 %" PRId64 " 条之后，序号错乱", e->seq, c->next_seq - 1);
        }
        return 1;
    }
    jy_store_audit_hash(e, want);
    if (strcmp(want, e->hash) != 0) {
        c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.content_hash",
                            "entry %" PRId64 ": content does not match its hash (edited?)",
                            "审计日志第 %" PRId64 " 条：内容与其哈希值不符（被修改过？）", e->seq);
        return 1;
    }
    if (strcmp(e->prev_hash, c->prev_hash) != 0) {
        if (e->seq == 1)
            c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.genesis",
                                "entry 1: does not start the chain (prev_hash is not the genesis hash)",
                                "审计日志第 1 条：不是链的起点（prev_hash 不是创世哈希）");
        else
            c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.chain_broken",
                               "entry %" PRId64 ": its hash is not the one entry %" PRId64
                               " chains to (entry %" PRId64 " rewritten with a new hash, or entries replaced?)", "审计日志链在第 %2$" PRId64 " 条断开：第 %1$" PRId64 " 条的哈希值不是第 %2$" PRId64 " 条所链接的哈希值（第 %3$" PRId64 " 条被改写并换了新哈希，或有条目被替换？）",
                               e->seq - 1, e->seq, e->seq - 1);
        return 1;
    }
    if (c->st->audit_keyed) {
        if (e->mac[0]) {
            jy_store_audit_mac(c->st, e->hash, want);
            if (strlen(e->mac) != 64 || sodium_memcmp(want, e->mac, 64) != 0) {
                c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.mac_mismatch",
                                   "entry %" PRId64 ": its MAC does not match (rewritten by someone without the audit "
                                   "key, or verified with another key)", "审计日志第 %" PRId64 " 条：消息认证码（MAC）不符（被没有审计密钥的人改写，或用了另一个密钥校验）", e->seq);
                return 1;
            }
            r->macs++;
        } else if (e->seq >= c->keyed_from) {
            c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.mac_missing",
                               "entry %" PRId64 ": has no MAC: written without the audit key, or rewritten by someone "
                               "without it (entries written before the key was introduced: --keyed-from SEQ)", "审计日志第 %" PRId64 " 条：没有消息认证码（MAC）：写入时未用审计密钥，或被没有密钥的人改写（启用密钥之前写入的条目：用 --keyed-from SEQ）", e->seq);
            return 1;
        } else {
            r->unkeyed++;
        }
    }
    const jy_audit_verify_opts *o = c->o;
    if (o && o->expect_hash && !c->expect_found) {
        if (o->expect_seq > 0 && e->seq == o->expect_seq && strcmp(e->hash, o->expect_hash) != 0) {
            c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.head_mismatch",
                               "entry %" PRId64 ": its hash %.16s… is not the expected head %.16s… (the entry or one "
                               "before it was rewritten)", "审计日志第 %" PRId64 " 条：哈希值 %.16s… 不是预期的链头 %.16s…（该条或它之前的某条被改写）", e->seq, e->hash, o->expect_hash);
            return 1;
        }
        if ((o->expect_seq <= 0 || e->seq == o->expect_seq) && strcmp(e->hash, o->expect_hash) == 0) {
            c->expect_found = 1;
            r->expect_seq = e->seq;
        }
    }
    for (; c->cps && c->icp < c->cps->n && c->cps->v[c->icp].seq <= e->seq; c->icp++) {
        const checkpoint *cp = &c->cps->v[c->icp];
        if (cp->seq == e->seq && strcmp(cp->hash, e->hash) != 0) {
            c->rc = jy_err_set2(c->err, JY_ETAMPER, "store.audit.cp_mismatch",
                               "entry %" PRId64 ": its hash %.16s… differs from the checkpoint of %s (%s line %d: "
                               "%.16s…): the entry or one before it was rewritten", "审计日志第 %" PRId64 " 条：哈希值 %.16s… 与 %s 的检查点（%s 第 %d 行：%.16s…）不符：该条或它之前的某条被改写", e->seq, e->hash,
                               cp->at[0] ? cp->at : "?", c->cp_path, cp->line, cp->hash);
            return 1;
        }
        r->checkpoints++;
    }
    memcpy(c->prev_hash, e->hash, 65);
    c->next_seq++;
    r->checked++;
    r->head_seq = e->seq;
    memcpy(r->head, e->hash, 65);
    return 0;
}

/* "entry 6" or "entries 6 to 9" into buf. */
static const char *range(char *buf, size_t n, int64_t from, int64_t to)
{
    if (from == to) snprintf(buf, n, "entry %" PRId64, from);
    else snprintf(buf, n, "entries %" PRId64 " to %" PRId64, from, to);
    return buf;
}

/* The same in Chinese: "第 6 条" or "第 6 至 9 条". */
static const char *range_zh(char *buf, size_t n, int64_t from, int64_t to)
{
    if (from == to) snprintf(buf, n, "第 %" PRId64 " 条", from);
    else snprintf(buf, n, "第 %" PRId64 " 至 %" PRId64 " 条", from, to);
    return buf;
}

/* Walks the chain checking o and the checkpoints cps (from cp_path; may be NULL). */
static int verify_walk(jy_store *st, const jy_audit_verify_opts *o, const cp_list *cps, const char *cp_path,
                       jy_audit_verify_result *res, jy_err *err)
{
    memset(res, 0, sizeof *res);
    memcpy(res->head, jy_store_genesis_hash, 65);
    res->keyed = st->audit_keyed;
    walk c = {.st = st, .o = o, .res = res, .next_seq = 1, .cps = cps, .cp_path = cp_path, .err = err};
    c.keyed_from = o && o->keyed_from > 1 ? o->keyed_from : 1;
    memcpy(c.prev_hash, jy_store_genesis_hash, 65);
    if (o && o->expect_hash && !is_hex64(o->expect_hash))
        return jy_err_set2(err, JY_EUSAGE, "store.audit.head_format", "expected head %s: not 64 lower-case hex digits",
                           "预期链头 %s：不是 64 位小写十六进制数字", o->expect_hash);
    /* the checkpoints of the empty log (seq 0) hold whatever the log holds */
    while (cps && c.icp < cps->n && cps->v[c.icp].seq == 0) {
        c.icp++;
        res->checkpoints++;
    }
    int rc = st->ops->audit_list(st, 0, 0, walk_one, &c, err);
    if (rc) return rc;
    if (c.rc) return c.rc;
    char gone[64], gone_zh[64];
    if (o && o->expect_hash && !c.expect_found) {
        if (o->expect_seq > res->head_seq)
            return jy_err_set2(err, JY_ETAMPER, "store.audit.head_missing",
                               "the expected head, entry %" PRId64 " (%.16s…), is missing: the log ends at entry %" PRId64
                               " (%s deleted from its end?)%.0s",
                               "预期的链头第 %1$" PRId64 " 条（%2$.16s…）不存在：日志止于第 %3$" PRId64
                               " 条（%5$s 从末尾被删除？）%4$.0s",
                               o->expect_seq, o->expect_hash, res->head_seq,
                               range(gone, sizeof gone, res->head_seq + 1, o->expect_seq),
                               range_zh(gone_zh, sizeof gone_zh, res->head_seq + 1, o->expect_seq));
        if (o->expect_seq <= 0 && strcmp(o->expect_hash, jy_store_genesis_hash) != 0)
            return jy_err_set2(err, JY_ETAMPER, "store.audit.head_absent",
                              "the expected head %.16s… is not in the log, which ends at entry %" PRId64
                              " (%.16s…): entries deleted from its end, or the log rewritten", "预期链头 %.16s… 不在日志中，日志止于第 %" PRId64 " 条（%.16s…）：日志末尾的条目被删除，或日志被改写",
                              o->expect_hash, res->head_seq, res->head);
        if (o->expect_seq <= 0) res->expect_seq = 0; /* the genesis hash: the empty log's head */
    }
    if (cps && c.icp < cps->n) {
        const checkpoint *last = &cps->v[cps->n - 1];
        return jy_err_set2(err, JY_ETAMPER, "store.audit.shrunk",
                           "the log has shrunk: the checkpoint of %s (%s line %d) recorded entry %" PRId64
                           " (%.16s…), but the log ends at entry %" PRId64 ": %s deleted from its end?%.0s",
                           "审计日志变短了：%1$s 的检查点（%2$s 第 %3$d 行）记录到第 %4$" PRId64
                           " 条（%5$.16s…），而日志止于第 %6$" PRId64 " 条：%8$s 从末尾被删除？%7$.0s",
                           last->at[0] ? last->at : "?", cp_path, last->line, last->seq, last->hash, res->head_seq,
                           range(gone, sizeof gone, res->head_seq + 1, last->seq),
                           range_zh(gone_zh, sizeof gone_zh, res->head_seq + 1, last->seq));
    }
    return 0;
}

int jy_store_audit_verify_ex(jy_store *st, const jy_audit_verify_opts *o, jy_audit_verify_result *res, jy_err *err)
{
    jy_audit_verify_result local;
    if (!res) res = &local;
    cp_list cps = {0};
    const char *path = o ? o->checkpoints : NULL;
    int rc = 0;
    if (path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            memset(res, 0, sizeof *res);
            return jy_err_set2(err, JY_EIO, "store.audit.cp_open", "checkpoint file %s: cannot open: %s",
                               "检查点文件 %s：无法打开：%s", path, strerror(errno));
        }
        rc = load_checkpoints_fd(fd, path, &cps, err);
        close(fd);
    }
    if (rc == 0) rc = verify_walk(st, o, path ? &cps : NULL, path, res, err);
    else memset(res, 0, sizeof *res);
    free(cps.v);
    return rc;
}

int jy_store_audit_verify(jy_store *st, int64_t *checked, jy_err *err)
{
    jy_audit_verify_result res;
    int rc = jy_store_audit_verify_ex(st, NULL, &res, err);
    if (checked) *checked = res.checked;
    return rc;
}

int jy_store_audit_checkpoint(jy_store *st, const char *path, const jy_audit_verify_opts *o,
                              jy_audit_verify_result *res, char at[32], jy_err *err)
{
    jy_audit_verify_opts opts = o ? *o : (jy_audit_verify_opts){0};
    opts.checkpoints = NULL; /* the file below is checked instead */
    cp_list cps = {0};
    int fd = -1, rc = 0;
    at[0] = '\0';
    if (path) {
        /* append-only use, owner only; the lock keeps two checkpoints (two timers, a manual
         * run) from interleaving their reads and appends */
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        struct stat sb;
        if (fd < 0) {
            rc = jy_err_set2(err, JY_EIO, "store.audit.cp_open", "checkpoint file %s: cannot open: %s",
                             "检查点文件 %s：无法打开：%s", path, strerror(errno));
        } else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            rc = jy_err_set2(err, JY_EINVAL, "store.audit.cp_not_file", "checkpoint file %s: not a regular file",
                             "检查点文件 %s：不是普通文件", path);
        } else if ((sb.st_mode & 077) && fchmod(fd, 0600) != 0) {
            rc = jy_err_set2(err, JY_EIO, "store.audit.cp_chmod",
                             "checkpoint file %s: cannot make it private (0600): %s",
                             "检查点文件 %s：无法设为仅本人可读写（0600）：%s", path, strerror(errno));
        } else if (flock(fd, LOCK_EX) != 0) {
            rc = jy_err_set2(err, JY_EIO, "store.audit.cp_lock", "checkpoint file %s: cannot lock: %s",
                             "检查点文件 %s：无法加锁：%s", path, strerror(errno));
        } else {
            rc = load_checkpoints_fd(fd, path, &cps, err);
        }
    }
    if (rc == 0) rc = verify_walk(st, &opts, path ? &cps : NULL, path, res, err);
    else memset(res, 0, sizeof *res);
    if (rc == 0) jy_store_now(at, 32);
    if (rc == 0 && fd >= 0) {
        jy_sb line = JY_SB_INIT;
        jy_sb_appendc(&line, '{');
        jy_sb_json_kv_str(&line, "at", at);
        jy_sb_json_kv_i64(&line, "seq", res->head_seq);
        jy_sb_json_kv_str(&line, "hash", res->head);
        jy_sb_append(&line, "}\n");
        ssize_t w = write(fd, jy_sb_cstr(&line), line.len);
        if (w != (ssize_t)line.len || fsync(fd) != 0)
            rc = jy_err_set2(err, JY_EIO, "store.audit.cp_append", "checkpoint file %s: cannot append: %s",
                             "检查点文件 %s：无法追加写入：%s", path, w < 0 ? strerror(errno) : "short write");
        jy_sb_free(&line);
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = jy_err_set2(err, JY_EIO, "store.audit.cp_error", "checkpoint file %s: %s", "检查点文件 %s：%s", path,
                         strerror(errno));
    free(cps.v);
    return rc;
}
