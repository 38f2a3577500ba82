# CLI contract of `jiuye check idcard|uscc|bankcard|mobile VALUE`: JSON on stdout, exit 0 valid /
# 1 invalid / 2 usage (docs/domain.md).
source "$JY_SOURCE_DIR/tests/lib.sh"
export JIUYE_TODAY=2025-06-15
unset JIUYE_POLICY

# 居民身份证号
expect_out "Haiyuan woman" \
  '{"valid":true,"birth":"1990-03-07","sex":"F","division":"640522","number":"640522199003070027","division_name":"宁夏回族自治区中卫市海原县"}' 0 \
  "$JIUYE" check idcard 640522199003070027
expect_out "wrong check character" '{"valid":false,"reason":"check character should be 7"}' 1 \
  "$JIUYE" check idcard 640522199003070020
expect_out "lower-case x normalised" \
  '{"valid":true,"birth":"1949-12-31","sex":"F","division":"110105","number":"11010519491231002X","note":"lower-case x normalised to X"}' 0 \
  "$JIUYE" check idcard 11010519491231002x
expect_out "1999-02-29" '{"valid":false,"reason":"birth date 1999-02-29 does not exist"}' 1 \
  "$JIUYE" check idcard 640522199902290025
expect_out "born after JIUYE_TODAY" '{"valid":false,"reason":"birth date 2025-06-16 is in the future"}' 1 \
  "$JIUYE" check idcard 640522202506160010
JIUYE_TODAY=2025-06-16 expect_rc "born on JIUYE_TODAY" 0 "$JIUYE" check idcard 640522202506160010
expect_out "17 characters" '{"valid":false,"reason":"ID number must be 18 characters, found 17"}' 1 \
  "$JIUYE" check idcard 64052219900307002
out=$("$JIUYE" check idcard "６４０５２２１９９００３０７００２７" 2>/dev/null) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "full-width digits: exit $rc, want 1"
expect_contains "full-width digits named" '"valid":false' "$out"
expect_contains "full-width digits named" '６４０５２２' "$out"
expect_out "unknown Ningxia county" \
  '{"valid":false,"reason":"division code 640599 is not a county of 宁夏 in the division table (policy/divisions.tsv)"}' 1 \
  "$JIUYE" check idcard 640599199003070028
expect_rc "male, former Haiyuan code 642222" 0 "$JIUYE" check idcard 642222198001010013
out=$("$JIUYE" check idcard 642222198001010013)
expect_contains "sex from the 17th digit" '"sex":"M"' "$out"

# 统一社会信用代码
expect_out "published credit code" \
  '{"valid":true,"code":"91350100M000100Y43","division":"350100","authority":"工商","type":"企业","orgcode":"M000100Y4","orgcode_ok":true}' 0 \
  "$JIUYE" check uscc 91350100m000100y43
expect_out "credit code check" '{"valid":false,"reason":"check character should be 3"}' 1 \
  "$JIUYE" check uscc 91350100M000100Y44
expect_rc "letter O is not in the alphabet" 1 "$JIUYE" check uscc 91350100M000100O43

# bank card and mobile
expect_out "Luhn" '{"valid":true,"number":"6222021234567890128","length":19}' 0 \
  "$JIUYE" check bankcard "6222 0212 3456 7890 128"
expect_out "Luhn wrong" '{"valid":false,"reason":"check digit should be 1 (Luhn)"}' 1 \
  "$JIUYE" check bankcard 4111111111111112
expect_out "+86 stripped" '{"valid":true,"number":"13912345678"}' 0 "$JIUYE" check mobile "+86 139-1234-5678"
expect_out "not a mobile" '{"valid":false,"reason":"mobile number must start with 13-19, not 12 (a landline needs its area code and is not a mobile number)"}' 1 \
  "$JIUYE" check mobile 12912345678

# usage errors
expect_rc "no kind" 2 "$JIUYE" check
expect_rc "no value" 2 "$JIUYE" check idcard
expect_rc "unknown kind" 2 "$JIUYE" check passport E12345678
expect_rc "extra argument" 2 "$JIUYE" check mobile 13912345678 x

# the division table comes from the policy directory
mkdir -p "$T/policy"
expect_out "missing division table" "{\"error\":\"cannot open $T/policy/divisions.tsv: No such file or directory\"}" 1 \
  "$JIUYE" --policy "$T/policy" check idcard 640522199003070027
expect_rc "mobile needs no table" 0 "$JIUYE" --policy "$T/policy" check mobile 13912345678
finish
