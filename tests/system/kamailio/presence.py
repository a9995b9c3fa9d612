"""Kamailio 5.6 as pinana's presence server: what it does with PUBLISH / SUBSCRIBE / NOTIFY for
the events presence, dialog and message-summary, in both storage modes of
contrib/kamailio/pinana-presence.cfg (MEMORY and POSTGRES), started by contrib/kamailio/run.sh.

Every check asserts what Kamailio actually does. Where that differs from pinana's hub
(docs/formats/*.md) the check is named "DIFF ..."; where it is a fault (against the RFCs, or a
trap a client must work around) it is named "FAULT ...": the check asserts the faulty behaviour,
so a Kamailio that fixes it (or a config change that hides it) makes the check fail and the
docs (docs/kamailio.md) get updated. Exit 0 all passed, 1 a failure, 77 skipped (kamailio or its
presence modules not installed).

usage: presence.py [REPO_ROOT]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.abspath(
    os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system", "hub"))

from sipua import UA, Call, Checks, free_port, hard_timeout, pidf, status_of  # noqa: E402

RUN_SH = os.path.join(REPO, "contrib", "kamailio", "run.sh")
MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
PIDF_NS = "{urn:ietf:params:xml:ns:pidf}"
DI_NS = "{urn:ietf:params:xml:ns:dialog-info}"
CLEAN_PERIOD = 1  # the config's expiry sweep, seconds (passed as a define)
DOMAIN = "127.0.0.1"

checks = Checks()


def check(name, ok, detail=""):
    return checks.check(name, ok, detail)


# ---- Kamailio -------------------------------------------------------------------------------


class Kamailio:
    def __init__(self, mode, defines=""):
        self.mode = mode
        self.work = tempfile.mkdtemp(prefix="pinana-kam-%s-" % mode)
        self.port = None
        self.pid = None
        self.defines = defines

    def start(self):
        self.port = free_port()
        env = dict(os.environ, KAMAILIO_DEFINES=("CLEAN_PERIOD=%d %s" % (CLEAN_PERIOD,
                                                                         self.defines)).strip(),
                   KAMAILIO_SHM_MB="64")
        t0 = time.monotonic()
        r = subprocess.run(["bash", RUN_SH, "start", self.mode, str(self.port), self.work, "2"],
                           env=env, capture_output=True, text=True, timeout=90)
        if r.returncode != 0:
            raise RuntimeError("run.sh start %s failed (%d):\n%s%s" % (
                self.mode, r.returncode, r.stdout, r.stderr))
        self.pid = int(r.stdout.strip().splitlines()[-1])
        print("kamailio %s on 127.0.0.1:%d, pid %d, started in %.1f s" % (
            self.mode, self.port, self.pid, time.monotonic() - t0), flush=True)

    def restart(self):
        r = subprocess.run(["bash", RUN_SH, "restart", self.work], capture_output=True,
                           text=True, timeout=90)
        if r.returncode != 0:
            raise RuntimeError("run.sh restart failed:\n%s%s" % (r.stdout, r.stderr))
        self.pid = int(r.stdout.strip().splitlines()[-1])

    def stop(self):
        subprocess.run(["bash", RUN_SH, "stop", self.work], capture_output=True, timeout=90)

    def log(self):
        try:
            with open(os.path.join(self.work, "kamailio.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)


# ---- SIP helpers ----------------------------------------------------------------------------

CTYPE = {"presence": "application/pidf+xml", "dialog": "application/dialog-info+xml",
         "message-summary": "application/simple-message-summary"}


class Publication:
    """One publication thread (RFC 3903): its Call-ID and current ETag."""

    def __init__(self, ua, aor, event):
        self.ua, self.aor, self.event = ua, aor, event
        self.call = Call(ua, aor)
        self.etag = None

    def send(self, body=None, expires=60, if_match=None, use_etag=True):
        headers = [("Event", self.event), ("Expires", str(expires))]
        match = if_match if if_match is not None else (self.etag if use_etag else None)
        if match:
            headers.append(("SIP-If-Match", match))
        if body is None:
            r = self.ua.request("PUBLISH", self.call, headers=headers)
        else:
            r = self.ua.request("PUBLISH", self.call, headers=headers, body=body,
                                content_type=CTYPE[self.event])
        if r is not None and r.status == 200 and r.get("SIP-ETag"):
            self.etag = r.get("SIP-ETag")
        return r


class Watcher:
    def __init__(self, port, name, aor, event):
        self.ua = UA("UDP", port, name)
        self.aor, self.event = aor, event
        self.call = Call(self.ua, aor)
        self.notifies = []

    def subscribe(self, expires=60):
        headers = [("Event", self.event), ("Expires", str(expires)),
                   ("Accept", CTYPE[self.event])]
        if self.call.to_tag:  # in-dialog: refresh or un-SUBSCRIBE
            return self.ua.request("SUBSCRIBE", self.call, ruri=self.remote_target,
                                   headers=headers)
        r = self.ua.request("SUBSCRIBE", self.call, headers=headers)
        if r is not None:
            m = re.search(r"<([^>]+)>", r.get("Contact", "") or "")
            self.remote_target = m.group(1) if m else self.aor
        return r

    def notify(self, timeout=5.0, predicate=None):
        """The next NOTIFY (answered 200) for which predicate(msg) holds; NOTIFYs before it are
        answered and kept in self.notifies. None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            n = self.ua.wait_request("NOTIFY", timeout=left)
            if n is None:
                return None
            self.ua.reply(n, 200)
            self.notifies.append(n)
            if predicate is None or predicate(n):
                return n

    def quiet(self, seconds):
        """NOTIFYs that arrive within `seconds` (answered)."""
        got = []
        for n in self.ua.drain(seconds):
            if n.method == "NOTIFY":
                self.ua.reply(n, 200)
                got.append(n)
        return got

    def close(self):
        self.ua.close()


