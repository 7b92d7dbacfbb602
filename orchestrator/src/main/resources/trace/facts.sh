# vxlab trace: what one node's part of the path looks like, in one exec, each section after a "### <name>" line
# (the sections doctor's gather.sh also has are read by doctor/FactsParser). Arguments: $1 the other node's test
# container address, $2 the VXLAN device (flannel.<VNI>). Run as root with bash. Changes nothing.
export PATH="$PATH:/usr/sbin:/sbin"
s() { echo "### $1"; }
s tcpdump; command -v tcpdump 2>&1 || echo "missing"
s link; ip -d -j link show 2>&1
s addr; ip -j addr show 2>&1
s routeget; ip route get "$1" 2>&1
s fibmatch; ip route get fibmatch "$1" 2>&1
s neigh; ip -j neigh show dev "$2" 2>&1
s fdb; bridge -j fdb show dev "$2" 2>&1
s container; ip netns exec vxtest ip -j addr show 2>&1
s end
