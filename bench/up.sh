#!/usr/bin/env bash
# Benchmark: wall time of `vxlab up` for a lab of N nodes (netns provider, etcd as a process), split by step
# (the timings line `up` prints), RUNS times from nothing (each run ends with `vxlab down`). As root.
#   bench/up.sh [NODES] [RUNS]      (defaults 3 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
runs=${2:-3}
spec=$(mktemp /tmp/vxlab-bench-XXXX.yaml)
state=$(mktemp -d /tmp/vxlab-bench-state-XXXX)
export VXLAB_HOME=$state
name="bench$n"
trap './vxlab down "$name" >/dev/null 2>&1 || true; rm -rf "$spec" "$state"' EXIT
{
  echo "name: $name"
  echo "underlay: {cidr: 192.168.90.0/24, hostIp: 192.168.90.1, nat: true}"
  echo "etcd: {mode: process}"
  echo "agent: {options: \"--iface=eth1\"}"
  echo "nodes:"
  for i in $(seq 1 "$n"); do echo "  - {name: node$i, ip: 192.168.90.$((10 + i))}"; done
} >"$spec"
mvn -B -q -DskipTests -DskipITs package >/dev/null
for r in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  line=$(./vxlab up "$spec" | grep '^timings:')
  t1=$(date +%s%N)
  echo "run $r: wall $(( (t1 - t0) / 1000000 )) ms; $line"
  ./vxlab down "$name" >/dev/null
done
