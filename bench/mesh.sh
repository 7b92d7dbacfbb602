#!/usr/bin/env bash
# Benchmark of the data plane, as root, in a sealed lab of N Vagrant-shaped nodes in network namespaces
# (scripts/lib/lab.sh) with etcd in the lab's switch namespace:
#   1. all N agents started at the same moment -> time until the full mesh (every node has a route to every
#      other node's subnet: on flannel.1 for vxlan, via the peer's eth1 address for host-gw), checked with
#      `ip route` every 0.25 s;
#   2. join latency: JOINS times, a new lease is put with etcdctl; for each peer, time from the moment a
#      watcher (`etcdctl watch`, beside the agents) sees the put to the peer's "Subnet added" (logged after
#      the kernel change);
#   3. leave latency: the lease is deleted; time from the watcher seeing it to each peer's "Subnet removed".
#   4. agent RSS and CPU seconds (utime+stime) of every agent once the mesh is idle, and each agent's CPU per lease
#      event during 2-3 (net of its idle rate);
#   5. iperf3 container->container (over the overlay, or routed for host-gw) against node->node on the underlay (node 1 -> node 2),
#      IPERF_RUNS alternating pairs (default 3) and the median ratio.
#   bench/mesh.sh [NODES] [JOINS]      (defaults 16 and 5)
#   BACKEND=host-gw bench/mesh.sh ...  the same with the host-gw backend (default vxlan): its iperf3 ratio is what
#                                      the container plumbing alone costs, with no encapsulation at all
#   LAB_HOSTNAME=vm bench/mesh.sh ...  every node with one hostname (machines cloned from one image); each must
#                                      still lease a subnet of its own and reach the full mesh
#   FLANNELD=/path/to/flanneld bench/mesh.sh ...  the same benchmark run twice, vxlabd then the real flanneld
#                                      (v0.20.2: -iface=eth1 -ip-masq=false -v=2), each in a lab of its own, and the
#                                      figures side by side (AGENT=flanneld runs flanneld alone). flanneld's join/leave
#                                      times are to its "adding subnet:" / "removing subnet:" lines (-v=2), which it
#                                      logs just before its netlink calls, where vxlabd logs after the kernel change;
#                                      it has no /metrics, and its Go threads carry no names (no split by thread).
#   MESH_TIMEOUT=S (default 300, 60 for flanneld): how long to wait for the full mesh; when it is not reached the
#                                      routes that exist are reported and the benchmark goes on
#   EVENT_TIMEOUT=S (default 30): how long to wait for every peer's line for one join or leave; a peer that never
#                                      logs it is counted as missed
# The lab's underlay is $LAB_NET.0/24, default 192.168.92.0/24 (no test lab uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
export VXLAB_ROOT=$PWD
export LAB_NET=${LAB_NET:-192.168.92}
source scripts/lib/lab.sh
lab_both_agents "$0" "$@"
agent=$(lab_agent); log=$(lab_agent_log)
n=${1:-16}
joins=${2:-5}
backend=${BACKEND:-vxlan}
case $backend in
  vxlan) backend_data='{"VNI":1,"VtepMAC":"02:00:00:00:00:%02x"}' ;;
  host-gw) backend_data='null' ;;
  *) echo "BACKEND must be vxlan or host-gw, not '$backend'" >&2; exit 2 ;;
esac
p="vxm$$-"
work=$(mktemp -d /tmp/vxlab-mesh-XXXX)
pids=()
etcd_pid=
cleanup() {
  if [[ -n ${watch_pid:-} ]]; then kill "$watch_pid" 2>/dev/null || true; fi
  lab_teardown "$p" "$work" "$etcd_pid" "${pids[@]}"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
stats() { grep . | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "no samples"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "p50 %s  max %s  min %s  (n=%d)\n", m, a[NR], a[1], NR}'; }

lab_create "$p" "$n"
etcd_pid=$(lab_etcd_start "$p" "$work/etcd")
lab_etcdctl "$p" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"'"$backend"'"}}' >/dev/null
if [[ $agent == vxlabd ]]; then node-agent/bin/vxlabd --version >/dev/null; fi   # build the jar and the CDS archive before the clock starts
echo "agent: $agent $([[ $agent == flanneld ]] && "$FLANNELD" --version 2>&1 || git rev-parse --short HEAD)"

echo "== $n agents $agent ($backend) started at once${LAB_HOSTNAME:+, hostname $LAB_HOSTNAME on every node}"
t0=$(ms)
for i in $(seq 1 "$n"); do
  pids+=("$(lab_node_agent_start "$p" "$i" "$work/kube$i" "--iface=eth1 --healthz-ip=127.0.0.1 --healthz-port=10256" "-iface=eth1")")
