#!/usr/bin/env bash
# Issue 14 item 3: whether a conflict refuses a case (hard) or sends it to a person (soft) is data,
# policy/conflicts.tsv, not C. The shipped settings give P1's once-a-year rule soft (原则上) and
# P2's hard; an officer's edit (P1 hard, P2 soft) changes the findings of `case check-roster`
# and of `case file` with no rebuild; `policy check` refuses an unknown kind, severity or
# programme naming the row.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
POL="$JY_SOURCE_DIR/policy"
export JIUYE_TODAY=2024-12-01
"$JIUYE" init >/dev/null || fail "init"
"$JIUYE" --as admin user add admin --role admin >/dev/null
"$JIUYE" --as admin user add rev --role county_reviewer --area 640522 >/dev/null
P=$(idcard 11)
"$JIUYE" person add --idcard "$P" --name 测试 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail "person"
"$JIUYE" --as rev case file --program P1 --kind individual_claim --person "$P" --date 2024-03-01 --facts \
  '{"route":"direct","certificate":"level5","occupation":"电工","level":5,"key_group":true,"months_employed":4}' >/dev/null ||
  fail "first training"
printf '身份证号,工种,等级\n%s,育婴员,5\n' "$P" >"$T/roster.csv"

# ---- the shipped settings ----
out=$("$JIUYE" --policy "$POL" case check-roster "$T/roster.csv" --program P1 --date 2024-09-01)
expect_contains "P1 once a year: soft (shipped)" '"kind":"one_training_per_year","hard":false' "$out"
expect_contains "soft says 原则上" '原则上每人每年只能享受一次补贴性培训' "$out"
out=$("$JIUYE" --policy "$POL" case check-roster "$T/roster.csv" --program P2 --date 2024-09-01)
expect_contains "P2 once a year: hard (shipped)" '"kind":"one_training_per_year","hard":true' "$out"

# ---- an officer's edit: P1 hard, P2 soft ----
cp -r "$POL" "$T/pol"
python3 - "$T/pol/conflicts.tsv" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace("one_training_per_year\tP2\thard", "one_training_per_year\tP2\tsoft")
s = s.replace("one_training_per_year\t*\tsoft", "one_training_per_year\t*\thard")
open(p, "w", encoding="utf-8").write(s)
PY
out=$("$JIUYE" --policy "$T/pol" case check-roster "$T/roster.csv" --program P1 --date 2024-09-01)
expect_contains "P1 once a year: hard (edited)" '"kind":"one_training_per_year","hard":true' "$out"
case "$out" in *原则上*) fail "a hard finding says 原则上: $out" ;; esac
out=$("$JIUYE" --policy "$T/pol" case check-roster "$T/roster.csv" --program P2 --date 2024-09-01)
expect_contains "P2 once a year: soft (edited)" '"kind":"one_training_per_year","hard":false' "$out"
out=$("$JIUYE" --policy "$T/pol" --as rev case file --program P1 --kind individual_claim --person "$P" --date 2024-09-02 \
  --facts '{"route":"direct","certificate":"level5","occupation":"育婴员","level":5,"key_group":true,"months_employed":4}')
expect_contains "case file under the edited settings: ineligible" '"decision":"ineligible"' "$out"
out=$("$JIUYE" --policy "$POL" --as rev case file --program P1 --kind individual_claim --person "$P" --date 2024-09-03 \
  --facts '{"route":"direct","certificate":"level5","occupation":"保育师","level":5,"key_group":true,"months_employed":4}')
expect_contains "case file under the shipped settings: needs_review" '"decision":"needs_review"' "$out"

# ---- policy check names a bad row ----
for bad in 'one_training_per_yer	*	soft	x' 'excluded_status	*	maybe	x' 'excluded_status	P99	hard	x'; do
  cp "$POL/conflicts.tsv" "$T/pol/conflicts.tsv"
  printf '%s\n' "$bad" >>"$T/pol/conflicts.tsv"
  expect_rc "policy check refuses: $bad" 1 "$JIUYE" policy check --policy "$T/pol"
  expect_contains "names the file and line: $bad" "conflicts.tsv:$(wc -l <"$T/pol/conflicts.tsv"):" "$(cat "$T/stdout" "$T/stderr")"
done
finish
