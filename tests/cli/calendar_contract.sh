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

# The turn of the year (issue 10 item 16), on a copy of policy/ whose calendar ends a year early
# (2025): 2026 is then "not yet published", as every next year is in December. A date that needs
# it is answered by the weekend rule and says "provisional"; a year before the first one with
# data is missing data, not unpublished: exit 1, {"error": …} on stdout, the message on stderr.
mkdir -p "$T/early"
cp -r "$JY_SOURCE_DIR/policy/." "$T/early/"
python3 - "$T/early/calendar.txt" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(s[:s.index("\nyear 2026")] + "\n")
PY
E="--policy $T/early"
export JIUYE_TODAY=2025-12-20
expect_out "counting into 2026: weekends only, provisional" \
  '{"date":"2025-12-29","n":5,"result":"2026-01-02","provisional":true,"provisional_year":2026}' 0 \
  "$JIUYE" $E calendar nth-workday 2025-12-29 5
expect_contains "a warning on stderr" "no holiday calendar for 2026 in policy/calendar.txt (today is 2025-12-20)" "$(cat "$T/stderr")"
expect_out "with the 2026 notice: 元旦 off, 01-04 worked" '{"date":"2025-12-29","n":5,"result":"2026-01-05"}' 0 \
  "$JIUYE" calendar nth-workday 2025-12-29 5
expect_out "2026-01-01 provisional" '{"date":"2026-01-01","workday":true,"provisional":true,"provisional_year":2026}' 0 \
  "$JIUYE" $E calendar is-workday 2026-01-01
expect_out "range into 2026" '{"from":"2025-12-01","to":"2026-01-31","workdays":45,"provisional":true,"provisional_year":2026}' 0 \
  "$JIUYE" $E calendar workdays 2025-12-01 2026-01-31
expect_out "month of 2026" '{"month":"2026-02","workdays":20,"provisional":true,"provisional_year":2026}' 0 \
  "$JIUYE" $E calendar month 2026-02
expect_out "within the data: not provisional" '{"date":"2025-12-22","n":5,"result":"2025-12-26"}' 0 \
  "$JIUYE" $E calendar nth-workday 2025-12-22 5
want='{"error":"no holiday calendar for 2022: add the State Council notice for 2022 to policy/calendar.txt"}'
expect_out "2022 has no data" "$want" 1 "$JIUYE" calendar is-workday 2022-01-04
expect_contains "stderr message" "no holiday calendar for 2022" "$(cat "$T/stderr")"
expect_out "counting back from a year without data" "$want" 1 "$JIUYE" calendar nth-workday 2022-12-28 5
# calendar status (JSON for the API and the dashboard): from 1 November the next year is missing
JIUYE_TODAY=2025-10-31 expect_out "status before November" \
  '{"today":"2025-10-31","first_year":2023,"last_year":2025,"years":[2023,2024,2025],"missing_year":null,"provisional_from":"2026-01-01","warning":null}' 0 \
  "$JIUYE" $E calendar status
JIUYE_TODAY=2025-10-31 expect_out "no warning before November" "" 0 sh -c "'$JIUYE' $E calendar month 2025-12 2>&1 >/dev/null"
out=$(JIUYE_TODAY=2025-11-01 "$JIUYE" $E calendar status)
expect_contains "status from 1 November" '"missing_year":2026,' "$out"
expect_contains "status warning" '"warning":"no holiday calendar for 2026 in policy/calendar.txt (today is 2025-11-01)' "$out"
out=$(JIUYE_TODAY=2026-02-01 "$JIUYE" $E calendar status)
expect_contains "still missing in the year itself" '"missing_year":2026,' "$out"
out=$(JIUYE_TODAY=2025-11-01 "$JIUYE" calendar status)
expect_contains "the shipped file has 2026" '"missing_year":null' "$out"
unset JIUYE_TODAY
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
