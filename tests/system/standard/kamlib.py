"""Shared helpers of the standard-profile system tests (python3 stdlib only).

Reuses tests/system/node/nodelib.py (Node, Api, poll, ...) and tests/system/hub/sipua.py, and adds
  - Kamailio: contrib/kamailio/run.sh start/restart/stop around one work directory;
  - PyWatcher: a watcher of one presentity at the presence server on the mini UA;
  - tuples(): {tuple id: (basic, pinana state or None)} of a PIDF body;
  - tombstoned(): whether a tuple of a PIDF body is a pinana tombstone (withdrawn="true");
  - mailbox_total(): a mailbox's (new, old) in a node's GET /api/v1/mailboxes;
  - kamailio_missing(): why Kamailio cannot run here, or None;
  - drive(): the common main() of these tests; clean_up(): their common `finally`.
"""

import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system", "node"))
from nodelib import (  # noqa: E402,F401
    EID_A, EID_B, EID_C, LOCAL, UA, Call, Checks, Node, dedup, device_state, dialog_lamp,
    exten_state, free_port, hard_timeout, poll, quote, read, rerun_in_private_netns, run_checked)

RUN_SH = os.path.join(REPO, "contrib", "kamailio", "run.sh")
CLEAN_PERIOD = 2  # pinana-presence.cfg's default expiry sweep period (s)
PROFILE = ["--profile", "standard"]


def kamailio_missing():
    if shutil.which("kamailio") is None and not os.path.exists("/usr/sbin/kamailio"):
        return "kamailio is not installed (Debian packages kamailio, kamailio-presence-modules)"
    for mod in ("presence.so", "presence_xml.so", "presence_dialoginfo.so", "presence_mwi.so"):
        if not any(os.path.exists(os.path.join(d, mod)) for d in (
                "/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules",
                "/usr/lib/aarch64-linux-gnu/kamailio/modules")):
            return "Kamailio module %s missing (kamailio-presence-modules)" % mod
    return None


