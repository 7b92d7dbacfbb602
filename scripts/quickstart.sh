#!/usr/bin/env bash
# Quickstart on a fresh Debian/Ubuntu machine (as root): installs what is missing, builds vxlab, and runs
# the node agent on a three-node, Vagrant-shaped lab made of network namespaces (every node has the NAT
# eth0 = 10.0.2.15 and eth1 on a host-only network): leases, subnet.env, the routes each node programs, a
# container-to-container ping across the VXLAN overlay, and the Vagrant trap refused. Cleans up everything
# it made. (The full lab bring-up over SSH, `vxlab up`, comes with the orchestrator.)
set -euo pipefail
cd "$(dirname "$0")/.."
export VXLAB_ROOT=$PWD
# shellcheck source=lib/lab.sh
source scripts/lib/lab.sh
[[ $(id -u) -eq 0 ]] || { echo "quickstart: run as root (sudo scripts/quickstart.sh): it creates network namespaces" >&2; exit 1; }
scripts/install-deps.sh
echo "== building"
mvn -B -q -DskipTests package
node-agent/bin/vxlabd --version

p="vxq$$-"
work=$(mktemp -d /tmp/vxlab-quickstart-XXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  lab_destroy "$p"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== lab: namespaces ${p}sw (switch + etcd), ${p}n1..3 (kube1..3: eth0 10.0.2.15, eth1 192.168.56.11-13)"
lab_create "$p" 3
pids+=("$(lab_etcd_start "$p" "$work/etcd")")
for _ in $(seq 1 100); do lab_etcdctl "$p" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
lab_etcdctl "$p" put /coreos.com/network/config '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}'

echo "== vxlabd --iface=eth1 on kube1 and kube2"
for i in 1 2; do pids+=("$(lab_agent_start "$p" "$i" "$work/kube$i" --iface=eth1)"); done
for i in 1 2; do
  for _ in $(seq 1 100); do grep -q "Wrote .*subnet.env" "$work/kube$i/vxlabd.log" && break; sleep 0.1; done
done
for _ in $(seq 1 50); do grep -q "Subnet added" "$work/kube1/vxlabd.log" && break; sleep 0.1; done
grep -hE "Using interface|Subnet lease acquired|Subnet added" "$work"/kube{1,2}/vxlabd.log
echo "-- kube1 subnet.env:"; cat "$work/kube1/subnet.env"
echo "-- etcdctl get --prefix /coreos.com/network/subnets/:"
lab_etcdctl "$p" get --prefix /coreos.com/network/subnets/
echo "-- kube1: ip route / ip neigh / bridge fdb on flannel.1:"
ip -n "${p}n1" route show dev flannel.1
ip -n "${p}n1" neigh show dev flannel.1
ip netns exec "${p}n1" bridge fdb show dev flannel.1

echo "== a container on each node (docker0 from subnet.env), then ping across the overlay"
c1=$(lab_add_container "$p" 1 "$work/kube1/subnet.env")
c2=$(lab_add_container "$p" 2 "$work/kube2/subnet.env")
ip netns exec "${p}c1" ping -c 3 -i 0.2 -W 2 "$c2"

echo "== the Vagrant trap: kube3 and kube4 without --iface both pick eth0 = 10.0.2.15 (the default route),"
echo "   as flanneld does. kube3 gets a lease; kube4 would advertise the same address and is refused:"
pids+=("$(lab_agent_start "$p" 3 "$work/kube3")")
for _ in $(seq 1 100); do grep -q "Subnet lease acquired" "$work/kube3/vxlabd.log" && break; sleep 0.1; done
lab_add_node "$p" 4
set +e
ip netns exec "${p}n4" unshare --uts -- sh -c 'hostname kube4 && exec "$@"' sh node-agent/bin/vxlabd \
    --etcd-endpoints=http://192.168.56.1:2379 --subnet-file="$work/kube4/subnet.env" 2>&1 | grep -E "ERROR"
set -e
echo "== done. Next: sudo scripts/test.sh runs the whole test suite."
