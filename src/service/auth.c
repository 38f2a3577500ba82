/* auth.c — accounts, passwords, sessions and the second factor (see auth.h). */
#include "service/auth.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/hmac.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/text.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define TOTP_SECRET_BYTES 20
#define TOTP_STEP 30

struct jy_auth {
    jy_auth_config cfg;
    /* the hashing pool */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int busy, waiting;
    /* the common-password list, lower case, sorted */
    char **common;
    size_t ncommon;
    char *common_buf;
    /* the sealing key */
    int has_key;
    unsigned char key[KEY_BYTES];
    /* a hash of a random password: what an unknown name is checked against (same cost) */
    int dummy_ready;
    char dummy[crypto_pwhash_STRBYTES];
};

/* ---------------------------------------------------------------- configuration */

void jy_auth_config_default(jy_auth_config *c)
{
    memset(c, 0, sizeof *c);
    c->idle_seconds = 30 * 60;
    c->lifetime_seconds = 12 * 3600;
    c->second_factor_seconds = 5 * 60;
    c->touch_seconds = 60;
    c->max_failures = 5;
    c->lock_seconds = 15 * 60;
    c->address_max_failures = 20;
    c->address_window_seconds = 15 * 60;
    c->pwhash_opslimit = 2;
    c->pwhash_memlimit = (size_t)19 << 20;
    c->min_length = 10;
    c->max_length = 128;
}

static int env_seconds(const char *name, int64_t *out, jy_err *err)
{
    const char *v = getenv(name);
    if (!v || !*v) return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || n < 1 || n > 30LL * 86400)
        return jy_err_set2(err, JY_EINVAL, "auth.env_seconds", "%s=%s: expected seconds from 1 to 2592000", "%s=%s：应为 1 到 2592000 之间的秒数", name, v);
    *out = n;
    return 0;
}

int jy_auth_config_env(jy_auth_config *c, jy_err *err)
{
    const char *k = getenv("JIUYE_KEY_FILE");
    if (k && *k) c->key_file = k;
    int rc = env_seconds("JIUYE_SESSION_IDLE", &c->idle_seconds, err);
    if (rc == 0) rc = env_seconds("JIUYE_SESSION_LIFETIME", &c->lifetime_seconds, err);
    return rc;
}

const jy_auth_config *jy_auth_config_of(const jy_auth *a)
{
    return &a->cfg;
}

/* ---------------------------------------------------------------- loading */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static int load_common(jy_auth *a, const char *path, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "auth.common_list_open", "common-password list %s: %s", "常见密码清单 %s：无法打开（%s）", path, strerror(errno));
    jy_sb sb = JY_SB_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        jy_sb_free(&sb);
        return jy_err_set2(err, JY_EIO, "auth.common_list_read", "common-password list %s: read error", "常见密码清单 %s：读取出错", path);
    }
    a->common_buf = jy_sb_take(&sb);
    size_t cap = 0;
    for (char *line = a->common_buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t')) line[--len] = '\0';
        if (len && line[0] != '#') {
            lower_ascii(line);
            if (a->ncommon == cap) {
                cap = cap ? cap * 2 : 1024;
                char **grown = realloc(a->common, cap * sizeof *grown);
                if (!grown) return jy_err_set2(err, JY_ENOMEM, "auth.common_list_oom", "out of memory reading %s", "读取 %s 时内存不足", path);
                a->common = grown;
            }
            a->common[a->ncommon++] = line;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (a->ncommon) qsort(a->common, a->ncommon, sizeof *a->common, cmp_str);
    return 0;
}

static int load_key(jy_auth *a, const char *path, jy_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return jy_err_set2(err, JY_EIO, "auth.keyfile_open", "key file %s: %s", "密钥文件 %s：无法打开（%s）", path, strerror(errno));
    struct stat sb;
    char hex[130];
    ssize_t n = -1;
    if (fstat(fd, &sb) == 0) n = read(fd, hex, sizeof hex - 1);
    close(fd);
    if (n < 0) return jy_err_set2(err, JY_EIO, "auth.keyfile_read", "key file %s: cannot read it", "密钥文件 %s：无法读取", path);
    if (sb.st_mode & 077)
        return jy_err_set2(err, JY_EINVAL, "auth.keyfile_mode", "key file %s is readable by group or others (mode %03o): chmod 600 it", "密钥文件 %s 同组或其他用户可读（权限 %03o）：请执行 chmod 600", path,
                          (unsigned)(sb.st_mode & 0777));
    hex[n] = '\0';
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r')) hex[--n] = '\0';
    size_t bin_len = 0;
    if (n != 2 * KEY_BYTES || sodium_hex2bin(a->key, sizeof a->key, hex, (size_t)n, NULL, &bin_len, NULL) != 0 ||
        bin_len != KEY_BYTES) {
        sodium_memzero(hex, sizeof hex);
        return jy_err_set2(err, JY_EINVAL, "auth.keyfile_form", "key file %s: expected %d hex digits (make one with `jiuye user keygen FILE`)", "密钥文件 %s：应为 %d 位十六进制数字（可用 `jiuye user keygen FILE` 生成）",
                          path, 2 * KEY_BYTES);
    }
    sodium_memzero(hex, sizeof hex);
    a->has_key = 1;
    return 0;
}

int jy_auth_keygen(const char *path, jy_err *err)
{
    if (sodium_init() < 0) return jy_err_set2(err, JY_EIO, "auth.sodium", "libsodium could not start", "libsodium 无法启动");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int why = errno;
        return jy_err_set2(err, why == EEXIST ? JY_ECONFLICT : JY_EIO, "auth.keyfile_create",
                           "key file %1$s: %2$s%3$s%4$.0s", "密钥文件 %1$s：无法创建（%2$s）%4$s%3$.0s", path, strerror(why),
                           why == EEXIST ? " (a key is never overwritten: secrets sealed with it would be lost)" : "",
                           why == EEXIST ? "（密钥从不覆盖：用它加密的秘密会因此丢失）" : "");
    }
    unsigned char key[KEY_BYTES];
    char hex[2 * KEY_BYTES + 2];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    int ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex, sizeof hex);
    if (close(fd) != 0) ok = 0;
    if (!ok) {
        unlink(path);
        return jy_err_set2(err, JY_EIO, "auth.keyfile_write", "key file %s: could not write it", "密钥文件 %s：无法写入", path);
    }
    return 0;
}