def tuples(msg):
    """{tuple id: basic} of a PIDF NOTIFY body ({} for an empty body, None if unparsable)."""
    if msg is None:
        return None
    if not msg.body.strip():
        return {}
    try:
        root = ET.fromstring(msg.body)
    except ET.ParseError:
        return None
    out = {}
    for t in root.iter(PIDF_NS + "tuple"):
        b = t.find("%sstatus/%sbasic" % (PIDF_NS, PIDF_NS))
        out[t.get("id")] = b.text.strip() if b is not None and b.text else None
    return out


def dialogs(msg):
    """({dialog id: state}, version) of a dialog-info NOTIFY body; ({}, None) when empty."""
    if msg is None:
        return None, None
    if not msg.body.strip():
        return {}, None
    try:
        root = ET.fromstring(msg.body)
    except ET.ParseError:
        return None, None
    out = {}
    for d in root.iter(DI_NS + "dialog"):
        s = d.find(DI_NS + "state")
        out[d.get("id")] = s.text.strip() if s is not None and s.text else None
    return out, root.get("version")


def dialog_info(entity, dialog_id, state, version=0):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="%d" state="full" '
            'entity="%s">\n <dialog id="%s" direction="recipient"><state>%s</state></dialog>\n'
            '</dialog-info>\n' % (version, entity, dialog_id, state))


def mwi(waiting, new, old):
    return "Messages-Waiting: %s\r\nMessage-Account: sip:vm@%s\r\nVoice-Message: %d/%d\r\n" % (
        waiting, DOMAIN, new, old)


def settle(k):
    """POSTGRES mode: Kamailio answers a PUBLISH before another worker can read what it wrote
    (scenario_race measures it); checks that are not about that race wait this long first."""
    if k.mode == "postgres":
        time.sleep(0.5)


def sub_state(msg):
    return (msg.get("Subscription-State", "") or "").split(";")[0].strip() if msg else None


# ---- scenarios ------------------------------------------------------------------------------


