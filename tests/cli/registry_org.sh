#!/usr/bin/env bash
# jiuye org add|show|list: USCC validation, kinds in English and Chinese, licences, idempotent
# re-add, kind filter.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01

out=$($J org add --uscc 91640522ma76xyw1x3 --name 海原县德隆职业培训学校 --kind training_body,用人单位 \
      --size 小型 --division 640522100 --legal-person 田志强 --phone 09534012345 --address 海城镇文化街 \
      --bank-name 宁夏银行海原支行 --bank-account 6228480123456789012 \
      --licence 办学许可证:教民164052270000123:2022-01-01:2026-12-31)
expect_contains "created" '"result":"created"' "$out"
expect_contains "uscc upper-cased" '"uscc":"91640522MA76XYW1X3"' "$out"
expect_contains "kinds" '"kinds":["training_body","employer"],"size":"small"' "$out"
expect_contains "fields (phone and account masked)" '"division":"640522100","county":"640522","legal_person":"田志强","phone":"095****2345","address":"海城镇文化街","bank_name":"宁夏银行海原支行","bank_account":"6228***********9012"' "$out"
expect_contains "licence" '"kind":"办学许可证","number":"教民164052270000123","valid_from":"2022-01-01","valid_until":"2026-12-31"' "$out"
expect_contains "fields whole" '"phone":"09534012345","address":"海城镇文化街","bank_name":"宁夏银行海原支行","bank_account":"6228480123456789012"' \
  "$($J org show 91640522MA76XYW1X3 --unmask --reason "测试：核对账号")"

out=$($J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind 培训机构,employer \
      --size small --division 640522100 --legal-person 田志强 --phone 09534012345 --address 海城镇文化街 \
      --bank-name 宁夏银行海原支行 --bank-account 6228480123456789012 \
      --licence 办学许可证:教民164052270000123:2022-01-01:2026-12-31)
expect_contains "re-add unchanged" '"result":"unchanged"' "$out"
n=$(printf '%s' "$out" | grep -o '"valid_from"' | wc -l)
[ "$n" = 1 ] || fail "licence duplicated on re-add ($n)"

$J org add --uscc 52640522MJX0000184 --name 海原县零工驿站 --kind gig_station >/dev/null || fail "add gig station"
$J org add --uscc 93640522MA7700006Y --name 七营镇富民合作社 --kind 合作社、帮扶车间 --division 640522105 >/dev/null \
  || fail "add cooperative"

expect_rc "bad check character" 1 $J org add --uscc 91640522MA76XYW1X4 --name x --kind employer
expect_rc "unknown kind" 1 $J org add --uscc 52640522MJX0000184 --name x --kind spaceport
expect_rc "bad size" 1 $J org add --uscc 52640522MJX0000184 --name x --kind employer --size huge
expect_rc "bad licence" 1 $J org add --uscc 52640522MJX0000184 --name x --kind employer --licence onlykind
expect_rc "bad account" 1 $J org add --uscc 52640522MJX0000184 --name x --kind employer --bank-account 62-28
expect_rc "missing kind" 2 $J org add --uscc 52640522MJX0000184 --name x
expect_rc "show unknown" 1 $J org show 99

show=$($J org show 91640522MA76XYW1X3)
expect_contains "show by USCC with licences" '"licences":[{"id":1,"org_id":1' "$show"
expect_contains "show by id" '"name":"海原县零工驿站"' "$($J org show 2)"
[ "$($J org list | wc -l)" = 3 ] || fail "org list: want 3 lines"
k=$($J org list --kind 帮扶车间,training_body | grep -o '"id":[0-9]*,' | tr '\n' ' ')
[ "$k" = '"id":1, "id":3, ' ] || fail "org list --kind: got $k"
expect_contains "audit has licence" '"entity":"org_licence"' "$($J audit list)"
$J audit verify >/dev/null || fail "audit chain broken after org adds"
finish
