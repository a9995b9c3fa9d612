#!/usr/bin/env python3
"""System test: the HTTP API and the CLI of `pinana node` (issue 4, points 6 and 7).

    api_cli.py PINANA_BINARY

One hub and two nodes, A (hints 2000=PJSIP/alice&PJSIP/erin, 2002=PJSIP/dave(Dave D),
CustomPresence:dave) and B (hint 2001=PJSIP/bob). Checks every route and error of the API
(200s, 400 with a JSON reason, 404 unknown extension / device / route, 405 with Allow, 415),
URL-encoded names ("Custom:lamp 1", "PJSIP/alice" as PJSIP%2Falice and as PJSIP/alice), MWI
summed across nodes (PUT on A and on B, GET on either), the WebSocket event stream (RFC 6455
handshake; device and extension events for a change made on the other node), /metrics, and the
CLI: devstate set/get/list, hints, cluster, mwi set, --json, exit codes 0 / 1 (4xx) / 2 (no
connection).
"""

import json
import os
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nodelib import (  # noqa: E402
    drive, EID_A, EID_B, Checks, Node, WebSocket, device_state, die_with_parent, free_port,
    poll, start_hub)


def cli(binary, *args, timeout=15):
    """(exit code, stdout, stderr) of `pinana ARGS`."""
    p = subprocess.run([binary] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout, preexec_fn=die_with_parent)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def is_error(r, status):
    return r.status == status and isinstance(r.json, dict) and \
        isinstance(r.json.get("error"), str) and r.json["error"] != ""