done
mesh_timeout=${MESH_TIMEOUT:-$([[ $agent == flanneld ]] && echo 60 || echo 300)}
while :; do
  full=0; routes=0
  for i in $(seq 1 "$n"); do
    c=$(ip -n "${p}n$i" route show root 10.244.0.0/16 | grep -c ' via ' || true)   # a peer's subnet; not docker0's
    routes=$((routes + c))
    (( c == n - 1 )) && full=$((full + 1))
  done
  (( full == n )) && break
  (( $(ms) - t0 > mesh_timeout * 1000 )) && break
  sleep 0.25   # n `ip` processes a round: polling faster loads the 2 cores the agents start on
done
t1=$(ms)
if (( full == n )); then
  echo "full mesh ($n nodes, $((n * (n - 1))) routes): $((t1 - t0)) ms after the simultaneous start"
else
  echo "full mesh ($n nodes, $((n * (n - 1))) routes): NOT reached in $mesh_timeout s: $routes of $((n * (n - 1))) routes, $full of $n nodes complete"
fi
leases=$(lab_etcdctl "$p" get --prefix --keys-only /coreos.com/network/subnets/ | grep -c . || true)
echo "leases in etcd after the start: $leases for $n nodes"

# The agents' own histogram of watch event (in the JVM) -> kernel change done, summed over all agents:
# "sum count n<=1ms n<=2.5ms n<=5ms n<=10ms n<=25ms n<=50ms n<=100ms ..." (each agent's loopback, in its namespace)
e2k() {
  for i in $(seq 1 "$n"); do
    ip netns exec "${p}n$i" python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:10256/metrics", timeout=5).read().decode())' || true
  done | awk '/^vxlabd_event_to_kernel_seconds_sum/ {s += $2} /^vxlabd_event_to_kernel_seconds_count/ {c += $2}
    /^vxlabd_event_to_kernel_seconds_bucket/ {b[++k % 12] += $2} END {printf "%s %s", s, c; for (j = 1; j <= 11; j++) printf " %s", b[j]; print ""}'
}
[[ $agent == vxlabd ]] && e2k_before=$(e2k)
ticks() { # the agents' CPU, clock ticks (utime+stime), one line per agent
  for pid in "${pids[@]}"; do awk '{print $14 + $15}' /proc/"$pid"/stat; done
}
threads() { # "pid<TAB>thread name<TAB>ticks" for every live thread of every agent, and "pid<TAB>(process)<TAB>ticks"
  for pid in "${pids[@]}"; do
    for f in /proc/"$pid"/task/*/stat; do
      awk -v pid="$pid" '{ s = $0; n = substr(s, index(s, "(") + 1); n = substr(n, 1, match(n, /\) [A-Z] /) - 1)
        r = substr(s, match(s, /\) [A-Z] /) + 2); split(r, f, " "); printf "%s\t%s\t%d\n", pid, n, f[12] + f[13] }' "$f" 2>/dev/null || true
    done
    awk -v pid="$pid" '{printf "%s\t(process)\t%d\n", pid, $14 + $15}' /proc/"$pid"/stat
  done
}
threads >"$work/threads-joins0"
ticks >"$work/cpu-joins0"; tj0=$(ms)
join=(); leave=()
# A join is a lease put into etcd with etcdctl, as a new node's agent would write it (a VTEP that sends
# nothing). Its time is when a watcher (etcdctl watch, a watch client like the agents) sees the event;
# latency = each peer's "Subnet added" (logged after the kernel change) minus that. Leave likewise.
ip netns exec "${p}sw" env ETCDCTL_API=3 etcdctl --endpoints="http://$LAB_NET.1:2379" watch --prefix /coreos.com/network/subnets/ \
  2>/dev/null > >(while IFS= read -r l; do printf '%s %s\n' "$(( ${EPOCHREALTIME/./} / 1000 ))" "$l"; done >"$work/watch.log") &
watch_pid=$!   # etcdctl itself (ip netns exec and env exec it)
sleep 1
seen() { # key event-number -> ms of the watcher line with that key, the Nth time it appears
  local t
  until t=$(grep -F " $1" "$work/watch.log" | sed -n "${2}p" | cut -d' ' -f1) && [[ -n $t ]]; do sleep 0.1; done
  echo "$t"
}
missed_join=0; missed_leave=0
event_timeout=${EVENT_TIMEOUT:-30}
# waits until every node's log has <fixed string> (up to EVENT_TIMEOUT s), then appends each node's latency from
# <t0> to the array <name>; nodes whose log never has it are added to the counter <missed>
collect() { # fixed-string t0 array-name missed-name
  local str=$1 t0=$2 i line deadline=$(( $(ms) + event_timeout * 1000 ))
  # the latency comes from the logs' timestamps: poll slowly, so that the waiting does not load the machine
  until (( $(grep -l -F -- "$str" "$work"/kube*/"$log" | wc -l) == n )) || (( $(ms) > deadline )); do sleep 0.1; done
  for i in $(seq 1 "$n"); do
    if line=$(grep -m1 -F -- "$str" "$work/kube$i/$log"); then
      eval "$3+=($(( $(lab_log_ms "$line") - t0 )))"
    else
      eval "$4=\$(( $4 + 1 ))"
    fi
  done
}
for k in $(seq 1 "$joins"); do
  subnet="10.244.$((200 + k)).0/24"
  while lab_etcdctl "$p" get --keys-only "/coreos.com/network/subnets/${subnet/\//-}" | grep -q .; do
    subnet="10.244.$(( RANDOM % 250 + 1 )).0/24"
  done
  key="/coreos.com/network/subnets/${subnet/\//-}"
  # shellcheck disable=SC2059 # the format is ours
  value='{"PublicIP":"'"$LAB_NET"'.'$((200 + k))'","PublicIPv6":null,"BackendType":"'"$backend"'","BackendData":'"$(printf "$backend_data" "$k")"'}'
  lab_etcdctl "$p" put "$key" "$value" >/dev/null
  t0=$(seen "$key" 1)
  collect "$(lab_added_str "$subnet")" "$t0" join missed_join
  lab_etcdctl "$p" del "$key" >/dev/null
  t0=$(seen "$key" 2)
  collect "$(lab_removed_str "$subnet")" "$t0" leave missed_leave
  sleep 1
