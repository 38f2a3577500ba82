#!/bin/bash
# jiuye person import of the same roster in the encodings Excel writes: GB18030 (plain "CSV" on
# a Chinese Windows), UTF-8 with BOM and CRLF ("CSV UTF-8"), UTF-16LE with tabs ("Unicode
# text"); a forced wrong encoding fails clearly; quoted fields with commas and line breaks.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
cp "$DATA"/*.csv "$T/"
. "$DATA/fixtures.txt"

expect_rc "GB18030 file" 0 "$JIUYE" person import "$T/roster_gb18030.csv"
expect_contains "detected as gb18030" '"encoding":"gb18030"' "$(cat "$T/stdout")"
expect_contains "three created" '"rows":3,"created":3' "$(cat "$T/stdout")"
out=$("$JIUYE" person show "$C")
expect_contains "name decoded" '"name":"杨光"' "$out"
expect_contains "ethnicity decoded" '"ethnicity":"回族"' "$out"
expect_contains "town resolved from GB18030 text" '"hukou_division":"640522202"' "$out"

# the same rows in UTF-8 with BOM and CRLF: recognised as the same persons
expect_rc "UTF-8 BOM file" 0 "$JIUYE" person import "$T/roster_bom.csv"
expect_contains "detected as utf-8" '"encoding":"utf-8"' "$(cat "$T/stdout")"
expect_contains "BOM file: all unchanged" '"created":0,"updated":0,"unchanged":3,"rejected":0' "$(cat "$T/stdout")"
expect_contains "BOM not glued to 序号" '"ignored_columns":["务工时间"' "$(cat "$T/stdout")"

# UTF-16LE, tab-separated (Excel "Unicode text"), explicit encoding flag accepted too
{ printf '\xff\xfe'; sed 's/,/\t/g' "$T/roster_good.csv" | iconv -f UTF-8 -t UTF-16LE; } >"$T/unicode.txt"
expect_rc "UTF-16LE tab file" 0 "$JIUYE" person import "$T/unicode.txt"
expect_contains "utf-16 detected" '"encoding":"utf-16le"' "$(cat "$T/stdout")"
expect_contains "utf-16: same persons" '"unchanged":3' "$(cat "$T/stdout")"
expect_rc "explicit --encoding gb18030" 0 "$JIUYE" person import "$T/roster_gb18030.csv" --encoding gb18030

# forcing UTF-8 on a GB18030 file: its header is not readable, and the error says so
expect_rc "wrong forced encoding" 1 "$JIUYE" person import "$T/roster_gb18030.csv" --encoding utf-8
expect_contains "no header" "no header row" "$(cat "$T/stderr")"

# a GB18030 file with one undecodable byte in a name: that row alone is rejected
{ head -2 "$T/roster_gb18030.csv"; head -3 "$T/roster_gb18030.csv" | tail -1 | sed 's/^2,/2,\xff/'; } >"$T/damaged.csv"
expect_rc "damaged row" 1 "$JIUYE" person import "$T/damaged.csv" --encoding gb18030 --report "$T/dmg.csv"
expect_contains "one good, one rejected" '"rows":2,"created":0,"updated":0,"unchanged":1,"rejected":1' "$(cat "$T/stdout")"
expect_contains "reason names the encoding" "not valid gb18030 text" "$(cat "$T/dmg.csv")"

# quoted fields: commas, doubled quotes and a line break inside a cell, CRLF line ends
printf '姓名,身份证号,家庭住址\r\n"马,""小""明",%s,"海原县七营镇\r\n张堡村"\r\n' "$A" >"$T/quoted.csv"
expect_rc "quoted fields" 0 "$JIUYE" person import "$T/quoted.csv"
out=$("$JIUYE" person show "$A")
expect_contains "comma and quotes in a name" '"name":"马,\"小\"明"' "$out"
expect_contains "line break in an address" '"address":"海原县七营镇\r\n张堡村"' "$out"
finish
