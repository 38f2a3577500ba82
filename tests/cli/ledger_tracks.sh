#!/usr/bin/env bash
# Issue 10 item 12: funding sources. P1's four lines (中央, 自治区, 市县区, 其他渠道: 3,300万) fund the
# 海原司机 and 枸杞技工 brand training only (P1 六(一)3, policy/funding.txt). A 1,000-yuan 中式烹调
# claim is not charged to them: recognising it is refused naming the lines and what they fund, and
# nothing is committed; a 海原司机 claim is charged to the four by their shares; a claim is charged
# only to the lines that fund its track — explicit sources and hand-given tracks included; a line
# the county sets for general training takes the cooking claim alone; loading the budget again
# restores the policy's restriction. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
A=$(person_add 1 马小军 card)
B=$(person_add 2 杨帆 card)
C=$(person_add 3 李娟 card)
lines() { $J ledger show --program P1 --year 2024; }
split_of() { $J ledger payables --case "$1" | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline())["split"], separators=(",",":")))'; }

# ---- the budget: each P1 line says what it funds ----
expect_out "four restricted lines" "4" 0 sh -c "$J ledger show --program P1 --year 2024 | grep -c '\"tracks\":\"gouqi,driver\",\"tracks_clause\":\"P1 六(一)3\"'"
expect_out "P13's line funds every claim" "0" 0 sh -c "$J ledger show --program P13 --year 2024 | grep -c tracks || true"

# ---- the issue's repro: a 1,000-yuan 中式烹调 claim ----
cook=$($J --as rev case file --program P1 --kind individual_claim --person "$A" --date 2024-06-03 --facts \
  '{"route":"direct","certificate":"level5","occupation":"中式烹调师","level":5,"key_group":true,"months_employed":4}' | idof)
[ -n "$cook" ] || fail "cooking claim not filed"
step county_approved rev 2024-06-04 approve "$cook"
step publicity rev 2024-06-05 publish "$cook"
expect_rc "recognising it is refused" 1 $J --as rev case recognise "$cook" --reason 公示无异议 --date 2024-06-14
err=$(cat "$T/stderr")
expect_contains "names why" "P1 2024: no budget line funds this claim's track general" "$err"
expect_contains "names each line and what it funds" "中央 funds only gouqi,driver (P1 六(一)3); 自治区 funds only gouqi,driver (P1 六(一)3); 市县 funds only gouqi,driver (P1 六(一)3); 其他 funds only gouqi,driver (P1 六(一)3)" "$err"
expect_out "still in publicity" "publicity" 0 state "$cook"
expect_out "nothing committed on P1" "0.00" 0 committed P1
expect_out "no payable" "0" 0 sql "SELECT count(*) FROM payables"

# ---- a 海原司机 claim: the four lines by their shares (17 : 2 : 4 : 10) ----
# (the trainee's track is its class's; its amount is what the case decided — 1,000.00 here, as
# the claim does not inherit the class's track for the rules: noticed, outside the ledger)
cls=$($J --as body case file --program P1 --kind training_class --org "$BODY" --date 2024-03-01 --facts \
  '{"occupation":"经营性货运驾驶员","level":5,"class_size":30,"hours_total":120,"hours_practical":90,"track":"driver","driving_licence":"B2","teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
step approved rev 2024-03-04 approve "$cls"
drv=$($J --as body case file --program P1 --parent "$cls" --person "$B" --facts '{"certificate":"level5"}' --date 2024-06-03 | idof)
step county_approved rev 2024-06-04 approve "$drv"
step publicity rev 2024-06-05 publish "$drv"
step recognised rev 2024-06-14 recognise "$drv"
expect_contains "committed" '承诺资金 1,000.00' "$LAST"
expect_out "split over the four" '{"central":"515.15","region":"60.61","city_county":"121.21","other":"303.03"}' 0 split_of "$drv"
expect_contains "the payable carries its track (from the class)" '"track":"driver"' "$($J ledger payables --case "$drv")"

# ---- by hand: the same rule; a case's track cannot be overridden ----
refused() { expect_rc "$1" 1 "${@:3}"; expect_contains "$1: message" "$2" "$(cat "$T/stderr")"; }
refused "a general claim by hand" "no budget line funds this claim's track general" \
  $J --as rev ledger approve --program P1 --year 2024 --person "$C" --amount 1000.00
refused "an explicit source that does not fund it" "P1 2024 其他 funds only track gouqi,driver (P1 六(一)3), not this claim's track general" \
  $J --as rev ledger approve --program P1 --year 2024 --person "$C" --amount 1000.00 --source other
refused "the cooking case by hand as a driver claim" "case $cook is track general (its facts), not driver" \
  $J --as rev ledger approve --program P1 --year 2024 --person "$A" --amount 1000.00 --case "$cook" --track driver
out=$($J --as rev ledger approve --program P1 --year 2024 --person "$C" --amount 1500.00 --track gouqi --source other) ||
  fail "a gouqi claim on the other line"
expect_contains "all of it on 其他" '"split":{"other":"1500.00"},' "$out"
expect_rc "a track that is no word" 2 $J --as rev ledger approve --program P1 --year 2024 --person "$C" --amount 1.00 --track "枸杞"
expect_contains "a track that is no word: message" "expected a lower-case word" "$(cat "$T/stderr")"
books "after the brand claims"

# ---- the county sets a line for general training: the cooking claim goes there alone ----
refused "a bad track list" "expected track values" $J --as admin ledger budget set P1 2024 central 100000.00 --tracks "general,,x"
out=$($J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三) 示范项目资金")
expect_contains "the line says what it funds now" '"budget":"100000.00","available":"99484.85","committed":"515.15","paid":"0.00","tracks":"general","tracks_clause":"P1 六(三) 示范项目资金","result":"changed"' "$out"
step recognised rev 2024-06-14 recognise "$cook"
expect_out "the cooking claim on the general line only" '{"central":"1000.00"}' 0 split_of "$cook"
drv2=$($J --as body case file --program P1 --parent "$cls" --person "$C" --facts '{"certificate":"level5"}' --date 2024-06-03 | idof)
step county_approved rev 2024-06-04 approve "$drv2"
step publicity rev 2024-06-05 publish "$drv2"
step recognised rev 2024-06-14 recognise "$drv2"
expect_out "a driver claim now spares the general line (2 : 4 : 10)" '{"region":"125.00","city_county":"250.00","other":"625.00"}' 0 split_of "$drv2"
expect_contains "the change is in the audit log" '"entity":"ledger_line_tracks"' "$($J audit list --limit 0)"

# ---- loading the budget again restores the policy's lines and restriction ----
out=$($J --as admin ledger budget load --year 2024)
expect_contains "central back to the brand money" '{"program":"P1","year":2024,"source":"central","amount":"17000000.00","tracks":"gouqi,driver","result":"allocated"}' "$out"
expect_contains "the others unchanged" '{"program":"P1","year":2024,"source":"other","amount":"10000000.00","tracks":"gouqi,driver","result":"unchanged"}' "$out"
expect_out "four restricted lines again" "4" 0 sh -c "$J ledger show --program P1 --year 2024 | grep -c '\"tracks\":\"gouqi,driver\"'"
books "at the end"
finish