int jy_auth_new(const jy_auth_config *c, jy_auth **out, jy_err *err)
{
    *out = NULL;
    if (sodium_init() < 0) return jy_err_set2(err, JY_EIO, "auth.sodium", "libsodium could not start", "libsodium 无法启动");
    jy_auth *a = calloc(1, sizeof *a);
    if (!a) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    a->cfg = *c;
    if (a->cfg.pwhash_opslimit < 2) a->cfg.pwhash_opslimit = 2;
    if (a->cfg.pwhash_memlimit < ((size_t)19 << 20)) a->cfg.pwhash_memlimit = (size_t)19 << 20;
    if (a->cfg.hash_slots <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        a->cfg.hash_slots = cores > 0 ? (int)cores : 1;
    }
    if (a->cfg.hash_queue == 0) a->cfg.hash_queue = 2 * a->cfg.hash_slots;
    if (a->cfg.hash_queue < 0) a->cfg.hash_queue = 0;
    if (a->cfg.hash_wait_ms <= 0) a->cfg.hash_wait_ms = 2000;
    if (a->cfg.min_length <= 0) a->cfg.min_length = 10;
    /* last_seen is written at most every touch_seconds: keep that well inside the idle limit */
    if (a->cfg.touch_seconds <= 0 || a->cfg.touch_seconds > a->cfg.idle_seconds / 10)
        a->cfg.touch_seconds = a->cfg.idle_seconds / 10 > 0 ? a->cfg.idle_seconds / 10 : 1;
    if (a->cfg.max_length <= 0) a->cfg.max_length = 128;
    a->cfg.common_passwords = NULL; /* the strings are the caller's; not kept */
    a->cfg.key_file = NULL;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    int rc = load_common(a, c->common_passwords ? c->common_passwords : JY_POLICY_DIR "/common-passwords.txt", err);
    if (rc == 0 && c->key_file && *c->key_file) rc = load_key(a, c->key_file, err);
    if (rc) {
        jy_auth_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void jy_auth_free(jy_auth *a)
{
    if (!a) return;
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a->common);
    free(a->common_buf);
    sodium_memzero(a->key, sizeof a->key);
    free(a);
}

/* ---------------------------------------------------------------- the hashing pool */

int jy_auth_pool_enter(jy_auth *a, jy_err *err)
{
    pthread_mutex_lock(&a->mu);
    if (a->busy < a->cfg.hash_slots) {
        a->busy++;
        pthread_mutex_unlock(&a->mu);
        return 0;
    }
    if (a->waiting >= a->cfg.hash_queue) {
        pthread_mutex_unlock(&a->mu);
        return jy_err_set2(err, JY_EBUSY, "auth.busy_queue", "服务繁忙，请稍后重试 (busy: %d password checks running, %d waiting; retry)", "服务繁忙，请稍后重试（正在核对%d个密码，另有%d个排队）",
                          a->cfg.hash_slots, a->cfg.hash_queue);
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += a->cfg.hash_wait_ms / 1000;
    until.tv_nsec += (long)(a->cfg.hash_wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    a->waiting++;
    int timed_out = 0;
    while (a->busy >= a->cfg.hash_slots && !timed_out)
        timed_out = pthread_cond_timedwait(&a->cv, &a->mu, &until) == ETIMEDOUT;
    a->waiting--;
    if (a->busy >= a->cfg.hash_slots) {
        pthread_mutex_unlock(&a->mu);
        return jy_err_set2(err, JY_EBUSY, "auth.busy_wait", "服务繁忙，请稍后重试 (busy: no password-check slot within %d ms; retry)", "服务繁忙，请稍后重试（%d 毫秒内没有空闲的密码核对通道）",
                          a->cfg.hash_wait_ms);
    }
    a->busy++;
    pthread_mutex_unlock(&a->mu);
    return 0;
}

void jy_auth_pool_leave(jy_auth *a)
{
    pthread_mutex_lock(&a->mu);
    if (a->busy > 0) a->busy--;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void jy_auth_pool_stats(jy_auth *a, int *busy, int *waiting, int *slots, int *queue)
{
    pthread_mutex_lock(&a->mu);
    if (busy) *busy = a->busy;
    if (waiting) *waiting = a->waiting;
    if (slots) *slots = a->cfg.hash_slots;
    if (queue) *queue = a->cfg.hash_queue;
    pthread_mutex_unlock(&a->mu);
}

int jy_auth_hash_password(jy_auth *a, const char *pw, char out[128], jy_err *err)
{
    int rc = jy_auth_pool_enter(a, err);
    if (rc) return rc;
    int r = crypto_pwhash_str_alg(out, pw, strlen(pw), a->cfg.pwhash_opslimit, a->cfg.pwhash_memlimit,
                                  crypto_pwhash_ALG_ARGON2ID13);
    jy_auth_pool_leave(a);
    if (r != 0) return jy_err_set2(err, JY_ENOMEM, "auth.hash_failed", "password hashing failed (out of memory?)", "密码哈希计算失败（内存不足？）");
    return 0;
}

/* 1 when pw matches hash, 0 when not; JY_EBUSY when the pool is full. */
static int verify_password(jy_auth *a, const char *hash, const char *pw, jy_err *err)
{
    int rc = jy_auth_pool_enter(a, err);
    if (rc) return rc;
    int ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
    jy_auth_pool_leave(a);
    return ok;
}

/* The same work as checking a real password, for names that have none (no timing difference).
 * The hash it checks against is made on first use (once per process). */
static int verify_dummy(jy_auth *a, const char *pw, jy_err *err)
{
    pthread_mutex_lock(&a->mu);
    int ready = a->dummy_ready;
    pthread_mutex_unlock(&a->mu);
    if (!ready) {
        char made[crypto_pwhash_STRBYTES], rnd[32];
        jy_auth_password_generate(rnd);
        int rc = jy_auth_hash_password(a, rnd, made, err);
        if (rc) return rc;
        pthread_mutex_lock(&a->mu);
        if (!a->dummy_ready) memcpy(a->dummy, made, sizeof made);
        a->dummy_ready = 1;
        pthread_mutex_unlock(&a->mu);
        return 0; /* that was the work */
    }
    int rc = verify_password(a, a->dummy, pw, err);
    return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- the password policy */

static int in_common(const jy_auth *a, const char *lower)
{
    const char *key = lower;
    return a->ncommon && bsearch(&key, a->common, a->ncommon, sizeof *a->common, cmp_str) != NULL;
}

/* 1 when s is one short unit (1 to 4 bytes) repeated, or a run of consecutive characters
 * (abcdef…, 987654…). */
static int trivial_pattern(const char *s, size_t n)
{
    for (size_t period = 1; period <= 4 && period * 2 <= n; period++) {
        size_t i = period;
        while (i < n && s[i] == s[i - period]) i++;
        if (i == n) return 1;
    }
    int up = 1, down = 1;
    for (size_t i = 1; i < n; i++) {
        if (s[i] != s[i - 1] + 1) up = 0;
        if (s[i] != s[i - 1] - 1) down = 0;
    }
    return n > 2 && (up || down);
}

static int count_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static const char *ascii_casestr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return hay;
    return NULL;
}

int jy_auth_password_check(const jy_auth *a, const char *name, const char *pw, jy_err *err)
{
    if (!pw) return jy_err_set2(err, JY_EINVAL, "password.none", "password: none given", "密码：未填写");
    size_t len = strlen(pw);
    if (len > 4 * (size_t)a->cfg.max_length || !jy_utf8_check(pw, len))
        return jy_err_set2(err, JY_EINVAL, "password.form", "password: not valid UTF-8 text of at most %d characters", "密码：应为不超过%d个字符的有效 UTF-8 文本", a->cfg.max_length);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
            return jy_err_set2(err, JY_EINVAL, "password.control", "password: control characters (tab, newline …) are not allowed", "密码：不能含有制表符、换行等控制字符");
    int chars = count_chars(pw);
    if (chars < a->cfg.min_length)
        return jy_err_set2(err, JY_EINVAL, "password.short", "密码太短: at least %d characters (this one has %d)", "密码太短：至少%d个字符（现为%d个）", a->cfg.min_length, chars);
    if (chars > a->cfg.max_length)
        return jy_err_set2(err, JY_EINVAL, "password.long", "密码太长: at most %d characters (this one has %d)", "密码太长：最多%d个字符（现为%d个）", a->cfg.max_length, chars);
    char *low = malloc(len + 1);
    if (!low) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    memcpy(low, pw, len + 1);
    lower_ascii(low);
    int rc = 0;
    /* the word inside: without leading and trailing digits, spaces and punctuation */
    size_t b = 0, e = len;
    while (b < e && (unsigned char)low[b] < 0x80 && !isalpha((unsigned char)low[b])) b++;
    while (e > b && (unsigned char)low[e - 1] < 0x80 && !isalpha((unsigned char)low[e - 1])) e--;
    char save = low[e];
    low[e] = '\0';
    int core_common = e > b && in_common(a, low + b);
    low[e] = save;
    if (in_common(a, low) || core_common)
        rc = jy_err_set2(err, JY_EINVAL, "password.common", "密码过于常见: it is on the list of common passwords (or a listed word with "
                                        "digits or symbols around it); choose another", "密码过于常见：在常见密码列表中（或是列表中的词加上数字、符号）；请另选一个");
    else if (trivial_pattern(low, len))
        rc = jy_err_set2(err, JY_EINVAL, "password.simple", "密码过于简单: a repeated pattern or a run of consecutive characters", "密码过于简单：有重复的模式或连续的字符");
    else if (name && strlen(name) >= 3 && ascii_casestr(low, name))
        rc = jy_err_set2(err, JY_EINVAL, "password.has_name", "密码不能包含用户名 \"%s\"", "密码不能包含用户名“%s”", name);
    sodium_memzero(low, len);
    free(low);
    return rc;
}

void jy_auth_password_generate(char out[32])
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (;;) {
        for (int i = 0; i < 20; i++) out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
        out[20] = '\0';
        /* at least one lower, one upper and one digit (some sites' rules ask for them) */
        int l = 0, u = 0, d = 0;
        for (int i = 0; i < 20; i++) {
            l |= out[i] >= 'a' && out[i] <= 'z';
            u |= out[i] >= 'A' && out[i] <= 'Z';
            d |= out[i] >= '0' && out[i] <= '9';
        }
        if (l && u && d) return;
    }
}

/* ---------------------------------------------------------------- tokens, hashes, addresses */

static void random_token(char out[JY_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, JY_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static void sha256_raw(const char *s, unsigned char out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)s, strlen(s));
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char h[32];
    sha256_raw(s, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int token_shape_ok(const char *t)
{
    if (!t || strlen(t) != JY_TOKEN_LEN) return 0;
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') return 0;
    return 1;
}

void jy_auth_address_key(const char *address, char out[64])
{
    out[0] = '\0';
    if (!address) return;
    unsigned char b[16];
    if (inet_pton(AF_INET6, address, b) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0) {
            inet_ntop(AF_INET, b + 12, out, 64);
            return;
        }
        memset(b + 8, 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, b, text, sizeof text);
        snprintf(out, 64, "%s/64", text);
        return;
    }
    snprintf(out, 64, "%s", address);
}

/* ---------------------------------------------------------------- TOTP */

uint32_t jy_totp_code(const unsigned char *key, size_t keylen, uint64_t step, int digits)
{
    unsigned char msg[8], mac[SHA1_DIGEST_SIZE];
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(step & 0xff);
        step >>= 8;
    }
    struct hmac_sha1_ctx ctx;
    hmac_sha1_set_key(&ctx, keylen, key);
    hmac_sha1_update(&ctx, sizeof msg, msg);
    hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, mac);
    int off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    uint32_t mod = 1;
    for (int i = 0; i < digits; i++) mod *= 10;
    sodium_memzero(&ctx, sizeof ctx);
    sodium_memzero(mac, sizeof mac);
    return bin % mod;
}

void jy_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5 && o + 1 < cap) {
            out[o++] = alpha[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0 && o + 1 < cap) out[o++] = alpha[(acc << (5 - bits)) & 31];
    if (cap) out[o < cap ? o : cap - 1] = '\0';
}

/* Sealed: "v1." + base64url(nonce ‖ XChaCha20-Poly1305(secret)), bound to the account's id. */
static void seal_ad(int64_t user_id, char ad[48])
{
    snprintf(ad, 48, "jiuye totp user %lld", (long long)user_id);
}

static int seal_secret(const jy_auth *a, int64_t user_id, const unsigned char secret[TOTP_SECRET_BYTES],
                       char out[160], jy_err *err)
{
    if (!a->has_key)
        return jy_err_set2(err, JY_EINVAL,
                          "auth.no_keyfile_seal",
                          "no key file for second-factor secrets: make one with `jiuye user keygen FILE` and set "
                          "JIUYE_KEY_FILE=FILE (the server needs the same file)", "没有用于第二步验证密钥的密钥文件：请用 `jiuye user keygen FILE` 生成，并设置 JIUYE_KEY_FILE=FILE（服务端需要同一个文件）");
    unsigned char buf[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + TOTP_SECRET_BYTES +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES];
    unsigned long long clen = 0;
    char ad[48];
    seal_ad(user_id, ad);
    randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, secret,
                                               TOTP_SECRET_BYTES, (const unsigned char *)ad, strlen(ad), NULL, buf,
                                               a->key);
    memcpy(out, "v1.", 3);
    sodium_bin2base64(out + 3, 160 - 3, buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

static int unseal_secret(const jy_auth *a, int64_t user_id, const char *sealed, unsigned char secret[TOTP_SECRET_BYTES],
                         jy_err *err)
{
    if (!a->has_key)
        return jy_err_set2(err, JY_EINVAL, "auth.no_keyfile_open", "no key file: the second-factor secret cannot be opened (set JIUYE_KEY_FILE)", "没有密钥文件，无法打开第二步验证密钥（请设置 JIUYE_KEY_FILE）");
    unsigned char buf[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + TOTP_SECRET_BYTES +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES];
    size_t n = 0;
    unsigned long long mlen = 0;
    char ad[48];
    seal_ad(user_id, ad);
    if (strncmp(sealed, "v1.", 3) != 0 ||
        sodium_base642bin(buf, sizeof buf, sealed + 3, strlen(sealed + 3), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof buf ||
        crypto_aead_xchacha20poly1305_ietf_decrypt(secret, &mlen, NULL, buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   (const unsigned char *)ad, strlen(ad), buf, a->key) != 0 ||
        mlen != TOTP_SECRET_BYTES)
        return jy_err_set2(err, JY_ETAMPER,
                          "auth.secret_tamper",
                          "the second-factor secret of account %lld does not open with this key file (another key, or "
                          "the row was altered)", "账户 %lld 的第二步验证密钥无法用此密钥文件打开（密钥文件不同，或该行数据被改动过）",
                          (long long)user_id);
    return 0;
}

static void percent_encode(jy_sb *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            jy_sb_appendc(sb, (char)*p);
        } else {
            jy_sb_appendc(sb, '%');
            jy_sb_appendc(sb, hex[*p >> 4]);
            jy_sb_appendc(sb, hex[*p & 15]);
        }
    }
}

static void totp_uri(const char *name, const unsigned char secret[TOTP_SECRET_BYTES], char uri[512])
{
    char b32[40];
    jy_base32_encode(secret, TOTP_SECRET_BYTES, b32, sizeof b32);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "otpauth://totp/jiuye:");
    percent_encode(&sb, name);
    jy_sb_append(&sb, "?secret=");
    jy_sb_append(&sb, b32);
    jy_sb_append(&sb, "&issuer=jiuye&algorithm=SHA1&digits=6&period=30");
    snprintf(uri, 512, "%s", jy_sb_cstr(&sb));
    sodium_memzero(sb.buf, sb.len);
    sodium_memzero(b32, sizeof b32);
    jy_sb_free(&sb);
}

