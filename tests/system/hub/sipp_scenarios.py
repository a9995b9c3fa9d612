#!/usr/bin/env python3
"""System test: SIPp (Debian sip-tester) drives `pinana hub` over UDP and over TCP.

    sipp_scenarios.py PINANA_BINARY SCENARIO_DIR

For each transport, against its own hub (port 0, with --http), each scenario in SCENARIO_DIR
must make sipp exit 0 (every <recv> and every check_it ereg satisfied):
  options_methods.xml       OPTIONS 200 + Allow/Allow-Events/Accept; unknown method 501; MESSAGE 405
  publish_lifecycle.xml     RFC 3903: 200+SIP-ETag+Expires, refresh (new etag), modify, remove;
                            412 for a superseded etag, 423+Min-Expires, 489+Allow-Events, 400, 415+Accept
  subscribe_presence.xml    with publish_once.xml before and publish_modify.xml (another sipp) while
                            it runs: NOTIFY active with open, then NOTIFY with closed, un-SUBSCRIBE
                            200 + NOTIFY terminated
  subscribe_dialog.xml      after publish_dialog.xml: NOTIFY with the dialog-info document
  subscribe_bogus_totag.xml in-dialog SUBSCRIBE for no dialog: 481
Afterwards no subscription is left (/metrics), the hub is alive, and SIGTERM stops it with 0.
The driver runs itself in a private network namespace when it can (root), so sipp's control
socket (which binds 0.0.0.0) and its fixed ports meet nothing else; otherwise in place.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import Checks, Hub, free_port, hard_timeout, rerun_in_private_netns  # noqa: E402


class Sipp:
    """Runs sipp scenarios against one hub address from `workdir`."""

    def __init__(self, scenarios, workdir, transport, port):
        self.scenarios = scenarios
        self.workdir = workdir
        self.transport = transport
        self.port = port
        self.n = 0

    def command(self, scenario, service, keys):
        self.n += 1
        name = "%s-%s-%d" % (self.transport, os.path.splitext(scenario)[0], self.n)
        self.log = os.path.join(self.workdir, name + ".log")
        self.err = os.path.join(self.workdir, name + ".err")
        self.out = os.path.join(self.workdir, name + ".out")
        cmd = ["sipp", "127.0.0.1:%d" % self.port, "-sf", os.path.join(self.scenarios, scenario),
               "-s", service, "-i", "127.0.0.1", "-p", str(free_port()), "-cp", str(free_port()),
               "-t", "u1" if self.transport == "UDP" else "t1", "-m", "1", "-nostdin",
               "-timeout", "30", "-timeout_error", "-trace_err", "-error_file", self.err,
               "-trace_logs", "-log_file", self.log]
        for k, v in keys.items():
            cmd += ["-key", k, v]
        return cmd

    def start(self, scenario, service, **keys):
        cmd = self.command(scenario, service, keys)
        out = open(self.out, "w")
        proc = subprocess.Popen(cmd, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        proc.files = (self.log, self.err, self.out)
        return proc

    def run(self, scenario, service, **keys):
        """Runs to the end; returns (exit code, log text, diagnostics)."""
        proc = self.start(scenario, service, **keys)
        return self.finish(proc)

    @staticmethod
    def finish(proc, timeout=45):
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = "timeout"
        log, err, out = (read(f) for f in proc.files)
        return rc, log, "sipp exit %s\n--- errors:\n%s\n--- output:\n%s" % (
            rc, err[-1500:], out[-1500:])


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def wait_for(path, text, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in read(path):
            return True
        time.sleep(0.05)
    return False


def run_transport(binary, scenarios, transport, checks, workdir):
    t = transport
    hub = Hub(binary, workdir)
    hub.start()
    try:
        sipp = Sipp(scenarios, workdir, t, hub.port(t))

        rc, _, diag = sipp.run("options_methods.xml", "hub")
        checks.check("%s options_methods: 200 with Allow/Allow-Events/Accept, 501, 405" % t,
                     rc == 0, diag)

        rc, _, diag = sipp.run("publish_lifecycle.xml", "lifecycle")
        checks.check("%s publish_lifecycle: 200 x4 (new etags), 412, 423, 489, 400, 415" % t,
                     rc == 0, diag)

        rc, log, diag = sipp.run("publish_once.xml", "alice", basic="open")
        m = re.search(r"ETAG=(\S+)", log)
        checks.check("%s publish_once: alice open, 200 with SIP-ETag" % t, rc == 0 and m, diag)
        etag = m.group(1) if m else "missing"
        watcher = sipp.start("subscribe_presence.xml", "alice")
        seen = wait_for(watcher.files[0], "NOTIFY-1 open", 10)
        checks.check("%s subscribe_presence: first NOTIFY active with open" % t, seen,
                     read(watcher.files[1])[-1500:])
        rc, _, diag = sipp.run("publish_modify.xml", "alice", basic="closed", etag=etag)
        checks.check("%s publish_modify (second sipp): alice closed, 200" % t, rc == 0, diag)
        rc, log, diag = Sipp.finish(watcher)
        checks.check("%s subscribe_presence: NOTIFY closed, un-SUBSCRIBE 200, NOTIFY terminated"
                     % t, rc == 0 and "NOTIFY-3 terminated" in log, diag)

        rc, _, diag = sipp.run("publish_dialog.xml", "2001")
        checks.check("%s publish_dialog: 200" % t, rc == 0, diag)
        rc, _, diag = sipp.run("subscribe_dialog.xml", "2001")
        checks.check("%s subscribe_dialog: dialog-info NOTIFY with the confirmed dialog" % t,
                     rc == 0, diag)

        rc, _, diag = sipp.run("subscribe_bogus_totag.xml", "alice")
        checks.check("%s subscribe_bogus_totag: 481" % t, rc == 0, diag)

        m = hub.metrics()
        checks.check("%s: no subscription left after the un-SUBSCRIBEs" % t,
                     m.get("pinana_hub_subscriptions") == 0.0, m)
        checks.check("%s: hub alive" % t, hub.alive(), hub.stderr())
    finally:
        rc = hub.terminate()
        checks.check("%s: hub exits 0 on SIGTERM" % t, rc == 0, "rc=%s\n%s" % (rc, hub.stderr()))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if shutil.which("sipp") is None:
        print("FAIL: sipp is not installed (Debian package sip-tester)")
        return 1
    rc = rerun_in_private_netns(required=False, timeout=280)
    if rc is not None:
        return rc
    hard_timeout(260)
    checks = Checks()
    binary, scenarios = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as workdir:
        for t in ("UDP", "TCP"):
            try:
                run_transport(binary, scenarios, t, checks, workdir)
            except Exception as e:
                checks.check("%s: driver ran to the end" % t, False, repr(e))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
