#!/usr/bin/env bash
# Benchmark: vxlabd start -> subnet lease held, and the agent's RSS once idle.
# Starts a throwaway etcd on 127.0.0.1 (free ports, temp data dir), then RUNS times: starts the agent through
# its launcher, measures the time until "Subnet lease acquired" appears in its log, SIGTERMs it. Half the
# runs use a fresh node name (new lease), half the same one (restart: the lease is reused). Prints each
# figure's median, min and max. Nothing leaves the machine: the agent uses lo and a documentation address.
#   bench/agent-start.sh [RUNS]     (default 10; needs etcd and a built node-agent/target/vxlabd.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
work=$(mktemp -d /tmp/vxlab-bench-XXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
peer=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
etcd --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
     --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
     --initial-cluster "default=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
trap 'kill $etcd_pid 2>/dev/null; wait $etcd_pid 2>/dev/null; rm -rf "$work"' EXIT
export ETCDCTL_API=3
for _ in $(seq 1 50); do etcdctl --endpoints="127.0.0.1:$port" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
etcdctl --endpoints="127.0.0.1:$port" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}' >/dev/null

stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %s  min %s  max %s  (n=%d)\n", m, a[1], a[NR], NR}'; }
start_ms=(); rss_kb=()
for i in $(seq 1 "$runs"); do
  if (( i % 2 )); then name="bench-fresh-$i"; else name="bench-restart"; fi
  log="$work/agent-$i.log"
  t0=$(date +%s%N)
  node-agent/bin/vxlabd --etcd-endpoints="http://127.0.0.1:$port" --iface=lo --public-ip="192.0.2.$((i % 200 + 1))" \
      --node-name="$name" --subnet-file="$work/$name/subnet.env" >"$log" 2>&1 &
  pid=$!
  until grep -q "Subnet lease acquired" "$log"; do
    kill -0 $pid 2>/dev/null || { echo "agent exited early:"; cat "$log"; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  start_ms+=($(( (t1 - t0) / 1000000 )))
  if (( i == 1 || i == runs )); then
    sleep 10   # idle: lease held, nothing to do until the next check
    rss_kb+=($(awk '/VmRSS/ {print $2}' /proc/$pid/status))
  fi
  kill -TERM $pid; wait $pid || true
done
echo "agent start -> lease held (ms): $(printf '%s\n' "${start_ms[@]}" | stats)"
echo "idle RSS after 10 s (MB):        $(printf '%s\n' "${rss_kb[@]}" | awk '{printf "%.1f\n", $1/1024}' | stats)"
