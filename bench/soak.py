#!/usr/bin/env python3
"""The soak's driver, run by bench/soak.sh in a netns lab that soak.sh made (read soak.sh's header first).

Three threads over one lab:
  - the supervisor plays systemd's part for every node's agent (vxlabd.service: Restart=on-failure, RestartSec=5):
    every 0.5 s it reads the agent's pid file in the node's own /run (through /proc/<the node's sshd>/root) and,
    once the agent is gone (no process, or a zombie) for RestartSec, runs the node's restart script over
    `vxlab ssh`, and counts it;
  - the faulter makes one fault at a time from a list drawn up front from SEED, the next one 15-30 s (drawn) after
    the previous was made, but never before the previous one has recovered;
  - the main thread samples: the invariants (each node's subnet.env, flannel.1's FDB, the agents' processes, etcd's
    leases and members' health), then `vxlab verify LAB --json`, again and again.
A fault has recovered at the end of the first sample that began after the fault was cleared (see CLEARED) and found
the matrix green, every agent running and holding its lease, and every etcd member healthy.
Nothing is sent from the root namespace: etcdctl runs in the first node's namespace, ping in the nodes'.
"""
import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

KINDS = ["agent-kill", "agent-stop", "etcd-kill", "etcd-restart", "route-del", "fdb-del"]
# what "cleared" means for each kind: the moment the soak stops making the fault; recovery is counted from there
CLEARED = {
    "agent-kill": "the kill -9 (the supervisor's restart, RestartSec included, is part of the recovery)",
    "agent-stop": "the SIGCONT, lease TTL + 5 s after the SIGSTOP",
    "etcd-kill": "`vxlab up` returned, having started the member again (it is left down 5-15 s first)",
    "etcd-restart": "the last of the three `vxlab up`, each after one member's SIGTERM, returned",
    "route-del": "the `ip route del` on the node",
    "fdb-del": "the `bridge fdb del` on the node",
}
RECOVERY_TIMEOUT = 180
LEASE_PREFIX = "/coreos.com/network/subnets/"


class Lab:
    def __init__(self, a):
        self.name, self.spec, self.home, self.repo = a.lab, a.spec, a.home, a.repo
        self.nodes = [f"node{i}" for i in range(1, a.nodes + 1)]
        self.ip = {n: f"{a.net}.{10 + i}" for i, n in enumerate(self.nodes, 1)}
        self.dir = os.path.join(self.home, "labs", self.name)
        self.endpoints = [f"http://{a.net}.1:{p}" for p in ("2379", "22379", "32379")]
        self.env = dict(os.environ, VXLAB_HOME=self.home)
        self._sshd = {}

    def state(self):
        with open(os.path.join(self.dir, "state.json")) as f:
            return json.load(f)

    def ns(self, node):
        return f"vx-{self.name}-n-{node}"

    def sshd(self, node):
        pid = self._sshd.get(node)
        if pid is None or not os.path.exists(f"/proc/{pid}"):
            pid = self._sshd[node] = self.state()["pids"][f"sshd/{node}"]
        return pid

    def etcd_pid(self, index):
        return self.state()["pids"].get("etcd" if index == 1 else f"etcd-{index}")

    def node_file(self, node, path):
        """A file of the node's own mount namespace (its /run is private), read through its sshd's root."""
        try:
            with open(f"/proc/{self.sshd(node)}/root{path}") as f:
                return f.read()
        except (OSError, KeyError):
            return None

    def log(self, node):
        return os.path.join(self.dir, "nodes", node, "var.upper", "log", "vxlabd.log")

    def agent_pid(self, node):
        s = self.node_file(node, "/run/vxlabd.pid")
        return int(s) if s and s.strip().isdigit() else None

    def agent_to_signal(self, node):
        """The node's agent, checked before a signal is sent: a java process in the node's network namespace."""
        pid = self.agent_pid(node)
        try:
            comm = open(f"/proc/{pid}/comm").read().strip()
            same_ns = os.readlink(f"/proc/{pid}/ns/net") == os.readlink(f"/proc/{self.sshd(node)}/ns/net")
        except (OSError, TypeError):
            comm, same_ns = None, False
        if comm != "java" or not same_ns:
            raise RuntimeError(f"{node}'s pid file names pid {pid}, not its agent (comm {comm}, in its namespace: {same_ns})")
        return pid

    def etcd_to_signal(self, index):
        """Member index's etcd, checked before a signal is sent: an etcd whose data directory is under this lab's state."""
        pid = self.etcd_pid(index)
        try:
            args = open(f"/proc/{pid}/cmdline").read().split("\0")
        except (OSError, TypeError):
            args = []
        if not args or os.path.basename(args[0]) != "etcd" or not any(a.startswith(self.dir + "/") for a in args):
            raise RuntimeError(f"etcd member {index}'s recorded pid {pid} is not this lab's etcd ({' '.join(args)[:120]})")
        return pid

    def subnet(self, node):
        s = self.node_file(node, "/run/flannel/subnet.env")
        m = re.search(r"^FLANNEL_SUBNET=(\d+\.\d+\.\d+)\.\d+/(\d+)", s or "", re.M)
        return f"{m.group(1)}.0/{m.group(2)}" if m else None

    def vxlab(self, *args, timeout=120):
        return subprocess.run([os.path.join(self.repo, "vxlab"), *args], env=self.env, cwd=self.repo, capture_output=True,
                              text=True, timeout=timeout)

    def in_ns(self, node, *cmd, timeout=10):
        return subprocess.run(["ip", "netns", "exec", self.ns(node), *cmd], capture_output=True, text=True, timeout=timeout)

    def etcdctl(self, *args):
        return self.in_ns(self.nodes[0], "env", "ETCDCTL_API=3", "etcdctl", "--endpoints=" + ",".join(self.endpoints),
                          "--dial-timeout=2s", "--command-timeout=3s", *args)


