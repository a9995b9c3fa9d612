#!/usr/bin/env python3
"""System test: a real phone client (baresip) and `pinana node --profile standard` nodes, both
subscribed at a real Kamailio 5.6 (MEMORY mode), see the same extension states.

    baresip_phone.py PINANA_BINARY

  Node A owns PJSIP/alice; node B owns the hints 2000=PJSIP/alice (A's device) and
  2001=PJSIP/bob (its own) and publishes their presence (PIDF + RPID) and dialog-info to
  sip:2000@ / sip:2001@ at Kamailio. A baresip phone has 2000 and 2001 as contacts with
  ;presence=p2p: it SUBSCRIBEs to their presence at Kamailio. baresip shows PIDF <basic> closed
  as Offline, open as Online, and open with the RPID activity on-the-phone as Busy, so Idle,
  InUse and Unavailable are told apart.
  1. start: 2000 and 2001 Idle in B's API, Online at the phone;
  2. alice UNAVAILABLE on A: B's API says 2000 Unavailable, the phone shows 2000 Offline and
     2001 still Online; alice back NOT_INUSE: Idle and Online again;
  3. bob UNAVAILABLE on B: 2001 Unavailable / Offline;
  4. alice INUSE on A: B's API says InUse, a python watcher of 2000's dialog at Kamailio sees
     confirmed, the phone shows Busy.
Exit 0 all passed, 1 a failure, 77 Kamailio or baresip not installed.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kamlib import (  # noqa: E402
    drive, EID_A, EID_B, PROFILE, REPO, Kamailio, Node, PyWatcher, dialog_lamp, exten_state,
    kamailio_missing, poll)

sys.path.insert(0, os.path.join(REPO, "tests", "system", "hub"))
from baresip_presence import MODULE_DIR, MODULES, Baresip, wait_until  # noqa: E402


def run(binary, workdir, checks):
    kam = Kamailio(workdir, "memory").start()
    kp = kam.port
    common = dict(publish_expires=30, subscribe_expires=30)
    a = Node(binary, workdir, kp, EID_A, name="A",
             args=PROFILE + ["--device", "PJSIP/alice=NOT_INUSE"], **common)
    b = Node(binary, workdir, kp, EID_B, name="B", args=PROFILE + [
        "--hint", "2000=PJSIP/alice", "--hint", "2001=PJSIP/bob",
        "--device", "PJSIP/bob=NOT_INUSE"], **common)
    phone = Baresip(workdir, "phone",
                    "<sip:phone@127.0.0.1:%d;transport=udp>;regint=0;pubint=0;answermode=manual"
                    % kp, ['"Ext 2000" <sip:2000@127.0.0.1:%d>;presence=p2p' % kp,
                           '"Ext 2001" <sip:2001@127.0.0.1:%d>;presence=p2p' % kp])
    watcher = None
    try:
        a.start()
        b.start()
        A, B = a.api, b.api
        ok = poll(lambda: exten_state(B, "2000") == "Idle" and exten_state(B, "2001") == "Idle",
                  10)
        checks.check("B: 2000 (A's alice) and 2001 (B's bob) Idle", ok,
                     (B.extension("2000"), B.extension("2001")))
        checks.check("baresip starts", phone.start(), phone.log()[-2000:])

        def both(s2000, s2001):
            return (phone.contact_status("2000") == s2000 and
                    phone.contact_status("2001") == s2001)

        ok = wait_until(lambda: both("Online", "Online"), 10)
        checks.check("phone: 2000 and 2001 Online (Idle)", ok, (
            phone.contact_status("2000"), phone.contact_status("2001"), phone.log()[-3000:]))

        r = A.set_device("PJSIP/alice", "UNAVAILABLE")
        ok_api = poll(lambda: exten_state(B, "2000") == "Unavailable", 5)
        ok = wait_until(lambda: both("Offline", "Online"), 10)
        checks.check("alice UNAVAILABLE on A: B says 2000 Unavailable, the phone Offline "
                     "(2001 stays Online)", r.status == 200 and ok_api and ok,
                     (B.extension("2000"), phone.contact_status("2000"),
                      phone.contact_status("2001")))
        A.set_device("PJSIP/alice", "NOT_INUSE")
        ok_api = poll(lambda: exten_state(B, "2000") == "Idle", 5)
        ok = wait_until(lambda: both("Online", "Online"), 10)
        checks.check("alice NOT_INUSE on A: 2000 Idle on B, Online on the phone", ok_api and ok,
                     (B.extension("2000"), phone.contact_status("2000")))

        B.set_device("PJSIP/bob", "UNAVAILABLE")
        ok_api = poll(lambda: exten_state(B, "2001") == "Unavailable", 5)
        ok = wait_until(lambda: both("Online", "Offline"), 10)
        checks.check("bob UNAVAILABLE on B: 2001 Unavailable on B, Offline on the phone",
                     ok_api and ok, (B.extension("2001"), phone.contact_status("2001")))

        watcher = PyWatcher(kp, "2000", "dialog", user="w2000")
        watcher.wait(lambda body: dialog_lamp(body) is not None, 5)
        A.set_device("PJSIP/alice", "INUSE")
        ok_api = poll(lambda: exten_state(B, "2000") == "InUse", 5)
        body = watcher.wait(lambda body: dialog_lamp(body) == "confirmed", 5)
        checks.check("alice INUSE on A: B says 2000 InUse, a dialog watcher at Kamailio sees "
                     "confirmed, the phone Busy (RPID on-the-phone)", ok_api and body is not None
                     and wait_until(lambda: phone.contact_status("2000") == "Busy", 5),
                     (B.extension("2000"), watcher.bodies[-1:], phone.contact_status("2000")))
    finally:
        phone.stop()
        if watcher:
            watcher.close()
        for n in (a, b):
            n.kill()
        if checks.failed:
            print("--- baresip log (tail):\n%s" % phone.log()[-4000:])
            for n in (a, b):
                print("--- stderr of node %s (tail):\n%s" % (n.name, n.stderr()[-1500:]))
            print("--- Kamailio log (tail):\n%s" % kam.log()[-2000:])
        kam.stop()


def baresip_missing():
    why = kamailio_missing()
    missing = [m for m in MODULES if not os.path.exists(os.path.join(MODULE_DIR, m))]
    if not why and (shutil.which("baresip") is None or missing):
        why = "baresip is not installed (Debian package baresip-core)"
    return why


def main():
    return drive(__doc__, run, missing=baresip_missing, modes=None)


if __name__ == "__main__":
    sys.exit(main())
