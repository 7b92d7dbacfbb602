#!/usr/bin/env bash
# Benchmark: `vxlab up` + `vxlab verify` for labs of NODES nodes (netns provider, etcd as a process) against Mininet's
# `single,N` topology with `--test pingall` on the same machine in the same run, and their ratio. As root.
#   bench/up.sh [NODES] [RUNS]      NODES: a count or a comma list (default 3,16); RUNS per count (default 3)
# Each run, for each count, from nothing: `vxlab up SPEC` (wall time from the shell, and the timings line `up`
# prints: machines, prepare, etcd, files, agents, verify), then `vxlab verify LAB` on the lab just made (wall), then
# Mininet (wall of the whole process), then `vxlab down` (wall); the ratios vxlab / mininet are taken within each run:
#   up / mininet           both build a network of N hosts and ping every pair once (up's last step is the matrix)
#   (up + verify) / mininet
#   verify / mininet
# Mininet: the switch is chosen by MININET_SWITCH=auto|lxbr|ovsk (default auto: Open vSwitch, mn's default, is
# tried once with 2 hosts; on this project's machines it fails -- no ovsdb-server/ovs-vswitchd running, and no
# openvswitch kernel module to load: the kernel has no /lib/modules tree and no /sys/module/openvswitch -- and then
# lxbr, the Linux bridge, is used, with no controller). The `mn` command is NOT run: on any error it calls mininet's
# cleanup (`mn -c`), which kills by broad patterns (pkill -f, killall ... ping ...), deletes root-namespace links by
# a pattern and removes /tmp/*.log; bench/mininet-pingall.py does what `mn --topo single,N --switch lxbr --controller
# none --test pingall` does with mininet's own classes and cleans only what it made. Mininet's hosts are
# 10.0.0.1..N, each in a namespace of its own; the root namespace gets no such address or route.
#   PROFILE=DIR          `vxlab up --verbose`, each output line stamped with this machine's clock (DIR/up-N-RUN.txt),
#                        and after each up, from the nodes' own files (opt.upper, var.upper under the lab's state), a
#                        breakdown per step and per node: CLI start, sshd start, SSH sessions, jar upload (the jar's
#                        mtime), restart script, agent JVM start (its first log line), etcd client's first answer
#                        ("Network config"), lease, subnet.env, and when `up` saw it (its poll); once per count, the
#                        cost of one SSH connection: OpenSSH `ssh node true`, `vxlab ssh LAB node -- true` and `vxlab -V`
#   LAB_HOSTNAME=vm      after the runs, one more lab: up, then every node's hostname set to "vm", then `vxlab up`
#                        again: it must refuse ("machines share a hostname"), timed; the agents that run keep their
#                        leases (`vxlab verify` timed again). (vxlab's netns machines are named after their nodes and
#                        `up` refuses shared hostnames before installing anything, so no lab of one hostname is ever up;
#                        Mininet's hosts all share the root namespace's hostname anyway: mnexec makes no UTS namespace.)
# Underlay 192.168.90.0/24 (lab "bench<N>"); before vxlab sends there, the route must not lead anywhere but the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=${1:-3,16}
runs=${2:-3}
state=$(mktemp -d /tmp/vxlab-bench-state-XXXX)
export VXLAB_HOME=$state
lab=
trap 'if [[ -n $lab ]]; then ./vxlab down "$lab" >/dev/null 2>&1 || true; fi; rm -rf "$state"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
stats() { grep . | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "no samples"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "p50 %s  min %s  max %s  (n=%d)\n", m, a[1], a[NR], NR}'; }
ratio() { python3 -c "print(f'{$1 / $2:.1f}')"; }
spec_for() { # nodes -> spec file (in the state directory, which the trap removes)
  local n=$1 f
  f=$(mktemp "$state/spec-$n-XXXX.yaml")
  {
    echo "name: bench$n"
    echo "underlay: {cidr: 192.168.90.0/24, hostIp: 192.168.90.1, nat: true}"
    echo "etcd: {mode: process}"
    echo "agent: {options: \"--iface=eth1\"}"
    echo "nodes:"
    for i in $(seq 1 "$n"); do echo "  - {name: node$i, ip: 192.168.90.$((10 + i))}"; done
  } >"$f"
  echo "$f"
}
# 192.168.90.0/24 must be unrouted before a lab is made (vxlab's own preflight says the same), and lead into the
# lab's link (vxh...) once it is up
underlay_free() {
  local r; r=$(ip -o -4 route show to match 192.168.90.1 | grep -v '^default' || true)
  [[ -z $r ]] || { echo "192.168.90.0/24 is already routed here ($r): not running" >&2; exit 1; }
}
underlay_is_lab() {
  ip -o route get 192.168.90.11 | grep -q ' dev vxh' || { echo "192.168.90.11 is not routed into the lab: $(ip -o route get 192.168.90.11)" >&2; exit 1; }
}

