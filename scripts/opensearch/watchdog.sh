#!/usr/bin/env bash
# watchdog.sh PID  — wait until process PID (a test binary) has ended, then stop the nodes of
# OS_NODES. Started detached by internal/ostest, so that a test killed by its timeout or a
# signal (no cleanup runs then) leaves no JVM behind.
set -uo pipefail
here=$(dirname "$0")
. "$here/common.sh"
pid=${1:?pid to watch}
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
"$here/stop-cluster.sh"
