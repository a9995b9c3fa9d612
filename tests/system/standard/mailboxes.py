#!/usr/bin/env python3
"""System test: what the standard profile used to lose against the native one (issue 5), with a
real Kamailio 5.6 as the presence server (contrib/kamailio/run.sh).

    mailboxes.py PINANA_BINARY [memory|postgres]

  A sets mailbox counts; B never does. C owns PJSIP/carol, UNAVAILABLE. B watches PJSIP/carol
  from its TOML file (watch_devices) and "Custom:lamp 1" from a flag (--watch-device).
  Publications expire after 30 s (so nothing here is explained by expiry), subscriptions after
  10 s. Exit 0 all passed, 1 a failure, 77 Kamailio not installed.

Checks, in order:
  1. configured watch list: B's device list (no look-up) shows C's PJSIP/carol UNAVAILABLE, and
     A, which is not configured, does not know it;
  2. mailbox roster: A sets 1000@default; B, which never set it, lists it in
     GET /api/v1/mailboxes with A's counts; the counts follow A's changes; a second mailbox A
     sets later (the member tuple is re-published) reaches B too; C's counts add up on B;
  3. a plain watcher of the roster at Kamailio sees A's member tuple with both <mailbox>
     elements (Kamailio composes the nested elements as published);
  4. SIGTERM of C: its UNAVAILABLE PJSIP/carol leaves B's view at once (the tombstone; before it,
     Kamailio's rewrite of the unpublished tuple kept it until the device's next change), its
     counts leave B's total; a plain watcher of carol's presentity sees the tombstone, and then
     Kamailio's rewrite still carries withdrawn="true"; C exits 0 within its 3 s grace;
  5. DIFF: a hand-made publisher that unpublishes an UNAVAILABLE tuple without a tombstone (as
     nodes did before): the entry stays in B's view (printed; the reason for the tombstone);
  6. the ringing lamp after idle (docs/kamailio.md fault 7): D owns the hint 3000=PJSIP/dave with
     publish-expires 60 s; a dialog watcher of 3000 at Kamailio sees early / confirmed /
     terminated within 2 s of each change, one dialog per document, for two calls in a row (Kamailio ignores any modify
     of a terminated dialog publication: the node starts a new publication when 3000 leaves
     idle).
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kamlib import (  # noqa: E402
    clean_up, drive, EID_A, EID_B, EID_C, LOCAL, PROFILE, UA, Call, Checks, Kamailio, Node,
    PyWatcher, device_user, dialog_lamp, mailbox_total, poll, tombstoned, tuples)

PUBLISH_EXPIRES = 30
SUBSCRIBE_EXPIRES = 10
EID_F = "02:00:00:00:00:0f"
EID_D = "02:00:00:00:00:0d"
LAMP_PUBLISH_EXPIRES = 60  # node D's: a refresh (at 55 s) cannot bring a skipped lamp in time
LAMP_WITHIN = 2.0
UNAVAILABLE_PIDF = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:%s@%s">
 <tuple id="eid-02000000000f"><status><basic>closed</basic>
  <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="%s" state="UNAVAILABLE"
   version="1"/></status></tuple>
</presence>
"""


def device_list(api):
    """{name: {eid: state}} of GET /api/v1/devices (which subscribes to nothing)."""
    r = api.get("/api/v1/devices")
    out = {}
    for d in (r.json or []) if r.status == 200 else []:
        out[d.get("name")] = d.get("nodes", {})
    return out


