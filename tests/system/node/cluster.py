#!/usr/bin/env python3
"""System test: a hub and three nodes (A, B, C) as real processes on loopback.

    cluster.py PINANA_BINARY SIPP_SCENARIO_DIR

  A owns PJSIP/alice and PJSIP/anna (a device no hint names); C owns PJSIP/erin and PJSIP/carol;
  B owns the hints 2000=PJSIP/alice&PJSIP/erin (devices of A and C) and 2001=PJSIP/bob (its own).
  Publications expire after 5 s, subscriptions after 10 s.

Checks, in order (issue 4, points 2 to 6 and 9):
  1. propagation: a change through A's API shows in B's and C's API with A's EID in `nodes`;
  2. the aggregate: RINGING on A and INUSE on C of one device read RINGINUSE on B;
  3. a sipp watcher subscribed at the hub to `dialog` of 2000 sees, deduplicated,
     terminated, early, confirmed, terminated, early, confirmed, terminated while alice (on A)
     then erin (on C) ring, answer and hang up, and B's API says Ringing / InUse / Idle meanwhile;
  4. caller identity: an early NOTIFY of 2001 names the caller given to B's API; 2001's presence
     document is at the hub too;
  5. hub restart (SIGKILL, then a new hub on the same ports): within subscribe-expires +
     publish-expires + a margin every node's view is whole again, without touching the nodes;
  6. SIGKILL of A: within its publication expiry + 4 s, A's EID and states leave B's and C's
     views, B's /api/v1/cluster drops A, and a watcher of 2000 sees the lamp go terminated;
  7. SIGTERM of C: its states leave B's view at once (it unpublishes) and it exits 0.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nodelib import (  # noqa: E402
    EID_A, EID_B, EID_C, LOCAL, UA, Call, Checks, Node, dedup, device_state, dialog_lamp,
    exten_state, hard_timeout, poll, read, rerun_in_private_netns, sipp_command,
    sipp_notify_bodies, start_hub)

PUBLISH_EXPIRES = 5
SUBSCRIBE_EXPIRES = 10


class PyWatcher:
    """A dialog (or presence) watcher of one extension at the hub, on the mini UA."""

    def __init__(self, hub_port, exten, event="dialog", user="pywatch"):
        self.ua = UA("UDP", hub_port, user=user)
        self.call = Call(self.ua, "sip:%s@%s" % (exten, LOCAL))
        self.event = event
        accept = "application/dialog-info+xml" if event == "dialog" else "application/pidf+xml"
        self.response = self.ua.request("SUBSCRIBE", self.call, headers=[
            ("Event", event), ("Accept", accept), ("Expires", "120")])
        self.bodies = []

    def ok(self):
        return self.response is not None and self.response.status == 200

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
            self.ua.reply(n, 200)
            body = n.text()
            self.bodies.append(body)
            if predicate(body):
                return body

    def close(self):
        self.ua.close()


def nodes_of(api, device):
    d = api.device(device)
    return (d or {}).get("nodes", {})


def is_state(api, device, state, eid=None, eid_state=None):
    d = api.device(device)
    if not d or d.get("state") != state:
        return False
    return eid is None or d.get("nodes", {}).get(eid) == eid_state


def gone_from(api, device, eid):
    """True when `eid` no longer contributes to `device` in this node's view."""
    d = api.device(device)
    return d is None or eid not in d.get("nodes", {})


