#!/usr/bin/env python3
"""Propagation time of a device state change from node A's API to node B's view.

    node_propagation.py PINANA [--changes 1000] [--device PJSIP/bench] [--smoke]

Starts `pinana hub` (rate limits off) and two nodes, A and B, on loopback; opens B's WebSocket
/api/v1/events; then, --changes times: takes a timestamp, PUTs a state change of one device on
A's API (alternately INUSE and NOT_INUSE), and waits for B's `device` event carrying that state.
The time measured covers A's HTTP request, A's PUBLISH to the hub, the hub's NOTIFY to B, B's
state update and its WebSocket frame. Prints median, p90, p99 and max in ms, then one JSON line.

--smoke (the ctest `node_propagation_smoke`): also prints "N passed, M failed" and exits non-zero
unless every change arrived. A change that has not arrived within 5 s counts as lost.
Python 3 standard library only (the helpers of tests/system/node/nodelib.py).
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
from nodelib import (  # noqa: E402
    EID_A, EID_B, Checks, Node, WebSocket, device_state, hard_timeout, poll,
    rerun_in_private_netns, start_hub)

LOST_AFTER = 5.0


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def measure(binary, workdir, changes, device):
    hub = start_hub(binary, workdir)
    a = Node(binary, workdir, hub.udp_port, EID_A, name="A", publish_expires=60,
             subscribe_expires=60, args=["--device", "%s=NOT_INUSE" % device,
                                         "--log-level", "warn"])
    b = Node(binary, workdir, hub.udp_port, EID_B, name="B", publish_expires=60,
             subscribe_expires=60, args=["--log-level", "warn"])
    ws = None
    try:
        a.start()
        b.start()
        if not poll(lambda: device_state(b.api, device) == "NOT_INUSE", 10):
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
        return samples, lost, refused, (a.alive(), b.alive(), hub.alive())
    finally:
        if ws is not None:
            ws.close()
        a.terminate()
        b.terminate()
        hub.terminate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pinana")
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--device", default="PJSIP/bench")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        rc = rerun_in_private_netns(required=False, timeout=140)
        if rc is not None:
            return rc
        hard_timeout(130)
    binary = os.path.abspath(args.pinana)
    with tempfile.TemporaryDirectory() as workdir:
        samples, lost, refused, alive = measure(binary, workdir, args.changes, args.device)
    s = sorted(samples)
    result = {
        "bench": "node_propagation",
        "changes": args.changes,
        "arrived": len(samples),
        "lost": lost,
        "refused": refused,
        "median_ms": round(statistics.median(s), 3) if s else None,
        "p90_ms": round(percentile(s, 90), 3) if s else None,
        "p99_ms": round(percentile(s, 99), 3) if s else None,
        "max_ms": round(s[-1], 3) if s else None,
        "min_ms": round(s[0], 3) if s else None,
    }
    if s:
        print("changes %d, arrived %d, lost %d: median %.2f ms, p90 %.2f ms, p99 %.2f ms, "
              "max %.2f ms" % (args.changes, len(s), lost, result["median_ms"], result["p90_ms"],
                               result["p99_ms"], result["max_ms"]))
    print(json.dumps(result, sort_keys=True), flush=True)
    if not args.smoke:
        return 0 if lost == 0 and refused == 0 else 1
    checks = Checks()
    checks.check("every PUT on A answered 200", refused == 0, refused)
    checks.check("all %d changes reached B's WebSocket" % args.changes,
                 lost == 0 and len(samples) == args.changes, result)
    checks.check("hub, A and B alive after the run", all(alive), alive)
    checks.check("median below 1 s", bool(s) and result["median_ms"] < 1000, result)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
