#!/usr/bin/env bash
# Messages in Chinese (issue 13 item 4, docs/messages.md): the CLI prints the Chinese text by
# default, English with --lang en or JIUYE_LANG=en; the same error in both, for the ID number's
# check character, the credit code, the bank card, a day that does not exist, a negative amount,
# an unknown fact with its suggestion, a refused workflow step, an import row (性别 against the
# ID number) and a bad --lang. (ctest sets JIUYE_LANG=en for every script; this one unsets it.)
source "$JY_SOURCE_DIR/tests/lib.sh"
unset JIUYE_LANG
J=$JIUYE
export JIUYE_TODAY=2024-12-01

# check: the reason in Chinese by default, English with --lang en and with JIUYE_LANG=en
expect_out "ID check character, Chinese" '{"valid":false,"reason":"身份证号码校验位（第18位）有误，应为 0"}' 1 \
  $J check idcard 640522199001010021
expect_out "ID check character, --lang en" '{"valid":false,"reason":"check character should be 0"}' 1 \
  $J --lang en check idcard 640522199001010021
expect_out "ID check character, JIUYE_LANG=en" '{"valid":false,"reason":"check character should be 0"}' 1 \
  env JIUYE_LANG=en $J check idcard 640522199001010021
expect_out "--lang zh wins over JIUYE_LANG=en" '{"valid":false,"reason":"身份证号码校验位（第18位）有误，应为 0"}' 1 \
  env JIUYE_LANG=en $J --lang zh check idcard 640522199001010021
expect_out "USCC, Chinese" '{"valid":false,"reason":"统一社会信用代码校验位（第18位）有误，应为 Y"}' 1 \
  $J check uscc 93640522MA77000061
expect_out "USCC, English" '{"valid":false,"reason":"check character should be Y"}' 1 \
  $J --lang en check uscc 93640522MA77000061
expect_out "bank card, Chinese" '{"valid":false,"reason":"银行卡号校验位（末位，Luhn算法）有误，应为 6"}' 1 \
  $J check bankcard 6222020200112233445
expect_out "bank card, English" '{"valid":false,"reason":"check digit should be 6 (Luhn)"}' 1 \
  $J --lang en check bankcard 6222020200112233445
expect_out "full-width digits, Chinese" '{"valid":false,"reason":"手机号码含有全角字符“１３８”（中文输入法打出的）：请改用半角数字0-9"}' 1 \
  $J check mobile １３８

# a day that does not exist, named
expect_rc "bad date, Chinese" 1 $J calendar is-workday 2023-02-29
expect_contains "bad date names the day in Chinese" "日期“2023-02-29”不存在：2023年2月没有29日" "$(cat "$T/stderr")"
expect_rc "bad date, English" 1 $J --lang en calendar is-workday 2023-02-29
expect_contains "bad date names the day in English" 'date "2023-02-29": 2023-02 has no day 29' "$(cat "$T/stderr")"

# an unknown fact with its suggestion (policy eval's error line), and a fact date that does not exist
c='{"program":"P1","date":"2024-03-01","facts":{"agee":30}}'
expect_contains "unknown fact, Chinese" '"error":"未知的信息项“agee”——是不是“age”？' "$(echo "$c" | $J policy eval)"
expect_contains "unknown fact, English" '"error":"unknown fact \"agee\" — did you mean \"age\"?' "$(echo "$c" | $J --lang en policy eval)"

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
# a negative amount, and too many decimals with the option's context in each language
expect_rc "negative budget, Chinese" 1 $J --as admin ledger budget set P1 2024 central -5.00
expect_contains "negative budget in Chinese" "jiuye: 预算金额不能为负数" "$(cat "$T/stderr")"
expect_rc "negative budget, English" 1 $J --lang en --as admin ledger budget set P1 2024 central -5.00
expect_contains "negative budget in English" "jiuye: budget amount must not be negative" "$(cat "$T/stderr")"
expect_rc "fen, Chinese" 1 $J --as admin ledger budget set P1 2024 central 12.345
expect_contains "fen in Chinese" "金额：金额“12.345”的小数超过两位（最小单位为分）" "$(cat "$T/stderr")"

# a refused workflow step: the state and the steps allowed
$J org add --uscc 93640522MA7700006Y --name 七营镇张堡村 --kind community --division 640522105 >/dev/null || fail "org"
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null || fail "reviewer"
$J --as admin case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 --facts '{}' >/dev/null || fail "file"
expect_rc "step refused, Chinese" 1 $J --as rev case recognise 1 --reason x --date 2024-09-25
expect_contains "step refused in Chinese" "案件 1 当前状态为 filed，不能执行 recognise；可执行的下一步：county_approve, reject, withdraw" "$(cat "$T/stderr")"
expect_rc "step refused, English" 1 $J --lang en --as rev case recognise 1 --reason x --date 2024-09-25
expect_contains "step refused in English" "case 1 is filed and cannot take recognise; next steps allowed: county_approve, reject, withdraw" "$(cat "$T/stderr")"
expect_rc "reason required, Chinese" 1 $J --as rev case approve 1 --date 2024-09-25
expect_contains "reason required in Chinese" "每一步都要写明理由" "$(cat "$T/stderr")"
expect_rc "role refused, Chinese" 1 $J --as rev user add x --role admin
expect_contains "role refusal in Chinese" "无权添加用户：用户 rev（角色 county_reviewer）无权 user.manage（拥有此权限的角色：" "$(cat "$T/stderr")"

# an import row: 性别 against the ID number's 17th digit, a proper Chinese sentence in the report
printf '姓名,身份证号,性别\n马某,640522199001010020,男\n' >"$T/p.csv"
$J --as admin person import "$T/p.csv" --report "$T/r.csv" >/dev/null 2>&1
expect_contains "import row, Chinese" "2,性别,男,性别“男”与身份证号码不符：第17位 2 为偶数，应为女" "$(cat "$T/r.csv")"
$J --lang en --as admin person import "$T/p.csv" --report "$T/r2.csv" >/dev/null 2>&1
expect_contains "import row, English" '性别 男 disagrees with the ID number, whose 17th digit 2 says 女 (even)' "$(cat "$T/r2.csv")"

# --lang takes zh or en only
expect_rc "bad --lang" 2 $J --lang fr check idcard 640522199001010021
expect_contains "bad --lang named" "--lang fr" "$(cat "$T/stderr")"
expect_rc "bad JIUYE_LANG" 2 env JIUYE_LANG=xx $J check idcard 640522199001010021
finish
