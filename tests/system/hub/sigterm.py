#!/usr/bin/env python3
"""System test: SIGTERM terminates every subscription with a NOTIFY, then the hub exits 0.

    sigterm.py PINANA_BINARY

One hub; alice publishes open; bob watches her over UDP and carol over TCP, each answering the
first NOTIFY 200. SIGTERM to the hub must bring each watcher a NOTIFY with
`Subscription-State: terminated;reason=deactivated` (RFC 6665 §4.2.2: the subscriber may
re-subscribe), which they answer 200; the hub must then exit with status 0 within 4 s — before its
5 s grace period, since every terminating NOTIFY was answered. Its listeners stay open until then,
so the answers must arrive (no NOTIFY retransmission either).
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import UA, Call, Checks, Hub, hard_timeout, pidf, status_of  # noqa: E402

PIDF = "application/pidf+xml"


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    hard_timeout(60)
    checks = Checks()
    with tempfile.TemporaryDirectory() as workdir:
        hub = Hub(sys.argv[1], workdir)
        hub.start()
        try:
            aor = "sip:alice@127.0.0.1"
            alice = UA("UDP", hub.udp_port, "alice")
            r = alice.request("PUBLISH", Call(alice, aor),
                              headers=[("Event", "presence"), ("Expires", "600")],
                              body=pidf(aor, "open"), content_type=PIDF)
            checks.check("PUBLISH 200", status_of(r) == 200, r)
            watchers = {"UDP": UA("UDP", hub.udp_port, "bob"),
                        "TCP": UA("TCP", hub.tcp_port, "carol")}
            for t, w in watchers.items():
                r = w.request("SUBSCRIBE", Call(w, aor), headers=[
                    ("Event", "presence"), ("Expires", "600"), ("Accept", PIDF)])
                checks.check("%s: SUBSCRIBE 200" % t, status_of(r) == 200, r)
                n = w.wait_request("NOTIFY", 5)
                checks.check("%s: first NOTIFY active" % t,
                             n is not None and "active" in n.get("Subscription-State", ""), n)
                if n:
                    w.reply(n, 200)
            time.sleep(0.3)
            m = hub.metrics()
            checks.check("two live subscriptions", m.get("pinana_hub_subscriptions") == 2.0, m)

            started = time.monotonic()
            hub.proc.send_signal(15)
            for t, w in watchers.items():
                n = w.wait_request("NOTIFY", 5)
                state = n.get("Subscription-State", "") if n else ""
                checks.check("%s: NOTIFY terminated;reason=deactivated" % t,
                             state.replace(" ", "").startswith("terminated")
                             and "reason=deactivated" in state.replace(" ", ""), n)
                # A body is optional here (RFC 6665 §4.2.2); if there is one it must be PIDF.
                checks.check("%s: terminating NOTIFY is in the presence dialog" % t,
                             n is not None and n.get("Event", "").startswith("presence")
                             and (not n.body or n.get("Content-Type") == PIDF), n)
                if n:
                    w.reply(n, 200)
            try:
                rc = hub.proc.wait(10)
            except Exception:  # subprocess.TimeoutExpired
                rc = None
            elapsed = time.monotonic() - started
            checks.check("hub exits 0 after SIGTERM", rc == 0,
                         "rc=%s\n%s" % (rc, hub.stderr()))
            checks.check("hub exits within 4 s (answers seen, no grace wait)", elapsed < 4.0,
                         "%.2f s" % elapsed)
            checks.check("stderr says it stopped", "pinana hub: stopped" in hub.stderr(),
                         hub.stderr())
            for t, w in watchers.items():
                extra = [x for x in w.drain(0.5) if x.method == "NOTIFY"]
                checks.check("%s: no NOTIFY retransmitted after the answer" % t, not extra,
                             extra and extra[0])
        except Exception as e:
            checks.check("driver ran to the end", False, repr(e))
        finally:
            hub.kill()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
