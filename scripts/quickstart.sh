#!/usr/bin/env bash
# Quickstart on a fresh Debian/Ubuntu machine: installs what is missing, builds vxlab, and shows the node
# agent at work against a throwaway etcd on loopback: a lease, its subnet.env, and the duplicate-public-IP
# refusal that flannel lacks. Cleans up what it started. (The full lab bring-up, `vxlab up`, comes with the
# orchestrator.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== building"
mvn -B -q -DskipTests package
node-agent/bin/vxlabd --version

work=$(mktemp -d /tmp/vxlab-quickstart-XXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo 23799)
peer=$((port + 1))
etcd --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
     --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
     --initial-cluster "default=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
agent_pid=
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  kill "$etcd_pid" 2>/dev/null; wait "$etcd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export ETCDCTL_API=3
for _ in $(seq 1 100); do etcdctl --endpoints="127.0.0.1:$port" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
echo "== etcd on 127.0.0.1:$port; writing the network config"
etcdctl --endpoints="127.0.0.1:$port" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}'

echo "== node kube1: vxlabd --iface=lo --public-ip=192.0.2.1"
node-agent/bin/vxlabd --etcd-endpoints="http://127.0.0.1:$port" --iface=lo --public-ip=192.0.2.1 --node-name=kube1 \
    --subnet-file="$work/kube1/subnet.env" >"$work/kube1.log" 2>&1 &
agent_pid=$!
for _ in $(seq 1 100); do grep -q "Subnet lease acquired" "$work/kube1.log" && break; sleep 0.1; done
grep -E "Using interface|Subnet lease acquired" "$work/kube1.log"
echo "-- $work/kube1/subnet.env:"; cat "$work/kube1/subnet.env"
echo "-- etcdctl get --prefix /coreos.com/network/subnets/:"
etcdctl --endpoints="127.0.0.1:$port" get --prefix /coreos.com/network/subnets/

echo "== node kube2 with the same public IP (the Vagrant 10.0.2.15 trap): refused"
set +e
node-agent/bin/vxlabd --etcd-endpoints="http://127.0.0.1:$port" --iface=lo --public-ip=192.0.2.1 --node-name=kube2 \
    --subnet-file="$work/kube2/subnet.env" 2>&1 | grep -E "ERROR"
set -e
echo "== done: next, sudo scripts/test.sh runs the whole test suite"
