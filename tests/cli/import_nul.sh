#!/bin/bash
# An embedded NUL byte in a roster field (issue 10, item 4): `张\0三` was stored as `张`. The
# importer now rejects the row, naming the column and showing the NUL as \0 in the error report,
# and keeps the good rows — from a CSV file and from an XLSX cell (the OOXML escape _x0000_ decodes
# to a NUL byte), on both backends.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
. "$DATA/fixtures.txt"

# ---------------------------------------------------------------- CSV: 马小明 → 马小\0明 (row 2)
python3 - "$DATA/roster_good.csv" "$T/nul.csv" <<'EOF' || fail "could not make the CSV"
import sys
data = open(sys.argv[1], "rb").read()
assert data.count("马小明".encode()) == 1
open(sys.argv[2], "wb").write(data.replace("马小明".encode(), "马小\0明".encode()))
EOF
expect_rc "CSV with a NUL: exit 1 (a row rejected)" 1 "$JIUYE" person import "$T/nul.csv" --report "$T/csv.errors.csv"
expect_contains "CSV: the good rows are kept" '"rows":3,"created":2,"updated":0,"unchanged":0,"rejected":1' "$(cat "$T/stdout")"
report=$(cat "$T/csv.errors.csv")
expect_contains "CSV report names the row and the column" '2,姓名,马小\0明,姓名 contains a NUL byte (\0) at byte 7' "$report"
LC_ALL=C grep -q -P '\x00' "$T/csv.errors.csv" && fail "the report holds a NUL byte"
out=$("$JIUYE" person list)
[ "$(echo "$out" | grep -c .)" = 2 ] || fail "CSV: 2 persons stored, got: $out"
case "$out" in *"\"$A\""*|*'"马小"'*) fail "CSV: the row with the NUL was stored: $out" ;; esac
expect_contains "CSV: row 3 stored" "\"$(mask_id "$B")\"" "$out"

# ---------------------------------------------------------------- XLSX: an inline string with _x0000_
export JIUYE_DB=$(jy_fresh_db)
python3 - "$DATA/roster_sheets.xlsx" "$T/nul.xlsx" <<'EOF' || fail "could not make the workbook"
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename == "xl/worksheets/sheet2.xml":
            assert data.count("<t>马小明</t>".encode()) == 1
            data = data.replace("<t>马小明</t>".encode(), "<t>马小_x0000_明</t>".encode())
        out.writestr(info, data)
EOF
expect_rc "XLSX with a NUL: exit 1 (a row rejected)" 1 "$JIUYE" person import "$T/nul.xlsx" --sheet 花名册 --report "$T/xlsx.errors.csv"
expect_contains "XLSX: the good rows are kept" '"rows":3,"created":2,"updated":0,"unchanged":0,"rejected":1' "$(cat "$T/stdout")"
expect_contains "XLSX report names the row and the column" '2,姓名,马小\0明,姓名 contains a NUL byte (\0) at byte 7' "$(cat "$T/xlsx.errors.csv")"
out=$("$JIUYE" person list)
[ "$(echo "$out" | grep -c .)" = 2 ] || fail "XLSX: 2 persons stored, got: $out"
case "$out" in *"\"$A\""*) fail "XLSX: the row with the NUL was stored: $out" ;; esac
finish
