#!/usr/bin/env bash
# Benchmark of the teaching verbs, as root: a netns lab of NODES nodes (its own spec, underlay 192.168.89.0/24,
# lab name "benchteach"), then farm-bench times `vxlab doctor` (against `vxlab status`, one SSH session per node
# and one etcd read, as the yardstick) and `vxlab trace kube1 kube2`; then `vxlab down`.
#   bench/teach.sh [NODES] [RUNS]     (defaults 3 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
runs=${2:-5}
spec=$(mktemp /tmp/vxlab-benchteach-XXXX.yaml)
trap './vxlab down benchteach >/dev/null 2>&1 || true; rm -f "$spec"' EXIT
{
  echo "name: benchteach"
  echo "provider: netns"
  echo "network: {cidr: 10.250.0.0/16, subnetLen: 24, backend: vxlan, vni: 1, port: 8472}"
  echo "underlay: {cidr: 192.168.89.0/24, hostIp: 192.168.89.1, nat: true}"
  echo "etcd: {mode: process, prefix: /coreos.com/network}"
  echo "agent: {options: \"--iface=eth1\", leaseTtl: 24h}"
  echo "firewall: none"
  echo "nodes:"
  for i in $(seq 1 "$n"); do echo "  - {name: kube$i, ip: 192.168.89.$((10 + i))}"; done
} >"$spec"
./vxlab up "$spec" | tail -1
echo "== doctor, $n nodes (B: status)"
farm-bench -n "$runs" --timeout 600 --vs "./vxlab status benchteach" -- ./vxlab doctor benchteach
echo "== trace kube1 -> kube2"
farm-bench -n "$runs" --timeout 600 -- ./vxlab trace benchteach kube1 kube2