/* The step (t-1, t or t+1) whose code equals code, or 0; every candidate is computed and
 * compared in constant time. */
static int64_t totp_match(const unsigned char secret[TOTP_SECRET_BYTES], const char *code, int64_t now)
{
    int64_t t = now / TOTP_STEP, found = 0;
    for (int64_t s = t - 1; s <= t + 1; s++) {
        char want[8];
        snprintf(want, sizeof want, "%06u", (unsigned)jy_totp_code(secret, TOTP_SECRET_BYTES, (uint64_t)s, 6));
        if (sodium_memcmp(want, code, 6) == 0 && !found) found = s;
    }
    return found;
}

/* A recovery code as stored: letters and digits only, lower case. */
static int recovery_normalise(const char *code, char out[32])
{
    size_t o = 0;
    for (const char *p = code; *p; p++) {
        if (*p == '-' || *p == ' ') continue;
        if (!isalnum((unsigned char)*p) || o >= 31) return -1;
        out[o++] = (char)tolower((unsigned char)*p);
    }
    out[o] = '\0';
    return o == 16 ? 0 : -1;
}

/* ---------------------------------------------------------------- login */

static void ev_init(jy_auth_event *ev, const char *user, const char *address, const char *outcome, int64_t now)
{
    memset(ev, 0, sizeof *ev);
    ev->user = user;
    ev->address = address;
    ev->outcome = outcome;
    ev->at = now;
}