def proc_state(pid):
    """The process's state letter (R, S, T, Z...), or None when there is no such process."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("State:"):
                    return line.split()[1]
    except OSError:
        return None
    return None


def running(pid):
    return proc_state(pid) not in (None, "Z", "X")


class Soak:
    def __init__(self, a):
        self.a = a
        self.lab = Lab(a)
        self.t0 = time.monotonic()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.out_lock = threading.Lock()
        self.restarts = []             # (t, node, ok)
        self.deaths = []               # (t, node, expected)
        self.killed = {}               # node -> t of the soak's own kill -9 (an expected death)
        self.dead_since = {}           # node -> since when its agent is gone (reset at each restart attempt)
        self.gone_since = {}           # node -> since when its agent is gone (not reset)
        self.stopped = set()           # nodes whose agent the soak has SIGSTOPped now
        self.violations = []           # (t, kind, what)
        self.seen_violation = set()
        self.subnet_changes = []       # (t, node, old, new)
        self.faults = []
        self.current = None            # the fault in progress
        self.over = False              # the sampling has ended: no more faults
        self.samples = []
        self.first_subnet = {}
        self.last_subnet = {}

    def t(self):
        return time.monotonic() - self.t0

    def say(self, s):
        with self.out_lock:
            print(f"+{self.t():6.1f} s  {s}", flush=True)

    def violation(self, kind, what, key=None):
        with self.lock:
            self.violations.append((self.t(), kind, what))
            first = (key or what) not in self.seen_violation
            self.seen_violation.add(key or what)
        if first:
            self.say("INVARIANT BROKEN: " + what)

    # --- the supervisor: systemd's Restart=on-failure, RestartSec ---------------------------------------------------
    def supervise(self):
        while not self.stop.is_set():
            for node in self.lab.nodes:
                if self.stop.is_set():
                    break
                pid = self.lab.agent_pid(node)
                if running(pid):
                    self.dead_since.pop(node, None)
                    self.gone_since.pop(node, None)
                    continue
                now = self.t()
                if node not in self.dead_since:
                    self.dead_since[node] = self.gone_since[node] = now
                    expected = node in self.killed and now - self.killed[node] < 10
                    self.deaths.append((now, node, expected))
                    if not expected:
                        tail = open(self.lab.log(node)).read().splitlines()[-3:] if os.path.exists(self.lab.log(node)) else []
                        self.say(f"agent on {node} (pid {pid}) exited by itself; its log ends: " + " | ".join(tail))
                elif now - self.dead_since[node] >= self.a.restart_sec:
                    r = self.lab.vxlab("ssh", self.lab.name, node, "--", "/opt/vxlab/bin/vxlabd-restart")
                    self.restarts.append((self.t(), node, r.returncode == 0))
                    if r.returncode != 0:
                        self.say(f"supervisor: restarting {node}'s agent failed: {r.stderr.strip()[-200:]}")
                    self.dead_since[node] = self.t()   # a failed start waits RestartSec again, as systemd would
                if now - self.gone_since[node] > self.a.restart_sec + 60:
                    self.violation("agent not back", f"agent on {node} not back {now - self.gone_since[node]:.0f} s after it exited",
                                   "gone " + node)
            self.stop.wait(0.5)

    # --- one sample: the invariants, then the ping matrix -------------------------------------------------------------
    def invariants(self):
        lab, t = self.lab, self.t()
        agents = {n: proc_state(lab.agent_pid(n)) for n in lab.nodes}
        subnets = {n: lab.subnet(n) for n in lab.nodes}
        by_subnet = {}
        for n, s in subnets.items():
            if s:
                by_subnet.setdefault(s, []).append(n)
        for s, ns in by_subnet.items():
            if len(ns) > 1:
                self.violation("shared subnet", f"nodes {', '.join(ns)} share subnet {s}", "share " + s)
        for n, s in subnets.items():
            if s and n in self.last_subnet and self.last_subnet[n] != s:
                self.subnet_changes.append((t, n, self.last_subnet[n], s))
                self.say(f"{n}'s subnet changed: {self.last_subnet[n]} -> {s}")
            if s:
                self.last_subnet[n] = s
        fdb_ok = {}
        for n in lab.nodes:
            r = lab.in_ns(n, "bridge", "fdb", "show", "dev", "flannel.1")
            entries = [l.split() for l in r.stdout.splitlines() if " dst " in l]
            macs = [e[0] for e in entries]
            dsts = [e[e.index("dst") + 1] for e in entries]
            dup = sorted({x for x in macs if macs.count(x) > 1} | {x for x in dsts if dsts.count(x) > 1})
            if dup:
                self.violation("duplicate FDB entry", f"duplicate FDB entries on {n}'s flannel.1 for {', '.join(dup)}: "
                               + " | ".join(" ".join(e) for e in entries if set(e) & set(dup)), "fdb " + n + " ".join(dup))
            fdb_ok[n] = len(entries)
        leases, lease_error = {}, None
        r = lab.etcdctl("get", "--prefix", LEASE_PREFIX)
        if r.returncode == 0:
            lines = r.stdout.splitlines()
            for k, v in zip(lines[0::2], lines[1::2]):
                try:
                    leases[k[len(LEASE_PREFIX):].replace("-", "/")] = json.loads(v)["PublicIP"]
                except (ValueError, KeyError):
                    pass
        else:
            lease_error = r.stderr.strip()[-200:]
        by_ip = {}
        for s, ip in leases.items():
            by_ip.setdefault(ip, []).append(s)
        for ip, ss in by_ip.items():
            if len(ss) > 1:
                self.violation("two leases for one node", f"{ip} holds {len(ss)} leases in etcd: {', '.join(sorted(ss))}", "leases " + ip)
        health = {}
        r = lab.etcdctl("endpoint", "health", "-w", "json")
        try:
            for e in json.loads(r.stdout or "[]"):
                health[e["endpoint"]] = bool(e.get("health"))
        except ValueError:
            pass
        etcd_ok = all(health.get(e) for e in lab.endpoints)
        holds = {n: subnets[n] is not None and leases.get(subnets[n]) == lab.ip[n] for n in lab.nodes}
        healthy = (all(a not in (None, "Z", "X", "T") for a in agents.values()) and all(holds.values()) and etcd_ok)
        return {"t": t, "agents": agents, "subnets": subnets, "holds": holds, "etcd": health, "etcd_ok": etcd_ok,
                "lease_error": lease_error, "healthy": healthy, "fdb": fdb_ok}

    def verify(self):
        t0 = self.t()
        try:
            r = self.lab.vxlab("verify", self.lab.name, "--json", timeout=90)
            out, err, rc = r.stdout, r.stderr, r.returncode
        except subprocess.TimeoutExpired:
            out, err, rc = "", "timed out after 90 s", -1
        t1 = self.t()
        try:
            v = json.loads(out)
            failed = v.get("failed", [])
            total = len(v.get("pairs", []))
        except ValueError:
            failed, total = None, 0
        green = rc == 0 and failed == []
        return {"t0": t0, "t1": t1, "green": green, "failed": failed, "pairs": total,
                "error": None if failed is not None else (err.strip().splitlines() or ["exit %d" % rc])[-1][:200]}

    def sample_loop(self, end):
        while True:
            inv = self.invariants()
            ver = self.verify()
            s = {"inv": inv, "ver": ver}
            self.samples.append(s)
            f = self.current
            if f is not None:
                f["samples"] += 1
                if not ver["green"]:
                    n = len(ver["failed"]) if ver["failed"] is not None else self.pairs()
                    if n > f["red"]:
                        f["red"], f["red_pairs"] = n, ver["failed"] or [ver["error"]]
                if (f.get("cleared") is not None and "recovered" not in f and inv["t"] >= f["cleared"]
                        and ver["green"] and inv["healthy"]):
                    f["recovered"] = ver["t1"]
                    f["recovery"] = f["recovered"] - f["cleared"]
                    f["done"].set()
            with self.lock:   # no fault may start once this says the soak is over
                c = self.current
                if self.stop.is_set() or (self.t() >= end and (c is None or "recovered" in c or self.t() > end + RECOVERY_TIMEOUT)):
                    self.over = True
                    return
            self.stop.wait(self.a.pause)

    def pairs(self):
        n = len(self.lab.nodes)
        return n * (n - 1)

    # --- the faults ---------------------------------------------------------------------------------------------------
    def schedule(self):
        rng = random.Random(self.a.seed)
        plan = []
        for _ in range(500):
            kinds = self.a.kinds
            plan.append({"gap": rng.uniform(15, 30), "kind": kinds[rng.randrange(len(kinds))],
                         "node": rng.randrange(len(self.lab.nodes)), "peer": rng.randrange(len(self.lab.nodes) - 1),
                         "member": rng.randrange(3) + 1, "down": rng.uniform(5, 15), "order": rng.sample([1, 2, 3], 3)})
        return plan

    def fault_loop(self, end):
        made = self.t()   # the first fault comes a drawn gap after the start
        for i, p in enumerate(self.schedule(), 1):
            at = made + p["gap"]
            prev = self.current
            while not self.stop.is_set() and self.t() < at:
                self.stop.wait(0.2)
            if prev is not None:
                prev["done"].wait(max(0.0, prev["made"] + RECOVERY_TIMEOUT - self.t()) if "recovered" not in prev else 0)
            late = self.t() - at
            f = {"n": i, "kind": p["kind"], "samples": 0, "red": 0, "done": threading.Event(), "late": late}
            node = self.lab.nodes[p["node"]]
            peers = [n for n in self.lab.nodes if n != node]
            peer = peers[p["peer"]]
            f["finished"] = threading.Event()
            with self.lock:
                if self.over or self.stop.is_set() or self.t() >= end:
                    return
                f["made"] = self.t()
                self.current = f
                self.faults.append(f)
            threading.Thread(target=self.report_fault, args=(f,), daemon=True).start()
            try:
                getattr(self, "fault_" + p["kind"].replace("-", "_"))(f, p, node, peer)
            except Exception as e:  # a fault that could not be made is reported, the soak goes on
                f["detail"] = f"could not be made: {e}"
                f.setdefault("cleared", self.t())
            f["finished"].set()
            made = f["made"]

    def report_fault(self, f):
        f["done"].wait(RECOVERY_TIMEOUT)
        f["finished"].wait(RECOVERY_TIMEOUT)
        if "recovered" in f:
            rec = f"green again {f['recovery']:.1f} s after it was cleared ({f['recovered'] - f['made']:.1f} s after it was made)"
        else:
            rec = f"NOT recovered {RECOVERY_TIMEOUT} s after it was made"
        red = (f"red seen: {f['red']} of {self.pairs()} pairs at worst ({', '.join(map(str, f['red_pairs'][:4]))}"
               + (", ..." if len(f["red_pairs"]) > 4 else "") + ")") if f["red"] else "the matrix stayed green"
        late = f", {f['late']:.0f} s late (the previous one had not recovered)" if f["late"] > 1 else ""
        self.say(f"fault {f['n']} {f['kind']} {f.get('target', '')}: {f.get('detail', '')}; {rec}; {red}{late}")

    def lease_lines(self, node, pattern):
        try:
            return [l for l in open(self.lab.log(node)).read().splitlines() if pattern in l]
        except OSError:
            return []

    def wait_lease(self, f, node, before, since):
        """Waits (up to 60 s) for a new "Subnet lease acquired" line in node's log; notes how long after `since`."""
        deadline = self.t() + 60
        while self.t() < deadline and not self.stop.is_set():
            lines = self.lease_lines(node, "Subnet lease acquired")
            if len(lines) > before:
                got = lines[-1].rsplit(" ", 1)[-1]
                same = "same subnet" if got == f["subnet"] else f"a NEW subnet (was {f['subnet']})"
                return f"lease {got} ({same}) {self.t() - since:.1f} s later"
            time.sleep(0.2)
        return "no new lease within 60 s"

    def fault_agent_kill(self, f, p, node, peer):
        pid = self.lab.agent_to_signal(node)
        f["target"], f["subnet"] = node, self.lab.subnet(node)
        before = len(self.lease_lines(node, "Subnet lease acquired"))
        self.killed[node] = self.t()
        os.kill(pid, signal.SIGKILL)
        f["cleared"] = self.t()
        f["detail"] = f"pid {pid} killed; " + self.wait_lease(f, node, before, f["cleared"])
        r = [x for x in self.restarts if x[1] == node and x[0] >= f["cleared"]]
        if r:
            f["detail"] += f" (restarted by the supervisor {r[0][0] - f['cleared']:.1f} s after the kill)"

    def fault_agent_stop(self, f, p, node, peer):
        pid = self.lab.agent_to_signal(node)
        f["target"], f["subnet"] = node, self.lab.subnet(node)
        before = len(self.lease_lines(node, "Subnet lease acquired"))
        lost = len(self.lease_lines(node, " lost: "))
        os.kill(pid, signal.SIGSTOP)
        self.stopped.add(node)
        self.stop.wait(self.a.ttl + 5)
        os.kill(pid, signal.SIGCONT)
        self.stopped.discard(node)
        f["cleared"] = self.t()
        got = self.wait_lease(f, node, before, f["cleared"])
        was_lost = len(self.lease_lines(node, " lost: ")) > lost
        f["detail"] = (f"pid {pid} stopped {self.a.ttl + 5} s; " + ("its lease had expired; " if was_lost else "lease NOT lost; ")
                       + got)

    def etcd_up(self):
        t = self.t()
        r = self.lab.vxlab("up", self.lab.spec, timeout=180)
        why = re.search(r"restarted ([^;()]+), which rejoined", r.stdout)
        return r.returncode, self.t() - t, (why.group(0) if why else (r.stdout + r.stderr).strip()[-160:])

    def fault_etcd_kill(self, f, p, node, peer):
        m = p["member"]
        pid = self.lab.etcd_to_signal(m)
        f["target"] = f"member {m}"
        os.kill(pid, signal.SIGKILL)
        self.stop.wait(p["down"])
        rc, took, line = self.etcd_up()
        f["cleared"] = self.t()
        f["detail"] = f"pid {pid} killed, down {p['down']:.0f} s, then `vxlab up` ({took:.1f} s, exit {rc}: {line})"

    def fault_etcd_restart(self, f, p, node, peer):
        f["target"] = "members " + ",".join(map(str, p["order"]))
        parts = []
        for m in p["order"]:
            pid = self.lab.etcd_to_signal(m)
            os.kill(pid, signal.SIGTERM)
            deadline = self.t() + 10
            while running(pid) and self.t() < deadline:
                time.sleep(0.1)
            rc, took, _ = self.etcd_up()
            parts.append(f"{m}: {took:.1f} s" + ("" if rc == 0 else f" exit {rc}"))
        f["cleared"] = self.t()
        f["detail"] = "each stopped (SIGTERM) and started again by `vxlab up`, one at a time (" + ", ".join(parts) + ")"

    def fault_route_del(self, f, p, node, peer):
        s = self.lab.subnet(peer)
        f["target"] = f"{node} -> {peer}"
        r = self.lab.in_ns(node, "ip", "route", "del", s, "dev", "flannel.1")
        if r.returncode != 0:
            raise RuntimeError(f"ip route del {s}: {r.stderr.strip()}")
        f["cleared"] = self.t()
        f["detail"] = f"route {s} deleted; " + self.wait_kernel(
            f, lambda: self.lab.in_ns(node, "ip", "route", "show", s, "dev", "flannel.1").stdout.strip(), "route")

    def fault_fdb_del(self, f, p, node, peer):
        ip = self.lab.ip[peer]
        f["target"] = f"{node} -> {peer}"
        entries = [l.split() for l in self.lab.in_ns(node, "bridge", "fdb", "show", "dev", "flannel.1").stdout.splitlines()
                   if f" dst {ip} " in l + " "]
        if not entries:
            raise RuntimeError(f"no FDB entry for {ip} on {node}")
        mac = entries[0][0]
        r = self.lab.in_ns(node, "bridge", "fdb", "del", mac, "dev", "flannel.1", "dst", ip)
        if r.returncode != 0:
            raise RuntimeError(f"bridge fdb del {mac}: {r.stderr.strip()}")
        f["cleared"] = self.t()
        f["detail"] = f"FDB {mac} dst {ip} deleted; " + self.wait_kernel(
            f, lambda: [l for l in self.lab.in_ns(node, "bridge", "fdb", "show", "dev", "flannel.1").stdout.splitlines()
                        if l.startswith(mac + " ") and f" dst {ip} " in l + " "], "entry")

    def wait_kernel(self, f, present, what):
        deadline = self.t() + 90
        while self.t() < deadline and not self.stop.is_set():
            if present():
                f["repair"] = self.t() - f["cleared"]
                return f"the agent put the {what} back {f['repair']:.1f} s later"
            time.sleep(0.5)
        return f"the {what} was NOT put back within 90 s"

    # --- the run ------------------------------------------------------------------------------------------------------
    def final(self):
        inv = self.invariants()
        ver = self.verify()
        n = len(self.lab.nodes)
        lab = self.lab
        problems = []
        for node in lab.nodes:
            if inv["agents"][node] in (None, "Z", "X", "T"):
                problems.append(f"agent on {node} is not running (state {inv['agents'][node]})")
                self.violation("agent not back", f"agent on {node} not running at the end", "end " + node)
            elif not inv["holds"][node]:
                problems.append(f"agent on {node} holds no lease matching its subnet.env ({inv['subnets'][node]})")
                self.violation("agent not back", f"agent on {node} holds no lease at the end", "endlease " + node)
            routes = lab.in_ns(node, "ip", "-4", "route", "show", "dev", "flannel.1").stdout.strip().splitlines()
            if len(routes) != n - 1 or inv["fdb"][node] != n - 1:
                problems.append(f"{node}: {len(routes)} routes, {inv['fdb'][node]} FDB entries on flannel.1 (want {n - 1})")
        if not ver["green"]:
            problems.append(f"the last matrix is not green: {ver['failed'] or ver['error']}")
        return inv, ver, problems

    def summary(self, inv, ver, problems):
        p = print
        dur = [s["ver"]["t1"] - s["ver"]["t0"] for s in self.samples]
        red = sum(1 for s in self.samples if not s["ver"]["green"])
        p("== summary")
        p(f"samples: {len(self.samples)} (each: invariants, then `vxlab verify`, which took p50 {statistics.median(dur):.1f} s,"
          f" max {max(dur):.1f} s); {red} samples with a red matrix")
        rec = [f["recovery"] for f in self.faults if "recovery" in f]
        by = {}
        for f in self.faults:
            by.setdefault(f["kind"], []).append(f)
        p(f"faults: {len(self.faults)}; recovered {len(rec)}; recovery after clearing p50 {fmt(med(rec))} s, max {fmt(mx(rec))} s")
        for k in KINDS:
            fs = by.get(k, [])
            if not fs:
                continue
            r = [f["recovery"] for f in fs if "recovery" in f]
            made = [f["recovered"] - f["made"] for f in fs if "recovered" in f]
            rep = [f["repair"] for f in fs if "repair" in f]
            reds = sum(1 for f in fs if f["red"])
            p(f"  {k:13s} {len(fs):2d}: recovery p50 {fmt(med(r))} s, max {fmt(mx(r))} s; from the fault made p50 {fmt(med(made))},"
              f" max {fmt(mx(made))} s; matrix red during {reds} of {len(fs)}"
              + (f"; agent's repair of the kernel entry p50 {fmt(med(rep))} s, max {fmt(mx(rep))} s" if rep else ""))
        late = [f["late"] for f in self.faults if f["late"] > 1]
        if late:
            p(f"faults made late because the previous one had not recovered: {len(late)} (max {max(late):.0f} s)")
        ok_restarts = sum(1 for r in self.restarts if r[2])
        p(f"agent restarts by the soak's supervisor (systemd's Restart=on-failure, RestartSec={self.a.restart_sec}): "
          f"{ok_restarts} ({len(self.restarts) - ok_restarts} failed)")
        unexpected = [d for d in self.deaths if not d[2]]
        p(f"agents that exited without the soak killing them: {len(unexpected)}"
          + (" (" + ", ".join(f"{d[1]} at +{d[0]:.0f} s" for d in unexpected) + ")" if unexpected else ""))
        p("lost:")
        p(f"  leases that changed subnet: {len(self.subnet_changes)}"
          + "".join(f"; {n} {a} -> {b} at +{t:.0f} s" for t, n, a, b in self.subnet_changes))
        changed = [n for n in self.lab.nodes if inv["subnets"][n] != self.first_subnet.get(n)]
        p(f"  nodes whose subnet at the end is not the one at the start: {len(changed)} {' '.join(changed)}")
        p(f"  faults not recovered within {RECOVERY_TIMEOUT} s: {sum(1 for f in self.faults if 'recovered' not in f)}")
        p(f"  agents not back at the end: {sum(1 for n in self.lab.nodes if inv['agents'][n] in (None, 'Z', 'X', 'T'))}")
        kinds = {}
        for _, k, _ in self.violations:
            kinds[k] = kinds.get(k, 0) + 1
        p(f"  invariant violations (sample x finding): {len(self.violations)}" + "".join(f"; {k}: {v}" for k, v in kinds.items()))
        for x in problems:
            p("  at the end: " + x)
        p(f"end state: {len(self.lab.nodes)} agents, matrix {'green' if ver['green'] else 'RED'} ({ver['pairs']} pairs),"
          f" etcd members healthy: {sum(1 for v in inv['etcd'].values() if v)} of 3")

    def run(self):
        start = self.invariants()
        self.first_subnet = dict(start["subnets"])
        self.last_subnet = dict(start["subnets"])
        if not start["healthy"]:
            print("the lab is not healthy before the soak: " + json.dumps({k: start[k] for k in ("agents", "holds", "etcd")}))
            return 1
        print(f"seed {self.a.seed}, {len(self.lab.nodes)} nodes, {self.a.duration} s, faults {','.join(self.a.kinds)},"
              f" lease TTL {self.a.ttl} s, RestartSec {self.a.restart_sec} s; the first faults drawn: "
              + ", ".join(x["kind"] for x in self.schedule()[:8]), flush=True)
        end = self.t() + self.a.duration
        sup = threading.Thread(target=self.supervise, daemon=True)
        fl = threading.Thread(target=self.fault_loop, args=(end,), daemon=True)
        sup.start()
        fl.start()
        try:
            self.sample_loop(end)
            fl.join(timeout=RECOVERY_TIMEOUT)
            for f in self.faults:
                f["done"].wait(max(0.0, f["made"] + RECOVERY_TIMEOUT - self.t()))
            time.sleep(0.5)   # the last fault's line
            inv, ver, problems = self.final()
            self.summary(inv, ver, problems)
        finally:
            self.stop.set()
            for node in list(self.stopped):   # never leave an agent stopped (down could not stop it)
                pid = self.lab.agent_pid(node)
                if pid:
                    os.kill(pid, signal.SIGCONT)
            sup.join(timeout=30)
        return 1 if self.violations else 0


def med(x):
    return statistics.median(x) if x else None


def mx(x):
    return max(x) if x else None


def fmt(v):
    return "-" if v is None else f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--net", required=True)
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--duration", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--ttl", type=int, required=True)
    ap.add_argument("--restart-sec", type=int, default=5)
    ap.add_argument("--pause", type=float, default=1.0)
    ap.add_argument("--kinds", default=",".join(KINDS))
    a = ap.parse_args()
    a.kinds = a.kinds.split(",")
    bad = [k for k in a.kinds if k not in KINDS]
    if bad:
        sys.exit(f"unknown fault kind(s) {bad}; known: {KINDS}")
    sys.exit(Soak(a).run())


if __name__ == "__main__":
    main()
