#!/usr/bin/env bash
# Builds the local Docker image that Vagrant's docker provider boots as a lab machine (the Vagrantfile's
# `vagrant: {image: …}`, default vxlab/node:bookworm), for machines with no hypervisor and no registry:
# debootstrap --variant=minbase bookworm from the mirror in apt's sources, with openssh-server, iproute2,
# iputils-ping, sudo, iptables, procps and ca-certificates (no Java: vxlab uploads its own runtime); user
# `vagrant` with passwordless sudo and Vagrant's insecure public key (Vagrant swaps it on first boot); host
# keys; `docker import` with CMD sshd -D -e. Skips all work when the image exists.
#
#   scripts/build-node-image.sh [IMAGE]          IMAGE (or VXLAB_NODE_IMAGE), default vxlab/node:bookworm
#   VXLAB_DEBIAN_MIRROR=http://…/debian          overrides the mirror found in apt's sources
#
# Downloaded packages are cached in /var/cache/vxlab/debootstrap (VXLAB_CACHE_DIR), never in the repository;
# the rootfs itself is a temporary directory, removed on exit. Needs root, debootstrap and a running dockerd
# (scripts/install-deps.sh --vagrant, scripts/start-docker.sh). See shared/PLATFORM.md, "Vagrant here".
set -euo pipefail
image=${1:-${VXLAB_NODE_IMAGE:-vxlab/node:bookworm}}
suite=bookworm
packages=openssh-server,iproute2,iputils-ping,sudo,iptables,procps,ca-certificates
cache=${VXLAB_CACHE_DIR:-/var/cache/vxlab}/debootstrap
SECONDS=0

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-node-image: $image already exists, nothing to do (docker rmi $image to rebuild)"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "build-node-image: run as root (debootstrap needs it)" >&2; exit 1; }
debootstrap=$(command -v debootstrap || echo /usr/sbin/debootstrap)
[[ -x $debootstrap ]] || { echo "build-node-image: no debootstrap (scripts/install-deps.sh --vagrant)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-node-image: no Docker engine answers (scripts/start-docker.sh)" >&2; exit 1; }
pubkey=
for k in $(dpkg -L vagrant 2>/dev/null | grep -E '/keys/vagrant\.pub$' || true) \
         /opt/vagrant/embedded/gems/gems/vagrant-*/keys/vagrant.pub; do
  [[ -f $k ]] && { pubkey=$k; break; }
done
[[ -n $pubkey ]] || { echo "build-node-image: Vagrant's insecure public key (keys/vagrant.pub) not found; install vagrant (scripts/install-deps.sh --vagrant)" >&2; exit 1; }

# The Debian mirror apt already uses here: deb822 stanzas (URIs:/Suites:) or one-line `deb URI SUITE …`;
# the first one that serves $suite itself (not -security/-updates).
mirror_from_apt() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v s="$suite" '
      function stanza_end() { if (!found && uris != "" && enabled && (" " suites " ") ~ (" " s " ")) { print uris; found = 1; exit } uris = ""; suites = ""; enabled = 1 }
      BEGIN { enabled = 1 }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { stanza_end(); next }
      tolower($1) == "uris:"    { uris = $2 }
      tolower($1) == "suites:"  { $1 = ""; suites = $0 }
      tolower($1) == "enabled:" { enabled = (tolower($2) != "no") }
      $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == s) { print $i; found = 1; exit } }
      END { stanza_end() }
    ' "$f"
  done
}
mirror=${VXLAB_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  mirror=$(mirror_from_apt | head -1) || true
  mirror=${mirror:-http://deb.debian.org/debian}
fi

work=$(mktemp -d /var/tmp/vxlab-node-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$cache" "$root"
echo "build-node-image: debootstrap --variant=minbase $suite from $mirror (packages cached in $cache)"
if ! "$debootstrap" --variant=minbase --include="$packages" --cache-dir="$cache" \
       "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  echo "build-node-image: debootstrap failed; last lines of its log:" >&2
  tail -20 "$work/debootstrap.log" >&2
  [[ -f $root/debootstrap/debootstrap.log ]] && tail -20 "$root/debootstrap/debootstrap.log" >&2
  exit 1
fi
echo "build-node-image: rootfs ready after ${SECONDS}s; adding user vagrant, host keys"

chroot "$root" useradd -m -s /bin/bash -U vagrant
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/vagrant"
chmod 0440 "$root/etc/sudoers.d/vagrant"
install -d -m 0700 "$root/home/vagrant/.ssh"
install -m 0600 "$pubkey" "$root/home/vagrant/.ssh/authorized_keys"
chroot "$root" chown -R vagrant:vagrant /home/vagrant/.ssh
chroot "$root" ssh-keygen -A >/dev/null
mkdir -p "$root/run/sshd"
chmod 0755 "$root/run/sshd"
# keep the image small and free of this machine's state
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root/debootstrap"
: >"$root/etc/machine-id"

tar -C "$root" --numeric-owner -c . |
  docker import -c 'CMD ["/usr/sbin/sshd","-D","-e"]' -m "vxlab node: debootstrap $suite minbase" - "$image" >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$image")
echo "build-node-image: built $image ($((size / 1024 / 1024)) MB) in ${SECONDS}s"
