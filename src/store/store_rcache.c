/* store_rcache.c — a handle's read cache for the reads every authenticated page view makes
 * again and again: the session row (with its account) behind a token, a training class's
 * roster summary, and an organisation's row by id (a case's page reads its organisation for the
 * township check; a county has tens of organisations and thousands of their cases) (issue 11's
 * speed work, docs/http.md "Benchmark").
 *
 * Correctness rule: an entry is used only while the database is exactly as it was when the
 * entry was read. On SQLite the epoch is (PRAGMA data_version, sqlite3_total_changes64): the
 * first changes when any other connection — another handle of this server, another server
 * process, a `jiuye` command — commits to the file; the second when this handle changes a row.
 * Every lookup reads the epoch first (a one-row pragma, far cheaper than the reads it saves) and
 * empties the cache when it moved. So a logout, a password change, a lock, an expired session
 * ended, a role changed, a trainee filed or stepped — anything committed anywhere — takes effect
 * on the very next request in every process, as without the cache; time-based rules (idle
 * timeout, absolute lifetime, lock expiry) are applied by the caller to the row on every request.
 * PostgreSQL has no such cheap epoch: its handles do not cache (jy_store_sqlite_epoch is SQLite's).
 * Inside a transaction nothing is cached (the handle may hold its own uncommitted changes).
 *
 * A handle is used by one thread at a time (the server's pool), so no lock. Session entries hold
 * a copy of the account row, organisation entries the bank account; both are wiped
 * (sodium_memzero) when dropped. The organisation's row is kept as the backend read it, without
 * the handle's scope: the caller (jy_store_org_get) applies the scope to every hit. */
#include <string.h>
#include <stdlib.h>

#include <sodium.h>

#include "store/auth_store.h"
#include "store/store.h"
#include "store/store_impl.h"

#define RC_SESSIONS 16
#define RC_SUMMARIES 32
#define RC_ORGS 32

struct jy_rcache {
    int valid;
    unsigned long long ep[2]; /* the epoch every entry below was read at (or after) */
    struct {
        int used;
        char hash[65];
        jy_session_view v;
    } sess[RC_SESSIONS];
    int sess_next;
    struct {
        int used;
        long long id;
        char scope[7];
        jy_class_summary s;
    } sum[RC_SUMMARIES];
    int sum_next;
    struct {
        int used;
        jy_org o;
    } org[RC_ORGS];
    int org_next;
    long long hits[3], misses[3];
};

/* Drops every entry (the used ones only: a write request empties the cache each time) */
static void wipe(struct jy_rcache *c)
{
    for (int i = 0; i < RC_SESSIONS; i++)
        if (c->sess[i].used) sodium_memzero(&c->sess[i], sizeof c->sess[i]);
    for (int i = 0; i < RC_SUMMARIES; i++) c->sum[i].used = 0;
    for (int i = 0; i < RC_ORGS; i++)
        if (c->org[i].used) sodium_memzero(&c->org[i], sizeof c->org[i]);
    c->sess_next = c->sum_next = c->org_next = 0;
    c->valid = 0;
}

/* The cache, current as of now: emptied if the epoch moved. NULL (and t->ok 0) when the epoch
 * cannot be told — nothing is cached then. */
static struct jy_rcache *current(jy_store *st, jy_rcache_ticket *t)
{
    t->ok = 0;
    if (strcmp(jy_store_backend(st), "sqlite") != 0) return NULL;
    unsigned long long ep[2];
    if (jy_store_sqlite_epoch(st, ep) != 0) return NULL;
    if (!st->rcache) {
        st->rcache = calloc(1, sizeof *st->rcache);
        if (!st->rcache) return NULL;
    }
    struct jy_rcache *c = st->rcache;
    if (!c->valid || c->ep[0] != ep[0] || c->ep[1] != ep[1]) {
        long long h[3], m[3];
        memcpy(h, c->hits, sizeof h);
        memcpy(m, c->misses, sizeof m);
        wipe(c);
        memcpy(c->hits, h, sizeof h);
        memcpy(c->misses, m, sizeof m);
        c->ep[0] = ep[0];
        c->ep[1] = ep[1];
        c->valid = 1;
    }
    t->ok = 1;
    t->ep[0] = ep[0];
    t->ep[1] = ep[1];
    return c;
}

