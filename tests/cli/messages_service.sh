#!/usr/bin/env bash
# Messages in Chinese from the service layer (issue 13 item 4, docs/messages.md): what a county
# officer meets when a file under policy/ or an option is wrong reads in Chinese with
# JIUYE_LANG=zh, and the English text (which the other tests read) is unchanged with
# JIUYE_LANG=en: a bad workflows.txt (a line outside a block, an unknown step flag, a workflow not
# closed), `policy simulate --set` with an unknown parameter, a date that does not exist and a date
# after every period, a diff of an unknown rule version, a bank-layout name and an unknown
# setting, --unmask without --reason, an existing key file, a bad rule file (and `policy check`'s
# findings), and the keys in `jiuye messages`.
# (A bad bank-layout file: tests/cli/bank_transfers.sh; a refused sign-in over the API:
# tests/api/test_messages.py.)
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
ZH="env JIUYE_LANG=zh $J"
EN="env JIUYE_LANG=en $J"
export JIUYE_POLICY="$JY_SOURCE_DIR/policy"
$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"

# both LABEL ZH_TEXT EN_TEXT cmd args…: the command fails (exit $RC, 1 unless set) naming ZH_TEXT
# in Chinese and EN_TEXT in English
both() {
  local label=$1 zh=$2 en=$3 rc=${RC:-1}; shift 3
  expect_rc "$label (zh)" "$rc" env JIUYE_LANG=zh "$@"
  expect_contains "$label in Chinese" "$zh" "$(cat "$T/stderr")"
  expect_rc "$label (en)" "$rc" env JIUYE_LANG=en "$@"
  expect_contains "$label in English" "$en" "$(cat "$T/stderr")"
}

# ---- the workflows file (policy/workflows.txt): FILE 第N行 and the reason
cp -r "$JY_SOURCE_DIR/policy" "$T/pol"
cp "$T/pol/workflows.txt" "$T/wf.orig"
echo 'bogus line' >>"$T/pol/workflows.txt"
n=$(wc -l <"$T/pol/workflows.txt")
both "a line outside a workflow block" "workflows.txt 第${n}行：“bogus”不在 workflow … end 块内" \
  "workflows.txt:$n: \"bogus\" outside a workflow … end block" $J --policy "$T/pol" case list
sed '0,/^  step county_approve filed -> county_approved roles county_reviewer eligible /s//&frobnicate /' "$T/wf.orig" \
  >"$T/pol/workflows.txt"
ln=$(grep -n 'frobnicate' "$T/pol/workflows.txt" | head -1 | cut -d: -f1)
[ -n "$ln" ] || fail "the step line to spoil is not in policy/workflows.txt"
both "an unknown step flag" "workflows.txt 第${ln}行：未知标记“frobnicate”（可用：eligible、publicity=N" \
  "workflows.txt:$ln: unknown flag \"frobnicate\" (eligible, publicity=N" $J --policy "$T/pol" case list
{ cat "$T/wf.orig"; printf 'workflow extra "额外流程"\n  start filed\n'; } >"$T/pol/workflows.txt"
both "a workflow not closed" "流程 extra 没有以 end 结束" "workflow extra is not closed with end" \
  $J --policy "$T/pol" case list
rm "$T/pol/workflows.txt"
both "no workflows file" "缺少办理流程文件（policy/workflows.txt）" \
  "the workflows (policy/workflows.txt) are missing" $J --policy "$T/pol" case list

# ---- policy simulate --set: the change named
both "unknown parameter" "--set p99.nothing：未知的参数 p99.nothing（" "--set p99.nothing: unknown parameter p99.nothing (no \"param p99.nothing\"" \
  $J policy simulate --set p99.nothing=5 from 2024-01-01
both "a date that does not exist" "from 后的日期“2024-02-30”有误" 'bad date "2024-02-30" after from' \
  $J policy simulate --set 'p13.monthly=1800元 from 2024-02-30'
both "a date after every period" "p13.monthly 在该日及以后没有有效期段" "p13.monthly has no period on or after that date" \
  $J policy simulate --set 'p13.monthly=1800元 from 2099-06-01'
