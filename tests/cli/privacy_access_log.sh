#!/usr/bin/env bash
# The access log (查询日志, issue 11 item 6, docs/privacy.md): `jiuye access-log list` for the
# auditor or an administrator only, its filters (--user, --since, --after/--limit paging), a
# county user's view of its own county; and nobody can change it: UPDATE, DELETE (and TRUNCATE
# on PostgreSQL) through the sqlite3 shell or psql are refused by the database, as is a row
# without a reason. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null || fail "rev"
$J --as admin user add rev2 --role county_reviewer --area 640521 >/dev/null || fail "rev2"
$J --as admin user add admin2 --role admin --area 640521 >/dev/null || fail "admin2"
P1=$(idcard 5)
id=$($J --as admin person add --idcard "$P1" --name 马一 --hukou-division 640522101 | idof)
P2=640521199001010016 # a 中宁 (640521) man
$J --as admin person add --idcard "$P2" --name 马二 --hukou-division 640521 >/dev/null || fail "P2"

JIUYE_NOW=2024-12-01T09:00:00.000Z $J --as rev person show "$id" --unmask --reason "第一次核对" >/dev/null || fail "view 1"
JIUYE_NOW=2024-12-02T10:30:00.000Z $J --as rev person list --unmask --reason "第二次核对" >/dev/null || fail "view 2"
JIUYE_NOW=2024-12-03T08:00:00.000Z $J --as admin audit list --unmask --reason "审计" >/dev/null || fail "view 3"
JIUYE_NOW=2024-12-03T09:00:00.000Z $J --as rev2 person show "$P2" --unmask --reason "西吉核对" >/dev/null || fail "view 4"

# the whole log, as an administrator reads it
out=$($J --as admin access-log list)
[ "$(echo "$out" | wc -l)" = 4 ] || fail "four entries, got: $out"
expect_contains "entry 1 as JSON" "{\"id\":1,\"at\":\"2024-12-01T09:00:00.000Z\",\"county\":\"640522\",\"actor\":\"rev\",\"role\":\"county_reviewer\",\"origin\":\"cli:$(id -un)@$(hostname)" "$out"
expect_contains "entry 1 what and why" "\"action\":\"view\",\"entity\":\"person\",\"target\":\"$id\",\"reason\":\"第一次核对\"}" "$out"
expect_contains "a list: its query" '"target":"list town= name= after=0 limit=100","reason":"第二次核对"' "$out"
expect_contains "audit list, unscoped" '"id":3,"at":"2024-12-03T08:00:00.000Z","county":"","actor":"admin"' "$out"
# filters
expect_out "--user" "1
2" 0 sh -c "$J --as admin access-log list --user rev | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p'"
expect_out "--since" "3
4" 0 sh -c "$J --as admin access-log list --since 2024-12-03 | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p'"
expect_out "--after --limit" "2
3" 0 sh -c "$J --as admin access-log list --after 1 --limit 2 | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p'"
expect_rc "bad --since" 2 $J --as admin access-log list --since 2024-13-01
expect_rc "unknown option" 2 $J --as admin access-log list --who rev
# an administrator of another county sees that county's entries only
expect_out "640521's administrator" "4" 0 sh -c "$J --as admin2 access-log list | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p'"
# who may read it: not a reviewer
expect_rc "a reviewer may not read the log" 1 $J --as rev access-log list
expect_contains "names who may" "auditor, admin" "$(cat "$T/stderr")"
expect_rc "an unregistered user may not" 1 $J --as nobody access-log list
# the auditor role (issue 11 item 4) reads it once it exists
if $J --as admin user add aud --role auditor >/dev/null 2>&1; then
  expect_rc "the auditor reads the log" 0 $J --as aud access-log list
  expect_rc "the auditor may not unmask persons" 1 $J --as aud person show "$id" --unmask --reason "看看"
else
  echo "note: no auditor role in this build (users.c); the auditor checks are skipped" >&2
fi

# nobody changes it: the database refuses
before=$(sql "SELECT id, actor, reason FROM access_log ORDER BY id")
if sql "UPDATE access_log SET reason = 'edited' WHERE id = 1" >/dev/null 2>"$T/e"; then
  fail "UPDATE on access_log should be refused"
fi
expect_contains "update refused" "access_log is append-only" "$(cat "$T/e")"
if sql "DELETE FROM access_log WHERE id = 2" >/dev/null 2>"$T/e"; then
  fail "DELETE on access_log should be refused"
fi
expect_contains "delete refused" "access_log is append-only" "$(cat "$T/e")"
if [ "$JY_BACKEND" = postgresql ]; then
  if sql "TRUNCATE access_log" >/dev/null 2>"$T/e"; then fail "TRUNCATE on access_log should be refused"; fi
  expect_contains "truncate refused" "access_log is append-only" "$(cat "$T/e")"
fi
if sql "INSERT INTO access_log(at, actor, origin, action, entity, reason) VALUES ('x', 'm', 'sql', 'view', 'person', '')" >/dev/null 2>&1; then
  fail "a row without a reason should be refused"
fi
expect_out "the log is as it was" "$before" 0 sql "SELECT id, actor, reason FROM access_log ORDER BY id"
finish