done
ticks >"$work/cpu-joins1"; tj1=$(ms)
threads >"$work/threads-joins1"
echo "join latency (ms, lease event seen by a watcher -> route on each peer): $(printf '%s\n' "${join[@]}" | stats)"
echo "leave latency (ms, delete seen by a watcher -> route gone on each peer): $(printf '%s\n' "${leave[@]}" | stats)"
echo "peers that never logged a join / a leave (of $((joins * n)) each): $missed_join / $missed_leave"
if [[ $agent == flanneld ]]; then
  echo "agents' own part of those events: n/a (flanneld has no /metrics histogram)"
else
read -r -a a <<<"$e2k_before"; read -r -a b <<<"$(e2k)"
python3 - "${a[@]}" "${b[@]}" <<'PY'
import sys
v = [float(x) for x in sys.argv[1:]]; a, b = v[:13], v[13:]
d = [y - x for x, y in zip(a, b)]
if d[1] > 0:
    les = [1, 2.5, 5, 10, 25, 50, 100]
    share = ", ".join(f"<= {l} ms {round(d[2 + i] / d[1] * 100)}%" for i, l in enumerate(les))
    print(f"agents' own part of those events (watch event in the JVM -> kernel change done): mean {d[0] / d[1] * 1000:.1f} ms over {int(d[1])} events; {share}")
PY
fi

ticks >"$work/cpu-idle0"; ti0=$(ms)
sleep 12   # idle through a periodic resync
ticks >"$work/cpu-idle1"; ti1=$(ms)
# CPU per lease event of each agent in the mesh: its CPU over the joins and leaves, less its idle rate (the
# 12 s above: periodic checks, a resync, keepalives) over as long, divided by the events (bench/event-cpu.sh
# breaks one agent's figure down by thread)
python3 - "$work" "$((2 * joins))" "$(getconf CLK_TCK)" "$tj0" "$tj1" "$ti0" "$ti1" <<'PY'
import sys, statistics
w, events, tck = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tj0, tj1, ti0, ti1 = (int(x) for x in sys.argv[4:8])
col = lambda f: [int(x) for x in open(f"{w}/{f}").read().split()]
j0, j1, i0, i1 = col("cpu-joins0"), col("cpu-joins1"), col("cpu-idle0"), col("cpu-idle1")
per = [((b - a) - (d - c) * (tj1 - tj0) / (ti1 - ti0)) * 1000 / tck / events for a, b, c, d in zip(j0, j1, i0, i1)]
idle = statistics.median((d - c) * 1000 / tck / ((ti1 - ti0) / 1000) for c, d in zip(i0, i1))
print(f"agent CPU per lease event, net of idle (ms): p50 {statistics.median(per):.1f}  max {max(per):.1f}  min {min(per):.1f}"
      f"  (idle p50 {idle:.1f} ms CPU a second)")