def check_routes(checks, A, B):
    r = A.get("/health")
    checks.check("GET /health -> 200", r.status == 200, r)

    r = A.get("/api/v1/devices")
    names = [d.get("name") for d in (r.json or [])] if isinstance(r.json, list) else []
    checks.check("GET /api/v1/devices -> 200, a JSON array with A's initial devices",
                 r.status == 200 and "PJSIP/alice" in names, r)

    r = A.set_device("PJSIP/alice", "INUSE")
    j = r.json or {}
    checks.check("PUT /api/v1/devices/PJSIP%2Falice INUSE -> 200 {name, state, nodes}",
                 r.status == 200 and j.get("name") == "PJSIP/alice" and j.get("state") == "INUSE"
                 and j.get("nodes", {}).get(EID_A) == "INUSE", r)
    r = A.get("/api/v1/devices/PJSIP/alice")
    checks.check("GET /api/v1/devices/PJSIP/alice (slash not encoded) names the same device",
                 r.status == 200 and (r.json or {}).get("state") == "INUSE", r)
    r = A.get("/api/v1/devices/PJSIP%2Falice")
    checks.check("GET /api/v1/devices/PJSIP%2Falice -> INUSE",
                 r.status == 200 and (r.json or {}).get("state") == "INUSE", r)

    r = A.set_device("Custom:lamp 1", "BUSY")
    checks.check("PUT /api/v1/devices/Custom%3Alamp%201 BUSY -> 200 named 'Custom:lamp 1'",
                 r.status == 200 and (r.json or {}).get("name") == "Custom:lamp 1", r)
    ok = poll(lambda: device_state(B, "Custom:lamp 1") == "BUSY", 5)
    checks.check("B: GET Custom%3Alamp%201 -> BUSY (space and colon in a name propagate)", ok,
                 B.device("Custom:lamp 1"))
    r = B.get("/api/v1/devices")
    names = [d.get("name") for d in (r.json or [])] if isinstance(r.json, list) else []
    checks.check("B: GET /api/v1/devices lists 'Custom:lamp 1'", "Custom:lamp 1" in names, r)

    r = A.set_device("PJSIP/alice", "BOGUS")
    checks.check("PUT with an invalid state -> 400 with a JSON reason", is_error(r, 400), r)
    r = A.request("PUT", "/api/v1/devices/PJSIP%2Falice", "{not json")
    checks.check("PUT with malformed JSON -> 400 with a JSON reason", is_error(r, 400), r)
    r = A.request("PUT", "/api/v1/devices/PJSIP%2Falice", {"status": "INUSE"})
    checks.check("PUT without \"state\" -> 400", is_error(r, 400), r)
    r = A.request("PUT", "/api/v1/devices/PJSIP%2Falice", "state=INUSE",
                  content_type="application/x-www-form-urlencoded")
    checks.check("PUT with a non-JSON Content-Type -> 415", is_error(r, 415), r)
    checks.check("a refused PUT leaves the state alone",
                 device_state(A, "PJSIP/alice") == "INUSE", A.device("PJSIP/alice"))
    r = A.get("/api/v1/devices/PJSIP%2Fnobody-at-all")
    checks.check("GET an unknown device -> 404 with a JSON reason", is_error(r, 404), r)

    r = A.get("/api/v1/extensions")
    ext = {e.get("exten"): e for e in r.json} if isinstance(r.json, list) else {}
    checks.check("GET /api/v1/extensions -> 200 with 2000 and 2002",
                 r.status == 200 and "2000" in ext and "2002" in ext, r)
    e = ext.get("2000", {})
    checks.check("extension 2000: hint PJSIP/alice&PJSIP/erin, state InUse",
                 e.get("hint") == "PJSIP/alice&PJSIP/erin" and e.get("state") == "InUse", e)
    r = A.get("/api/v1/extensions/2002")
    e = r.json or {}
    checks.check("GET /api/v1/extensions/2002 -> hint, presence, display_name",
                 r.status == 200 and e.get("exten") == "2002" and
                 e.get("display_name") == "Dave D" and e.get("presence") == "CustomPresence:dave"
                 and "PJSIP/dave" in (e.get("hint") or "") and e.get("state") in (
                     "Idle", "Unavailable"), r)
    r = A.get("/api/v1/extensions/9999")
    checks.check("GET /api/v1/extensions/9999 (unknown) -> 404 with a JSON reason",
                 is_error(r, 404), r)
    r = B.get("/api/v1/extensions/2000")
    checks.check("B: GET /api/v1/extensions/2000 (A's hint) -> 404 (hints are per node)",
                 is_error(r, 404), r)

    r = A.get("/api/v1/no-such-thing")
    checks.check("GET an unknown route -> 404 with a JSON reason", is_error(r, 404), r)
    r = A.request("DELETE", "/api/v1/devices/PJSIP%2Falice")
    checks.check("DELETE a device -> 405 with Allow", is_error(r, 405) and
                 "PUT" in r.headers.get("Allow", ""), (r, r.headers))
    r = A.request("POST", "/api/v1/cluster", {})
    checks.check("POST /api/v1/cluster -> 405 with Allow: GET", is_error(r, 405) and
                 "GET" in r.headers.get("Allow", ""), (r, r.headers))
    r = A.request("PUT", "/api/v1/extensions/2000", {"state": "InUse"})
    checks.check("PUT an extension -> 405", is_error(r, 405), r)
    r = A.get("/api/v1/events")
    checks.check("GET /api/v1/events without Upgrade -> 4xx with a JSON reason",
                 r.status is not None and 400 <= r.status < 500 and
                 isinstance(r.json, dict) and "error" in r.json, r)

    r = A.get("/api/v1/cluster")
    j = r.json or {}
    members = {m.get("eid"): m for m in j.get("nodes", [])}
    checks.check("GET /api/v1/cluster: our EID, A (self) and B with device counts",
                 r.status == 200 and j.get("eid") == EID_A and
                 members.get(EID_A, {}).get("self") is True and EID_B in members and
                 members.get(EID_B, {}).get("self") is False and
                 isinstance(members.get(EID_B, {}).get("devices"), int) and
                 members[EID_B]["devices"] >= 1 and "last_update" in members[EID_B], r)

    r = A.get("/metrics")
    checks.check("GET /metrics: Prometheus text with pinana_node_ counters",
                 r.status == 200 and "pinana_node_" in r.body and "# TYPE" in r.body, r)


def check_mwi(checks, A, B):
    r = A.request("PUT", "/api/v1/mailboxes/100%40default", {"new": 2, "old": 1})
    checks.check("A: PUT /api/v1/mailboxes/100@default {2, 1} -> 200", r.status == 200, r)
    r = B.request("PUT", "/api/v1/mailboxes/100@default", {"new": 1, "old": 3})
    checks.check("B: PUT /api/v1/mailboxes/100@default {1, 3} -> 200", r.status == 200, r)

    def summed(api):
        r = api.get("/api/v1/mailboxes/100%40default")
        j = r.json or {}
        return r.status == 200 and j.get("new") == 3 and j.get("old") == 4

    ok = poll(lambda: summed(A) and summed(B), 5)
    checks.check("MWI: A and B read 100@default new 3, old 4 (summed over nodes)", ok,
                 (A.get("/api/v1/mailboxes/100%40default"),
                  B.get("/api/v1/mailboxes/100%40default")))
    r = B.get("/api/v1/mailboxes")
    boxes = {m.get("mailbox"): m for m in r.json} if isinstance(r.json, list) else {}
    checks.check("B: GET /api/v1/mailboxes lists 100@default", "100@default" in boxes, r)
    r = A.request("PUT", "/api/v1/mailboxes/100%40default", {"new": -1, "old": 0})
    checks.check("MWI: a negative count -> 400", is_error(r, 400), r)
    r = A.request("PUT", "/api/v1/mailboxes/100%40default", {"new": 1})
    checks.check("MWI: a missing count -> 400", is_error(r, 400), r)