def scenario_basics(k, tag):
    ua = UA("UDP", k.port, "basics")
    try:
        r = ua.request("OPTIONS", Call(ua, "sip:%s:%d" % (DOMAIN, k.port)))
        check("%s OPTIONS answered 200" % tag, status_of(r) == 200, status_of(r))
        r = ua.request("MESSAGE", Call(ua, "sip:x@%s" % DOMAIN), body="hi",
                       content_type="text/plain")
        check("%s MESSAGE answered 405 with Allow" % tag,
              status_of(r) == 405 and "PUBLISH" in (r.get("Allow") or ""), r)
        # an event package the config does not serve
        c = Call(ua, "sip:x@%s" % DOMAIN)
        r = ua.request("SUBSCRIBE", c, headers=[("Event", "asterisk-devicestate"),
                                                ("Expires", "60")])
        check("%s SUBSCRIBE to an unknown event package answered 489" % tag,
              status_of(r) == 489, status_of(r))
        # a watcher whose Contact is not loopback (the config refuses it: NOTIFYs stay local)
        c = Call(ua, "sip:x@%s" % DOMAIN)
        data, _ = ua.build("SUBSCRIBE", c, headers=[("Event", "presence"), ("Expires", "60")])
        data = data.replace(("Contact: <sip:basics@127.0.0.1:%d>" % ua.port).encode(),
                            b"Contact: <sip:basics@198.51.100.7:5060>")
        ua.send_bytes(data)
        resp = None
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and resp is None:
            m = ua._recv_one(0.5)
            if m is not None and not m.is_request and m.cseq_method() == "SUBSCRIBE":
                resp = m
        check("%s SUBSCRIBE with a non-loopback Contact refused 403" % tag,
              status_of(resp) == 403, status_of(resp))
    finally:
        ua.close()


