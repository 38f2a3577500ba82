#!/usr/bin/env bash
# The store's messages in Chinese (issue 13 item 4, docs/messages.md), reached as an officer
# reaches them, on the backend under test: a database that cannot be opened or reached, a backup
# to a directory that does not exist, a restore over a database holding records, an audit log
# edited behind jiuye's back, a checkpoint file that is not one, a key file that exists, and a
# county user refused another county's records. Each in Chinese (JIUYE_LANG=zh) and, where the
# English is not read by another test, in English too (unchanged). The database's own text
# (strerror, SQLite's, PostgreSQL's) stays as it comes, inside the Chinese sentence.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/audit_lib.sh"
J=$JIUYE
ZH="env JIUYE_LANG=zh $J"
export JIUYE_TODAY=2024-12-01
unset JIUYE_AUDIT_KEY_FILE JIUYE_AUDIT_CHECKPOINTS

# ---- a database that cannot be opened (any backend: the URL decides)
expect_rc "no such directory" 1 $ZH --db "$T/no/such/dir/x.db" person list
expect_contains "SQLite file, Chinese" "jiuye: 数据库 $T/no/such/dir/x.db：无法创建：No such file or directory" "$(cat "$T/stderr")"
expect_rc "no such directory, English" 1 $J --db "$T/no/such/dir/x.db" person list
expect_contains "SQLite file, English" "jiuye: database $T/no/such/dir/x.db: cannot create: No such file or directory" "$(cat "$T/stderr")"
expect_rc "URL names no file" 1 $ZH --db "sqlite:" person list
expect_contains "URL names no file, Chinese" "jiuye: 数据库地址 sqlite: 没有指明文件" "$(cat "$T/stderr")"
expect_rc "PostgreSQL unreachable" 1 $ZH --db "postgresql://jiuye@127.0.0.1:1/nodb?connect_timeout=3" person list
expect_contains "PostgreSQL unreachable, Chinese" "jiuye: 无法连接主机 127.0.0.1 上的 PostgreSQL 数据库 nodb：" "$(cat "$T/stderr")"
expect_rc "PostgreSQL unreachable, English" 1 $J --db "postgresql://jiuye@127.0.0.1:1/nodb?connect_timeout=3" person list
expect_contains "PostgreSQL unreachable, English" "jiuye: PostgreSQL database nodb on 127.0.0.1: cannot connect: " "$(cat "$T/stderr")"

# ---- the database under test, with records
$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
$J --as admin user add hy --role county_reviewer --area 640522 >/dev/null || fail "user hy"
for id in 640522199003071230 640522199202290022 640522198511120022; do
  $J person add --idcard "$id" --name 测试 --hukou-division 640522105 >/dev/null || fail "add $id"
done
$J --as admin person add --idcard 640521199001021233 --name 测试乙 --hukou-division 640521 >/dev/null || fail "add ZN"

# ---- backup and restore
expect_rc "backup into a missing directory" 1 $ZH backup "$T/no/such/dir/x.bak"
expect_contains "backup, Chinese" "jiuye: 备份：无法创建 $T/no/such/dir/x.bak.partial：No such file or directory" "$(cat "$T/stderr")"
expect_rc "backup into a missing directory, English" 1 $J backup "$T/no/such/dir/x.bak"
expect_contains "backup, English" "jiuye: backup: cannot create $T/no/such/dir/x.bak.partial: No such file or directory" "$(cat "$T/stderr")"
expect_rc "backup" 0 $J backup "$T/ok.bak"
expect_rc "restore over records" 1 $ZH restore "$T/ok.bak"
if [ "$JY_BACKEND" = postgresql ]; then
  expect_contains "restore over records, Chinese" "jiuye: 恢复：目标数据库中已有记录；请恢复到一个新的空数据库" "$(cat "$T/stderr")"
else
  expect_contains "restore over records, Chinese" "jiuye: 恢复：$JIUYE_DB 中已有记录；请恢复到一个新的数据库文件" "$(cat "$T/stderr")"
fi
expect_rc "restore of a missing file" 1 $ZH --db "$(jy_fresh_db)" restore "$T/nope.bak"
expect_contains "missing backup, Chinese" "jiuye: 恢复：备份文件 $T/nope.bak 不存在" "$(cat "$T/stderr")"

# ---- a county user and another county's records: hidden, and refused
expect_rc "another county's person is hidden" 1 $ZH --as hy person show 640521199001021233
expect_contains "not found, Chinese" "jiuye: 没有身份证号码为 $(mask_id 640521199001021233) 的人员" "$(cat "$T/stderr")"
expect_rc "registering another county's person" 1 $ZH --as hy person add --idcard 640521199001021233 --name 测试乙 \
  --hukou-division 640521
expect_contains "refusal, Chinese" "人员（$(mask_id 640521199001021233)）属于县 640521，不在本用户的辖区 640522 内（跨县转移须由市级或自治区级用户办理）" "$(cat "$T/stderr")"
expect_rc "registering another county's person, English" 1 $J --as hy person add --idcard 640521199001021233 --name 测试乙 \
  --hukou-division 640521
expect_contains "refusal, English" "person $(mask_id 640521199001021233) belongs to county 640521, outside this user's area 640522 (a transfer between counties is done by a city or region user)" "$(cat "$T/stderr")"
expect_rc "another county's ledger" 1 $ZH --as hy ledger show --county 640521
expect_contains "ledger refusal, Chinese" "台账（640521）属于县 640521，不在本用户的辖区 640522 内" "$(cat "$T/stderr")"

# ---- the audit log: a key file that exists, a checkpoint file that is not one, an edited entry
KEY="$T/audit.key"
$J audit keygen --to "$KEY" >/dev/null || fail "keygen"
expect_rc "key never overwritten" 1 $ZH audit keygen --to "$KEY"
expect_contains "key exists, Chinese" "jiuye: 审计密钥文件 $KEY 已存在：密钥从不覆盖（否则用它写入的条目将无法再校验）；请换一个文件名" "$(cat "$T/stderr")"
printf '{"seq":1}\n' >"$T/bad.jsonl"
chmod 600 "$T/bad.jsonl"
expect_rc "bad checkpoint file" 1 $ZH audit verify --checkpoints "$T/bad.jsonl"
expect_contains "bad checkpoint, Chinese" "检查点文件 $T/bad.jsonl 第 1 行：不是检查点" "$(cat "$T/stderr")"
attack_sql "$JIUYE_DB" "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"
expect_out "edited entry, Chinese" '{"ok":false,"entries_checked":2,"error":"审计日志第 3 条：内容与其哈希值不符（被修改过？）"}' 1 \
  $ZH audit verify
expect_contains "edited entry on stderr" "jiuye: 审计日志校验失败: 审计日志第 3 条：内容与其哈希值不符（被修改过？）" "$(cat "$T/stderr")"
attack_sql "$JIUYE_DB" "DELETE FROM audit_log WHERE seq = 3"
expect_out "deleted entry, Chinese" '{"ok":false,"entries_checked":2,"error":"审计日志链在第 3 条断开：该条缺失（日志从第 2 条直接跳到第 4 条；被删除？）"}' 1 \
  $ZH audit verify

# ---- the catalogue lists the store's keys with their Chinese texts
expect_contains "catalogue lists store keys" '"key":"store.audit.chain_broken"' "$($J messages --key store.audit)"
finish
