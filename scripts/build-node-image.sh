#!/usr/bin/env bash
# Builds the local Docker image that Vagrant's docker provider boots as a lab machine (the Vagrantfile's
# `vagrant: {image: …}`, default vxlab/node:bookworm), for machines with no hypervisor and no registry:
# debootstrap --variant=minbase bookworm from the mirror in apt's sources, with what the shipped labs need —
# openssh-server, iproute2, iputils-ping, sudo, iptables, procps, ca-certificates, and firewalld with the
# system bus (dbus) and ipset, its iptables backend configured (no Java: vxlab uploads its own runtime); user
# `vagrant` with passwordless sudo and Vagrant's insecure public key (Vagrant swaps it on first boot); host
# keys; `docker import` with CMD /usr/local/sbin/vxlab-node-init (scripts/node-image/vxlab-node-init: D-Bus,
# firewalld, then sshd -D -e, no systemd).
#
#   scripts/build-node-image.sh [IMAGE]          IMAGE (or VXLAB_NODE_IMAGE), default vxlab/node:bookworm
#   scripts/build-node-image.sh --check [IMAGE]  exit 0 when IMAGE is current (or not built by this script),
#                                                else 1 and one line saying what to run (the Vagrantfile asks)
#   VXLAB_DEBIAN_MIRROR=http://…/debian          overrides the mirror found in apt's sources
#
# The image carries a label dev.vxlab.node-image=VERSION, VERSION a hash of this script and the init script: an
# image that exists with this version is kept (nothing to do), one built by an older script (another version,
# or none: images from before the label, which lack firewalld) is rebuilt under the same name.
# Downloaded packages are cached in /var/cache/vxlab/debootstrap (VXLAB_CACHE_DIR), never in the repository;
# the rootfs itself is a temporary directory, removed on exit. Needs root, debootstrap and a running dockerd
# (scripts/install-deps.sh --vagrant, scripts/start-docker.sh). See shared/PLATFORM.md, "Vagrant here".
set -euo pipefail
check=false
if [[ ${1:-} == --check ]]; then
  check=true
  shift
fi
image=${1:-${VXLAB_NODE_IMAGE:-vxlab/node:bookworm}}
suite=bookworm
packages=openssh-server,iproute2,iputils-ping,sudo,iptables,procps,ca-certificates,dbus,firewalld,ipset
# polkitd (firewalld needs it) wants a logind, a virtual package debootstrap cannot resolve: systemd's, never run
packages+=,libpam-systemd
cache=${VXLAB_CACHE_DIR:-/var/cache/vxlab}/debootstrap
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
init=$here/node-image/vxlab-node-init
label=dev.vxlab.node-image
version=$(cat "$here/build-node-image.sh" "$init" | sha256sum | cut -c1-12)
SECONDS=0

# What IMAGE is: "current", "absent", "foreign" (not made by this script: left alone), or "stale: WHY".
image_state() {
  local have comment
  if ! have=$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$image" 2>/dev/null); then
    echo absent
  elif [[ $have == "$version" ]]; then
    echo current
  elif [[ -n $have && $have != "<no value>" ]]; then
    echo "stale: built by another version of scripts/build-node-image.sh ($label=$have, this one makes $version)"
  else
    comment=$(docker image inspect -f '{{.Comment}}' "$image" 2>/dev/null || true)
    if [[ $comment == "vxlab node:"* ]]; then
      echo "stale: built by an older scripts/build-node-image.sh, without firewalld and the init that starts it"
    else
      echo foreign
    fi
  fi
}

docker info >/dev/null 2>&1 || { echo "build-node-image: no Docker engine answers (scripts/start-docker.sh)"; exit 1; }
state=$(image_state)
if $check; then
  case $state in
    current | foreign) exit 0 ;;
    absent) echo "no image $image here (no registry to pull it from): build it with scripts/build-node-image.sh${1:+ $image}" ;;
    *) echo "image $image was ${state#stale: }: rebuild it with scripts/build-node-image.sh${1:+ $image} (it replaces the old one)" ;;
  esac
  exit 1
fi
case $state in
  current)
    echo "build-node-image: $image is current ($label=$version), nothing to do"
    exit 0 ;;
  foreign)
    echo "build-node-image: $image exists and was not built by this script: left as it is (docker rmi $image, then run this again, to build vxlab's)"
    exit 0 ;;
  stale:*)
    old=$(docker image inspect -f '{{.Id}}' "$image")
    echo "build-node-image: $image was ${state#stale: }; rebuilding it" ;;
esac
[[ $(id -u) -eq 0 ]] || { echo "build-node-image: run as root (debootstrap needs it)" >&2; exit 1; }
debootstrap=$(command -v debootstrap || echo /usr/sbin/debootstrap)
[[ -x $debootstrap ]] || { echo "build-node-image: no debootstrap (scripts/install-deps.sh --vagrant)" >&2; exit 1; }
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
echo "build-node-image: rootfs ready after ${SECONDS}s; adding user vagrant, host keys, the init"

chroot "$root" useradd -m -s /bin/bash -U vagrant
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/vagrant"
chmod 0440 "$root/etc/sudoers.d/vagrant"
install -d -m 0700 "$root/home/vagrant/.ssh"
install -m 0600 "$pubkey" "$root/home/vagrant/.ssh/authorized_keys"
chroot "$root" chown -R vagrant:vagrant /home/vagrant/.ssh
chroot "$root" ssh-keygen -A >/dev/null
mkdir -p "$root/run/sshd"
chmod 0755 "$root/run/sshd"
install -m 0755 "$init" "$root/usr/local/sbin/vxlab-node-init"
# firewalld's iptables backend: direct rules then come before its zones' rejects in the same tables (with the
# nftables backend an ACCEPT among the direct rules, which are iptables rules, does not get past its zones)
conf=$root/etc/firewalld/firewalld.conf
grep -q '^FirewallBackend=' "$conf" || { echo "build-node-image: no FirewallBackend= in $conf" >&2; exit 1; }
sed -i 's/^FirewallBackend=.*/FirewallBackend=iptables/' "$conf"
# keep the image small and free of this machine's state
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root/debootstrap"
: >"$root/etc/machine-id"

tar -C "$root" --numeric-owner -c . |
  docker import -c "LABEL $label=$version" -c 'CMD ["/usr/local/sbin/vxlab-node-init"]' \
    -m "vxlab node: debootstrap $suite minbase" - "$image" >/dev/null
# the image this one replaces, unless a container still uses it
[[ -n ${old:-} ]] && docker rmi "$old" >/dev/null 2>&1 || true
size=$(docker image inspect -f '{{.Size}}' "$image")
echo "build-node-image: built $image ($((size / 1024 / 1024)) MB) in ${SECONDS}s"
