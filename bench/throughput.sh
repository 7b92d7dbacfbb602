#!/usr/bin/env bash
# Benchmark: where the overlay's throughput goes, as root. A two-node lab (scripts/lib/lab.sh; etcd in the
# lab's switch namespace), one vxlabd per node (vxlan); once both have written subnet.env and routed to each
# other, a "container" per node (docker0 bridge + veth, scripts/lib/lab.sh) and the agents are stopped with
# SIGTERM — they leave the kernel state in place, as flanneld does, and they are not on the data path anyway.
# Then ROUNDS rounds of three iperf3 runs of SECONDS each, node 1 -> node 2, in an order rotated each round:
#   vxlan     container -> container over flannel.1, as the agents programmed it;
#   host-gw   container -> container routed with no encapsulation: the route to the peer's subnet swapped, on
#             both nodes, for the one the host-gw backend programs (`<subnet> via <peer's eth1 address> dev eth1`);
#   underlay  node -> node over eth1.
# Ratios are taken within each round (the three runs see the same load) and their medians printed: vxlan /
# underlay is the issue's figure, host-gw / underlay what the container plumbing alone costs (docker0 with
# bridge-nf-call-iptables, forwarding on both nodes, two more veth hops), vxlan / host-gw what the VXLAN
# encapsulation itself costs.
#   bench/throughput.sh [ROUNDS] [SECONDS]    (defaults 9 and 4)
#   PIN=1: iperf3 clients on CPU 0 and servers on CPU 1 (two "machines" with a CPU each; unpinned, the
#          scheduler may put both on one CPU, which swings the underlay between about 8 and 20 Gbit/s here)
set -euo pipefail
cd "$(dirname "$0")/.."
export VXLAB_ROOT=$PWD
source scripts/lib/lab.sh
rounds=${1:-9}
secs=${2:-4}
command -v iperf3 >/dev/null || { echo "iperf3 is needed (apt-get install iperf3)" >&2; exit 2; }
p="vxt$$-"
work=$(mktemp -d /tmp/vxlab-thr-XXXX)
pids=(); etcd_pid=
cleanup() { lab_teardown "$p" "$work" "$etcd_pid" "${pids[@]}"; }
trap cleanup EXIT
lab_create "$p" 2
etcd_pid=$(lab_etcd_start "$p" "$work/etcd")
lab_etcdctl "$p" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}' >/dev/null
for i in 1 2; do pids+=("$(lab_agent_start "$p" "$i" "$work/kube$i" --iface=eth1)"); done
for i in 1 2; do
  for _ in $(seq 1 300); do
    [[ -f $work/kube$i/subnet.env && $(ip -n "${p}n$i" route show dev flannel.1 2>/dev/null | wc -l) == 1 ]] && break
    kill -0 "${pids[i - 1]}" 2>/dev/null || { echo "agent $i exited early:" >&2; cat "$work/kube$i/vxlabd.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -f $work/kube$i/subnet.env && $(ip -n "${p}n$i" route show dev flannel.1 | wc -l) == 1 ]] ||
    { echo "node $i has no subnet.env or no route to its peer after 30 s" >&2; exit 1; }
done
c1=$(lab_add_container "$p" 1 "$work/kube1/subnet.env")
c2=$(lab_add_container "$p" 2 "$work/kube2/subnet.env")
kill -TERM "${pids[@]}"
for _ in $(seq 1 100); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.1; done   # not our children: no wait
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then echo "agent $pid still running 10 s after SIGTERM; killing it" >&2; kill -9 "$pid"; fi
done
pids=()
s1="${c1%.*}.0/24"; s2="${c2%.*}.0/24"
vx1=$(ip -n "${p}n1" route show "$s2"); vx2=$(ip -n "${p}n2" route show "$s1")   # as the agents left them

cpu_c=(); cpu_s=(); pinned=
[[ ${PIN:-0} == 1 ]] && { cpu_c=(-A 0); cpu_s=(-A 1); pinned=" (pinned: clients on CPU 0, servers on CPU 1)"; }
run() { # server-ns client-ns server-address [bind]
  lab_iperf_server "$1" "$work/iperf-s.pid" "${4:-}" "${cpu_s[@]}"
  lab_iperf "$2" "$3" "$secs" "${cpu_c[@]}"
}
# the route swaps run in this shell (set -e applies), the measurements in $(...)
vxlan() {
  # shellcheck disable=SC2086 # the route as `ip route show` printed it
  ip -n "${p}n1" route replace $vx1; ip -n "${p}n2" route replace $vx2
  v=$(run "${p}c2" "${p}c1" "$c2")
}
hostgw() {
  ip -n "${p}n1" route replace "$s2" via 192.168.56.12 dev eth1
  ip -n "${p}n2" route replace "$s1" via 192.168.56.11 dev eth1
  h=$(run "${p}c2" "${p}c1" "$c2")
}
underlay() { u=$(run "${p}n2" "${p}n1" 192.168.56.12 192.168.56.12); }

echo "== $rounds rounds of vxlan, host-gw and underlay, ${secs} s each$pinned; vxlan routes: $vx1"
for r in $(seq 1 "$rounds"); do
  case $((r % 3)) in
    1) vxlan; hostgw; underlay ;;
    2) hostgw; underlay; vxlan ;;
    0) underlay; vxlan; hostgw ;;
  esac
  echo "round $r (Gbit/s): vxlan $v, host-gw $h, underlay $u"
  echo "$v $h $u" >>"$work/rounds"
done
python3 - "$work/rounds" <<'PY'
import sys, statistics as st
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1])]
m = st.median
def ratio(i, j): return round(100 * m([r[i] / r[j] for r in rows]))
print("median Gbit/s: vxlan %.2f, host-gw %.2f, underlay %.2f" % tuple(m(r[i] for r in rows) for i in range(3)))
print(f"median of the rounds' ratios: vxlan/underlay {ratio(0, 2)} %, host-gw/underlay {ratio(1, 2)} %, vxlan/host-gw {ratio(0, 1)} %")
PY
