#!/usr/bin/env bash
# Bank files (代发文件), issue 13 item 1: three P1 trainee claims paid to one school account become
# ONE transfer with the sum and a memo naming the trainees (the payables stay traceable: the
# transfer's 笔数 and 应付款编号, the lines' "transfer", the XLSX's 应付款明细); the CSV is GB18030 by
# default (iconv decodes it; it is not UTF-8) or UTF-8 with a BOM (the setting bank_encoding);
# failed / retry / mark-paid act on the whole transfer; mark-paid --date records the bank's day;
# a layout file added under a copy of policy/ is used without a rebuild (also as the setting
# bank_layout); the social-security-card layout pays persons only and sums a person's months;
# 社保卡号 import in bulk with the person roster, a bad card naming its row. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
$J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三)" >/dev/null || fail "budget"
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
ACCT=$(luhn 62310000000001)
cls=$($J --as body case file --program P1 --kind training_class --org "$BODY" --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"planned_trainees":3,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"中式烹调高级技师"}],"site":"海城镇","start":"2024-03-11","end":"2024-04-30"}' | idof)
step approved rev 2024-03-04 approve "$cls"
step running body 2024-03-11 advance "$cls" start
T_IDS=()
for i in 1 2 3; do
  p=$(person_add "$i" "学员$i")
  T_IDS+=("$($J --as body case file --program P1 --parent "$cls" --person "$p" --date 2024-05-06 \
      --facts '{"hours_attended":160,"hours_practical_attended":110,"exam":"pass","certificate":"level5"}' | idof)")
done
step finished body 2024-04-30 advance "$cls" finish
for t in "${T_IDS[@]}"; do
  step county_approved rev 2024-05-07 approve "$t"
  step publicity rev 2024-05-08 publish "$t"
  step recognised rev 2024-05-20 recognise "$t"
done
out=$($J --as acct batch build --program P1) || fail "build"
expect_contains "three payables in the batch" '"lines":3,"total":"3000.00"' "$out"
$J --as chief batch approve 1 >/dev/null || fail "approve"

# ---- the default file: GB18030, one transfer to the school
$J --as admin batch export 1 --csv "$T/b.csv" --xlsx "$T/b.xlsx" --unmask --reason "交银行拨付" >"$T/o" || fail "export"
expect_contains "export says GB18030, generic layout, one transfer" '"layout":"generic","layout_title":"通用代发（个人社保卡、单位基本账户）","encoding":"gb18030","transfers":1' "$(cat "$T/o")"
if iconv -f UTF-8 -t UTF-8 "$T/b.csv" >/dev/null 2>&1; then fail "the default bank file should be GB18030, not UTF-8"; fi
expect_out "GB18030 decodes to one transfer with the sum and the trainees named" \
"序号,收款人类型,收款人,证件号码,收款账号,开户行,金额（元）,项目,摘要,笔数,应付款编号,业务参考号
1,单位（基本账户）,海原县德隆职业培训学校,$BODY,$ACCT,宁夏黄河农村商业银行,3000.00,P1,P1拨付：学员1、学员2、学员3,3,1;2;3,jy-1-1
合计,,,,,,3000.00,,,3,," 0 sh -c "iconv -f GB18030 -t UTF-8 '$T/b.csv' | tr -d '\r'"
out=$($J batch show 1)
expect_out "every line in transfer 1" "3" 0 sh -c "echo '$out' | grep -o '\"transfer\":1}' | wc -l"
expect_contains "batch show sums the transfer" '"transfers":[{"transfer":1,"payee_name":"海原县德隆职业培训学校","amount":"3000.00","lines":3,"status":"pending"}]' "$out"
python3 - "$T/b.xlsx" <<'PY' || fail "xlsx: the transfer and its payables"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
assert 'name="代发明细"' in wb and 'name="应付款明细"' in wb, wb
s = z.read("xl/sharedStrings.xml").decode()
for want in ("P1拨付：学员1、学员2、学员3", "3000.00", "1000.00", "学员2", "转账序号", "应付款编号"):
    assert want in s, want
PY

