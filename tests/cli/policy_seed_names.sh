#!/usr/bin/env bash
# Issue 14 items 1 and 2 beyond the decision tables (tests/policy/seed_names.tsv, spellings.tsv):
# an unknown training name goes to review naming it (policy eval and explain); what stays
# unreadable is an error naming the fact and what it expects; a name that contradicts a fact is
# refused naming both; policy/synonyms.tsv is checked when the rules load; and `case file`
# stores a training under the catalogue's name, so the same training written two ways is one
# training (P1 二 同一工种同一等级).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
POL="$JY_SOURCE_DIR/policy"
ev() { printf '%s\n' "$1" | "$JIUYE" policy eval --policy "${2:-$POL}"; }
T1='"route":"institution","statuses":[],"exam":"pass","class_size":40,"hours_total":160,"hours_practical":120'

# ---- an unknown name: review naming it ----
out=$(ev "{\"program\":\"P1\",\"date\":\"2024-05-01\",\"facts\":{$T1,\"occupation\":\"宇航员\",\"level\":5,\"certificate\":\"level5\"}}")
expect_contains "unknown name → review" '"decision":"needs_review"' "$out"
expect_contains "the review names the name" '职业（工种）“宇航员”不在职业目录' "$out"
out=$(printf '%s\n' "{\"program\":\"P2\",\"date\":\"2024-05-01\",\"facts\":{\"occupation\":\"修 理 “飞碟”\",\"certificate\":\"level5\"}}" |
      "$JIUYE" policy explain --policy "$POL")
expect_contains "explain names it as written" '“修 理 “飞碟””不在职业目录' "$out"
# a long name is cut at a character boundary (at most 63 bytes: "a" and 20 three-byte characters)
long=$(python3 -c 'print("a" + "职"*30)')
out=$(ev "{\"program\":\"P1\",\"date\":\"2024-05-01\",\"facts\":{\"occupation\":\"$long\",\"certificate\":\"level5\"}}")
expect_contains "long name cut whole" "“a$(python3 -c 'print("职"*20)')”不在" "$out"
# a name of the table gets no such review
out=$(ev "{\"program\":\"P1\",\"date\":\"2024-05-01\",\"facts\":{$T1,\"occupation\":\"中式烹调\",\"level\":5,\"certificate\":\"level5\"}}")
case "$out" in *不在职业目录*) fail "中式烹调 reviewed: $out" ;; esac

# ---- unreadable values: an error naming the fact and the value expected ----
err_case() { # LABEL FACTS-JSON NEEDLE…
  local label=$1 facts=$2 out
  shift 2
  out=$(ev "{\"id\":\"$label\",\"program\":\"P1\",\"date\":\"2024-05-01\",\"facts\":$facts}")
  expect_contains "$label: an error line" "\"id\":\"$label\",\"error\":" "$out"
  for n in "$@"; do expect_contains "$label: names $n" "$n" "$out"; done
}
err_case level_word '{"level":"六级"}' 'fact level' '六级' 'expected a whole number' '初级' 'none'
err_case level_bool '{"level":true}' 'fact level' 'expected a whole number'
err_case level_range '{"level":"level7"}' 'fact level' 'out of range' 'from 1 to 5'
err_case money_word '{"appraisal_fee":"一千元"}' 'fact appraisal_fee' '1,750.00' '1750元'
err_case money_real '{"appraisal_fee":17.5}' 'fact appraisal_fee' '1,750.00'
err_case money_comma '{"appraisal_fee":"17,50"}' 'fact appraisal_fee' 'comma'
err_case date_month '{"class_start":"2024/13/1"}' 'fact class_start' '2024/13/1' '2024-06-28 or 2024/6/28'
err_case date_number '{"class_start":20240628.5}' 'fact class_start' '2024/6/28'
err_case certificate_word '{"certificate":"六级"}' 'fact certificate' '六级' 'level5|level4'
err_case occupation_empty '{"occupation":""}' 'fact occupation' 'empty'
err_case contradiction '{"occupation":"枸杞研发","gouqi_trade":"planting"}' 'fact gouqi_trade' '\"planting\" contradicts occupation' '枸杞研发' 'gouqi_trade=research'
out=$(ev '{"id":"d","program":"P1","date":"2024/2/30","facts":{}}')
expect_contains "case date: names the date and the forms" '"error":"date: \"2024/2/30\" is not a date (expected 2024-06-28 or 2024/6/28)"' "$out"
out=$(ev '{"id":"p","program":"P1","date":"2024-05-01","facts":{"prior_trainings":[{"date":"2024.13.01"}]}}')
expect_contains "prior date: names the entry" 'prior_trainings[0].date' "$out"

