#!/usr/bin/env bash
# Builds a local etcd image from the Debian etcd binary, for machines that cannot pull one. Skips the work
# when the image exists. Real users can pull an official image instead (quay.io/coreos/etcd:v3.5.17) and
# name it with VXLAB_ETCD_IMAGE.
set -euo pipefail
image=${VXLAB_ETCD_IMAGE:-vxlab/etcd:local}

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-etcd-image: $image already exists"
  exit 0
fi
etcd=$(command -v etcd) || { echo "build-etcd-image: no etcd binary (apt-get install etcd-server)" >&2; exit 1; }
etcdctl=$(command -v etcdctl) || { echo "build-etcd-image: no etcdctl (apt-get install etcd-client)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/tmp" "$root/var/lib/etcd"
cp "$etcd" "$etcdctl" "$root/usr/bin/"
# the shared libraries the binaries link against (Debian's etcd is built with cgo)
for lib in $(ldd "$etcd" "$etcdctl" | grep -oE '/[^ ]+\.so[^ ]*' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/usr/bin/etcd"]' - "$image" >/dev/null
echo "build-etcd-image: built $image from $etcd ($(etcd --version | head -1))"
