#!/bin/bash
# `policy eval` (issue 14 item 6): the fast reader (src/policy/reader.c) gives the same bytes as
# the reference reader (--reference: getline and jansson, the reading before it) on a corpus of
# every programme's table cases in several layouts, the seed's names and spellings, Chinese text,
# every kind of bad line (the error texts too), invalid UTF-8, escapes, blank lines, a line of
# 2 MB and a last line without a newline, with and without reasons; and the fast reader itself
# reads the ordinary lines (JY_EVAL_STATS), not the reference behind it.
source "$JY_SOURCE_DIR/tests/lib.sh"
POL="$JY_SOURCE_DIR/policy"
python3 "$JY_SOURCE_DIR/tests/policy/eval_corpus.py" "$JY_SOURCE_DIR/tests/policy" "$T/in.jsonl" 4 14 ||
  { fail "corpus generator"; finish; }
python3 - "$T/in.jsonl" <<'PY'
import sys
with open(sys.argv[1], "rb") as f: data = f.read()
big = b'{"id":"big",' + b' ' * 2000000 + b'"program":"P10","date":"2024-08-20","facts":{"working_days":17}}\n'
i = data.index(b"\n", len(data) // 2) + 1
with open(sys.argv[1], "wb") as f: f.write(data[:i] + big + data[i:])
PY
lines=$(wc -l <"$T/in.jsonl")
[ "$lines" -ge 3000 ] || fail "corpus: only $lines lines"
for mode in "" "--no-reasons"; do
  "$JIUYE" policy eval --policy "$POL" $mode --reference <"$T/in.jsonl" >"$T/ref.out" 2>"$T/err" || fail "reference eval $mode: $(cat "$T/err")"
  JY_EVAL_STATS=1 "$JIUYE" policy eval --policy "$POL" $mode <"$T/in.jsonl" >"$T/fast.out" 2>"$T/stats" || fail "fast eval $mode: $(cat "$T/stats")"
  [ -n "$mode" ] || cp "$T/fast.out" "$T/reasons.out"
  cmp "$T/ref.out" "$T/fast.out" || fail "eval $mode: the fast reader's output differs from the reference: $(cmp "$T/ref.out" "$T/fast.out" 2>&1 | head -1)"
  # through a pipe, in small pieces (the reader's buffer refilled mid-line)
  JY_EVAL_STATS=0 "$JIUYE" policy eval --policy "$POL" $mode < <(dd if="$T/in.jsonl" bs=977 2>/dev/null) >"$T/pipe.out" || fail "pipe eval $mode"
  cmp "$T/ref.out" "$T/pipe.out" || fail "eval $mode through a pipe differs"
done
out_lines=$(wc -l <"$T/ref.out")
[ "$out_lines" -ge 3000 ] || fail "only $out_lines output lines"
for kind in eligible ineligible needs_review; do
  n=$(grep -c "\"decision\":\"$kind\"" "$T/ref.out" || true)
  [ "$n" -ge 100 ] || fail "only $n $kind decisions in the corpus"
done
nerr=$(grep -c '"error":' "$T/ref.out" || true)
[ "$nerr" -ge 300 ] || fail "only $nerr error lines in the corpus"
for p in $(seq 1 26); do
  grep -q "\"program\":\"P$p\"" "$T/in.jsonl" || fail "no P$p case in the corpus"
done
grep -q '"id":"案例-' "$T/reasons.out" || fail "no Chinese id in the output"
grep -qF 'unknown fact \"working_dayz\" — did you mean \"working_days\"?' "$T/reasons.out" || fail "no did-you-mean error text"
grep -qF '火星种植员' "$T/reasons.out" || fail "no review naming an unknown occupation"
# the fast reader read the ordinary lines itself: at least 60 % of all (a seventh of the lines
# have escapes, and many are errors or values only the reference reads), the errors went to the reference
read -r fast ref < <(sed -n 's/^policy eval: \([0-9]*\) lines by the fast reader, \([0-9]*\) by the reference reader$/\1 \2/p' "$T/stats")
[ -n "${fast:-}" ] || fail "no JY_EVAL_STATS line: $(cat "$T/stats")"
total=$((fast + ref))
[ "$total" -gt 0 ] && [ $((fast * 100 / total)) -ge 60 ] || fail "the fast reader read only $fast of $total lines"
[ "$ref" -ge "$nerr" ] || fail "$nerr errors but only $ref lines went to the reference reader"
finish
