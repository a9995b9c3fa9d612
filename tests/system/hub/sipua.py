"""A tiny SIP user agent and hub launcher for pinana's hub system tests (python3 stdlib only).

It speaks just enough SIP to drive `pinana hub` from a test: build requests as text, send them over
UDP or TCP on 127.0.0.1, frame and parse what comes back (start line, headers, Content-Length
body), match responses to requests by Via branch, and answer the hub's NOTIFYs with a chosen
status. Not a SIP stack: no DNS, no proxies, no authentication.

Hub starts `pinana hub` on ephemeral loopback ports (port 0), reads the bound ports from its stderr,
scrapes /metrics, and stops it with SIGTERM. Checks counts passed and failed checks and prints the
closing "N passed, M failed" line every driver ends with.

Everything here runs on the calling thread; a test owns its UAs and its Hub.
"""

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

# Compact header forms (RFC 3261 §7.3.3 and the event-package RFCs).
COMPACT = {
    "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
    "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via",
    "o": "event", "u": "allow-events", "r": "refer-to", "b": "referred-by", "x": "session-expires",
}

LOCAL = "127.0.0.1"


def canonical(name):
    n = name.strip().lower()
    return COMPACT.get(n, n)


class Message:
    """One parsed SIP message: start line, ordered headers, body bytes."""

    def __init__(self, start, headers, body):
        self.start = start
        self.headers = headers  # [(name as sent, value)]
        self.body = body

    @property
    def is_request(self):
        return not self.start.startswith("SIP/")

    @property
    def method(self):
        return self.start.split(" ", 1)[0] if self.is_request else None

    @property
    def status(self):
        if self.is_request:
            return None
        parts = self.start.split(" ", 2)
        try:
            return int(parts[1])
        except (IndexError, ValueError):
            return None

    def all(self, name):
        want = canonical(name)
        return [v for n, v in self.headers if canonical(n) == want]

    def get(self, name, default=None):
        values = self.all(name)
        return values[0] if values else default

    def text(self):
        return self.body.decode("utf-8", "replace")

    def cseq_method(self):
        cseq = self.get("CSeq", "")
        parts = cseq.split()
        return parts[1] if len(parts) > 1 else ""

    def tag(self, header):
        m = re.search(r";\s*tag\s*=\s*([^;>\s,]+)", self.get(header, "") or "")
        return m.group(1) if m else None

    def branch(self):
        m = re.search(r";\s*branch\s*=\s*([^;,\s]+)", self.get("Via", "") or "")
        return m.group(1) if m else None

    def __str__(self):
        lines = [self.start] + ["%s: %s" % hv for hv in self.headers]
        return "\n".join(lines) + "\n\n" + self.text()


def parse(data):
    """Parses one whole message (bytes). Returns a Message or None when it is not SIP."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return None
    headers = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # folded continuation
            n, v = headers[-1]
            headers[-1] = (n, v + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name.strip(), value.strip()))
    msg = Message(lines[0], headers, body)
    length = msg.get("Content-Length")
    if length is not None and length.strip().isdigit():
        msg.body = body[: int(length)]
    return msg


class StreamFramer:
    """Cuts a TCP byte stream into messages by Content-Length; skips CRLF keep-alives."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data

    def next(self):
        while self.buf.startswith(b"\r\n"):
            self.buf = self.buf[2:]
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buf[:end].decode("utf-8", "replace")
        m = re.search(r"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", head)
        length = int(m.group(1)) if m else 0
        total = end + 4 + length
        if len(self.buf) < total:
            return None
        raw, self.buf = self.buf[:total], self.buf[total:]
        return raw


def rand_token(n=10):
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


class Call:
    """The identifiers shared by the requests of one dialog or publication thread."""

    def __init__(self, ua, to_uri):
        self.ua = ua
        self.call_id = rand_token(16) + "@" + LOCAL
        self.from_tag = rand_token(8)
        self.to_uri = to_uri
        self.to_tag = None
        self.cseq = 0


