"""apilib.py — what the API tests share (issue 11): a jiuye server on a free port, accounts made
with the CLI, a client that logs in (password change and second factor included) and checks
EVERY answer it gets against /api/v1/openapi.json: the route exists in the document with this
method, the status is one the document lists, and the body has the documented shape (a small
JSON Schema validator below: type, required, properties, additionalProperties, items, enum,
const, $ref, anyOf). So the document cannot drift from what the server does without a test
failing.

Environment (set by tests/lib.sh through the wrapper script): JIUYE (the binary), JIUYE_DB (a
fresh database: SQLite file or PostgreSQL URL), JY_TEST_TMP. Uses only Python's standard library.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

JIUYE = os.environ["JIUYE"]
FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def finish():
    if FAILS:
        print("%d check(s) failed" % len(FAILS), file=sys.stderr)
        sys.exit(1)
    print("ok")
    sys.exit(0)


def cli(*args, stdin=None, ok=True, env=None):
    """Runs jiuye with args; returns (rc, stdout, stderr)."""
    p = subprocess.run([JIUYE] + list(args), input=stdin, capture_output=True, text=True,
                       env=env or os.environ)
    if ok and p.returncode != 0:
        raise RuntimeError("jiuye %s failed (%d): %s %s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def tmpdir():
    return tempfile.mkdtemp(dir=os.environ.get("JY_API_TMP") or None)


# ---- accounts ----

def key_file():
    """The deployment key (TOTP secrets are sealed with it): one per test run."""
    path = os.environ.get("JIUYE_KEY_FILE")
    if path and os.path.exists(path):
        return path
    path = os.path.join(tmpdir(), "jiuye.key")
    cli("user", "keygen", path)
    os.environ["JIUYE_KEY_FILE"] = path
    return path


SECOND_FACTOR_ROLES = {"admin", "finance", "auditor", "security", "sysadmin"}


class Account:
    def __init__(self, name, role, area, password, secret=None):
        self.name, self.role, self.area, self.password, self.secret = name, role, area, password, secret


def add_user(name, role, area="640522", org=None, person=None, admin=None):
    """Registers an account with the CLI (as `admin` once users exist) and returns an Account
    whose password the first login will have to change (the client does it)."""
    key_file()
    pw = "Init-%s-Pw-%d!" % (hashlib.sha256(name.encode()).hexdigest()[:10], os.getpid())
    d = tmpdir()
    pf = os.path.join(d, "pw")
    with open(pf, "w") as f:
        f.write(pw + "\n")
    args = []
    if admin:
        args += ["--as", admin]
    args += ["user", "add", name, "--role", role, "--password-file", pf]
    if area is not None:
        args += ["--area", area]
    if org:
        args += ["--org", str(org)]
    if person:
        args += ["--person", str(person)]
    cli(*args)
    secret = None
    if role in SECOND_FACTOR_ROLES:
        rc, out, _ = cli("--as", admin or name, "user", "totp", name, "enroll", ok=False)
        if rc != 0:  # the administrator lost account powers to this security administrator: self-enrol
            _, out, _ = cli("--as", name, "user", "totp", name, "enroll")
        m = re.search(r"secret=([A-Z2-7]+)", out)
        if not m:
            raise RuntimeError("no TOTP secret in: " + out)
        secret = m.group(1)
    return Account(name, role, area, pw, secret)


def totp(secret_b32, at=None, step=30, digits=6):
    pad = "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(secret_b32 + pad)
    counter = int((at if at is not None else time.time()) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


# ---- the server ----

class Server:
    def __init__(self, *serve_args, global_args=()):
        self.out = os.path.join(tmpdir(), "serve.out")
        self.err = self.out + ".err"
        # the rate limits are off unless a test sets them: a route walk sends hundreds of requests a
        # second from one address, more than a person does (the limits have their own tests)
        limits = [] if "--rate" in serve_args else ["--rate", "0", "--user-rate", "0"]
        self.proc = subprocess.Popen([JIUYE] + list(global_args) + ["serve", "--port", "0", "--threads", "2",
                                      "--quiet"] + limits + list(serve_args),
                                     stdout=open(self.out, "w"), stderr=open(self.err, "w"))
        self.port = None
        for _ in range(300):
            try:
                line = open(self.out).readline()
                if line:
                    self.port = json.loads(line)["port"]
                    break
            except (OSError, ValueError):
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            raise RuntimeError("server did not start: " + open(self.err).read())
        self.origin = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


# ---- OpenAPI checks ----

class OpenAPI:
    def __init__(self, doc):
        self.doc = doc
        self.routes = []  # (method, template, regex, operation)
        for path, ops in doc["paths"].items():
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
            for method, op in ops.items():
                self.routes.append((method.upper(), path, re.compile(rx), op))
        self.seen = set()

    def find(self, method, path):
        path = path.split("?", 1)[0]
        for m, tpl, rx, op in self.routes:
            if m == method and rx.match(path):
                return tpl, op
        return None, None

    def check(self, method, path, status, body):
        tpl, op = self.find(method, path)
        if op is None and status == 405:  # another method of a documented path
            check(any(rx.match(path.split("?", 1)[0]) for _, _, rx, _ in self.routes),
                  "%s %s answered 405 but no method of it is in openapi.json" % (method, path))
            return
        if not check(op is not None, "%s %s is not in openapi.json" % (method, path)):
            return
        self.seen.add((method, tpl))
        responses = op["responses"]
        key = str(status)
        # the server's own refusals (rate limits, size, media type, method) may come on any route
        generic = {"401", "403", "405", "413", "415", "429", "503"}
        if key not in responses:
            check(key in generic and status != 200, "%s %s answered %d, which openapi.json does not list for %s (%s)"
                  % (method, path, status, tpl, ", ".join(sorted(responses))))
            schema = {"$ref": "#/components/schemas/Error"}
        else:
            schema = responses[key].get("content", {}).get("application/json", {}).get("schema")
        if schema is not None and body is not None:
            errs = []
            validate(schema, body, self.doc, "$", errs)
            check(not errs, "%s %s → %d: the body does not match openapi.json: %s" % (method, path, status,
                                                                                         "; ".join(errs[:5])))


def _type_ok(t, v):
    if isinstance(t, list):
        return any(_type_ok(x, v) for x in t)
    return {
        "object": lambda: isinstance(v, dict),
        "array": lambda: isinstance(v, list),
        "string": lambda: isinstance(v, str),
        "integer": lambda: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda: isinstance(v, bool),
        "null": lambda: v is None,
    }.get(t, lambda: True)()


def validate(schema, v, root, where, errs):
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return validate(node, v, root, where, errs)
    if "anyOf" in schema:
        for s in schema["anyOf"]:
            e = []
            validate(s, v, root, where, e)
            if not e:
                break
        else:
            errs.append("%s: matches none of anyOf" % where)
    if "type" in schema and not _type_ok(schema["type"], v):
        errs.append("%s: expected %s, got %s" % (where, schema["type"], type(v).__name__))
        return
    if "enum" in schema and v not in schema["enum"]:
        errs.append("%s: %r not in %r" % (where, v, schema["enum"]))
    if "const" in schema and v != schema["const"]:
        errs.append("%s: %r is not %r" % (where, v, schema["const"]))
    if isinstance(v, dict):
        for k in schema.get("required", []):
            if k not in v:
                errs.append("%s: missing %s" % (where, k))
        props = schema.get("properties", {})
        for k, sub in props.items():
            if k in v:
                validate(sub, v[k], root, where + "." + k, errs)
        if schema.get("additionalProperties") is False:
            for k in v:
                if k not in props:
                    errs.append("%s: unexpected %s" % (where, k))
    if isinstance(v, list) and "items" in schema:
        for i, x in enumerate(v):
            validate(schema["items"], x, root, "%s[%d]" % (where, i), errs)


# ---- the client ----

class Client:
    """One browser-like session: cookie jar, CSRF token, same-origin Origin header."""

    def __init__(self, server, api=None):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.user = None
        self.api = api or OpenAPI(self.raw("GET", "/api/v1/openapi.json", check_doc=False)[1])

    def raw(self, method, path, body=None, headers=None, check_doc=True, content_type="application/json",
            origin=True, csrf=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        h = {}
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
            if content_type:
                h["Content-Type"] = content_type
        else:
            data = None
        if origin and method not in ("GET", "HEAD"):
            h["Origin"] = self.server.origin
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                c = v.split(";", 1)[0]
                name, _, val = c.partition("=")
                self.cookie = None if val == "" else c
        ctype = r.getheader("Content-Type") or ""
        data = None
        if "json" in ctype and raw:
            data = json.loads(raw)
        elif raw and ctype.startswith("text/"):
            data = raw.decode("utf-8", "replace")
        else:
            data = raw
        self.last_headers = dict((k.lower(), v) for k, v in r.getheaders())
        conn.close()
        if check_doc and path.startswith("/api/v1/"):
            self.api.check(method, path, r.status, data if isinstance(data, (dict, list)) else None)
        return r.status, data

    def call(self, method, path, body=None, expect=None, **kw):
        status, data = self.raw(method, path, body, **kw)
        if expect is not None:
            exp = expect if isinstance(expect, (list, tuple, set)) else [expect]
            check(status in exp, "%s %s: expected %s, got %d: %s" % (method, path, expect, status,
                                                                     json.dumps(data, ensure_ascii=False)[:400]
                                                                     if not isinstance(data, bytes) else data[:200]))
        return status, data

    def login(self, acct, new_password=None):
        """Logs in as acct, changing the administrator-set password and passing the second factor
        as needed; afterwards the session is fully open."""
        st, d = self.call("POST", "/api/v1/session", {"name": acct.name, "password": acct.password}, expect=200)
        if st != 200:
            raise RuntimeError("login %s failed: %s" % (acct.name, d))
        self.csrf = d["csrf_token"]
        if d["state"] == "second_factor":
            code = totp(acct.secret)
            st, d2 = self.call("POST", "/api/v1/session/second-factor", {"code": code}, expect=200)
            if st != 200:  # the code of this step was used already: wait for the next one
                time.sleep(30 - time.time() % 30 + 0.5)
                self.call("POST", "/api/v1/session/second-factor", {"code": totp(acct.secret)}, expect=200)
        st, me = self.call("GET", "/api/v1/session", expect=200)
        if me["user"]["must_change_password"]:
            newpw = new_password or ("Changed-%s-%d-Pw!" % (hashlib.sha256(acct.name.encode()).hexdigest()[:10], os.getpid()))
            st, d = self.call("POST", "/api/v1/session/password",
                              {"old_password": acct.password, "new_password": newpw}, expect=200)
            acct.password = newpw
            self.csrf = d["csrf_token"]
            if d["state"] == "second_factor":
                time.sleep(30 - time.time() % 30 + 0.5)  # a TOTP step is good once
                self.call("POST", "/api/v1/session/second-factor", {"code": totp(acct.secret)}, expect=200)
        st, me = self.call("GET", "/api/v1/session", expect=200)
        self.user = me["user"]
        return self
