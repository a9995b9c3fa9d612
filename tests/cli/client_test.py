#!/usr/bin/env python3
"""System test of the API client subcommands (devstate, hints, cluster, mwi) against a stand-in
for a node's HTTP API on 127.0.0.1 (a Python http.server with canned replies): the requests the
binary sends, what it prints, and its exit codes. Usage: client_test.py PINANA_BINARY"""
import http.server
import json
import socket
import subprocess
import sys
import threading

binary = sys.argv[1]
failures = []
passed = 0
requests = []  # (method, path, body)


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


DEVICES = {
    "PJSIP/alice": {"name": "PJSIP/alice", "state": "INUSE", "nodes": {"aa:aa": "INUSE", "bb:bb": "NOT_INUSE"}},
    "Custom:lamp 1": {"name": "Custom:lamp 1", "state": "NOT_INUSE", "nodes": {"aa:aa": "NOT_INUSE"}},
}
EXTENSIONS = [
    {"exten": "1000", "hint": "PJSIP/alice&Custom:lamp 1", "state": "InUse", "presence": "available", "display_name": "Alice"},
    {"exten": "1001", "hint": "PJSIP/bob", "state": "Idle", "presence": "", "display_name": ""},
]
CLUSTER = {"eid": "aa:aa", "nodes": [
    {"eid": "aa:aa", "devices": 2, "last_update": "2024-03-01T12:34:56.789Z", "self": True},
    {"eid": "bb:bb", "devices": 1, "last_update": None, "self": False}]}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        from urllib.parse import unquote
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        requests.append((self.command, self.path, body))
        path = self.path
        if path.startswith("/api/v1/devices/"):
            name = unquote(path[len("/api/v1/devices/"):])
            if self.command == "PUT":
                doc = json.loads(body)
                if doc["state"] not in ("INUSE", "NOT_INUSE", "RINGING", "BUSY"):
                    return self.reply(400, {"error": f"invalid device state \"{doc['state']}\""})
                return self.reply(200, {"name": name, "state": doc["state"], "nodes": {"aa:aa": doc["state"]}})
            if name in DEVICES:
                return self.reply(200, DEVICES[name])
            return self.reply(404, {"error": f"unknown device: {name}"})
        if path == "/api/v1/devices":
            return self.reply(200, list(DEVICES.values()))
        if path == "/api/v1/extensions":
            return self.reply(200, EXTENSIONS)
        if path == "/api/v1/cluster":
            return self.reply(200, CLUSTER)
        if path.startswith("/api/v1/mailboxes/") and self.command == "PUT":
            doc = json.loads(body)
            return self.reply(200, {"mailbox": unquote(path[len("/api/v1/mailboxes/"):]), "new": doc["new"], "old": doc["old"]})
        return self.reply(404, {"error": "no such resource"})

    do_GET = handle_any
    do_PUT = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
api = f"http://127.0.0.1:{server.server_address[1]}"


def run(*args, api_url=None):
    p = subprocess.run([binary, *args, "--api", api_url or api], capture_output=True, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


rc, out, err = run("devstate", "set", "Custom:lamp 1", "RINGING", "--caller-name", "Bob", "--caller-number", "200")
check("set exit", rc == 0, (rc, err))
check("set path", requests[-1][:2] == ("PUT", "/api/v1/devices/Custom%3Alamp%201"), requests[-1])
check("set body", json.loads(requests[-1][2]) == {"state": "RINGING", "caller": {"name": "Bob", "number": "200"}}, requests[-1])
check("set output", "Custom:lamp 1" in out and "RINGING" in out, out)

rc, out, err = run("devstate", "set", "Custom:x", "SLEEPY")
check("set bad state exit", rc == 1, rc)
check("set bad state reason", 'invalid device state "SLEEPY"' in err, err)

rc, out, err = run("devstate", "get", "PJSIP/alice")
check("get exit", rc == 0, (rc, err))
check("get path", requests[-1][1] == "/api/v1/devices/PJSIP%2Falice", requests[-1])
check("get output", "INUSE" in out and "bb:bb" in out and "NOT_INUSE" in out, out)

rc, out, err = run("devstate", "get", "PJSIP/nobody")
check("get unknown exit", rc == 1, rc)
check("get unknown reason", "unknown device: PJSIP/nobody" in err, err)

rc, out, err = run("devstate", "get", "PJSIP/alice", "--json")
check("get json", rc == 0 and json.loads(out) == DEVICES["PJSIP/alice"], out)

rc, out, err = run("devstate", "list")
check("list exit", rc == 0, (rc, err))
check("list footer", out.strip().endswith("2 devices"), out)

rc, out, err = run("hints")
lines = out.splitlines()
check("hints exit", rc == 0, (rc, err))
check("hints line", any(l.startswith("  1000") and "PJSIP/alice&Custom:lamp 1" in l and "State:InUse" in l
                        and "Presence:available" in l for l in lines), out)
check("hints not_set", any("1001" in l and "Presence:not_set" in l for l in lines), out)
check("hints footer", lines[-1] == "2 hints", lines[-1:])

rc, out, err = run("cluster")
check("cluster exit", rc == 0, (rc, err))
check("cluster self", any(l.startswith("* aa:aa") and "2024-03-01T12:34:56.789Z" in l for l in out.splitlines()), out)
check("cluster never", any(l.startswith("  bb:bb") and "never" in l for l in out.splitlines()), out)

rc, out, err = run("mwi", "set", "1000@default", "3", "1")
check("mwi exit", rc == 0, (rc, err))
check("mwi request", requests[-1][1] == "/api/v1/mailboxes/1000%40default"
      and json.loads(requests[-1][2]) == {"new": 3, "old": 1}, requests[-1])
check("mwi output", "1000@default: 3 new, 1 old" in out, out)

rc, out, err = run("mwi", "set", "1000@default", "-3", "1")
check("mwi negative refused", rc != 0 and len(requests) == 9, (rc, len(requests)))

# Nobody listening: exit 2 with a clear message.
s = socket.socket()
s.bind(("127.0.0.1", 0))
dead = f"http://127.0.0.1:{s.getsockname()[1]}"
s.close()
rc, out, err = run("devstate", "list", api_url=dead)
check("refused exit", rc == 2, rc)
check("refused message", f"cannot connect to {dead}" in err, err)

rc, out, err = run("devstate", "list", api_url="https://x")
check("bad url exit", rc == 2, (rc, err))

for args in (["devstate", "--help"], ["devstate", "set", "--help"], ["hints", "--help"], ["mwi", "set", "--help"]):
    p = subprocess.run([binary, *args], capture_output=True, timeout=20)
    wants_api = args != ["devstate", "--help"]  # the group lists subcommands; leaves list --api
    check(f"help {' '.join(args)}", p.returncode == 0 and (b"--api" in p.stdout or not wants_api), p.stdout[:200])

server.shutdown()
print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
