#!/bin/bash
# jiuye org import: USCC check, duplicates within the file, kinds (用人单位、帮扶车间), size
# class, bank account digits; re-import creates nothing; a missing 统一社会信用代码 column.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
cp "$DATA"/orgs.csv "$T/"
. "$DATA/fixtures.txt"

expect_out "orgs roster" \
  "{\"file\":\"$T/orgs.csv\",\"rows\":5,\"created\":3,\"updated\":0,\"unchanged\":0,\"rejected\":2,\"report\":\"$T/orgs.csv.errors.csv\",\"encoding\":\"utf-8\",\"header_row\":1,\"ignored_columns\":[]}" \
  1 "$JIUYE" org import "$T/orgs.csv"
report=$(tr -d '\r' <"$T/orgs.csv.errors.csv")
expect_contains "bad check character reported" "5,统一社会信用代码,$UB,check character should be 7" "$report"
expect_contains "duplicate reported" "6,统一社会信用代码,$U2,duplicate: row 3 has the same 统一社会信用代码" "$report"
[ "$(printf '%s\n' "$report" | wc -l)" = 3 ] || fail "report should have the header and 2 lines: $report"

out=$("$JIUYE" org show "$U1")
expect_contains "kinds" '"employer","workshop"' "$out"
expect_contains "size" '"small"' "$out"
expect_contains "account masked" '"bank_account":"6228********5678"' "$out"
expect_contains "account digits only" '"6228480012345678"' "$("$JIUYE" org show "$U1" --unmask --reason "测试：核对账号")"

expect_rc "orgs again" 1 "$JIUYE" org import "$T/orgs.csv"
expect_contains "re-import unchanged" '"created":0,"updated":0,"unchanged":3,"rejected":2' "$(cat "$T/stdout")"

printf '单位名称,法定代表人,联系电话\n某公司,张三,13995512345\n' >"$T/nocode.csv"
expect_rc "missing USCC column" 1 "$JIUYE" org import "$T/nocode.csv"
expect_contains "names the column" "no 统一社会信用代码 column" "$(cat "$T/stderr")"
finish
