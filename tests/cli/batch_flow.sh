#!/usr/bin/env bash
# Payment batches through the CLI: build from approved payables (persons to their social
# security card, organisations to their basic bank account; a payee without an account is left
# out and named), review by a second person, bank file export (CSV content, XLSX workbook with
# its sheet), marking paid twice pays nobody twice, a failed line is retried alone after its
# account is corrected. The books balance after every step. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
$J init >/dev/null || fail "init"
$J ledger budget set P13 2024 region 100000.00 >/dev/null || fail "budget"

A=$(idcard 11); B=$(idcard 12); C=$(idcard 13)
for p in "$A:马小军" "$B:李梅" "$C:杨帆"; do
  $J person add --idcard "${p%%:*}" --name "${p#*:}" --hukou-division 640522101 >/dev/null || fail "person $p"
done
CARD_A=$(luhn 621700001000000011); CARD_B=$(luhn 621700001000000012); CARD_C=$(luhn 621700001000000013)
$J ledger card "$A" "$CARD_A" --bank 宁夏银行 >/dev/null || fail "card A"
$J ledger card "$B" "$CARD_B" --bank 黄河农村商业银行 >/dev/null || fail "card B"
expect_rc "bad card refused" 1 $J ledger card "$C" 6217000010000000130
# C has no card yet
USCC=91640522MA76XYW1X3
$J org add --uscc "$USCC" --name "海原县某机关" --kind public_body --division 640522100 \
  --bank-name "中国银行海原支行" --bank-account 104500001234 >/dev/null || fail "org add"

$J ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --month 2024-03 >/dev/null || fail "approve A"
$J ledger approve --program P13 --year 2024 --person "$B" --amount 1750 --month 2024-03 >/dev/null || fail "approve B"
$J ledger approve --program P13 --year 2024 --person "$C" --amount 1750 --month 2024-03 >/dev/null || fail "approve C"
$J ledger approve --program P13 --year 2024 --org "$USCC" --amount 3000.50 --month 2024-03 >/dev/null || fail "approve org"
$J ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --month 2024-04 >/dev/null || fail "approve A april"
books_balance "after approvals"

# build: March only; C is skipped (no 社保卡)
out=$($J --as 张会计 batch build --program P13 --month 2024-03)
expect_contains "three lines" '"lines":3,"total":"6500.50"' "$out"
expect_contains "C skipped (named by the masked ID number)" '"skipped":[{"payable_id":3,"reason":"杨帆 ('"${C:0:6}********${C:14:4}"') has no social security card (社保卡) on record"}]' "$out"
expect_contains "draft" '"status":"draft","built_by":"张会计"' "$out"
# the same payables cannot go into a second batch
expect_rc "nothing left for March" 1 $J --as 张会计 batch build --program P13 --month 2024-03
expect_contains "nothing left message" "no approved payable to pay" "$(cat "$T/stderr")"
books_balance "after build"

# export and payment need the review; the builder cannot review
expect_rc "export before review" 1 $J batch export 1 --csv "$T/b.csv"
expect_rc "pay before review" 1 $J batch mark-paid 1
expect_rc "builder reviews" 1 $J --as 张会计 batch approve 1
expect_contains "second person" "another person must review it" "$(cat "$T/stderr")"
out=$($J --as 李科长 batch approve 1)
expect_contains "approved" '"status":"approved"' "$out"
expect_contains "approver" '"approved_by":"李科长"' "$out"
expect_rc "approve twice" 1 $J --as 王局长 batch approve 1

