#!/usr/bin/env bash
# Runs one bench script from two built clones, one after the other in one session, so their
# figures compare side by side (same machine, same load, same arguments):
#
#   bench/compare-builds.sh BEFORE_DIR AFTER_DIR api/run.js --sizes 1000 --stores lowdb,etcd --seconds 3
#
# Each DIR is a clone with `npm ci` (or a node_modules link) and `npm run build` done; the script
# path is relative to its dist/bench/.
set -euo pipefail
before="$1" after="$2" script="$3"
shift 3
for build in "$before" "$after"; do
  echo "=== $build ($(git -C "$build" log -1 --format='%h %s' | cut -c1-72))"
  node "$build/dist/bench/$script" "$@"
done