def run(binary, scenarios, workdir, checks):
    hub = start_hub(binary, workdir)
    hub_udp, hub_tcp = hub.udp_port, hub.tcp_port
    common = dict(publish_expires=PUBLISH_EXPIRES, subscribe_expires=SUBSCRIBE_EXPIRES)
    a = Node(binary, workdir, hub_udp, EID_A, name="A", args=[
        "--device", "PJSIP/alice=NOT_INUSE", "--device", "PJSIP/anna=INUSE"], **common)
    b = Node(binary, workdir, hub_udp, EID_B, name="B", args=[
        "--hint", "2000=PJSIP/alice&PJSIP/erin", "--hint", "2001=PJSIP/bob",
        "--device", "PJSIP/bob=NOT_INUSE"], **common)
    c = Node(binary, workdir, hub_udp, EID_C, name="C", args=[
        "--device", "PJSIP/erin=NOT_INUSE", "--device", "PJSIP/carol=NOT_INUSE"], **common)
    nodes = [a, b, c]
    watchers = []
    try:
        for n in nodes:
            n.start()
        A, B, C = a.api, b.api, c.api

        # ---- 0. start-up: every node learns the others' initial states ----------------------
        ok = poll(lambda: is_state(B, "PJSIP/anna", "INUSE", EID_A, "INUSE")
                  and is_state(A, "PJSIP/erin", "NOT_INUSE", EID_C, "NOT_INUSE"), 10)
        checks.check("start-up: B sees A's PJSIP/anna INUSE, A sees C's PJSIP/erin",
                     ok, (B.device("PJSIP/anna"), A.device("PJSIP/erin")))

        # ---- 1. a change through A's API is visible through B's and C's ---------------------
        r = A.set_device("PJSIP/alice", "INUSE")
        checks.check("A: PUT PJSIP/alice INUSE -> 200 with A's own state", r.status == 200 and
                     (r.json or {}).get("nodes", {}).get(EID_A) == "INUSE", r)
        t0 = time.monotonic()
        ok_b = poll(lambda: is_state(B, "PJSIP/alice", "INUSE", EID_A, "INUSE"), 5)
        ok_c = poll(lambda: is_state(C, "PJSIP/alice", "INUSE", EID_A, "INUSE"), 5)
        checks.check("B and C see PJSIP/alice INUSE with nodes[A]=INUSE (%.0f ms)" %
                     ((time.monotonic() - t0) * 1000), ok_b and ok_c,
                     (B.device("PJSIP/alice"), C.device("PJSIP/alice")))
        A.set_device("PJSIP/alice", "NOT_INUSE")
        ok = poll(lambda: is_state(B, "PJSIP/alice", "NOT_INUSE") and
                  is_state(C, "PJSIP/alice", "NOT_INUSE"), 5)
        checks.check("B and C see PJSIP/alice back to NOT_INUSE", ok, B.device("PJSIP/alice"))

        # ---- 2. the cluster aggregate -------------------------------------------------------
        A.set_device("PJSIP/shared", "RINGING")
        C.set_device("PJSIP/shared", "INUSE")
        ok = poll(lambda: is_state(B, "PJSIP/shared", "RINGINUSE"), 5)
        d = B.device("PJSIP/shared") or {}
        checks.check("aggregate: RINGING on A + INUSE on C -> RINGINUSE on B, per node",
                     ok and d.get("nodes", {}).get(EID_A) == "RINGING" and
                     d.get("nodes", {}).get(EID_C) == "INUSE", d)
        ok = poll(lambda: is_state(A, "PJSIP/shared", "RINGINUSE") and
                  is_state(C, "PJSIP/shared", "RINGINUSE"), 5)
        checks.check("aggregate: A and C also read RINGINUSE", ok,
                     (A.device("PJSIP/shared"), C.device("PJSIP/shared")))
        A.set_device("PJSIP/shared", "NOT_INUSE")
        C.set_device("PJSIP/shared", "NOT_INUSE")
        ok = poll(lambda: is_state(B, "PJSIP/shared", "NOT_INUSE"), 5)
        checks.check("aggregate: both NOT_INUSE -> NOT_INUSE on B", ok, B.device("PJSIP/shared"))

        # ---- 3. sipp dialog watcher of 2000 (B's hint over devices of A and C) --------------
        checks.check("B: extension 2000 Idle before the calls", exten_state(B, "2000") == "Idle",
                     B.extension("2000"))
        cmd, msg_file, err_file = sipp_command(
            workdir, os.path.join(scenarios, "watch_dialog.xml"), "2000", hub_udp, "watch2000",
            timeout=90, keys={"expires": 120})
        out = open(os.path.join(workdir, "watch2000.out"), "w")
        sipp = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)

        def lamps():
            return [dialog_lamp(body) for body in sipp_notify_bodies(read(msg_file))]

        first = poll(lambda: lamps(), 5)
        checks.check("sipp watcher: first NOTIFY of 2000 reads terminated",
                     first and first[0] == "terminated", first)
        steps = [(A, "PJSIP/alice", "RINGING", "Ringing", "early"),
                 (A, "PJSIP/alice", "INUSE", "InUse", "confirmed"),
                 (A, "PJSIP/alice", "NOT_INUSE", "Idle", "terminated"),
                 (C, "PJSIP/erin", "RINGING", "Ringing", "early"),
                 (C, "PJSIP/erin", "INUSE", "InUse", "confirmed"),
                 (C, "PJSIP/erin", "NOT_INUSE", "Idle", "terminated")]
        for api, dev, st, ext, lamp in steps:
            who = "A" if api is A else "C"
            r = api.set_device(dev, st)
            ok_api = poll(lambda: exten_state(B, "2000") == ext, 5)
            ok_lamp = poll(lambda: (lamps() or [None])[-1] == lamp, 5)
            checks.check("%s %s on %s: B says 2000 is %s, the watcher's lamp %s" % (
                dev, st, who, ext, lamp), r.status == 200 and ok_api and ok_lamp,
                (r, B.extension("2000"), lamps()[-3:]))
        try:
            rc = sipp.wait(30)
        except subprocess.TimeoutExpired:
            sipp.kill()
            rc = "timeout"
        seq = dedup(lamps())
        want = ["terminated", "early", "confirmed", "terminated", "early", "confirmed",
                "terminated"]
        checks.check("sipp watcher: NOTIFYs read %s" % " -> ".join(want), seq == want,
                     "got %s; sipp rc %s\n%s" % (seq, rc, read(err_file)[-800:]))
        checks.check("sipp watcher: scenario ran to the end (un-SUBSCRIBE answered)", rc == 0,
                     "rc %s\n%s" % (rc, read(err_file)[-800:]))
        versions = []
        for body in sipp_notify_bodies(read(msg_file)):
            m = re.search(r'<dialog-info\b[^>]*\bversion="(\d+)"', body)
            versions.append(int(m.group(1)) if m else None)
        checks.check("sipp watcher: dialog-info versions strictly increase",
                     None not in versions and all(x < y for x, y in zip(versions, versions[1:])),
                     versions)

        # ---- 4. caller identity in an early dialog; presence of the extension ---------------
        w = PyWatcher(hub_udp, "2001", user="w2001")
        watchers.append(w)
        checks.check("watcher of 2001: SUBSCRIBE dialog 200", w.ok(), w.response)
        initial = w.wait(lambda body: dialog_lamp(body) is not None, 5)
        checks.check("watcher of 2001: initial NOTIFY terminated",
                     initial is not None and dialog_lamp(initial) == "terminated", initial)
        r = B.set_device("PJSIP/bob", "RINGING", caller={"name": "Bob", "number": "3000"})
        body = w.wait(lambda body: dialog_lamp(body) == "early", 5)
        checks.check("B: PUT PJSIP/bob RINGING with a caller -> 200, 2001 Ringing",
                     r.status == 200 and exten_state(B, "2001") == "Ringing",
                     (r, B.extension("2001")))
        checks.check("watcher of 2001: the early NOTIFY names the caller (identity, sip:3000@)",
                     body is not None and "<identity" in body and "sip:3000@" in body, body)
        B.set_device("PJSIP/bob", "NOT_INUSE")
        body = w.wait(lambda body: dialog_lamp(body) == "terminated", 5)
        checks.check("watcher of 2001: back to terminated after hang-up", body is not None,
                     w.bodies[-2:])
        p = PyWatcher(hub_udp, "2001", event="presence", user="p2001")
        watchers.append(p)
        body = p.wait(lambda body: "<presence" in body, 5)
        checks.check("presence of 2001 at the hub: a PIDF document for sip:2001@127.0.0.1",
                     p.ok() and body is not None and "sip:2001@127.0.0.1" in body,
                     (p.response, body))

        # ---- 5. hub restart -----------------------------------------------------------------
        hub.kill()
        time.sleep(0.3)
        hub = start_hub(binary, workdir, udp_port=hub_udp, tcp_port=hub_tcp)
        t0 = time.monotonic()
        budget = SUBSCRIBE_EXPIRES + PUBLISH_EXPIRES + 10
        A.set_device("PJSIP/alice", "INUSE")
        C.set_device("PJSIP/carol", "INUSE")
        B.set_device("PJSIP/bob", "INUSE")
        ok = poll(lambda: is_state(B, "PJSIP/alice", "INUSE", EID_A, "INUSE") and
                  is_state(B, "PJSIP/carol", "INUSE", EID_C, "INUSE") and
                  is_state(A, "PJSIP/bob", "INUSE", EID_B, "INUSE") and
                  is_state(C, "PJSIP/bob", "INUSE", EID_B, "INUSE") and
                  is_state(A, "PJSIP/carol", "INUSE", EID_C, "INUSE") and
                  is_state(C, "PJSIP/alice", "INUSE", EID_A, "INUSE"), budget, interval=0.2)
        checks.check("hub restart: changes made after it reach every node within %d s (%.1f s)"
                     % (budget, time.monotonic() - t0), ok,
                     (B.device("PJSIP/alice"), B.device("PJSIP/carol"), A.device("PJSIP/bob"),
                      C.device("PJSIP/bob")))
        ok = poll(lambda: is_state(B, "PJSIP/anna", "INUSE", EID_A, "INUSE") and
                  is_state(B, "PJSIP/erin", "NOT_INUSE", EID_C, "NOT_INUSE"), 5)
        checks.check("hub restart: B still sees A's anna and C's erin", ok,
                     (B.device("PJSIP/anna"), B.device("PJSIP/erin")))
        ok = poll(lambda: exten_state(B, "2000") == "InUse", 5)
        checks.check("hub restart: B says 2000 InUse", ok, B.extension("2000"))
        w = PyWatcher(hub_udp, "2000", user="w2000")
        watchers.append(w)
        left = max(1.0, budget - (time.monotonic() - t0))
        body = w.wait(lambda body: dialog_lamp(body) == "confirmed", left)
        checks.check("hub restart: B republished 2000 at the new hub (a watcher sees confirmed)",
                     w.ok() and body is not None, (w.response, w.bodies[-2:]))
        ok = poll(lambda: hub.metrics().get("pinana_hub_subscriptions", 0) >= 7, 5, 0.2)
        checks.check("hub restart: the new hub holds the nodes' 6 subscriptions + the watcher's",
                     ok, hub.metrics().get("pinana_hub_subscriptions"))

        # ---- 6. SIGKILL of A ----------------------------------------------------------------
        a.kill()
        t0 = time.monotonic()
        budget = PUBLISH_EXPIRES + 4
        gone = poll(lambda: all(gone_from(api, dev, EID_A) for api in (B, C)
                                for dev in ("PJSIP/alice", "PJSIP/anna")), budget, interval=0.1)
        elapsed = time.monotonic() - t0
        checks.check("SIGKILL A: A's EID leaves B's and C's devices within %d s (%.1f s)" % (
            budget, elapsed), gone, (B.device("PJSIP/alice"), C.device("PJSIP/anna")))
        anna = B.get("/api/v1/devices/PJSIP%2Fanna")
        print("info: after SIGKILL A, B's PJSIP/anna: %r; B's cluster: %s; B's 2000: %s" % (
            anna, B.get("/api/v1/cluster").body, B.get("/api/v1/extensions/2000").body))
        checks.check("SIGKILL A: a device only A had is 404 on B", anna.status == 404, anna)
        alice = B.device("PJSIP/alice") or {}
        checks.check("SIGKILL A: PJSIP/alice is no longer INUSE on B",
                     alice.get("state") != "INUSE", alice)
        cluster = B.cluster() or {}
        members = {m.get("eid"): m for m in cluster.get("nodes", [])}
        checks.check("SIGKILL A: B's /api/v1/cluster no longer lists A", EID_A not in members,
                     cluster)
        checks.check("SIGKILL A: B's /api/v1/cluster lists B (self) and C",
                     members.get(EID_B, {}).get("self") is True and EID_C in members, cluster)
        ok = poll(lambda: exten_state(B, "2000") in ("Idle", "Unavailable"), 3)
        checks.check("SIGKILL A: B's 2000 no longer InUse", ok, B.extension("2000"))
        body = w.wait(lambda body: dialog_lamp(body) == "terminated",
                      max(1.0, budget + 2 - (time.monotonic() - t0)))
        checks.check("SIGKILL A: the watcher of 2000 sees the lamp go terminated",
                     body is not None, w.bodies[-2:])

        # ---- 7. SIGTERM of C ----------------------------------------------------------------
        ok = is_state(B, "PJSIP/carol", "INUSE", EID_C, "INUSE")
        checks.check("before SIGTERM C: B sees carol INUSE from C", ok, B.device("PJSIP/carol"))
        t0 = time.monotonic()
        rc = c.terminate()
        gone = poll(lambda: gone_from(B, "PJSIP/carol", EID_C) and
                    gone_from(B, "PJSIP/erin", EID_C), 3)
        checks.check("SIGTERM C: exits 0", rc == 0, "rc %s\n%s" % (rc, c.stderr()[-1500:]))
        checks.check("SIGTERM C: its states leave B's view at once (%.1f s)" % (
            time.monotonic() - t0), gone, (B.device("PJSIP/carol"), B.device("PJSIP/erin")))
        checks.check("B is still alive", b.alive(), b.stderr()[-1500:])
        checks.check("the hub is still alive", hub.alive(), hub.stderr()[-1500:])
        rc = b.terminate()
        checks.check("SIGTERM B: exits 0", rc == 0, "rc %s\n%s" % (rc, b.stderr()[-1500:]))
    finally:
        for w in watchers:
            w.close()
        for n in nodes:
            n.kill()
        hub.kill()
        if checks.failed:
            for n in nodes:
                print("--- stderr of node %s (tail):\n%s" % (n.name, n.stderr()[-2000:]))
            print("--- stderr of the hub (tail):\n%s" % hub.stderr()[-2000:])


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if shutil.which("sipp") is None:
        print("FAIL: sipp is not installed (Debian package sip-tester)")
        return 1
    rc = rerun_in_private_netns(required=False, timeout=170)
    if rc is not None:
        return rc
    hard_timeout(160)
    checks = Checks()
    binary, scenarios = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as workdir:
        try:
            run(binary, scenarios, workdir, checks)
        except Exception as e:
            traceback.print_exc()
            checks.check("driver ran to the end", False, repr(e))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