def scenario_presence(k, tag):
    aor = "sip:dev-lamp@%s" % DOMAIN
    pa, pb = UA("UDP", k.port, "node-a"), UA("UDP", k.port, "node-b")
    w = Watcher(k.port, "watcher", aor, "presence")
    try:
        a = Publication(pa, aor, "presence")
        r = a.send(pidf(aor, "open", "eid-a"))
        check("%s presence: PUBLISH 200 with SIP-ETag and Expires" % tag,
              status_of(r) == 200 and r.get("SIP-ETag") and r.get("Expires") == "60", r)

        r = w.subscribe()
        check("%s presence: SUBSCRIBE 200 (RFC 6665), Expires echoed" % tag,
              status_of(r) == 200 and r.get("Expires") == "60", r)
        n = w.notify()
        check("%s presence: first NOTIFY active with the published tuple" % tag,
              sub_state(n) == "active" and tuples(n) == {"eid-a": "open"}, n)
        check("%s presence: NOTIFY Content-Type pidf+xml" % tag,
              n is not None and n.get("Content-Type") == "application/pidf+xml",
              n and n.get("Content-Type"))

        b = Publication(pb, aor, "presence")
        r = b.send(pidf(aor, "closed", "eid-b"))
        check("%s presence: second publisher 200" % tag, status_of(r) == 200, r)
        # Kamailio may first send one more NOTIFY of the old state (seen once in asan runs: CSeq 3
        # with only eid-a); the check is on the one that carries the second publisher's tuple.
        n = w.notify(predicate=lambda m: "eid-b" in (tuples(m) or {}))
        check("%s presence: NOTIFY composes both publishers' tuples" % tag,
              tuples(n) == {"eid-a": "open", "eid-b": "closed"}, n)
        # DIFF: the hub declares namespaces once on the root; Kamailio copies each tuple and
        # repeats the PIDF namespace on every tuple after the first (valid XML, same infoset).
        check("DIFF %s presence: tuples after the first carry their own xmlns" % tag,
              n is not None and re.search(rb'<tuple xmlns="urn:ietf:params:xml:ns:pidf"',
                                          n.body) is not None, n)

        # modify (SIP-If-Match + body): a fresh ETag, the new state in the NOTIFY
        old = a.etag
        r = a.send(pidf(aor, "closed", "eid-a"))
        check("%s presence: modify 200 with a fresh ETag" % tag,
              status_of(r) == 200 and a.etag and a.etag != old, r)
        n = w.notify()
        check("%s presence: NOTIFY after the modify" % tag,
              tuples(n) == {"eid-a": "closed", "eid-b": "closed"}, n)

        # refresh with the full body (what the pinana node does): state unchanged
        old = a.etag
        r = a.send(pidf(aor, "closed", "eid-a"))
        check("%s presence: full-body refresh 200, fresh ETag" % tag,
              status_of(r) == 200 and a.etag != old, r)
        n = w.notify(timeout=2)
        # DIFF: Kamailio sends a NOTIFY for every PUBLISH, also when nothing changed.
        check("DIFF %s presence: a NOTIFY even for an unchanged refresh" % tag,
              n is not None and tuples(n) == {"eid-a": "closed", "eid-b": "closed"}, n)

        # FAULT: an unknown SIP-If-Match for a presentity that has other publications gets
        # 500, not 412 (RFC 3903 §6); for a presentity with none it is 412 (restart scenario)
        stray = Publication(pa, aor, "presence")
        r = stray.send(pidf(aor, "open", "eid-x"), if_match="no-such-etag")
        check("FAULT %s presence: unknown SIP-If-Match (other publications exist) answered 500" % tag,
              status_of(r) == 500, status_of(r))
        check("%s presence: ... and no NOTIFY for it" % tag, not w.quiet(0.5))

        # a retransmitted initial PUBLISH (same branch) is absorbed (the config's t_newtran)
        c = Publication(pb, aor, "presence")
        data, _ = pb.build("PUBLISH", c.call, headers=[("Event", "presence"), ("Expires", "60")],
                           body=pidf(aor, "open", "eid-c"), content_type=CTYPE["presence"])
        etags = retransmitted_etags(pb, data)
        check("%s presence: a retransmitted PUBLISH gets the same reply (one publication)" % tag,
              len(etags) == 2 and etags[0] == etags[1] and etags[0], etags)
        c.etag = etags[0] if etags else None
        n = w.notify(predicate=lambda m: "eid-c" in (tuples(m) or {}))
        check("%s presence: third tuple composed" % tag,
              tuples(n) == {"eid-a": "closed", "eid-b": "closed", "eid-c": "open"}, n)
        w.quiet(0.3)

        # unpublish (Expires: 0)
        r = c.send(expires=0)
        check("%s presence: unpublish 200" % tag, status_of(r) == 200, r)
        n = w.notify()
        # FAULT (usually): the NOTIFY that an unpublish triggers still carries the removed
        # publication's tuple, reduced to <basic>closed</basic> (presence_xml's "offline" body);
        # watchers keep it until the presentity's next change. A new watcher sees it gone.
        got = tuples(n)
        check("%s presence: NOTIFY after the unpublish: the removed tuple %s" % (
            tag, "shown closed (FAULT: it should be gone)" if got and "eid-c" in got
            else "gone"), got in ({"eid-a": "closed", "eid-b": "closed"},
                                 {"eid-a": "closed", "eid-b": "closed", "eid-c": "closed"}), n)
        settle(k)
        late = Watcher(k.port, "late", aor, "presence")
        late.subscribe()
        ln = late.notify()
        check("%s presence: a new watcher after the unpublish: the tuple is gone" % tag,
              tuples(ln) == {"eid-a": "closed", "eid-b": "closed"}, ln)
        late.subscribe(expires=0)
        late.notify(timeout=2)
        late.close()

        # a publication that expires: the watcher's NOTIFY drops it
        d = Publication(pb, aor, "presence")
        r = d.send(pidf(aor, "open", "eid-short"), expires=2)
        check("%s presence: short publication 200, Expires 2" % tag,
              status_of(r) == 200 and r.get("Expires") == "2", r)
        n = w.notify(predicate=lambda m: "eid-short" in (tuples(m) or {}))
        check("%s presence: short publication composed" % tag, n is not None)
        t0 = time.monotonic()
        n = w.notify(timeout=2 + CLEAN_PERIOD + 5,
                     predicate=lambda m: "eid-short" not in (tuples(m) or {"eid-short": 1}))
        lag = time.monotonic() - t0
        check("%s presence: expired publication dropped from the NOTIFY (after %.1f s)"
              % (tag, lag), tuples(n) == {"eid-a": "closed", "eid-b": "closed"}, n)
        check("%s presence: expiry within Expires + the sweep period (+1 s)" % tag,
              lag <= 2 + CLEAN_PERIOD + 1.5, lag)

        # un-SUBSCRIBE: final NOTIFY terminated
        r = w.subscribe(expires=0)
        check("%s presence: un-SUBSCRIBE 200" % tag, status_of(r) == 200, r)
        n = w.notify()
        check("%s presence: final NOTIFY terminated" % tag, sub_state(n) == "terminated", n)
        for p in (a, b):
            p.send(expires=0)
    finally:
        for u in (pa, pb):
            u.close()
        w.close()


