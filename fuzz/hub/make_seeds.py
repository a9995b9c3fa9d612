#!/usr/bin/env python3
"""Writes the seed corpus of hub_request_fuzz into fuzz/hub/corpus/hub_request/.

Each seed is a script in the format described at the top of hub_request_fuzz.cc: records joined
by four NUL bytes, each a control byte followed by its payload. "$T" / "$E" in a request stand for
the newest To-tag / SIP-ETag the hub handed out, so seeds can refresh, modify and end what they
created. Run it after changing the format; commit the files it writes.

    python3 fuzz/hub/make_seeds.py
"""
import itertools
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "hub_request"
SEP = b"\0\0\0\0"

# Sources (control byte & 7).
A_UDP, A_TCP, B_UDP, B_TCP = 0, 1, 2, 3
FLOW = {A_UDP: ("UDP", "127.0.0.1", 5070), A_TCP: ("TCP", "127.0.0.1", 5071),
        B_UDP: ("UDP", "[::1]", 5080), B_TCP: ("TCP", "[::1]", 5081)}
STATUS = {200: 0, 481: 1, 408: 2, 500: 3, 0: 4, 100: 5, 202: 6, 603: 7}
STEPS_MS = [0, 1, 499, 500, 1000, 2000, 4000, 4999, 5000, 8000, 16000, 31999, 32000, 32001,
            60000, 120000, 300000, 600000, 900000, 1200000, 1800000, 2700000, 3594000, 3595000,
            3599000, 3600000, 3600001, 3601000, 3605000, 5400000, 7200000, 86400000]
HUB_CONTACT = "sip:hub@127.0.0.1:5060"

_branch = itertools.count(1)


def request(method, uri, flow, headers, body=b"", content_type=None):
    transport, host, port = FLOW[flow]
    lines = [f"{method} {uri} SIP/2.0",
             f"Via: SIP/2.0/{transport} {host}:{port};rport;branch=z9hG4bKseed{next(_branch)}",
             "Max-Forwards: 70"]
    lines += [f"{n}: {v}" for n, v in headers]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send(flow, message, retransmit=False):
    return bytes([flow | (8 if retransmit else 0)]) + message


def clock(ms):
    return bytes([4 | (STEPS_MS.index(ms) << 3)])


def answer(status=200):
    return bytes([5 | (STATUS[status] << 3)])


def answer_all(status=200):
    return bytes([7 | (STATUS[status] << 3)])


def response(text, retarget):
    return bytes([6 | (8 if retarget else 0)]) + text.encode()


SHUTDOWN = bytes([7 | (31 << 3)])


class Publisher:
    """One PUBLISH lineage of one resource and package."""

    def __init__(self, flow, user, event, content_type, tag):
        self.flow, self.event, self.type, self.tag = flow, event, content_type, tag
        self.uri = f"sip:{user}@example.com"
        self.cseq = 0

    def publish(self, body=b"", etag=None, expires=None, content_type=None, event=None):
        self.cseq += 1
        h = [("From", f"<{self.uri}>;tag={self.tag}"), ("To", f"<{self.uri}>"),
             ("Call-ID", f"pub-{self.tag}@127.0.0.1"), ("CSeq", f"{self.cseq} PUBLISH"),
             ("Event", event or self.event)]
        if etag:
            h.append(("SIP-If-Match", etag))
        if expires is not None:
            h.append(("Expires", str(expires)))
        ctype = (content_type or self.type) if body else None
        return send(self.flow, request("PUBLISH", self.uri, self.flow, h, body, ctype))


class Watcher:
    """One subscriber's dialog; after the 200 its To-tag is "$T" (the newest one)."""

    def __init__(self, flow, user, event, tag, resource="alice", accept=None):
        self.flow, self.event, self.tag, self.accept = flow, event, tag, accept
        self.uri = f"sip:{user}@example.com"
        self.resource = f"sip:{resource}@example.com"
        transport, host, port = FLOW[flow]
        self.contact = f"<sip:{user}@{host}:{port};transport={transport.lower()}>"
        self.cseq = 0

    def subscribe(self, expires=None, to_tag=None, extra=(), uri=None, cseq=None, contact=True):
        self.cseq = cseq if cseq is not None else self.cseq + 1
        to = f"<{self.resource}>" + (f";tag={to_tag}" if to_tag else "")
        h = [("From", f"<{self.uri}>;tag={self.tag}"), ("To", to),
             ("Call-ID", f"sub-{self.tag}@127.0.0.1"), ("CSeq", f"{self.cseq} SUBSCRIBE"),
             ("Event", self.event)]
        if contact:
            h.append(("Contact", self.contact))
        if self.accept:
            h.append(("Accept", self.accept))
        if expires is not None:
            h.append(("Expires", str(expires)))
        h += list(extra)
        target = uri or (HUB_CONTACT if to_tag else self.resource)
        return send(self.flow, request("SUBSCRIBE", target, self.flow, h))


