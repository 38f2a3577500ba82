#!/usr/bin/env bash
# Browser tests of the staff pages (issue 12; docs/web.md): makes a demo county with one account
# per role (`jiuye demo --accounts`), starts `jiuye serve --web web/dist` on a free loopback port,
# and runs tests/web/*.test.mjs with node's test runner, driving Debian's Chromium
# (/usr/bin/chromium) headless through playwright-core. The tests save screenshots of the main
# pages to docs/screenshots/ (1366×768).
#   tests/web/run.sh [JIUYE_BINARY]      (default build/jiuye; web/dist must be built: make web)
#   JY_WEB_TESTS="tests/web/pages.test.mjs" tests/web/run.sh …   runs some of the files only
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JIUYE=${1:-${JIUYE:-$ROOT/build/jiuye}}
[ -x "$JIUYE" ] || { echo "tests/web: no jiuye binary at $JIUYE (make build)" >&2; exit 1; }
[ -f "$ROOT/web/dist/index.html" ] || { echo "tests/web: web/dist is not built (make web)" >&2; exit 1; }
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "tests/web: no Chromium at $CHROMIUM (scripts/deps.sh installs it)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/jy-web.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT

export JIUYE_POLICY="$ROOT/policy" JIUYE_DB="$T/web.db" JIUYE_KEY_FILE="$T/jiuye.key" JIUYE_ACTOR=demo
"$JIUYE" user keygen "$JIUYE_KEY_FILE" >/dev/null
"$JIUYE" init >/dev/null
"$JIUYE" demo --persons 400 --orgs 40 --year-cases small --accounts "$T/accounts.txt" >/dev/null
# an account whose password an administrator set: the first login must change it
printf 'Fresh-Start-Init-2026!\n' >"$T/pw"
"$JIUYE" --as demo-security user add web-newbie --role county_reviewer --area 640522 --password-file "$T/pw" >/dev/null

# issue 12 item 2 (web3): the second people of the four-eyes steps — a second county reviewer
# (reviews and commits the payroll month the first one ran) and a second finance user (approves
# the batch the first one built), both with an administrator's password to change at first login
"$JIUYE" --as demo-security user add web-rev2 --role county_reviewer --area 640522 --password-file "$T/pw" >/dev/null
"$JIUYE" --as demo-security user add web-fin2 --role finance --area 640522 --password-file "$T/pw" >/dev/null
fin2_secret=$("$JIUYE" --as demo-security user totp web-fin2 enroll | sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p')
[ -n "$fin2_secret" ] || { echo "tests/web: no TOTP secret for web-fin2" >&2; exit 1; }
export JY_WEB_FIN2_SECRET="$fin2_secret"
# a P13 intern (a 2023 graduate of demo-town's county) at the demo's P13 host from 2024-03, whose
# April the grid enters from nothing (tests/web/money.test.mjs)
p13_host=$(sqlite3 "$JIUYE_DB" "select o.uscc from placements p join orgs o on o.id = p.host_org_id where p.program = 'P13' order by p.id limit 1")
"$JIUYE" --as demo-county person add --idcard 640522200103151233 --name 马见习 --hukou-division 640522100 \
  --status graduate:2023-07-01:2023 >/dev/null
"$JIUYE" --as demo-county ledger card 640522200103151233 6228480012345678903 >/dev/null
"$JIUYE" --as demo-county placement start --program P13 --person 640522200103151233 --host "$p13_host" \
  --start 2024-03-01 --end 2024-08-31 >/dev/null 2>&1
export JY_WEB_P13_NAME=马见习

# persons for the township checks: one in demo-town's township, one in another township
town=$(awk -F'\t' '$2 == "demo-town" {print $5}' "$T/accounts.txt")
own=$(sqlite3 "$JIUYE_DB" "select id from persons where hukou_division like '$town%' order by id limit 1")
other=$(sqlite3 "$JIUYE_DB" "select id from persons where hukou_division like '640522%' and length(hukou_division) >= 9 and hukou_division not like '$town%' order by id limit 1")
busy=$(sqlite3 "$JIUYE_DB" "select person_id from cases where person_id is not null group by person_id order by count(*) desc, person_id limit 1")
body_case=$(sqlite3 "$JIUYE_DB" "select c.id from cases c join users u on u.org_id = c.org_id where u.name = 'demo-body' and c.state = 'filed' order by c.id limit 1")
other_idcard=$(sqlite3 "$JIUYE_DB" "select idcard from persons where id = $other")

"$JIUYE" serve --port 0 --threads 2 --quiet --rate 0 --user-rate 0 --web "$ROOT/web/dist" >"$T/serve.out" 2>"$T/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$T/serve.out" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "tests/web: server did not start: $(cat "$T/serve.err")" >&2; exit 1; }

export JY_WEB_TMP="$T" JY_WEB_BASE="http://127.0.0.1:$PORT" JY_WEB_ACCOUNTS="$T/accounts.txt" JY_WEB_CHROMIUM="$CHROMIUM" \
  JY_WEB_OWN_PERSON="$own" JY_WEB_OTHER_PERSON="$other" JY_WEB_OTHER_IDCARD="$other_idcard" JY_WEB_BUSY_PERSON="$busy" JY_WEB_BODY_CASE="$body_case" \
  JY_WEB_SHOTS="${JY_WEB_SHOTS:-$ROOT/docs/screenshots}" JY_WEB_NEWBIE_PW='Fresh-Start-Init-2026!' JY_WEB_ROOT="$ROOT"
cd "$ROOT"
node --test --test-concurrency=1 ${JY_WEB_TESTS:-tests/web/}