def retransmitted_etags(ua, data):
    """Sends the same request bytes twice, 0.2 s apart; the SIP-ETags of the replies."""
    ua.send_bytes(data)
    time.sleep(0.2)
    ua.send_bytes(data)
    etags = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and len(etags) < 2:
        m = ua._recv_one(0.5)
        if m is not None and not m.is_request and m.cseq_method() == "PUBLISH":
            etags.append(m.get("SIP-ETag"))
        elif m is not None and m.is_request:
            ua.inbox.append(m)
    return etags


def scenario_bodyless_refresh(k, tag):
    """The body-less refresh trap (issue 5): in MEMORY mode the refreshed publication loses its
    body, and with it every other publication's tuples vanish from the NOTIFYs."""
    aor = "sip:dev-refresh@%s" % DOMAIN
    pa, pb = UA("UDP", k.port, "node-a"), UA("UDP", k.port, "node-b")
    w = Watcher(k.port, "watcher", aor, "presence")
    late = None
    try:
        a, b = Publication(pa, aor, "presence"), Publication(pb, aor, "presence")
        a.send(pidf(aor, "open", "eid-a"))
        b.send(pidf(aor, "closed", "eid-b"))
        settle(k)
        w.subscribe()
        n = w.notify()
        check("%s refresh: both tuples before the refresh" % tag,
              tuples(n) == {"eid-a": "open", "eid-b": "closed"}, n)
        old = a.etag
        r = a.send(body=None)  # RFC 3903 refresh: SIP-If-Match, no body
        check("%s refresh: body-less refresh 200, fresh ETag" % tag,
              status_of(r) == 200 and a.etag != old, r)
        n = w.notify(timeout=3)
        settle(k)
        late = Watcher(k.port, "late", aor, "presence")
        late.subscribe()
        ln = late.notify()
        if k.mode == "memory":
            check("FAULT %s refresh: the NOTIFY after a body-less refresh is empty "
                  "(every tuple gone, not only the refreshed one)" % tag,
                  n is not None and tuples(n) == {}, n)
            check("FAULT %s refresh: a watcher subscribing afterwards gets an empty NOTIFY"
                  % tag, ln is not None and tuples(ln) == {}, ln)
            # the client-side fix: refresh with the full body restores the state
            r = a.send(pidf(aor, "open", "eid-a"))
            n = late.notify()
            check("%s refresh: a full-body modify after it restores both tuples" % tag,
                  tuples(n) == {"eid-a": "open", "eid-b": "closed"}, n)
        else:
            check("%s refresh: NOTIFY after a body-less refresh keeps both tuples" % tag,
                  tuples(n) == {"eid-a": "open", "eid-b": "closed"}, n)
            check("%s refresh: a watcher subscribing afterwards gets both tuples" % tag,
                  tuples(ln) == {"eid-a": "open", "eid-b": "closed"}, ln)
        for p in (a, b):
            p.send(expires=0)
    finally:
        for u in (pa, pb):
            u.close()
        w.close()
        if late:
            late.close()


