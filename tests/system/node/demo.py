#!/usr/bin/env python3
"""System test: `pinana demo` (issue 4, point 8).

    demo.py PINANA_BINARY

Runs `pinana demo --duration 12 --hub-port 0 --api-port 0 --plain` (a hub and three nodes in one
process, simulated calls, a final consistency check). While it runs, reads the three nodes' API
addresses from its output and runs `pinana hints --api <A>` and `pinana cluster --api <B>`
against them; the demo must exit 0, print the extension table and its check-passed line.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nodelib import (  # noqa: E402
    drive, die_with_parent, poll, read)

DURATION = 12


def run(binary, workdir, checks):
    out_path = os.path.join(workdir, "demo.out")
    err_path = os.path.join(workdir, "demo.err")
    out, err = open(out_path, "w"), open(err_path, "w")
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "demo", "--duration", str(DURATION), "--hub-port", "0",
                             "--api-port", "0", "--plain"], stdin=subprocess.DEVNULL, stdout=out,
                            stderr=err, preexec_fn=die_with_parent)
    try:
        apis = poll(lambda: re.findall(r"node ([ABC]): eid ([0-9a-f:]+), API (http://[0-9.]+:\d+)",
                                       read(out_path)), 10)
        apis = {name: (eid, url) for name, eid, url in apis}
        checks.check("demo prints the three nodes' EIDs and API addresses",
                     set(apis) == {"A", "B", "C"}, read(out_path)[-1500:] + read(err_path)[-500:])
        checks.check("demo prints the hub's address",
                     re.search(r"pinana demo: hub udp 127\.0\.0\.1:\d+", read(out_path)),
                     read(out_path)[:500])
        if "A" in apis:
            time.sleep(2)
            p = subprocess.run([binary, "hints", "--api", apis["A"][1]], capture_output=True,
                               timeout=15, stdin=subprocess.DEVNULL)
            text = p.stdout.decode(errors="replace")
            checks.check("while it runs: pinana hints --api <A> exits 0 and lists hints",
                         p.returncode == 0 and re.search(r"\d{3,}", text) and
                         re.search(r"PJSIP/|Custom:", text),
                         (p.returncode, text[-1000:], p.stderr.decode(errors="replace")))
        if "B" in apis:
            p = subprocess.run([binary, "cluster", "--api", apis["B"][1]], capture_output=True,
                               timeout=15, stdin=subprocess.DEVNULL)
            text = p.stdout.decode(errors="replace")
            checks.check("while it runs: pinana cluster --api <B> lists the three EIDs",
                         p.returncode == 0 and all(eid in text for eid, _ in apis.values()),
                         (p.returncode, text[-1000:], p.stderr.decode(errors="replace")))
            try:
                with urllib.request.urlopen(apis["B"][1] + "/api/v1/extensions", timeout=5) as r:
                    ext = json.loads(r.read())
            except Exception as e:  # reported by the check below
                ext = repr(e)
            checks.check("while it runs: B's API lists extensions", isinstance(ext, list) and
                         len(ext) > 0, ext)
        try:
            rc = proc.wait(DURATION + 40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = "timeout"
        elapsed = time.monotonic() - t0
        text, errs = read(out_path), read(err_path)
        checks.check("demo --duration %d exits 0 (after %.1f s)" % (DURATION, elapsed), rc == 0,
                     "rc %s\n%s\n%s" % (rc, text[-2000:], errs[-2000:]))
        checks.check("demo ran about --duration seconds", DURATION - 1 <= elapsed <= DURATION + 30,
                     elapsed)
        checks.check("demo output has the extension table",
                     re.search(r"exten\s+owner\s+hint\s+state", text) is not None and
                     "as seen by A" in text, text[-2000:])
        checks.check("demo's final check passed", "check passed" in errs + text, errs[-2000:])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    return drive(__doc__, run)


if __name__ == "__main__":
    sys.exit(main())
