#!/usr/bin/env python3
"""System test: configuring `pinana node` (issue 4, point 2).

    config.py PINANA_BINARY

  - `--config FILE`: a TOML file (eid, hub, listen, api, domain, expiries, [hints], [devices],
    [asterisk] extensions_conf) whose settings take effect, and an Asterisk extensions.conf whose
    hint lines (exten and same forms, display name, presence, an #include) show up in
    GET /api/v1/extensions next to the TOML's; a flag overrides the file (--hint, --eid);
  - a bad line in the TOML file, and one in the extensions.conf: exit 2, stderr names FILE:LINE;
  - a bad --hint, a bad --device state, a bad --listen: exit 2 with a message naming the flag or
    the value;
  - --eid 00:00:00:00:00:00 is refused (exit 2);
  - without --eid the node takes an EID from the host that is not all zero and is the same on two
    runs.
"""

import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nodelib import (  # noqa: E402
    drive, Node, device_state, exten_state, poll,
    run_node_once, start_hub)

EXTENSIONS_CONF = """\
; extensions.conf for the node config test
[general]
static=yes

[globals]
FOO=bar

[internal]
exten => 4000,hint,PJSIP/gina&Custom:gina-dnd
exten => 4000,1,Dial(PJSIP/gina)
 same => n,Hangup()
exten => 4001,1,NoOp()
 same => hint,PJSIP/hank(Hank H),CustomPresence:hank
exten => 3000,hint,PJSIP/not-this-one   ; the TOML's [hints] 3000 wins
#include "more_hints.conf"
"""

MORE_HINTS = """\
[other]
exten => 4002,hint,PJSIP/ida
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def toml_file(workdir, hub_port, extra=""):
    return write(os.path.join(workdir, "node.toml"), """\
# node config test
eid = "02:00:00:00:00:c1"
hub = "sip:127.0.0.1:%d"
listen = "udp:127.0.0.1:0"
api = "127.0.0.1:0"
domain = "127.0.0.1"
publish_expires = 30
subscribe_expires = 30
log_level = "info"

[hints]
3000 = "PJSIP/frank"
"3001" = "PJSIP/frank&PJSIP/gina"

[devices]
"PJSIP/frank" = "INUSE"
"PJSIP/gina" = "RINGING"

[asterisk]
extensions_conf = "extensions.conf"
%s""" % (hub_port, extra))


def check_config_file(checks, binary, workdir, hub):
    write(os.path.join(workdir, "extensions.conf"), EXTENSIONS_CONF)
    write(os.path.join(workdir, "more_hints.conf"), MORE_HINTS)
    path = toml_file(workdir, hub.udp_port)
    n = Node(binary, workdir, None, name="cfg")
    n.args = [binary, "node", "--config", path]  # only the file's settings
    n.start()
    try:
        checks.check("--config: the EID of the file", n.eid == "02:00:00:00:00:c1", n.eid)
        r = n.api.get("/api/v1/extensions")
        ext = {e.get("exten"): e for e in r.json} if isinstance(r.json, list) else {}
        checks.check("--config: GET /api/v1/extensions has the TOML's hints and every "
                     "extensions.conf hint (4000, 4001, 4002 of the #include)",
                     set(ext) == {"3000", "3001", "4000", "4001", "4002"}, r)
        checks.check("--config: 3000 from [hints] wins over extensions.conf's 3000",
                     ext.get("3000", {}).get("hint") == "PJSIP/frank", ext.get("3000"))
        checks.check("--config: 4000 = PJSIP/gina&Custom:gina-dnd, Ringing (gina RINGING)",
                     ext.get("4000", {}).get("hint") == "PJSIP/gina&Custom:gina-dnd" and
                     ext.get("4000", {}).get("state") == "Ringing", ext.get("4000"))
        e = ext.get("4001", {})
        checks.check("--config: 4001 from 'same => hint' with display name and presence",
                     e.get("display_name") == "Hank H" and
                     e.get("presence") == "CustomPresence:hank" and "PJSIP/hank" in
                     (e.get("hint") or ""), e)
        checks.check("--config: 3001 = frank INUSE & gina RINGING -> InUse&Ringing",
                     ext.get("3001", {}).get("state") == "InUse&Ringing", ext.get("3001"))
        checks.check("--config: [devices] set the initial states",
                     device_state(n.api, "PJSIP/frank") == "INUSE" and
                     device_state(n.api, "PJSIP/gina") == "RINGING",
                     (n.api.device("PJSIP/frank"), n.api.device("PJSIP/gina")))
        checks.check("--config: the node is alive", n.alive(), n.stderr())
        checks.check("--config: SIGTERM -> exit 0", n.terminate() == 0, n.stderr())
    finally:
        n.kill()

    # Flags override the file.
    n = Node(binary, workdir, None, name="cfg2")
    n.args = [binary, "node", "--config", path, "--eid", "02:00:00:00:00:c2", "--hint",
              "3000=PJSIP/zoe"]
    n.start()
    try:
        checks.check("--config + --eid: the flag wins", n.eid == "02:00:00:00:00:c2", n.eid)
        e = n.api.extension("3000") or {}
        checks.check("--config + --hint 3000=...: the flag's hint replaces the file's",
                     e.get("hint") == "PJSIP/zoe", e)
        checks.check("--config + --hint: the file's other hints stay",
                     exten_state(n.api, "4002") is not None, n.api.get("/api/v1/extensions"))
    finally:
        n.terminate()
        n.kill()


def check_errors(checks, binary, workdir, hub):
    hub_flag = ["--hub", "sip:127.0.0.1:%d" % hub.udp_port, "--api", "127.0.0.1:0"]

    # A bad line in the TOML file: line 7 (publish_expires as a string).
    bad = write(os.path.join(workdir, "bad.toml"), """\
