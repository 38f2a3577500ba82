#!/bin/bash
# Policy tests are data: every tests/policy/*.tsv row (id, program, date, facts JSON, expected
# decision, expected amount or -, a clause that must appear in the reasons or -) is piped through
# `jiuye policy eval` and compared. One driver for every programme.
source "$JY_SOURCE_DIR/tests/lib.sh"
POL="$JY_SOURCE_DIR/policy"
n=0
for table in "$JY_SOURCE_DIR"/tests/policy/*.tsv; do
  name=$(basename "$table" .tsv)
  rows=$(grep -v '^#' "$table" | grep -cv '^$')
  [ "$rows" -ge 10 ] || fail "$name: only $rows rows (at least 10 per programme)"
  grep -v '^#' "$table" | grep -v '^$' | awk -F'\t' '{printf "{\"id\":\"%s\",\"program\":\"%s\",\"date\":\"%s\",\"facts\":%s}\n",$1,$2,$3,$4}' >"$T/in.jsonl"
  "$JIUYE" policy eval --policy "$POL" <"$T/in.jsonl" >"$T/out.jsonl" 2>"$T/err" || fail "$name: eval exited non-zero: $(cat "$T/err")"
  paste <(grep -v '^#' "$table" | grep -v '^$') "$T/out.jsonl" >"$T/joined"
  while IFS=$'\t' read -r id prog date facts want_dec want_amt want_clause got; do
    n=$((n + 1))
    dec=$(printf '%s' "$got" | sed -n 's/.*"decision":"\([a-z_]*\)".*/\1/p')
    amt=$(printf '%s' "$got" | sed -n 's/.*"amount":"\([0-9.]*\)".*/\1/p')
    [ -z "$amt" ] && amt=-
    if [ "$dec" != "$want_dec" ] || [ "$amt" != "$want_amt" ]; then
      fail "$name/$id: want $want_dec $want_amt, got $got"
    elif [ "$want_clause" != "-" ] && ! printf '%s' "$got" | grep -qF "\"clause\":\"$want_clause\""; then
      fail "$name/$id: clause \"$want_clause\" not among the reasons: $got"
    fi
  done <"$T/joined"
done
for i in $(seq 1 26); do
  [ -f "$JY_SOURCE_DIR/tests/policy/p$i.tsv" ] || fail "programme P$i has no test table (tests/policy/p$i.tsv)"
done
[ "$n" -ge 260 ] || fail "only $n table rows ran"
echo "$n table rows"
finish
