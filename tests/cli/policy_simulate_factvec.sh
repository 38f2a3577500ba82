#!/usr/bin/env bash
# Fact vectors (issue 14 item 4, migration 15; docs/policy.md "Fact vectors"): a filed case keeps
# the engine's reading of its facts beside them (cases.fact_vec), a workflow step that leaves the
# facts alone keeps it, and `jiuye policy simulate` copies it instead of reading the facts — with
# exactly the same report as reading every row's facts (JY_SIM_FACTVEC=off) and as the jansson
# reader on every row (JY_SIM_VERIFY=off). A vector that does not belong to its row (here: one
# case's vector copied onto every case, and vectors cut short) is refused, never used: the report
# stays the same and the vectors used drop to the one case it belongs to. Both backends.
. "$(dirname "$0")/../lib.sh"
POLICY=$(cd "$(dirname "$0")/../../policy" && pwd)
export JIUYE_POLICY=$POLICY
"$JIUYE" demo --persons 300 --orgs 40 --year-cases small >"$T/demo.json" 2>"$T/demo.err" || {
  cat "$T/demo.err" >&2
  fail "demo"
  finish
}
q() { # one value of a query on the backend under test
  if [ "$JY_BACKEND" = postgresql ]; then
    psql "$JIUYE_DB" -qAt -v ON_ERROR_STOP=1 -c "$1"
  else
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print("\n".join(str(x[0]) for x in r))' "$JIUYE_DB" "$1"
  fi
}
LEN="length(fact_vec)"
n_cases=$(q "SELECT COUNT(*) FROM cases WHERE kind <> 'training_class'")
n_vec=$(q "SELECT COUNT(*) FROM cases WHERE fact_vec IS NOT NULL")
[ "${n_vec:-0}" -gt 0 ] || fail "no case has a fact vector (of $n_cases)"
# every filed case whose facts the reader reads has one, also after its workflow steps
moved=$(q "SELECT COUNT(*) FROM cases WHERE fact_vec IS NOT NULL AND state NOT IN ('filed', 'submitted', 'received')")
[ "${moved:-0}" -gt 0 ] || fail "no case past its first step kept its vector"
short=$(q "SELECT COUNT(*) FROM cases WHERE fact_vec IS NOT NULL AND $LEN < 27")
[ "$short" = 0 ] || fail "$short vectors shorter than their head"

sim() { # simulate with the given environment; the report to $T/$1.json, the stats line to $T/$1.err
  local name=$1; shift
  env JY_SIM_STATS=1 "$@" "$JIUYE" policy simulate --set "p1.level5=1200元 from 2024-01-01" \
    --set "p13.monthly=1800元 from 2024-01-01" --cases >"$T/$name.json" 2>"$T/$name.err" || {
    cat "$T/$name.err" >&2
    fail "simulate ($name)"
  }
}
used() { sed -n 's/.* \([0-9]*\) from stored fact vectors.*/\1/p' "$T/$1.err"; }
sim vec
sim vec_checked JY_SIM_VERIFY=1
sim novec JY_SIM_FACTVEC=off
sim jansson JY_SIM_VERIFY=off
[ "$(used vec)" -gt 0 ] 2>/dev/null || fail "no row read from its fact vector: $(cat "$T/vec.err")"
[ "$(used vec)" -le "$n_vec" ] || fail "more vectors used than stored"
[ "$(used novec)" = 0 ] || fail "JY_SIM_FACTVEC=off used vectors: $(cat "$T/novec.err")"
cmp -s "$T/vec.json" "$T/novec.json" || fail "the report with fact vectors differs from the one reading the facts"
cmp -s "$T/vec.json" "$T/vec_checked.json" || fail "the report with every row checked differs"
cmp -s "$T/vec.json" "$T/jansson.json" || fail "the report with fact vectors differs from the jansson reader's"
grep -q '"changed":[1-9]' "$T/vec.json" || fail "the change changes nothing: the comparison proves little"

# one P1 case's vector on every case: refused on all the others, the same report
one=$(q "SELECT MIN(id) FROM cases WHERE fact_vec IS NOT NULL AND program = 'P1'")
q "UPDATE cases SET fact_vec = (SELECT fact_vec FROM cases WHERE id = $one) WHERE fact_vec IS NOT NULL" >/dev/null
sim foreign
cmp -s "$T/vec.json" "$T/foreign.json" || fail "a vector copied onto other cases changed the report"
[ "$(used foreign)" -le 1 ] || fail "a foreign vector was used: $(cat "$T/foreign.err")"
# vectors cut short: refused
if [ "$JY_BACKEND" = postgresql ]; then
  q "UPDATE cases SET fact_vec = substring(fact_vec from 1 for 20) WHERE fact_vec IS NOT NULL" >/dev/null
else
  q "UPDATE cases SET fact_vec = substr(fact_vec, 1, 20) WHERE fact_vec IS NOT NULL" >/dev/null
fi
sim cut

cmp -s "$T/vec.json" "$T/cut.json" || fail "vectors cut short changed the report"
[ "$(used cut)" = 0 ] || fail "a cut vector was used: $(cat "$T/cut.err")"
finish
