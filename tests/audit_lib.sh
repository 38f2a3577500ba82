# Helpers for the audit-anchor tests (tests/cli/audit_*.sh), sourced after tests/lib.sh: what an
# attacker with the database's own tools does to audit_log, on either backend, past its
# append-only triggers (sqlite3: drops them; psql as the superuser test role:
# session_replication_role = replica, which skips them).

command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 1; }
if [ "$JY_BACKEND" = sqlite ]; then
  command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed (apt-get install sqlite3)" >&2; exit 1; }
fi

# attack_sql DB "STATEMENTS": runs SQL on DB with the audit triggers out of the way.
attack_sql() {
  if [ "$JY_BACKEND" = postgresql ]; then
    psql "$1" -qAt -v ON_ERROR_STOP=1 -c "SET session_replication_role = replica; $2" >/dev/null
  else
    sqlite3 "$1" "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; $2"
  fi
}

# db_value DB "SELECT …": one value.
db_value() {
  if [ "$JY_BACKEND" = postgresql ]; then psql "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
  else sqlite3 "$1" "$2"; fi
}

# rechain DB SEQ ACTOR [nomac]: the attack the public hash cannot stop: entry SEQ's actor becomes
# ACTOR and the hashes of SEQ and every later entry are recomputed with the published encoding
# (docs/store.md, "Audit chain"), so the unkeyed chain verifies again. The MACs are left as they
# were (the attacker has no key), or set NULL with "nomac" (pretending the entries were written
# without a key).
rechain() {
  local db=$1 seq=$2 actor=$3 nomac=${4:-}
  local rows="$T/rechain.csv" out="$T/rechain.sql"
  if [ "$JY_BACKEND" = postgresql ]; then
    psql "$db" -qAt -v ON_ERROR_STOP=1 -c "COPY (SELECT seq, at, county, actor, entity, entity_id, action,
      before_json, after_json, encode(prev_hash, 'hex'), encode(hash, 'hex') FROM audit_log ORDER BY seq)
      TO STDOUT WITH (FORMAT csv, NULL '\\N')" >"$rows"
  fi
  python3 - "$JY_BACKEND" "$db" "$rows" "$seq" "$actor" "$nomac" >"$out" <<'PY' || return 1
import csv, hashlib, sqlite3, struct, sys
backend, db, rows_file, start, actor, nomac = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
if backend == "postgresql":
    rows = []
    with open(rows_file, newline="") as f:
        for r in csv.reader(f):
            rows.append([None if v == "\\N" else v for v in r])
else:
    c = sqlite3.connect(db)
    rows = [list(r[:9]) + [r[9].hex(), r[10].hex()] for r in c.execute(
        "SELECT seq, at, county, actor, entity, entity_id, action, before_json, after_json, prev_hash, hash"
        " FROM audit_log ORDER BY seq")]
def field(v):
    if v is None:
        return b"\xff\xff\xff\xff"
    b = str(v).encode()
    return struct.pack(">I", len(b)) + b
prev = None
for r in rows:
    seq = int(r[0])
    if seq < start:
        prev = r[10]
        continue
    if seq == start:
        r[3] = actor
    r[9] = prev if prev is not None else "0" * 64
    msg = b"jiuye-audit-v1\0" + b"".join(field(v) for v in [r[9], seq, r[1], r[2], r[3], r[4], int(r[5]), r[6], r[7], r[8]])
    r[10] = hashlib.sha256(msg).hexdigest()
    prev = r[10]
    mac = ", mac = NULL" if nomac else ""
    if backend == "postgresql":
        print("UPDATE audit_log SET actor = '%s', prev_hash = decode('%s', 'hex'), hash = decode('%s', 'hex')%s WHERE seq = %d;"
              % (r[3].replace("'", "''"), r[9], r[10], mac, seq))
    else:
        print("UPDATE audit_log SET actor = '%s', prev_hash = X'%s', hash = X'%s'%s WHERE seq = %d;"
              % (r[3].replace("'", "''"), r[9], r[10], mac, seq))
PY
  attack_sql "$db" "$(cat "$out")"
}

# mode FILE: the permission bits in octal (600, 644 …).
mode() { stat -c %a "$1"; }

# json_field JSON KEY: the value of KEY in one JSON object.
json_field() {
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}
