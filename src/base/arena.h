/* Arena allocator: bump allocation from chunks, freed all at once.
 *
 * Use one arena per request, per batch or per compiled rule set. Memory returned by an arena
 * lives until jy_arena_reset or jy_arena_free; never free() it. Allocation failure aborts the
 * process (out of memory is not a recoverable condition in this program). */
#ifndef JY_ARENA_H
#define JY_ARENA_H

#include <stddef.h>

typedef struct jy_arena jy_arena;

jy_arena *jy_arena_new(size_t chunk_size); /* 0 selects a default (64 KiB) */
void jy_arena_free(jy_arena *a);
void jy_arena_reset(jy_arena *a);            /* forget every allocation, keep the first chunk */
void *jy_arena_alloc(jy_arena *a, size_t n); /* 16-byte aligned, uninitialised */
void *jy_arena_zalloc(jy_arena *a, size_t n);
char *jy_arena_strdup(jy_arena *a, const char *s);
char *jy_arena_strndup(jy_arena *a, const char *s, size_t n);
size_t jy_arena_used(const jy_arena *a);   /* bytes handed out since the last reset */

#endif