def run(binary, mode, workdir, checks):
    kam = Kamailio(workdir, mode).start()
    kp = kam.port
    common = dict(publish_expires=PUBLISH_EXPIRES, subscribe_expires=SUBSCRIBE_EXPIRES)
    b_toml = os.path.join(workdir, "b.toml")
    with open(b_toml, "w") as f:
        f.write('profile = "standard"\nwatch_devices = ["PJSIP/carol"]\n')
    a = Node(binary, workdir, kp, EID_A, name="A", args=PROFILE + [
        "--device", "PJSIP/alice=NOT_INUSE"], **common)
    c = Node(binary, workdir, kp, EID_C, name="C", args=PROFILE + [
        "--device", "PJSIP/carol=UNAVAILABLE"], **common)
    b = Node(binary, workdir, kp, EID_B, name="B", args=[
        "--config", b_toml, "--watch-device", "Custom:lamp 1"], **common)
    nodes = [a, c, b]
    watchers = []
    try:
        for n in nodes:
            n.start()
        A, B, C = a.api, b.api, c.api

        # ---- 1. configured watch list ------------------------------------------------------
        t0 = time.monotonic()
        ok = poll(lambda: device_list(B).get("PJSIP/carol") == {EID_C: "UNAVAILABLE"}, 10)
        checks.check("watch_devices: B's device list shows C's PJSIP/carol UNAVAILABLE without "
                     "a look-up (%.1f s after start)" % (time.monotonic() - t0), ok,
                     device_list(B))
        checks.check("watch_devices: A (not configured, never asked) does not know PJSIP/carol",
                     "PJSIP/carol" not in device_list(A), device_list(A))
        metrics = B.get("/metrics").body
        checks.check("watch_devices: B watches both configured devices (file and flag)",
                     "pinana_node_watched_devices 2\n" in metrics,
                     [line for line in metrics.splitlines() if "watched" in line])

        # ---- 2. mailbox roster -------------------------------------------------------------
        t0 = time.monotonic()
        r = A.request("PUT", "/api/v1/mailboxes/1000%40default", {"new": 2, "old": 1})
        ok = poll(lambda: mailbox_total(B, "1000@default") == (2, 1), 10)
        checks.check("roster: B lists A's 1000@default 2/1 without ever setting it (%.0f ms)" %
                     ((time.monotonic() - t0) * 1000), r.status == 200 and ok,
                     (r, B.get("/api/v1/mailboxes")))
        one = B.get("/api/v1/mailboxes/1000%40default")
        checks.check("roster: B's GET /api/v1/mailboxes/1000@default answers 2/1",
                     one.status == 200 and (one.json or {}).get("new") == 2, one)
        A.request("PUT", "/api/v1/mailboxes/1000%40default", {"new": 5, "old": 0})
        ok = poll(lambda: mailbox_total(B, "1000@default") == (5, 0), 5)
        checks.check("roster: A's change to 5/0 follows on B", ok, mailbox_total(B, "1000@default"))
        A.request("PUT", "/api/v1/mailboxes/2000%40sales", {"new": 1, "old": 0})
        ok = poll(lambda: mailbox_total(B, "2000@sales") == (1, 0), 10)
        checks.check("roster: a mailbox A sets later (2000@sales) reaches B", ok,
                     B.get("/api/v1/mailboxes"))
        C.request("PUT", "/api/v1/mailboxes/1000%40default", {"new": 1, "old": 3})
        ok = poll(lambda: mailbox_total(B, "1000@default") == (6, 3) and
                  mailbox_total(A, "1000@default") == (6, 3), 10)
        checks.check("roster: C's counts add up: A and B read 1000@default 6/3", ok,
                     (mailbox_total(A, "1000@default"), mailbox_total(B, "1000@default")))

        # ---- 3. the roster at Kamailio -----------------------------------------------------
        rw = PyWatcher(kp, "pinana-nodes", "presence", user="rosterwatch")
        watchers.append(rw)
        body = rw.wait(lambda body: "<mailbox>1000@default</mailbox>" in body and
                       "<mailbox>2000@sales</mailbox>" in body, 5)
        checks.check("roster watcher: Kamailio's composed roster holds A's mailboxes (%d tuples)"
                     % len(tuples(body)), rw.ok() and body is not None,
                     (rw.response, rw.bodies[-1:]))

        # ---- 4. SIGTERM of C: its UNAVAILABLE device leaves at once -------------------------
        cw = PyWatcher(kp, device_user("PJSIP/carol"), "presence", user="carolwatch")
        watchers.append(cw)
        cw.wait(lambda body: tuples(body).get("eid-02000000000c") == ("closed", "UNAVAILABLE"), 5)
        ok = poll(lambda: (B.device("PJSIP/carol") or {}).get("nodes") == {EID_C: "UNAVAILABLE"},
                  5)
        checks.check("before SIGTERM: B sees C's PJSIP/carol UNAVAILABLE", ok,
                     B.device("PJSIP/carol"))
        t0 = time.monotonic()
        rc = c.terminate()
        exit_s = time.monotonic() - t0
        gone = poll(lambda: B.get("/api/v1/devices/PJSIP%2Fcarol").status == 404, 2,
                    interval=0.02)
        gone_s = time.monotonic() - t0
        checks.check("SIGTERM C: exits 0 within its 3 s grace (%.0f ms)" % (exit_s * 1000),
                     rc == 0 and exit_s < 3.5, "rc %s\n%s" % (rc, c.stderr()[-1500:]))
        checks.check("SIGTERM C: its UNAVAILABLE PJSIP/carol leaves B's view at once (%.0f ms "
                     "after the signal, publish-expires %d s)" % (gone_s * 1000, PUBLISH_EXPIRES),
                     gone,
                     B.device("PJSIP/carol"))
        ok = poll(lambda: mailbox_total(B, "1000@default") == (5, 0), 3)
        checks.check("SIGTERM C: B's 1000@default total drops C's counts (5/0)", ok,
                     mailbox_total(B, "1000@default"))
        body = cw.wait(lambda body: tombstoned(body, "eid-02000000000c"), 3)
        checks.check("plain watcher of carol: C's tombstone (withdrawn=\"true\", basic closed)",
                     body is not None and tuples(body).get("eid-02000000000c", ("",))[0] ==
                     "closed", cw.bodies[-3:])
        # Kamailio's NOTIFY for the unpublish rewrites the last body, i.e. the tombstone (or, in
        # POSTGRES mode, may already drop the tuple).
        cw.wait(lambda body: False, 1.0)  # collects what follows for a second
        last = cw.bodies[-1] if cw.bodies else ""
        t = tuples(last)
        checks.check("DIFF plain watcher of carol: Kamailio's last NOTIFY %s" % (
            "keeps C's tuple as a tombstone" if "eid-02000000000c" in t else "drops C's tuple"),
            "eid-02000000000c" not in t or tombstoned(last, "eid-02000000000c"), cw.bodies[-3:])
        checks.check("B is still alive and still shows nothing of C",
                     b.alive() and "PJSIP/carol" not in device_list(B), device_list(B))

        # ---- 5. DIFF: the same without a tombstone (what nodes did before) -----------------
        # A hand-made publisher F publishes an UNAVAILABLE pinana tuple for PJSIP/carol and
        # unpublishes it at once: Kamailio's NOTIFY rewrites it to <basic>closed</basic>, which a
        # live UNAVAILABLE tuple is too, so B keeps F's entry until carol's next change.
        f = UA("UDP", kp, user="old-node")
        try:
            call = Call(f, "sip:%s@%s" % (device_user("PJSIP/carol"), LOCAL))
            body = UNAVAILABLE_PIDF % (device_user("PJSIP/carol"), LOCAL, EID_F)
            r = f.request("PUBLISH", call, headers=[("Event", "presence"), ("Expires", "60")],
                          body=body.encode(), content_type="application/pidf+xml")
            ok = r is not None and r.status == 200 and poll(
                lambda: (B.device("PJSIP/carol") or {}).get("nodes") == {EID_F: "UNAVAILABLE"}, 5)
            etag = r.get("SIP-ETag") if r is not None else None
            r2 = f.request("PUBLISH", call, headers=[("Event", "presence"), ("Expires", "0"),
                                                     ("SIP-If-Match", etag or "")])
            lingers = poll(lambda: (B.device("PJSIP/carol") or {}).get("nodes") !=
                           {EID_F: "UNAVAILABLE"}, 1.5) is False
            checks.check("DIFF without a tombstone: an unpublished UNAVAILABLE tuple %s in B's "
                         "view (Kamailio fault 3)" % ("lingers" if lingers else "leaves"),
                         ok and r2 is not None and r2.status == 200,
                         (r, r2, B.device("PJSIP/carol")))
        finally:
            f.close()
        # ---- 6. the ringing lamp after idle (fault 7) ---------------------------------------
        d = Node(binary, workdir, kp, EID_D, name="D", args=PROFILE + [
            "--hint", "3000=PJSIP/dave", "--device", "PJSIP/dave=NOT_INUSE"],
            publish_expires=LAMP_PUBLISH_EXPIRES, subscribe_expires=SUBSCRIBE_EXPIRES)
        nodes.append(d)
        d.start()
        D = d.api
        lw = PyWatcher(kp, "3000", "dialog", user="w3000")
        watchers.append(lw)
        first = lw.wait(lambda body: dialog_lamp(body) == "terminated", 5)
        checks.check("lamp: a dialog watcher of 3000 at Kamailio sees terminated while idle",
                     lw.ok() and first is not None, (lw.response, lw.bodies[-2:]))
        for cycle in (1, 2):
            for st, lamp in (("RINGING", "early"), ("INUSE", "confirmed"),
                             ("NOT_INUSE", "terminated")):
                t0 = time.monotonic()
                r = D.set_device("PJSIP/dave", st)
                got = lw.wait(lambda body: dialog_lamp(body) == lamp, LAMP_WITHIN)
                checks.check("lamp, call %d: PJSIP/dave %s -> the watcher's lamp is %s within "
                             "%.0f s (publish-expires %d s, no refresh can hide it) (%s)" % (
                                 cycle, st, lamp, LAMP_WITHIN, LAMP_PUBLISH_EXPIRES,
                                 "%.0f ms" % ((time.monotonic() - t0) * 1000)
                                 if got is not None else "not seen"),
                             r.status == 200 and got is not None and
                             got.count("<dialog ") == 1,
                             (r, [dialog_lamp(x) for x in lw.bodies[-4:]], got))
        rc = d.terminate()
        checks.check("SIGTERM D: exits 0", rc == 0, "rc %s\n%s" % (rc, d.stderr()[-1500:]))
        rc = b.terminate()
        checks.check("SIGTERM B: exits 0", rc == 0, "rc %s\n%s" % (rc, b.stderr()[-1500:]))
        rc = a.terminate()
        checks.check("SIGTERM A: exits 0", rc == 0, "rc %s\n%s" % (rc, a.stderr()[-1500:]))
    finally:
        clean_up(checks, watchers, nodes, [kam])


def main():
    return drive(__doc__, run)


if __name__ == "__main__":
    sys.exit(main())
