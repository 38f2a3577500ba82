#!/usr/bin/env bash
# jiuye demo: sizes as asked, every generated identifier valid (checked by jiuye's own
# validators and by an independent awk implementation), plausible shares, deterministic for a
# seed, refuses a database that already holds persons unless --force (and then changes nothing
# for the same seed), usage errors.
source "$JY_SOURCE_DIR/tests/lib.sh"
q() { sqlite3 -batch -noheader "$1" "$2"; }

db1="$T/a.db"
expect_rc "demo on a fresh database" 0 "$JIUYE" --db "$db1" demo --persons 500 --orgs 30 --seed 42 --year-cases none
out=$(cat "$T/stdout")
expect_contains "summary persons" '"persons":500,' "$out"
expect_contains "summary orgs" '"orgs":30,' "$out"
expect_contains "summary seed" '"seed":42,' "$out"
expect_out "persons in the database" "500" 0 q "$db1" "select count(*) from persons"
expect_out "orgs in the database" "30" 0 q "$db1" "select count(*) from orgs"
statuses=$(q "$db1" "select count(*) from person_statuses")
expect_contains "summary statuses" "\"statuses\":$statuses," "$out"

# ---- ID numbers: GB 11643 check character (independent awk implementation) for all ----
bad=$(q "$db1" "select idcard from persons" | awk '
  BEGIN { split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432" }
  { s = 0; for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i];
    if (length($0) != 18 || substr(c, s % 11 + 1, 1) != substr($0, 18, 1)) print }')
expect_out "every ID number has the right check character" "" 0 echo "$bad"
# sex digit agrees with the stored sex; birth date agrees with the ID number
expect_out "sex from the 17th digit" "0" 0 q "$db1" \
  "select count(*) from persons where (cast(substr(idcard,17,1) as integer) % 2 = 1) != (sex = 'M')"
expect_out "birth from the ID number" "0" 0 q "$db1" \
  "select count(*) from persons where replace(birth,'-','') != substr(idcard,7,8)"
expect_out "births 1960-2006" "0" 0 q "$db1" "select count(*) from persons where birth < '1960-01-01' or birth > '2006-12-31'"
# jiuye check idcard on a sample (every 10th)
for id in $(q "$db1" "select idcard from persons where id % 10 = 0"); do
  got=$("$JIUYE" check idcard "$id") || fail "check idcard $id: $got"
done
expect_out "ID numbers all from Ningxia" "0" 0 q "$db1" "select count(*) from persons where substr(idcard,1,2) != '64'"
haiyuan_ids=$(q "$db1" "select count(*) from persons where substr(idcard,1,6) in ('640522','642222','640421')")
[ "$haiyuan_ids" -ge 400 ] || fail "most ID numbers should be Haiyuan's: $haiyuan_ids of 500"

# ---- townships: Haiyuan persons live in Haiyuan's townships from the division table ----
towns=$(awk -F'\t' '$1 ~ /^640522[0-9][0-9][0-9]$/ && $4 == "current" { printf "%s\x27%s\x27", sep, $1; sep = "," }' \
  "$JY_SOURCE_DIR/policy/divisions.tsv")
expect_out "hukou townships known" "0" 0 q "$db1" \
  "select count(*) from persons where hukou_division like '640522%' and hukou_division not in ($towns)"
ntowns=$(q "$db1" "select count(distinct hukou_division) from persons where hukou_division like '640522%'")
[ "$ntowns" -ge 12 ] || fail "persons should spread over the townships: $ntowns"
# 海城镇 (county seat) is the largest
expect_out "海城镇 largest" "640522100" 0 q "$db1" \
  "select hukou_division from persons group by 1 order by count(*) desc limit 1"

# ---- shares ----
hui=$(q "$db1" "select count(*) from persons where ethnicity = '回族'")
[ "$hui" -ge 280 ] && [ "$hui" -le 400 ] || fail "回族 share should be about 70 %: $hui of 500"
rural=$(q "$db1" "select count(*) from persons where hukou_kind = 'rural'")
[ "$rural" -ge 300 ] || fail "mostly rural household registration: $rural of 500"
poor=$(q "$db1" "select count(distinct person_id) from person_statuses where kind = 'poverty_alleviated'")
[ "$poor" -ge 80 ] && [ "$poor" -le 250 ] || fail "脱贫人口 should be a large share: $poor of 500"
for k in registered_unemployed monitored disability graduate dibao employer_insured; do
  n=$(q "$db1" "select count(*) from person_statuses where kind = '$k'")
  [ "$n" -gt 0 ] || fail "no $k status among 500 persons"
done
expect_out "disability grades 1-4" "0" 0 q "$db1" \
  "select count(*) from person_statuses where kind = 'disability' and detail not in ('1','2','3','4')"
expect_out "graduates carry their year" "0" 0 q "$db1" \
  "select count(*) from person_statuses where kind = 'graduate' and (detail not glob '20[0-9][0-9]' or substr(since,1,4) != detail)"
expect_out "no status after as_of" "0" 0 q "$db1" \
  "select count(*) from person_statuses where since > '2024-12-31' or until > '2024-12-31' or until < since"
expect_out "phones 1[3-9] + 9 digits" "0" 0 q "$db1" \
  "select count(*) from persons where phone != '' and phone not glob '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"
for ph in $(q "$db1" "select phone from persons where phone != '' and id % 25 = 0"); do
  "$JIUYE" check mobile "$ph" >/dev/null || fail "check mobile $ph"
done

# ---- organisations: valid USCC (jiuye and awk), Luhn bank accounts, licences ----
for code in $(q "$db1" "select uscc from orgs"); do
  got=$("$JIUYE" check uscc "$code") || fail "check uscc $code: $got"
  expect_contains "organisation code check of $code" '"orgcode_ok":true' "$got"
done
bad=$(q "$db1" "select uscc from orgs" | awk '
  BEGIN { a = "0123456789ABCDEFGHJKLMNPQRTUWXY"; split("1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28", w, " ") }
  { s = 0; for (i = 1; i <= 17; i++) s += (index(a, substr($0, i, 1)) - 1) * w[i];
    if (substr(a, (31 - s % 31) % 31 + 1, 1) != substr($0, 18, 1) || substr($0, 3, 6) != "640522") print }')
expect_out "every USCC has the right check character and division 640522" "" 0 echo "$bad"
for acct in $(q "$db1" "select bank_account from orgs where bank_account != ''"); do
  "$JIUYE" check bankcard "$acct" >/dev/null || fail "check bankcard $acct"
done
expect_out "training bodies hold 办学许可证" "0" 0 q "$db1" \
  "select count(*) from orgs o where o.kinds & 1 and not exists (select 1 from org_licences l where l.org_id = o.id and l.kind = '办学许可证')"
ntrain=$(q "$db1" "select count(*) from orgs where kinds & 1")
[ "$ntrain" -ge 1 ] || fail "no training body among 30 organisations"
ncomm=$(q "$db1" "select count(*) from orgs where kinds & 256")
[ "$ncomm" -ge 3 ] || fail "villages (communities) missing: $ncomm"
expect_out "licence validity ordered" "0" 0 q "$db1" "select count(*) from org_licences where valid_until <= valid_from"
expect_out "organisation names unique" "30" 0 q "$db1" "select count(distinct name) from orgs"

# ---- deterministic for a seed ----
db2="$T/b.db"; db3="$T/c.db"
expect_rc "same seed again" 0 "$JIUYE" --db "$db2" demo --persons 500 --orgs 30 --seed 42 --year-cases none
expect_rc "another seed" 0 "$JIUYE" --db "$db3" demo --persons 500 --orgs 30 --seed 43 --year-cases none
dump() {
  q "$1" "select id, idcard, name, sex, birth, ethnicity, education, hukou_division, hukou_kind, phone, address from persons order by id"
  q "$1" "select person_id, kind, since, until, detail from person_statuses order by id"
  q "$1" "select id, uscc, name, kinds, size_class, division, legal_person, phone, address, bank_name, bank_account from orgs order by id"
  q "$1" "select org_id, kind, number, valid_from, valid_until from org_licences order by id"
}
dump "$db1" >"$T/d1"; dump "$db2" >"$T/d2"; dump "$db3" >"$T/d3"
cmp -s "$T/d1" "$T/d2" || fail "same seed gave different data: $(diff "$T/d1" "$T/d2" | head -5)"
cmp -s "$T/d1" "$T/d3" && fail "seeds 42 and 43 gave the same data"
# a larger run keeps the first stage's stream: the organisations of seed 42 do not depend on
# how many persons were made (stages draw from separate streams)
db4="$T/d.db"
expect_rc "seed 42 with fewer persons" 0 "$JIUYE" --db "$db4" demo --persons 50 --orgs 30 --seed 42 --year-cases none
a=$(q "$db1" "select uscc, name from orgs order by id"); b=$(q "$db4" "select uscc, name from orgs order by id")
[ "$a" = "$b" ] || fail "organisations changed with the number of persons"

# ---- refuses a database that holds persons; --force with the same seed changes nothing ----
expect_rc "refuses a filled database" 1 "$JIUYE" --db "$db1" demo --persons 500 --orgs 30 --seed 42 --year-cases none
expect_contains "refusal says why" "already holds 500 persons" "$(cat "$T/stderr")"
audit_before=$(q "$db1" "select count(*) from audit_log")
expect_rc "--force" 0 "$JIUYE" --db "$db1" demo --persons 500 --orgs 30 --seed 42 --year-cases none --force
expect_contains "--force found them all" '"persons_created":0,' "$(cat "$T/stdout")"
expect_out "still 500 persons" "500" 0 q "$db1" "select count(*) from persons"
expect_out "no status twice" "$statuses" 0 q "$db1" "select count(*) from person_statuses"
expect_out "no audit entries for unchanged records" "$audit_before" 0 q "$db1" "select count(*) from audit_log"

# ---- usage ----
expect_rc "bad --persons" 2 "$JIUYE" --db "$T/e.db" demo --persons abc
expect_rc "bad --seed" 2 "$JIUYE" --db "$T/e.db" demo --seed -1
expect_rc "unknown option" 2 "$JIUYE" --db "$T/e.db" demo --bogus 1
expect_rc "no progress on a pipe" 0 "$JIUYE" --db "$T/f.db" demo --persons 20 --orgs 5 --year-cases none
[ -s "$T/stderr" ] && fail "demo wrote to stderr when it is not a terminal: $(cat "$T/stderr")"

finish
