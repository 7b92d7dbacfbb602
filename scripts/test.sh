#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then integration tests against a real etcd (as a process and as a
# container), real network namespaces, the real agent jar, and a real `vagrant up` (docker provider, with the
# node image scripts/build-node-image.sh builds). Needs root; installs and starts what the
# tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --vagrant
scripts/start-docker.sh
scripts/build-etcd-image.sh
scripts/build-node-image.sh

export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
exec mvn -B verify "$@"
