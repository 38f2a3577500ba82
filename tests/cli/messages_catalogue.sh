#!/usr/bin/env bash
# Messages in Chinese (issue 13 item 4, docs/messages.md): the catalogue `jiuye messages` lists
# every jy_err_set2 site linked into the program. Every key has a Chinese text that is present,
# non-empty and Chinese, one pair of texts per key, and a well-formed key; every key written in
# the source is in the catalogue; and the layers converted set no message without a key (a bare
# jy_err_set / jy_err_prefix / row_error / jy_http_reply_error there fails this test).
source "$JY_SOURCE_DIR/tests/lib.sh"
cd "$JY_SOURCE_DIR"

$JIUYE messages >"$T/cat.json" || fail "jiuye messages"
python3 - "$T/cat.json" <<'PY' || fail "catalogue check"
import json, re, sys, glob
cat = json.load(open(sys.argv[1]))
bad = []
keys = {}
# messages whose whole text is an argument built in the process's language elsewhere (a reason
# text from jy_err_text, a sentence built in both languages): their Chinese is in the argument
PASS_THROUGH = {"import.phone", "import.sscard", "ledger.track_unfunded"}
for e in cat:
    k = e["key"]
    if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", k): bad.append(f"{k}: malformed key")
    if k in keys: bad.append(f"{k}: two different pairs of texts ({keys[k]} and {e['sites']})")
    keys[k] = e["sites"]
    zh, en = e["zh"], e["en"]
    if not zh.strip(): bad.append(f"{k}: no Chinese text ({e['sites']})")
    elif not re.search(r"[\u4e00-\u9fff]", zh) and k not in PASS_THROUGH: bad.append(f"{k}: Chinese text has no Chinese: {zh!r}")
    if not en.strip() and k not in ("import.phone",): bad.append(f"{k}: no English text")
# every key written in the source is catalogued (so the binary links every site)
src_keys = set()
call = re.compile(r"\b(jy_err_set2|row_error2|WHY2|perr2|field_fail2|jy_http_reply_error2|jp_diag_add2|HFAIL2)\(")
lit = re.compile(r'"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"')
# linked only into bench/ (jy_store_case_bulk_insert: nothing in jiuye calls it), so not in its catalogue
BENCH_ONLY = {"src/store/cases_bulk.c"}
for p in glob.glob("src/**/*.c", recursive=True):
    if p in BENCH_ONLY: continue
    s = open(p, encoding="utf-8").read()
    for m in call.finditer(s):
        if s[max(0, m.start() - 8):m.start()].endswith("define "): continue
        k = lit.search(s, m.end(), m.end() + 400)
        if k: src_keys.add(k.group(1))
# compiled only without libxlsxwriter (#ifndef JY_HAVE_XLSXWRITER)
NOT_BUILT = {"xlsx.not_built", "report.xlsx_not_built"}
missing = sorted(src_keys - set(keys) - NOT_BUILT)
if missing: bad.append(f"keys in the source but not in `jiuye messages`: {missing}")
if len(keys) < 300: bad.append(f"only {len(keys)} keys catalogued")
for b in bad: print("  " + b, file=sys.stderr)
print(f"{len(keys)} keys, {sum(len(e['sites']) for e in cat)} sites, {len(src_keys)} keys in the source", file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# the layers converted: no message without a key and a Chinese text
# every layer now: only the functions' own definitions in src/base/err.c remain
converted="src"
bare=$(grep -rnE '\b(jy_err_set|jy_err_prefix|row_error|perr)[[:space:]]*\(' $converted --include='*.c' |
       grep -vE '^src/base/err\.c:[0-9]+:int jy_err_(set|prefix)\(' || true)
[ -z "$bare" ] || fail "messages without a key in the converted layers (use jy_err_set2 / jy_err_prefix2): $bare"
bare_http=$(grep -nE '\bjy_http_reply_error(_field)?[[:space:]]*\(' src/http/*.c | grep -vE '^src/http/server.c:[0-9]+:void jy_http_reply_error' || true)
[ -z "$bare_http" ] || fail "API replies without a key (use jy_http_reply_error2 / jy_http_reply_error_e): $bare_http"
# copies keep the Chinese text: jy_err_copy, not jy_err_set(…, "%s", e.msg)
copies=$(grep -rnE 'jy_err_set\([^;]*"%s", *[a-z_0-9]+(\.|->)msg\)' src --include='*.c' || true)
[ -z "$copies" ] || fail "an error copied without its Chinese text (use jy_err_copy): $copies"
finish
