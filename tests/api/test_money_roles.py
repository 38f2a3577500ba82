"""Who may move money: the command line and the API agree (one table, the operations block of
policy/workflows.txt). Every money operation that has an API route × every role: the CLI's
refusal ("无权执行 <operation>", from the service's jy_wf_op_check) and the API's 403 (the route's
permission, checked before the handler and bound from the same block at start-up) must come for
exactly the same roles. On the shipped file: finance (财务) enters the budget and builds, approves,
exports and pays the batches; county reviewers run and commit the payroll and decide cases; the
administrator may do all of it; the separated roles (auditor, security, sysadmin) none (MLPS level 3).
Then a server started on an edited file (the city reviewer may run a payroll) lets the city's
account through the route too. Same database and backend as the other API tests."""
import shutil
from apilib import *

os.environ["JIUYE_TODAY"] = "2024-06-05"


def idcard(n, county="640522"):
    body = ("%s1990%04d%03d" % (county, 101, n))[:17]
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def luhn(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2 == 0:
            n *= 2
            n = n - 9 if n > 9 else n
        s += n
    return d + str((10 - s % 10) % 10)


ORG = "91640522MA76X8P717"
cli("org", "add", "--uscc", ORG, "--name", "海原县测试用人单位", "--kinds", "training_body,employer,gig_station",
    "--division", "640522100", ok=False)
_, out, _ = cli("org", "list")
org_id = json.loads(out.splitlines()[0])["id"]
PERSON = idcard(61)
cli("person", "add", "--idcard", PERSON, "--name", "马资金", "--hukou-division", "640522105",
    "--status", "graduate:2023-07-01:2023")
_, out, _ = cli("person", "list")
person_id = json.loads(out.splitlines()[0])["id"]
cli("ledger", "card", PERSON, luhn("62284800123456%04d" % 61))

ROLES = ["admin", "county_reviewer", "city_reviewer", "township_staff", "training_body", "employer",
         "applicant", "station", "finance", "auditor", "security", "sysadmin"]
AREA = {"admin": "", "city_reviewer": "6405", "township_staff": "640522105", "auditor": "", "security": "",
        "sysadmin": ""}
accounts = {"admin": add_user("mr-admin", "admin", area="")}
# the fixture's own people: a finance user who loads the budget and builds the batch the
# approve/export/pay rows act on, and a reviewer who approves its payable
builder = add_user("mr-builder", "finance", area="640522", admin="mr-admin")
decider = add_user("mr-decider", "county_reviewer", area="640522", admin="mr-admin")
accounts["security"] = add_user("mr-security", "security", area="", admin="mr-admin")
for role in ROLES:
    if role in accounts:
        continue
    kw = {}
    if role in ("training_body", "employer", "station"):
        kw["org"] = org_id
    if role == "applicant":
        kw["person"] = person_id
    accounts[role] = add_user("mr-" + role.replace("_", "-"), role, area=AREA.get(role, "640522"),
                              admin="mr-security", **kw)

cli("--as", builder.name, "ledger", "budget", "load", "--year", "2024", "--county", "640522")
cli("--as", decider.name, "ledger", "approve", "--program", "P13", "--year", "2024", "--person", PERSON,
    "--amount", "1750", "--month", "2024-05")
_, out, _ = cli("--as", builder.name, "batch", "build", "--program", "P13", "--month", "2024-05", "--county", "640522")
batch = json.loads(out)["id"]
T = tmpdir()

# operation: (the CLI's arguments, the API's method, path and body); the order matters only in
# that the payroll is run before it is committed
OPS = [
    ("ledger_budget", ["ledger", "budget", "load", "--year", "2024", "--county", "640522"],
     "POST", "/api/v1/ledger/budgets/load", {"year": 2024, "county": "640522"}),
    ("batch_build", ["batch", "build", "--program", "P21", "--month", "2024-01", "--county", "640522"],
     "POST", "/api/v1/batches", {"program": "P21", "month": "2024-01", "county": "640522"}),
    ("batch_approve", ["batch", "approve", str(batch)], "POST", "/api/v1/batches/%d/approve" % batch, {}),
    ("batch_export", ["batch", "export", str(batch), "--csv", os.path.join(T, "b.csv")],
     "GET", "/api/v1/batches/%d/bank-file" % batch, None),
    ("batch_pay", ["batch", "mark-paid", str(batch)], "POST", "/api/v1/batches/%d/paid" % batch, {}),
    ("payroll_run", ["payroll", "run", "P13", "2024-03", "--county", "640522"],
     "POST", "/api/v1/payroll/P13/2024-03/run", {"county": "640522"}),
    ("payroll_commit", ["payroll", "commit", "P13", "2024-03", "--county", "640522"],
     "POST", "/api/v1/payroll/P13/2024-03/commit", {"county": "640522"}),
]
EXPECTED = {  # the shipped operations block, with the administrator (who may take every operation)
    "ledger_budget": {"admin", "finance"},
    "batch_build": {"admin", "finance"},
    "batch_approve": {"admin", "finance"},
    "batch_export": {"admin", "finance"},
    "batch_pay": {"admin", "finance"},
    "payroll_run": {"admin", "county_reviewer"},
    "payroll_commit": {"admin", "county_reviewer"},
}


def cli_refused(op, role, args, policy=None):
    g = ["--policy", policy] if policy else []
    rc, out, err = cli(*(g + ["--as", accounts[role].name] + args), ok=False)
    return rc != 0 and ("无权执行 " + op) in err, rc, err


def api_refused(c, method, path, body):
    st, d = c.raw(method, path, body)
    return st == 403, st, d


with Server() as srv:
    anon = Client(srv)
    clients = {role: Client(srv, anon.api).login(acct) for role, acct in accounts.items()}
    walked = 0
    for op, args, method, path, body in OPS:
        may = set()
        for role in ROLES:
            cr, rc, err = cli_refused(op, role, args)
            ar, st, d = api_refused(clients[role], method, path, body)
            check(cr == ar, "%s as %s: the CLI %s (rc %d: %s) but the API %s (%d: %s)" % (
                op, role, "refuses" if cr else "lets through", rc, err.strip()[:200],
                "refuses" if ar else "lets through", st, json.dumps(d, ensure_ascii=False)[:200]
                if isinstance(d, (dict, list)) else str(d)[:100]))
            if not cr:
                may.add(role)
            walked += 1
        check(may == EXPECTED[op], "%s: roles that may %s, expected %s" % (op, sorted(may), sorted(EXPECTED[op])))
    print("operation x role checks: %d" % walked)

# an edited file: the city reviewer may run a payroll — on the command line and, once a server
# is started on that file, through the route as well
pol = os.path.join(tmpdir(), "pol")
shutil.copytree(os.environ["JY_POLICY_DIR"], pol)
wf = os.path.join(pol, "workflows.txt")
text = open(wf, encoding="utf-8").read()
old = "  operation payroll_run roles county_reviewer "
check(old in text, "the shipped file has no payroll_run line")
open(wf, "w", encoding="utf-8").write(text.replace(old, "  operation payroll_run roles county_reviewer,city_reviewer "))
cr, rc, err = cli_refused("payroll_run", "city_reviewer", ["payroll", "run", "P13", "2024-04", "--county", "640522"], pol)
check(not cr, "the edited file: the CLI still refuses the city reviewer: %s" % err)
with Server(global_args=("--policy", pol)) as srv:
    c = Client(srv).login(accounts["city_reviewer"])
    check("payroll.run" in c.user["permissions"], "the edited file: the city's account lacks payroll.run: %s"
          % c.user["permissions"])
    ar, st, d = api_refused(c, "POST", "/api/v1/payroll/P13/2024-04/run", {"county": "640522"})
    check(not ar, "the edited file: the API still refuses the city reviewer: %d %s" % (st, d))
finish()
