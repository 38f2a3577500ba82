#!/usr/bin/env bash
# Owner and application roles on PostgreSQL (issue 10 item 14; docs/audit.md): `jiuye init
# --app-role NAME`, run as the owner (here the test server's superuser 'jiuye', which runs the
# migrations and owns the tables and triggers), grants the application role what jiuye needs
# and nothing that could undo the audit log's protection. The application then works as that
# role (a whole payment flow), while the role cannot delete, update or truncate the audit log
# or the ledger's journal, drop or disable their triggers, switch triggers off for its session,
# write schema_migrations or create objects. Roles that could (the owner itself, a superuser, a
# member of the owner role) are refused. On SQLite the option is refused with a reason.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
unset JIUYE_AUDIT_KEY_FILE JIUYE_AUDIT_CHECKPOINTS

if [ "$JY_BACKEND" != postgresql ]; then
  expect_rc "--app-role on SQLite" 2 $J init --app-role jiuye_app
  expect_contains "says why" "roles are PostgreSQL's" "$(cat "$T/stderr")"
  expect_rc "unknown init option" 2 $J init --app-rol x
  finish
  exit
fi

ADMIN=$JY_TEST_PG_URL
APP=jy_app_$$; MEMBER=jy_member_$$; SU=jy_su_$$; READER=jy_reader_$$
drop_roles() {
  for r in $APP $MEMBER $SU $READER; do psql "$ADMIN" -qAt -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap 'rm -rf "$T"; jy_drop_dbs; drop_roles' EXIT
psql "$ADMIN" -qAt -v ON_ERROR_STOP=1 -c "CREATE ROLE $APP LOGIN; CREATE ROLE $MEMBER LOGIN IN ROLE jiuye;
  CREATE ROLE $SU SUPERUSER NOLOGIN; CREATE ROLE $READER LOGIN" >/dev/null || { fail "cannot create the test roles"; finish; }

OWNER_DB=$JIUYE_DB
APP_DB="postgresql://$APP@${OWNER_DB#postgresql://*@}"
out=$($J --db "$OWNER_DB" init --app-role "$APP") || fail "init --app-role: $out $(cat "$T/stderr" 2>/dev/null)"
expect_contains "init says so" "\"backend\":\"postgresql\",\"schema_version\":" "$out"
expect_contains "app role named" "\"app_role\":\"$APP\"}" "$out"
expect_out "owner owns audit_log" "jiuye" 0 psql "$OWNER_DB" -qAt -c "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'"

# ---- the application works as its role: registry, ledger, a payment batch, the audit log
export JIUYE_DB=$APP_DB JIUYE_TODAY=2024-05-01
$J ledger budget set P13 2024 region 100000.00 >/dev/null || fail "budget as app"
A=$(idcard 11); B=$(idcard 12)
$J person add --idcard "$A" --name 马小军 --hukou-division 640522101 >/dev/null || fail "person A as app"
$J person add --idcard "$B" --name 李梅 --hukou-division 640522101 --status dibao >/dev/null || fail "person B as app"
$J person add --idcard "$B" --name 李梅梅 --hukou-division 640522101 >/dev/null || fail "person B update as app"
$J ledger card "$A" "$(luhn 621700001000000011)" --bank 宁夏银行 >/dev/null || fail "card as app"
$J ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --month 2024-03 >/dev/null || fail "approve as app"
$J --as 张会计 batch build --program P13 --month 2024-03 >/dev/null || fail "batch build as app"
$J --as 李科长 batch approve 1 >/dev/null || fail "batch approve as app"
$J batch export 1 --csv "$T/b.csv" >/dev/null || fail "export as app"
$J batch mark-paid 1 >/dev/null || fail "mark paid as app"
books_balance "as the application role"
$J audit checkpoint --to "$T/cp.jsonl" >/dev/null 2>&1 || fail "checkpoint as app"
N=$(psql "$OWNER_DB" -qAt -c "SELECT count(*) FROM audit_log")
[ "$N" -gt 5 ] || fail "audit entries written as app: $N"

# ---- and cannot undo the audit log's protection
as_app() { psql "$APP_DB" -qAt -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
refused() { # DESCRIPTION "SQL" "expected error"
  local out rc
  out=$(as_app "$2") && rc=0 || rc=$?
  [ "$rc" != 0 ] || fail "$1: the application role could: $2"
  expect_contains "$1" "$3" "$out"
}
refused "delete audit entries" "DELETE FROM audit_log WHERE seq = $N" "permission denied for table audit_log"
refused "update audit entries" "UPDATE audit_log SET actor = 'mallory'" "permission denied for table audit_log"
refused "truncate the audit log" "TRUNCATE audit_log" "permission denied for table audit_log"
refused "drop the trigger" "DROP TRIGGER audit_log_no_change ON audit_log" "must be owner of"
refused "disable the trigger" "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change" "must be owner of"
refused "triggers off for the session" "SET session_replication_role = replica" "permission denied to set parameter"
refused "drop the table" "DROP TABLE audit_log" "must be owner of"
refused "replace the trigger function" "CREATE OR REPLACE FUNCTION jy_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN OLD; END\$\$" "permission denied for schema public"
refused "delete ledger journal" "DELETE FROM ledger_entries" "permission denied for table ledger_entries"
refused "update ledger postings" "UPDATE ledger_postings SET id = id" "permission denied for table ledger_postings"
refused "write schema_migrations" "DELETE FROM schema_migrations" "permission denied for table schema_migrations"
refused "create objects" "CREATE TABLE planted(x int)" "permission denied for schema public"
refused "change owner" "ALTER TABLE audit_log OWNER TO $APP" "must be owner of"
expect_out "still every entry" "$N" 0 psql "$OWNER_DB" -qAt -c "SELECT count(*) FROM audit_log"
expect_contains "chain intact" '"ok":true' "$($J audit verify --checkpoints "$T/cp.jsonl")"
# what the role may do is plain DML elsewhere
expect_out "reads the log" "$N" 0 as_app "SELECT count(*) FROM audit_log"

# ---- the checkpoint timer needs only a reader role (docs/audit.md)
psql "$OWNER_DB" -qAt -v ON_ERROR_STOP=1 -c "GRANT SELECT ON audit_log, schema_migrations, users TO $READER" >/dev/null
READER_DB="postgresql://$READER@${OWNER_DB#postgresql://*@}"
out=$($J --db "$READER_DB" audit checkpoint --to "$T/cp.jsonl" 2>&1) || fail "checkpoint as a reader: $out"
expect_contains "reader checkpoints" "\"checkpoints_checked\":1" "$out"
expect_out "two checkpoints" "2" 0 sh -c "wc -l <'$T/cp.jsonl'"

# ---- roles that could drop the triggers are refused
expect_rc "the owner as app role" 1 $J --db "$OWNER_DB" init --app-role jiuye
expect_contains "owner refused" "role \"jiuye\" runs this init and owns the tables" "$(cat "$T/stderr")"
expect_rc "superuser" 1 $J --db "$OWNER_DB" init --app-role "$SU"
expect_contains "superuser refused" "role \"$SU\" is a superuser" "$(cat "$T/stderr")"
expect_rc "member of the owner" 1 $J --db "$OWNER_DB" init --app-role "$MEMBER"
expect_contains "member refused" "role \"$MEMBER\" is a member of the owner role \"jiuye\"" "$(cat "$T/stderr")"
expect_rc "missing role" 1 $J --db "$OWNER_DB" init --app-role "jy_nosuch_$$"
expect_contains "missing named" "role \"jy_nosuch_$$\" does not exist" "$(cat "$T/stderr")"
# the application role cannot migrate or grant itself
expect_rc "app cannot grant" 1 $J init --app-role "$APP"
expect_contains "app told to use the owner" "run this as the owner of the tables (role \"jiuye\"), not as \"$APP\"" "$(cat "$T/stderr")"
finish