def check_websocket(checks, A, B):
    ws = WebSocket(B.port)
    try:
        checks.check("WebSocket /api/v1/events on B: 101 with the right accept key",
                     ws.status_line.split()[1:2] == ["101"] and
                     ws.headers.get("sec-websocket-accept") == ws.expected_accept and
                     ws.headers.get("upgrade", "").lower() == "websocket",
                     (ws.status_line, ws.headers))
        time.sleep(0.2)  # the subscription to events is in place once the handshake is done
        A.set_device("PJSIP/erin", "RINGING")
        ev = ws.wait_for(lambda e: e.get("type") == "device" and e.get("name") == "PJSIP/erin"
                         and e.get("state") == "RINGING", 5)
        checks.check("WebSocket: B streams the device event of a change on A",
                     ev is not None and "previous" in ev, getattr(ws, "seen", None))
        A.set_device("PJSIP/erin", "NOT_INUSE")
        ev = ws.wait_for(lambda e: e.get("type") == "device" and e.get("name") == "PJSIP/erin"
                         and e.get("state") == "NOT_INUSE", 5)
        checks.check("WebSocket: ... and its change back, previous RINGING",
                     ev is not None and ev.get("previous") == "RINGING", ws.seen)
        B.set_device("PJSIP/bob", "RINGING")
        ev = ws.wait_for(lambda e: e.get("type") == "extension" and e.get("exten") == "2001", 5)
        checks.check("WebSocket: an extension event for B's own hint 2001 (Ringing)",
                     ev is not None and ev.get("state") == "Ringing" and "previous" in ev, ws.seen)
        B.set_device("PJSIP/bob", "NOT_INUSE")
        ev = ws.wait_for(lambda e: e.get("type") == "extension" and e.get("exten") == "2001"
                         and e.get("state") == "Idle", 5)
        checks.check("WebSocket: 2001 back to Idle", ev is not None, ws.seen)
        A.request("PUT", "/api/v1/mailboxes/200%40default", {"new": 5, "old": 0})
        ev = ws.wait_for(lambda e: e.get("type") == "mailbox", 5)
        checks.check("WebSocket: a mailbox event for a change on A", ev is not None, ws.seen)
        checks.check("WebSocket: server frames are not masked", ws.masked_frames == 0,
                     ws.masked_frames)
    finally:
        ws.close()