# ---- UTF-8 with a BOM by the setting
$J --as admin settings set bank_encoding utf-8-bom >/dev/null || fail "setting"
expect_rc "an unknown encoding refused" 1 $J --as admin settings set bank_encoding latin1
expect_contains "named" "not gb18030 or utf-8-bom" "$(cat "$T/stderr")"
expect_rc "township staff may not change settings" 1 $J --as body settings set bank_encoding gb18030
$J --as admin batch export 1 --csv "$T/u.csv" >/dev/null || fail "export utf-8"
expect_out "BOM first" "efbbbf" 0 sh -c "head -c 3 '$T/u.csv' | od -An -tx1 | tr -d ' \n'"
expect_contains "UTF-8 body, masked account" "海原县德隆职业培训学校,$BODY,${ACCT:0:4}" "$(cat "$T/u.csv")"
$J --as admin settings show >"$T/o" || fail "settings show"
expect_contains "settings show" '{"key":"bank_encoding","value":"utf-8-bom","default":false,"updated_by":"admin"' "$(cat "$T/o")"

# ---- the bank returns the transfer: all three lines fail together, retry together, paid on a date
out=$($J --as acct batch mark-paid 1 --transfer 1 --failed "户名与账号不符")
expect_out "three lines failed" "3" 0 sh -c "echo '$out' | grep -o '\"status\":\"failed\",\"attempts' | wc -l"
expect_contains "the transfer failed" '"lines":3,"status":"failed"}]' "$out"
expect_rc "paying a failed transfer" 1 $J --as acct batch mark-paid 1 --transfer 1
expect_contains "retry hint" "retry it first (batch retry 1 --transfer 1)" "$(cat "$T/stderr")"
expect_rc "no transfer 2" 1 $J --as acct batch mark-paid 1 --transfer 2 --failed x
out=$($J --as acct batch retry 1 --transfer 1)
expect_out "three lines pending" "3" 0 sh -c "echo '$out' | grep -o '\"status\":\"pending\",\"attempts' | wc -l"
expect_rc "a date after today refused" 1 $J --as acct batch mark-paid 1 --date 2025-01-01
expect_contains "named" "--date 2025-01-01 is after today (2024-12-20)" "$(cat "$T/stderr")"
expect_rc "a day that does not exist" 1 $J --as acct batch mark-paid 1 --date 2024-02-30
out=$($J --as acct batch mark-paid 1 --transfer 1 --date 2024-06-05)
expect_contains "paid the transfer" '"status":"paid"' "$out"
expect_contains "three lines paid" '"paid_now":3' "$out"
expect_out "the bank's day stored on every line" "2024-06-05
2024-06-05
2024-06-05" 0 sql "SELECT paid_at FROM pay_batch_lines WHERE batch_id = 1 ORDER BY line_no"
expect_out "trainee claim paid" "paid" 0 state "${T_IDS[0]}"
expect_contains "the case's payment step on the bank's day" '"on":"2024-06-05"' "$($J case show "${T_IDS[0]}")"

# ---- a layout added to a copy of policy/, no rebuild
cp -r "$JY_SOURCE_DIR/policy" "$T/pol"
cat >"$T/pol/bank-layouts/county.layout" <<'L'
# 某县农商行批量代发
title "某县农商行代发"
encoding utf-8-bom
memo_max 14
column "户名" payee_name
column "账号" account
column "金额（分）" amount_fen
column "附言" memo
column "币种" const "CNY"
L
$J --policy "$T/pol" --as admin batch export 1 --layout county --csv "$T/c.csv" --unmask --reason "交农商行" >/dev/null || fail "county layout"
expect_out "county layout used; a memo cut to 14 characters keeps whole names and counts them" "户名,账号,金额（分）,附言,币种
海原县德隆职业培训学校,$ACCT,300000,P1拨付：学员1等3人,CNY" 0 sh -c "sed '1s/^\xef\xbb\xbf//' '$T/c.csv' | tr -d '\r'"
$J --as admin settings set bank_layout county >/dev/null || fail "setting bank_layout"
$J --policy "$T/pol" --as admin batch export 1 --csv "$T/c2.csv" >"$T/o" || fail "export with the county's default layout"
expect_contains "the setting picks the layout" '"layout":"county"' "$(cat "$T/o")"
expect_rc "the layout is not in the shipped policy/" 1 $J --as admin batch export 1 --csv "$T/c3.csv"
expect_contains "missing layout named with those there" "layouts there: " "$(cat "$T/stderr")"
expect_rc "the layout is missing, in Chinese" 1 env JIUYE_LANG=zh $J --as admin batch export 1 --csv "$T/c3.csv"
expect_contains "missing layout named in Chinese" "银行代发文件格式 county：无法读取" "$(cat "$T/stderr")"
expect_contains "the layouts there, in Chinese" "（该目录中的格式：generic" "$(cat "$T/stderr")"
echo 'column "X" colour' >>"$T/pol/bank-layouts/county.layout"
expect_rc "a bad layout line" 1 $J --policy "$T/pol" --as admin batch export 1 --layout county --csv "$T/c4.csv"
expect_contains "FILE:LINE and the field" "county.layout:10: column \"X\": unknown field \"colour\"" "$(cat "$T/stderr")"
expect_rc "a bad layout line, in Chinese" 1 env JIUYE_LANG=zh $J --policy "$T/pol" --as admin batch export 1 --layout county --csv "$T/c4.csv"
expect_contains "FILE 第N行 and the field in Chinese" "county.layout 第10行：列“X”：未知字段“colour”（可用字段：" "$(cat "$T/stderr")"
$J --as admin settings set bank_layout generic >/dev/null || fail "back to generic"

