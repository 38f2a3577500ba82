#!/usr/bin/env bash
# Multi-county (issue 3 item 3): two counties' records in one database — 640522 海原县 and
# 640521 中宁县 — and users scoped by their area. A county reviewer of 640522 sees only Haiyuan's
# persons, organisations, cases, ledger lines and reports, and may not touch Zhongning's case
# (a clear refusal naming the county); a city reviewer (area 6405) sees both; the registry counts
# follow the scope. `serve --county` scopes the server's counts the same way. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

idcard() {
  echo "$1" | awk '{ split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"; s = 0;
    for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]; print $0 substr(c, s % 11 + 1, 1) }'
}
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
expect_not_contains() { case "$3" in *"$2"*) fail "$1: did not want \"$2\" in: $3" ;; esac; }
HY1=$(idcard 64052219900101123); HY2=$(idcard 64052219900102123)
ZN1=$(idcard 64052119900101123)
ORG_HY=91640522MA76XYW1X3; ORG_ZN=91640521MA76XYW1XL

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
$J --as admin user add hy --role county_reviewer --area 640522 >/dev/null || fail "user hy"
$J --as admin user add zn --role county_reviewer --area 640521 >/dev/null || fail "user zn"
$J --as admin user add znfin --role finance --area 640521 >/dev/null || fail "user znfin"
$J --as admin user add city --role city_reviewer --area 6405 >/dev/null || fail "user city"

# ---- the data, entered by the administrator (no area: every county) ----
A="$J --as admin"
$A person add --idcard "$HY1" --name 马海原 --hukou-division 640522101 --hukou-kind 农村 >/dev/null || fail "person HY1"
$A person add --idcard "$HY2" --name 李海原 --hukou-division 640522101 --hukou-kind 农村 >/dev/null || fail "person HY2"
$A person add --idcard "$ZN1" --name 王中宁 --hukou-division 640521 --hukou-kind 农村 >/dev/null || fail "person ZN1"
$A org add --uscc $ORG_HY --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "org HY"
$A org add --uscc $ORG_ZN --name 中宁县职业培训学校 --kind training_body --division 640521 >/dev/null || fail "org ZN"
expect_contains "Zhongning org county" '"county":"640521"' "$($A org show $ORG_ZN)"

# a case in each county, filed by the administrator
hy_case=$($A case file --program P1 --org $ORG_HY --person "$HY1" --kind trainee_claim \
  --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03 | idof)
zn_case=$($A case file --program P1 --org $ORG_ZN --person "$ZN1" --kind trainee_claim \
  --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03 | idof)
[ -n "$hy_case" ] && [ -n "$zn_case" ] || fail "cases not filed ($hy_case, $zn_case)"
expect_contains "Zhongning case county" '"county":"640521"' "$($A case show "$zn_case")"

# budget lines in each county's books
JIUYE_COUNTY=640522 $A ledger budget set P1 2024 central 1000.00 >/dev/null || fail "HY budget"
JIUYE_COUNTY=640521 $A ledger budget set P1 2024 central 2000.00 >/dev/null || fail "ZN budget"
# a payable and a payment batch in each county (lists filter by the user's area in SQL)
$A ledger card "$HY1" "$(luhn 621700001000000021)" >/dev/null || fail "HY card"
$A ledger card "$ZN1" "$(luhn 621700001000000022)" >/dev/null || fail "ZN card"
JIUYE_COUNTY=640522 $A ledger approve --program P1 --year 2024 --person "$HY1" --amount 100 >/dev/null || fail "HY payable"
JIUYE_COUNTY=640521 $A ledger approve --program P1 --year 2024 --person "$ZN1" --amount 200 >/dev/null || fail "ZN payable"
JIUYE_COUNTY=640522 $A batch build --program P1 >/dev/null || fail "HY batch"
JIUYE_COUNTY=640521 $A batch build --program P1 >/dev/null || fail "ZN batch"

# ---- the county reviewer of Haiyuan sees Haiyuan only ----
H="$J --as hy"
# the ID numbers whole (masked by default, docs/privacy.md), so that what hy does not see is checked
out=$($H person list --unmask --reason "测试：辖区范围")
expect_contains "hy sees HY1" "$HY1" "$out"
expect_contains "hy sees HY2" "$HY2" "$out"
expect_not_contains "hy does not see ZN1" "$ZN1" "$out"
expect_out "hy person count" 2 0 sh -c "$H person list | wc -l"
expect_rc "hy: Zhongning person is not found" 1 $H person show "$ZN1"
out=$($H org list)
expect_contains "hy sees HY org" "$ORG_HY" "$out"
expect_not_contains "hy does not see ZN org" "$ORG_ZN" "$out"

out=$($H case list)
expect_contains "hy case list has its case" "\"id\":$hy_case," "$out"
expect_not_contains "hy case list lacks Zhongning's" "\"id\":$zn_case," "$out"
expect_rc "hy: Zhongning case not found" 1 $H case show "$zn_case"
# advancing the other county's case: refused, nothing changes
expect_rc "hy cannot approve Zhongning's case" 1 $H case approve "$zn_case" --reason x --date 2024-06-04
expect_contains "refusal says why" "$zn_case" "$(cat "$T/stderr")"
expect_contains "still filed" '"state":"filed"' "$($A case show "$zn_case")"
# filing in the other county: refused naming the county
expect_rc "hy cannot file for a Zhongning person" 1 $H case file --program P1 --org $ORG_ZN --person "$ZN1" \
  --kind trainee_claim --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-05
