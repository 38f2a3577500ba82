#!/bin/bash
# jiuye person/org import of XLSX workbooks (tests/data/*.xlsx, made by make_xlsx_fixtures.py):
# the same roster as CSV and as XLSX gives the same counts, the same error report and the same
# stored records; ID numbers typed in as numbers are rejected with the advice to format the column
# as text; a date cell and merged title rows are read; a sheet is chosen by name; broken,
# truncated, renamed and .xls files fail with a clear message, exit 1 and store nothing.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
cp "$DATA"/*.csv "$DATA"/*.xlsx "$T/"
. "$DATA/fixtures.txt"

# summary without the file name and the XLSX-only fields, for comparing CSV and XLSX runs
strip() { sed -e 's/"file":"[^"]*",//' -e 's/"report":"[^"]*"/"report":R/' -e 's/"format":"xlsx","sheet":"[^"]*",//'; }

# ---------------------------------------------------------------- same roster, CSV and XLSX
DB_CSV=$(jy_fresh_db)
DB_XLSX=$(jy_fresh_db)
JIUYE_DB=$DB_CSV "$JIUYE" person import "$T/roster_mixed.csv" --report "$T/csv.errors.csv" >"$T/csv.json" 2>/dev/null
rc_csv=$?
JIUYE_DB=$DB_XLSX "$JIUYE" person import "$T/roster_mixed.xlsx" --report "$T/xlsx.errors.csv" >"$T/xlsx.json" 2>"$T/stderr"
rc_xlsx=$?
[ "$rc_csv" = 1 ] && [ "$rc_xlsx" = 1 ] || fail "mixed roster: exit $rc_csv (csv) / $rc_xlsx (xlsx), want 1 / 1"
expect_contains "xlsx summary names format and sheet" '"header_row":1,"format":"xlsx","sheet":"花名册"' "$(cat "$T/xlsx.json")"
expect_contains "xlsx counts" '"rows":9,"created":4,"updated":0,"unchanged":0,"rejected":5' "$(cat "$T/xlsx.json")"
[ "$(strip <"$T/csv.json")" = "$(strip <"$T/xlsx.json")" ] ||
  fail "summaries differ: $(cat "$T/csv.json") vs $(cat "$T/xlsx.json")"
cmp -s "$T/csv.errors.csv" "$T/xlsx.errors.csv" ||
  { fail "error reports differ"; diff "$T/csv.errors.csv" "$T/xlsx.errors.csv" >&2; }
JIUYE_DB=$DB_CSV "$JIUYE" person list >"$T/csv.list"
JIUYE_DB=$DB_XLSX "$JIUYE" person list >"$T/xlsx.list"
[ "$(wc -l <"$T/xlsx.list")" = 4 ] || fail "4 persons stored from the workbook: $(cat "$T/xlsx.list")"
cmp -s "$T/csv.list" "$T/xlsx.list" || { fail "stored persons differ"; diff "$T/csv.list" "$T/xlsx.list" >&2; }
# the multi-line 备注 and the quoted name with a comma came through the shared strings
expect_contains "name with a comma" '"name":"马,福"' "$(JIUYE_DB=$DB_XLSX "$JIUYE" person show "$G")"
# phone numbers typed in as numbers are kept digit for digit
expect_contains "numeric phone" '"phone":"13995512345"' "$(JIUYE_DB=$DB_XLSX "$JIUYE" person show "$A" --unmask --reason "测试：核对电话")"
# again: nothing new
JIUYE_DB=$DB_XLSX "$JIUYE" person import "$T/roster_mixed.xlsx" --report "$T/again.csv" >"$T/again.json" 2>/dev/null
expect_contains "xlsx re-import unchanged" '"created":0,"updated":0,"unchanged":4,"rejected":5' "$(cat "$T/again.json")"

# organisations, and the 5-20-2 workshop layout with merged title rows
DB_CSV=$(jy_fresh_db)
DB_XLSX=$(jy_fresh_db)
JIUYE_DB=$DB_CSV "$JIUYE" org import "$T/orgs.csv" --report "$T/o1.csv" >"$T/o1.json" 2>/dev/null
JIUYE_DB=$DB_XLSX "$JIUYE" org import "$T/orgs.xlsx" --report "$T/o2.csv" >"$T/o2.json" 2>/dev/null
expect_contains "orgs from xlsx" '"rows":5,"created":3,"updated":0,"unchanged":0,"rejected":2' "$(cat "$T/o2.json")"
[ "$(strip <"$T/o1.json")" = "$(strip <"$T/o2.json")" ] || fail "org summaries differ: $(cat "$T/o1.json") vs $(cat "$T/o2.json")"
cmp -s "$T/o1.csv" "$T/o2.csv" || { fail "org reports differ"; diff "$T/o1.csv" "$T/o2.csv" >&2; }
[ "$(JIUYE_DB=$DB_CSV "$JIUYE" org show "$U2")" = "$(JIUYE_DB=$DB_XLSX "$JIUYE" org show "$U2")" ] ||
  fail "org $U2 differs between CSV and XLSX import"
expect_contains "12-digit account typed as a number" '"110022003300"' "$(JIUYE_DB=$DB_XLSX "$JIUYE" org show "$U2" --unmask --reason "测试：核对账号")"

JIUYE_DB=$DB_XLSX "$JIUYE" person import "$T/roster_workshop.xlsx" >"$T/w.json" 2>/dev/null ||
  fail "workshop workbook: exit $?"
expect_contains "header under merged title rows" '"rows":3,"created":3,"updated":0,"unchanged":0,"rejected":0' "$(cat "$T/w.json")"
expect_contains "header row 4" '"header_row":4' "$(cat "$T/w.json")"
expect_contains "监测对象 status" '"monitored"' "$(JIUYE_DB=$DB_XLSX "$JIUYE" person show "$Q")"

# ---------------------------------------------------------------- numbers, dates, sheets
# ID numbers typed in as numbers: one lost its digits (inexact), one reads back exactly but
# is not the number that was typed; both are refused with the advice; the text one is stored.
# The 入职日期 column holds date cells (yyyy/m/d): read as dates, ignored by the import.
expect_rc "numeric ID column" 1 "$JIUYE" person import "$T/roster_numeric_id.xlsx" --report "$T/num.csv"
expect_contains "numeric IDs counted" '"rows":3,"created":1,"updated":0,"unchanged":0,"rejected":2' "$(cat "$T/stdout")"
expect_contains "date column listed" '"入职日期"' "$(cat "$T/stdout")"
report=$(tr -d '\r' <"$T/num.csv")
expect_contains "inexact ID reported" '2,身份证号,6.4052219900307E+17,身份证号 stored as a number; format the column as text' "$report"
expect_contains "exact but wrong ID reported" '3,身份证号,640522198511120000,身份证号 stored as a number; format the column as text' "$report"
expect_rc "numeric ID not stored" 1 "$JIUYE" person show "$A"
expect_rc "text ID stored" 0 "$JIUYE" person show "$C"
# a workbook on standard input (--format xlsx: read whole, then as from a file)
expect_rc "workbook from standard input" 0 sh -c "\"$JIUYE\" person import - --format xlsx --dry-run --report \"$T/stdin.csv\" <\"$T/roster_workshop.xlsx\""
expect_contains "stdin workbook read" '"rows":3' "$(cat "$T/stdout")"

# a roster on the second sheet: the first sheet has no header and the error names the others
expect_rc "first sheet has no roster" 1 "$JIUYE" person import "$T/roster_sheets.xlsx"
expect_contains "names the other sheets" '(read sheet "说明"; choose another with --sheet: 花名册)' "$(cat "$T/stderr")"
expect_rc "sheet by name" 0 "$JIUYE" person import "$T/roster_sheets.xlsx" --sheet 花名册
expect_contains "sheet by name: stored" '"rows":3,"created":2,"updated":0,"unchanged":1' "$(cat "$T/stdout")"
expect_contains "sheet by name: summary" '"sheet":"花名册"' "$(cat "$T/stdout")"
expect_rc "no such sheet" 1 "$JIUYE" person import "$T/roster_sheets.xlsx" --sheet 花名册2
expect_contains "lists the sheets" 'no sheet named "花名册2"; the workbook has: 说明, 花名册' "$(cat "$T/stderr")"
expect_rc "--sheet on a CSV" 1 "$JIUYE" person import "$T/roster_good.csv" --sheet 花名册
expect_contains "--sheet is for XLSX" "--sheet applies to XLSX workbooks" "$(cat "$T/stderr")"
expect_rc "--format bad" 2 "$JIUYE" person import "$T/roster_good.csv" --format ods

# format detection by content: a workbook without the .xlsx name, a CSV named .txt
cp "$T/roster_good.csv" "$T/good.txt"
cp "$T/roster_sheets.xlsx" "$T/名单"
expect_rc "workbook detected by its zip magic" 0 "$JIUYE" person import "$T/名单" --sheet 花名册
expect_contains "magic → xlsx" '"format":"xlsx"' "$(cat "$T/stdout")"
expect_rc "csv stays csv" 0 "$JIUYE" person import "$T/good.txt"

# ---------------------------------------------------------------- broken files store nothing
DB_BROKEN=$(jy_fresh_db)
size=$(wc -c <"$T/roster_mixed.xlsx")
head -c $((size / 2)) "$T/roster_mixed.xlsx" >"$T/truncated.xlsx"
JIUYE_DB=$DB_BROKEN expect_rc "truncated workbook" 1 "$JIUYE" person import "$T/truncated.xlsx"
expect_contains "truncated: clear error" "not a readable XLSX workbook" "$(cat "$T/stderr")"
expect_contains "truncated: advice" "save it again from Excel" "$(cat "$T/stderr")"
[ -s "$T/stdout" ] && fail "truncated workbook printed a summary: $(cat "$T/stdout")"

# a damaged byte inside the compressed sheet: found at open (inflate or CRC), before any row
python3 - "$T/roster_mixed.xlsx" "$T/flipped.xlsx" <<'EOF' || fail "could not make the damaged workbook"
import sys, zipfile
data = bytearray(open(sys.argv[1], "rb").read())
info = zipfile.ZipFile(sys.argv[1]).getinfo("xl/worksheets/sheet1.xml")
start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
mid = start + info.compress_size // 2
data[mid] ^= 0xFF
open(sys.argv[2], "wb").write(bytes(data))
EOF
JIUYE_DB=$DB_BROKEN expect_rc "damaged workbook" 1 "$JIUYE" person import "$T/flipped.xlsx"
expect_contains "damaged: names the sheet part" "xl/worksheets/sheet1.xml" "$(cat "$T/stderr")"

cp "$T/roster_good.csv" "$T/renamed.xlsx"
JIUYE_DB=$DB_BROKEN expect_rc "CSV renamed .xlsx" 1 "$JIUYE" person import "$T/renamed.xlsx"
expect_contains "renamed: not a zip" "not a zip archive" "$(cat "$T/stderr")"
printf '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1%0500d' 0 >"$T/old.xls"
JIUYE_DB=$DB_BROKEN expect_rc ".xls workbook" 1 "$JIUYE" person import "$T/old.xls"
expect_contains ".xls: advice" "save it as .xlsx" "$(cat "$T/stderr")"
got=$(JIUYE_DB=$DB_BROKEN "$JIUYE" person list)
[ -z "$got" ] || fail "broken files stored persons: $got"
finish
