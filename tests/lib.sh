# Shared helpers for whole-program tests (sourced, not run by ctest: no name of its own).
# Each test gets: $JIUYE (the binary), a fresh $T work directory, and assertions that print
# what differed and exit non-zero.
set -u
: "${JIUYE:?JIUYE must name the jiuye binary}"
T=$(mktemp -d "${JY_TEST_TMP:-/tmp}/jy.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
export JIUYE_DB="$T/test.db"
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

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