static jy_lockout lockout_of(const jy_auth *a)
{
    jy_lockout l = {a->cfg.max_failures, a->cfg.lock_seconds, a->cfg.address_max_failures,
                    a->cfg.address_window_seconds};
    return l;
}

static void principal_of(const jy_account *ac, const char *roles_present, jy_principal *p)
{
    memset(p, 0, sizeof *p);
    p->user_id = ac->user.id;
    jy_str_copy(p->name, sizeof p->name, ac->user.name);
    if (jy_role_parse(ac->user.role, &p->role, NULL)) p->role = -1;
    jy_str_copy(p->area, sizeof p->area, ac->user.area);
    p->org_id = ac->user.org_id;
    p->person_id = ac->user.person_id;
    p->must_change = ac->cred.must_change;
    p->second_factor_required = p->role >= 0 && ((1u << p->role) & JY_ROLES_SECOND_FACTOR);
    for (int r = 0; roles_present && roles_present[0] && roles_present[1] && r < JY_ROLE__COUNT; r++) {
        char key[48];
        snprintf(key, sizeof key, ",%s,", jy_role_name(r));
        if (strstr(roles_present, key)) p->roles_present |= 1u << r;
    }
}

static int roles_present_text(jy_store *st, char out[256], jy_err *err)
{
    unsigned bits = 0;
    int rc = jy_roles_present(st, &bits, err);
    size_t n = 1;
    out[0] = ',';
    out[1] = '\0';
    for (int r = 0; rc == 0 && r < JY_ROLE__COUNT; r++)
        if (bits & (1u << r)) {
            int w = snprintf(out + n, 256 - n, "%s,", jy_role_name(r));
            if (w > 0 && (size_t)w < 256 - n) n += (size_t)w;
        }
    return rc;
}

/* The session of token hash h and its account; the roles held by any account (jy_principal's
 * roles_present) only matter to an administrator's fallback powers (jy_role_holds), and reading
 * them walks every account, so they are read only for an administrator's session. */
static int session_find(jy_store *st, const char *h, jy_session_view *v, jy_err *err)
{
    int rc = jy_store_session_find(st, h, v, err);
    int role = -1;
    if (rc == 0 && jy_role_parse(v->a.user.role, &role, NULL) == 0 && role == JY_ROLE_ADMIN)
        rc = roles_present_text(st, v->roles_present, err);
    return rc;
}

/* Counts a failure and answers the refusal it amounts to. */
static int refuse_failure(jy_auth *a, jy_store *st, int64_t user_id, const char *action, const jy_auth_event *ev,
                          jy_login *out, jy_err *err)
{
    jy_lockout pol = lockout_of(a);
    jy_lockout_state ls;
    jy_err e2;
    int rc = jy_store_login_failed(st, user_id, action, ev, &pol, &ls, &e2);
    if (rc) return jy_err_copy(err, rc, &e2);
    if (user_id && ls.locked_until > ev->at) {
        if (out) {
            out->refusal = JY_REFUSED_ACCOUNT_LOCKED;
            out->retry_after = ls.locked_until - ev->at;
        }
        return jy_err_set2(err, JY_EAUTH, "auth.locked_minutes", "账户已锁定 %lld 分钟: %d failed attempts (account locked)", "账户已锁定 %lld 分钟：连续%d次登录失败",
                          (long long)((ls.locked_until - ev->at + 59) / 60), a->cfg.max_failures);
    }
    if (out) out->refusal = JY_REFUSED_CREDENTIALS;
    return jy_err_set2(err, JY_EAUTH, "auth.wrong_password", "用户名或密码错误 (wrong user name or password)", "用户名或密码错误");
}

/* Records a refusal that counts no failure and fills out; 0, or the store's error in err. The
 * caller then sets the refusal's message. */