class UA:
    """A SIP endpoint on 127.0.0.1 (UDP or TCP) that talks to one hub address."""

    def __init__(self, transport, hub_port, user="tester", local_port=0):
        self.transport = transport.upper()
        self.hub = (LOCAL, hub_port)
        self.user = user
        self.inbox = []  # messages received while waiting for something else
        if self.transport == "UDP":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((LOCAL, local_port))
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.bind((LOCAL, local_port))
            self.sock.connect(self.hub)
            self.framer = StreamFramer()
        self.port = self.sock.getsockname()[1]
        self.closed = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    @property
    def contact(self):
        t = ";transport=tcp" if self.transport == "TCP" else ""
        return "<sip:%s@%s:%d%s>" % (self.user, LOCAL, self.port, t)

    def send_bytes(self, data):
        if self.transport == "UDP":
            self.sock.sendto(data, self.hub)
        else:
            self.sock.sendall(data)

    def _recv_one(self, timeout):
        """One message from the socket within `timeout` seconds, or None."""
        deadline = time.monotonic() + timeout
        while True:
            if self.transport == "TCP":
                raw = self.framer.next()
                if raw is not None:
                    return parse(raw)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                if self.transport == "UDP":
                    data, _ = self.sock.recvfrom(65535)
                    msg = parse(data)
                    if msg is not None:
                        return msg
                else:
                    data = self.sock.recv(65535)
                    if not data:
                        self.closed = True
                        time.sleep(min(left, 0.05))
                        if self.framer.next() is None:
                            return None
                    self.framer.feed(data)
            except socket.timeout:
                return None
            except OSError:
                return None

    # ---- requests --------------------------------------------------------------------------

    def build(self, method, call, ruri=None, headers=(), body=b"", content_type=None, branch=None):
        call.cseq += 1
        branch = branch or "z9hG4bK" + rand_token(12)
        to = "<%s>" % call.to_uri + (";tag=%s" % call.to_tag if call.to_tag else "")
        if isinstance(body, str):
            body = body.encode()
        lines = [
            "%s %s SIP/2.0" % (method, ruri or call.to_uri),
            "Via: SIP/2.0/%s %s:%d;branch=%s;rport" % (self.transport, LOCAL, self.port, branch),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (self.user, LOCAL, call.from_tag),
            "To: %s" % to,
            "Call-ID: %s" % call.call_id,
            "CSeq: %d %s" % (call.cseq, method),
            "Contact: %s" % self.contact,
        ]
        lines += ["%s: %s" % hv for hv in headers]
        if content_type:
            lines.append("Content-Type: %s" % content_type)
        lines.append("Content-Length: %d" % len(body))
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body, branch

    def request(self, method, call, ruri=None, headers=(), body=b"", content_type=None,
                timeout=5.0):
        """Sends a request and returns its final response (None on timeout). Requests that
        arrive meanwhile go to the inbox. Sets call.to_tag from a 2xx's To tag."""
        data, branch = self.build(method, call, ruri, headers, body, content_type)
        deadline = time.monotonic() + timeout
        interval = 0.5
        next_send = 0.0
        while time.monotonic() < deadline:
            now = time.monotonic()
            if now >= next_send and (self.transport == "UDP" or next_send == 0.0):
                self.send_bytes(data)
                next_send = now + interval
                interval = min(interval * 2, 4.0)
            msg = self._recv_one(min(0.1, max(0.0, deadline - time.monotonic())))
            if msg is None:
                if self.closed:
                    return None
                continue
            if msg.is_request:
                self.inbox.append(msg)
                continue
            if msg.branch() != branch or msg.cseq_method() != method:
                continue
            if msg.status is not None and msg.status >= 200:
                if 200 <= msg.status < 300 and call.to_tag is None:
                    call.to_tag = msg.tag("To")
                return msg
        return None

    def wait_request(self, method="NOTIFY", timeout=5.0, predicate=None):
        """The first received request of `method` (oldest in the inbox first), or None."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.inbox):
                if m.method == method and (predicate is None or predicate(m)):
                    return self.inbox.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self._recv_one(min(left, 0.2))
            if msg is not None and msg.is_request:
                self.inbox.append(msg)
            elif msg is None and self.closed:
                return None

    def drain(self, seconds):
        """Everything received during `seconds` (requests only), removed from the inbox."""
        got = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            msg = self._recv_one(min(0.1, deadline - time.monotonic()))
            if msg is not None and msg.is_request:
                self.inbox.append(msg)
        got, self.inbox = self.inbox, []
        return got

    def reply(self, req, status, reason="OK", headers=()):
        lines = ["SIP/2.0 %d %s" % (status, reason)]
        for v in req.all("Via"):
            lines.append("Via: %s" % v)
        lines.append("From: %s" % req.get("From"))
        to = req.get("To")
        if status > 100 and req.tag("To") is None:
            to += ";tag=" + rand_token(8)
        lines.append("To: %s" % to)
        lines.append("Call-ID: %s" % req.get("Call-ID"))
        lines.append("CSeq: %s" % req.get("CSeq"))
        lines += ["%s: %s" % hv for hv in headers]
        lines.append("Content-Length: 0")
        self.send_bytes(("\r\n".join(lines) + "\r\n\r\n").encode())


# ---- documents -------------------------------------------------------------------------------


def pidf(entity, basic, tuple_id="t1", note=None):
    n = "<note>%s</note>" % note if note else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="%s">\n'
        ' <tuple id="%s"><status><basic>%s</basic></status>%s</tuple>\n'
        "</presence>\n" % (entity, tuple_id, basic, n)
    )


# ---- hub process -----------------------------------------------------------------------------


def die_with_parent():
    """In a child before exec: SIGKILL it when the driver dies (PR_SET_PDEATHSIG), so no hub or
    peer outlives a driver killed by ctest's timeout."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except Exception:  # not Linux, or no libc: the driver's own cleanup still runs
        pass