# the breakdown of one `up` (see PROFILE above), from its stamped output and the nodes' files; then, on the first
# run of a count, what one SSH connection costs
profile() { # stamped-output t0-ms t1-ms
  python3 - "$1" "$2" "$3" "$VXLAB_HOME/labs/$lab/nodes" <<'PY'
import sys, re, os, glob, datetime, statistics
out, t0, t1, nodes = sys.argv[1], int(sys.argv[2]) / 1e3, int(sys.argv[3]) / 1e3, sys.argv[4]
lines = []
for l in open(out):
    ts, _, text = l.rstrip("\n").partition(" ")
    lines.append((int(ts) / 1e6, text))
step_start, first_seen = {}, {}
for ts, text in lines:
    m = re.match(r"\[(\w+)\] (.*) \((\d+\.\d+) s\)$", text)
    if m:
        step_start.setdefault(m.group(1), ts - float(m.group(3)))   # the step's start on this machine's clock
        first_seen[(m.group(1), m.group(2))] = ts
timings = dict(re.findall(r"(\w+) (\d+\.\d+) s", next(t for _, t in lines if t.startswith("timings:"))))
rel = lambda t: f"{t - t0:6.2f}"
first = min(step_start.values())
print(f"wall {t1 - t0:.2f} s; before the first step (CLI JVM, spec, state, preflight): {first - t0:.2f} s; after the last"
      f" (state, exit): {t1 - t0 - (first - t0) - sum(float(v) for k, v in timings.items() if k != 'total'):.2f} s")
for k, v in timings.items():
    if k in step_start:
        print(f"  step {k:9s} starts at +{rel(step_start[k])} s, {float(v):.2f} s")
iso = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def logline(log, pat):
    for l in open(log):
        if re.search(pat, l):
            return iso(l.split(" ", 1)[0])
    return None
sa = step_start.get("agents")
print("  per node, seconds after `vxlab up` started (agents step at +%s):" % rel(sa))
print("    node     sshd-up  jar-done  restart-script  started-line  JVM-1st-log  etcd-answer  lease  subnet.env  up-saw-lease")
for d in sorted(glob.glob(f"{nodes}/*"), key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 0)):
    name = os.path.basename(d)
    log = f"{d}/var.upper/log/vxlabd.log"
    mt = lambda p: os.stat(p).st_mtime if os.path.exists(p) else None
    seen = lambda step, pre: next((ts for (st, tx), ts in first_seen.items() if st == step and tx.startswith(pre)), None)
    vals = [seen("machines", name), mt(f"{d}/opt.upper/vxlab/lib/vxlabd.jar"), mt(f"{d}/opt.upper/vxlab/bin/vxlabd-restart"),
            seen("agents", name + " vxlabd started"), logline(log, "vxlabd starting"), logline(log, "Network config"),
            logline(log, "Subnet lease acquired"), logline(log, "Wrote /run"), seen("agents", name + " lease")]
    print(f"    {name:8s} " + "  ".join(f"{rel(v):>8s}" if v else "       -" for v in vals))