static int refuse_quietly(jy_store *st, int64_t user_id, const char *action, const jy_auth_event *ev, int refusal,
                          int64_t retry, jy_login *out, jy_err *err)
{
    jy_err e2;
    int rc = jy_store_auth_audit(st, user_id, NULL, action, ev, &e2);
    if (rc) return jy_err_copy(err, rc, &e2);
    out->refusal = refusal;
    out->retry_after = retry;
    return 0;
}

static int open_session(jy_auth *a, jy_store *st, const jy_account *ac, const char *addr, int64_t now, int done,
                        const char *action, const char *detail, jy_login *out, jy_err *err)
{
    jy_session s;
    memset(&s, 0, sizeof s);
    random_token(out->token);
    random_token(out->csrf);
    sha256_hex(out->token, s.token_hash);
    sha256_hex(out->csrf, s.csrf_hash);
    s.user_id = ac->user.id;
    s.created_at = s.last_seen = now;
    s.second_factor_done = done;
    snprintf(s.address, sizeof s.address, "%s", addr);
    jy_auth_event ev;
    ev_init(&ev, ac->user.name, addr, done ? "ok" : "second_factor_required", now);
    ev.detail = detail;
    int rc = jy_store_session_open(st, &s, action, &ev, err);
    if (rc) return rc;
    char present[256];
    if ((rc = roles_present_text(st, present, err))) return rc;
    principal_of(ac, present, &out->who);
    out->who.second_factor_done = done;
    out->who.session_id = s.id;
    out->who.session_created = out->who.session_last_seen = now;
    sha256_raw(out->csrf, out->who.csrf_hash);
    out->state = done ? JY_LOGIN_OPEN : JY_LOGIN_SECOND_FACTOR;
    (void)a;
    return 0;
}

int jy_auth_login(jy_auth *a, jy_store *st, const char *name, const char *password, const char *address,
                  int64_t now, jy_login *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    char addr[64];
    jy_auth_address_key(address, addr);
    const char *nm = name ? name : "";
    jy_auth_event ev;
    ev_init(&ev, nm, addr, "", now);
    /* the address first: a locked address costs no hashing */
    if (addr[0]) {
        int64_t until = 0;
        int fails = 0;
        int rc = jy_store_address_state(st, addr, &until, &fails, err);
        if (rc) return rc;
        if (until > now) {
            ev.outcome = "address_locked";
            if ((rc = refuse_quietly(st, 0, "login_refused", &ev, JY_REFUSED_ADDRESS_LOCKED, until - now, out, err)))
                return rc;
            return jy_err_set2(err, JY_EAUTH, "auth.address_locked",
                               "该地址登录失败次数过多，已锁定 %lld 分钟 (address %s locked)",
                               "该地址（%2$s）登录失败次数过多，已锁定 %1$lld 分钟", (long long)((until - now + 59) / 60), addr);
        }
    }
    const char *pw = password ? password : "";
    /* longer than any acceptable password: refused without hashing (no work to be had from it) */
    int too_long = strlen(pw) > 4 * (size_t)a->cfg.max_length;
    jy_account ac;
    memset(&ac, 0, sizeof ac);
    int rc = *nm && strlen(nm) < sizeof ac.user.name ? jy_store_account_get(st, nm, &ac, err) : JY_ENOTFOUND;
    if (rc && rc != JY_ENOTFOUND) return rc;
    int exists = rc == 0;
    if (!exists || !ac.cred.password_hash[0]) {
        /* no such account, or no password yet: the same work as a real check, the same answer */
        if (!too_long && (rc = verify_dummy(a, pw, err)) < 0) {
            out->refusal = JY_REFUSED_BUSY;
            out->retry_after = 1;
            return rc;
        }
        ev.outcome = exists ? "no_password" : "unknown_user";
        return refuse_failure(a, st, exists ? ac.user.id : 0, "login_failed", &ev, out, err);
    }
    if (ac.cred.disabled) {
        ev.outcome = "disabled";
        if ((rc = refuse_quietly(st, ac.user.id, "login_refused", &ev, JY_REFUSED_DISABLED, 0, out, err))) return rc;
        return jy_err_set2(err, JY_EAUTH, "auth.disabled", "账户已被管理员锁定 (account locked by an administrator)",
                           "账户已被管理员锁定");
    }
    if (ac.cred.locked_until > now) {
        ev.outcome = "locked";
        if ((rc = refuse_quietly(st, ac.user.id, "login_refused", &ev, JY_REFUSED_ACCOUNT_LOCKED,
                                 ac.cred.locked_until - now, out, err)))
            return rc;
        return jy_err_set2(err, JY_EAUTH, "auth.locked_retry", "账户已锁定，%lld 分钟后再试 (account locked after failed attempts)",
                           "账户已锁定，%lld 分钟后再试", (long long)((ac.cred.locked_until - now + 59) / 60));
    }
    int ok = too_long ? 0 : verify_password(a, ac.cred.password_hash, pw, err);
    if (ok < 0) {
        out->refusal = JY_REFUSED_BUSY;
        out->retry_after = 1;
        return ok;
    }
    if (!ok) {
        ev.outcome = "wrong_password";
        return refuse_failure(a, st, ac.user.id, "login_failed", &ev, out, err);
    }
    int role = -1;
    if (jy_role_parse(ac.user.role, &role, NULL)) {
        ev.outcome = "unknown_role";
        if ((rc = refuse_quietly(st, ac.user.id, "login_refused", &ev, JY_REFUSED_DISABLED, 0, out, err))) return rc;
        return jy_err_set2(err, JY_EAUTH, "auth.role_unknown_login", "account has an unknown role", "账户的角色无法识别");
    }
    int need2 = ((1u << role) & JY_ROLES_SECOND_FACTOR) != 0;
    if (need2 && !(ac.cred.totp_enabled && ac.cred.totp_secret[0])) {
        ev.outcome = "second_factor_not_enrolled";
        if ((rc = refuse_quietly(st, ac.user.id, "login_refused", &ev, JY_REFUSED_NO_SECOND_FACTOR, 0, out, err)))
            return rc;
        return jy_err_set2(err, JY_EAUTH, "auth.second_factor_not_enrolled",
                           "角色 %s 须使用第二步验证，但尚未登记: the security administrator runs `jiuye user totp %s enroll`",
                           "角色 %s 须使用第二步验证，但尚未登记：请安全管理员运行 `jiuye user totp %s enroll`", ac.user.role,
                           ac.user.name);
    }
    return open_session(a, st, &ac, addr, now, !need2, need2 ? "login_pending_second_factor" : "login", NULL, out,
                        err);
}

/* ---------------------------------------------------------------- sessions */

