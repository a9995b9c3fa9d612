#!/usr/bin/env python3
"""System test: two real baresip UAs exchange presence through `pinana hub`.

    baresip_presence.py PINANA_BINARY

Needs the Debian package baresip-core (baresip 1.0.0 with presence.so, ctrl_tcp.so ...); without
it the test exits 77 (ctest: skipped) and says so.

  1. alice's baresip (account with pubint=600, regint=0: the hub answers REGISTER with 405, so
     alice does not register) goes online (ctrl_tcp presence_online) and PUBLISHes her presence
     to her AOR at the hub: the hub must hold one live presence publication of hers. (Before
     that, unregistered, baresip publishes <basic>unknown</basic>, which the hub rightly refuses
     with 400: PIDF's basic is open or closed.)
  2. bob's baresip has alice as a contact with ;presence=p2p, an AOR at the hub: it SUBSCRIBEs
     there (the hub must hold one subscription), and its contact list must show alice Online.
  3. alice goes offline (ctrl_tcp command presence_offline): a new PUBLISH through the hub, a
     NOTIFY to bob, and bob's contact list and log must show alice Offline.
  4. Both quit (un-PUBLISH, un-SUBSCRIBE); the hub must exit 0 on SIGTERM.
Runs in a private network namespace when it can (root), else on ephemeral loopback ports.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import (Checks, Hub, die_with_parent, free_port, hard_timeout,  # noqa: E402
                   rerun_in_private_netns)

MODULE_DIR = "/usr/lib/baresip/modules"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
MODULES = ("presence.so", "ctrl_tcp.so", "contact.so", "account.so", "menu.so", "aubridge.so",
           "ausine.so", "g711.so", "uuid.so")


class Baresip:
    """One baresip process with its own config directory, SIP port and ctrl_tcp port."""

    def __init__(self, workdir, name, account, contacts):
        self.name = name
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.sip_port = free_port()
        self.ctrl_port = free_port()
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join([
                "poll_method epoll",
                "sip_listen 127.0.0.1:%d" % self.sip_port,
                "audio_player aubridge,nil",
                "audio_source ausine,440",
                "audio_alert aubridge,nil",
                "module_path %s" % MODULE_DIR,
                "module g711.so",
                "module ausine.so",
                "module aubridge.so",
                "module_tmp uuid.so",
                "module_tmp account.so",
                "module_app contact.so",
                "module_app menu.so",
                "module_app presence.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:%d" % self.ctrl_port,
                ""]))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(account + "\n")
        with open(os.path.join(self.dir, "contacts"), "w") as f:
            f.write("".join(c + "\n" for c in contacts))
        self.log_path = os.path.join(self.dir, "baresip.log")
        self.proc = None

    def start(self):
        log = open(self.log_path, "w")
        # -s: trace every SIP message; -v: debug lines such as presence status updates.
        self.proc = subprocess.Popen(["baresip", "-f", self.dir, "-n", "127.0.0.1", "-s", "-v"], cwd=self.dir,
                                     stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "baresip is ready" in self.log() and self.ctrl_ready():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def ctrl_ready(self):
        try:
            socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def log(self):
        """The log so far, without baresip's ANSI colours."""
        try:
            with open(self.log_path, errors="replace") as f:
                return ANSI.sub("", f.read())
        except OSError:
            return ""

    def ctrl(self, command, params="", timeout=5.0):
        """One ctrl_tcp command (netstring-framed JSON); returns the response object or None."""
        body = json.dumps({"command": command, "params": params, "token": "t%d" % time.time_ns()})
        data = body.encode()
        try:
            s = socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=timeout)
        except OSError:
            return None
        buf = b""
        try:
            s.sendall(b"%d:%s," % (len(data), data))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                while True:  # every complete netstring in buf
                    colon = buf.find(b":")
                    if colon < 0 or not buf[:colon].isdigit():
                        break
                    n = int(buf[:colon])
                    if len(buf) < colon + 1 + n + 1:
                        break
                    msg, buf = buf[colon + 1:colon + 1 + n], buf[colon + 1 + n + 1:]
                    try:
                        obj = json.loads(msg.decode(errors="replace"))
                    except ValueError:
                        continue
                    if obj.get("response"):
                        return obj
                s.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = s.recv(65536)
                if not chunk:
                    return None
                buf += chunk
        except OSError:
            return None
        finally:
            s.close()
        return None

    def contact_status(self, who):
        """'Online' / 'Offline' / ... as the `contacts` command shows `who`, or None."""
        r = self.ctrl("contacts")
        text = ANSI.sub("", (r or {}).get("data", "") or "")
        for line in text.splitlines():
            if who in line:
                m = re.search(r"\b(Online|Offline|Unknown|Busy|Away)\b", line)
                return m.group(1) if m else line.strip()
        return None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.ctrl("quit", timeout=2)
        try:
            self.proc.wait(4)  # it un-PUBLISHes and un-SUBSCRIBEs first
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(0.1)
        value = predicate()
    return value