class Hub:
    """`pinana hub` on ephemeral ports of 127.0.0.1, started and stopped by the test."""

    def __init__(self, binary, workdir, extra=(), udp_port=0, tcp_port=0, http=True):
        self.binary = binary
        self.workdir = workdir
        self.extra = list(extra)
        self.udp_port = udp_port
        self.tcp_port = tcp_port
        self.http = http
        self.http_port = None
        self.proc = None
        self.err_path = os.path.join(workdir, "hub-%d.err" % random.randrange(1 << 30))

    def start(self, timeout=10.0):
        args = [self.binary, "hub", "--listen", "udp:%s:%d" % (LOCAL, self.udp_port),
                "--listen", "tcp:%s:%d" % (LOCAL, self.tcp_port)]
        if self.http:
            args += ["--http", "%s:0" % LOCAL]
        args += self.extra
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.err, preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.stderr()
            udp = re.search(r"listening on UDP 127\.0\.0\.1:(\d+)", text)
            tcp = re.search(r"listening on TCP 127\.0\.0\.1:(\d+)", text)
            web = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", text)
            if udp and tcp and (web or not self.http):
                self.udp_port, self.tcp_port = int(udp.group(1)), int(tcp.group(1))
                self.http_port = int(web.group(1)) if web else None
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("hub did not start:\n" + self.stderr())

    def port(self, transport):
        return self.udp_port if transport.upper() == "UDP" else self.tcp_port

    def stderr(self):
        try:
            with open(self.err_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def metrics(self):
        """/metrics as {"name{labels}": value}."""
        url = "http://%s:%d/metrics" % (LOCAL, self.http_port)
        with urllib.request.urlopen(url, timeout=5) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            key, _, value = line.rpartition(" ")
            try:
                out[key] = float(value)
            except ValueError:
                pass
        return out

    def terminate(self, timeout=10.0):
        """SIGTERM; returns the exit code, or None if it had to be killed."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
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


# ---- results ---------------------------------------------------------------------------------


class Checks:
    """Counts checks; `check` prints PASS/FAIL lines; `finish` prints the closing line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL %s%s" % (name, (": " + str(detail)) if detail else ""), flush=True)
        return bool(ok)

    def known_deviation(self, name, ok, why, detail=""):
        """A check the hub is known to fail (reported, not yet fixed): prints XFAIL and does not
        count, unless PINANA_STRICT_DEVIATIONS=1. Once it passes (XPASS) it counts as a failure,
        so the entry is removed and the check becomes an ordinary one."""
        if os.environ.get("PINANA_STRICT_DEVIATIONS") == "1":
            return self.check(name, ok, detail)
        if ok:
            self.failed += 1
            print("XPASS %s: passes now; make it an ordinary check (%s)" % (name, why), flush=True)
        else:
            print("XFAIL %s: known deviation: %s%s" % (name, why, (": %s" % detail) if detail
                                                       else ""), flush=True)
        return bool(ok)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


def hard_timeout(seconds):
    """Kills the whole driver (and, through the caller's cleanup, nothing is left) after
    `seconds`: SIGALRM raises, so finally-blocks still stop the hub."""

    def on_alarm(*_):
        raise TimeoutError("driver exceeded its %d s budget" % seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)


NETNS_ENV = "PINANA_HUB_TEST_NETNS"


def in_private_netns():
    return os.environ.get(NETNS_ENV) == "1"


def rerun_in_private_netns(required, timeout):
    """Re-runs this driver (same argv) in a new network namespace that has only loopback
    (`unshare -n`, root only): its ports cannot collide with anything else on the machine and no
    packet can leave it. Returns the child's exit code, or None when the caller is already inside
    or (`required` False) cannot get one, in which case it runs in place. When `required` and no
    namespace can be had, returns 77 (the tests' "skipped" code) after saying why."""
    if in_private_netns():
        if subprocess.run(["ip", "link", "set", "lo", "up"]).returncode != 0:
            print("cannot bring lo up in the private network namespace")
            sys.exit(1)
        return None
    why = None
    if os.geteuid() != 0:
        why = "not root"
    elif shutil.which("unshare") is None or shutil.which("ip") is None:
        why = "unshare (util-linux) or ip (iproute2) missing"
    elif subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        why = "unshare -n is not permitted here"
    if why is not None:
        if required:
            print("SKIP: needs a private network namespace: %s" % why)
            return 77
        print("note: running in the shared network namespace (%s)" % why)
        return None
    env = dict(os.environ, **{NETNS_ENV: "1"})
    cmd = ["unshare", "-n", "--", sys.executable, os.path.abspath(sys.argv[0])] + sys.argv[1:]
    try:
        return subprocess.run(cmd, env=env, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        print("FAIL: driver exceeded %d s" % timeout)
        return 1


def free_port():
    """A port free on 127.0.0.1 for both UDP and TCP, and on 0.0.0.0 for UDP (sipp's control
    socket binds there), at the time of asking."""
    for _ in range(100):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("0.0.0.0", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind((LOCAL, port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port")


def status_of(msg):
    return msg.status if msg is not None else None


def die(text):
    print(text, file=sys.stderr)
    sys.exit(1)
