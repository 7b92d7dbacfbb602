# shellcheck shell=bash
# A sealed, Vagrant-shaped lab in network namespaces, for the quickstart and the benchmarks (the Java tests
# have the same shape in NetnsLab). Everything is named "<prefix>..." and nothing is created in the root
# namespace: <prefix>sw holds the host-only switch (bridge br0, 192.168.56.1/24, etcd listens there),
# <prefix>stub is where every node's NAT eth0 leads (nowhere), <prefix>n<i> is node i with
# eth0 = 10.0.2.15/24 + default route (as every Vagrant VM) and eth1 = 192.168.56.(10+i)/24.
# LAB_NET=A.B.C puts the switch and the nodes on A.B.C.0/24 instead of 192.168.56.0/24 (a benchmark's own underlay,
# one that no test lab uses); every function below uses it.
LAB_NET=${LAB_NET:-192.168.56}

lab_create() { # prefix nodes
  local p=$1 n=$2 i
  ip netns add "${p}sw"; ip -n "${p}sw" link set lo up
  ip netns add "${p}stub"; ip -n "${p}stub" link set lo up
  ip -n "${p}sw" link add br0 type bridge
  ip -n "${p}sw" addr add "$LAB_NET.1/24" dev br0
  ip -n "${p}sw" link set br0 up
  for i in $(seq 1 "$n"); do lab_add_node "$p" "$i"; done
}

lab_add_node() { # prefix i
  local p=$1 i=$2 ns="${1}n${2}"
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip link add eth1 netns "$ns" type veth peer name "p$i" netns "${p}sw"
  ip -n "${p}sw" link set "p$i" master br0 up
  ip -n "$ns" addr add "$LAB_NET.$((10 + i))/24" dev eth1
  ip -n "$ns" link set eth1 up
  ip link add eth0 netns "$ns" type veth peer name "s$i" netns "${p}stub"
  ip -n "${p}stub" link set "s$i" up
  ip -n "$ns" addr add 10.0.2.15/24 dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via 10.0.2.2 dev eth0
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}

