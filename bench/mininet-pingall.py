#!/usr/bin/python3
"""What `mn --topo single,N --switch SWITCH --controller none --test pingall` does, without mn's cleanup.

bench/up.sh's yardstick. The `mn` command itself is not run: on any exception (and on Ctrl-C) it calls
mininet.clean.cleanup(), the same as `mn -c`, which kills processes by broad patterns (pkill -f, killall ... ping
...), deletes every root-namespace link named like *-eth*, and removes /tmp/*.log and /tmp/*.out -- things this
benchmark does not own. This script builds the same network with the same classes (Mininet, SingleSwitchTopo, the
switch class mn's --switch names, no controller), starts it, runs net.pingAll() and net.stop() exactly as
`--test pingall` does, and on a failure removes only what this run made: its hosts' shells by PID, and the links
and bridge it created, by name.

Also left out: Mininet.init()'s fixLimits(), which raises root-namespace sysctls (fs.file-max, net.core.*mem_max,
neighbour table sizes, ...) machine-wide; a few dozen hosts do not need them.

   /usr/bin/python3 bench/mininet-pingall.py N [lxbr|ovsk]     (as root; Debian's mininet and bridge-utils)

Prints one line "mininet: ..." with the wall time of each phase and the pingall result; exit 0 when pingall lost
nothing. The hosts are 10.0.0.1..N, each in a network namespace of its own (mnexec -n); the switch s1 and its ports
s1-eth1..N are in the root namespace with no address (mn's way); the root namespace is given no address or route.
"""
import subprocess
import sys
import time

t_import = time.time()
from mininet.log import setLogLevel  # noqa: E402
from mininet.net import Mininet  # noqa: E402
from mininet.node import OVSSwitch  # noqa: E402
from mininet.nodelib import LinuxBridge  # noqa: E402
from mininet.topo import SingleSwitchTopo  # noqa: E402

n = int(sys.argv[1])
kind = sys.argv[2] if len(sys.argv) > 2 else "lxbr"
switch = {"lxbr": LinuxBridge, "ovsk": OVSSwitch}[kind]
setLogLevel("warning")
Mininet.inited = True  # skip Mininet.init(): fixLimits() changes machine-wide sysctls
# the root-namespace links this run will make (SingleSwitchTopo: switch s1, ports s1-eth1..N): none may exist yet,
# so that a failure's clean-up removes only this run's
made_links = ["s1"] + [f"s1-eth{i}" for i in range(1, n + 1)]
there = [x for x in made_links if subprocess.run(["ip", "link", "show", "dev", x], capture_output=True).returncode == 0]
if there:
    print(f"mininet: not run: the root namespace already has {' '.join(there)} (not this run's; nothing touched)")
    sys.exit(2)
t0 = time.time()
net = None
ok = False
try:
    net = Mininet(topo=SingleSwitchTopo(k=n), switch=switch, controller=None, build=False)
    net.build()
    t1 = time.time()
    net.start()
    t2 = time.time()
    loss = net.pingAll()
    t3 = time.time()
    net.stop()
    t4 = time.time()
    ok = loss == 0
    print(f"mininet: switch {kind}, {n} hosts; imports {t0 - t_import:.2f} s, build {t1 - t0:.2f} s, start {t2 - t1:.2f} s,"
          f" pingall {t3 - t2:.2f} s ({loss:.0f}% dropped, {n * (n - 1)} pings), stop {t4 - t3:.2f} s, total {t4 - t0:.2f} s")
except BaseException as e:  # noqa: B036 -- SystemExit from mininet's dependency checks too
    print(f"mininet: switch {kind}, {n} hosts: FAILED after {time.time() - t0:.2f} s: {type(e).__name__}: {e}")
    if net is not None:
        try:
            net.stop()
        except BaseException as e2:  # noqa: B036
            print(f"mininet: net.stop() failed too: {e2}")
        for h in net.hosts + net.switches:  # the shells mininet started for its nodes, by PID
            if getattr(h, "shell", None) is not None and h.shell.poll() is None:
                h.shell.kill()
    # what this run created in the root namespace, by name, if still there
    for link in made_links:
        if subprocess.run(["ip", "link", "show", "dev", link], capture_output=True).returncode == 0:
            subprocess.run(["ip", "link", "del", "dev", link], capture_output=True)
            print(f"mininet: removed leftover link {link}")
sys.exit(0 if ok else 1)