def scenario_dialog(k, tag):
    aor = "sip:1001@%s" % DOMAIN
    pa, pb = UA("UDP", k.port, "node-a"), UA("UDP", k.port, "node-b")
    w = Watcher(k.port, "phone", aor, "dialog")
    try:
        a = Publication(pa, aor, "dialog")
        r = a.send(dialog_info(aor, "d-a", "early"))
        check("%s dialog: PUBLISH 200 + ETag" % tag,
              status_of(r) == 200 and r.get("SIP-ETag"), r)
        r = w.subscribe()
        check("%s dialog: SUBSCRIBE 200" % tag, status_of(r) == 200, r)
        n = w.notify()
        ds, v0 = dialogs(n)
        check("%s dialog: first NOTIFY carries the dialog" % tag, ds == {"d-a": "early"}, n)
        check("%s dialog: NOTIFY Content-Type dialog-info+xml" % tag,
              n is not None and n.get("Content-Type") == "application/dialog-info+xml",
              n and n.get("Content-Type"))
        b = Publication(pb, aor, "dialog")
        b.send(dialog_info(aor, "d-b", "confirmed"))
        n = w.notify()
        ds, v1 = dialogs(n)
        check("%s dialog: NOTIFY aggregates both publishers' dialogs" % tag,
              ds == {"d-a": "early", "d-b": "confirmed"}, n)
        check("%s dialog: version increases per NOTIFY" % tag,
              v0 is not None and v1 is not None and int(v1) > int(v0), (v0, v1))
        a.send(dialog_info(aor, "d-a", "confirmed"))
        n = w.notify()
        check("%s dialog: modify shows in the NOTIFY" % tag,
              dialogs(n)[0] == {"d-a": "confirmed", "d-b": "confirmed"}, n)
        r = a.send(expires=0)
        check("%s dialog: unpublish 200" % tag, status_of(r) == 200, r)
        n = w.notify()
        # FAULT: the NOTIFY that an unpublish triggers still carries the removed publication's
        # dialogs, unchanged; watchers keep them until the presentity's next change.
        check("FAULT %s dialog: NOTIFY after the unpublish still has the removed dialog" % tag,
              dialogs(n)[0] == {"d-a": "confirmed", "d-b": "confirmed"}, n)
        settle(k)
        late = Watcher(k.port, "late", aor, "dialog")
        late.subscribe()
        ln = late.notify()
        check("%s dialog: a new watcher after the unpublish: the dialog is gone" % tag,
              dialogs(ln)[0] == {"d-b": "confirmed"}, ln)
        b.send(dialog_info(aor, "d-b", "terminated"))
        n = w.notify()
        check("%s dialog: the next change drops the removed dialog" % tag,
              dialogs(n)[0] == {"d-b": "terminated"}, n)
        r = b.send(expires=0)
        n = w.notify()
        check("FAULT %s dialog: last unpublish: its NOTIFY still has the dialog" % tag,
              n is not None and dialogs(n)[0] == {"d-b": "terminated"}, n)
        late.subscribe(expires=0)
        late.notify(timeout=2)
        late.close()
        settle(k)
        late = Watcher(k.port, "late2", aor, "dialog")
        late.subscribe()
        ln = late.notify()
        # DIFF: the hub sends a dialog-info without dialogs; Kamailio (force_dummy_dialog=0)
        # sends a NOTIFY with no body at all.
        check("DIFF %s dialog: no publication left: a NOTIFY without a body" % tag,
              ln is not None and not ln.body.strip(), ln)
        late.subscribe(expires=0)
        late.notify(timeout=2)
        late.close()
        w.subscribe(expires=0)
        w.notify(timeout=2)
    finally:
        for u in (pa, pb):
            u.close()
        w.close()


def scenario_mwi(k, tag):
    aor = "sip:mbox-1234@%s" % DOMAIN
    pa, pb = UA("UDP", k.port, "vm-a"), UA("UDP", k.port, "vm-b")
    w = Watcher(k.port, "phone", aor, "message-summary")
    try:
        a = Publication(pa, aor, "message-summary")
        r = a.send(mwi("yes", 2, 8))
        check("%s mwi: PUBLISH 200 + ETag" % tag, status_of(r) == 200 and r.get("SIP-ETag"), r)
        r = w.subscribe()
        check("%s mwi: SUBSCRIBE 200" % tag, status_of(r) == 200, r)
        n = w.notify()
        check("%s mwi: first NOTIFY carries the summary as published" % tag,
              n is not None and b"Messages-Waiting: yes" in n.body
              and b"Voice-Message: 2/8" in n.body, n)
        check("%s mwi: Content-Type simple-message-summary" % tag,
              n is not None and n.get("Content-Type") == "application/simple-message-summary",
              n and n.get("Content-Type"))
        b = Publication(pb, aor, "message-summary")
        b.send(mwi("no", 0, 3))
        n = w.notify()
        body = n.body if n is not None else b""
        # DIFF: the hub sends the latest accepted summary only; Kamailio's presence_mwi has no
        # aggregation, and presence concatenates every live publication's body? Observe:
        check("DIFF %s mwi: two publications: NOTIFY carries %s" % (
            tag, "both bodies" if body.count(b"Messages-Waiting") == 2 else "one body"),
            n is not None and body.count(b"Messages-Waiting") >= 1, n)
        print("  mwi NOTIFY with two publications:\n    " +
              body.decode(errors="replace").replace("\r\n", "\n    "), flush=True)
        r = a.send(mwi("yes", 5, 8))
        n = w.notify()
        check("%s mwi: modify 200 and NOTIFY" % tag, status_of(r) == 200 and n is not None, n)
        for p in (a, b):
            p.send(expires=0)
        n = w.notify(predicate=lambda m: b"Voice-Message: 0/3" not in m.body
                     and b"5/8" not in m.body)
        check("%s mwi: all unpublished: NOTIFY with no summary" % tag,
              n is not None and b"Voice-Message" not in n.body, n)
        w.subscribe(expires=0)
        w.notify(timeout=2)
    finally:
        for u in (pa, pb):
            u.close()
        w.close()