def check_cli(checks, binary, A, B):
    api = ["--api", A.base]
    rc, out, err = cli(binary, "devstate", "set", "PJSIP/alice", "ONHOLD", *api)
    checks.check("cli: devstate set PJSIP/alice ONHOLD -> exit 0", rc == 0, (rc, out, err))
    checks.check("cli: ... and the API says ONHOLD", device_state(A, "PJSIP/alice") == "ONHOLD",
                 A.device("PJSIP/alice"))
    rc, out, err = cli(binary, "devstate", "get", "PJSIP/alice", *api)
    checks.check("cli: devstate get PJSIP/alice -> exit 0, prints ONHOLD",
                 rc == 0 and "ONHOLD" in out, (rc, out, err))
    rc, out, err = cli(binary, "devstate", "get", "PJSIP/alice", "--json", *api)
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    checks.check("cli: devstate get --json prints the API's JSON",
                 rc == 0 and isinstance(j, dict) and j.get("state") == "ONHOLD", (rc, out, err))
    rc, out, err = cli(binary, "devstate", "list", *api)
    checks.check("cli: devstate list -> exit 0 with PJSIP/alice and Custom:lamp 1",
                 rc == 0 and "PJSIP/alice" in out and "Custom:lamp 1" in out, (rc, out, err))
    rc, out, err = cli(binary, "devstate", "set", "PJSIP/alice", "BOGUS", *api)
    checks.check("cli: devstate set with a bad state -> exit 1 with the reason",
                 rc == 1 and (out + err).strip() != "", (rc, out, err))
    rc, out, err = cli(binary, "devstate", "get", "PJSIP/none-such", *api)
    checks.check("cli: devstate get of an unknown device -> exit 1", rc == 1, (rc, out, err))
    dead = "http://127.0.0.1:%d" % free_port()
    rc, out, err = cli(binary, "devstate", "get", "PJSIP/alice", "--api", dead)
    checks.check("cli: no node at --api -> exit 2", rc == 2, (rc, out, err))
    rc, out, err = cli(binary, "hints", *api)
    lines = out.splitlines()
    row2000 = [ln for ln in lines if "2000" in ln]
    row2002 = [ln for ln in lines if "2002" in ln]
    checks.check("cli: hints -> exit 0, every hint with its state (2000 Hold, 2002)",
                 rc == 0 and row2000 and "PJSIP/alice&PJSIP/erin" in row2000[0] and
                 "Hold" in row2000[0] and row2002 and "PJSIP/dave" in row2002[0],
                 (rc, out, err))
    rc, out, err = cli(binary, "hints", "--json", *api)
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    checks.check("cli: hints --json -> a JSON array of extensions",
                 rc == 0 and isinstance(j, list) and any(e.get("exten") == "2000" for e in j),
                 (rc, out, err))
    rc, out, err = cli(binary, "cluster", *api)
    checks.check("cli: cluster -> exit 0, lists both EIDs",
                 rc == 0 and EID_A in out and EID_B in out, (rc, out, err))
    rc, out, err = cli(binary, "mwi", "set", "300@default", "4", "2", *api)
    r = B.get("/api/v1/mailboxes/300%40default")
    ok = poll(lambda: (B.get("/api/v1/mailboxes/300%40default").json or {}).get("new") == 4, 5)
    checks.check("cli: mwi set 300@default 4 2 -> exit 0, B reads new 4", rc == 0 and ok,
                 (rc, out, err, r))
    rc, out, err = cli(binary, "mwi", "set", "300@default", "x", "2", *api)
    checks.check("cli: mwi set with a bad count -> non-zero exit", rc != 0, (rc, out, err))
    # The default --api is http://127.0.0.1:8088; inside a private network namespace nothing
    # listens there, so the CLI must report a connection failure.
    if os.environ.get("PINANA_HUB_TEST_NETNS") == "1":
        rc, out, err = cli(binary, "devstate", "list")
        checks.check("cli: default --api (127.0.0.1:8088, nothing there) -> exit 2", rc == 2,
                     (rc, out, err))
    A.set_device("PJSIP/alice", "NOT_INUSE")


def run(binary, workdir, checks):
    hub = start_hub(binary, workdir)
    a = Node(binary, workdir, hub.udp_port, EID_A, name="A", args=[
        "--hint", "2000=PJSIP/alice&PJSIP/erin", "--hint", "2002=PJSIP/dave(Dave D),CustomPresence:dave",
        "--device", "PJSIP/alice=NOT_INUSE", "--device", "PJSIP/erin=NOT_INUSE"])
    b = Node(binary, workdir, hub.udp_port, EID_B, name="B", args=[
        "--hint", "2001=PJSIP/bob", "--device", "PJSIP/bob=NOT_INUSE"])
    try:
        a.start()
        b.start()
        A, B = a.api, b.api
        ok = poll(lambda: device_state(B, "PJSIP/alice") == "NOT_INUSE" and
                  device_state(A, "PJSIP/bob") == "NOT_INUSE", 10)
        checks.check("start-up: A and B see each other's devices", ok,
                     (B.device("PJSIP/alice"), A.device("PJSIP/bob")))
        for part in (check_routes, check_mwi, check_websocket):
            try:
                part(checks, A, B)
            except Exception as e:
                traceback.print_exc()
                checks.check("%s ran to the end" % part.__name__, False, repr(e))
        try:
            check_cli(checks, binary, A, B)
        except Exception as e:
            traceback.print_exc()
            checks.check("check_cli ran to the end", False, repr(e))
        checks.check("A and B still alive", a.alive() and b.alive())
        checks.check("SIGTERM A: exit 0", a.terminate() == 0, a.stderr()[-1500:])
        checks.check("SIGTERM B: exit 0", b.terminate() == 0, b.stderr()[-1500:])
    finally:
        a.kill()
        b.kill()
        hub.kill()
        if checks.failed:
            print("--- stderr of node A (tail):\n%s" % a.stderr()[-2000:])
            print("--- stderr of node B (tail):\n%s" % b.stderr()[-2000:])


def main():
    return drive(__doc__, run)


if __name__ == "__main__":
    sys.exit(main())
