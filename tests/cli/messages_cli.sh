#!/usr/bin/env bash
# The CLI's own messages in Chinese (issue 13 item 4; docs/messages.md): a wrong command line
# prints its usage line in the chosen language (用法：jiuye case file --program 项目 …), as do an
# unknown command and option; the refusals of the commands themselves (a batch step given the
# wrong options, an unknown programme, a report format, a server option) carry a key and a
# Chinese text, and stay byte for byte in English with JIUYE_LANG=en. An error the API returns
# from those files carries message_zh: tests/api/test_messages_cli.py (api_messages_cli.sh).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
ZH="env JIUYE_LANG=zh $J"
EN="env JIUYE_LANG=en $J"
export JIUYE_TODAY=2024-12-01
stderr_is() { # stderr_is "description" "the whole stderr of the last expect_rc"
  local got; got=$(cat "$T/stderr")
  [ "$got" = "$2" ] || { fail "$1"; echo "  want: $2" >&2; echo "  got:  $got" >&2; }
}

# ---- a wrong command line: the usage line, per language ----
expect_rc "case file without --program, Chinese" 2 $ZH case file --person 640522199003071230
stderr_is "usage line in Chinese" "用法：jiuye case file --program 项目 (--person 身份证号码 | --org 统一社会信用代码 | --parent 上级案件) [--kind 类别] [--facts JSON] [--date 日期]"
expect_rc "case file without --program, English" 2 $EN case file --person 640522199003071230
stderr_is "usage line in English, unchanged" "usage: jiuye case file --program P (--person IDCARD | --org USCC | --parent ID) [--kind K] [--facts JSON] [--date D]"
expect_rc "case show without an id" 2 $ZH case show x
stderr_is "case show usage in Chinese" "用法：jiuye case show 案件编号"
expect_rc "--lang en wins" 2 $ZH --lang en case show x
stderr_is "case show usage in English" "usage: jiuye case show ID"
expect_rc "settle-dates with a stray option" 2 $ZH case settle-dates --bogus
stderr_is "settle-dates usage in Chinese" "用法：jiuye case settle-dates [--dry-run]（确定暂定日期；--dry-run 只列出）"
expect_rc "import without a file" 2 $ZH person import
expect_contains "import usage in Chinese" "用法：jiuye person import 文件 [--report 错误报告.csv]" "$(cat "$T/stderr")"
expect_rc "calendar usage" 2 $ZH calendar workdays 2024-01-01
expect_contains "calendar usage in Chinese" "用法：jiuye calendar is-workday 日期 | nth-workday 日期 N | workdays 起始日期 截止日期" "$(cat "$T/stderr")"
expect_rc "calendar usage, English" 2 $EN calendar workdays 2024-01-01
stderr_is "calendar usage in English, unchanged" "usage: jiuye calendar is-workday DATE | nth-workday DATE N | workdays FROM TO | month YYYY-MM | status"
expect_rc "person add without a name" 2 $ZH person add --idcard 640522199003071230
expect_contains "person add usage in Chinese" "用法：jiuye person add --idcard 身份证号码 --name 姓名" "$(cat "$T/stderr")"
expect_rc "policy without a subcommand" 2 $ZH policy
expect_contains "policy usage in Chinese" "jiuye policy load 规则目录 --enacted 日期 --from 日期" "$(cat "$T/stderr")"
expect_rc "unknown command" 2 $ZH nosuch
expect_contains "unknown command in Chinese" "jiuye: 未知的命令“nosuch”" "$(cat "$T/stderr")"
expect_contains "the command list in Chinese" "case file|show|list|advance|approve|reject|publish|object|recognise|pay|overdue|check-roster|settle-dates   案件及其办理流程" "$(cat "$T/stderr")"
expect_rc "unknown command, English" 2 $EN nosuch
expect_contains "unknown command in English" 'jiuye: unknown command "nosuch"' "$(cat "$T/stderr")"
expect_contains "the command list in English" "cases and their workflow" "$(cat "$T/stderr")"
expect_rc "unknown global option" 2 $ZH --bogus x check idcard 1
expect_contains "unknown option in Chinese" "jiuye: 未知的选项 --bogus" "$(cat "$T/stderr")"
expect_rc "unknown case command" 2 $ZH case fly
expect_contains "unknown case command in Chinese" "jiuye: 未知的 case 命令“fly”" "$(cat "$T/stderr")"
expect_rc "check: unknown kind" 2 $ZH check passport E1
expect_contains "check's kind in Chinese" "check：未知的类别“passport”" "$(cat "$T/stderr")"
expect_rc "ledger budget usage" 2 $ZH ledger budget foo
expect_contains "ledger budget usage in Chinese" "jiuye: 用法：jiuye ledger budget load [--year 年度]" "$(cat "$T/stderr")"

$J init >/dev/null || fail init
$J --as admin user add admin --role admin >/dev/null || fail admin
J="$J --as admin"
ZH="env JIUYE_LANG=zh $J"
EN="env JIUYE_LANG=en $J"

