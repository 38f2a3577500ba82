/* Arena allocator; see arena.h. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} chunk;

struct jy_arena {
    chunk *head;
    size_t chunk_size;
    size_t total_used;
};

static chunk *chunk_new(size_t size)
{
    chunk *c = malloc(sizeof *c + size);
    if (!c) {
        fputs("jiuye: out of memory\n", stderr);
        abort();
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

jy_arena *jy_arena_new(size_t chunk_size)
{
    jy_arena *a = malloc(sizeof *a);
    if (!a) {
        fputs("jiuye: out of memory\n", stderr);
        abort();
    }
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    a->head = chunk_new(a->chunk_size);
    a->total_used = 0;
    return a;
}

void jy_arena_free(jy_arena *a)
{
    if (!a) return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void jy_arena_reset(jy_arena *a)
{
    chunk *c = a->head;
    while (c->next) { /* keep the oldest chunk, which is last in the list */
        chunk *next = c->next;
        free(c);
        c = next;
    }
    c->used = 0;
    a->head = c;
    a->total_used = 0;
}

void *jy_arena_alloc(jy_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) abort();
    chunk *c = a->head;
    if (c->size - c->used < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;
        c = chunk_new(size);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total_used += need;
    return p;
}

void *jy_arena_zalloc(jy_arena *a, size_t n)
{
    void *p = jy_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *jy_arena_strndup(jy_arena *a, const char *s, size_t n)
{
    char *p = jy_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *jy_arena_strdup(jy_arena *a, const char *s)
{
    return jy_arena_strndup(a, s, strlen(s));
}

size_t jy_arena_used(const jy_arena *a)
{
    return a->total_used;
}