/* The session of token, expired ones ended (audited) and refused. */
static int find_live(jy_auth *a, jy_store *st, const char *token, int64_t now, jy_session_view *v, jy_err *err)
{
    if (!token_shape_ok(token)) return jy_err_set2(err, JY_EAUTH, "auth.no_session", "未登录 (no session)", "未登录");
    char h[65];
    sha256_hex(token, h);
    int rc = session_find(st, h, v, err);
    if (rc == JY_ENOTFOUND) return jy_err_set2(err, JY_EAUTH, "auth.session_unknown", "会话不存在或已结束 (session unknown or ended)", "会话不存在或已结束");
    if (rc) return rc;
    const char *why = NULL;
    if (now - v->s.created_at >= a->cfg.lifetime_seconds) why = "lifetime";
    else if (now - v->s.last_seen >= a->cfg.idle_seconds) why = "idle";
    else if (!v->s.second_factor_done && now - v->s.created_at >= a->cfg.second_factor_seconds) why = "second_factor_time";
    else if (v->a.cred.disabled || v->a.cred.locked_until > now) why = "account_locked";
    if (!why) return 0;
    jy_auth_event ev;
    ev_init(&ev, v->a.user.name, v->s.address, why, now);
    jy_err e2;
    rc = jy_store_session_end(st, v->s.id, v->s.user_id, "session_expired", &ev, &e2);
    if (rc && rc != JY_ENOTFOUND) return jy_err_copy(err, rc, &e2);
    if (strcmp(why, "lifetime") == 0)
        return jy_err_set2(err, JY_EAUTH, "auth.session_expired", "会话已过期，请重新登录 (session older than %lld s)", "会话已过期（超过%lld秒），请重新登录",
                          (long long)a->cfg.lifetime_seconds);
    if (strcmp(why, "idle") == 0)
        return jy_err_set2(err, JY_EAUTH, "auth.session_idle", "会话因长时间未操作已结束，请重新登录 (idle for %lld s or more)", "会话因长时间未操作（%lld秒以上）已结束，请重新登录",
                          (long long)a->cfg.idle_seconds);
    if (strcmp(why, "second_factor_time") == 0)
        return jy_err_set2(err, JY_EAUTH, "auth.second_factor_timeout", "第二步验证超时，请重新登录 (second factor not given in time)", "第二步验证超时，请重新登录");
    return jy_err_set2(err, JY_EAUTH, "auth.locked", "账户已锁定 (account locked)", "账户已锁定");
}

static void principal_of_view(const jy_session_view *v, jy_principal *out)
{
    principal_of(&v->a, v->roles_present, out);
    out->second_factor_done = v->s.second_factor_done;
    out->session_id = v->s.id;
    out->session_created = v->s.created_at;
    out->session_last_seen = v->s.last_seen;
    sodium_hex2bin(out->csrf_hash, sizeof out->csrf_hash, v->s.csrf_hash, strlen(v->s.csrf_hash), NULL, NULL, NULL);
}

int jy_auth_resolve(jy_auth *a, jy_store *st, const char *token, int64_t now, jy_principal *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    jy_session_view v;
    int rc = find_live(a, st, token, now, &v, err);
    if (rc) return rc;
    if (now - v.s.last_seen >= a->cfg.touch_seconds) {
        if ((rc = jy_store_session_touch(st, v.s.id, now, err))) return rc;
        v.s.last_seen = now;
    }
    principal_of_view(&v, out);
    if (out->role < 0) return jy_err_set2(err, JY_EAUTH, "auth.role_unknown", "account %s has an unknown role", "账户 %s 的角色无法识别", v.a.user.name);
    return 0;
}

int jy_auth_csrf_check(const jy_principal *p, const char *csrf, jy_err *err)
{
    if (!p || !p->session_id) return jy_err_set2(err, JY_EDENIED, "csrf.no_session", "CSRF: no session", "CSRF 校验：没有会话");
    if (!token_shape_ok(csrf)) return jy_err_set2(err, JY_EDENIED, "csrf.token_malformed", "CSRF token missing or malformed", "CSRF 令牌缺失或格式有误");
    unsigned char h[32];
    sha256_raw(csrf, h);
    if (sodium_memcmp(h, p->csrf_hash, sizeof h) != 0) return jy_err_set2(err, JY_EDENIED, "csrf.token_mismatch", "CSRF token does not match", "CSRF 令牌不符");
    return 0;
}

int jy_auth_second_factor(jy_auth *a, jy_store *st, const char *token, const char *code, const char *address,
                          int64_t now, jy_principal *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    char addr[64];
    jy_auth_address_key(address, addr);
    jy_session_view v;
    int rc = find_live(a, st, token, now, &v, err);
    if (rc) return rc;
    if (v.s.second_factor_done) {
        principal_of_view(&v, out);
        return 0;
    }
    jy_auth_event ev;
    ev_init(&ev, v.a.user.name, addr, "ok", now);
    const char *c = code ? code : "";
    int64_t step = 0;
    char rec[32], rec_hash[65];
    rec_hash[0] = '\0';
    if (strlen(c) == 6 && strspn(c, "0123456789") == 6) {
        unsigned char secret[TOTP_SECRET_BYTES];
        if ((rc = unseal_secret(a, v.a.user.id, v.a.cred.totp_secret, secret, err))) return rc;
        step = totp_match(secret, c, now);
        sodium_memzero(secret, sizeof secret);
        if (!step) {
            ev.outcome = "wrong_code";
            return refuse_failure(a, st, v.a.user.id, "second_factor_failed", &ev, NULL, err);
        }
        ev.detail = "totp";
    } else if (recovery_normalise(c, rec) == 0) {
        sha256_hex(rec, rec_hash);
        sodium_memzero(rec, sizeof rec);
        ev.detail = "recovery_code";
    } else {
        ev.outcome = "malformed_code";
        return refuse_failure(a, st, v.a.user.id, "second_factor_failed", &ev, NULL, err);
    }
    jy_err e2;
    rc = jy_store_second_factor_ok(st, v.s.id, v.a.user.id, step, step ? NULL : rec_hash, &ev, &e2);
    if (rc == JY_ECONFLICT || rc == JY_ENOTFOUND) {
        ev.outcome = step ? "code_reused" : "unknown_recovery_code";
        int r2 = refuse_failure(a, st, v.a.user.id, "second_factor_failed", &ev, NULL, err);
        if (r2 == JY_EAUTH && step)
            jy_err_set2(err, JY_EAUTH, "auth.code_used", "验证码已使用过，请等待下一个 (this code was used already)", "验证码已使用过，请等待下一个");
        return r2;
    }
    if (rc) return jy_err_copy(err, rc, &e2);
    v.s.second_factor_done = 1;
    v.s.last_seen = now;
    principal_of_view(&v, out);
    return 0;
}

