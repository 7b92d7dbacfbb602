#!/usr/bin/env bash
# Soak (issue 14, item 6): proof under load, not a timed test. As root. A netns lab "soak" of NODES nodes with a
# 3-member etcd (processes on this machine) and a short lease TTL runs for DURATION seconds while a fault is made
# every 15-30 s, drawn from a list that SEED fixes:
#   agent-kill    kill -9 one node's agent
#   agent-stop    SIGSTOP one node's agent for the lease TTL + 5 s (its lease expires meanwhile), then SIGCONT
#   etcd-kill     kill -9 one etcd member, leave it down 5-15 s, then `vxlab up` again (which starts it; it rejoins)
#   etcd-restart  every member in turn: SIGTERM, then `vxlab up` again, one at a time
#   route-del     `ip route del` of one peer's subnet on one node's flannel.1
#   fdb-del       `bridge fdb del` of one peer's entry on one node's flannel.1
# A netns node has no systemd, so nothing would restart a killed agent: the soak plays systemd's part as
# templates/vxlabd.service.ftl asks (Restart=on-failure, RestartSec=5): it notices the agent's death (every 0.5 s,
# the pid file in the node's own /run), restarts it with the node's restart script after RestartSec, and counts it.
# After each fault: the time until the ping matrix (`vxlab verify LAB --json`, 240 pairs at 16 nodes) is green again
# with every agent running and holding its lease and every etcd member healthy. At every sample (the invariants, then
# a matrix, back to back with PAUSE s between): no two nodes share a subnet (subnet.env), no duplicate FDB entry
# (flannel.1, by MAC and by VTEP address), no node with two leases in etcd, no agent exited for good (dead past
# RestartSec + 60 s, or not running with its lease at the end). One line per fault, then a summary; exit 1 when an
# invariant broke. bench/soak.py is the driver; this script makes and removes the lab.
#   bench/soak.sh                      SEED=14 DURATION=600 NODES=16 LEASE_TTL=20 (the recorded run)
#   DURATION=120 NODES=4 bench/soak.sh a short run for trying it
#   FAULTS=route-del,fdb-del ...       only these kinds; PAUSE=S between samples (default 1)
#   KEEP=DIR                           copies the agents' and etcd's logs and the spec to DIR before `down`
# Underlay 192.168.94.0/24 (nothing else uses it); the soak sends nothing from the root namespace (etcdctl runs in
# the first node's namespace, the pings in the nodes'), and checks with `ip route get` that the underlay leads into
# the lab all the same.
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${SEED:-14}
duration=${DURATION:-600}
n=${NODES:-16}
ttl=${LEASE_TTL:-20}
net=192.168.94
lab=soak
(( n >= 2 )) || { echo "NODES must be at least 2" >&2; exit 2; }
(( ttl >= 5 )) || { echo "LEASE_TTL must be at least 5 (etcd's minimum)" >&2; exit 2; }
state=$(mktemp -d /tmp/vxlab-soak-state-XXXX)
export VXLAB_HOME=$state
made=
cleanup() {
  if [[ -n $made ]]; then
    if [[ -n ${KEEP:-} ]]; then
      mkdir -p "$KEEP"
      cp "$state/spec.yaml" "$KEEP/" 2>/dev/null || true
      for d in "$state/labs/$lab/nodes"/*; do cp "$d/var.upper/log/vxlabd.log" "$KEEP/vxlabd-${d##*/}.log" 2>/dev/null || true; done
      cp "$state/labs/$lab"/etcd*.log "$KEEP/" 2>/dev/null || true
    fi
    ./vxlab down "$lab" >/dev/null 2>&1 || ./vxlab down "$lab" || true
    left=$(ip netns list | awk -v p="vx-$lab-" 'index($1, p) == 1 {print $1}')
    [[ -z $left ]] || echo "soak: namespaces left after down: $left" >&2
  fi
  rm -rf "$state"
}
trap cleanup EXIT

# 192.168.94.0/24 must be unrouted before the lab is made, and lead into the lab's link (vxh...) once it is up
r=$(ip -o -4 route show to match "$net.1" | grep -v '^default' || true)
[[ -z $r ]] || { echo "$net.0/24 is already routed here ($r): not running" >&2; exit 1; }
ip netns list | awk -v p="vx-$lab-" 'index($1, p) == 1 {f = 1} END {exit f}' || { echo "namespaces vx-$lab-* exist already: not running" >&2; exit 1; }

mvn -B -o -q package -pl vxlab-core,node-agent,orchestrator -DskipTests >/dev/null
spec=$state/spec.yaml
{
  echo "name: $lab"
  echo "network: {cidr: 10.244.0.0/16, subnetLen: 24, backend: vxlan}"
  echo "underlay: {cidr: $net.0/24, hostIp: $net.1, nat: true}"
  echo "etcd: {mode: process, members: 3}"
  echo "agent: {options: \"--iface=eth1\", leaseTtl: ${ttl}s}"
  echo "firewall: iptables"
  echo "nodes:"
  for i in $(seq 1 "$n"); do echo "  - {name: node$i, ip: $net.$((10 + i))}"; done
} >"$spec"
echo "soak: $(date -u +%FT%TZ), $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo '+changes'), $(nproc) CPUs,"\
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
made=1
t0=$(date +%s%N)
./vxlab up "$spec" | grep -E '^timings:' || { echo "soak: vxlab up failed" >&2; exit 1; }
echo "up: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
ip -o route get "$net.11" | grep -q ' dev vxh' || { echo "$net.11 is not routed into the lab: $(ip -o route get "$net.11")" >&2; exit 1; }
rc=0
/usr/bin/python3 bench/soak.py --lab "$lab" --spec "$spec" --home "$state" --repo "$PWD" --net "$net" --nodes "$n" \
  --duration "$duration" --seed "$seed" --ttl "$ttl" --pause "${PAUSE:-1}" ${FAULTS:+--kinds "$FAULTS"} || rc=$?
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
