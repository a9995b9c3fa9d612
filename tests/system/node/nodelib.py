"""Shared helpers of the node system tests (python3 stdlib only).

Reuses tests/system/hub/sipua.py (the mini UA, Hub launcher, Checks, free_port, hard_timeout,
rerun_in_private_netns) and adds:
  - start_hub():   `pinana hub` with a config file that turns the per-source rate limit off (every
                   node shares 127.0.0.1);
  - Node:          `pinana node` as a real process on loopback (API on port 0, read back from its
                   stderr line), stopped with SIGTERM or SIGKILL;
  - Api:           a JSON HTTP client for a node's API (status, parsed body, headers);
  - WebSocket:     a minimal RFC 6455 client (handshake, unmasked server text frames);
  - poll():        wait for a predicate with a deadline;
  - dialog_lamp(): the lamp state of a dialog-info body (terminated when no dialog is in it).

Everything runs on the calling thread; a test owns its processes and stops them in `finally`.
"""

import base64
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "hub"))
import sipua  # noqa: E402,F401
from sipua import (  # noqa: E402,F401
    LOCAL, UA, Call, Checks, Hub, die_with_parent, free_port, hard_timeout,
    rerun_in_private_netns)

EID_A = "02:00:00:00:00:0a"
EID_B = "02:00:00:00:00:0b"
EID_C = "02:00:00:00:00:0c"

HUB_CONFIG = """\
# written by the node system tests: every node shares 127.0.0.1, so no per-source limits
max_requests_per_second_per_source = 0
max_subscriptions_per_source = 0
"""


def start_hub(binary, workdir, udp_port=0, tcp_port=0):
    """A hub on loopback (UDP and TCP, metrics HTTP) with the rate limits off."""
    path = os.path.join(workdir, "hub.toml")
    with open(path, "w") as f:
        f.write(HUB_CONFIG)
    hub = Hub(binary, workdir, extra=["--config", path], udp_port=udp_port, tcp_port=tcp_port)
    hub.start()
    return hub


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Node:
    """`pinana node` on loopback. `args` are extra flags (hints, devices, config...)."""

    counter = 0

    def __init__(self, binary, workdir, hub_port, eid=None, args=(), name=None,
                 publish_expires=5, subscribe_expires=10, api_port=0):
        Node.counter += 1
        self.binary = binary
        self.name = name or "n%d" % Node.counter
        self.eid = eid
        self.args = [binary, "node"]
        if eid:
            self.args += ["--eid", eid]
        if hub_port is not None:
            self.args += ["--hub", "sip:%s:%d" % (LOCAL, hub_port)]
        self.args += ["--listen", "udp:%s:0" % LOCAL]
        if api_port is not None:
            self.args += ["--api", "%s:%d" % (LOCAL, api_port)]
        if publish_expires is not None:
            self.args += ["--publish-expires", str(publish_expires)]
        if subscribe_expires is not None:
            self.args += ["--subscribe-expires", str(subscribe_expires)]
        self.args += list(args)
        self.err_path = os.path.join(workdir, "node-%s-%d.err" % (self.name, Node.counter))
        self.proc = None
        self.api_port = None
        self.sip_port = None
        self.api = None

    def start(self, timeout=10.0):
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.err,
                                     preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"pinana node: eid ([0-9a-fA-F:]+), SIP udp [^,]*:(\d+), "
                          r"API http://127\.0\.0\.1:(\d+)", self.stderr())
            if m:
                self.eid = m.group(1).lower()
                self.sip_port = int(m.group(2))
                self.api_port = int(m.group(3))
                self.api = Api(self.api_port)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("node %s did not start (rc %s):\n%s" % (
            self.name, self.proc.poll(), self.stderr()))

    def stderr(self):
        return read(self.err_path)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout=10.0):
        """SIGTERM; the exit code, or None when it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_node_once(binary, args, timeout=10.0):
    """Runs `pinana node ARGS` expecting it to exit by itself: (rc, stderr); rc None = still
    running after `timeout` (then killed)."""
    p = subprocess.Popen([binary, "node"] + list(args), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=die_with_parent)
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out.decode(errors="replace") + err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out.decode(errors="replace") + err.decode(errors="replace")


# ---- HTTP API ---------------------------------------------------------------------------------


def quote(name):
    return urllib.parse.quote(name, safe="")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "HTTP %s %s" % (self.status, self.body[:400])


class Api:
    """JSON client of one node's API on 127.0.0.1."""

    def __init__(self, port):
        self.port = port
        self.base = "http://%s:%d" % (LOCAL, port)

    def request(self, method, path, body=None, content_type="application/json", timeout=5.0):
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None and content_type:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers), r.read().decode(errors="replace"))
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read().decode(errors="replace"))
        except (urllib.error.URLError, OSError) as e:
            return Response(None, {}, "connection failed: %r" % e)

    def get(self, path):
        return self.request("GET", path)

    def device(self, name):
        """The device's JSON, or None when the node answers 404 (or fails)."""
        r = self.get("/api/v1/devices/" + quote(name))
        return r.json if r.status == 200 else None

    def set_device(self, name, state, caller=None):
        body = {"state": state}
        if caller:
            body["caller"] = caller
        return self.request("PUT", "/api/v1/devices/" + quote(name), body)

    def extension(self, exten):
        r = self.get("/api/v1/extensions/" + quote(exten))
        return r.json if r.status == 200 else None

    def cluster(self):
        return self.get("/api/v1/cluster").json