# ---- the social-security-card layout: persons only
expect_rc "sscard layout refuses an organisation" 1 $J --as admin batch export 1 --layout sscard --csv "$T/s.csv"
expect_contains "named" "pays persons (社保卡) only, but transfer 1 of payment batch 1 pays 海原县德隆职业培训学校" "$(cat "$T/stderr")"
$J --as admin ledger budget set P13 2024 region 100000.00 >/dev/null || fail "P13 budget"
A=$(person_add 21 马小军 card); B=$(person_add 22 李梅 card)
for m in 2024-03 2024-04; do
  $J --as admin ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --month $m >/dev/null || fail "approve A $m"
done
$J --as admin ledger approve --program P13 --year 2024 --person "$B" --amount 1750 --month 2024-03 >/dev/null || fail "approve B"
$J --as acct batch build --program P13 >/dev/null || fail "P13 build"
$J --as chief batch approve 2 >/dev/null || fail "P13 approve"
$J --as admin batch export 2 --layout sscard --csv "$T/s.csv" --unmask --reason "交社保卡合作银行" >"$T/o" || fail "sscard export"
expect_contains "sscard pins GB18030 over the setting" '"encoding":"gb18030","transfers":2' "$(cat "$T/o")"
expect_out "two transfers: A's two months summed" "序号,社会保障卡号,姓名,证件类型,证件号码,金额,币种,用途
1,$(luhn 6217000010000021),马小军,居民身份证,$A,3500.00,人民币,P13拨付：马小军
2,$(luhn 6217000010000022),李梅,居民身份证,$B,1750.00,人民币,P13拨付：李梅" 0 sh -c "iconv -f GB18030 -t UTF-8 '$T/s.csv' | tr -d '\r'"

# ---- 社保卡号 in bulk with the person roster
C1=$(idcard 31); C2=$(idcard 32); C3=$(idcard 33)
printf '姓名,身份证号,社保卡号,开户行\r\n杨帆,%s,%s,宁夏银行\r\n马兰,%s,6217000010000000130,宁夏银行\r\n田野,%s,%s,\r\n' \
  "$C1" "$(luhn 621700001000003)" "$C2" "$C3" "$(luhn 621700001000005)" >"$T/roster.csv"
expect_rc "roster with a bad card" 1 $J --as admin person import "$T/roster.csv" --report "$T/err.csv"
expect_contains "the bad card's row, column and reason" "3,社保卡号,6217000010000000130,社保卡号: " "$(tr -d '\r' <"$T/err.csv")"
expect_out "only the bad row rejected" "1" 0 sh -c "tail -n +2 '$T/err.csv' | wc -l"
expect_out "good rows' cards stored" "$(luhn 621700001000003)|宁夏银行
$(luhn 621700001000005)|" 0 sql "SELECT a.sscard || '|' || a.bank_name FROM payee_accounts a JOIN persons p ON p.id = a.person_id WHERE p.idcard IN ('$C1', '$C2', '$C3') ORDER BY p.idcard"
expect_rc "the bad row's person not stored" 1 $J person show "$C2"
# cards are recorded by whoever may `ledger card` (the ledger_card operation), not by any importer
printf '姓名,身份证号,社保卡号\r\n黄河,%s,%s\r\n' "$(idcard 34)" "$(luhn 621700001000006)" >"$T/roster2.csv"
expect_rc "a training body may not record cards" 1 $J --as body person import "$T/roster2.csv" --report "$T/err2.csv"
expect_contains "the row names the column and the operation" "2,社保卡号,$(luhn 621700001000006),not stored: 社保卡号 not recorded: " "$(tr -d '\r' <"$T/err2.csv")"
expect_contains "the operation" "ledger_card" "$(cat "$T/err2.csv")"
expect_rc "the row kept out whole" 1 $J person show "$(idcard 34)"
books "at the end"
finish