int jy_auth_logout(jy_auth *a, jy_store *st, const char *token, const char *address, int64_t now, jy_err *err)
{
    (void)a;
    if (!token_shape_ok(token)) return jy_err_set2(err, JY_EAUTH, "auth.no_session", "未登录 (no session)", "未登录");
    char h[65], addr[64];
    sha256_hex(token, h);
    jy_auth_address_key(address, addr);
    jy_session_view v;
    int rc = session_find(st, h, &v, err);
    if (rc == JY_ENOTFOUND) return jy_err_set2(err, JY_EAUTH, "auth.session_unknown", "会话不存在或已结束 (session unknown or ended)", "会话不存在或已结束");
    if (rc) return rc;
    jy_auth_event ev;
    ev_init(&ev, v.a.user.name, addr, "ok", now);
    rc = jy_store_session_end(st, v.s.id, v.s.user_id, "logout", &ev, err);
    if (rc == JY_ENOTFOUND) return jy_err_set2(err, JY_EAUTH, "auth.session_ended", "会话已结束 (session ended)", "会话已结束");
    return rc;
}

int jy_auth_change_password(jy_auth *a, jy_store *st, const char *token, const char *old_pw, const char *new_pw,
                            const char *address, int64_t now, jy_login *fresh, jy_err *err)
{
    if (fresh) memset(fresh, 0, sizeof *fresh);
    char addr[64];
    jy_auth_address_key(address, addr);
    jy_session_view v;
    int rc = find_live(a, st, token, now, &v, err);
    if (rc) return rc;
    if (!v.s.second_factor_done)
        return jy_err_set2(err, JY_EAUTH, "auth.second_factor_required", "用户 %s 需先完成第二步验证 (second factor required)", "用户 %s 需先完成第二步验证", v.a.user.name);
    if ((rc = jy_auth_password_check(a, v.a.user.name, new_pw, err))) return rc;
    if (old_pw && strcmp(old_pw, new_pw) == 0)
        return jy_err_set2(err, JY_EINVAL, "password.same", "新密码不能与旧密码相同 (the new password must differ from the old)", "新密码不能与旧密码相同");
    jy_auth_event ev;
    ev_init(&ev, v.a.user.name, addr, "ok", now);
    int ok = old_pw && strlen(old_pw) <= 4 * (size_t)a->cfg.max_length
                 ? verify_password(a, v.a.cred.password_hash, old_pw, err)
                 : 0;
    if (ok < 0) return ok;
    if (!ok) {
        ev.outcome = "wrong_password";
        jy_login why;
        memset(&why, 0, sizeof why);
        rc = refuse_failure(a, st, v.a.user.id, "password_change_failed", &ev, &why, err);
        if (rc == JY_EAUTH && why.refusal == JY_REFUSED_CREDENTIALS)
            jy_err_set2(err, JY_EAUTH, "password.old_wrong", "旧密码错误 (the current password is wrong)", "旧密码错误");
        return rc;
    }
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = jy_auth_hash_password(a, new_pw, hash, err))) return rc;
    rc = jy_store_cred_password(st, v.a.user.id, hash, 0, v.a.user.name, "password_change", &ev, err);
    if (rc || !fresh) return rc;
    v.a.cred.must_change = 0;
    return open_session(a, st, &v.a, addr, now, 1, "login", "after password change", fresh, err);
}

/* ---------------------------------------------------------------- administration */

static void actor_label(const jy_auth_ctx *c, char out[96])
{
    const char *n = c->by && c->by->name[0] ? c->by->name : "system";
    if (c->os_user && *c->os_user) snprintf(out, 96, "%s (os:%s)", n, c->os_user);
    else snprintf(out, 96, "%s", n);
}

static void admin_event(const jy_auth_ctx *c, const char *user, const char *outcome, jy_auth_event *ev)
{
    ev_init(ev, user, c->address ? c->address : "", outcome, c->now);
    ev->os_user = c->os_user;
}

/* The account by name, and c->by's right to manage it (perm on its area). */
static int managed_account(jy_store *st, const jy_auth_ctx *c, int perm, const char *name, jy_account *ac,
                           jy_err *err)
{
    int rc = jy_perm_check(c->by, perm, NULL, err);
    if (rc) return rc;
    if ((rc = jy_store_account_get(st, name, ac, err))) return rc;
    jy_perm_target t = {ac->user.area, 0, 0};
    return jy_perm_check(c->by, perm, &t, err);
}

static int refuse_self(const jy_auth_ctx *c, const char *name, const char *what, jy_err *err)
{
    if (c->by && c->by->name[0] && strcmp(c->by->name, name) == 0)
        return jy_err_set2(err, JY_EDENIED, "users.self", "用户 %s 不能对自己的账户%s: another administrator does", "用户 %s 不能对自己的账户%s：应由另一位管理员操作", name, what);
    return 0;
}

static int choose_password(jy_auth *a, const char *name, const char *given, char generated[32], jy_err *err)
{
    if (generated) generated[0] = '\0';
    if (given) return jy_auth_password_check(a, name, given, err);
    if (!generated) return jy_err_set2(err, JY_EINVAL, "password.none", "password: none given", "密码：未填写");
    jy_auth_password_generate(generated);
    return 0;
}

int jy_account_put(jy_auth *a, jy_store *st, const jy_auth_ctx *c, jy_user *u, const char *password,
                   char generated[32], int *result, jy_err *err)
{
    if (generated) generated[0] = '\0';
    int rc, role = -1;
    if ((rc = jy_role_parse(u->role, &role, err)) || (rc = jy_area_check(u->area, err))) return rc;
    /* the right to manage accounts, over the new area and (for an existing account) the old one */
    jy_perm_target t = {u->area, 0, 0};
    if ((rc = jy_perm_check(c->by, JY_PERM_USER_MANAGE, &t, err))) {
        if (rc == JY_EDENIED && err) jy_err_prefix2(err, "无权添加用户: ", "无权添加用户：");
        return rc;
    }
    jy_account old;
    int exists = 0;
    rc = jy_store_account_get(st, u->name, &old, err);
    if (rc == 0) exists = 1;
    else if (rc != JY_ENOTFOUND) return rc;
    int from = -1;
    if (exists) {
        jy_perm_target to = {old.user.area, 0, 0};
        if ((rc = jy_perm_check(c->by, JY_PERM_USER_MANAGE, &to, err))) return rc;
        if (jy_role_parse(old.user.role, &from, NULL)) from = -1;
    }
    if ((rc = jy_role_change_check(c->by, u->name, exists ? from : -1, role, err))) return rc;
    char hash[crypto_pwhash_STRBYTES];
    hash[0] = '\0';
    int set_pw = !exists || password != NULL || !old.cred.password_hash[0];
    if (set_pw) {
        if ((rc = choose_password(a, u->name, password, generated, err))) return rc;
        rc = jy_auth_hash_password(a, password ? password : generated, hash, err);
        if (rc) {
            if (generated) sodium_memzero(generated, 32);
            return rc;
        }
    }
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, u->name, "ok", &ev);
    if ((rc = jy_store_begin(st, err))) return rc;
    rc = jy_store_user_put(st, u, actor, result, err);
    if (rc == 0 && set_pw) rc = jy_store_cred_password(st, u->id, hash, 1, actor, "password_set", &ev, err);
    if (rc) {
        jy_store_rollback(st, NULL);
        if (generated) sodium_memzero(generated, 32);
        return rc;
    }
    if ((rc = jy_store_commit(st, err)) && generated) sodium_memzero(generated, 32);
    if (rc == 0 && result && set_pw && *result == JY_PUT_UNCHANGED) *result = JY_PUT_UPDATED;
    return rc;
}

