"""The permission table over HTTP (issue 11): every route of openapi.json × every role. A user of
each role signs in; for each route that needs a permission, the server must refuse (403) exactly
when the role does not hold it, before any handler runs — whatever the record or the body. The
roles' permissions are checked against the three-way separation (三员分立) independently of the
server: the auditor changes nothing, the system administrator sees no business data, the
security administrator manages accounts and nothing else."""
import re
from apilib import *

ROLES = ["admin", "county_reviewer", "city_reviewer", "township_staff", "training_body", "employer",
         "applicant", "station", "finance", "auditor", "security", "sysadmin"]
AREA = {"city_reviewer": "6405", "township_staff": "640522100", "admin": "", "auditor": "", "security": "",
        "sysadmin": ""}

# an organisation and a person for the owner-bound roles
cli("org", "add", "--uscc", "91640522MA76X8P71N", "--name", "海原县测试培训学校", "--kinds", "training_body,employer",
    "--division", "640522100", ok=False)
rc, out, err = cli("org", "list", ok=False)
org_id = json.loads(out.splitlines()[0])["id"] if out.strip() else None
cli("person", "add", "--idcard", "640522199001011236", "--name", "马测试", "--hukou-division", "640522100", ok=False)
rc, out, err = cli("person", "list", ok=False)
person_id = json.loads(out.splitlines()[0])["id"] if out.strip() else None

accounts = {}
accounts["admin"] = add_user("r-admin", "admin", area="")
accounts["security"] = add_user("r-security", "security", area="", admin="r-admin")
for role in ROLES[1:]:
    if role == "security":
        continue
    kw = {}
    if role in ("training_body", "employer", "station") and org_id:
        kw["org"] = org_id
    if role == "applicant" and person_id:
        kw["person"] = person_id
    accounts[role] = add_user("r-" + role.replace("_", "-"), role, area=AREA.get(role, "640522"), admin="r-security", **kw)

WRITE = {"person.write", "org.write", "import.run", "case.file", "case.step", "placement.write", "attendance.write",
         "payroll.run", "payroll.review", "ledger.write", "batch.build", "batch.approve", "batch.export", "batch.pay",
         "user.manage", "backup.run", "config.manage"}
BUSINESS = {"person.read", "person.read_unmasked", "person.write", "org.read", "org.write", "import.run", "case.read",
            "case.file", "case.step", "placement.read", "placement.write", "attendance.write", "payroll.run",
            "payroll.review", "ledger.read", "ledger.write", "batch.read", "batch.build", "batch.approve",
            "batch.export", "batch.pay", "report.read"}

with Server() as srv:
    anon = Client(srv)
    perms = {}
    for role, acct in accounts.items():
        c = Client(srv, anon.api).login(acct)
        perms[role] = (c, set(c.user["permissions"]))

    # the separation, independently of the server's own table
    check(not (perms["auditor"][1] & WRITE), "auditor holds write permissions: %s" % (perms["auditor"][1] & WRITE))
    check("audit.read" in perms["auditor"][1] and "audit.verify" in perms["auditor"][1], "auditor cannot read audit")
    check(not (perms["sysadmin"][1] & BUSINESS), "sysadmin holds business data: %s" % (perms["sysadmin"][1] & BUSINESS))
    check(perms["security"][1] & {"user.manage"} and not (perms["security"][1] & BUSINESS),
          "security: %s" % perms["security"][1])
    check("user.manage" not in perms["admin"][1], "admin keeps user.manage although a security administrator exists")
    check("audit.read" not in perms["admin"][1], "admin keeps audit.read although an auditor exists")
    for role in ("township_staff", "training_body", "employer", "applicant", "station"):
        check(not (perms[role][1] & {"batch.approve", "batch.pay", "ledger.write", "user.manage"}),
              "%s may move money or accounts: %s" % (role, perms[role][1]))

    # every route × every role: 403 exactly when the role lacks the route's permission
    checked = 0
    for method, tpl, rx, op in anon.api.routes:
        perm = op.get("x-permission")
        if perm in (None, "signed-in"):
            continue
        path = re.sub(r"\{[^}]+\}", "999999", tpl)
        for role, (c, held) in perms.items():
            body = {} if method in ("POST", "PUT", "PATCH") else None
            st, d = c.raw(method, path, body)
            if perm in held:
                check(st != 403 or (isinstance(d, dict) and "second factor" in d["error"]["message"]),
                      "%s %s as %s (holds %s): refused 403: %s" % (method, tpl, role, perm, d))
            else:
                check(st == 403, "%s %s as %s (lacks %s): expected 403, got %d" % (method, tpl, role, perm, st))
            checked += 1
    print("route x role checks: %d" % checked)

finish()