PY
# the same CPU by thread, summed over the agents (gross: the idle rate is not taken off; compiler threads come and
# go, so what ended threads used is the processes' total less the live threads')
[[ $agent == flanneld ]] && echo "agent CPU per lease event by thread: n/a (flanneld's Go threads all carry the process's name)"
[[ $agent == flanneld ]] || python3 - "$work" "$((2 * joins))" "$(getconf CLK_TCK)" "$n" <<'PY'
import sys, re, collections
w, events, tck, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def load(f):
    d = {}
    for line in open(f"{w}/{f}"):
        pid, name, t = line.rstrip("\n").split("\t")
        d[(pid, name)] = d.get((pid, name), 0) + int(t)
    return d
a, b = load("threads-joins0"), load("threads-joins1")
def group(name):
    if name == "java": return "main"
    if name == "(process)": return "(process)"
    if re.match(r"C[12] Compiler", name): return "jit"   # with the ones that ended, below
    if name == "etcd-watch": return "watch"
    if re.match(r"grpc|netty|jetcd|vert|pool-", name): return "grpc"
    if re.match(r"VM Thread|GC|Serial", name): return "gc/vm"
    return "other"
g = collections.Counter()
for k in set(a) | set(b):
    g[group(k[1])] += b.get(k, 0) - a.get(k, 0)
total = g.pop("(process)")
g["jit"] += total - sum(g.values())   # compiler threads that ended between the snapshots
scale = 1000 / tck / events / n
print("agent CPU per lease event by thread, mean over agents, gross (ms): total %.2f; " % (total * scale)
      + ", ".join(f"{k} {v * scale:.2f}" for k, v in g.most_common()))
PY
rss=(); cpu=()
tck=$(getconf CLK_TCK)
for pid in "${pids[@]}"; do
  rss+=($(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$pid"/status))
  cpu+=($(awk -v t="$tck" '{printf "%.2f", ($14+$15)/t}' /proc/"$pid"/stat))
done
echo "agent RSS once idle (MB): $(printf '%s\n' "${rss[@]}" | stats)"
echo "agent CPU seconds since start: $(printf '%s\n' "${cpu[@]}" | stats)"

if command -v iperf3 >/dev/null && (( ${IPERF_RUNS:-3} > 0 )); then
  # One 5 s pair swings between about 50 % and 85 % on this shared 2-core machine: IPERF_RUNS pairs (default
  # 3), overlay and underlay alternating so that both see the same load, and the median ratio.
  c1=$(lab_add_container "$p" 1 "$work/kube1/subnet.env")
  c2=$(lab_add_container "$p" 2 "$work/kube2/subnet.env")
  ratios=()
  # the overlay only where nodes 1 and 2 route each other's subnets (flanneld v0.20.2 may have missed a lease)
  s1=$(grep '^FLANNEL_SUBNET=' "$work/kube1/subnet.env" | cut -d= -f2); s1="${s1%.*}.0/${s1#*/}"
  s2=$(grep '^FLANNEL_SUBNET=' "$work/kube2/subnet.env" | cut -d= -f2); s2="${s2%.*}.0/${s2#*/}"
  if ! ip -n "${p}n1" route show "$s2" | grep -q ' via ' || ! ip -n "${p}n2" route show "$s1" | grep -q ' via '; then
    echo "iperf3 container ($backend) / underlay ratio (%): skipped, nodes 1 and 2 do not both route each other's subnet ($s1, $s2)"
    IPERF_RUNS=0
  fi
  for r in $(seq 1 "${IPERF_RUNS:-3}"); do
    lab_iperf_server "${p}c2" "$work/iperf-c2.pid"
    over=$(lab_iperf "${p}c1" "$c2" 5)
    lab_iperf_server "${p}n2" "$work/iperf-n2.pid" "$LAB_NET.12"
    under=$(lab_iperf "${p}n1" "$LAB_NET.12" 5)
    ratios+=("$(python3 -c "print(round($over/$under*100))")")
    echo "iperf3 run $r (Gbit/s): container->container ($backend) $over, underlay node->node $under, ratio ${ratios[-1]}%"
  done
  if (( ${#ratios[@]} )); then echo "iperf3 container ($backend) / underlay ratio (%): $(printf '%s\n' "${ratios[@]}" | stats)"; fi
fi
