#!/usr/bin/env python3
"""System test: a Kamailio presence cluster (DMQ) under `pinana node --profile standard`.

    dmq.py PINANA_BINARY [memory|postgres]

Two Kamailio 5.6 presence servers on 127.0.0.1, K1 and K2, both MEMORY mode (or POSTGRES, each
with a database of its own), started by
contrib/kamailio/run.sh with DMQ_PEER (the other's DMQ address) and DMQ_PORT (an own KDMQ socket):
`modparam("presence", "enable_dmq", 1)` replicates every publication to the peer. Nodes A and C
use K1, node B uses K2 (`--hub`). A owns PJSIP/alice, PJSIP/anna and the hint 3000=PJSIP/alice;
B owns PJSIP/bob and the hint 2000=PJSIP/alice&PJSIP/bob; C owns nothing (it watches alice on
K1 beside B watching it on K2: the same-server baseline of the propagation figures).
Publications expire after 5 s, subscriptions after 10 s. Exit 0 all passed, 1 a failure,
77 Kamailio or its dmq module not installed.

Checks, in order (docs/kamailio-dmq.md):
  0. the pair: a PUBLISH at K1 is seen by a watcher at K2 (and the reverse);
  1. start-up: B (at K2) learns A's alice (published at K1) through the replication;
  2. propagation A -> B across the pair, and A -> C on one server, 10 changes each: every change
     arrives; the times are printed (median, max);
  3. B -> A: B's bob reaches A (a look-up at K1 of a publication made at K2);
  4. aggregate: RINGING on A and INUSE on B of one device read RINGINUSE on both (each server
     composes its own and the replicated tuples);
  5. a plain presence watcher at K2 of alice's presentity sees A's tuple; a dialog watcher at K2
     of A's extension 3000 sees the lamps early / confirmed / terminated as A's alice rings,
     answers and hangs up;
  6. MWI: A 3/1 + B 0/2 of one mailbox -> both read 3/3;
  7. SIGTERM of A: the unpublish is replicated, A's states leave B's view at once; A started
     again (same EID) is back on B;
  8. MEMORY: FAULT (Kamailio 5.6.3): no state transfer to a (re)started server. After K2 restarts
     (MEMORY: empty), A's publications never come back to K2 while A keeps refreshing and
     modifying them at K1: K2 logs "No ruid match" for each replicated update, B does not see
     A's devices, a new watcher at K2 gets no tuple of A while one at K1 does. B's own
     publications come back (412 -> new publication, replicated). Only a new publication (A
     restarted) brings A's states to K2 again. POSTGRES: K2's database keeps A's publications,
     and A's change made after the restart reaches B;
  9. K1 dies (SIGKILL): A's publications leave K2 by expiry, within publish-expires +
     CLEAN_PERIOD + a margin (measured); K2 keeps serving B (a watcher at K2 sees B's change).
"""

import os
import re
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kamlib import (  # noqa: E402
    clean_up, drive, CLEAN_PERIOD, EID_A, EID_B, EID_C, PROFILE, RUN_SH, Checks, Kamailio, Node,
    PyWatcher, device_user, dialog_lamp, exten_state, free_port, kamailio_missing,
    lamps_through_kamailio, poll, tuples)
import sipua  # noqa: E402

PUBLISH_EXPIRES = 5
SUBSCRIBE_EXPIRES = 10
TUPLE_A = "eid-02000000000a"
TUPLE_B = "eid-02000000000b"
MODULE_DIRS = ("/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules",
               "/usr/lib/aarch64-linux-gnu/kamailio/modules")


def dmq_missing():
    why = kamailio_missing()
    if why:
        return why
    if not any(os.path.exists(os.path.join(d, "dmq.so")) for d in MODULE_DIRS):
        return "Kamailio module dmq.so missing (Debian package kamailio)"
    return None