# ---- a refused batch step: the options of mark-paid ----
expect_rc "mark-paid --failed without a transfer, Chinese" 2 $ZH batch mark-paid 1 --failed 账号已销户
expect_contains "batch refusal in Chinese" "jiuye: --failed 须与 --transfer N（或 --line N）一起使用" "$(cat "$T/stderr")"
expect_contains "and the batch usage word" "用法：jiuye batch build" "$(cat "$T/stderr")"
expect_rc "mark-paid --failed without a transfer, English" 2 $EN batch mark-paid 1 --failed x
expect_contains "batch refusal in English, unchanged" "jiuye: --failed needs --transfer N (or --line N)" "$(cat "$T/stderr")"
expect_rc "--transfer and --line" 2 $ZH batch mark-paid 1 --transfer 1 --line 1
expect_contains "one of the two, in Chinese" "请给出 --transfer N 或 --line N，不能同时给出" "$(cat "$T/stderr")"
expect_rc "export without a file" 2 $ZH batch export 1
expect_contains "export's files in Chinese" "请给出 --csv 文件 和/或 --xlsx 文件" "$(cat "$T/stderr")"

# ---- other commands' refusals ----
expect_rc "ledger show P99" 2 $ZH ledger show P99
expect_contains "unknown programme in Chinese" "项目 P99：未知（应为 P1 … P26）" "$(cat "$T/stderr")"
expect_rc "ledger show P99, English" 2 $EN ledger show P99
expect_contains "unknown programme in English" "programme P99: unknown (P1 … P26)" "$(cat "$T/stderr")"
expect_rc "report format" 2 $ZH report targets --year 2024 --format doc
expect_contains "report format in Chinese" "--format doc：应为 json、csv、xlsx 或 pdf" "$(cat "$T/stderr")"
expect_rc "person add --hukou-kind" 1 $ZH person add --idcard 640522199003071230 --name 马小军 --hukou-kind 城里
expect_contains "hukou kind in Chinese" "--hukou-kind 城里：应为 urban|rural（城镇|农村）" "$(cat "$T/stderr")"
expect_rc "org add --licence" 1 $ZH org add --uscc 93640522MA7700006Y --name x --kind community --licence abc
expect_contains "licence in Chinese" "--licence abc：应为 类别:编号:起始日期[:截止日期]" "$(cat "$T/stderr")"
expect_rc "user name too long" 1 $ZH user add "$(printf 'x%.0s' $(seq 1 80))" --role admin
expect_contains "user name in Chinese" "：应为1至" "$(cat "$T/stderr")"
expect_rc "case file --date that does not exist" 1 $ZH case file --program P25 --org 93640522MA7700006Y --date 2024-02-30
expect_contains "the option's context in Chinese" "--date 2024-02-30：" "$(cat "$T/stderr")"
expect_rc "check-roster: unknown programme" 1 $ZH case check-roster /dev/null --program P99
expect_contains "roster programme in Chinese" "--program P99：未知的项目（应为 P1 … P26）" "$(cat "$T/stderr")"

# ---- the server's own refusals (src/http/server.c, src/cli/cmd_serve.c) ----
expect_rc "serve --port 99999" 2 $ZH serve --port 99999
expect_contains "port in Chinese" "jiuye: --port 99999：应为 0-65535 的端口号（0：任一空闲端口）" "$(cat "$T/stderr")"
expect_rc "serve --bind nonsense" 2 $ZH serve --port 0 --bind nowhere
expect_contains "bind address in Chinese (server.c)" "--bind nowhere：请给出 IPv4 或 IPv6 地址，如 127.0.0.1 或 ::1" "$(cat "$T/stderr")"
expect_rc "serve --bind nonsense, English" 2 $EN serve --port 0 --bind nowhere
expect_contains "bind address in English" "--bind nowhere: give an IPv4 or IPv6 address such as 127.0.0.1 or ::1" "$(cat "$T/stderr")"
expect_rc "TLS half given" 2 $ZH serve --port 0 --tls-cert /dev/null
expect_contains "TLS pair in Chinese (server.c)" "启用 TLS 须同时给出 --tls-cert 和 --tls-key" "$(cat "$T/stderr")"

# ---- every message key this script met is in the catalogue with both texts ----
cat_keys=$($J messages --key cli. | python3 -c 'import json,sys; print(" ".join(e["key"] for e in json.load(sys.stdin)))')
for k in cli.batch_failed_needs cli.programme_unknown cli.report_format cli.hukou_kind cli.unknown_command cli.serve_port; do
  case " $cat_keys " in *" $k "*) ;; *) fail "key $k not in the catalogue" ;; esac
done
[ "$($J messages --key http. | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin) if e["key"] in ("http.bind_address","http.tls_pair")))')" = 2 ] || fail "server.c keys not catalogued"
finish