# A "container" on node i: docker0 bridge addressed from the node's subnet.env, a namespace <prefix>c<i>
# with eth0 = the subnet's .2, as Docker with --bip/--mtu would make it.
lab_add_container() { # prefix i subnet.env
  local p=$1 i=$2 env=$3 ns="${1}n${2}" c="${1}c${2}"
  # shellcheck disable=SC1090
  local FLANNEL_SUBNET FLANNEL_MTU; eval "$(grep -E '^FLANNEL_(SUBNET|MTU)=' "$env")"
  local base=${FLANNEL_SUBNET%.*} len=${FLANNEL_SUBNET#*/}
  ip -n "$ns" link add docker0 type bridge
  ip -n "$ns" addr add "$FLANNEL_SUBNET" dev docker0
  ip -n "$ns" link set docker0 mtu "$FLANNEL_MTU" up
  ip netns add "$c"; ip -n "$c" link set lo up
  ip link add eth0 netns "$c" mtu "$FLANNEL_MTU" type veth peer name veth0 netns "$ns" mtu "$FLANNEL_MTU"
  ip -n "$ns" link set veth0 master docker0 up
  ip -n "$c" addr add "$base.2/$len" dev eth0
  ip -n "$c" link set eth0 up
  ip -n "$c" route add default via "$base.1"
  echo "$base.2"
}

lab_destroy() { # prefix
  local p=$1 ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${p}(sw|stub|n[0-9]+|c[0-9]+)$"); do
    ip netns del "$ns"
  done
}

# Ends what a benchmark started in lab <prefix> and removes the lab: the agents' PIDs (SIGKILL), iperf3 servers by
# the PID files <dir>/iperf-*.pid, etcd (SIGTERM), then the lab's namespaces and <dir>.
lab_teardown() { # prefix dir etcd-pid [agent-pid ...]
  local p=$1 dir=$2 etcd=$3 pid f; shift 3
  for pid in "$@"; do kill -9 "$pid" 2>/dev/null || true; done
  for f in "$dir"/iperf-*.pid; do [[ -f $f ]] && { kill "$(cat "$f")" 2>/dev/null || true; }; done
  [[ -n $etcd ]] && { kill "$etcd" 2>/dev/null || true; }
  sleep 0.5
  lab_destroy "$p"
  rm -rf "$dir"
}

# A one-off iperf3 server in namespace <ns> (PID in <pidfile>), returning once it listens (up to 5 s)
lab_iperf_server() { # ns pidfile [bind-address [iperf3 args...]]
  local ns=$1 pidfile=$2 bind=${3:-}; shift 2; [[ $# -gt 0 ]] && shift
  ip netns exec "$ns" iperf3 -s -1 -D ${bind:+-B "$bind"} -I "$pidfile" "$@" >/dev/null
  for _ in $(seq 1 50); do
    ip netns exec "$ns" ss -Hltn 'sport = :5201' | grep -q . && return 0
    sleep 0.1
  done
  echo "iperf3 server in $ns not listening after 5 s" >&2; return 1
}

# iperf3 from namespace <ns> to <address> (a server from lab_iperf_server) for <seconds>; prints Gbit/s received
lab_iperf() { # ns address seconds [iperf3 args...]
  local ns=$1 addr=$2 secs=$3; shift 3
  ip netns exec "$ns" iperf3 -c "$addr" -t "$secs" -J "$@" |
    python3 -c 'import json,sys;print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9,2))'
}

# etcd inside the switch namespace, data under $2; prints its PID once etcd answers (up to 10 s)
lab_etcd_start() { # prefix datadir
  local p=$1 d=$2 pid
  ip netns exec "${p}sw" etcd --data-dir "$d" --listen-client-urls "http://$LAB_NET.1:2379" \
      --advertise-client-urls "http://$LAB_NET.1:2379" --listen-peer-urls http://127.0.0.1:2380 >"$d.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do lab_etcdctl "$p" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$pid"
}

lab_etcdctl() { # prefix args...
  local p=$1; shift
  ip netns exec "${p}sw" env ETCDCTL_API=3 etcdctl --endpoints="http://$LAB_NET.1:2379" "$@"
}

# vxlabd on node i, with hostname kube<i> (or $LAB_HOSTNAME on every node: machines cloned with one
# hostname), log, subnet.env and node ID file under $3 (a machine each); prints its PID
lab_agent_start() { # prefix i dir args...
  local p=$1 i=$2 dir=$3; shift 3
  mkdir -p "$dir"
  ip netns exec "${p}n${i}" unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "${LAB_HOSTNAME:-kube$i}" \
      "$VXLAB_ROOT/node-agent/bin/vxlabd" --etcd-endpoints="http://$LAB_NET.1:2379" --subnet-file="$dir/subnet.env" \
      --node-id-file="$dir/node-id" "$@" \
      >"$dir/vxlabd.log" 2>&1 &
  echo $!
}

# --- the real flanneld beside vxlabd (FLANNELD=/path/to/flanneld, e.g. v0.20.2 built for measuring only) ---
# AGENT=vxlabd (default) or flanneld: which agent a benchmark's lab_node_agent_start starts. What differs between
# the two is kept here, so that a benchmark measures both with the same code:
#   log file    vxlabd.log                        flanneld.log
#   lease held  "Subnet lease acquired" (either   "Allocated lease" (fresh) or "Found lease ... reusing" /
#               kind)                             "Found previously leased subnet" (restart)
#   subnet in   "Subnet added: S"                 "adding subnet: S PublicIP: ..." (-v=2, vxlan backend)
#   subnet out  "Subnet removed: S"               "removing subnet: S PublicIP: ..." (-v=2; vxlan backend)
#   timestamps  ISO 8601, UTC, ms                 klog's "I1202 19:56:01.123456", local time, no year
# vxlabd logs a peer's line after its kernel change; flanneld v0.20.2's vxlan backend logs it before (neighbour,
# FDB entry and route follow, in-process netlink: well under a ms on an idle machine).
lab_agent() { echo "${AGENT:-vxlabd}"; }
lab_agent_log() { echo "$(lab_agent).log"; }   # the log's file name in the node's directory
lab_lease_re() { [[ $(lab_agent) == flanneld ]] && echo 'Allocated lease|Found lease .*reusing|Found previously leased subnet' || echo 'Subnet lease acquired'; }
lab_added_str() { [[ $(lab_agent) == flanneld ]] && echo "adding subnet: $1" || echo "Subnet added: $1"; }     # fixed strings
lab_removed_str() { [[ $(lab_agent) == flanneld ]] && echo "removing subnet: $1" || echo "Subnet removed: $1"; }

# flanneld on node i exactly as lab_agent_start starts vxlabd: in the node's namespace, a UTS namespace of its own
# with hostname kube<i> (or $LAB_HOSTNAME: flanneld with etcd keys its lease by public IP, not by name), the lab's
# etcd, subnet.env and log under $3; no IP masquerade, no Kubernetes; -v=2 for the per-subnet lines; prints its PID
lab_flanneld_start() { # prefix i dir args...
  local p=$1 i=$2 dir=$3; shift 3
  [[ -x ${FLANNELD:-} ]] || { echo "FLANNELD=${FLANNELD:-} is not an executable flanneld" >&2; return 1; }
  mkdir -p "$dir"
  ip netns exec "${p}n${i}" unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "${LAB_HOSTNAME:-kube$i}" \
      "$FLANNELD" -etcd-endpoints="http://$LAB_NET.1:2379" -etcd-prefix=/coreos.com/network -subnet-file="$dir/subnet.env" \
      -ip-masq=false -kube-subnet-mgr=false -v=2 "$@" \
      >"$dir/flanneld.log" 2>&1 &
  echo $!
}

# The agent $AGENT on node i: vxlabd with <vxlabd-args>, or flanneld with <flanneld-args> (one word each, split on
# spaces; flanneld has no --node-name, --healthz-* differ); prints its PID
lab_node_agent_start() { # prefix i dir vxlabd-args flanneld-args
  local p=$1 i=$2 dir=$3 va=$4 fa=$5
  # shellcheck disable=SC2086 # word splitting of the argument lists is meant
  if [[ $(lab_agent) == flanneld ]]; then lab_flanneld_start "$p" "$i" "$dir" $fa; else lab_agent_start "$p" "$i" "$dir" $va; fi
}

# A log line of either agent -> epoch ms: vxlabd "2026-11-25T15:14:05.150Z ...", flanneld (klog, local time, the
# year taken as this one's) "I1125 15:14:05.150123 ..."
lab_log_ms() { # line
  if [[ $1 =~ ^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8})\.([0-9]{3})Z ]]; then
    echo $(( $(date -ud "${BASH_REMATCH[1]}Z" +%s) * 1000 + 10#${BASH_REMATCH[2]} ))
  elif [[ $1 =~ ^[IWEF]([0-9]{2})([0-9]{2})\ ([0-9:]{8})\.([0-9]{3}) ]]; then
    echo $(( $(date -d "$(date +%Y)-${BASH_REMATCH[1]}-${BASH_REMATCH[2]} ${BASH_REMATCH[3]}" +%s) * 1000 + 10#${BASH_REMATCH[4]} ))
  else
    echo "no timestamp in: $1" >&2; return 1
  fi
}

# With FLANNELD set (and AGENT not): runs the calling benchmark twice, AGENT=vxlabd then AGENT=flanneld, each in a lab
# of its own, one after the other, then prints every result line ("figure: value") of the two side by side; exits.
# Without FLANNELD it returns and the benchmark runs once, with vxlabd (or with $AGENT).
lab_both_agents() { # script args...
  [[ -n ${FLANNELD:-} && -z ${AGENT:-} ]] || return 0
  local script=$1 out rc=0 a; shift
  out=$(mktemp -d /tmp/vxlab-both-XXXX)
  for a in vxlabd flanneld; do
    echo "=== $a${LAB_HOSTNAME:+ (hostname $LAB_HOSTNAME on every node)}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    AGENT=$a "$script" "$@" | tee "$out/$a" || rc=1
  done
  echo "=== side by side${LAB_HOSTNAME:+ (hostname $LAB_HOSTNAME on every node)}"
  python3 - "$out/vxlabd" "$out/flanneld" <<'PY'
import sys, re
def rows(f):
    d = {}
    for line in open(f):
        m = re.match(r"([a-z][^:]*?): (.*)", line.rstrip("\n"))
        if m and not line.startswith("=="):
            d.setdefault(m.group(1), m.group(2).strip())
    return d
v, f = rows(sys.argv[1]), rows(sys.argv[2])
for k in list(v) + [k for k in f if k not in v]:
    print(k + ":")
    print("  vxlabd   " + v.get(k, "(no figure)"))
    print("  flanneld " + f.get(k, "(no figure)"))
PY
  rm -rf "$out"
  exit "$rc"
}
