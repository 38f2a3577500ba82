#!/usr/bin/env bash
# Bad facts never reach a decision (issue 10 items 5, 8, 13), in `policy eval` and `case file`:
# a negative or absurd amount, a negative count, a misspelt fact name (an error naming the
# closest known one) are errors naming the fact and what was expected, and `case file` stores
# nothing; a failed final exam is ineligible naming §五 (not needs_review for a missing
# certificate), on a class roster too.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
POL="$JY_SOURCE_DIR/policy"

# eval LINE: the decision or error of one case line
eval1() { echo "$1" | "$J" policy eval --policy "$POL"; }
case1() { eval1 "{\"id\":\"x\",\"program\":\"$1\",\"date\":\"2024-05-01\",\"facts\":$2}"; }

# ---- item 5: money facts are ≥ 0 and below the ceiling; counts are ≥ 0 ----
out=$(case1 P1 '{"evaluation":true,"key_group":true,"certificate":"level5","appraisal_fee":"-150.00"}')
expect_contains "negative appraisal fee refused" '"error":"fact appraisal_fee: -150.00 is out of range (expected an amount in yuan from 0.00 to 100000000.00)"' "$out"
case "$out" in *'"decision"'*) fail "a negative fee was decided: $out" ;; esac
out=$(case1 P14 '{"claim":"accident_insurance","insurance_cost":"-1.00","insurance_cover":"500000.00"}')
expect_contains "negative insurance cost refused" '"error":"fact insurance_cost: -1.00 is out of range' "$out"
out=$(case1 P14 '{"claim":"accident_insurance","insurance_cost":"100000000.01","insurance_cover":"500000.00"}')
expect_contains "absurd amount refused" '"error":"fact insurance_cost: 100000000.01 is out of range (expected an amount in yuan from 0.00 to 100000000.00)"' "$out"
out=$(case1 P14 '{"claim":"accident_insurance","insurance_cost":99999999999999999,"insurance_cover":"500000.00"}')
expect_contains "whole yuan beyond int64 fen refused" '"error":"fact insurance_cost: 99999999999999999 is out of range' "$out"
out=$(case1 P14 '{"claim":"accident_insurance","insurance_cost":"120.00","insurance_cover":"500000.00"}')
expect_contains "a sane amount still decides" '"decision":"' "$out"
out=$(case1 P1 '{"route":"direct","certificate":"level3","hukou_division":"640522","key_group":true,"months_employed":-3}')
expect_contains "negative months refused" '"error":"fact months_employed: -3 is out of range (expected a whole number from 0 to 600)"' "$out"
out=$(case1 P1 '{"certificate":"level5","class_size":-1}')
expect_contains "negative persons refused" '"error":"fact class_size: -1 is out of range (expected a whole number from 0 to 100000)"' "$out"
out=$(case1 P16 '{"migrant_share":"130%"}')
expect_contains "share above 100% refused" '"error":"fact migrant_share: 130.00% is out of range (expected a share from 0.00% to 100.00%)"' "$out"

# ---- item 8: an unknown fact name is an error naming the closest known one ----
out=$(case1 P1 '{"certifcate":"level5","occupation":"电工","level":5}')
expect_contains "misspelt fact" '"error":"unknown fact \"certifcate\" — did you mean \"certificate\"?' "$out"
out=$(case1 P1 '{"certificate":"level5","ocupation":"电工"}')
expect_contains "misspelt compound input" 'unknown fact \"ocupation\" — did you mean \"occupation\"?' "$out"
out=$(case1 P1 '{"certificate":"level5","zzzzzzzzzz":1}')
expect_contains "far from any name: still names the closest" 'unknown fact \"zzzzzzzzzz\" (the closest known name is' "$out"
# a form field of `case file` is not a fact of `policy eval`
out=$(case1 P1 '{"certificate":"level5","site":"县职教中心"}')
expect_contains "form field is not a policy fact" 'unknown fact \"site\"' "$out"

# ---- item 13: a failed final exam is ineligible naming §五 ----
out=$(case1 P1 '{"exam":"fail","occupation":"电工","level":5}')
expect_contains "failed exam ineligible" '"decision":"ineligible"' "$out"
expect_contains "names P1 五" '"clause":"P1 五","kind":"fail","text":"培训后须取得相应证书：结业考核未通过，未取得证书，不予补贴"' "$out"
case "$out" in *'缺少事实 certificate'*) fail "a failed exam still reads as a missing certificate: $out" ;; esac

# ---- the same through `case file`: errors, and nothing stored ----
idcard() {
  echo "$1" | awk '{ split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"; s = 0;
    for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]; print $0 substr(c, s % 11 + 1, 1) }'
}
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
A=$(idcard 64052219900101123); B=$(idcard 64052219900102123)
$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "body"
for p in $A $B; do
  $J person add --idcard "$p" --name 测试 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail "person $p"
done
expect_rc "negative fee: case file refused" 1 $J --as rev case file --program P1 --kind individual_claim --person "$A" \
  --date 2024-05-06 --facts '{"evaluation":true,"key_group":true,"certificate":"level5","appraisal_fee":"-150.00"}'
expect_contains "names the fact" "fact appraisal_fee: -150.00 is out of range" "$(cat "$T/stderr")"
expect_rc "misspelt fact: case file refused" 1 $J --as rev case file --program P1 --kind individual_claim --person "$A" \
  --date 2024-05-06 --facts '{"certifcate":"level5","occupation":"电工","level":5}'
expect_contains "suggests the fact" 'unknown fact "certifcate" — did you mean "certificate"?' "$(cat "$T/stderr")"
expect_rc "misspelt form field: case file refused" 1 $J --as rev case file --program P1 --kind training_class \
  --org 91640522MA76XYW1X3 --date 2024-03-01 --facts '{"occupation":"电工","level":5,"stie":"县职教中心"}'
expect_contains "suggests the form field" 'unknown fact "stie" — did you mean "site"?' "$(cat "$T/stderr")"
expect_out "nothing stored" "" 0 $J case list
# the form fields `case file` reads are accepted
cls=$($J --as rev case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"电工","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-10","end":"2024-04-30"}' | idof)
[ -n "$cls" ] || fail "class with form fields not filed: $(cat "$T/stderr")"
$J --as rev case approve "$cls" --reason ok --date 2024-03-04 >/dev/null || fail "class approve"
# a trainee who failed the final exam: ineligible naming P1 五
out=$($J --as rev case file --program P1 --parent "$cls" --person "$A" --facts '{"exam":"fail","hours_attended":160}' --date 2024-05-06)
expect_contains "roster: failed exam ineligible" '"decision":"ineligible"' "$out"
expect_contains "roster: names P1 五" '"clause":"P1 五","kind":"fail"' "$out"
out=$($J --as rev case file --program P1 --parent "$cls" --person "$B" --facts '{"exam":"pass","certificate":"level5"}' --date 2024-05-06)
expect_contains "roster: passed exam eligible" '"decision":"eligible","amount":"1000.00"' "$out"
expect_rc "audit chain intact" 0 $J audit verify
finish