# etcd's own log: its first line, leader elected, serving (etcd 3.4 writes local time: this machine's is UTC)
el = os.path.join(os.path.dirname(nodes), "etcd.log")
if os.path.exists(el) and "etcd" in step_start:
    marks = {}
    for l in open(el):
        m = re.search(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+)", l)
        if not m:
            continue
        t = datetime.datetime.fromisoformat(m.group(1).replace(" ", "T")).replace(tzinfo=datetime.timezone.utc).timestamp()
        for k, pat in (("first line", r"."), ("became leader", r"became leader"), ("serving clients", r"ready to serve client")):
            if k not in marks and re.search(pat, l):
                marks[k] = t
    print("  etcd (step at +%s): " % rel(step_start["etcd"]) + ", ".join(f"{k} +{rel(v).strip()}" for k, v in marks.items()))
PY
}
agent_cpu() { # nodes cli-time-file: CPU seconds of the CLI (user+sys, children it waited for) and of each node's agent JVM so far
  local n=$1 i pid tck c all=()
  tck=$(getconf CLK_TCK)
  for i in $(seq 1 "$n"); do
    for pid in $(ip netns pids "vx-$lab-n-node$i"); do
      [[ $(cat /proc/"$pid"/comm 2>/dev/null) == java ]] && c=$(awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' /proc/"$pid"/stat) && all+=("$c")
    done
  done
  echo "CPU seconds: the CLI $(awk '{printf "%.2f (user %s, sys %s)", $1 + $2, $1, $2}' "$2"); each agent since its start $(printf '%s\n' "${all[@]}" | stats), all $(printf '%s\n' "${all[@]}" | awk '{s += $1} END {printf "%.1f", s}')"
}
ssh_costs() { # node-ip node-name: medians of 5 OpenSSH connections and 3 `vxlab ssh` / `vxlab -V`
  local ip=$1 node=$2 h="$VXLAB_HOME/labs/$lab/ssh" a b c i t
  underlay_is_lab
  a=(); b=(); c=()
  for i in 1 2 3 4 5; do t=$(ms); ssh -i "$h/id_ed25519" -o UserKnownHostsFile="$h/known_hosts" -o BatchMode=yes -F /dev/null "root@$ip" true; a+=($(( $(ms) - t ))); done
  for i in 1 2 3; do t=$(ms); ./vxlab ssh "$lab" "$node" -- true; b+=($(( $(ms) - t ))); t=$(ms); ./vxlab -V >/dev/null; c+=($(( $(ms) - t ))); done
  echo "one SSH connection + exec (ms): OpenSSH $(printf '%s\n' "${a[@]}" | stats); vxlab ssh -- true $(printf '%s\n' "${b[@]}" | stats); vxlab -V (a JVM start) $(printf '%s\n' "${c[@]}" | stats)"
}

mvn -B -q -DskipTests -DskipITs package >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"

switch=${MININET_SWITCH:-auto}
if [[ $switch == auto ]]; then
  if out=$(/usr/bin/python3 bench/mininet-pingall.py 2 ovsk 2>&1); then switch=ovsk; else
    echo "mininet with Open vSwitch (mn's default) fails here: $(grep -m1 -E 'FAILED|ovs-vsctl:' <<<"$out")"
    switch=lxbr
  fi
fi
echo "mininet switch: $switch, no controller (bench/mininet-pingall.py, the equivalent of mn --topo single,N --switch $switch --controller none --test pingall)"

IFS=, read -r -a ns <<<"$counts"
for n in "${ns[@]}"; do
  spec=$(spec_for "$n")
  up=(); ver=(); mn=(); down=(); r_up=(); r_upv=(); r_ver=()
  for r in $(seq 1 "$runs"); do
    underlay_free
    lab="bench$n"
    t0=$(ms)
    if [[ -n ${PROFILE:-} ]]; then
      mkdir -p "$PROFILE"
      /usr/bin/time -o "$PROFILE/cpu-$n-$r.txt" -f '%U %S' ./vxlab up "$spec" --verbose 2>&1 |
        while IFS= read -r l; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$l"; done >"$PROFILE/up-$n-$r.txt"
      line=$(grep -o 'timings:.*' "$PROFILE/up-$n-$r.txt")
    else
      line=$(./vxlab up "$spec" | grep '^timings:')
    fi
    t1=$(ms); tv=$t1
    underlay_is_lab
    if [[ -n ${PROFILE:-} ]]; then
      profile "$PROFILE/up-$n-$r.txt" "$t0" "$t1" >"$PROFILE/breakdown-$n-$r.txt"
      cp "$VXLAB_HOME/labs/$lab/etcd.log" "$PROFILE/etcd-$n-$r.log" 2>/dev/null || true
      agent_cpu "$n" "$PROFILE/cpu-$n-$r.txt" >>"$PROFILE/breakdown-$n-$r.txt"
      if (( r == 1 )); then ssh_costs 192.168.90.11 node1 >>"$PROFILE/breakdown-$n-$r.txt"; fi
    fi
    tv=$(ms)   # verify's time starts here (the profile's reading is not counted)
    ./vxlab verify "$lab" >/dev/null
    t2=$(ms)
    mline=$(/usr/bin/python3 bench/mininet-pingall.py "$n" "$switch" 2>/dev/null) || { echo "mininet failed: $mline"; exit 1; }
    t3=$(ms)
    ./vxlab down "$lab" >/dev/null; lab=
    d=$(( $(ms) - t3 ))
    u=$((t1 - t0)); v=$((t2 - tv)); m=$((t3 - t2))
    up+=("$u"); ver+=("$v"); mn+=("$m"); down+=("$d")
    r_up+=("$(ratio "$u" "$m")"); r_upv+=("$(ratio $((u + v)) "$m")"); r_ver+=("$(ratio "$v" "$m")")
    echo "$n nodes, run $r: vxlab up $u ms, vxlab verify $v ms, mininet $m ms, vxlab down $d ms; load $(cut -d' ' -f1 /proc/loadavg)"
    echo "  $line"
    echo "  $mline"
    if [[ -n ${PROFILE:-} ]]; then sed 's/^/  /' "$PROFILE/breakdown-$n-$r.txt"; fi
  done
  echo "$n nodes, vxlab up wall (ms): $(printf '%s\n' "${up[@]}" | stats)"
  echo "$n nodes, vxlab verify wall (ms): $(printf '%s\n' "${ver[@]}" | stats)"
  echo "$n nodes, mininet single,$n pingall wall (ms): $(printf '%s\n' "${mn[@]}" | stats)"
  echo "$n nodes, vxlab down wall (ms): $(printf '%s\n' "${down[@]}" | stats)"
  echo "$n nodes, ratio vxlab up / mininet: $(printf '%s\n' "${r_up[@]}" | stats)"
  echo "$n nodes, ratio vxlab (up + verify) / mininet: $(printf '%s\n' "${r_upv[@]}" | stats)"
  echo "$n nodes, ratio vxlab verify / mininet: $(printf '%s\n' "${r_ver[@]}" | stats)"
done

if [[ -n ${LAB_HOSTNAME:-} ]]; then
  n=${ns[0]}; spec=$(spec_for "$n"); lab="bench$n"
  underlay_free
  ./vxlab up "$spec" >/dev/null
  underlay_is_lab
  for i in $(seq 1 "$n"); do ./vxlab ssh "$lab" "node$i" -- hostname "$LAB_HOSTNAME" >/dev/null; done
  t0=$(ms)
  if out=$(./vxlab up "$spec" 2>&1); then
    echo "$n nodes, hostname $LAB_HOSTNAME on every node: vxlab up did NOT refuse"; rc=1
  else
    t1=$(ms)
    echo "$n nodes, hostname $LAB_HOSTNAME on every node, vxlab up refuses (ms): $((t1 - t0)) ($(grep -m1 -o 'machines share a hostname[^.]*' <<<"$out"))"
    rc=0
  fi
  t0=$(ms)
  ./vxlab verify "$lab" >/dev/null && echo "$n nodes, hostname $LAB_HOSTNAME, verify of the running agents (ms): $(( $(ms) - t0 ))" ||
    echo "$n nodes, hostname $LAB_HOSTNAME: verify failed"
  ./vxlab down "$lab" >/dev/null; lab=
  exit "$rc"
fi
