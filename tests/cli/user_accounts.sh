#!/usr/bin/env bash
# jiuye user (issue 11): accounts with passwords, the three-way separation (三员分立), locks, the
# second factor and recovery codes, from the command line. Secrets are printed once and never
# again: not by `user list`, not in the audit log, not in the database. The audit log records
# the operating-system user beside --as. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
OSUSER=$(id -un)
expect_not_contains() { case "$3" in *"$2"*) fail "$1: did not want \"$2\" in: $3" ;; esac; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }

$J init >/dev/null || fail "init"

# ---- bootstrap: the first actor is admin; a generated password is printed once ----
out=$($J --as boss user add boss --role admin --display 县人社局)
expect_contains "bootstrap" '"bootstrap":true' "$out"
expect_contains "must change" '"must_change":true' "$out"
pw_boss=$(echo "$out" | field password)
[ ${#pw_boss} -eq 20 ] || fail "generated password of 20 characters, got '$pw_boss'"

# ---- password files: common and short refused, 64 characters accepted ----
echo "woaini1314" >"$T/weak"
expect_rc "common password refused" 1 $J --as boss user add rev --role county_reviewer --area 640522 --password-file "$T/weak"
expect_contains "says common" "常见" "$(cat "$T/stderr")"
expect_rc "refused account not created" 1 sh -c "$J --as boss user list | grep -q '\"name\":\"rev\"'"
echo "Short-1" >"$T/short"
expect_rc "short password refused" 1 $J --as boss user add rev --role county_reviewer --area 640522 --password-file "$T/short"
printf 'Hy-%061d\n' 7 | tr 0 k >"$T/long64"
[ "$(head -1 "$T/long64" | tr -d '\n' | wc -c)" -eq 64 ] || fail "the 64-character file"
out=$($J --as boss user add rev --role county_reviewer --area 640522 --password-file "$T/long64")
expect_contains "64-character password accepted" '"result":"created"' "$out"
expect_not_contains "no generated password when given" '"password":' "$out"
# a township area (9 digits) is an area; 7 digits is not
$J --as boss user add town --role township_staff --area 640522101 >/dev/null || fail "township area"
expect_rc "7-digit area refused" 1 $J --as boss user add bad --role township_staff --area 6405221

# ---- non-admins cannot manage accounts ----
expect_rc "township staff cannot add users" 1 $J --as town user add x --role admin
expect_contains "refusal names the right" "无权添加用户" "$(cat "$T/stderr")"
expect_rc "township staff cannot list accounts" 1 $J --as town user list

# ---- 三员分立: once a security administrator exists, accounts are theirs alone ----
out=$($J --as boss user add sec --role security)
pw_sec=$(echo "$out" | field password)
expect_rc "admin can no longer add accounts" 1 $J --as boss user add aud --role auditor
expect_contains "names the separation" "三员分立" "$(cat "$T/stderr")"
$J --as sec user add aud --role auditor >/dev/null || fail "security adds the auditor"
$J --as sec user add sys --role 系统管理员 >/dev/null || fail "security adds the system administrator (Chinese label)"
expect_contains "系统管理员 is sysadmin" '"role":"sysadmin"' "$($J --as sec user list)"
expect_rc "auditor cannot become security" 1 $J --as sec user add aud --role security
expect_rc "admin cannot become sysadmin" 1 $J --as sec user add boss --role sysadmin
expect_rc "security cannot change its own role" 1 $J --as sec user add sec --role auditor
expect_rc "auditor cannot add accounts" 1 $J --as aud user add y --role county_reviewer
expect_rc "sysadmin cannot add accounts" 1 $J --as sys user add y --role county_reviewer
# the separated roles take no workflow step
$J --as boss org add --uscc 93640522MA7700006Y --name 七营镇张堡村 --kind community --division 640522105 >/dev/null || fail "org"
expect_rc "auditor files nothing" 1 $J --as aud case file --program P25 --org 93640522MA7700006Y --date 2024-09-20

# ---- list: login state, never a hash or a secret ----
list=$($J --as sec user list)
expect_contains "list shows rev" '"name":"rev"' "$list"
expect_contains "list says a password is set" '"password":true' "$list"
expect_not_contains "no hash in the list" 'argon2' "$list"
expect_not_contains "no generated password in the list" "$pw_boss" "$list"
[ "$(echo "$list" | wc -l)" -eq 6 ] || fail "six accounts listed: $list"

# ---- passwd: a new generated password, to be changed at first login ----
out=$($J --as sec user passwd rev)
expect_contains "passwd result" '"result":"password_set"' "$out"
pw_rev=$(echo "$out" | field password)
[ ${#pw_rev} -eq 20 ] || fail "passwd generates a password"
expect_rc "passwd with a common password" 1 $J --as sec user passwd rev --password-file "$T/weak"

# ---- lock and unlock (nobody locks themselves) ----
expect_out "lock" '{"name":"rev","result":"locked"}' 0 $J --as sec user lock rev
expect_contains "list shows the lock" '"locked":true' "$($J --as sec user list | grep '"name":"rev"')"
expect_out "unlock" '{"name":"rev","result":"unlocked"}' 0 $J --as sec user unlock rev
expect_rc "self lock refused" 1 $J --as sec user lock sec
expect_rc "unknown account" 1 $J --as sec user lock nobody

# ---- the second factor: a key file, then enrol, show, disable; recovery codes ----
expect_rc "enrol without a key file" 1 $J --as sec user totp boss enroll
expect_contains "says how" "keygen" "$(cat "$T/stderr")"
$J user keygen "$T/totp.key" >/dev/null || fail "keygen"
[ "$(stat -c %a "$T/totp.key")" = 600 ] || fail "key file mode 600"
expect_rc "keygen never overwrites" 1 $J user keygen "$T/totp.key"
export JIUYE_KEY_FILE="$T/totp.key"
out=$($J --as sec user totp boss enroll)
uri=$(echo "$out" | field uri)
case "$uri" in otpauth://totp/jiuye:boss\?secret=*) ;; *) fail "otpauth URI: $out" ;; esac
secret=$(echo "$uri" | sed 's/.*secret=\([A-Z2-7]*\).*/\1/')
[ ${#secret} -eq 32 ] || fail "160-bit secret in base32: $secret"
expect_contains "show-uri gives the same secret" "$secret" "$($J --as sec user totp boss show-uri)"
expect_contains "list says enrolled" '"second_factor":true' "$($J --as sec user list | grep '"name":"boss"')"
out=$($J --as sec user recovery-codes boss)
[ "$(echo "$out" | grep -o '"[a-z2-7]\{4\}-[a-z2-7]\{4\}-[a-z2-7]\{4\}-[a-z2-7]\{4\}"' | sort -u | wc -l)" -eq 10 ] ||
  fail "ten distinct recovery codes: $out"
code1=$(echo "$out" | grep -o '"[a-z2-7-]\{19\}"' | head -1 | tr -d '"')
expect_contains "list counts them" '"recovery_codes_left":10' "$($J --as sec user list | grep '"name":"boss"')"
chmod 644 "$T/totp.key"
expect_rc "a key readable by others is refused" 1 $J --as sec user totp boss show-uri
chmod 600 "$T/totp.key"
expect_out "disable" '{"name":"boss","result":"second_factor_disabled"}' 0 $J --as sec user totp boss disable
expect_rc "nothing to show after disable" 1 $J --as sec user totp boss show-uri

# ---- the audit log: every change, the OS user beside --as, and no secret ----
audit=$($J audit list)
expect_contains "os user recorded" "\"actor\":\"sec (os:$OSUSER)\"" "$audit"
expect_contains "password set audited" '"action":"password_set"' "$audit"
expect_contains "lock audited" '"action":"lock"' "$audit"
expect_contains "unlock audited" '"action":"unlock"' "$audit"
expect_contains "enrolment audited" '"action":"totp_enroll"' "$audit"
expect_contains "showing the secret audited" '"action":"totp_shown"' "$audit"
expect_contains "recovery codes audited" '"action":"recovery_codes"' "$audit"
for s in "$pw_boss" "$pw_sec" "$pw_rev" "$secret" "$code1" "$(head -1 "$T/long64")"; do
  expect_not_contains "no secret in the audit log" "$s" "$audit"
done
$J audit verify >/dev/null || fail "audit chain intact"
if [ "$JY_BACKEND" = sqlite ]; then
  for s in "$pw_boss" "$pw_rev" "$secret" "${code1//-/}"; do
    if grep -qaF "$s" "$JIUYE_DB" "$JIUYE_DB-wal" 2>/dev/null; then fail "secret $s stored in the clear"; fi
  done
fi

# ---- the permission table ----
roles=$($J user roles)
[ "$(echo "$roles" | wc -l)" -eq 12 ] || fail "twelve roles: $roles"
expect_contains "auditor reads the audit" '"role":"auditor","label":"审计管理员","second_factor":true,"separated":true,"owner_bound":false,"permissions":["audit.read","audit.verify","access_log.read","system.status"]' "$roles"
expect_contains "admin's fallback named" 'user.manage (until a security account exists)' "$roles"
finish