both "a name that is no parameter name" "“p1 level”不是参数名" '"p1 level" is not a parameter name' \
  $J policy simulate --set 'p1 level=5'
both "nothing to compare" "没有可比较的内容" "nothing to compare" $J policy simulate

# ---- rule versions: a diff of a version that does not exist
$J --as admin policy load "$JIUYE_POLICY" --enacted 2024-01-01 --from 2024-01-01 >/dev/null || fail "load version 1"
both "unknown version" "没有政策版本 9（现有版本可用 jiuye policy versions 查看）" \
  "no rule version 9 (jiuye policy versions lists them)" $J policy diff 1 9

# ---- settings and the bank layout's name
both "bank layout name" "设置项 bank_layout：“Bad Name”不是代发文件格式的名称" \
  'setting bank_layout: "Bad Name" is not a layout name' $J --as admin settings set bank_layout 'Bad Name'
both "unknown setting" "设置项 colour：未知的设置项" "setting colour: unknown key" $J --as admin settings set colour red

# ---- --unmask needs a reason (privacy)
RC=2 both "--unmask without --reason" "--unmask 需要同时给出 --reason" "--unmask needs --reason" \
  $J --as admin person list --unmask
RC=2 both "--reason without --unmask" "--reason 只能与 --unmask 一起使用" "--reason goes with --unmask" \
  $J --as admin person list --reason x

# ---- the second factor's key file: never overwritten, never readable by others
$J user keygen "$T/key" >/dev/null || fail "keygen"
both "a key file is never overwritten" "密钥从不覆盖" "a key is never overwritten" $J user keygen "$T/key"
chmod 644 "$T/key"
both "a key file readable by others" "同组或其他用户可读（权限 644）：请执行 chmod 600" \
  "is readable by group or others (mode 644): chmod 600 it" env JIUYE_KEY_FILE="$T/key" $J --as admin user list

# ---- a rule file (policy/*.rules): FILE 第N行第M列 and the reason; `policy check` lists findings in
# the same language
cp -r "$JY_SOURCE_DIR/policy" "$T/rules"
printf '  frobnicate 12元\n' >>"$T/rules/facts.rules"
n=$(wc -l <"$T/rules/facts.rules")
both "a rule outside a programme" "facts.rules 第${n}行第3列：规则不在任何项目内（请先写：program P1 \"…\"）" \
  "facts.rules:$n:3: a rule outside a programme (start one with: program P1 \"…\")" $J --policy "$T/rules" case list
cp "$JY_SOURCE_DIR/policy/facts.rules" "$T/rules/facts.rules"
printf 'program P99 "x"\n  require age >= 1.12345\nend\n' >"$T/rules/zz-bad.rules"
$ZH policy check "$T/rules" >"$T/check.zh" 2>&1
expect_contains "policy check in Chinese: the lexer's error" "zz-bad.rules:2:18: 错误：数字的小数超过四位" "$(cat "$T/check.zh")"
expect_contains "policy check in Chinese: a warning" ": 警告：" "$(cat "$T/check.zh")"
$EN policy check "$T/rules" >"$T/check.en" 2>&1
expect_contains "policy check in English: the lexer's error" "zz-bad.rules:2:18: error: a number has more than four decimals" "$(cat "$T/check.en")"

# ---- the catalogue lists these keys with both texts
$J messages --key workflow. >"$T/m.json" || fail "messages --key workflow."
expect_out "the workflows file's messages are catalogued with Chinese" "ok" 0 python3 -c '
import json, re, sys
c = json.load(open(sys.argv[1]))
keys = {e["key"] for e in c}
need = {"workflow.outside_block", "workflow.unknown_flag", "workflow.not_closed", "workflow.file_missing"}
bad = [e["key"] for e in c if not re.search("[\u4e00-\u9fff]", e["zh"])]
print("ok" if need <= keys and not bad else "missing %s, no Chinese %s" % (sorted(need - keys), bad))' "$T/m.json"
finish
