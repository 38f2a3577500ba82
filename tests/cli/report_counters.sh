#!/usr/bin/env bash
# The dashboard's counters (issue 12 item 3, migration 14): `report targets` reads case_counters,
# kept by triggers on cases in the transaction of every filing and transition; after each phase
# of a realistic sequence — a class with trainees filed, approved, published, objected to and
# re-reviewed, recognised, paid; a claim rejected, one withdrawn, a recognition cancelled; a
# class's facts changed by hand in the database — the report from the counters equals the
# report from a recount (`--count recount`) and `report counters check` finds no difference. A
# counter spoilt by hand is found (exit 1, the group named), `report counters rebuild` mends it,
# and a database taken back to version 13 gets its counters filled by the migration. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
# sql TEXT: runs TEXT on the test database (sqlite3 or psql)
sql() {
  if [ "$JY_BACKEND" = postgresql ]; then psql "$JIUYE_DB" -qAt -v ON_ERROR_STOP=1 -c "$1"
  else sqlite3 "$JIUYE_DB" "$1"; fi
}
# row KEY=VALUE…: the targets rows on stdin whose fields match
rows() {
  python3 -c '
import json, sys
rep = json.load(sys.stdin)
want = dict(a.split("=", 1) for a in sys.argv[1:])
for r in rep["rows"]:
    if all(str(r.get(k) if r.get(k) is not None else "") == v for k, v in want.items()):
        print(json.dumps(r, ensure_ascii=False, separators=(",", ":")))' "$@"
}
# same WHAT: the counters give the recount's report, and the check finds nothing
same() {
  local a b
  a=$($J report targets) || fail "$1: targets"
  b=$($J report targets --count recount) || fail "$1: targets --count recount"
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "$1: the report from the counters differs from the recount"
  expect_rc "$1: counters check" 0 $J report counters check
  expect_contains "$1: no differences" '"differences":[]}' "$(cat "$T/stdout")"
}

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add town --role township_staff --area 640522101 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body --division 640522101 >/dev/null ||
  fail "body"
$J --as admin user add delong --role training_body --area 640522 --org 91640522MA76XYW1X3 >/dev/null || fail "body user"
for i in 1 2 3 4 5 6 7 8 9; do
  $J person add --idcard "$(idcard $i)" --name "学员$i" --hukou-division 640522101 --hukou-kind 农村 >/dev/null || fail "person $i"
done
same "empty database"
expect_contains "no groups yet" '"groups":0,"recounted_groups":0' "$($J report counters check)"

