#!/usr/bin/env python3
"""System test of `pinana sip parse`: runs the real binary on files and stdin and checks its JSON,
its one-line reasons and its exit codes. Usage: sip_parse_test.py PINANA_BINARY DATA_DIR"""
import json
import os
import subprocess
import sys

binary, data = sys.argv[1], sys.argv[2]
failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def run(args, stdin=None):
    p = subprocess.run([binary, "sip", "parse", *args], input=stdin, capture_output=True, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# A valid message: the JSON structure and parsed values.
rc, out, _ = run([os.path.join(data, "rfc4475", "wsinv.dat")])
check("wsinv exit", rc == 0, rc)
doc = json.loads(out)
check("wsinv type", doc["type"] == "request" and doc["method"] == "INVITE", doc.get("method"))
check("wsinv version", doc["version"] == "SIP/2.0")
names = [h["name"] for h in doc["headers"]]
check("wsinv canonical names", "Max-Forwards" in names and "Subject" in names and "Via" in names, names)
vias = [h for h in doc["headers"] if h["name"] == "Via"]
check("wsinv via count", sum(len(v["value"]) for v in vias) == 3, vias)
check("wsinv via branch", vias[0]["value"][0]["params"]["branch"] == "390skdjuw", vias[0])
to = next(h for h in doc["headers"] if h["name"] == "To")
check("wsinv to tag", to["value"]["params"]["tag"] == "1918181833n", to)
check("wsinv wire name", to.get("wire_name") == "TO", to)
cseq = next(h for h in doc["headers"] if h["name"] == "CSeq")
check("wsinv cseq", cseq["value"] == {"sequence": 9, "method": "INVITE"}, cseq)
check("wsinv body", doc["body_length"] == 150, doc["body_length"])

# Standard input, a response, and presence headers.
publish = (b"PUBLISH sip:alice@example.com SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:5062;branch=z9hG4bK1\r\n"
           b"Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
           b"Call-ID: c@h\r\nCSeq: 2 PUBLISH\r\nEvent: presence;id=7\r\nExpires: 60\r\n"
           b"SIP-If-Match: abc\r\nContent-Length: 0\r\n\r\n")
rc, out, _ = run(["-"], publish)
check("stdin exit", rc == 0, rc)
doc = json.loads(out)
ev = next(h for h in doc["headers"] if h["name"] == "Event")
check("event parsed", ev["value"] == {"type": "presence", "package": "presence", "params": {"id": "7"}}, ev)
check("expires parsed", next(h for h in doc["headers"] if h["name"] == "Expires")["value"] == 60)
check("etag", next(h for h in doc["headers"] if h["name"] == "SIP-If-Match")["value"] == "abc")

# Malformed: one line, a reason, exit 1.
rc, out, _ = run([os.path.join(data, "rfc4475", "badvers.dat")])
check("badvers exit", rc == 1, rc)
check("badvers one line", out.count("\n") == 1 and out.startswith("malformed: "), out)
check("badvers reason", "SIP/7.0" in out and "505" in out, out)
rc, out, _ = run(["-"], b"INVITE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n")
check("ncl stdin", rc == 1 and "Content-Length" in out, out)

# A missing file is a usage error, not a parse verdict.
rc, out, err = run(["/nonexistent/file.sip"])
check("missing file", rc == 2 and "cannot open" in err, (rc, err))

# Every torture message: exit 0 with JSON, or exit 1 with one line.
tolerated = {"baddate"}
for corpus in ("rfc4475", "rfc5118"):
    with open(os.path.join(data, corpus, "MANIFEST.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    for row in rows:
        name, outcome = row[0], row[3]
        rc, out, _ = run([os.path.join(data, corpus, name + ".dat")])
        want_ok = outcome.startswith("valid") or name in tolerated
        if want_ok:
            ok = rc == 0
            try:
                json.loads(out)
            except ValueError:
                ok = False
        else:
            ok = rc == 1 and out.count("\n") == 1 and out.startswith("malformed: ")
        check(f"{corpus}/{name}", ok, (rc, out[:200]))

for f in failures:
    print("FAIL", f)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
