#!/usr/bin/env bash
# watchdog.sh PID  — wait until process PID (a test binary) has ended, then stop the nodes of
# OS_NODES and remove it. Started detached by internal/ostest, so that a test killed by its
# timeout or a signal (no cleanup runs then) leaves no JVM behind, even one that a launcher
# script was still starting: it waits until no process runs with this OS_NODES.
set -uo pipefail
here=$(dirname "$0")
. "$here/common.sh"
pid=${1:?pid to watch}
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
[ -d "$OS_NODES" ] || exit 0   # the test ended normally and cleaned up
for _ in $(seq 1 90); do
  "$here/stop-cluster.sh"
  busy=""
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    if tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qxF "OS_NODES=$OS_NODES"; then busy=${p#/proc/}; break; fi
  done
  if [ -z "$busy" ]; then rm -rf "$OS_NODES"; exit 0; fi
  echo "pid $busy still runs with OS_NODES=$OS_NODES"
  sleep 2
done
