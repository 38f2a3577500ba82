/* Unit tests of the audit chain's SHA-256 (store_sha256.c): known answers, and the accelerated
 * path (SHA-NI, when the CPU has it) agreeing with libsodium on every length around the block
 * and padding boundaries and on random messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "store/store_impl.h"

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void known_answers(void **state)
{
    (void)state;
    unsigned char d[32];
    char h[65];
    jy_store_sha256((const unsigned char *)"abc", 3, d);
    hex(d, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    jy_store_sha256((const unsigned char *)"", 0, d);
    hex(d, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: 2 padding blocks */
    jy_store_sha256((const unsigned char *)m, strlen(m), d);
    hex(d, h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void accelerated_matches_libsodium(void **state)
{
    (void)state;
    if (!jy_store_sha256_accelerated()) print_message("CPU has no SHA extensions: comparing libsodium with itself\n");
    unsigned char *buf = malloc(5000), a[32], b[32];
    assert_non_null(buf);
    srand(42);
    for (size_t i = 0; i < 5000; i++) buf[i] = (unsigned char)rand();
    for (size_t len = 0; len <= 300; len++) {
        jy_store_sha256(buf, len, a);
        crypto_hash_sha256(b, buf, len);
        if (memcmp(a, b, 32) != 0) fail_msg("digest differs at length %zu", len);
    }
    for (int k = 0; k < 200; k++) {
        size_t len = (size_t)rand() % 5000, off = (size_t)rand() % (5000 - len + 1);
        jy_store_sha256(buf + off, len, a); /* unaligned starts too */
        crypto_hash_sha256(b, buf + off, len);
        if (memcmp(a, b, 32) != 0) fail_msg("digest differs at length %zu offset %zu", len, off);
    }
    /* the forced portable path gives the same */
    jy_store_sha256_mode = 1;
    jy_store_sha256(buf, 1000, a);
    jy_store_sha256_mode = 0;
    jy_store_sha256(buf, 1000, b);
    assert_memory_equal(a, b, 32);
    free(buf);
}

static void audit_hash_is_the_documented_encoding(void **state)
{
    (void)state;
    /* docs/store.md: tag NUL, then each field as 4-byte big-endian length + bytes; NULL = 0xFFFFFFFF */
    jy_audit_entry e;
    memset(&e, 0, sizeof e);
    memcpy(e.prev_hash, jy_store_genesis_hash, 65);
    e.seq = 1;
    snprintf(e.at, sizeof e.at, "2025-06-01T08:00:00.000Z");
    snprintf(e.county, sizeof e.county, "640522");
    snprintf(e.actor, sizeof e.actor, "张三");
    snprintf(e.entity, sizeof e.entity, "person");
    e.entity_id = 42;
    snprintf(e.action, sizeof e.action, "create");
    e.before_json = NULL;
    e.after_json = "{\"a\":1}";
    unsigned char msg[512];
    size_t n = 0;
    memcpy(msg, "jiuye-audit-v1", 15);
    n = 15;
    const char *fields[10] = {e.prev_hash, "1", e.at, e.county, e.actor, e.entity, "42", e.action, NULL, e.after_json};
    for (int i = 0; i < 10; i++) {
        uint32_t len = fields[i] ? (uint32_t)strlen(fields[i]) : 0xffffffffu;
        msg[n++] = (unsigned char)(len >> 24);
        msg[n++] = (unsigned char)(len >> 16);
        msg[n++] = (unsigned char)(len >> 8);
        msg[n++] = (unsigned char)len;
        if (fields[i]) {
            memcpy(msg + n, fields[i], len);
            n += len;
        }
    }
    unsigned char d[32];
    char want[65], got[65];
    crypto_hash_sha256(d, msg, n);
    hex(d, want);
    jy_store_audit_hash(&e, got);
    assert_string_equal(got, want);
    /* "" and NULL differ */
    e.before_json = "";
    jy_store_audit_hash(&e, got);
    assert_string_not_equal(got, want);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answers),
        cmocka_unit_test(accelerated_matches_libsodium),
        cmocka_unit_test(audit_hash_is_the_documented_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