def poll(predicate, timeout, interval=0.05):
    """Calls `predicate` until it returns a truthy value or `timeout` seconds pass; returns the
    last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def device_state(api, name):
    d = api.device(name)
    return d.get("state") if d else None


def exten_state(api, exten):
    e = api.extension(exten)
    return e.get("state") if e else None


# ---- WebSocket (RFC 6455) client --------------------------------------------------------------


class WebSocket:
    """A client for a text-frame stream: handshake, then unmasked server frames. Replies to
    pings, stops at a close frame."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, port, path="/api/v1/events", timeout=5.0):
        self.sock = socket.create_connection((LOCAL, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (
                   path, LOCAL, port, key))
        self.sock.sendall(req.encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise RuntimeError("websocket: connection closed during the handshake")
            self.buf += data
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        self.status_line = lines[0]
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        want = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        self.expected_accept = want
        if " 101 " not in self.status_line + " ":
            raise RuntimeError("websocket: handshake answered %r" % self.status_line)
        if self.headers.get("sec-websocket-accept") != want:
            raise RuntimeError("websocket: bad Sec-WebSocket-Accept %r" %
                               self.headers.get("sec-websocket-accept"))
        self.closed = False
        self.masked_frames = 0  # server frames that were masked (RFC 6455 §5.1 forbids it)

    def _need(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            if not data:
                self.closed = True
                return False
            self.buf += data
        return True

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def recv_text(self, timeout):
        """The next text message (str), or None on timeout or close."""
        deadline = time.monotonic() + timeout
        message = b""
        while True:
            if not self._need(2, deadline):
                return None
            b0, b1 = self.buf[0], self.buf[1]
            opcode = b0 & 0x0F
            fin = b0 & 0x80
            masked = b1 & 0x80
            n = b1 & 0x7F
            off = 2
            if n == 126:
                if not self._need(4, deadline):
                    return None
                n = struct.unpack("!H", self.buf[2:4])[0]
                off = 4
            elif n == 127:
                if not self._need(10, deadline):
                    return None
                n = struct.unpack("!Q", self.buf[2:10])[0]
                off = 10
            if masked:
                self.masked_frames += 1
                off += 4
            if not self._need(off + n, deadline):
                return None
            payload = self.buf[off:off + n]
            if masked:
                key = self.buf[off - 4:off]
                payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            self.buf = self.buf[off + n:]
            if opcode == 0x8:
                self.closed = True
                return None
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                message += payload
                if fin:
                    return message.decode(errors="replace")
            # binary and pong frames are ignored

    def recv_json(self, timeout):
        text = self.recv_text(timeout)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return {"unparsable": text}

    def wait_for(self, predicate, timeout):
        """The first JSON event for which predicate is true; others are collected in `seen`."""
        deadline = time.monotonic() + timeout
        self.seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ev = self.recv_json(left)
            if ev is None:
                return None
            self.seen.append(ev)
            if predicate(ev):
                return ev

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


# ---- dialog-info -----------------------------------------------------------------------------


def dialog_lamp(body):
    """The lamp of a dialog-info document: the <state> of its first dialog (early, confirmed,
    terminated...), "terminated" when it has no dialog, None when it is not dialog-info."""
    if "<dialog-info" not in body:
        return None
    m = re.search(r"<dialog\b[^>]*>.*?<state\b[^>]*>\s*([A-Za-z-]+)\s*</state>", body, re.S)
    return m.group(1) if m else "terminated"


def dedup(seq):
    out = []
    for x in seq:
        if not out or out[-1] != x:
            out.append(x)
    return out


# ---- sipp message trace -----------------------------------------------------------------------


def sipp_notify_bodies(trace_text):
    """The bodies of the NOTIFY requests sipp received, in order, from a -trace_msg file, but for
    the final one of an un-SUBSCRIBE (Subscription-State: terminated) and retransmissions."""
    bodies = []
    seen = set()
    # sipp writes each message as "----...---\n<timestamp> ... message received [N] bytes :\n\n
    # <message>" ; split on the separators and keep the received NOTIFYs.
    for chunk in re.split(r"\n-{20,}[^\n]*\n", "\n" + trace_text):
        m = re.search(r"message received \[\d+\] bytes :\s*\n", chunk)
        if not m:
            continue
        msg = chunk[m.end():].lstrip("\r\n")
        if not msg.startswith("NOTIFY "):
            continue
        parsed = sipua.parse(msg.encode())
        if parsed is None:
            continue
        if (parsed.get("Subscription-State") or "").strip().startswith("terminated"):
            continue  # the answer to the un-SUBSCRIBE: not a change of state
        # A retransmission (same Call-ID and CSeq: the 200 was late or lost) is not a new state.
        key = (parsed.get("Call-ID"), parsed.get("CSeq"))
        if key in seen:
            continue
        seen.add(key)
        bodies.append(parsed.text())
    return bodies


def sipp_command(workdir, scenario, service, hub_port, name, timeout=110, keys=None):
    msg = os.path.join(workdir, name + ".msg")
    err = os.path.join(workdir, name + ".err")
    cmd = ["sipp", "%s:%d" % (LOCAL, hub_port), "-sf", scenario, "-s", service, "-i", LOCAL,
           "-p", str(free_port()), "-cp", str(free_port()), "-t", "u1", "-m", "1", "-nostdin", "-nd",
           "-timeout", str(timeout), "-timeout_error", "-trace_msg", "-message_file", msg,
           "-trace_err", "-error_file", err]
    for k, v in (keys or {}).items():
        cmd += ["-key", k, str(v)]
    return cmd, msg, err


def drive(doc, run, extra_args=0, netns_timeout=140, hard=130):
    """The main() of a node system test: usage check, a private network namespace when root, a
    hard timeout, and run(binary, *extra_args, workdir, checks) in a temporary directory. Returns
    the exit status ("N passed, M failed" printed by Checks.finish)."""
    if len(sys.argv) != 2 + extra_args:
        print(doc)
        return 2
    rc = rerun_in_private_netns(required=False, timeout=netns_timeout)
    if rc is not None:
        return rc
    hard_timeout(hard)
    return run_checked(run, [os.path.abspath(a) for a in sys.argv[1:]])


def run_checked(run, args):
    """run(*args, workdir, checks) in a temporary directory; an exception is a failed check.
    Returns Checks.finish()."""
    import tempfile
    import traceback
    checks = Checks()
    with tempfile.TemporaryDirectory() as workdir:
        try:
            run(*args, workdir, checks)
        except Exception as e:
            traceback.print_exc()
            checks.check("driver ran to the end", False, repr(e))
    return checks.finish()
