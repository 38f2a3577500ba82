#!/usr/bin/env bash
# jiuye demo --accounts FILE (issue 12, docs/web.md): one account per role, FILE 0600 with the
# generated passwords and TOTP secrets, never overwritten; the passwords exist in the database
# only as hashes; each account logs in over the API without a forced change (second-factor roles
# with their TOTP code); without the key file the second-factor roles cannot be made (error names
# JIUYE_KEY_FILE, no file is left behind).
source "$JY_SOURCE_DIR/tests/lib.sh"

# no key file: refused, naming it, and no accounts file left
unset JIUYE_KEY_FILE
expect_rc "init" 0 "$JIUYE" init
expect_rc "demo without a key file fails" 2 "$JIUYE" demo --persons 200 --orgs 30 --year-cases none --accounts "$T/a0.txt"
expect_contains "names the key file" "JIUYE_KEY_FILE" "$(cat "$T/stderr")"
[ ! -e "$T/a0.txt" ] || fail "an accounts file was left behind after the failure"
[ "$JY_BACKEND" != sqlite ] || expect_out "nothing was generated" "0" 0 sqlite3 "$JIUYE_DB" "select count(*) from persons"

export JIUYE_DB
JIUYE_DB=$(jy_fresh_db)
expect_rc "init 2" 0 "$JIUYE" init
expect_rc "keygen" 0 "$JIUYE" user keygen "$T/key"
export JIUYE_KEY_FILE="$T/key"
expect_rc "demo --accounts" 0 "$JIUYE" demo --persons 200 --orgs 30 --year-cases none --accounts "$T/acc.txt"
expect_out "accounts file mode" "600" 0 stat -c %a "$T/acc.txt"
roles=$(grep -v '^#' "$T/acc.txt" | cut -f1 | sort | tr '\n' ' ')
expect_out "one account per role" "admin applicant auditor city_reviewer county_reviewer employer finance security station sysadmin township_staff training_body " 0 echo "$roles"
totp_roles=$(awk -F'\t' '!/^#/ && $4 != "-" {print $1}' "$T/acc.txt" | sort | tr '\n' ' ')
expect_out "TOTP secrets for the second-factor roles" "admin auditor finance security sysadmin " 0 echo "$totp_roles"
cp "$T/acc.txt" "$T/acc.before"
expect_rc "a second run never overwrites the file" 1 "$JIUYE" demo --force --persons 10 --orgs 5 --year-cases none --accounts "$T/acc.txt"
expect_contains "says so" "never overwritten" "$(cat "$T/stderr")"
expect_rc "the file is as it was" 0 cmp "$T/acc.before" "$T/acc.txt"
expect_rc "accounts are made once" 1 "$JIUYE" demo --force --persons 10 --orgs 5 --year-cases none --accounts "$T/acc2.txt"
expect_contains "demo-admin exists" "demo accounts exist already" "$(cat "$T/stderr")"

# the passwords are not in the database (only their argon2id hashes)
if [ "$JY_BACKEND" = sqlite ]; then
  for pw in $(grep -v '^#' "$T/acc.txt" | cut -f3); do
    if grep -q -a -- "$pw" "$JIUYE_DB"*; then fail "a demo password is stored in the clear"; fi
  done
  hashes=$(sqlite3 "$JIUYE_DB" "select count(*) from users u join user_credentials c on c.user_id = u.id where u.name like 'demo-%' and c.password_hash like '\$argon2id\$%' and c.must_change = 0")
  expect_out "12 argon2id hashes, none to be changed" "12" 0 echo "$hashes"
fi

# each account logs in over the API (TOTP roles with their code), no forced password change
"$JIUYE" serve --port 0 --threads 2 --quiet --rate 0 --user-rate 0 --web none >"$T/serve.out" 2>"$T/serve.err" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$T"; [ "$JY_BACKEND" = postgresql ] && jy_drop_dbs' EXIT
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$T/serve.out" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { fail "server did not start: $(cat "$T/serve.err")"; finish; }
out=$(ACC="$T/acc.txt" PORT="$PORT" python3 - <<'PY'
import base64, hashlib, hmac, http.client, json, os, struct, time
port = int(os.environ["PORT"])
def totp(s):
    key = base64.b32decode(s + "=" * (-len(s) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
origin = "http://127.0.0.1:%d" % port
for line in open(os.environ["ACC"]):
    if line.startswith("#"):
        continue
    role, name, pw, secret, area = line.rstrip("\n").split("\t")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/v1/session", json.dumps({"name": name, "password": pw}),
              {"Content-Type": "application/json", "Origin": origin})
    r = c.getresponse(); d = json.loads(r.read())
    if r.status != 200:
        print("%s: login %d %s" % (name, r.status, d)); continue
    cookie = r.getheader("Set-Cookie").split(";")[0]
    if d["state"] == "second_factor":
        c.request("POST", "/api/v1/session/second-factor", json.dumps({"code": totp(secret)}),
                  {"Content-Type": "application/json", "Origin": origin, "Cookie": cookie, "X-CSRF-Token": d["csrf_token"]})
        r = c.getresponse(); d = json.loads(r.read())
        if r.status != 200:
            print("%s: second factor %d %s" % (name, r.status, d)); continue
    u = d["user"]
    print("%s %s %s %s" % (name, u["role"], d["state"], "must_change" if u["must_change_password"] else "ok"))
PY
)
for role in admin county_reviewer city_reviewer township_staff training_body employer applicant station finance auditor sysadmin security; do
  name=$(awk -F'\t' -v r="$role" '$1 == r {print $2}' "$T/acc.txt")
  expect_contains "$role logs in" "$name $role open ok" "$out"
done
finish
