#!/bin/bash
# jiuye person import: a roster with good and bad rows (bad check character, 1999-02-29 birth,
# sex column against the ID number, missing name, duplicate ID in the file) stores the good rows,
# reports exactly the bad ones; re-import creates nothing; the 5-20-2 workshop layout with title
# lines and 人员类别; required columns; usage errors; progress only on a terminal.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
cp "$DATA"/*.csv "$T/"
. "$DATA/fixtures.txt"

IGN='["务工时间","从事岗位","月收入","是否缴纳社保","备注"]'
# a dry run validates and reports, and stores nothing
expect_out "dry run" \
  "{\"file\":\"$T/roster_mixed.csv\",\"rows\":9,\"created\":0,\"updated\":0,\"unchanged\":0,\"rejected\":5,\"report\":\"$T/dry.csv\",\"encoding\":\"utf-8\",\"header_row\":1,\"ignored_columns\":$IGN,\"dry_run\":true,\"valid\":4}" \
  1 "$JIUYE" person import "$T/roster_mixed.csv" --report "$T/dry.csv" --dry-run
expect_rc "dry run stored nothing" 1 "$JIUYE" person show "$A"
[ "$(wc -l <"$T/dry.csv")" = 6 ] || fail "dry-run report should have 6 lines"

expect_out "mixed roster" \
  "{\"file\":\"$T/roster_mixed.csv\",\"rows\":9,\"created\":4,\"updated\":0,\"unchanged\":0,\"rejected\":5,\"report\":\"$T/errors.csv\",\"encoding\":\"utf-8\",\"header_row\":1,\"ignored_columns\":$IGN}" \
  1 "$JIUYE" person import "$T/roster_mixed.csv" --report "$T/errors.csv"
expect_contains "ignored columns warned" "columns not imported" "$(cat "$T/stderr")"
expect_contains "rejections counted on stderr" "5 of 9 rows rejected" "$(cat "$T/stderr")"

# the report: a BOM (for Excel), the header, one line per bad row in file order
want=$(printf '\xef\xbb\xbfrow,column,value,reason\n4,身份证号,%s,check character should be 2\n5,身份证号,%s,birth date 1999-02-29 does not exist\n6,性别,男,"性别 男 disagrees with the ID number, whose 17th digit 4 says 女 (even)"\n7,姓名,,姓名 is empty\n8,身份证号,%s,duplicate: row 3 has the same ID number' "$BAD" "$D" "$B")
got=$(tr -d '\r' <"$T/errors.csv")
[ "$got" = "$want" ] || { fail "report differs"; diff <(echo "$want") <(echo "$got") >&2; }

# good rows are stored with what the roster said (quoted name with a comma; full address → 海城镇)
out=$("$JIUYE" person show "$G")
expect_contains "quoted name" '"name":"马,福"' "$out"
expect_contains "division from a full address" '"hukou_division":"640522100"' "$out"
expect_contains "mobile masked" '"phone":"139****0000"' "$out"
expect_contains "hyphenated mobile normalised" '"phone":"13995510000"' "$("$JIUYE" person show "$G" --unmask --reason "测试：核对电话")"
out=$("$JIUYE" person show "$A")
expect_contains "village address resolves to its town" '"hukou_division":"640522105"' "$out"
expect_rc "bad row not stored" 1 "$JIUYE" person show "$E"

# same file again: nothing new, the audit log does not grow
before=$("$JIUYE" audit verify)
expect_out "re-import" \
  "{\"file\":\"$T/roster_mixed.csv\",\"rows\":9,\"created\":0,\"updated\":0,\"unchanged\":4,\"rejected\":5,\"report\":\"$T/errors.csv\",\"encoding\":\"utf-8\",\"header_row\":1,\"ignored_columns\":$IGN}" \
  1 "$JIUYE" person import "$T/roster_mixed.csv" --report "$T/errors.csv"
after=$("$JIUYE" audit verify)
[ "$before" = "$after" ] || fail "audit log changed on re-import: $before → $after"

# without --report, the report goes next to the file, and only when a row was rejected
expect_rc "default report" 1 "$JIUYE" person import "$T/roster_mixed.csv"
[ -f "$T/roster_mixed.csv.errors.csv" ] || fail "no default report next to the file"
expect_rc "good file" 0 "$JIUYE" person import "$T/roster_good.csv"
expect_contains "good file: no report" '"report":null' "$(cat "$T/stdout")"
[ -e "$T/roster_good.csv.errors.csv" ] && fail "a report was left for a file without errors"

# 5-20-2 layout: title rows above the header, 户籍地址/常住地址/人员类别/联系方式
expect_rc "workshop roster" 0 "$JIUYE" person import "$T/roster_workshop.csv"
expect_contains "header found on row 4" '"header_row":4' "$(cat "$T/stdout")"
expect_contains "three persons" '"rows":3,"created":3' "$(cat "$T/stdout")"
out=$("$JIUYE" person show "$Q")
expect_contains "监测对象 status" '"monitored"' "$out"
expect_contains "低保 status" '"dibao"' "$out"
expect_contains "常住地址 is the address" '"address":"海原县海城镇"' "$out"
expect_rc "workshop roster again" 0 "$JIUYE" person import "$T/roster_workshop.csv"
expect_contains "workshop re-import unchanged" '"created":0,"updated":0,"unchanged":3' "$(cat "$T/stdout")"

# a missing required column is a clear error, before anything is imported
printf '序号,姓名,性别,联系电话\n1,张三,男,13995512345\n' >"$T/noid.csv"
expect_rc "missing 身份证号 column" 1 "$JIUYE" person import "$T/noid.csv"
expect_contains "names the column" "no 身份证号 column" "$(cat "$T/stderr")"

# usage
expect_rc "no file" 2 "$JIUYE" person import
expect_rc "unknown format" 2 "$JIUYE" person import "$T/roster_good.csv" --format ods
expect_rc "unknown encoding" 2 "$JIUYE" person import "$T/roster_good.csv" --encoding latin1
expect_rc "missing file" 1 "$JIUYE" person import "$T/nonexistent.csv"

# progress: none when stderr is not a terminal, shown on a terminal (script gives a pty)
python3 - "$T/big.csv" <<'PY'
import sys, datetime
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(sys.argv[1], "w") as f:
    f.write("姓名,身份证号\n")
    for i in range(3000):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i % 1000)
        b = "640522%s%03d" % (birth.strftime("%Y%m%d"), i // 1000 + 1)
        f.write("马%d,%s%s\n" % (i, b, "10X98765432"[sum(int(c) * w for c, w in zip(b, W)) % 11]))
PY
expect_rc "big import, no tty" 0 "$JIUYE" person import "$T/big.csv"
case "$(cat "$T/stderr")" in *已读*) fail "progress printed although stderr is not a terminal" ;; esac
if command -v script >/dev/null; then
  script -qec "\"$JIUYE\" person import \"$T/big.csv\" >/dev/null" /dev/null >"$T/tty.out" 2>&1 || true
  expect_contains "progress on a terminal" "已读 3000 行" "$(cat "$T/tty.out")"
fi
finish
