#!/usr/bin/env bash
# Quickstart on a fresh Debian/Ubuntu machine, as root: installs what is missing (JDK, Maven, iproute2,
# etcd, Docker, OpenSSH...), builds vxlab, and brings up labs/quickstart.yaml: three Vagrant-shaped nodes in
# network namespaces, each with its own sshd; etcd; the agent on every node over SSH; the ping matrix.
# `./vxlab down quickstart` removes it all again.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "quickstart: run as root (as root: scripts/quickstart.sh; from another user: sudo scripts/quickstart.sh): a lab creates network namespaces" >&2; exit 1; }
scripts/install-deps.sh
# etcd in a container, the default the spec asks for (etcd.mode auto): dockerd started where it can be, and an
# image built from the etcd binary where none can be pulled; without them etcd runs as a process, and up says why
if scripts/start-docker.sh; then
  scripts/build-etcd-image.sh || echo "quickstart: no local etcd image; etcd runs from a pulled image or as a process" >&2
else
  echo "quickstart: Docker does not start here; etcd runs as a process (see up's etcd line)" >&2
fi
echo "== building"
mvn -B -q -DskipTests -DskipITs package
echo "== ./vxlab up labs/quickstart.yaml"
./vxlab up labs/quickstart.yaml
echo
./vxlab status quickstart
echo
echo "Next: ./vxlab ssh quickstart kube1          a shell on a node (try: ip route; cat /run/flannel/subnet.env)"
echo "      ./vxlab up labs/vagrant-eth0-trap.yaml  the Vagrant 10.0.2.15 trap, refused with the fix"
echo "      ./vxlab down quickstart                 removes the lab"
