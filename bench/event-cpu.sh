#!/usr/bin/env bash
# Benchmark: CPU an agent spends per lease event, by thread group. As root.
# A one-node lab (scripts/lib/lab.sh; etcd in the lab's switch namespace), one agent through its launcher;
# once it has written subnet.env and idled 3 s, EVENTS/2 leases are put and deleted one at a time with
# etcdctl (about 10 events a second, each a separate watch event); the agent's CPU (utime+stime of each of its
# threads, /proc/<pid>/task) is read before and after and divided by the events, grouped by thread name
# (the agent's main thread, the gRPC/netty threads, the JIT compilers, GC, the rest; C1 compiler threads come
# and go, so the CPU of threads that ended is the process total minus the live threads). The ip/bridge batch
# processes are not counted (under 0.1 ms an event). An idle window before the events gives the background rate
# (periodic check, keepalive), taken off the total for "net of idle". Resolution: one clock tick (10 ms) per thread.
#   bench/event-cpu.sh [EVENTS]      (default 200; VXLABD_JAR / VXLABD_JAVA_OPTS select the agent)
#   IDLE_SECS=N makes the idle window N s (default EVENTS/8 + 1); its CPU is printed by thread too.
#   KEEP_LOG=FILE keeps the agent's log (e.g. with VXLABD_JAVA_OPTS="... -XX:+PrintCompilation").
#   FLANNELD=/path/to/flanneld bench/event-cpu.sh ...  the same run twice, vxlabd then the real flanneld (v0.20.2:
#       -iface=eth1 -ip-masq=false -v=2), each in a lab of its own, figures side by side (AGENT=flanneld: flanneld
#       alone). The end of the events is flanneld's "removing subnet:" line; its Go threads all carry the process's
#       name, so its CPU is one group ("other"), not split by thread.
#   LAB_HOSTNAME=vm bench/event-cpu.sh ...  the node's hostname "vm"
# The lab's underlay is $LAB_NET.0/24, default 192.168.93.0/24 (no test lab uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
export VXLAB_ROOT=$PWD
export LAB_NET=${LAB_NET:-192.168.93}
source scripts/lib/lab.sh
lab_both_agents "$0" "$@"
agent=$(lab_agent); log=$(lab_agent_log)
echo "agent: $agent $([[ $agent == flanneld ]] && "$FLANNELD" --version 2>&1 || git rev-parse --short HEAD)"
events=${1:-200}
p="vxe$$-"
work=$(mktemp -d /tmp/vxlab-ecpu-XXXX)
etcd_pid=; pid=
cleanup() {
  if [[ -n $pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  if [[ -n ${KEEP_LOG:-} && -f $work/kube1/$log ]]; then cp "$work/kube1/$log" "$KEEP_LOG"; fi
  lab_teardown "$p" "$work" "$etcd_pid"
}
trap cleanup EXIT
lab_create "$p" 1
etcd_pid=$(lab_etcd_start "$p" "$work/etcd")
lab_etcdctl "$p" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}' >/dev/null
if [[ $agent == vxlabd ]]; then node-agent/bin/vxlabd --version >/dev/null; fi

pid=$(lab_node_agent_start "$p" 1 "$work/kube1" "--iface=eth1 --healthz-ip=127.0.0.1 --healthz-port=10256" "-iface=eth1")
until grep -q "Wrote" "$work/kube1/$log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "agent exited early:" >&2; cat "$work/kube1/$log" >&2; exit 1; }
  sleep 0.1
done
sleep 3
# thread name -> ticks, one "name<TAB>ticks" line per thread
threads() {
  python3 - "$pid" <<'PY' || true
import sys, glob
pid = sys.argv[1]
for f in glob.glob(f"/proc/{pid}/task/*/stat"):
    try:
        s = open(f).read()
    except OSError:
        continue   # a thread that just ended
    name = s[s.index("(") + 1:s.rindex(")")]
    v = s[s.rindex(")") + 2:].split()
    print(f"{name}\t{int(v[11]) + int(v[12])}")
v = open(f"/proc/{pid}/stat").read()
v = v[v.rindex(")") + 2:].split()
print(f"(process)\t{int(v[11]) + int(v[12])}")   # includes threads that have ended (compiler threads come and go)
PY
}
# an idle window first, as long as the events will take: the periodic check (every 10 s) and the gRPC keepalive
# run during the events too, and are taken off
threads >"$work/idle0"
ti=$(date +%s%N)   # after the snapshot, as t0 and t1 below (a snapshot takes a python3 per thread)
sleep "${IDLE_SECS:-$(( events / 8 + 1 ))}"
threads >"$work/before"
t0=$(date +%s%N)
for k in $(seq 1 $((events / 2))); do
  subnet="10.244.$((100 + k % 100)).0/24"
  key="/coreos.com/network/subnets/${subnet/\//-}"
  lab_etcdctl "$p" put "$key" '{"PublicIP":"'"$LAB_NET"'.'$((100 + k % 100))'","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"02:00:00:00:01:'$(printf %02x $((k % 100)))'"}}' >/dev/null
  lab_etcdctl "$p" del "$key" >/dev/null
done
last="10.244.$((100 + (events / 2) % 100)).0/24"
deadline=$(( $(date +%s) + 30 ))   # an agent that drops watch events may never log the last one
until (( $(grep -c -F -- "$(lab_removed_str "$last")" "$work/kube1/$log") >= 1 )) || (( $(date +%s) > deadline )); do sleep 0.1; done
seen_add=$(grep -c -F -- "$(lab_added_str "10.244.")" "$work/kube1/$log" || true)
seen_del=$(grep -c -F -- "$(lab_removed_str "10.244.")" "$work/kube1/$log" || true)
echo "events the agent logged: $seen_add of $((events / 2)) puts, $seen_del of $((events / 2)) deletes (per-event figures divide by all $events sent)"
sleep 1
threads >"$work/after"
t1=$(date +%s%N)
tck=$(getconf CLK_TCK)
python3 - "$work/idle0" "$work/before" "$work/after" "$events" "$tck" "$ti" "$t0" "$t1" "$agent" <<'PY'
import sys, re, collections
go = sys.argv[9] == "flanneld"   # Go's threads all carry the process's name: no split by thread
def load(p):
    d = collections.Counter()
    for line in open(p):
        name, t = line.rstrip("\n").split("\t")
        d[name] += int(t)
    return d
i, a, b = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
events, tck = int(sys.argv[4]), int(sys.argv[5])
ti, t0, t1 = (int(x) for x in sys.argv[6:9])
secs = (t1 - t0) / 1e9
idle_rate = (a["(process)"] - i["(process)"]) / ((t0 - ti) / 1e9)   # ticks a second while idle
def group(n):
    if go: return "all threads (Go runtime, unnamed)"
    if n == "java": return "main"
    if re.match(r"C[12] Compiler", n): return "jit"
    if re.match(r"grpc|netty|vert|jetcd|ForkJoin|pool-|etcd|nioEvent|epoll", n, re.I): return "grpc/netty"
    if re.match(r"VM Thread|GC|Serial", n): return "gc/vm"
    return "other"
g = collections.Counter()
names = collections.Counter()
total = b.pop("(process)") - a.pop("(process)")
for n in set(a) | set(b):
    d = b[n] - a[n]
    g[group(n)] += d
    names[n] += d
g["all threads (Go runtime, unnamed)" if go else "ended threads (mostly jit)"] += total - sum(g.values())
tot = total
ms = lambda t: t * 1000.0 / tck / events
print(f"per event ({events} events): in {secs:.1f} s, total {ms(tot):.2f} ms, {ms(tot - idle_rate * secs):.2f} ms net of idle"
      f" ({idle_rate * 1000 / tck:.1f} ms CPU a second while idle); " + ", ".join(f"{k} {ms(v):.2f}" for k, v in sorted(g.items(), key=lambda x: -x[1])))
idle_secs = (t0 - ti) / 1e9
idle = sorted(((n, a[n] - i[n]) for n in a if n != "(process)" and a[n] > i[n]), key=lambda x: -x[1])
print(f"idle, before the events (ms CPU a second): {idle_secs:.0f} s, total {idle_rate * 1000 / tck:.2f}; "
      + ", ".join(f"{n} {t * 1000 / tck / idle_secs:.2f}" for n, t in idle[:8]))
print("busiest threads (ms/event): " + ", ".join(f"{n} {ms(v):.2f}" for n, v in names.most_common(8) if v > 0))
PY
