#!/usr/bin/env bash
# Installs what vxlab needs on a Debian/Ubuntu machine: a JDK 17 and Maven to build, iproute2 for the kernel
# side, etcd (server and etcdctl) and Docker for etcd in a container, OpenSSH for lab nodes, Graphviz for
# `vxlab graph` as SVG, tcpdump for `vxlab trace`. With --vagrant also Vagrant and debootstrap (the vagrant provider;
# scripts/build-node-image.sh builds the docker provider's node image). Idempotent: installs only what is
# missing. Run as root (or with sudo).
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have java       || need+=(openjdk-17-jdk-headless)
have mvn        || need+=(maven)
have ip         || need+=(iproute2)
have bridge     || need+=(iproute2)
have ping       || need+=(iputils-ping)
have tcpdump || [[ -x /usr/sbin/tcpdump ]] || need+=(tcpdump)
have iptables   || need+=(iptables)
have etcd       || need+=(etcd-server)
have etcdctl    || need+=(etcd-client)
have dockerd    || need+=(docker.io)
have sshd || [[ -x /usr/sbin/sshd ]] || need+=(openssh-server)
have unshare    || need+=(util-linux)
have dot        || need+=(graphviz)
if [[ ${1:-} == --vagrant ]]; then
  have vagrant  || need+=(vagrant)
  have debootstrap || [[ -x /usr/sbin/debootstrap ]] || need+=(debootstrap)
fi

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: need root to install: ${need[*]} (re-run with sudo)" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # policy-rc.d keeps the packages from starting system services; vxlab starts what it needs itself.
  apt-get install -y -q --no-install-recommends "${need[@]}"
else
  echo "install-deps: everything is installed"
fi
