#!/usr/bin/env python3
"""Propagation time of a device state change from node A's API to node B's view.

    node_propagation.py PINANA [--profile native|standard] [--server hub|kamailio-memory|
                        kamailio-postgres] [--changes 1000] [--device PJSIP/bench] [--smoke]

Starts a presence server on loopback and two nodes, A and B, pointed at it; B looks the device up
once through its API (on the standard profile that first GET subscribes to the device's
presentity), then opens B's WebSocket /api/v1/events; then, --changes times: takes a timestamp,
PUTs a state change of one device on A's API (alternately INUSE and NOT_INUSE), and waits for B's
`device` event carrying that state. Prints median, p90, p99 and max in ms, then one JSON line.

  --profile native (default): `pinana hub` (rate limits off), nodes on the native profile. The
      time covers A's HTTP request, A's PUBLISH to the hub, the hub's NOTIFY to B, B's state
      update and its WebSocket frame.
  --profile standard: the nodes run `--profile standard`; the server is Kamailio 5.6 through
      contrib/kamailio/run.sh (--server kamailio-memory, the default, or kamailio-postgres) or
      `pinana hub` as a plain RFC 3856 server (--server hub). The time covers A's HTTP request,
      A's PUBLISH of the device's presentity, the server composing the nodes' PIDF tuples and its
      NOTIFY to B (and A), B's update and its WebSocket frame. Exits 77 (skipped) when Kamailio
      is wanted but not installed.

--smoke (the ctests `node_propagation_smoke`, `node_propagation_standard_smoke`): also prints
"N passed, M failed" and exits non-zero unless every change arrived. A change that has not
arrived within 5 s counts as lost.
Python 3 standard library only (tests/system/node/nodelib.py, tests/system/standard/kamlib.py).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "system", "node"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "system", "standard"))
from nodelib import (  # noqa: E402
    EID_A, EID_B, Checks, Node, WebSocket, device_state, hard_timeout, poll,
    rerun_in_private_netns, start_hub)
from kamlib import Kamailio, kamailio_missing  # noqa: E402

LOST_AFTER = 5.0
SKIPPED = 77
SERVERS = ("hub", "kamailio-memory", "kamailio-postgres")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Server:
    """The presence server the nodes point at: `pinana hub`, or Kamailio through run.sh."""

    def __init__(self, kind, binary, workdir):
        self.kind = kind
        self.binary = binary
        self.workdir = workdir
        self.hub = None
        self.kam = None
        self.port = None

    def start(self):
        if self.kind == "hub":
            self.hub = start_hub(self.binary, self.workdir)
            self.port = self.hub.udp_port
        else:
            self.kam = Kamailio(self.workdir, self.kind.split("-", 1)[1]).start()
            self.port = self.kam.port
        return self

    def alive(self):
        if self.hub is not None:
            return self.hub.alive()
        try:
            with open(os.path.join(self.kam.work, "kamailio.pid")) as f:
                os.kill(int(f.read().strip()), 0)
            return True
        except (OSError, ValueError):
            return False

    def stop(self):
        if self.hub is not None:
            self.hub.terminate()
        if self.kam is not None:
            self.kam.stop()


def measure(binary, workdir, changes, device, profile, server_kind):
    server = Server(server_kind, binary, workdir)
    extra = ["--profile", "standard"] if profile == "standard" else []
    a = b = ws = None
    try:
        server.start()
        a = Node(binary, workdir, server.port, EID_A, name="A", publish_expires=60,
                 subscribe_expires=60, args=extra + ["--device", "%s=NOT_INUSE" % device,
                                                     "--log-level", "warn"])
        b = Node(binary, workdir, server.port, EID_B, name="B", publish_expires=60,
                 subscribe_expires=60, args=extra + ["--log-level", "warn"])
        a.start()
        b.start()
        # B's first GET of the device: on the standard profile it answers 404 and subscribes to
        # the device's presentity; later ones answer. The native profile knows it already.
        if not poll(lambda: device_state(b.api, device) == "NOT_INUSE", 15):
            raise RuntimeError("B never saw %s: %r" % (device, b.api.device(device)))
        ws = WebSocket(b.api_port)
        samples, lost, refused = [], 0, 0
        for i in range(changes):
            state = "INUSE" if i % 2 == 0 else "NOT_INUSE"
            t0 = time.perf_counter()
            r = a.api.set_device(device, state)
            if r.status != 200:
                refused += 1
            ev = ws.wait_for(lambda e: e.get("type") == "device" and e.get("name") == device
                             and e.get("state") == state, LOST_AFTER)
            if ev is None:
                lost += 1
                # resynchronise: wait until B's view agrees before the next change
                poll(lambda: device_state(b.api, device) == state, LOST_AFTER)
                continue
            samples.append((time.perf_counter() - t0) * 1000.0)
        return samples, lost, refused, (a.alive(), b.alive(), server.alive())
    finally:
        if ws is not None:
            ws.close()
        for n in (a, b):
            if n is not None:
                n.terminate()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pinana")
    parser.add_argument("--profile", choices=("native", "standard"), default="native")
    parser.add_argument("--server", choices=SERVERS, default=None,
                        help="presence server (native: hub; standard: kamailio-memory)")
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--device", default="PJSIP/bench")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    server = args.server or ("hub" if args.profile == "native" else "kamailio-memory")
    if args.profile == "native" and server != "hub":
        parser.error("the native profile needs `pinana hub` as the server")
    result = {"bench": "node_propagation", "profile": args.profile, "server": server,
              "changes": args.changes}
    if server.startswith("kamailio"):
        why = kamailio_missing()
        if why is not None:
            print("SKIP: %s" % why)
            result["skipped"] = why
            print(json.dumps(result, sort_keys=True), flush=True)
            return SKIPPED
    if args.smoke:
        rc = rerun_in_private_netns(required=False, timeout=140)
        if rc is not None:
            return rc
        hard_timeout(130)
    binary = os.path.abspath(args.pinana)
    with tempfile.TemporaryDirectory() as workdir:
        samples, lost, refused, alive = measure(binary, workdir, args.changes, args.device,
                                                args.profile, server)
    s = sorted(samples)
    result.update({
        "arrived": len(samples),
        "lost": lost,
        "refused": refused,
        "median_ms": round(statistics.median(s), 3) if s else None,
        "p90_ms": round(percentile(s, 90), 3) if s else None,
        "p99_ms": round(percentile(s, 99), 3) if s else None,
        "max_ms": round(s[-1], 3) if s else None,
        "min_ms": round(s[0], 3) if s else None,
    })
    if s:
        print("%s profile through %s: changes %d, arrived %d, lost %d: median %.2f ms, "
              "p90 %.2f ms, p99 %.2f ms, max %.2f ms" % (
                  args.profile, server, args.changes, len(s), lost, result["median_ms"],
                  result["p90_ms"], result["p99_ms"], result["max_ms"]))
    print(json.dumps(result, sort_keys=True), flush=True)
    if not args.smoke:
        return 0 if lost == 0 and refused == 0 else 1
    checks = Checks()
    checks.check("every PUT on A answered 200", refused == 0, refused)
    checks.check("all %d changes reached B's WebSocket" % args.changes,
                 lost == 0 and len(samples) == args.changes, result)
    checks.check("%s, A and B alive after the run" % server, all(alive), alive)
    checks.check("median below 1 s", bool(s) and result["median_ms"] < 1000, result)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
