# Helpers for the ledger and batch tests (tests/cli/ledger_*.sh, batch_*.sh), sourced after
# tests/lib.sh: valid test identifiers, SQL on the database under test, and the balance check
# every test ends with.

# idcard SEQ: a valid 18-digit ID number of a Haiyuan man born 1990-01-01, sequence SEQ (1..999).
idcard() {
  python3 - "$1" <<'PY'
import sys
body = "6405221990%04d%03d" % (101, int(sys.argv[1]))
body = body[:17]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
s = sum(int(c) * k for c, k in zip(body, w))
print(body + "10X98765432"[s % 11])
PY
}

# luhn DIGITS: DIGITS with its Luhn check digit appended (a social security card account).
luhn() {
  python3 - "$1" <<'PY'
import sys
d = sys.argv[1]; s = 0
for i, c in enumerate(reversed(d)):
    n = int(c)
    if i % 2 == 0:
        n *= 2
        n = n - 9 if n > 9 else n
    s += n
print(d + str((10 - s % 10) % 10))
PY
}

# sql "STATEMENT": runs SQL on the database under test (sqlite3 shell or psql), prints rows.
sql() {
  if [ "$JY_BACKEND" = postgresql ]; then psql "$JIUYE_DB" -qAt -v ON_ERROR_STOP=1 -c "$1"
  else sqlite3 "$JIUYE_DB" "$1"; fi
}

# books_balance "where": `jiuye ledger check` must say ok, and the audit chain must verify.
books_balance() {
  local out rc
  out=$($JIUYE ledger check 2>&1) && rc=0 || rc=$?
  [ "$rc" = 0 ] || fail "$1: ledger check exited $rc: $out"
  expect_contains "$1: ledger check" '"ok":true' "$out"
  out=$($JIUYE audit verify 2>&1) || fail "$1: audit verify: $out"
}

# field JSON KEY: the string or number value of "KEY" in one JSON object (first occurrence).
field() {
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(v if v is not None else "")' "$1" "$2"
}
