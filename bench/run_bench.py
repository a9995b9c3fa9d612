#!/usr/bin/env python3
"""make bench: pinana hub against Kamailio 5.6's presence server, side by side (issue 6).

    run_bench.py [--build-dir build/release] [--reps 3] [--quick] [--servers LIST]

On this machine and in this run: the loopback ceiling (one-way datagrams/s, pinana-bench
--mode ceiling); then, for each server in turn (Kamailio memory-only, Kamailio PostgreSQL-backed,
pinana hub), the same pinana-bench workloads:

  publish      PUBLISH throughput and server CPU per PUBLISH, no watchers
  fanout10     fan-out to 10 / 100 / 1,000 watchers per presentity: NOTIFY/s, CPU per NOTIFY
  fanout100
  fanout1000
  latency      PUBLISH→last-NOTIFY latency, 100 watchers per presentity, at a fixed rate
  idle10k      RSS and PSS per idle subscription at 10k and 100k subscriptions
  idle100k

Each workload runs --reps times (REPS=, default 3) against a freshly started server; figures are
medians. Then node-to-node propagation (bench/node_propagation.py, workload `propagation`): a
state change PUT on node A's API until node B's WebSocket event, the native profile through the
hub, and the standard profile through each Kamailio mode of --servers and through the hub as a
plain RFC 3856 server, --reps runs each; p50/p90/p99/max (medians over the runs), lost
changes, the ratios standard/native and pinana/Kamailio. Prints a
table with each figure, the ratio pinana/Kamailio and each throughput as a fraction of the
loopback ceiling, the issue's targets met or missed, and as its last line one JSON object with
every figure and ratio.

--quick (QUICK=1): one repetition, short windows, fewer subscriptions: a smoke check, not figures.
Servers listen on 127.0.0.1 only. Kamailio is started with contrib/kamailio/run.sh; the hub with a
configuration without per-source limits (all load comes from 127.0.0.1). Python 3 stdlib only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN_SH = os.path.join(ROOT, "contrib", "kamailio", "run.sh")
PROPAGATION = os.path.join(HERE, "node_propagation.py")

SERVERS = ["kamailio-memory", "kamailio-postgres", "pinana"]
KAMAILIO_MODE = {"kamailio-memory": "memory", "kamailio-postgres": "postgres"}

# Node-to-node propagation runs: JSON key → (node profile, presence server, the --servers entry
# it belongs to). "standard" is the figure issue 6 asks for (through Kamailio, memory-only).
PROPAGATION_RUNS = [
    ("native", "native", "hub", "pinana"),
    ("standard", "standard", "kamailio-memory", "kamailio-memory"),
    ("standard_postgres", "standard", "kamailio-postgres", "kamailio-postgres"),
    ("standard_hub", "standard", "hub", "pinana"),
]

# Rate of the latency workload, PUBLISH/s in total (× 100 watchers = NOTIFY/s): low enough that
# every server sustains it on two shared cores, so the latency is not a queue's length.
LATENCY_RATE = 50

# Seconds between the end of the idle workloads' set-up and the idle memory sample: Timer J (32 s)
# plus margin, so that no transaction of the set-up is left in any server.
IDLE_WAIT = 40


def workloads(quick):
    """name → pinana-bench arguments, and the figures it yields."""
    d = ["--warmup", "0.5", "--duration", "2"] if quick else ["--warmup", "2", "--duration", "10"]
    idle = [1000, 10000] if quick else [10000, 100000]
    w = {
        "publish": ["-P", "1000", "-W", "0", "--window", "256"] + d,
        # A window of PUBLISHes that keeps about 4,000 NOTIFYs in flight, whatever the fan-out.
        "fanout10": ["-P", "200", "-W", "10", "--window", "256"] + d,
        "fanout100": ["-P", "100", "-W", "100", "--window", "40"] + d,
        "fanout1000": ["-P", "20", "-W", "1000", "--window", "4"] + d,
        "latency": ["-P", "100", "-W", "100", "--rate", str(LATENCY_RATE)] + d,
    }
    # Memory is read twice: right after set-up (every SUBSCRIBE's server transaction still held
    # for Timer J's 32 s) and after IDLE_WAIT seconds with nothing sent (the subscriptions alone:
    # what "per idle subscription" means).
    for n in idle:
        w["idle%dk" % (n // 1000)] = ["-P", str(n // 100), "-W", "100", "--duration", "0",
                                      "--no-cleanup", "--idle", str(5 if quick else IDLE_WAIT)]
    return w


# ---- servers -------------------------------------------------------------------------------


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Kamailio:
    """Kamailio through contrib/kamailio/run.sh, in its own work directory."""

    def __init__(self, mode, workdir):
        self.mode = mode
        self.workdir = os.path.join(workdir, "kamailio-" + mode)
        os.makedirs(self.workdir, exist_ok=True)
        self.port = None
        self.pid = None

    def start(self):
        self.port = free_udp_port()
        # 256 MB (run.sh's default) runs out under fan-out: each NOTIFY is a tm transaction kept
        # for a while after its 200, and 100k subscriptions need room of their own. 1 GB ran out
        # too on a quiet machine: at 14,000 PUBLISH/s (every PUBLISH a tm transaction) new_t()
        # failed with "out of mem" after a few seconds and half the PUBLISHes got 500, whose
        # cost then counted against the accepted ones. 4 GB leaves no error of that kind.
        env = dict(os.environ)
        env.setdefault("KAMAILIO_SHM_MB", "4096")
        out = subprocess.run([RUN_SH, "start", self.mode, str(self.port), self.workdir],
                             capture_output=True, text=True, timeout=120, env=env)
        if out.returncode != 0:
            raise RuntimeError("run.sh start %s failed:\n%s" % (self.mode, out.stderr[-2000:]))
        self.pid = int(out.stdout.strip().splitlines()[-1])

    def parents(self):
        """Kamailio's main pid, and PostgreSQL's postmaster in postgres mode: the database is
        part of what this mode costs."""
        pids = [self.pid]
        pm = os.path.join(self.workdir, "pg", "data", "postmaster.pid")
        if self.mode == "postgres" and os.path.exists(pm):
            with open(pm) as f:
                pids.append(int(f.readline().strip()))
        return pids

    def stop(self):
        subprocess.run([RUN_SH, "stop", self.workdir], capture_output=True, timeout=120)
        # The next start reuses the cluster; remove it so every run starts with empty tables.
        shutil.rmtree(os.path.join(self.workdir, "pg"), ignore_errors=True)

    def describe(self):
        return "Kamailio %s (%s mode, contrib/kamailio/pinana-presence.cfg, 2 UDP workers)" % (
            kamailio_version(), self.mode)


class Hub:
    """`pinana hub` on 127.0.0.1, UDP port 0, without per-source limits."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.proc = None
        self.port = None
        self.pid = None

    def start(self):
        cfg = os.path.join(self.workdir, "hub-bench.toml")
        with open(cfg, "w") as f:
            f.write('listen = ["udp:127.0.0.1:0"]\n'
                    "max_subscriptions_per_source = 0\n"
                    "max_requests_per_second_per_source = 0\n"
                    "max_expires = 3600\n"
                    'log_level = "warn"\n')
        self.err_path = os.path.join(self.workdir, "hub-bench.err")
        err = open(self.err_path, "w")
        self.proc = subprocess.Popen([self.binary, "hub", "--config", cfg],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=err)
        err.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(self.err_path, errors="replace") as f:
                m = re.search(r"listening on UDP 127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                self.pid = self.proc.pid
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("pinana hub did not start: " + open(self.err_path).read()[-2000:])

    def parents(self):
        return [self.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def describe(self):
        return "pinana hub (%s)" % self.binary


def kamailio_version():
    try:
        out = subprocess.run(["kamailio", "-v"], capture_output=True, text=True, timeout=10)
        m = re.search(r"version: kamailio (\S+)", out.stdout + out.stderr)
        return m.group(1) if m else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


# ---- runs ----------------------------------------------------------------------------------


def run_tool(bench, args, timeout):
    out = subprocess.run([bench] + args, capture_output=True, text=True, timeout=timeout)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError("pinana-bench %s failed (%d):\n%s%s" % (
            " ".join(args), out.returncode, out.stdout[-2000:], out.stderr[-2000:]))
    return json.loads(lines[-1]), out.stdout


def run_propagation(pinana, profile, server, changes):
    """One bench/node_propagation.py run: its JSON object ({"skipped": why} when Kamailio is
    missing, {"failed": why} when it did not produce one)."""
    cmd = [sys.executable, PROPAGATION, pinana, "--profile", profile, "--server", server,
           "--changes", changes]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"failed": "timed out after 600 s"}
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    try:
        if lines:
            return json.loads(lines[-1])
    except json.JSONDecodeError:
        pass
    print("node_propagation.py %s %s failed (%d):\n%s%s" % (
        profile, server, out.returncode, out.stdout[-2000:], out.stderr[-2000:]),
        file=sys.stderr)
    return {"failed": "exit %d, no JSON line" % out.returncode}


def median_propagation(runs):
    """The runs of one propagation figure merged: medians of the times over the runs that
    produced them, changes, arrivals, losses and refusals summed, each run's median listed."""
    good = [r for r in runs if r.get("median_ms") is not None]
    if not good:
        return runs[-1]
    out = dict(good[0])
    for k in ("median_ms", "p90_ms", "p99_ms", "max_ms", "min_ms"):
        out[k] = statistics.median(r[k] for r in good)
    for k in ("changes", "arrived", "lost", "refused"):
        out[k] = sum(r.get(k) or 0 for r in runs)
    out["runs"] = len(runs)
    out["failed_runs"] = len(runs) - len(good)
    out["median_ms_per_run"] = [r.get("median_ms") for r in runs]
    return out


def figures(name, j):
    """The figures a workload yields, flat."""
    s = j.get("server", {})
    f = {}
    errors = sum(j["errors"].values()) if j.get("errors") else 0
    if name == "publish":
        f["publish_per_s"] = j["publish_per_s"]
        f["cpu_us_per_publish"] = s.get("cpu_us_per_publish")
        f["publish_rtt_p99_ms"] = j["publish_rtt"]["p99_ms"]
    elif name.startswith("fanout"):
        f["notify_per_s"] = j["notify_per_s"]
        f["publish_per_s"] = j["publish_per_s"]
        f["cpu_us_per_notify"] = s.get("cpu_us_per_notify")
        f["last_notify_p99_ms"] = j["fanout_latency"]["p99_ms"]
    elif name == "latency":
        f["notify_p50_ms"] = j["notify_latency"]["p50_ms"]
        f["notify_p99_ms"] = j["notify_latency"]["p99_ms"]
        f["last_notify_p50_ms"] = j["fanout_latency"]["p50_ms"]
        f["last_notify_p99_ms"] = j["fanout_latency"]["p99_ms"]
        f["last_notify_p999_ms"] = j["fanout_latency"]["p999_ms"]
        f["notify_per_s"] = j["notify_per_s"]
        f["publish_skipped"] = j["publish_skipped"]
    elif name.startswith("idle"):
        f["subscriptions"] = j["subscriptions"]
        f["rss_bytes_per_subscription"] = s.get("rss_bytes_per_subscription")
        f["pss_bytes_per_subscription"] = s.get("pss_bytes_per_subscription")
        f["rss_bytes_per_idle_subscription"] = s.get("rss_bytes_per_idle_subscription")
        f["pss_bytes_per_idle_subscription"] = s.get("pss_bytes_per_idle_subscription")
    f["errors"] = errors
    f["publish_412"] = j["publish_412"]
    f["timeouts"] = j["publish_timeouts"] + j["subscribe_timeouts"]
    f["server_udp_drops"] = j.get("server_udp_drops", 0)
    return f


def median_figures(samples):
    out = {}
    for key in samples[0]:
        values = [s[key] for s in samples if s.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    return out


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        if abs(v) >= 100:
            return "%.0f" % v
        if abs(v) >= 1:
            return "%.2f" % v
        return "%.3f" % v
    return str(v)


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--reps", type=int, default=int(os.environ.get("REPS", "3") or 3))
    ap.add_argument("--quick", action="store_true", default=bool(os.environ.get("QUICK")))
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--workloads", default="",
                    help="comma-separated subset (default: all): publish, fanout10, fanout100, "
                    "fanout1000, latency, idle10k (QUICK: idle1k), idle100k (QUICK: idle10k), "
                    "propagation")
    ap.add_argument("--threads", type=int, default=0, help="pinana-bench threads (0: cores)")
    ap.add_argument("--log", default="", help="also write every pinana-bench output here")
    args = ap.parse_args()
    reps = 1 if args.quick else max(1, args.reps)
    bench = os.path.join(args.build_dir, "pinana-bench")
    pinana = os.path.join(args.build_dir, "pinana")
    for b in (bench, pinana):
        if not os.access(b, os.X_OK):
            sys.exit("run_bench.py: %s missing (cmake --build --preset release)" % b)
    servers = [s for s in args.servers.split(",") if s]
    wl = workloads(args.quick)
    if args.workloads:
        wl = {k: v for k, v in wl.items() if k in args.workloads.split(",")}
    common = ["--json", "--threads", str(args.threads)] if args.threads else ["--json"]
    log = open(args.log, "w") if args.log else None
    started = datetime.datetime.now(datetime.timezone.utc)
    mach = machine()
    print("make bench: %s UTC, %d CPUs (%s), load %s, %d repetition(s)%s" % (
        started.strftime("%Y-%m-%d %H:%M"), mach["nproc"], mach["cpu"],
        " ".join(mach["loadavg"]), reps, ", QUICK" if args.quick else ""), flush=True)

    result = {"date": started.isoformat(timespec="seconds"), "machine": mach, "reps": reps,
              "quick": args.quick, "latency_rate": LATENCY_RATE, "servers": {},
              "describe": {}}

    # Loopback ceiling.
    cdur = ["--warmup", "0.5", "--duration", "2" if args.quick else "5"]
    cs = []
    for _ in range(reps):
        j, text = run_tool(bench, ["--mode", "ceiling"] + cdur + common, 60)
        cs.append(j["received_per_s"])
        if log:
            log.write(text)
    ceiling = statistics.median(cs)
    result["ceiling_datagrams_per_s"] = ceiling
    print("loopback ceiling: %.0f datagrams/s (900 bytes, one way)" % ceiling, flush=True)

    workdir = tempfile.mkdtemp(prefix="pinana-bench-")
    os.chmod(workdir, 0o755)
    for name in servers:
        if name in KAMAILIO_MODE:
            if not os.path.exists(RUN_SH) or shutil.which("kamailio") is None:
                print("%s: skipped (kamailio or contrib/kamailio/run.sh missing)" % name)
                continue
            server = Kamailio(KAMAILIO_MODE[name], workdir)
        else:
            server = Hub(pinana, workdir)
        result["describe"][name] = server.describe()
        per = {}
        for wname, wargs in wl.items():
            samples = []
            for rep in range(reps):
                server.start()
                try:
                    a = ["--server", "127.0.0.1:%d" % server.port,
                         "--server-pids-from-parent", ",".join(map(str, server.parents()))]
                    j, text = run_tool(bench, wargs + a + common, 900)
                    if log:
                        log.write("# %s %s rep %d\n%s" % (name, wname, rep, text))
                    samples.append(figures(wname, j))
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    print("%s %s: %s" % (name, wname, e), file=sys.stderr)
                finally:
                    server.stop()
            if samples:
                per[wname] = median_figures(samples)
                print("%-18s %-11s %s" % (name, wname, "  ".join(
                    "%s=%s" % (k, fmt(v)) for k, v in per[wname].items())), flush=True)
        result["servers"][name] = per

    # Node-to-node propagation: the native profile through the hub, the standard profile through
    # each Kamailio mode run here and through the hub.
    prop = {key: None for key, _, _, _ in PROPAGATION_RUNS}
    if os.path.exists(PROPAGATION) and (not args.workloads
                                        or "propagation" in args.workloads.split(",")):
        changes = "50" if args.quick else "500"
        for key, profile, server, member in PROPAGATION_RUNS:
            if member not in servers:
                continue
            prop[key] = j = median_propagation(
                [run_propagation(pinana, profile, server, changes) for _ in range(reps)])
            if "skipped" in j or "failed" in j:
                text = "skipped: %s" % j["skipped"] if "skipped" in j else "FAILED: " + j["failed"]
            else:
                text = "  ".join("%s=%s" % (k, fmt(j.get(k))) for k in (
                    "median_ms", "p90_ms", "p99_ms", "max_ms", "lost", "refused"))
                text += "  median per run: %s" % " ".join(
                    map(fmt, j.get("median_ms_per_run", [])))
            print("%-18s %-11s %s profile: %s" % (server, "propagation", profile, text),
                  flush=True)
    result["node_propagation"] = prop
    shutil.rmtree(workdir, ignore_errors=True)

    report(result)
    result["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(result, sort_keys=True))


# figure key → (workload, figure, better: "high" | "low")
TABLE = [
    ("PUBLISH/s, no watchers", "publish", "publish_per_s", "high"),
    ("CPU us/PUBLISH", "publish", "cpu_us_per_publish", "low"),
    ("NOTIFY/s, 10 watchers", "fanout10", "notify_per_s", "high"),
    ("CPU us/NOTIFY, 10 w", "fanout10", "cpu_us_per_notify", "low"),
    ("NOTIFY/s, 100 watchers", "fanout100", "notify_per_s", "high"),
    ("CPU us/NOTIFY, 100 w", "fanout100", "cpu_us_per_notify", "low"),
    ("NOTIFY/s, 1000 watchers", "fanout1000", "notify_per_s", "high"),
    ("CPU us/NOTIFY, 1000 w", "fanout1000", "cpu_us_per_notify", "low"),
    ("last NOTIFY p50 ms", "latency", "last_notify_p50_ms", "low"),
    ("last NOTIFY p99 ms", "latency", "last_notify_p99_ms", "low"),
    ("last NOTIFY p99.9 ms", "latency", "last_notify_p999_ms", "low"),
]


def report(result):
    servers = result["servers"]
    names = list(servers)
    idle = sorted({w for s in servers.values() for w in s if w.startswith("idle")},
                  key=lambda w: int(w[4:-1]))
    rows = list(TABLE)
    for w in idle:
        rows.append(("RSS B/sub, %s, set-up" % w[4:], w, "rss_bytes_per_subscription", "low"))
        rows.append(("PSS B/sub, %s, set-up" % w[4:], w, "pss_bytes_per_subscription", "low"))
        rows.append(("RSS B/sub, %s, idle" % w[4:], w, "rss_bytes_per_idle_subscription", "low"))
        rows.append(("PSS B/sub, %s, idle" % w[4:], w, "pss_bytes_per_idle_subscription", "low"))
    kams = [n for n in names if n.startswith("kamailio")]
    head = "%-26s" % "figure" + "".join("%19s" % n for n in names) + "".join(
        "%17s" % ("pinana/" + k.split("-")[1]) for k in kams if "pinana" in names)
    print()
    print(head)
    ratios = {}
    for label, w, key, _ in rows:
        vals = [servers[n].get(w, {}).get(key) for n in names]
        line = "%-26s" % label + "".join("%19s" % fmt(v) for v in vals)
        if "pinana" in names:
            p = servers["pinana"].get(w, {}).get(key)
            for k in kams:
                r = ratio(p, servers[k].get(w, {}).get(key))
                ratios["%s.%s/%s" % (w, key, k)] = r
                line += "%17s" % (fmt(r) + "x" if r is not None else "-")
        print(line)
    result["ratios"] = ratios

    ceiling = result["ceiling_datagrams_per_s"]
    frac = {}
    print("\nfraction of the loopback ceiling (%.0f datagrams/s): PUBLISH/s counts one request "
          "and one response, NOTIFY/s one NOTIFY and one 200" % ceiling)
    for n in names:
        parts = []
        for w, key in [("publish", "publish_per_s"), ("fanout10", "notify_per_s"),
                       ("fanout100", "notify_per_s"), ("fanout1000", "notify_per_s")]:
            v = servers[n].get(w, {}).get(key)
            if v is not None and ceiling:
                frac["%s.%s.%s" % (n, w, key)] = v / ceiling
                parts.append("%s %.3f" % (w, v / ceiling))
        print("  %-18s %s" % (n, "  ".join(parts)))
    result["ceiling_fraction"] = frac

    err = {n: {w: {k: f.get(k) for k in ("errors", "publish_412", "timeouts",
                                          "server_udp_drops")}
               for w, f in servers[n].items()} for n in names}
    print("\nerrors / 412 / timeouts / server socket drops (medians):")
    for n in names:
        print("  %-18s %s" % (n, "  ".join("%s %s/%s/%s/%s" % (
            w, fmt(e["errors"]), fmt(e["publish_412"]), fmt(e["timeouts"]),
            fmt(e["server_udp_drops"])) for w, e in err[n].items())))

    # Issue 6's targets for the hub against Kamailio memory-only.
    targets = {}
    if "pinana" in servers and "kamailio-memory" in servers:
        p, k = servers["pinana"], servers["kamailio-memory"]

        def get(s, w, key):
            return s.get(w, {}).get(key)

        def check(name, value, limit, low_is_good):
            ok = None if value is None else (value <= limit if low_is_good else value >= limit)
            targets[name] = {"value": value, "limit": limit, "met": ok}

        for w, key in [("publish", "cpu_us_per_publish"), ("fanout1000", "cpu_us_per_notify")]:
            r = ratio(get(p, w, key), get(k, w, key))
            check("%s %s <= 1/5 of Kamailio" % (w, key), r, 0.2, True)
        for w, key in [("publish", "publish_per_s"), ("fanout1000", "notify_per_s")]:
            r = ratio(get(p, w, key), get(k, w, key))
            check("%s %s >= 1.5x Kamailio" % (w, key), r, 1.5, False)
        r = ratio(get(p, "latency", "last_notify_p99_ms"), get(k, "latency", "last_notify_p99_ms"))
        check("latency last_notify_p99_ms <= 1/5 of Kamailio", r, 0.2, True)
        big = idle[-1] if idle else None
        if big:
            check("%s PSS per idle subscription <= 1024 B" % big,
                  get(p, big, "pss_bytes_per_idle_subscription"), 1024, True)
        print("\nissue 6 targets (pinana hub vs Kamailio memory-only):")
        for name, t in targets.items():
            print("  %-55s %10s  %s" % (name, fmt(t["value"]),
                                         {True: "met", False: "MISSED", None: "n/a"}[t["met"]]))
    result["targets"] = targets
    report_propagation(result)
    print()


def report_propagation(result):
    """The propagation table; adds the ratios standard/native to result["node_propagation"] and
    native-through-the-hub / standard-through-Kamailio to result["ratios"]."""
    prop = result.get("node_propagation", {})
    keys = ("median_ms", "p90_ms", "p99_ms", "max_ms")
    native = prop.get("native")
    ok = {k: v for k, v in prop.items()
          if isinstance(v, dict) and v.get("median_ms") is not None}
    print("\nnode-to-node propagation: a state change PUT on node A's API until node B's WebSocket "
          "event (bench/node_propagation.py)")
    print("  %-9s %-18s %9s %9s %9s %9s %6s %17s" % (
        "profile", "server", "median ms", "p90 ms", "p99 ms", "max ms", "lost",
        "/native med, p99"))
    ratios = {}
    for key, profile, server, _ in PROPAGATION_RUNS:
        j = prop.get(key)
        if j is None:
            continue
        if key not in ok:
            print("  %-9s %-18s %s" % (profile, server, "skipped: %s" % j["skipped"]
                                       if "skipped" in j else "FAILED: %s" % j.get(
                                           "failed", "no change arrived")))
            continue
        line = "  %-9s %-18s" % (profile, server) + "".join(
            "%10s" % fmt(j.get(k)) for k in keys) + "%7s" % fmt(j.get("lost"))
        if key != "native" and "native" in ok:
            for k in keys:
                ratios["%s/native.%s" % (key, k)] = ratio(j.get(k), native.get(k))
            line += "%9s %7s" % (fmt(ratios["%s/native.median_ms" % key]) + "x",
                                 fmt(ratios["%s/native.p99_ms" % key]) + "x")
        print(line)
    if ok:
        prop["ratios"] = ratios
    # pinana against Kamailio, as the table above: the native profile through the hub over the
    # standard profile through Kamailio (the pair), then the hub and Kamailio both
    # serving the standard profile.
    for kam, mode in (("standard", "kamailio-memory"), ("standard_postgres", "kamailio-postgres")):
        if kam not in ok:
            continue
        for k in keys:
            if "native" in ok:
                result.setdefault("ratios", {})["propagation.native.%s/%s" % (k, mode)] = ratio(
                    native.get(k), ok[kam].get(k))
            if "standard_hub" in ok:
                result.setdefault("ratios", {})["propagation.standard.%s/%s" % (k, mode)] = ratio(
                    ok["standard_hub"].get(k), ok[kam].get(k))
        parts = []
        if "native" in ok:
            parts.append("native through the hub %sx (median), %sx (p99)" % (
                fmt(result["ratios"]["propagation.native.median_ms/%s" % mode]),
                fmt(result["ratios"]["propagation.native.p99_ms/%s" % mode])))
        if "standard_hub" in ok:
            parts.append("standard through the hub %sx, %sx" % (
                fmt(result["ratios"]["propagation.standard.median_ms/%s" % mode]),
                fmt(result["ratios"]["propagation.standard.p99_ms/%s" % mode])))
        if parts:
            print("  pinana/%s: %s" % (mode.split("-")[1], "; ".join(parts)))


if __name__ == "__main__":
    main()