def pidf(entity, basic, note=""):
    n = f"<note>{note}</note>" if note else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf"'
            f' entity="{entity}"><tuple id="t1"><status><basic>{basic}</basic></status>'
            f"<contact>sip:alice@127.0.0.1:5070</contact></tuple>{n}</presence>\n").encode()


def dialog_info(entity, version, state):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:'
            f'dialog-info" version="{version}" state="full" entity="{entity}">'
            f'<dialog id="d1" direction="recipient"><remote><identity>sip:bob@example.com'
            f'</identity></remote><state>{state}</state></dialog></dialog-info>\n').encode()


def summary(new, old):
    return (f"Messages-Waiting: {'yes' if new else 'no'}\r\nMessage-Account: sip:alice@example.com"
            f"\r\nVoice-Message: {new}/{old} (0/0)\r\n").encode()


def devstate(device, state, eid="00:11:22:33:44:55"):
    return (f'{{"type":"devicestate","device":"{device}","state":"{state}","cachable":1,'
            f'"eid":"{eid}"}}').encode()


def mwi(uniqueid, new, old, eid="00:11:22:33:44:55"):
    return (f'{{"type":"mailboxstate","uniqueid":"{uniqueid}","old":{old},"new":{new},'
            f'"eid":"{eid}"}}').encode()


def lifecycle(flow_pub, flow_sub, event, ctype, body1, body2):
    """PUBLISH, SUBSCRIBE, modify, refresh both, remove, unsubscribe; every NOTIFY answered."""
    p = Publisher(flow_pub, "alice", event, ctype, "p1")
    w = Watcher(flow_sub, "bob", event, "w1")
    return [p.publish(body1, expires=3600), w.subscribe(expires=600), answer(),
            p.publish(body2, etag="$E"), answer(), p.publish(etag="$E", expires=1800),
            w.subscribe(expires=600, to_tag="$T"), answer(), p.publish(etag="$E", expires=0),
            answer(), w.subscribe(expires=0, to_tag="$T"), answer()]