# registering in the other county: refused naming the county
expect_rc "hy cannot register a Zhongning person" 1 $H person add --idcard "$(idcard 64052119900102123)" \
  --name 新 --hukou-division 640521
expect_contains "names the county" "640521" "$(cat "$T/stderr")"

# ledger: Haiyuan's books only; Zhongning's are refused
out=$($H ledger show --county 640522)
expect_contains "hy ledger line" '"county":"640522","program":"P1","year":2024,"source":"central"' "$out"
expect_contains "hy ledger budget" '"budget":"1000.00"' "$out"
expect_rc "hy: Zhongning's ledger refused" 1 $H ledger show --county 640521
expect_contains "ledger refusal names the county" "640521" "$(cat "$T/stderr")"
expect_rc "hy cannot set Zhongning's budget" 1 $H ledger budget set P1 2024 central 5.00 --county 640521
out=$($H ledger payables --limit 1)
expect_contains "hy's first payable is Haiyuan's (the limit counts its own rows)" '"county":"640522"' "$out"
expect_out "hy lists one payable" 1 0 sh -c "$H ledger payables --limit 0 | wc -l"
expect_out "hy lists one batch" 1 0 sh -c "$H batch list | wc -l"
expect_not_contains "hy's batches lack Zhongning's" '"county":"640521"' "$($H batch list)"
expect_out "city lists both batches" 2 0 sh -c "$J --as city batch list | wc -l"
out=$($H ledger journal --limit 0)
expect_not_contains "hy journal lacks Zhongning" '"county":"640521"' "$out"
expect_contains "hy journal has Haiyuan" '"county":"640522"' "$out"

# reports: Haiyuan's targets; Zhongning's refused
out=$($H report targets --county 640522 --program P1)
expect_contains "hy targets: one filed" '"program":"P1","title":"重点产业职业技能赋能培训","year":"2024","subtarget":"","target":7000,"filed":1,' "$out"
expect_rc "hy: Zhongning's report refused" 1 $H report targets --county 640521 --program P1

# ---- the Zhongning reviewer acts on its own case ----
expect_rc "zn approves its case" 0 $J --as zn case approve "$zn_case" --reason 审核通过 --date 2024-06-04
expect_contains "approved" '"state":"county_approved"' "$($A case show "$zn_case")"
expect_rc "zn cannot approve Haiyuan's case" 1 $J --as zn case approve "$hy_case" --reason x --date 2024-06-04
# a county user who names no county works in their own (jy_cli_county), not in the default 640522
out=$($J --as zn ledger show)
expect_contains "zn's ledger without --county is Zhongning's" '"county":"640521","program":"P1","year":2024,"source":"central"' "$out"
expect_not_contains "…and not Haiyuan's" '"county":"640522"' "$out"
expect_rc "zn's report without --county" 0 $J --as zn report targets --program P1
expect_contains "Zhongning's finance: budget set without --county lands in Zhongning" '"county":"640521"' \
  "$($J --as znfin ledger budget set P1 2025 central 300.00)"

# ---- the city reviewer sees both ----
C="$J --as city"
expect_out "city person count" 3 0 sh -c "$C person list | wc -l"
out=$($C case list)
expect_contains "city sees HY case" "\"id\":$hy_case," "$out"
expect_contains "city sees ZN case" "\"id\":$zn_case," "$out"
out=$($C case list --county 640521)
expect_contains "city lists one county: ZN" "\"id\":$zn_case," "$out"
expect_not_contains "…without HY" "\"id\":$hy_case," "$out"
expect_out "hy asking for Zhongning's cases gets none" 0 0 sh -c "$H case list --county 640521 | wc -l"
expect_contains "hy asking for 6405 gets its own" "\"id\":$hy_case," "$($H case list --county 6405)"
expect_contains "city sees ZN ledger" '"budget":"2000.00"' "$($C ledger show --county 640521)"
expect_contains "city sees HY ledger" '"budget":"1000.00"' "$($C ledger show --county 640522)"
out=$($C report targets --county 640521 --program P1)
expect_contains "city: Zhongning targets" '"year":"2024","subtarget":"","target":' "$out"

# ---- registry counts per scope (the start page's summary) ----
port_of() { sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$1"; }
serve_counts() { # serve_counts LABEL ACTOR [SERVE ARGS…] → prints "persons orgs"
  local label=$1 actor=$2; shift 2
  $J --as "$actor" serve "$@" --port 0 --threads 1 --quiet >"$T/serve.$label" 2>"$T/serve.$label.err" &
  local pid=$! port= i
  for i in $(seq 1 100); do port=$(port_of "$T/serve.$label"); [ -n "$port" ] && break; sleep 0.1; done
  if [ -z "$port" ]; then fail "serve $label did not start: $(cat "$T/serve.$label.err")"; kill "$pid"; return; fi
  curl -s "http://127.0.0.1:$port/api/summary" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["persons"], d["orgs"])'
  kill "$pid"; wait "$pid" 2>/dev/null
}
if command -v curl >/dev/null; then
  expect_out "all counties: 3 persons, 2 orgs" "3 2" 0 serve_counts all admin
  expect_out "serve --county 640522: 2 persons, 1 org" "2 1" 0 serve_counts hy_opt admin --county 640522
  expect_out "serve --county 640521: 1 person, 1 org" "1 1" 0 serve_counts zn_opt admin --county 640521
  expect_out "serve as hy: Haiyuan's counts" "2 1" 0 serve_counts hy_user hy
  expect_out "serve as zn: Zhongning's counts" "1 1" 0 serve_counts zn_user zn
  expect_rc "serve as hy for Zhongning: refused" 1 $J --as hy serve --port 0 --county 640521
fi

finish
