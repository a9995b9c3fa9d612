#!/usr/bin/env python3
"""System test: the hub drops a watcher whose NOTIFY is answered 481, over UDP and over TCP.

    notify_failure.py PINANA_BINARY

For each transport, against its own hub (with --http for /metrics):
  1. alice publishes open; bob subscribes and answers the first NOTIFY 200. The subscription must
     stay (pinana_hub_subscriptions 1, notify result 200, nothing dropped). Over TCP this is the
     regression test for the 2xx that was counted as "no response" (Timer K = 0 terminated the
     client transaction before its status was reported, and the watcher was dropped).
  2. alice publishes closed; bob gets that NOTIFY and answers 481 Subscription Does Not Exist.
     pinana_hub_watchers_dropped_total must rise by one and pinana_hub_subscriptions fall to 0.
  3. alice publishes open again; no NOTIFY may reach bob within 2 s, and the hub sends none.
The hub listens on port 0, so the Contact of its 200 and the Via of its NOTIFY must name the port
it bound (regression: they said ":0").
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import UA, Call, Checks, Hub, hard_timeout, pidf, status_of  # noqa: E402

PIDF = "application/pidf+xml"


def wait_metric(hub, key, want, seconds=3.0):
    """Polls /metrics until `key` equals `want`; returns the last value seen."""
    deadline = time.monotonic() + seconds
    value = None
    while time.monotonic() < deadline:
        value = hub.metrics().get(key, 0.0)
        if value == want:
            return value
        time.sleep(0.05)
    return value


def run(binary, transport, checks, workdir):
    hub = Hub(binary, workdir)
    hub.start()
    t = transport
    try:
        aor = "sip:alice@127.0.0.1"
        alice = UA("UDP", hub.udp_port, "alice")
        bob = UA(t, hub.port(t), "bob")
        pub = Call(alice, aor)
        r = alice.request("PUBLISH", pub, headers=[("Event", "presence"), ("Expires", "600")],
                          body=pidf(aor, "open"), content_type=PIDF)
        checks.check("%s: initial PUBLISH 200" % t, status_of(r) == 200, r)
        etag = r.get("SIP-ETag") if r else None

        sub = Call(bob, aor)
        r = bob.request("SUBSCRIBE", sub, headers=[("Event", "presence"), ("Expires", "600"),
                                                   ("Accept", PIDF)])
        checks.check("%s: SUBSCRIBE 200" % t, status_of(r) == 200, r)
        # The hub listens on port 0; its Contact must name the port it bound, not 0.
        want = "sip:hub@127.0.0.1:%d" % hub.udp_port
        checks.check("%s: Contact names the bound port" % t,
                     r is not None and want in (r.get("Contact") or ""), r and r.get("Contact"))
        n = bob.wait_request("NOTIFY", 5)
        checks.check("%s: first NOTIFY active with open" % t,
                     n is not None and "active" in n.get("Subscription-State", "")
                     and "<basic>open</basic>" in n.text(), n)
        checks.check("%s: NOTIFY Via names the bound port" % t,
                     n is not None and ("127.0.0.1:%d;" % hub.udp_port) in (n.get("Via") or ""),
                     n and n.get("Via"))
        if n:
            bob.reply(n, 200)
        m = hub.metrics()
        checks.check("%s: NOTIFY 200 counted as 200" % t,
                     wait_metric(hub, 'pinana_hub_notify_results_total{status="200"}', 1.0) == 1.0,
                     m)
        m = hub.metrics()
        checks.check("%s: subscription kept after NOTIFY 200" % t,
                     m.get("pinana_hub_subscriptions") == 1.0
                     and m.get("pinana_hub_watchers_dropped_total") == 0.0, m)
        dropped_before = m.get("pinana_hub_watchers_dropped_total", 0.0)

        r = alice.request("PUBLISH", pub, headers=[("Event", "presence"), ("Expires", "600"),
                                                   ("SIP-If-Match", etag or "none")],
                          body=pidf(aor, "closed"), content_type=PIDF)
        checks.check("%s: modifying PUBLISH 200" % t, status_of(r) == 200, r)
        etag = r.get("SIP-ETag") if r else etag
        n = bob.wait_request("NOTIFY", 5)
        checks.check("%s: second NOTIFY carries closed" % t,
                     n is not None and "<basic>closed</basic>" in n.text(), n)
        if n:
            bob.reply(n, 481, "Subscription Does Not Exist")
        checks.check("%s: watcher dropped after 481" % t,
                     wait_metric(hub, "pinana_hub_watchers_dropped_total", dropped_before + 1) ==
                     dropped_before + 1, hub.metrics())
        checks.check("%s: no subscription left" % t,
                     wait_metric(hub, "pinana_hub_subscriptions", 0.0) == 0.0, hub.metrics())
        sent_before = hub.metrics().get("pinana_hub_notifies_sent_total")

        r = alice.request("PUBLISH", pub, headers=[("Event", "presence"), ("Expires", "600"),
                                                   ("SIP-If-Match", etag or "none")],
                          body=pidf(aor, "open"), content_type=PIDF)
        checks.check("%s: third PUBLISH 200" % t, status_of(r) == 200, r)
        late = [x for x in bob.drain(2.0) if x.method == "NOTIFY"]
        checks.check("%s: no NOTIFY after the 481" % t, not late, late and late[0])
        m = hub.metrics()
        checks.check("%s: hub sent no further NOTIFY" % t,
                     m.get("pinana_hub_notifies_sent_total") == sent_before, m)
        checks.check("%s: hub alive" % t, hub.alive(), hub.stderr())
        alice.close()
        bob.close()
    finally:
        rc = hub.terminate()
        checks.check("%s: hub exits 0 on SIGTERM" % t, rc == 0, "rc=%s\n%s" % (rc, hub.stderr()))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    hard_timeout(90)
    checks = Checks()
    with tempfile.TemporaryDirectory() as workdir:
        for transport in ("UDP", "TCP"):
            try:
                run(sys.argv[1], transport, checks, workdir)
            except Exception as e:  # a crash of the driver is a failed test, never a pass
                checks.check("%s: driver ran to the end" % transport, False, repr(e))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
