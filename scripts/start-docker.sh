#!/usr/bin/env bash
# Makes sure a Docker engine answers. Uses a running one if there is one; otherwise starts dockerd in the
# background with --ip-forward=false --ip-masq=false so that containers have no way off the machine
# (published ports still work through docker-proxy). See shared/PLATFORM.md.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "start-docker: a Docker engine is already running"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "start-docker: no Docker engine answers and starting one needs root" >&2
  exit 1
fi
log=/var/log/vxlab-dockerd.log
echo "start-docker: starting dockerd (log: $log)"
nohup dockerd --ip-forward=false --ip-masq=false >"$log" 2>&1 &
echo $! >/run/vxlab-dockerd.pid
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: dockerd is up"
    exit 0
  fi
  sleep 0.5
done
echo "start-docker: dockerd did not come up within 30s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