int jy_account_set_password(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, const char *password,
                            char generated[32], jy_err *err)
{
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc) return rc;
    if ((rc = choose_password(a, name, password, generated, err))) return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = jy_auth_hash_password(a, password ? password : generated, hash, err))) return rc;
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, name, "ok", &ev);
    return jy_store_cred_password(st, ac.user.id, hash, 1, actor, "password_set", &ev, err);
}

int jy_account_lock(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, int lock, jy_err *err)
{
    (void)a;
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc == 0 && lock) rc = refuse_self(c, name, "加锁", err);
    if (rc) return rc;
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, name, lock ? "locked" : "unlocked", &ev);
    return jy_store_account_lock(st, ac.user.id, lock, actor, &ev, err);
}

int jy_account_totp_enroll(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, char uri[512],
                           jy_err *err)
{
    uri[0] = '\0';
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc) return rc;
    unsigned char secret[TOTP_SECRET_BYTES];
    char sealed[160];
    randombytes_buf(secret, sizeof secret);
    rc = seal_secret(a, ac.user.id, secret, sealed, err);
    if (rc == 0) {
        char actor[96];
        actor_label(c, actor);
        jy_auth_event ev;
        admin_event(c, name, "ok", &ev);
        rc = jy_store_totp_set(st, ac.user.id, sealed, 1, actor, "totp_enroll", &ev, err);
    }
    if (rc == 0) totp_uri(name, secret, uri);
    sodium_memzero(secret, sizeof secret);
    return rc;
}

int jy_account_totp_uri(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, char uri[512], jy_err *err)
{
    uri[0] = '\0';
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc) return rc;
    if (!ac.cred.totp_secret[0])
        return jy_err_set2(err, JY_ENOTFOUND, "auth.totp_not_enrolled", "用户 %s 未登记第二步验证 (run `jiuye user totp %s enroll`)", "用户 %s 未登记第二步验证（请运行 `jiuye user totp %s enroll`）", name, name);
    unsigned char secret[TOTP_SECRET_BYTES];
    if ((rc = unseal_secret(a, ac.user.id, ac.cred.totp_secret, secret, err))) return rc;
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, name, "ok", &ev);
    rc = jy_store_auth_audit(st, ac.user.id, actor, "totp_shown", &ev, err);
    if (rc == 0) totp_uri(name, secret, uri);
    sodium_memzero(secret, sizeof secret);
    return rc;
}

int jy_account_totp_disable(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, jy_err *err)
{
    (void)a;
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc) return rc;
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, name, "ok", &ev);
    return jy_store_totp_set(st, ac.user.id, "", 0, actor, "totp_disable", &ev, err);
}

int jy_account_recovery_codes(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name,
                              char codes[JY_RECOVERY_CODES][24], jy_err *err)
{
    (void)a;
    jy_account ac;
    int rc = managed_account(st, c, JY_PERM_USER_MANAGE, name, &ac, err);
    if (rc) return rc;
    char hashes[JY_RECOVERY_CODES][65];
    const char *hp[JY_RECOVERY_CODES];
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567"; /* base32: 5 bits a character */
    for (int i = 0; i < JY_RECOVERY_CODES; i++) {
        char plain[17];
        for (int k = 0; k < 16; k++) plain[k] = alpha[randombytes_uniform(32)];
        plain[16] = '\0';
        snprintf(codes[i], 24, "%.4s-%.4s-%.4s-%.4s", plain, plain + 4, plain + 8, plain + 12);
        sha256_hex(plain, hashes[i]);
        hp[i] = hashes[i];
        sodium_memzero(plain, sizeof plain);
    }
    char actor[96];
    actor_label(c, actor);
    jy_auth_event ev;
    admin_event(c, name, "ok", &ev);
    rc = jy_store_recovery_set(st, ac.user.id, hp, JY_RECOVERY_CODES, actor, &ev, err);
    if (rc) sodium_memzero(codes, sizeof(char[JY_RECOVERY_CODES][24]));
    return rc;
}

typedef struct list_ctx {
    const jy_auth_ctx *c;
    int (*fn)(void *ctx, const char *json);
    void *ctx;
    jy_sb sb;
    int stopped;
} list_ctx;

static int on_list(void *ctx, const jy_account *ac)
{
    list_ctx *l = ctx;
    jy_perm_target t = {ac->user.area, 0, 0};
    if (jy_perm_check(l->c->by, JY_PERM_USER_READ, &t, NULL)) return 0;
    jy_sb *sb = &l->sb;
    jy_sb_reset(sb);
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", ac->user.id);
    jy_sb_json_kv_str(sb, "name", ac->user.name);
    jy_sb_json_kv_str(sb, "role", ac->user.role);
    jy_sb_json_kv_str(sb, "area", ac->user.area);
    jy_sb_json_key(sb, "org_id");
    if (ac->user.org_id) jy_sb_append_i64(sb, ac->user.org_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_key(sb, "person_id");
    if (ac->user.person_id) jy_sb_append_i64(sb, ac->user.person_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_str(sb, "display", ac->user.display);
    jy_sb_json_kv_bool(sb, "password", ac->cred.password_hash[0] != '\0');
    jy_sb_json_kv_bool(sb, "must_change", ac->cred.has_row && ac->cred.must_change);
    jy_sb_json_kv_bool(sb, "locked", ac->cred.disabled);
    jy_sb_json_key(sb, "locked_until");
    if (ac->cred.locked_until > l->c->now) jy_sb_append_i64(sb, ac->cred.locked_until);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_i64(sb, "failures", ac->cred.failures);
    jy_sb_json_kv_bool(sb, "second_factor", ac->cred.totp_enabled && ac->cred.totp_secret[0]);
    jy_sb_json_kv_i64(sb, "recovery_codes_left", ac->recovery_left);
    jy_sb_appendc(sb, '}');
    if (l->fn(l->ctx, jy_sb_cstr(sb))) {
        l->stopped = 1;
        return 1;
    }
    return 0;
}

int jy_account_list(jy_auth *a, jy_store *st, const jy_auth_ctx *c, int (*fn)(void *ctx, const char *json),
                    void *ctx, jy_err *err)
{
    (void)a;
    int rc = jy_perm_check(c->by, JY_PERM_USER_READ, NULL, err);
    if (rc) return rc;
    list_ctx l = {c, fn, ctx, JY_SB_INIT, 0};
    rc = jy_store_account_list(st, on_list, &l, err);
    jy_sb_free(&l.sb);
    return rc;
}