def scenario_race(k, tag, rounds=20):
    """PUBLISH, and the moment its 200 arrives, SUBSCRIBE from another UA: does the first NOTIFY
    carry the publication? (A read-after-write check across Kamailio's workers.)"""
    stale = missing = 0
    pa = UA("UDP", k.port, "node-a")
    try:
        for i in range(rounds):
            aor = "sip:race-%d@%s" % (i, DOMAIN)
            a = Publication(pa, aor, "presence")
            a.send(pidf(aor, "open", "eid-a"))
            w = Watcher(k.port, "w%d" % i, aor, "presence")
            w.subscribe()
            n = w.notify()
            if n is None:
                missing += 1
            elif tuples(n) != {"eid-a": "open"}:
                stale += 1
            w.subscribe(expires=0)
            w.notify(timeout=1)
            w.close()
            a.send(expires=0)
    finally:
        pa.close()
    print("  %s: %d of %d SUBSCRIBEs right after a PUBLISH's 200 got a NOTIFY without it" % (
        tag, stale, rounds), flush=True)
    if k.mode == "memory":
        check("%s race: a SUBSCRIBE right after a PUBLISH's 200 always sees it" % tag,
              stale == 0, "%d/%d stale" % (stale, rounds))
    # else FAULT (intermittent, so only reported above): in POSTGRES mode the 200 can precede the
    # row becoming visible to the other worker. What holds in either mode: every SUBSCRIBE gets
    # its first NOTIFY.
    check("%s race: every SUBSCRIBE right after a PUBLISH's 200 gets its first NOTIFY" % tag,
          missing == 0, "%d/%d without a NOTIFY" % (missing, rounds))


def scenario_reorder(k, tag, rounds=100):
    """The node's start-over of a `dialog` publication (fault 7's work-around): unpublish, and the
    moment its 200 arrives a new publication. Kamailio answers the unpublish before it builds its
    NOTIFY, so another worker can send the new publication's NOTIFY first: the watcher gets CSeq
    N+1 (early) before N (the removed, terminated dialog). An RFC 3261 §12.2.2 UA refuses the late
    one with 500; the check asserts that the subscription survives such a 500."""
    aor = "sip:reorder@%s" % DOMAIN
    pa = UA("UDP", k.port, "node-a")
    w = Watcher(k.port, "phone", aor, "dialog")
    late = 0
    seen = set()  # CSeqs already received: a retransmission is not a reordering
    try:
        a = Publication(pa, aor, "dialog")
        a.send(dialog_info(aor, "2000", "terminated"))
        w.subscribe()
        w.notify()
        for _ in range(rounds):
            a.send(expires=0)
            a = Publication(pa, aor, "dialog")
            a.send(dialog_info(aor, "2000", "early"))
            a.send(dialog_info(aor, "2000", "terminated"))
            for n in w.quiet(0.03):
                cseq = int(n.get("CSeq").split()[0])
                if cseq not in seen:
                    late += 1 if seen and cseq < max(seen) else 0
                    seen.add(cseq)
        print("  %s: %d of %d start-overs delivered a NOTIFY after a newer one" % (
            tag, late, rounds), flush=True)
        # FAULT (intermittent, so only reported above): NOTIFYs out of CSeq order. What is
        # asserted is below: the subscription survives the 500s a phone answers them with.
        w.quiet(0.3)
        a.send(expires=0)  # a terminated dialog cannot be modified (fault 7): start over
        w.quiet(0.3)
        a = Publication(pa, aor, "dialog")
        a.send(dialog_info(aor, "2000", "early"))
        n = w.ua.wait_request("NOTIFY", timeout=5)
        if n is not None:
            w.ua.reply(n, 500, "Out of order")
        a.send(dialog_info(aor, "2000", "confirmed"))
        n2 = w.notify(timeout=5, predicate=lambda m: dialogs(m)[0] == {"2000": "confirmed"})
        check("%s reorder: a 500 to a NOTIFY leaves the subscription (the next one comes)" % tag,
              n is not None and n2 is not None, (n, n2))
        w.subscribe(expires=0)
        w.notify(timeout=2)
        a.send(expires=0)
    finally:
        pa.close()
        w.close()