# ---- filings: a 中式烹调师 class with four trainees, two direct claims, a P23 veteran ----
cls=$($J --as rev case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
[ -n "$cls" ] || fail "class"
$J --as rev case approve "$cls" --reason 开班材料齐全 --date 2024-03-04 >/dev/null || fail "class approve"
t=()
for i in 1 2 3 4; do
  t[$i]=$($J --as rev case file --program P1 --parent "$cls" --person "$(idcard $i)" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
  [ -n "${t[$i]}" ] || fail "trainee $i"
done
h=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 5)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"家政服务员","level":5}' --date 2024-06-03 | idof)
r=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 6)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03 | idof)
w=$($J --as town case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 7)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03 | idof)
v=$($J --as rev case file --program P23 --org 91640522MA76XYW1X3 --person "$(idcard 8)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"电工","level":5,"target_group":"veteran"}' --date 2024-06-03 | idof)
[ -n "$h" ] && [ -n "$r" ] && [ -n "$w" ] && [ -n "$v" ] || fail "claims"
same "after the filings"
expect_contains "P1 2024: 7 filed (the class not counted)" '"year":"2024","subtarget":"","target":7000,"filed":7,"achieved":0,"paid":0' \
  "$($J report targets --program P1 | rows program=P1 year=2024 subtarget=)"

# ---- transitions: approve, publish, an objection re-reviewed, recognise, pay; reject, withdraw, cancel ----
for i in 1 2 3; do
  $J --as rev case approve "${t[$i]}" --reason 审核通过 --date 2024-05-07 >/dev/null || fail "approve $i"
  $J --as rev case publish "${t[$i]}" --reason 公示 --date 2024-05-08 >/dev/null || fail "publish $i"
done
$J --as town case object "${t[3]}" --reason 学员反映未参加实操 --date 2024-05-10 >/dev/null || fail "object"
same "an objection open"
$J --as rev case resolve-objection "${t[3]}" --outcome dismissed --reason 复核：签到表齐全 --date 2024-05-13 >/dev/null ||
  fail "resolve"
$J --as rev case publish "${t[3]}" --reason 重新公示 --date 2024-05-14 >/dev/null || fail "publish again"
for i in 1 2 3; do
  $J --as rev case recognise "${t[$i]}" --reason 公示无异议 --date 2024-05-27 >/dev/null || fail "recognise $i"
done
$J --as rev case pay "${t[1]}" --reason 拨付 --date 2024-05-28 >/dev/null || fail "pay"
$J --as rev case reject "$r" --reason 材料不全 --date 2024-06-04 >/dev/null || fail "reject"
$J --as delong case advance "$w" withdraw --reason 申请人撤回 --date 2024-06-04 >/dev/null || fail "withdraw"
$J --as rev case advance "${t[2]}" cancel --reason 撤销认定：重复享受 --date 2024-06-10 >/dev/null || fail "cancel"
$J --as rev case approve "$v" --reason ok --date 2024-06-04 >/dev/null || fail "P23 approve"
same "after the transitions"
P1=$($J report targets --program P1 | rows program=P1 year=2024 subtarget=)
expect_contains "P1 2024: rejected, withdrawn, cancelled drop out; 1 recognised (t3) + 1 paid (t1)" \
  '"target":7000,"filed":4,"achieved":2,"paid":1' "$P1"
expect_contains "P1 厨师: the class's trainees" '"subtarget":"地方特色（海原厨师）","target":3000,"filed":3,"achieved":2,"paid":1' \
  "$($J report targets --program P1 | rows program=P1 subtarget=地方特色（海原厨师）)"

# ---- a class's facts changed in the database by hand: its trainees move to the 海原司机 track ----
sql "UPDATE cases SET facts = '{\"occupation\":\"中式烹调师\",\"level\":5,\"track\":\"driver\"}' WHERE id = $cls" >/dev/null ||
  fail "class facts"
same "a class's facts changed"
expect_contains "trainees counted as drivers now" '"subtarget":"海原司机","target":5000,"filed":3,"achieved":2,"paid":1' \
  "$($J report targets --program P1 | rows program=P1 subtarget=海原司机)"

# ---- a spoilt counter is found and mended ----
sql "UPDATE case_counters SET n_cases = n_cases + 5, amount = amount + 1 WHERE program = 'P23' AND state = 'county_approved'" >/dev/null || fail "spoil"
expect_rc "check finds it" 1 $J report counters check
expect_contains "the group named" '"program":"P23","year":2024,"kind":"trainee_claim","state":"county_approved"' "$(cat "$T/stdout")"
expect_contains "both figures" '"counted_cases":6,"recounted_cases":1' "$(cat "$T/stdout")"
expect_contains "says how to mend" "differ from a recount in 1 groups" "$(cat "$T/stderr")"
expect_contains "the report reads the counters" '"filed":6' "$($J report targets --program P23 | rows program=P23 year=2024 subtarget=)"
expect_out "rebuild" '{"county":"640522","groups":'"$($J report counters check 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["recounted_groups"])')"'}' 0 \
  $J report counters rebuild
same "after the rebuild"
expect_rc "usage" 2 $J report counters
expect_rc "bad --count" 2 $J report targets --count maybe
expect_rc "--count is for targets" 2 $J report budget --count recount

# ---- the migration fills the counters of a database written before it ----
before=$($J report targets)
if [ "$JY_BACKEND" = postgresql ]; then
  # migrations 16 (organisations' statuses) and 15 (fact vectors) go first, so that 14 is the newest and runs again
  sql "DROP TABLE org_statuses; DELETE FROM schema_migrations WHERE version = 16;
       DROP TABLE case_counters; DROP TRIGGER case_counters_insert ON cases; DROP TRIGGER case_counters_update ON cases;
       DROP TRIGGER case_counters_delete ON cases; DROP FUNCTION jy_case_counters(); DROP FUNCTION jy_jsonb_or_null(text); DROP INDEX cases_due;
       DROP INDEX cases_county_state; DROP INDEX cases_county_id; DROP INDEX case_events_object; DELETE FROM schema_migrations WHERE version = 14;
       DROP TRIGGER cases_fact_vec_stale ON cases; DROP FUNCTION jy_cases_fact_vec_stale(); ALTER TABLE cases DROP COLUMN fact_vec; DELETE FROM schema_migrations WHERE version = 15" >/dev/null || fail "undo 14 to 16"
else
  sql "DROP TABLE org_statuses; DELETE FROM schema_migrations WHERE version = 16;
       DROP TRIGGER case_counters_insert; DROP TRIGGER case_counters_update; DROP TRIGGER case_counters_delete;
       DROP TRIGGER case_counters_class; DROP TABLE case_counters; DROP INDEX cases_due; DROP INDEX cases_county_state; DROP INDEX cases_county_id; DROP INDEX case_events_object;
       DELETE FROM schema_migrations WHERE version = 14;
       DROP TRIGGER cases_fact_vec_stale; ALTER TABLE cases DROP COLUMN fact_vec; DELETE FROM schema_migrations WHERE version = 15" >/dev/null || fail "undo 14 to 16"
fi
$J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 9)" --kind trainee_claim \
  --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-05 >/dev/null || fail "file after"
same "after the migration"
expect_contains "the migration counted every case, the new one too" '"target":7000,"filed":5,"achieved":2,"paid":1' \
  "$($J report targets --program P1 | rows program=P1 year=2024 subtarget=)"
[ "$before" != "$($J report targets)" ] || fail "the new claim is not in the report"
finish
