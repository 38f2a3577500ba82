#!/usr/bin/env bash
# Source hygiene (curl-style): no banned C calls, and no SQL outside src/store/.
source "$JY_SOURCE_DIR/tests/lib.sh"
cd "$JY_SOURCE_DIR"

banned=$(grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|strtok|gets)[[:space:]]*\(' src bench fuzz --include='*.c' --include='*.h' | grep -v '^\S*:[0-9]*:\s*/\?\*' || true)
[ -z "$banned" ] || fail "banned calls (use snprintf, memcpy, jy_sb): $banned"

sql=$(grep -rlE '"(SELECT|INSERT|UPDATE|DELETE|CREATE TABLE)[[:space:]]' src --include='*.c' | grep -v '^src/store/' || true)
[ -z "$sql" ] || fail "SQL outside src/store/: $sql"

string_built_sql=$(grep -rnE '(snprintf|jy_sb_appendf)\([^;]*"[^"]*(SELECT|INSERT|UPDATE|DELETE) ' src --include='*.c' || true)
[ -z "$string_built_sql" ] || fail "SQL built from strings: $string_built_sql"
finish
