"""Messages in Chinese over HTTP (issue 13 item 4): every error object carries "message" (English),
"message_zh" (Chinese) and "key" (the stable message key) beside "status", "code" and "field"
(the OpenAPI Error schema requires message_zh, so apilib checks it on every error of every API
test); here the texts themselves: a wrong check character, a day that does not exist, a negative
amount, an unknown field, a bad query, a person not on record (the store's message), a refused
permission, not signed in, a sign-in refused because an administrator locked the account."""
import re
from apilib import *

CJK = re.compile(r"[\u4e00-\u9fff]")
admin_name = "msg-admin"
add_user(admin_name, "admin", area="")
rev = add_user("msg-rev", "county_reviewer", area="640522", admin=admin_name)
town = add_user("msg-town", "township_staff", area="640522100", admin=admin_name)


def both(d, key, en_part, zh_part, what):
    e = d.get("error", {})
    check(e.get("key") == key, "%s: key %r, want %r" % (what, e.get("key"), key))
    check(en_part in e.get("message", ""), "%s: message %r lacks %r" % (what, e.get("message"), en_part))
    check(zh_part in e.get("message_zh", ""), "%s: message_zh %r lacks %r" % (what, e.get("message_zh"), zh_part))
    check(CJK.search(e.get("message_zh", "")) and not CJK.search(e.get("message", "x") .replace("身份证号", "")),
          "%s: message_zh must be Chinese and message English: %r" % (what, e))


with Server() as srv:
    anon = Client(srv)
    st, d = anon.call("GET", "/api/v1/persons", expect=401)
    check(CJK.search(d["error"]["message_zh"]) is not None, "not signed in: no Chinese: %r" % d)

    c = Client(srv).login(rev)
    st, d = c.call("POST", "/api/v1/persons", {"idcard": "640522199001011235", "name": "马小兰"}, expect=422)
    both(d, "idcard.check_char", "check character should be 4", "身份证号码校验位（第18位）有误，应为 4", "check character")
    check(d["error"]["field"] == "idcard", "check character: field %r" % d["error"]["field"])
    st, d = c.call("POST", "/api/v1/persons", {"idcard": "640522199002301236", "name": "马小兰"}, expect=422)
    both(d, "idcard.birth_no_such_day", "birth date 1990-02-30 does not exist", "出生日期 1990-02-30 不存在", "birth day")
    st, d = c.call("POST", "/api/v1/persons", {"idcard": "640522199001011234", "name": "马小兰", "nick": "x"}, expect=422)
    both(d, "api.unknown_field", 'unknown field "nick"', "未知字段“nick”", "unknown field")
    st, d = c.call("GET", "/api/v1/persons?limit=abc", expect=400)
    both(d, "api.query", "?limit=abc: expected a whole number", "参数 ?limit=abc 有误：应为", "bad query")
    # a message of the store (src/store), passed through whole
    st, d = c.call("GET", "/api/v1/persons/999999", expect=404)
    both(d, "store.person.not_found_id", "no person with id 999999", "没有编号为 999999 的人员", "no such person")

    # a refused sign-in (src/service/auth.c): an account an administrator locked
    locked = add_user("msg-locked", "township_staff", area="640522100", admin=admin_name)
    cli("--as", admin_name, "user", "lock", locked.name)
    st, d = Client(srv).call("POST", "/api/v1/session", {"name": locked.name, "password": locked.password}, expect=401)
    e = d.get("error", {})
    check(e.get("key") == "auth.disabled" and e.get("message_zh") == "账户已被管理员锁定"
          and "(account locked by an administrator)" in e.get("message", ""), "locked account: %r" % d)

    t = Client(srv).login(town)
    st, d = t.call("POST", "/api/v1/users", {"name": "x", "role": "admin", "password": "Zq8#long-enough-pw"}, expect=403)
    check(CJK.search(d["error"]["message_zh"]) is not None and d["error"]["message"] != d["error"]["message_zh"],
          "permission refusal: %r" % d)
finish()
