/* jscan.h — one top-level member of a JSON object, found without building a tree.
 *
 * A class's page counts its trainees' exam results and certificates on every read; parsing each
 * trainee's facts with jansson cost ~60,000 instructions a trainee (a 40-trainee class: 2.4 M
 * per request), this scan ~1,500. It walks the text once, skipping strings, nested objects and
 * arrays, and answers for keys at the top level only ("certificate" inside prior_trainings[]
 * is not the trainee's certificate). It does not validate: it is meant for JSON this program
 * wrote itself; anything it cannot read plainly (an escape in a key or in the value asked for,
 * a shape it does not expect) answers -1 and the caller parses with jansson instead. */
#ifndef JY_JSCAN_H
#define JY_JSCAN_H

#include <stddef.h>

/* Finds the top-level member key of the JSON object text json. 1: found (the last one, as
 * jansson keeps the last of duplicate keys); val and len get its value's raw text (a string with
 * its quotes, a number, true/false/null, or a whole object or array). 0: no such member.
 * -1: the text is not a plain object this scan reads (the caller must parse it properly). */
int jy_json_top_member(const char *json, const char *key, const char **val, size_t *len);

/* The same for up to 8 keys in one pass: vals[i]/lens[i] as above, NULL/0 for an absent key;
 * returns how many were found, or -1. */
int jy_json_top_members(const char *json, int nkeys, const char *const *keys, const char **vals, size_t *lens);

/* The member's value when it is a JSON string without escapes: 1, with s and n set to its text (without quotes);
 * 0 when the member is absent or not a string; -1 as above or when the string has escapes. */
int jy_json_top_string(const char *json, const char *key, const char **s, size_t *n);

#endif