# the bank file: masked unless asked for whole with a reason (docs/privacy.md; nobody is
# registered here, so the actor counts as the administrator)
mcard() { echo "${1:0:4}***********${1:15:4}"; }
$J batch export 1 --csv "$T/bm.csv" >/dev/null || fail "masked export"
# the bank file is GB18030 by default (settings bank_encoding), one row per transfer (issue 13)
u8() { iconv -f GB18030 -t UTF-8 "$1" | tr -d '\r'; }
expect_contains "masked copy" "1,个人（社保卡）,马小军,${A:0:6}********${A:14:4},$(mcard "$CARD_A"),宁夏银行,1750.00" "$(u8 "$T/bm.csv")"
expect_contains "masked copy: the organisation's account" "3,单位（基本账户）,海原县某机关,$USCC,1045****1234," "$(u8 "$T/bm.csv")"
$J batch export 1 --csv "$T/b.csv" --xlsx "$T/b.xlsx" --unmask --reason "交银行拨付" >/dev/null || fail "export"
expect_out "csv" "序号,收款人类型,收款人,证件号码,收款账号,开户行,金额（元）,项目,摘要,笔数,应付款编号,业务参考号
1,个人（社保卡）,马小军,$A,$CARD_A,宁夏银行,1750.00,P13,P13 2024-03拨付：马小军,1,1,jy-1-1
2,个人（社保卡）,李梅,$B,$CARD_B,黄河农村商业银行,1750.00,P13,P13 2024-03拨付：李梅,1,2,jy-1-2
3,单位（基本账户）,海原县某机关,$USCC,104500001234,中国银行海原支行,3000.50,P13,P13 2024-03拨付：海原县某机关,1,4,jy-1-3
合计,,,,,,6500.50,,,3,," 0 u8 "$T/b.csv"
python3 - "$T/b.xlsx" "$A" "$CARD_A" <<'PY' || fail "xlsx content"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert "xl/worksheets/sheet1.xml" in names, names
wb = z.read("xl/workbook.xml").decode()
assert 'name="代发明细"' in wb and 'name="应付款明细"' in wb, wb
strings = z.read("xl/sharedStrings.xml").decode()
for want in ("马小军", sys.argv[2], sys.argv[3], "1750.00", "3000.50", "6500.50", "jy-1-3"):
    assert want in strings, want
PY

# line 2: the bank rejects it
out=$($J batch mark-paid 1 --line 2 --failed "账户已销户")
expect_contains "line 2 failed" '"line":2,"batch_id":1,"payable_id":2' "$out"
expect_contains "reason kept" '"status":"failed","attempts":1,"fail_reason":"账户已销户"' "$out"
out=$($J batch mark-paid 1)
expect_contains "two paid now" '"paid_now":2,"already_paid":0,"failed":1,"pending":0' "$out"
expect_contains "batch stays approved" '"status":"approved"' "$out"
books_balance "after first run"
# running it again pays nobody twice
out=$($J batch mark-paid 1)
expect_contains "idempotent" '"paid_now":0,"already_paid":2,"failed":1,"pending":0' "$out"
expect_out "two pay entries" "2" 0 sh -c "$J ledger journal --limit 0 | grep -c '\"kind\":\"pay\"'"
expect_rc "paying a failed line" 1 $J batch mark-paid 1 --line 2
expect_contains "retry hint" "retry it first" "$(cat "$T/stderr")"

# the account is corrected, the failed line retried alone with the new account
CARD_B2=$(luhn 621700001000000099)
$J ledger card "$B" "$CARD_B2" --bank 宁夏银行 >/dev/null || fail "new card"
out=$($J batch retry 1 --line 2)
expect_contains "retried" "\"account\":\"$(mcard "$CARD_B2")\",\"bank_name\":\"宁夏银行\",\"amount\":\"1750.00\",\"status\":\"pending\",\"attempts\":1,\"fail_reason\":\"\"" "$out"
expect_rc "retry a pending line" 1 $J batch retry 1 --line 2
out=$($J batch mark-paid 1 --line 2)
expect_contains "line 2 paid" '"paid_now":1' "$out"
expect_contains "batch paid" '"status":"paid"' "$out"
out=$($J batch mark-paid 1)
expect_contains "all paid already" '"paid_now":0,"already_paid":3,"failed":0,"pending":0' "$out"
expect_out "three pay entries" "3" 0 sh -c "$J ledger journal --limit 0 | grep -c '\"kind\":\"pay\"'"
expect_out "P13 region" '{"county":"640522","program":"P13","year":2024,"source":"region","source_label":"自治区","budget":"100000.00","available":"89999.50","committed":"3500.00","paid":"6500.50"}' 0 \
  $J ledger show --program P13
out=$($J batch show 1)
expect_contains "show lines" '"lines":[{"line":1,' "$out"
expect_contains "line 2 shows the second attempt" "\"account\":\"$(mcard "$CARD_B2")\"" "$out"
# the journal cannot be made to pay line 1 again: its idempotency key is taken
if sql "INSERT INTO ledger_entries(county, at, actor, kind, program, year, idem_key) VALUES ('640522', 'x', 'x', 'pay', 'P13', 2024, 'jy-pay-1-1')" 2>/dev/null; then
  fail "a second journal entry with line 1's idempotency key should be refused"
fi
# every step is in the audit log
audit=$($J audit list --limit 0)
for e in '"entity":"pay_batch","entity_id":1,"action":"approved"' '"entity":"pay_batch_line"' '"action":"failed"' '"entity":"ledger_entry"' '"entity":"payable"' '"entity":"pay_batch","entity_id":1,"action":"paid"'; do
  expect_contains "audit $e" "$e" "$audit"
done
books_balance "at the end"
finish