# ---- policy/synonyms.tsv is checked at load ----
cp -r "$POL" "$T/pol"
printf 'occupation\t太空厨师\t宇宙烹调师\t\t\n' >>"$T/pol/synonyms.tsv"
expect_rc "a name the catalogue lacks, implying nothing: check fails" 1 "$JIUYE" policy check --policy "$T/pol"
expect_contains "names the row" 'synonyms.tsv:' "$(cat "$T/stdout" "$T/stderr" 2>/dev/null)"
cp "$POL/synonyms.tsv" "$T/pol/synonyms.tsv"
printf 'level\t六级\t6\t\t\n' >>"$T/pol/synonyms.tsv"
out=$("$JIUYE" policy check --policy "$T/pol" 2>&1)
expect_contains "a level outside 1..5" 'is not a value of fact level' "$out"
cp "$POL/synonyms.tsv" "$T/pol/synonyms.tsv"
printf 'occupation\t太空厨师\t中式烹调师\t\t\n' >>"$T/pol/synonyms.tsv"
out=$(ev "{\"program\":\"P1\",\"date\":\"2024-05-01\",\"facts\":{$T1,\"occupation\":\"太空厨师\",\"level\":5,\"certificate\":\"level5\"}}" "$T/pol")
expect_contains "an officer's new row decides at once" '"decision":"eligible","amount":"1000.00"' "$out"

# ---- case file: one training, written two ways ----
export JIUYE_TODAY=2024-12-20
"$JIUYE" init >/dev/null || fail "init"
"$JIUYE" --as admin user add admin --role admin >/dev/null
"$JIUYE" --as admin user add rev --role county_reviewer --area 640522 >/dev/null
P=$(idcard 7)
"$JIUYE" person add --idcard "$P" --name 马海原 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail "person"
a=$("$JIUYE" --as rev case file --program P1 --kind individual_claim --person "$P" --date 2023-06-03 --facts \
  '{"route":"direct","certificate":"初级","occupation":"中式烹调","level":"初级","key_group":true,"months_employed":4}')
expect_contains "case file: 中式烹调 初级 → eligible 1000" '"decision":"eligible","amount":"1000.00"' "$a"
expect_contains "stored under the catalogue's name and level" '"occupation":"中式烹调师","level":5' "$a"
b=$("$JIUYE" --as rev case file --program P1 --kind individual_claim --person "$P" --date 2024-06-03 --facts \
  '{"route":"direct","certificate":"level5","occupation":"中式烹调师","level":"五级","key_group":true,"months_employed":4}')
expect_contains "the same training again (P1 二) → ineligible" '"decision":"ineligible"' "$b"
expect_contains "with its clause" '"clause":"P1 二"' "$b"
# a roster (开班花名册) that writes the training the plan's way meets the same case
printf '身份证号,工种,等级\n%s,中式烹调培训,初级\n' "$P" >"$T/roster.csv"
out=$("$JIUYE" case check-roster "$T/roster.csv" --program P1 --date 2024-07-01)
expect_contains "check-roster: 中式烹调培训 初级 = the 中式烹调师 五级 on record" '"kind":"repeat_occupation_level"' "$out"
finish
