# CLI contract of `jiuye calendar …` (docs/domain.md): the issue's facts, publicity across National
# Day, the refusal to answer for a year without data, and an administrator adding a year.
source "$JY_SOURCE_DIR/tests/lib.sh"
unset JIUYE_POLICY

expect_out "调休 Saturday" '{"date":"2024-10-12","workday":true}' 0 "$JIUYE" calendar is-workday 2024-10-12
expect_out "2023 国庆调休" '{"date":"2023-10-07","workday":true}' 0 "$JIUYE" calendar is-workday 2023-10-07
expect_out "2024 春节调休" '{"date":"2024-02-04","workday":true}' 0 "$JIUYE" calendar is-workday 2024-02-04
expect_out "2024 春节" '{"date":"2024-02-12","workday":false}' 0 "$JIUYE" calendar is-workday 2024-02-12
expect_out "2025 劳动节" '{"date":"2025-05-05","workday":false}' 0 "$JIUYE" calendar is-workday 2025-05-05
expect_out "publicity across National Day" '{"date":"2024-09-27","n":5,"result":"2024-10-09"}' 0 \
  "$JIUYE" calendar nth-workday 2024-09-27 5
expect_out "from a holiday" '{"date":"2024-10-01","n":1,"result":"2024-10-08"}' 0 \
  "$JIUYE" calendar nth-workday 2024-10-01 1
expect_out "both ends included" '{"from":"2024-09-27","to":"2024-10-09","workdays":5}' 0 \
  "$JIUYE" calendar workdays 2024-09-27 2024-10-09
for y in 2023:249 2024:251 2025:248 2026:248; do
  expect_out "total $y" "{\"from\":\"${y%:*}-01-01\",\"to\":\"${y%:*}-12-31\",\"workdays\":${y#*:}}" 0 \
    "$JIUYE" calendar workdays "${y%:*}-01-01" "${y%:*}-12-31"
done
expect_out "month" '{"month":"2024-10","workdays":19}' 0 "$JIUYE" calendar month 2024-10

# no data: exit 1, {"error": …} on stdout, the message on stderr
want='{"error":"no holiday calendar for 2027: add the State Council notice for 2027 to policy/calendar.txt"}'
expect_out "2027 has no data" "$want" 1 "$JIUYE" calendar is-workday 2027-01-04
expect_out "range into 2027" "$want" 1 "$JIUYE" calendar workdays 2026-12-01 2027-01-31
expect_out "counting into 2027" "$want" 1 "$JIUYE" calendar nth-workday 2026-12-28 5
"$JIUYE" calendar is-workday 2027-01-04 >/dev/null 2>"$T/err" || true
expect_contains "stderr message" "no holiday calendar for 2027" "$(cat "$T/err")"
expect_out "bad date" '{"error":"date \"2024-02-30\": 2024-02 has no day 30"}' 1 "$JIUYE" calendar is-workday 2024-02-30
expect_out "reversed range" '{"error":"FROM 2024-10-09 is after TO 2024-09-27"}' 1 "$JIUYE" calendar workdays 2024-10-09 2024-09-27

# usage
expect_rc "no subcommand" 2 "$JIUYE" calendar
expect_rc "unknown subcommand" 2 "$JIUYE" calendar holidays 2024
expect_rc "N not a number" 2 "$JIUYE" calendar nth-workday 2024-09-27 five
expect_rc "N zero" 2 "$JIUYE" calendar nth-workday 2024-09-27 0
expect_rc "missing TO" 2 "$JIUYE" calendar workdays 2024-09-27

# an administrator adds 2027 (a made-up arrangement, for the test only) without rebuilding
mkdir -p "$T/policy"
cp "$JY_SOURCE_DIR/policy/calendar.txt" "$T/policy/calendar.txt"
cat >>"$T/policy/calendar.txt" <<'CAL'

year 2027  test block
off  2027-01-01              元旦
off  2027-02-06..2027-02-12  春节
work 2027-02-13              春节调休
CAL
expect_out "2027 after adding it" '{"date":"2027-02-13","workday":true}' 0 \
  "$JIUYE" --policy "$T/policy" calendar is-workday 2027-02-13
JIUYE_POLICY="$T/policy" expect_out "JIUYE_POLICY works too" '{"date":"2027-02-08","workday":false}' 0 \
  "$JIUYE" calendar is-workday 2027-02-08
echo "work 2027-02-15 typo" >>"$T/policy/calendar.txt"
lines=$(wc -l <"$T/policy/calendar.txt")
out=$("$JIUYE" --policy "$T/policy" calendar is-workday 2027-02-13 2>/dev/null) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "broken calendar: exit $rc, want 1"
expect_contains "file:line of the mistake" "calendar.txt:$lines: 2027-02-15 is a weekday" "$out"
finish