def seeds():
    alice = "sip:alice@example.com"
    s = {}
    s["presence-lifecycle"] = lifecycle(A_UDP, B_UDP, "presence", "application/pidf+xml",
                                        pidf(alice, "open", "Available"), pidf(alice, "closed"))
    s["dialog-lifecycle-tcp"] = lifecycle(A_TCP, B_TCP, "dialog", "application/dialog-info+xml",
                                          dialog_info(alice, 1, "early"),
                                          dialog_info(alice, 2, "confirmed"))
    s["message-summary-lifecycle"] = lifecycle(A_UDP, B_TCP, "message-summary",
                                               "application/simple-message-summary",
                                               summary(2, 8), summary(0, 10))
    s["devicestate-lifecycle"] = lifecycle(A_TCP, B_UDP, "asterisk-devicestate",
                                           "application/json", devstate("PJSIP/alice", "INUSE"),
                                           devstate("PJSIP/alice", "NOT_INUSE"))
    s["mwi-lifecycle"] = lifecycle(A_UDP, A_UDP, "asterisk-mwi", "application/json",
                                   mwi("1000@default", 1, 2), mwi("1000@default", 0, 3))

    # Two nodes publishing device states (two EIDs), a refresh request, a watcher seeing deltas.
    n1 = Publisher(A_UDP, "alice", "asterisk-devicestate", "application/json", "n1")
    n2 = Publisher(B_UDP, "alice", "asterisk-devicestate", "application/json", "n2")
    w = Watcher(B_TCP, "carol", "asterisk-devicestate", "w2")
    s["devicestate-two-nodes"] = [
        n1.publish(devstate("PJSIP/alice", "INUSE"), expires=3600), w.subscribe(expires=3600),
        answer(), n2.publish(devstate("PJSIP/bob", "RINGING", "aa:bb:cc:dd:ee:ff"), expires=60),
        n1.publish(b'{"type":"refresh","eid":"00:11:22:33:44:55"}', etag="$E1"), answer(),
        answer(), clock(60000), answer(), n1.publish(etag="$E", expires=0), answer()]

    # A fetch (Expires 0): 200 and one terminated NOTIFY carrying the state.
    p = Publisher(A_UDP, "alice", "presence", "application/pidf+xml", "p3")
    w = Watcher(B_UDP, "dave", "presence", "w3", accept="application/pidf+xml")
    s["presence-fetch"] = [p.publish(pidf(alice, "open"), expires=120), w.subscribe(expires=0),
                           answer()]

    # Expiry of a subscription (final NOTIFY) and of a publication with a watcher.
    p = Publisher(A_UDP, "alice", "dialog", "application/dialog-info+xml", "p4")
    w = Watcher(A_TCP, "erin", "dialog", "w4")
    s["dialog-expiry"] = [p.publish(dialog_info(alice, 1, "trying"), expires=120),
                          w.subscribe(expires=60), answer(), clock(60000), answer(),
                          clock(120000), clock(3600000)]

    # NOTIFY outcomes: 481 and 408 drop the watcher; 500 keeps it (next NOTIFY full); 603 too.
    p = Publisher(A_UDP, "alice", "presence", "application/pidf+xml", "p5")
    ws = [Watcher(B_UDP, f"w{i}", "presence", f"w5{i}") for i in range(4)]
    s["notify-failures"] = [p.publish(pidf(alice, "open"))] + [x.subscribe() for x in ws] + [
        answer(481), answer(408), answer(500), answer(603), p.publish(pidf(alice, "closed"),
                                                                      etag="$E"),
        answer_all(200)]

    # No answer: Timer F ends the NOTIFY transaction (UDP with retransmissions, and TCP).
    w1 = Watcher(B_UDP, "frank", "message-summary", "w6")
    w2 = Watcher(B_TCP, "grace", "message-summary", "w7")
    s["notify-timeout"] = [w1.subscribe(expires=300), w2.subscribe(expires=300), answer(0),
                           answer(0), clock(500), clock(1000), clock(2000), clock(4000),
                           clock(32000), clock(32000)]

    # Retransmissions are absorbed; a merged request (same From tag, Call-ID, CSeq, new branch)
    # gets 482.
    p = Publisher(A_UDP, "alice", "presence", "application/pidf+xml", "p8")
    w = Watcher(B_UDP, "heidi", "presence", "w8")
    sub = w.subscribe(expires=300)
    w.cseq -= 1
    s["retransmit-and-merge"] = [
        send(A_UDP, p.publish(pidf(alice, "open"))[1:], retransmit=True),
        send(B_UDP, sub[1:], retransmit=True), w.subscribe(expires=300), answer(), clock(32000)]

    # Refusals of PUBLISH and SUBSCRIBE.
    p = Publisher(A_UDP, "alice", "presence", "application/pidf+xml", "p9")
    q = Publisher(A_UDP, "nobody", "presence", "application/pidf+xml", "p10")
    q.uri = "sip:nobody@elsewhere.example.org"
    w = Watcher(B_UDP, "ivan", "presence", "w9")
    w_other = Watcher(B_UDP, "ivan", "presence", "w10", resource="bob")
    w_other.resource = "sip:bob@elsewhere.example.org"
    s["refusals"] = [
        q.publish(pidf(alice, "open")), p.publish(pidf(alice, "open"), event="weather"),
        p.publish(pidf(alice, "open"), expires=1), p.publish(pidf(alice, "open"),
                                                             content_type="text/plain"),
        p.publish(pidf(alice, "open"), etag="nosuchetag"), p.publish(),
        p.publish(b"<presence xmlns='urn:ietf:params:xml:ns:pidf'><tuple>"),
        p.publish(pidf(alice, "open"), expires=0), w_other.subscribe(),
        Watcher(B_UDP, "ivan", "weather", "w11").subscribe(), w.subscribe(expires=1),
        Watcher(B_UDP, "ivan", "presence", "w12", accept="text/plain").subscribe(),
        w.subscribe(contact=False), w.subscribe(to_tag="bogus"), w.subscribe(expires=60),
        answer(), w.subscribe(expires=60, to_tag="$T", cseq=1)]

    # Methods other than PUBLISH/SUBSCRIBE, and §8.2 checks.
    h = [("From", "<sip:judy@example.com>;tag=j1"), ("To", "<sip:alice@example.com>"),
         ("Call-ID", "m1@127.0.0.1")]
    s["methods-and-checks"] = [
        send(A_UDP, request("OPTIONS", alice, A_UDP, h + [("CSeq", "1 OPTIONS")])),
        send(A_UDP, request("INVITE", alice, A_UDP, h + [("CSeq", "2 INVITE")])),
        send(A_UDP, request("ACK", alice, A_UDP, h + [("CSeq", "2 ACK")])),
        send(A_TCP, request("MESSAGE", alice, A_TCP, h + [("CSeq", "3 MESSAGE")], b"hi",
                            "text/plain")),
        send(A_UDP, request("FROBNICATE", alice, A_UDP, h + [("CSeq", "4 FROBNICATE")])),
        send(A_UDP, request("SUBSCRIBE", alice, A_UDP,
                            h + [("CSeq", "5 SUBSCRIBE"), ("Event", "presence"),
                                 ("Require", "foo"), ("Contact", "<sip:judy@127.0.0.1>")])),
        send(A_UDP, request("PUBLISH", "tel:+15551234", A_UDP,
                            h + [("CSeq", "6 PUBLISH"), ("Event", "presence")],
                            pidf(alice, "open"), "application/pidf+xml")),
        send(B_UDP, request("NOTIFY", alice, B_UDP,
                            h + [("CSeq", "7 NOTIFY"), ("Event", "presence"),
                                 ("Subscription-State", "active")]))]

    # Record-Route: a loose route set, and a strict router first.
    w1 = Watcher(B_UDP, "ken", "presence", "w13")
    w2 = Watcher(B_TCP, "lou", "presence", "w14")
    s["record-route"] = [
        w1.subscribe(extra=[("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>")]),
        w2.subscribe(extra=[("Record-Route", "<sip:strict.example.com>"),
                            ("Record-Route", "<sip:p3.example.com;lr>")]),
        answer_all(200), w2.subscribe(expires=0, to_tag="$T"), answer_all(200)]

    # Shutdown: deactivated NOTIFYs, then 503 to everything new.
    p = Publisher(A_UDP, "alice", "dialog", "application/dialog-info+xml", "p15")
    w = Watcher(B_UDP, "mia", "dialog", "w15")
    s["shutdown"] = [p.publish(dialog_info(alice, 1, "confirmed")), w.subscribe(), answer(),
                     SHUTDOWN, answer(), p.publish(dialog_info(alice, 2, "terminated"), etag="$E"),
                     Watcher(B_UDP, "nik", "dialog", "w16").subscribe()]

    # The per-source limit (8 in the model): the ninth subscription from one address gets 503.
    s["source-limit"] = [Watcher(A_UDP, f"s{i}", "asterisk-mwi", f"w2{i}").subscribe()
                         for i in range(9)] + [answer_all(200)]

    # Responses: provisional then final via the retargeted feed; a stray one; 1xx answers.
    w = Watcher(B_UDP, "olga", "presence", "w17")
    w2 = Watcher(B_TCP, "pat", "presence", "w18")
    tmpl = ("SIP/2.0 {code} Whatever\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKzz\r\n"
            "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:olga@example.com>;tag=w17\r\n"
            "Call-ID: x@y\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n")
    s["notify-responses"] = [w.subscribe(), response(tmpl.format(code=180), True),
                             response(tmpl.format(code=200), True),
                             response(tmpl.format(code=200), False), w2.subscribe(), answer(100),
                             answer_all(202), w.subscribe(to_tag="$T1", expires=0),
                             answer_all(100), answer_all(200)]
    # Regression: a To "tag" parameter without a value (accepted by the parser, read as no tag;
    # the 200 and the NOTIFYs then carry ";tag;tag=X").
    h = [("From", "<sip:quinn@example.com>;tag=w19"), ("To", "<sip:alice@example.com>;tag"),
         ("Call-ID", "sub-w19@127.0.0.1"), ("CSeq", "1 SUBSCRIBE"), ("Event", "presence"),
         ("Contact", "<sip:quinn@127.0.0.1:5070>")]
    s["regress-to-valueless-tag"] = [send(A_UDP, request("SUBSCRIBE", alice, A_UDP, h)), answer()]

    # Regression: URI headers in the Contact, or in a strict router's Record-Route URI, end up in
    # the NOTIFY Request-URI, which the hub's parser refuses (found by the first 10-minute run).
    w = Watcher(B_UDP, "rita", "presence", "w20")
    w.contact = "<sip:rita@[::1]:5080?x=y>"
    w2 = Watcher(B_UDP, "sam", "presence", "w21")
    s["regress-contact-uri-headers"] = [w.subscribe(), answer()]
    s["regress-strict-route-uri-headers"] = [
        w2.subscribe(extra=[("Record-Route", "<sip:strict.example.com?x=y>")]), answer()]
    return s


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    all_seeds = seeds()
    for name, records in all_seeds.items():
        (OUT / f"{name}.bin").write_bytes(SEP.join(records))
    print(f"wrote {len(all_seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
