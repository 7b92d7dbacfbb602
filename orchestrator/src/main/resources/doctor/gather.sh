# vxlab doctor: every fact of one node in one exec, each section after a "### <name>" line. Read by
# doctor/FactsParser; run as root (vxlab's shell adds sudo for another user) with bash. Changes nothing.
# The etcd endpoints tried are the agent's own (FLANNEL_ETCD_ENDPOINTS in /etc/sysconfig/flanneld).
export PATH="$PATH:/usr/sbin:/sbin"
s() { echo "### $1"; }
s link; ip -d -j link show 2>&1
s addr; ip -j addr show 2>&1
s route; ip -j route show 2>&1
s neigh; ip -j neigh show 2>&1
s fdb; bridge -j fdb show 2>&1
s iptables; iptables-save 2>&1
s subnet.env; cat /run/flannel/subnet.env 2>&1
s sysconfig; cat /etc/sysconfig/flanneld 2>&1
s agent
pid=$(cat /run/vxlabd.pid 2>/dev/null)
# a zombie is not running: a stopped agent whose session has ended waits for init to reap it
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then echo "running pid $pid"
elif systemctl is-active -q vxlabd 2>/dev/null; then echo "running systemd"
else echo "stopped"; fi
s log; tail -n 40 /var/log/vxlabd.log 2>&1
s healthz
port=$(sed -n 's/.*--healthz-port[= ]\([0-9][0-9]*\).*/\1/p' /etc/sysconfig/flanneld 2>/dev/null | head -1)
if [ -n "$port" ] && [ "$port" != 0 ]; then
  timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"' && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>&1 | tr -d '\r'
else echo "off"; fi
s snmp; cat /proc/net/snmp
s container; ip netns exec vxtest ip -j addr show 2>&1
s etcd
eps=$(sed -n 's/^FLANNEL_ETCD_ENDPOINTS="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/sysconfig/flanneld 2>/dev/null | tr ',' ' ')
for e in $eps; do
  e=${e#*://}; e=${e%%/*}
  if timeout 2 bash -c "exec 3<>/dev/tcp/${e%:*}/${e##*:}" 2>/dev/null; then echo "$e ok"; else echo "$e unreachable"; fi
done
s end