class Kamailio:
    """Kamailio 5.6 with contrib/kamailio/pinana-presence.cfg, through run.sh."""

    def __init__(self, workdir, mode="memory"):
        self.mode = mode
        self.work = os.path.join(workdir, "kamailio-" + mode)
        # run.sh makes WORKDIR traversable for the kamailio and postgres users; its parent (a
        # 0700 temporary directory) must be too.
        os.chmod(workdir, os.stat(workdir).st_mode | 0o011)
        self.port = free_port()

    def _run(self, *args, timeout=60):
        p = subprocess.run([RUN_SH] + list(args), capture_output=True, text=True,
                           timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("run.sh %s failed (rc %d):\n%s%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr[-3000:]))
        return p.stdout.strip()

    def start(self):
        self._run("start", self.mode, str(self.port), self.work)
        return self

    def restart(self):
        self._run("restart", self.work)

    def stop(self):
        try:
            self._run("stop", self.work, timeout=40)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print("note: %s" % e)

    def log(self):
        return read(os.path.join(self.work, "kamailio.log"))


class PyWatcher:
    """A watcher of one presentity (dialog, presence or message-summary) at the server."""

    ACCEPT = {"dialog": "application/dialog-info+xml", "presence": "application/pidf+xml",
              "message-summary": "application/simple-message-summary"}

    def __init__(self, port, user_part, event="dialog", user="pywatch", expires=120):
        self.ua = UA("UDP", port, user=user)
        self.call = Call(self.ua, "sip:%s@%s" % (user_part, LOCAL))
        self.event = event
        self.response = self.ua.request("SUBSCRIBE", self.call, headers=[
            ("Event", event), ("Accept", self.ACCEPT[event]), ("Expires", str(expires))])
        self.bodies = []
        self.cseqs = []  # the CSeq number of each NOTIFY in self.bodies, in arrival order
        self.refused = []  # CSeqs of the NOTIFYs refused with 500 (lower than one seen)

    def ok(self):
        return self.response is not None and self.response.status in (200, 202)

    def wait(self, predicate, timeout):
        """The first NOTIFY body for which predicate(body) holds; every NOTIFY gets 200."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            n = self.ua.wait_request("NOTIFY", timeout=left)
            if n is None:
                return None
            cseq = int((n.get("CSeq") or "0").split()[0])
            if self.cseqs and cseq < max(self.cseqs):
                # RFC 3261 §12.2.2, as a phone does: Kamailio can send a NOTIFY after a newer one
                # (docs/kamailio.md, fault 8); the late one is refused and its body not shown.
                self.ua.reply(n, 500, "Out of order")
                self.refused.append(cseq)
                continue
            self.ua.reply(n, 200)
            body = n.text()
            self.bodies.append(body)
            self.cseqs.append(cseq)
            if predicate(body):
                return body

    def close(self):
        self.ua.close()


def lamps_through_kamailio(bodies):
    """The lamps a phone shows for the NOTIFY bodies of a dialog watcher at Kamailio, repeats
    merged, and the stale NOTIFYs left out. Kamailio fault 8 (docs/kamailio.md), second form: when
    the node starts a new publication as an extension leaves idle (fault 7's work-around: remove
    the terminated one, then publish anew), the NOTIFY the removal triggers can leave after the new
    publication's, with a higher CSeq, so no UA can refuse it: `terminated` shows for a moment
    between `early` and what follows. Only that shape is left out, and printed: a `terminated`
    right after a start-over's `early` (itself right after a `terminated`) that is not the last
    lamp; any other extra lamp still fails the caller's check."""
    merged = []
    for lamp, body in ((dialog_lamp(b), b) for b in bodies):
        if not merged or merged[-1][0] != lamp:
            merged.append((lamp, body))
    out, stale = [], []
    for i, (lamp, body) in enumerate(merged):
        if (lamp == "terminated" and 2 <= i < len(merged) - 1 and merged[i - 1][0] == "early" and
                merged[i - 2][0] == "terminated"):
            stale.append(body)
            continue
        out.append(lamp)
    if stale:
        print("info: Kamailio fault 8, second form: %d stale NOTIFY(s) left out: %r" % (
            len(stale), stale), flush=True)
    return dedup(out)


TUPLE = re.compile(r"<tuple\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</tuple>", re.S)


def tuples(body):
    """{tuple id: (basic, pinana state or None)} of a PIDF body (regex: good enough for tests)."""
    out = {}
    for tid, inner in TUPLE.findall(body or ""):
        basic = re.search(r"<(?:\w+:)?basic>\s*(\w+)\s*</(?:\w+:)?basic>", inner)
        state = re.search(r"<(?:\w+:)?devicestate\b[^>]*\bstate=\"([A-Z_]+)\"", inner)
        out[tid] = (basic.group(1) if basic else None, state.group(1) if state else None)
    return out


def tombstoned(body, tuple_id):
    """True when the tuple `tuple_id` of a PIDF body carries a pinana tombstone."""
    for tid, inner in TUPLE.findall(body or ""):
        if tid == tuple_id:
            return re.search(r"<(?:\w+:)?devicestate\b[^>]*\bwithdrawn=\"true\"", inner) is not None
    return False


def mailbox_total(api, mailbox):
    """(new, old) of `mailbox` in the node's mailbox list, None when it is not listed. The list
    subscribes to nothing (GET /api/v1/mailboxes/<mailbox> would, on the standard profile)."""
    r = api.get("/api/v1/mailboxes")
    for m in (r.json or []) if r.status == 200 else []:
        if m.get("mailbox") == mailbox:
            return (m.get("new"), m.get("old"))
    return None


def device_user(name):
    """The presentity user of a device (docs/formats/device-pidf.md §1), for the tests."""
    out, upper = "dev-", False
    for b in name.encode():
        c = chr(b)
        if c.isascii() and c.isalpha():
            if c.isupper() != upper:
                upper = not upper
                out += "."
            out += c.lower()
        elif c.isascii() and c.isdigit():
            out += c
        elif c == "/":
            out += "-"
        else:
            out += "_%02x" % b
    return out


def drive(doc, run, missing=None, modes=("memory", "postgres")):
    """The main() of a standard-profile system test: `SCRIPT PINANA [MODE]` (MODE one of `modes`,
    the first by default; modes=None: no MODE argument), exit 77 when missing() (default:
    kamailio_missing) names a reason, a private network namespace when root, a 150 s hard
    timeout, and run(binary, [mode,] workdir, checks) in a temporary directory. Returns the exit
    status ("N passed, M failed" printed by Checks.finish)."""
    argc_ok = len(sys.argv) == 2 or (modes is not None and len(sys.argv) == 3 and
                                     sys.argv[2] in modes)
    if not argc_ok:
        print(doc)
        return 2
    why = (missing or kamailio_missing)()
    if why:
        print("SKIP: %s" % why)
        return 77
    rc = rerun_in_private_netns(required=False, timeout=170)
    if rc is not None:
        return rc
    hard_timeout(150)
    args = [os.path.abspath(sys.argv[1])]
    if modes is not None:
        args.append(sys.argv[2] if len(sys.argv) == 3 else modes[0])
    return run_checked(run, args)


def clean_up(checks, watchers, nodes, kams):
    """The end of a test, pass or fail: watchers closed, nodes killed, and on a failure each
    node's stderr and each Kamailio's log printed; then every Kamailio stopped."""
    for w in watchers:
        w.close()
    for n in nodes:
        n.kill()
    if checks.failed:
        for n in nodes:
            print("--- stderr of node %s (tail):\n%s" % (n.name, n.stderr()[-2000:]))
        for k in kams:
            print("--- Kamailio %s log (tail):\n%s" % (getattr(k, "name", ""), k.log()[-3000:]))
    for k in kams:
        k.stop()