class DmqKamailio(Kamailio):
    """One Kamailio of the DMQ pair: run.sh with DMQ_PEER and DMQ_PORT in its environment, its
    own work directory (kamailio-memory-K1, ...)."""

    def __init__(self, workdir, name, mode="memory"):
        super().__init__(workdir, mode)
        self.name = name
        self.work = os.path.join(workdir, "kamailio-%s-%s" % (mode, name))
        self.dmq_port = free_port()
        self.peer = None

    @property
    def dmq_addr(self):
        return "sip:127.0.0.1:%d" % self.dmq_port

    def _run(self, *args, timeout=60):
        env = dict(os.environ)
        if self.peer is not None:
            env.update(DMQ_PEER=self.peer.dmq_addr, DMQ_PORT=str(self.dmq_port))
        p = subprocess.run([RUN_SH] + list(args), capture_output=True, text=True,
                           timeout=timeout, env=env)
        if p.returncode != 0:
            raise RuntimeError("run.sh %s failed (rc %d):\n%s%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr[-3000:]))
        return p.stdout.strip()

    def crash(self):
        """SIGKILL to every process of this Kamailio (its own process group: run.sh starts it
        with setsid)."""
        try:
            with open(os.path.join(self.work, "kamailio.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return False
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True


def is_state(api, device, state, eid=None, eid_state=None):
    d = api.device(device)
    if not d or d.get("state") != state:
        return False
    return eid is None or d.get("nodes", {}).get(eid) == eid_state


def node_state(api, device, eid):
    d = api.device(device)
    return (d or {}).get("nodes", {}).get(eid)


def gone_from(api, device, eid):
    return node_state(api, device, eid) is None


def mailbox_total(api, mailbox):
    r = api.get("/api/v1/mailboxes")
    for m in (r.json or []) if r.status == 200 else []:
        if m.get("mailbox") == mailbox:
            return (m.get("new"), m.get("old"))
    return None


def probe_publish(port, user, basic):
    """A PUBLISH of a one-tuple PIDF to sip:USER@127.0.0.1 at the server on `port`: status."""
    ua = sipua.UA("UDP", port, user="probe")
    try:
        call = sipua.Call(ua, "sip:%s@127.0.0.1" % user)
        r = ua.request("PUBLISH", call, headers=[("Event", "presence"), ("Expires", "30")],
                       body=sipua.pidf("sip:%s@127.0.0.1" % user, basic, "probe"),
                       content_type="application/pidf+xml")
        return r.status if r else None
    finally:
        ua.close()


def watch_once(port, user, predicate, timeout, name):
    """Subscribes at `port` to the presence of `user`; the first NOTIFY body for which
    predicate holds (or None), and every body seen."""
    w = PyWatcher(port, user, "presence", user=name)
    try:
        body = w.wait(predicate, timeout) if w.ok() else None
        return body, list(w.bodies)
    finally:
        w.close()


DIALOG_INFO = """<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="%d" state="full" entity="%s">
 <dialog id="d1"><state>%s</state></dialog>
</dialog-info>
"""


def lamps_within(watcher, seconds):
    """The lamps of every NOTIFY the watcher gets within `seconds` (None for a body that is not
    dialog-info, such as the empty body Kamailio sends before a publication reaches it)."""
    lamps, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = watcher.wait(lambda b: True, deadline - time.monotonic())
        if body is not None:
            lamps.append(dialog_lamp(body))
    return lamps


def terminated_dialog_fault(k1, k2):
    """Kamailio 5.6.3 skips a modify of a `dialog` publication whose stored body is in state
    terminated ("Trying to update an already terminated state. Skipping update."): the PUBLISH
    gets 200 with a fresh SIP-ETag that Kamailio never stores, no watcher is notified of the new
    state (at K1 or, through DMQ, at K2), and the next modify with that ETag gets 412. Returns
    (statuses of the three PUBLISHes, whether each watcher first saw terminated, the lamps each
    watcher got after the second PUBLISH, after the third)."""
    uri = "sip:dlg-fault@127.0.0.1"
    ua = sipua.UA("UDP", k1.port, user="dlgpub")
    watchers = []
    try:
        call = sipua.Call(ua, uri)

        def publish(version, state, etag=None):
            h = [("Event", "dialog"), ("Expires", "60")]
            if etag:
                h.append(("SIP-If-Match", etag))
            r = ua.request("PUBLISH", call, headers=h, body=DIALOG_INFO % (version, uri, state),
                           content_type="application/dialog-info+xml")
            return (r.status, r.get("SIP-ETag")) if r else (None, None)

        st1, etag = publish(1, "terminated")
        baseline = []
        for port, name in ((k1.port, "dlgw1"), (k2.port, "dlgw2")):
            w = PyWatcher(port, "dlg-fault", "dialog", user=name)
            # At K2 the publication arrives through DMQ; a SUBSCRIBE that overtakes it first
            # gets an empty body, then the terminated one.
            baseline.append(w.wait(lambda b: dialog_lamp(b) == "terminated", 5) is not None)
            watchers.append(w)
        st2, etag = publish(2, "early", etag)
        after_early = [lamps_within(w, 1.0) for w in watchers]
        st3, _ = publish(3, "confirmed", etag)
        after_confirmed = [lamps_within(w, 1.0) for w in watchers]
        return (st1, st2, st3), baseline, after_early, after_confirmed
    finally:
        for w in watchers:
            w.close()
        ua.close()


def median_max(values):
    return "median %.0f ms, max %.0f ms" % (statistics.median(values) * 1000,
                                             max(values) * 1000)


def run(binary, mode, workdir, checks):
    k1 = DmqKamailio(workdir, "K1", mode)
    k2 = DmqKamailio(workdir, "K2", mode)
    k1.peer, k2.peer = k2, k1
    kams = [k1, k2]
    nodes = []
    watchers = []
    common = dict(publish_expires=PUBLISH_EXPIRES, subscribe_expires=SUBSCRIBE_EXPIRES)
    a_args = PROFILE + ["--hint", "3000=PJSIP/alice", "--device", "PJSIP/alice=NOT_INUSE",
                        "--device", "PJSIP/anna=INUSE"]

    def start_a():
        n = Node(binary, workdir, k1.port, EID_A, name="A", args=a_args, **common)
        nodes.append(n)
        return n.start()

    try:
        # ---- 0. the pair -------------------------------------------------------------------
        t0 = time.monotonic()
        k1.start()
        k2.start()
        print("info: K1 SIP %d DMQ %d, K2 SIP %d DMQ %d, started in %.1f s" % (
            k1.port, k1.dmq_port, k2.port, k2.dmq_port, time.monotonic() - t0))
        st = probe_publish(k1.port, "probe1", "open")
        body, seen = watch_once(k2.port, "probe1", lambda b: "probe" in tuples(b), 3, "pw1")
        checks.check("DMQ pair: a PUBLISH at K1 (%s) is seen by a watcher at K2" % st,
                     st == 200 and body is not None, seen)
        st = probe_publish(k2.port, "probe2", "closed")
        body, seen = watch_once(k1.port, "probe2", lambda b: tuples(b).get("probe", ("",))[0]
                                == "closed", 3, "pw2")
        checks.check("DMQ pair: a PUBLISH at K2 (%s) is seen by a watcher at K1" % st,
                     st == 200 and body is not None, seen)

        # ---- 1. start-up -------------------------------------------------------------------
        a = start_a()
        b = Node(binary, workdir, k2.port, EID_B, name="B", args=PROFILE + [
            "--hint", "2000=PJSIP/alice&PJSIP/bob", "--device", "PJSIP/bob=NOT_INUSE"],
            **common)
        nodes.append(b)
        b.start()
        c = Node(binary, workdir, k1.port, EID_C, name="C", args=PROFILE, **common)
        nodes.append(c)
        c.start()
        A, B, C = a.api, b.api, c.api
        ok = poll(lambda: is_state(B, "PJSIP/alice", "NOT_INUSE", EID_A, "NOT_INUSE"), 10)
        checks.check("start-up: B (at K2) sees A's PJSIP/alice (published at K1)", ok,
                     B.device("PJSIP/alice"))
        checks.check("start-up: B's 2000 is Idle",
                     poll(lambda: exten_state(B, "2000") == "Idle", 5), B.extension("2000"))
        first = B.get("/api/v1/devices/PJSIP%2Fanna")
        ok = poll(lambda: is_state(B, "PJSIP/anna", "INUSE", EID_A, "INUSE"), 5)
        checks.check("on demand: B's look-up of A's PJSIP/anna (%s first) subscribes at K2 and "
                     "reads INUSE from A" % first.status, ok, B.device("PJSIP/anna"))

        # ---- 2. propagation figures --------------------------------------------------------
        poll(lambda: C.device("PJSIP/alice"), 5)  # C watches alice at K1 from now on
        across, same, missed = [], [], []
        for i in range(10):
            st = "INUSE" if i % 2 == 0 else "NOT_INUSE"
            t0 = time.monotonic()
            r = A.set_device("PJSIP/alice", st)
            tb = tc = None
            deadline = t0 + 3
            while (tb is None or tc is None) and time.monotonic() < deadline:
                if tb is None and node_state(B, "PJSIP/alice", EID_A) == st:
                    tb = time.monotonic() - t0
                if tc is None and node_state(C, "PJSIP/alice", EID_A) == st:
                    tc = time.monotonic() - t0
                time.sleep(0.003)
            if r.status != 200 or tb is None or tc is None:
                missed.append((i, st, r.status, tb, tc))
            if tb is not None:
                across.append(tb)
            if tc is not None:
                same.append(tc)
            time.sleep(0.05)
        checks.check("propagation: 10 changes of A's alice all reach B (across K1 -> K2) and C "
                     "(on K1)", not missed and len(across) == 10 and len(same) == 10, missed)
        if across and same:
            print("info: propagation A -> C (one server, K1): %s; A -> B (K1 -> DMQ -> K2): %s "
                  "(API to API, polled every 3 ms)" % (median_max(same), median_max(across)))

        # ---- 3. B -> A -----------------------------------------------------------------------
        ok = poll(lambda: is_state(A, "PJSIP/bob", "NOT_INUSE", EID_B, "NOT_INUSE"), 5)
        checks.check("B -> A: A's look-up of B's PJSIP/bob (published at K2) reads NOT_INUSE",
                     ok, A.device("PJSIP/bob"))
        t0 = time.monotonic()
        r = B.set_device("PJSIP/bob", "BUSY")
        ok = poll(lambda: is_state(A, "PJSIP/bob", "BUSY", EID_B, "BUSY"), 3, interval=0.003)
        checks.check("B -> A: B's change of bob to BUSY reaches A (%.0f ms)" % (
            (time.monotonic() - t0) * 1000), r.status == 200 and ok, A.device("PJSIP/bob"))
        B.set_device("PJSIP/bob", "NOT_INUSE")

        # ---- 4. aggregate ------------------------------------------------------------------
        A.set_device("PJSIP/shared", "RINGING")
        B.set_device("PJSIP/shared", "INUSE")
        ok = poll(lambda: is_state(A, "PJSIP/shared", "RINGINUSE", EID_B, "INUSE") and
                  is_state(B, "PJSIP/shared", "RINGINUSE", EID_A, "RINGING"), 8)
        checks.check("aggregate: RINGING on A + INUSE on B -> RINGINUSE on both", ok,
                     (A.device("PJSIP/shared"), B.device("PJSIP/shared")))

        # ---- 5. watchers at K2 of A's presentities ------------------------------------------
        pw = PyWatcher(k2.port, device_user("PJSIP/alice"), "presence", user="alicewatch")
        watchers.append(pw)
        body = pw.wait(lambda body: tuples(body).get(TUPLE_A) == ("open", "NOT_INUSE"), 5)
        checks.check("presence watcher at K2 of %s: A's tuple (open, NOT_INUSE)" %
                     device_user("PJSIP/alice"), pw.ok() and body is not None,
                     (pw.response, pw.bodies[-1:]))
        w = PyWatcher(k2.port, "3000", "dialog", user="w3000")
        watchers.append(w)
        first = w.wait(lambda body: dialog_lamp(body) == "terminated", 5)
        checks.check("dialog watcher at K2 of A's extension 3000: terminated",
                     w.ok() and first is not None, (w.response, w.bodies[-2:]))
        start = w.bodies.index(first) if first is not None else 0
        for st, ext, lamp in (("RINGING", "Ringing", "early"), ("INUSE", "InUse", "confirmed"),
                              ("NOT_INUSE", "Idle", "terminated")):
            t0 = time.monotonic()
            r = A.set_device("PJSIP/alice", st)
            got = w.wait(lambda body: dialog_lamp(body) == lamp, 5)
            checks.check("alice %s on A: the watcher at K2 of 3000 sees %s (%.0f ms); A's 3000 "
                         "is %s" % (st, lamp, (time.monotonic() - t0) * 1000, ext),
                         r.status == 200 and got is not None and exten_state(A, "3000") == ext,
                         (r, A.extension("3000"), [dialog_lamp(x) for x in w.bodies[-3:]]))
        seq = lamps_through_kamailio(w.bodies[start:])
        checks.check("dialog watcher at K2: lamps terminated early confirmed terminated",
                     seq == ["terminated", "early", "confirmed", "terminated"], seq)
        ok = poll(lambda: exten_state(B, "2000") == "Idle", 5)
        checks.check("B's 2000 (alice of A & bob of B) follows: Idle", ok, B.extension("2000"))
        # Why the first lamp above (early) takes seconds while the others take milliseconds:
        # a Kamailio fault of the dialog package, on one server as on the pair.
        sts, baseline, early, confirmed = terminated_dialog_fault(k1, k2)
        checks.check("FAULT dialog (one server as on the pair): a modify of a publication in "
                     "state terminated gets 200 but is skipped (lamps at K1 and K2 after it: "
                     "%s), the next modify with the returned ETag gets 412 (%s)" % (early, sts[2]),
                     sts == (200, 200, 412) and baseline == [True, True] and
                     not any("early" in lamps for lamps in early) and
                     not any("confirmed" in lamps for lamps in confirmed),
                     (sts, baseline, early, confirmed))

        # ---- 6. MWI ------------------------------------------------------------------------
        r1 = A.request("PUT", "/api/v1/mailboxes/1000%40default", {"new": 3, "old": 1})
        r2 = B.request("PUT", "/api/v1/mailboxes/1000%40default", {"new": 0, "old": 2})
        ok = poll(lambda: mailbox_total(A, "1000@default") == (3, 3) and
                  mailbox_total(B, "1000@default") == (3, 3), 10)
        checks.check("MWI across the pair: A 3/1 + B 0/2 -> both read 3/3",
                     r1.status == 200 and r2.status == 200 and ok,
                     (r1, r2, mailbox_total(A, "1000@default"),
                      mailbox_total(B, "1000@default")))

        # ---- 7. SIGTERM of A, and A again ----------------------------------------------------
        t0 = time.monotonic()
        rc = a.terminate()
        gone = poll(lambda: gone_from(B, "PJSIP/alice", EID_A) and
                    gone_from(B, "PJSIP/anna", EID_A), 3, interval=0.01)
        elapsed = time.monotonic() - t0
        checks.check("SIGTERM A: exits 0", rc == 0, "rc %s\n%s" % (rc, a.stderr()[-1500:]))
        checks.check("SIGTERM A: its unpublish is replicated, A's states leave B's view at once "
                     "(%.2f s)" % elapsed, gone,
                     (B.device("PJSIP/alice"), B.device("PJSIP/anna")))
        ok = poll(lambda: mailbox_total(B, "1000@default") == (0, 2), 5)
        checks.check("SIGTERM A: B's MWI total drops A's counts (0/2)", ok,
                     mailbox_total(B, "1000@default"))
        t0 = time.monotonic()
        a = start_a()
        A = a.api
        ok = poll(lambda: is_state(B, "PJSIP/alice", "NOT_INUSE", EID_A, "NOT_INUSE") and
                  is_state(B, "PJSIP/anna", "INUSE", EID_A, "INUSE"), 10)
        checks.check("A started again: its states are back on B (%.1f s)" % (
            time.monotonic() - t0), ok, (B.device("PJSIP/alice"), B.device("PJSIP/anna")))

        # ---- 8. FAULT: K2 restarts empty and gets nothing of A back --------------------------
        for x in watchers:
            x.close()
        watchers.clear()
        t0 = time.monotonic()
        k2.restart()
        print("info: K2 restarted in %.1f s" % (time.monotonic() - t0))
        # A keeps refreshing (full body, SIP-If-Match) and modifies alice; B re-subscribes at
        # K2 after its next refresh gets 481, and re-creates its own publications after 412.
        A.set_device("PJSIP/alice", "BUSY")
        B.set_device("PJSIP/bob", "INUSE")
        budget = SUBSCRIBE_EXPIRES + 2 * PUBLISH_EXPIRES + 3
        ok_bob = poll(lambda: node_state(A, "PJSIP/bob", EID_B) == "INUSE", budget, interval=0.2)
        if mode == "postgres":
            # K2's publications (A's replicated ones too) and subscriptions survive in its own
            # database; the replicated updates find their ETags again.
            ok = poll(lambda: node_state(B, "PJSIP/alice", EID_A) == "BUSY" and
                      node_state(B, "PJSIP/anna", EID_A) == "INUSE", budget, interval=0.2)
            checks.check("POSTGRES K2 restart: A's publications survive in K2's database; A's "
                         "change after the restart reaches B (%.1f s)" % (
                             time.monotonic() - t0), ok,
                         (B.device("PJSIP/alice"), B.device("PJSIP/anna")))
            checks.check("K2 restart: B's own change after it reaches A at K1", ok_bob,
                         A.device("PJSIP/bob"))
        else:
            # B re-subscribes at K2 (each subscription's refresh gets 481): the NOTIFYs carry
            # nothing of A, so B drops A's entries
            blind = poll(lambda: gone_from(B, "PJSIP/alice", EID_A) and
                         gone_from(B, "PJSIP/anna", EID_A), budget, interval=0.2)
            # ... then a full refresh cycle more of A's publications, all replicated to K2 in vain
            seen_alice = poll(lambda: node_state(B, "PJSIP/alice", EID_A) is not None or
                              node_state(B, "PJSIP/anna", EID_A) is not None,
                              PUBLISH_EXPIRES + 3, interval=0.2)
            elapsed = time.monotonic() - t0
            k2_body, k2_seen = watch_once(k2.port, device_user("PJSIP/alice"), lambda b: True, 2,
                                          "after2")
            k1_body, _ = watch_once(k1.port, device_user("PJSIP/alice"),
                                    lambda b: tuples(b).get(TUPLE_A) == ("open", "BUSY"), 2,
                                    "after1")
            no_ruid = len(re.findall(r"No ruid match", k2.log()))
            print("info: K2 restart: %.1f s later B still %s A's devices; K2 logged %d 'No ruid "
                  "match' (replicated updates of publications it does not have)" % (
                      elapsed, "does not see" if not seen_alice else "sees", no_ruid))
            checks.check("K2 restart: B's own publication is re-created at K2 (412/500 -> new) and "
                         "replicated: A at K1 sees bob INUSE, set after the restart", ok_bob,
                         A.device("PJSIP/bob"))
            checks.check("FAULT K2 restart: no state transfer; A's refreshed and modified "
                         "publications stay missing on K2 for %.0f s (B does not see alice/anna, a "
                         "new watcher at K2 gets no tuple of A, one at K1 does: BUSY)" % elapsed,
                         blind and not seen_alice and TUPLE_A not in tuples(k2_body or "") and
                         k1_body is not None,
                         (B.device("PJSIP/alice"), k2_seen))
            checks.check("FAULT K2 restart: K2 rejects the replicated updates ('No ruid match' in "
                         "its log, %d times)" % no_ruid, no_ruid > 0, k2.log()[-1500:])
        # the way out: a new publication (here: A restarted) is replicated as new
        t0 = time.monotonic()
        a.terminate()
        a = start_a()
        A = a.api
        ok = poll(lambda: is_state(B, "PJSIP/anna", "INUSE", EID_A, "INUSE") and
                  node_state(B, "PJSIP/alice", EID_A) == "NOT_INUSE", 10)
        checks.check("K2 restart: A restarted (new publications) -> its states reach B again "
                     "(%.1f s)" % (time.monotonic() - t0), ok,
                     (B.device("PJSIP/alice"), B.device("PJSIP/anna")))

        # ---- 9. K1 dies ----------------------------------------------------------------------
        B.set_device("PJSIP/bob", "NOT_INUSE")
        A.set_device("PJSIP/alice", "INUSE")
        poll(lambda: node_state(B, "PJSIP/alice", EID_A) == "INUSE", 3)
        bw = PyWatcher(k2.port, device_user("PJSIP/bob"), "presence", user="bobwatch")
        watchers.append(bw)
        bw.wait(lambda body: TUPLE_B in tuples(body), 3)
        killed = k1.crash()
        t0 = time.monotonic()
        budget = PUBLISH_EXPIRES + CLEAN_PERIOD + 3
        gone = poll(lambda: all(gone_from(B, dev, EID_A)
                                for dev in ("PJSIP/alice", "PJSIP/anna")), budget, interval=0.1)
        elapsed = time.monotonic() - t0
        print("info: K1 SIGKILL: A's states left B (at K2) after %.1f s (publish-expires %d, "
              "CLEAN_PERIOD %d)" % (elapsed, PUBLISH_EXPIRES, CLEAN_PERIOD))
        checks.check("K1 SIGKILL: A's publications expire on K2; they leave B's view within "
                     "%d s (%.1f s)" % (budget, elapsed), killed and gone,
                     (B.device("PJSIP/alice"), B.device("PJSIP/anna")))
        ok = poll(lambda: exten_state(B, "2000") == "Idle", 3)
        checks.check("K1 SIGKILL: B's 2000 is Idle again (alice's INUSE from A is gone)", ok,
                     B.extension("2000"))
        t0 = time.monotonic()
        r = B.set_device("PJSIP/bob", "RINGING")
        body = bw.wait(lambda body: tuples(body).get(TUPLE_B, (None, None))[1] == "RINGING", 5)
        checks.check("K1 SIGKILL: K2 keeps serving: a watcher at K2 sees B's bob RINGING "
                     "(%.0f ms)" % ((time.monotonic() - t0) * 1000),
                     r.status == 200 and body is not None, bw.bodies[-2:])
        checks.check("B is still alive", b.alive(), b.stderr()[-1500:])
        rc = b.terminate()
        checks.check("SIGTERM B: exits 0", rc == 0, "rc %s\n%s" % (rc, b.stderr()[-1500:]))
    finally:
        clean_up(checks, watchers, nodes, kams)


def main():
    return drive(__doc__, run, missing=dmq_missing)


if __name__ == "__main__":
    sys.exit(main())
