#!/usr/bin/env bash
# Filing to payment, events and sessions against their budgets (P11 campus events 30,000 each,
# P26 staff training 40,000 a session, P5 trainer upgrading) and infrastructure with yearly
# running subsidies (P6: built 600,000, then 100,000 a year for two years, a third refused),
# through the CLI on a fresh database. Approval commits the money; a cancelled event releases it;
# the event is held, then paid by a batch to the organiser's basic account.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
BUREAU=$(org_add 1 海原县就业创业服务中心 service_centre)
e1=$($J --as rev case file --program P11 --org "$BUREAU" --date 2024-03-01 --facts '{"event_count":1}' | idof)
e2=$($J --as rev case file --program P11 --org "$BUREAU" --date 2024-03-01 --facts '{"event_count":2}' | idof)
step approved rev 2024-03-04 approve "$e1"
expect_contains "approval commits 30,000" '承诺资金 30,000.00' "$LAST"
step approved rev 2024-03-04 approve "$e2"
expect_out "P11 committed 60000" "60000.00" 0 committed P11
step cancelled rev 2024-03-10 advance "$e2" cancel
expect_out "cancelled event released" "30000.00" 0 committed P11
step held rev 2024-03-20 advance "$e1" hold
s=$($J --as rev case file --program P26 --org "$BUREAU" --date 2024-04-01 --facts '{"class_days":3}' | idof)
step approved rev 2024-04-02 approve "$s"
expect_contains "P26 40,000 a session" '"amount":"40000.00"' "$LAST"
# not held yet: the batch leaves it out and says why
expect_rc "P26 before the session: nothing to pay" 1 $J --as acct batch build --program P26
expect_contains "says why" "当前状态为 approved，尚不能拨付" "$(cat "$T/stderr")"
step held rev 2024-04-05 advance "$s" hold
for prog in P11 P26; do paybatch "$prog"; expect_contains "$prog paid" '"paid_now":1' "$PAID"; done
expect_out "event paid" "paid" 0 state "$e1"
expect_out "session paid" "paid" 0 state "$s"
expect_out "P11 paid 30000" "30000.00" 0 paid P11
# ---- P6 infrastructure: built, then running subsidies per year (one case a year) ----
G=$(org_add 2 海原县零工市场 gig_station)
for y in 0 1 2 3; do
  x=$($J --as rev case file --program P6 --kind infrastructure --org "$G" --date "2024-0$((y + 5))-06" \
      --facts "{\"public_area\":600,\"windows\":5,\"operating_year\":$y}")
  id=$(echo "$x" | idof)
  case $y in
    0) expect_contains "P6 built: 600,000" '"amount":"600000.00"' "$x" ;;
    1|2) expect_contains "P6 running year $y: 100,000" '"amount":"100000.00"' "$x" ;;
    3) expect_contains "P6 third running year refused" '"decision":"ineligible"' "$x"; continue ;;
  esac
  step approved rev "2024-0$((y + 5))-07" approve "$id"
  step held rev "2024-0$((y + 5))-10" advance "$id" hold
done
paybatch P6
expect_contains "P6: three payments" '"paid_now":3' "$PAID"
expect_out "P6 paid 800000" "800000.00" 0 paid P6
books "end"
finish
