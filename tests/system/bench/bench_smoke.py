#!/usr/bin/env python3
"""bench_smoke: pinana-bench against `pinana hub` for about 3 s (issue 6, point 4).

    bench_smoke.py PINANA PINANA_BENCH

Starts the hub on 127.0.0.1 (UDP port 0, per-source limits off, as bench/run_bench.py does), runs
pinana-bench with 10 presentities x 10 watchers at 50 PUBLISH/s, and checks from its JSON line:
PUBLISHes accepted, NOTIFYs received = accepted x 10 within an in-flight margin, every fan-out
matched, no errors, no 412, no timeouts. Prints "N passed, M failed"; exit 1 if any check failed.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "bench"))
from run_bench import Hub  # noqa: E402

WATCHERS = 10
PRESENTITIES = 10
RATE = 50


def main():
    pinana, bench = sys.argv[1], sys.argv[2]
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok   %s" % name)
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail))

    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as work:
        hub = Hub(pinana, work)
        hub.start()
        try:
            out = subprocess.run(
                [bench, "--server", "127.0.0.1:%d" % hub.port, "-P", str(PRESENTITIES),
                 "-W", str(WATCHERS), "--rate", str(RATE), "--warmup", "0.5", "--duration", "3",
                 "--threads", "2", "--server-pid", str(hub.pid)],
                capture_output=True, text=True, timeout=90)
        finally:
            hub.stop()
    print(out.stdout)
    print(out.stderr, file=sys.stderr)
    check("pinana-bench exits 0", out.returncode == 0, out.returncode)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    check("last line is JSON", bool(lines) and out.stdout.rstrip().splitlines()[-1] == lines[-1])
    if not lines:
        print("%d passed, %d failed" % (passed, failed))
        return 1
    j = json.loads(lines[-1])
    acc, n = j["publish_accepted"], j["notifies"]
    check("all subscriptions established", j["subscriptions"] == PRESENTITIES * WATCHERS,
          j["subscriptions"])
    check("PUBLISHes accepted", acc > 0, acc)
    check("rate about %d/s" % RATE, 0.8 * RATE <= j["publish_per_s"] <= 1.2 * RATE,
          j["publish_per_s"])
    # A PUBLISH accepted just before the window's end has NOTIFYs still on the way, and one sent
    # before its start may have its NOTIFYs counted in it: allow a few fan-outs either way.
    margin = 3 * WATCHERS + 0.05 * acc * WATCHERS
    check("NOTIFYs = PUBLISHes x watchers", abs(n - acc * WATCHERS) <= margin,
          "%d NOTIFYs for %d PUBLISHes" % (n, acc))
    check("fan-outs matched", j["fanout_complete"] > 0 and j["notify_unmatched"] == 0,
          (j["fanout_complete"], j["notify_unmatched"]))
    check("latencies measured", j["notify_latency"]["count"] > 0
          and j["notify_latency"]["p50_ms"] > 0, j["notify_latency"])
    check("no errors", j["errors"] == {} and j["publish_errors"] == 0, j["errors"])
    check("no 412", j["publish_412"] == 0, j["publish_412"])
    check("no timeouts", j["publish_timeouts"] == 0 and j["subscribe_timeouts"] == 0,
          (j["publish_timeouts"], j["subscribe_timeouts"]))
    check("server CPU measured", j.get("server", {}).get("cpu_s", -1) >= 0
          and j.get("server", {}).get("processes") == 1, j.get("server"))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
