#!/usr/bin/env python3
"""System test: `pinana hub --config FILE` refuses a file with an unknown key and names FILE:LINE.

    bad_config.py PINANA_BINARY

bad.toml has an unknown key (`max_expire`, a misspelling) on line 3: the hub must exit non-zero
within 10 s, without serving, and its stderr must name the file and line 3 and the key. The same
file with the key spelled right must start (positive control: the failure came from that line),
listen where the file says, and exit 0 on SIGTERM. A second bad file (a string where an integer
belongs, line 2) checks that the line reported follows the fault.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import Checks, hard_timeout  # noqa: E402


def run_bad(binary, path, timeout=10):
    try:
        p = subprocess.run([binary, "hub", "--config", path], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return "timeout", (e.stderr or b"").decode(errors="replace")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    hard_timeout(60)
    checks = Checks()
    with tempfile.TemporaryDirectory() as workdir:
        port = 0  # ephemeral: the fixed file's hub reports the port it bound
        good_lines = [
            '# pinana hub test configuration',
            'listen = ["udp:127.0.0.1:%d"]' % port,
            'max_expires = 600',
            'min_expires = 10',
        ]
        bad = os.path.join(workdir, "bad.toml")
        with open(bad, "w") as f:
            f.write("\n".join(good_lines).replace("max_expires", "max_expire") + "\n")
        rc, err = run_bad(binary, bad)
        checks.check("unknown key: exit status non-zero", rc not in (0, "timeout"),
                     "rc=%s" % rc)
        checks.check("unknown key: stderr names bad.toml:3", re.search(r"bad\.toml:3\b", err),
                     err)
        checks.check("unknown key: stderr names the key", "max_expire" in err, err)
        checks.check("unknown key: nothing was served", "listening on" not in err, err)

        bad2 = os.path.join(workdir, "bad2.toml")
        with open(bad2, "w") as f:
            f.write('listen = ["udp:127.0.0.1:%d"]\nmin_expires = "ten"\n' % port)
        rc, err = run_bad(binary, bad2)
        checks.check("wrong type: exit status non-zero", rc not in (0, "timeout"), "rc=%s" % rc)
        checks.check("wrong type: stderr names bad2.toml:2 and the key",
                     re.search(r"bad2\.toml:2\b", err) and "min_expires" in err, err)

        good = os.path.join(workdir, "good.toml")
        with open(good, "w") as f:
            f.write("\n".join(good_lines) + "\n")
        errpath = os.path.join(workdir, "good.err")
        with open(errpath, "w") as errf:
            p = subprocess.Popen([binary, "hub", "--config", good], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=errf)
        try:
            want = re.compile(r"listening on UDP 127\.0\.0\.1:([1-9][0-9]*)")
            deadline = time.monotonic() + 10
            text = ""
            while time.monotonic() < deadline and p.poll() is None:
                text = open(errpath, errors="replace").read()
                if want.search(text):
                    break
                time.sleep(0.05)
            checks.check("fixed file: hub listens where the file says", want.search(text)
                         and "TCP" not in text, text)
            p.send_signal(signal.SIGTERM)
            try:
                rc = p.wait(10)
            except subprocess.TimeoutExpired:
                rc = "timeout"
            checks.check("fixed file: exit 0 on SIGTERM", rc == 0, "rc=%s" % rc)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