def run(binary, checks, workdir):
    hub = Hub(binary, workdir)
    hub.start()
    hp = hub.udp_port
    alice = Baresip(workdir, "alice",
                    "<sip:alice@127.0.0.1:%d;transport=udp>;regint=0;pubint=600;answermode=manual"
                    % hp, [])
    bob = Baresip(workdir, "bob",
                  "<sip:bob@127.0.0.1:%d;transport=udp>;regint=0;pubint=0;answermode=manual" % hp,
                  ['"Alice" <sip:alice@127.0.0.1:%d>;presence=p2p' % hp])
    try:
        checks.check("alice's baresip starts", alice.start(), alice.log()[-2000:])
        # Unregistered, baresip's own status is "Unknown" and its first PUBLISH says
        # <basic>unknown</basic>, which the hub refuses (400: PIDF basic is open or closed).
        # Going online makes it publish <basic>open</basic>.
        r = alice.ctrl("presence_online")
        checks.check("ctrl_tcp presence_online accepted", r is not None and r.get("ok"), r)
        published = wait_until(lambda: hub.metrics().get("pinana_hub_publications") == 1.0, 10)
        checks.check("alice PUBLISHes her presence through the hub (1 live publication)",
                     published, hub.metrics())
        checks.check("alice's PUBLISH carried PIDF with basic open",
                     re.search(r"PUBLISH sip:alice@127\.0\.0\.1:%d" % hp, alice.log())
                     and "<basic>open</basic>" in alice.log(), alice.log()[-3000:])

        checks.check("bob's baresip starts", bob.start(), bob.log()[-2000:])
        subscribed = wait_until(lambda: hub.metrics().get("pinana_hub_subscriptions") == 1.0, 10)
        checks.check("bob SUBSCRIBEs to alice at the hub (1 subscription)", subscribed,
                     hub.metrics())
        online = wait_until(lambda: bob.contact_status("alice") == "Online", 10)
        checks.check("bob sees alice Online", online,
                     "contacts: %s\n%s" % (bob.contact_status("alice"), bob.log()[-3000:]))

        before = hub.metrics()
        r = alice.ctrl("presence_offline")
        checks.check("ctrl_tcp presence_offline accepted", r is not None and r.get("ok"), r)
        offline = wait_until(lambda: bob.contact_status("alice") == "Offline", 10)
        after = hub.metrics()
        checks.check("bob sees alice go Offline", offline,
                     "contacts: %s\n%s" % (bob.contact_status("alice"), bob.log()[-3000:]))
        checks.check("bob's log shows the status change",
                     re.search(r"<sip:alice@127\.0\.0\.1:%d> changed status from Online to "
                               r"Offline" % hp, bob.log()),
                     bob.log()[-3000:])
        key = 'pinana_hub_publish_total{outcome="accepted"}'
        checks.check("the offline PUBLISH went through the hub",
                     after.get(key, 0) > before.get(key, 0), (before.get(key), after.get(key)))
        checks.check("the hub NOTIFYed bob of it",
                     after.get("pinana_hub_notifies_sent_total", 0) >
                     before.get("pinana_hub_notifies_sent_total", 0), after)
        checks.check("bob's NOTIFY from the hub carried basic closed",
                     "<basic>closed</basic>" in bob.log(), bob.log()[-3000:])
    finally:
        bob.stop()
        alice.stop()
        rc = hub.terminate()
        checks.check("hub exits 0 on SIGTERM", rc == 0, "rc=%s\n%s" % (rc, hub.stderr()))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    missing = [m for m in MODULES if not os.path.exists(os.path.join(MODULE_DIR, m))]
    if shutil.which("baresip") is None or missing:
        print("SKIP: baresip is not installed (Debian package baresip-core)%s"
              % (": missing %s" % ", ".join(missing) if shutil.which("baresip") else ""))
        return 77
    rc = rerun_in_private_netns(required=False, timeout=170)
    if rc is not None:
        return rc
    hard_timeout(150)
    checks = Checks()
    with tempfile.TemporaryDirectory() as workdir:
        try:
            run(os.path.abspath(sys.argv[1]), checks, workdir)
        except Exception as e:
            checks.check("driver ran to the end", False, repr(e))
        if checks.failed:
            for who in ("alice", "bob"):
                path = os.path.join(workdir, who, "baresip.log")
                if os.path.exists(path):
                    print("--- %s's baresip log (tail):" % who)
                    print(open(path, errors="replace").read()[-4000:])
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