def scenario_restart(k, tag):
    """A presence-server restart: what a watcher and a publisher find afterwards."""
    aor = "sip:dev-restart@%s" % DOMAIN
    pa = UA("UDP", k.port, "node-a")
    w = Watcher(k.port, "watcher", aor, "presence")
    try:
        a = Publication(pa, aor, "presence")
        a.send(pidf(aor, "open", "eid-a"))
        w.subscribe()
        w.notify()
        k.restart()
        r = a.send(pidf(aor, "closed", "eid-a"))
        if k.mode == "memory":
            check("%s restart: modify after a restart: 412 (the publication is gone)" % tag,
                  status_of(r) == 412, status_of(r))
            r = w.subscribe()
            check("%s restart: in-dialog re-SUBSCRIBE after a restart: 481" % tag,
                  status_of(r) == 481, status_of(r))
        else:
            check("%s restart: modify after a restart: 200 (publication kept in PostgreSQL)"
                  % tag, status_of(r) == 200, status_of(r))
            n = w.notify()
            check("%s restart: the subscription survived: NOTIFY with the new state" % tag,
                  tuples(n) == {"eid-a": "closed"}, n)
            r = w.subscribe()
            check("%s restart: in-dialog re-SUBSCRIBE after a restart: 200" % tag,
                  status_of(r) == 200, status_of(r))
            w.notify(timeout=2)
            a.send(expires=0)
    finally:
        pa.close()
        w.close()


def scenario_stateless(tag):
    """Without the config's t_newtran (define STATELESS, Kamailio's stock way), a retransmitted
    initial PUBLISH creates a second publication."""
    k = Kamailio("memory", defines="STATELESS")
    try:
        k.start()
        ua = UA("UDP", k.port, "node-a")
        aor = "sip:dev-retrans@%s" % DOMAIN
        c = Call(ua, aor)
        data, _ = ua.build("PUBLISH", c, headers=[("Event", "presence"), ("Expires", "60")],
                           body=pidf(aor, "open", "eid-a"), content_type=CTYPE["presence"])
        etags = retransmitted_etags(ua, data)
        check("FAULT %s: a retransmitted PUBLISH becomes a second publication (two ETags)"
              % tag, len(etags) == 2 and etags[0] != etags[1], etags)
        ua.close()
    finally:
        k.cleanup()


def main():
    if shutil.which("kamailio") is None or not os.path.exists(
            os.path.join(MODULES, "presence_xml.so")):
        print("SKIP: kamailio and kamailio-presence-modules are not installed")
        return 77
    hard_timeout(240)
    modes = sys.argv[2:] or ["memory", "postgres"]
    for mode in modes:
        k = Kamailio(mode)
        try:
            try:
                k.start()
            except Exception as e:  # noqa: BLE001
                check("%s: run.sh start" % mode, False, e)
                continue
            scenario_basics(k, mode)
            scenario_presence(k, mode)
            scenario_bodyless_refresh(k, mode)
            scenario_dialog(k, mode)
            scenario_mwi(k, mode)
            scenario_race(k, mode)
            scenario_reorder(k, mode)
            scenario_restart(k, mode)
            errors = [ln for ln in k.log().splitlines() if " CRITICAL:" in ln]
            check("%s: no CRITICAL in Kamailio's log" % mode, not errors, errors[:3])
        finally:
            k.cleanup()
    if "memory" in modes:
        scenario_stateless("memory stateless")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
