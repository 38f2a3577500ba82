# Shared helpers for whole-program tests (sourced, not run by ctest: no name of its own).
# Each test gets: $JIUYE (the binary), a fresh $T work directory, and assertions that print
# what differed and exit non-zero.
set -u
: "${JIUYE:?JIUYE must name the jiuye binary}"
T=$(mktemp -d "${JY_TEST_TMP:-/tmp}/jy.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
export JIUYE_DB="$T/test.db"
# Backend under test (issue 3): JY_TEST_BACKEND=postgresql runs the test against a fresh
# PostgreSQL database on the test server JY_TEST_PG_URL (scripts/pg-test-server.sh start prints
# it), created here and dropped at exit; JIUYE_DB names it. JY_BACKEND says which backend runs,
# for expectations that differ ("sqlite" / "postgresql"). jy_fresh_db prints the URL of another
# fresh database of the same backend (a path under $T for SQLite).
JY_BACKEND=sqlite
jy_fresh_db() {
  if [ "$JY_BACKEND" = postgresql ]; then
    local name="jy_t_$$_${RANDOM}${RANDOM}" # $$ is this script's pid, in subshells too
    psql "$JY_TEST_PG_URL" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null || return 1
    echo "${JY_TEST_PG_URL%/*}/$name"
  else
    mktemp -u "$T/db.XXXXXX"
  fi
}
jy_drop_dbs() { # every database this script created (names are digits and letters we made)
  local d
  for d in $(psql "$JY_TEST_PG_URL" -qAt -c "SELECT datname FROM pg_database WHERE datname LIKE 'jy\_t\_$$\_%'"); do
    psql "$JY_TEST_PG_URL" -qAt -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
  done
}
if [ "${JY_TEST_BACKEND:-sqlite}" = postgresql ]; then
  : "${JY_TEST_PG_URL:?JY_TEST_BACKEND=postgresql needs JY_TEST_PG_URL (scripts/pg-test-server.sh start)}"
  JY_BACKEND=postgresql
  trap 'rm -rf "$T"; jy_drop_dbs' EXIT
  JIUYE_DB=$(jy_fresh_db) || { echo "cannot create a test database on $JY_TEST_PG_URL" >&2; exit 1; }
  export JIUYE_DB
fi
export JY_BACKEND
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
# mask_id ID: an 18-character ID number as every output shows it (640522********1234, docs/privacy.md)
mask_id() { printf '%s' "${1:0:6}********${1:14:4}"; }

# expect_out "description" "expected stdout" expected_exit cmd args...
expect_out() {
  local desc=$1 want=$2 want_rc=$3; shift 3
  local got rc
  got=$("$@" 2>"$T/stderr") && rc=0 || rc=$?
  if [ "$got" != "$want" ] || [ "$rc" != "$want_rc" ]; then
    fail "$desc: $*"
    echo "  want (rc=$want_rc): $want" >&2
    echo "  got  (rc=$rc): $got" >&2
    sed 's/^/  stderr: /' "$T/stderr" >&2
  fi
}

# expect_rc "description" expected_exit cmd args...
expect_rc() {
  local desc=$1 want_rc=$2; shift 2
  local rc
  "$@" >"$T/stdout" 2>"$T/stderr" && rc=0 || rc=$?
  if [ "$rc" != "$want_rc" ]; then
    fail "$desc: $* exited $rc, want $want_rc"
    sed 's/^/  stdout: /' "$T/stdout" >&2
    sed 's/^/  stderr: /' "$T/stderr" >&2
  fi
}

# expect_contains "description" "needle" "haystack"
expect_contains() {
  case "$3" in
    *"$2"*) ;;
    *) fail "$1: wanted \"$2\" in: $3" ;;
  esac
}

finish() {
  if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
