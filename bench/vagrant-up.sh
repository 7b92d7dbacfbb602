#!/usr/bin/env bash
# Benchmark: `vagrant up` to a green ping matrix for a lab of N machines with Vagrant's docker provider, driven
# by the top-level Vagrantfile (its trigger runs `./vxlab up --provider vagrant`), RUNS times from nothing (each
# run ends with `vxlab down`, which destroys the machines). Prints the wall time of `vagrant up` and the
# split vxlab reports (machines / prepare / etcd / files / agents / verify). As root; needs the node image
# (scripts/build-node-image.sh) and dockerd (scripts/start-docker.sh).
#   bench/vagrant-up.sh [NODES] [RUNS]      (defaults 3 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
runs=${2:-3}
work=$(mktemp -d /tmp/vxlab-bench-vagrant-XXXX)
name="benchvag"
export VXLAB_SPEC=$work/$name.yaml VXLAB_HOME=$work/home VAGRANT_DOTFILE_PATH=$work/vagrant VAGRANT_CHECKPOINT_DISABLE=1
trap './vxlab down "$name" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
{
  echo "name: $name"
  echo "provider: vagrant"
  echo "underlay: {cidr: 192.168.91.0/24, hostIp: 192.168.91.1, nat: false}"
  echo "etcd: {mode: process, on: bv1}"
  echo "firewall: iptables"
  echo "vagrant: {provider: docker}"
  echo "nodes:"
  for i in $(seq 1 "$n"); do echo "  - {name: bv$i, ip: 192.168.91.$((10 + i))}"; done
} >"$VXLAB_SPEC"
mvn -B -q -o -DskipTests -DskipITs package >/dev/null 2>&1 || mvn -B -q -DskipTests -DskipITs package >/dev/null
for r in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  out=$(vagrant up 2>&1) || { echo "$out" >/tmp/vxlab-bench-vagrant.log; echo "$out" | grep -E "vxlab|hint|FAIL|\\[" | tail -30 >&2; exit 1; }
  t1=$(date +%s%N)
  grep -q 'all .* pairs ping' <<<"$out" || { echo "$out" | tail -20 >&2; exit 1; }
  echo "run $r: vagrant up to green matrix $(( (t1 - t0) / 1000000 )) ms; vxlab $(grep '^timings:' <<<"$out")"
  t2=$(date +%s%N)
  ./vxlab down "$name" >/dev/null
  echo "run $r: vxlab down (vagrant destroy) $(( ($(date +%s%N) - t2) / 1000000 )) ms"
done
