#!/bin/bash
# jiuye backup / jiuye restore on the backend under test (issue 3): a backup taken from a filled
# database restores into a fresh one with every row (same counts, same audit head) and an audit
# chain that verifies; a restore never overwrites a database holding records; usage errors.
source "$JY_SOURCE_DIR/tests/lib.sh"

expect_rc "demo county" 0 "$JIUYE" demo --persons 300 --orgs 20 --seed 7
before=$("$JIUYE" audit verify) || fail "audit verify before backup: $before"
head=$(echo "$before" | sed -n 's/.*"head":"\([0-9a-f]*\)".*/\1/p')

expect_rc "backup" 0 "$JIUYE" backup "$T/jiuye.bak"
out=$(cat "$T/stdout")
expect_contains "backup names the file" "\"backup\":\"$T/jiuye.bak\"" "$out"
expect_contains "backup counts persons" '"persons":300,' "$out"
[ -s "$T/jiuye.bak" ] || fail "no backup file"
[ ! -e "$T/jiuye.bak.partial" ] || fail "partial file left behind"

fresh=$(jy_fresh_db)
expect_rc "restore into a fresh database" 0 "$JIUYE" --db "$fresh" restore "$T/jiuye.bak"
out=$(cat "$T/stdout")
expect_contains "every person back" '"persons":300,' "$out"
expect_contains "every org back" '"orgs":20,' "$out"
expect_contains "same head" "\"audit_head\":\"$head\"" "$out"
expect_contains "chain verified" '"audit_verified":' "$out"
after=$("$JIUYE" --db "$fresh" audit verify) || fail "audit verify after restore: $after"
[ "$before" = "$after" ] || fail "audit verify differs: $before vs $after"
# same rows: the person lists are identical
a=$("$JIUYE" person list --limit 1000); b=$("$JIUYE" --db "$fresh" person list --limit 1000)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "person lists differ after restore"

expect_rc "restore over records refused" 1 "$JIUYE" restore "$T/jiuye.bak"
expect_contains "says why" "already holds records" "$(cat "$T/stderr")"
expect_rc "restore of a missing file" 1 "$JIUYE" --db "$(jy_fresh_db)" restore "$T/nope.bak"
expect_rc "backup without a file" 2 "$JIUYE" backup
expect_rc "restore with two files" 2 "$JIUYE" restore a b
finish