eid = "02:00:00:00:00:c3"
hub = "sip:127.0.0.1:%d"
api = "127.0.0.1:0"
listen = "udp:127.0.0.1:0"

# the next line is wrong
publish_expires = "soon"
""" % hub.udp_port)
    rc, err = run_node_once(binary, ["--config", bad])
    checks.check("bad TOML value: exit 2, stderr names bad.toml:7", rc == 2 and
                 re.search(r"bad\.toml:7\b", err) is not None, (rc, err))
    bad = write(os.path.join(workdir, "bad2.toml"), 'eid = "02:00:00:00:00:c3"\nfrobnicate = 1\n')
    rc, err = run_node_once(binary, ["--config", bad])
    checks.check("unknown TOML key: exit 2, stderr names bad2.toml:2 and the key", rc == 2 and
                 "bad2.toml:2" in err and "frobnicate" in err, (rc, err))
    bad = write(os.path.join(workdir, "bad3.toml"), 'eid = "02:00:00:00:00:c3"\nhints = [\n')
    rc, err = run_node_once(binary, ["--config", bad])
    checks.check("TOML syntax error: exit 2, stderr names bad3.toml:LINE", rc == 2 and
                 re.search(r"bad3\.toml:\d+", err) is not None, (rc, err))
    write(os.path.join(workdir, "bad_ext.conf"),
          "[internal]\nexten => 5000,hint,PJSIP/ok\nexten => 5001,hint,PJSIP/x(unclosed\n")
    bad = write(os.path.join(workdir, "bad4.toml"), """\
eid = "02:00:00:00:00:c3"
[asterisk]
extensions_conf = "bad_ext.conf"
""")
    rc, err = run_node_once(binary, ["--config", bad])
    checks.check("bad hint in extensions.conf: exit 2, stderr names bad_ext.conf:3",
                 rc == 2 and "bad_ext.conf:3" in err, (rc, err))
    rc, err = run_node_once(binary, ["--config", os.path.join(workdir, "missing.toml")])
    checks.check("missing config file: exit 2 naming it", rc == 2 and "missing.toml" in err,
                 (rc, err))

    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00:c4",
                                                "--hint", "2000"])
    checks.check("--hint without '=': exit 2, message names --hint", rc == 2 and
                 "--hint" in err, (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00:c4",
                                                "--hint", "2000=PJSIP/a(unclosed"])
    checks.check("--hint with an unclosed display name: exit 2 with a clear message",
                 rc == 2 and "2000" in err and "hint" in err, (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00:c4",
                                                "--hint", "2000=nodevice"])
    checks.check("--hint with a device name lacking / or ':': exit 2", rc == 2 and
                 "nodevice" in err, (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00:c4",
                                                "--device", "PJSIP/a=SLEEPY"])
    checks.check("--device with a bad state: exit 2 naming it", rc == 2 and "SLEEPY" in err,
                 (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00:c4",
                                                "--listen", "tcp:127.0.0.1:0"])
    checks.check("--listen tcp:...: exit 2 (only udp)", rc == 2 and "udp" in err, (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "00:00:00:00:00:00"])
    checks.check("--eid 00:00:00:00:00:00 refused: exit 2", rc == 2 and "eid" in err.lower(),
                 (rc, err))
    rc, err = run_node_once(binary, hub_flag + ["--eid", "02:00:00:00:00"])
    checks.check("--eid with five bytes refused: exit 2", rc == 2, (rc, err))


def check_default_eid(checks, binary, workdir, hub):
    eids = []
    for i in range(2):
        n = Node(binary, workdir, hub.udp_port, eid=None, name="noeid%d" % i)
        try:
            n.start()
            eids.append(n.eid)
            checks.check("no --eid (run %d): SIGTERM -> exit 0" % (i + 1), n.terminate() == 0,
                         n.stderr())
        finally:
            n.kill()
    ok = len(eids) == 2 and eids[0] and re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", eids[0])
    checks.check("no --eid: a well-formed EID", ok, eids)
    checks.check("no --eid: not all zero", ok and eids[0] != "00:00:00:00:00:00", eids)
    checks.check("no --eid: the same EID on two runs", len(eids) == 2 and eids[0] == eids[1],
                 eids)


def run(binary, workdir, checks):
    hub = start_hub(binary, workdir)
    try:
        for part in (check_config_file, check_errors, check_default_eid):
            try:
                part(checks, binary, workdir, hub)
            except Exception as e:
                traceback.print_exc()
                checks.check("%s ran to the end" % part.__name__, False, repr(e))
    finally:
        hub.kill()


def main():
    return drive(__doc__, run)


if __name__ == "__main__":
    sys.exit(main())
