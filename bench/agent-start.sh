#!/usr/bin/env bash
# Benchmark: vxlabd start -> subnet lease held, and the agent's RSS once idle. As root.
# Builds a one-node lab in network namespaces (scripts/lib/lab.sh; etcd in the lab's switch namespace),
# then RUNS times: starts the agent through its launcher on node kube1 (--iface=eth1), measures the time
# until "Subnet lease acquired" appears in its log, SIGTERMs it. Odd runs use a fresh node name (a new
# lease), even runs the same one (a restart: the lease is reused). Prints median, min and max.
#   bench/agent-start.sh [RUNS]     (default 10: 5 fresh, 5 restarts; needs a built node-agent/target/vxlabd.jar)
#   FLANNELD=/path/to/flanneld bench/agent-start.sh ...  the same run twice, vxlabd then the real flanneld (v0.20.2:
#       -iface=eth1 -ip-masq=false -v=2), each in a lab of its own, and the figures side by side (AGENT=flanneld: flanneld
#       alone). flanneld's "lease held" line is "Allocated lease" (fresh) or "Found lease ... reusing" (restart: with etcd
#       it finds its lease by public IP, so the fresh runs differ by a deleted lease, not by a node name); start ->
#       subnet.env written ("Wrote ...", both agents) is printed too.
#   LAB_HOSTNAME=vm bench/agent-start.sh ...  the node's hostname "vm" (machines cloned from one image)
# The lab's underlay is $LAB_NET.0/24, default 192.168.91.0/24 (no test lab uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
export VXLAB_ROOT=$PWD
export LAB_NET=${LAB_NET:-192.168.91}
source scripts/lib/lab.sh
lab_both_agents "$0" "$@"
agent=$(lab_agent); log=$(lab_agent_log); lease_re=$(lab_lease_re)
echo "agent: $agent $([[ $agent == flanneld ]] && "$FLANNELD" --version 2>&1 || git rev-parse --short HEAD)"
runs=${1:-10}
p="vxb$$-"
work=$(mktemp -d /tmp/vxlab-bench-XXXX)
etcd_pid=
trap 'lab_teardown "$p" "$work" "$etcd_pid"' EXIT
lab_create "$p" 1
etcd_pid=$(lab_etcd_start "$p" "$work/etcd")
lab_etcdctl "$p" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}' >/dev/null

stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %s  min %s  max %s  (n=%d)\n", m, a[1], a[NR], NR}'; }
fresh_ms=(); restart_ms=(); fresh_env_ms=(); restart_env_ms=(); rss_kb=()
run_once() { # name dir -> sets ms (start -> lease line) and env_ms (start -> subnet.env written line); leaves the pid in $pid
  local t0 t1
  t0=$(date +%s%N)
  pid=$(lab_node_agent_start "$p" 1 "$2" "--iface=eth1 --node-name=$1" "-iface=eth1")
  until grep -qE "$lease_re" "$2/$log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "agent exited early:" >&2; cat "$2/$log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  until grep -q "Wrote" "$2/$log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "agent exited early:" >&2; cat "$2/$log" >&2; exit 1; }
    sleep 0.005
  done
  env_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
hung=0
stop_agent() { # SIGTERM; SIGKILL after 5 s (flanneld v0.20.2 sometimes never exits: its watch retries a cancelled context
  local i=0     # once a second, "Watch subnets: failed to retrieve subnet leases: context canceled")
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if (( ++i == 250 )); then kill -9 "$pid" 2>/dev/null || true; hung=$((hung + 1)); fi
    sleep 0.02
  done
}
half=$(( (runs + 1) / 2 ))
for i in $(seq 1 "$half"); do       # fresh: no lease yet
  lab_etcdctl "$p" del --prefix /coreos.com/network/subnets/ >/dev/null
  run_once "bench-fresh-$i" "$work/fresh-$i"; fresh_ms+=("$ms"); fresh_env_ms+=("$env_ms")
  if (( i == 1 )); then sleep 15; rss_kb+=($(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)); fi
  stop_agent
done
lab_etcdctl "$p" del --prefix /coreos.com/network/subnets/ >/dev/null
for i in $(seq 1 "$half"); do       # restart: the node's lease is still in etcd and is reused (one machine: one node ID file)
  run_once "bench-restart" "$work/restart"; restart_ms+=("$ms"); restart_env_ms+=("$env_ms")
  if (( i == half )); then sleep 15; rss_kb+=($(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)); fi
  stop_agent
done
echo "agent start -> lease held, fresh lease (ms):  $(printf '%s\n' "${fresh_ms[@]}" | stats)"
echo "agent start -> lease held, restart (ms):      $(printf '%s\n' "${restart_ms[@]}" | stats)"
echo "agent start -> subnet.env written, fresh (ms): $(printf '%s\n' "${fresh_env_ms[@]}" | stats)"
echo "agent start -> subnet.env written, restart (ms): $(printf '%s\n' "${restart_env_ms[@]}" | stats)"
echo "stops that needed SIGKILL (no exit 5 s after SIGTERM): $hung of $((2 * half))"
echo "idle RSS after 15 s (MB):                     $(printf '%s\n' "${rss_kb[@]}" | awk '{printf "%.1f\n", $1/1024}' | stats)"