/* The cache when t's epoch is still the cache's (nothing changed while the value was read by
 * this handle: its own writes would have moved ep[1]); else NULL. */
static struct jy_rcache *for_put(jy_store *st, const jy_rcache_ticket *t)
{
    struct jy_rcache *c = st->rcache;
    if (!t || !t->ok || !c || !c->valid || c->ep[0] != t->ep[0] || c->ep[1] != t->ep[1]) return NULL;
    return c;
}

int jy_rcache_session_get(jy_store *st, const char *token_hash, jy_session_view *out, jy_rcache_ticket *t)
{
    struct jy_rcache *c = current(st, t);
    if (!c || !token_hash) return 0;
    for (int i = 0; i < RC_SESSIONS; i++)
        if (c->sess[i].used && strcmp(c->sess[i].hash, token_hash) == 0) {
            memcpy(out, &c->sess[i].v, sizeof *out);
            c->hits[0]++;
            return 1;
        }
    c->misses[0]++;
    return 0;
}

void jy_rcache_session_put(jy_store *st, const jy_rcache_ticket *t, const char *token_hash, const jy_session_view *v)
{
    struct jy_rcache *c = for_put(st, t);
    if (!c || !token_hash || strlen(token_hash) >= sizeof c->sess[0].hash) return;
    int k = c->sess_next;
    c->sess_next = (k + 1) % RC_SESSIONS;
    sodium_memzero(&c->sess[k], sizeof c->sess[k]);
    c->sess[k].used = 1;
    memcpy(c->sess[k].hash, token_hash, strlen(token_hash) + 1);
    memcpy(&c->sess[k].v, v, sizeof *v);
}

int jy_rcache_summary_get(jy_store *st, long long class_id, jy_class_summary *out, jy_rcache_ticket *t)
{
    struct jy_rcache *c = current(st, t);
    if (!c) return 0;
    for (int i = 0; i < RC_SUMMARIES; i++)
        if (c->sum[i].used && c->sum[i].id == class_id && strcmp(c->sum[i].scope, st->scope) == 0) {
            *out = c->sum[i].s;
            c->hits[1]++;
            return 1;
        }
    c->misses[1]++;
    return 0;
}

void jy_rcache_summary_put(jy_store *st, const jy_rcache_ticket *t, long long class_id, const jy_class_summary *s)
{
    struct jy_rcache *c = for_put(st, t);
    if (!c) return;
    int k = c->sum_next;
    c->sum_next = (k + 1) % RC_SUMMARIES;
    c->sum[k].used = 1;
    c->sum[k].id = class_id;
    memcpy(c->sum[k].scope, st->scope, sizeof c->sum[k].scope);
    c->sum[k].s = *s;
}

int jy_rcache_org_get(jy_store *st, long long id, jy_org *out, jy_rcache_ticket *t)
{
    struct jy_rcache *c = current(st, t);
    if (!c) return 0;
    for (int i = 0; i < RC_ORGS; i++)
        if (c->org[i].used && c->org[i].o.id == id) {
            *out = c->org[i].o;
            c->hits[2]++;
            return 1;
        }
    c->misses[2]++;
    return 0;
}

void jy_rcache_org_put(jy_store *st, const jy_rcache_ticket *t, const jy_org *o)
{
    struct jy_rcache *c = for_put(st, t);
    if (!c) return;
    int k = c->org_next;
    c->org_next = (k + 1) % RC_ORGS;
    sodium_memzero(&c->org[k], sizeof c->org[k]);
    c->org[k].used = 1;
    c->org[k].o = *o;
}

void jy_rcache_free(jy_store *st)
{
    if (!st || !st->rcache) return;
    sodium_memzero(st->rcache, sizeof *st->rcache);
    free(st->rcache);
    st->rcache = NULL;
}

void jy_rcache_stats(jy_store *st, long long hits[3], long long misses[3])
{
    struct jy_rcache *c = st ? st->rcache : NULL;
    for (int i = 0; i < 3; i++) {
        hits[i] = c ? c->hits[i] : 0;
        misses[i] = c ? c->misses[i] : 0;
    }
}

void jy_store_request_epoch(jy_store *st, int on)
{
    if (st) st->epoch_mode = on ? 1 : 0;
}
