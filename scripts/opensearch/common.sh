# Sourced by the recipe scripts. All knobs are environment variables.
#   OS_VERSION        OpenSearch version from Maven Central (default 3.9.0; 2.x is UNTESTED here)
#   OS_WORK           runtime root: local Maven repo, dist, node dirs (default: $TMPDIR/archive-opensearch; must be writable and readable by OS_RUN_USER)
#   OS_M2             local Maven repository (default $HOME/.cache/archive-opensearch-m2: outside the
#                     clone, so that later runs and fresh clones need no network)
#   OS_NODES          the nodes' config/data/logs (default $OS_WORK/cluster; tests give each run its own)
#   OS_JAVA_HOME      JDK to run the nodes (default: Java 25 for 3.x, system java for 2.x)
#   OS_HEAP           -Xms/-Xmx per node (default 512m)
#   OS_HTTP_BASE      HTTP port of node 1 (default 9201; node i gets base+i-1)
#   OS_TRANSPORT_BASE transport port of node 1 (default 9301)
#   OS_CLUSTER        cluster name (default archive-test)
#   OS_RUN_USER       uid:gid to run the JVM as when invoked as root (default 65534:65534 = nobody;
#                     OpenSearch refuses to run as root)
#   OS_GREEN_TIMEOUT  seconds to wait for green (default 180)
#   OS_KEEP_DATA      1 = start-cluster.sh keeps existing node data (default: wipe)

RECIPE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OS_VERSION=${OS_VERSION:-3.9.0}
OS_WORK=${OS_WORK:-${TMPDIR:-/tmp}/archive-opensearch}
OS_M2=${OS_M2:-${HOME:-/tmp}/.cache/archive-opensearch-m2}
OS_HEAP=${OS_HEAP:-512m}
OS_HTTP_BASE=${OS_HTTP_BASE:-9201}
OS_TRANSPORT_BASE=${OS_TRANSPORT_BASE:-9301}
OS_CLUSTER=${OS_CLUSTER:-archive-test}
OS_RUN_USER=${OS_RUN_USER:-65534:65534}
OS_GREEN_TIMEOUT=${OS_GREEN_TIMEOUT:-180}
OS_DIST=$OS_WORK/dist-$OS_VERSION
OS_NODES=${OS_NODES:-$OS_WORK/cluster}

case "$OS_VERSION" in
  2.*) OS_MAJOR=2 ;;
  *) OS_MAJOR=3 ;;
esac

pick_java() {
  if [ -n "${OS_JAVA_HOME:-}" ]; then JAVA="$OS_JAVA_HOME/bin/java"; return; fi
  if [ "$OS_MAJOR" = 2 ]; then JAVA=$(command -v java); return; fi
  for j in /usr/lib/jvm/*-25-* /usr/lib/jvm/*-21-* /usr/lib/jvm/*-24-*; do
    if [ -x "$j/bin/java" ]; then JAVA="$j/bin/java"; return; fi
  done
  echo "OpenSearch $OS_VERSION needs Java 21+; set OS_JAVA_HOME" >&2
  return 1
}

java_major() { "$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }

node_dir() { echo "$OS_NODES/node-$1"; }
http_port() { echo $((OS_HTTP_BASE + $1 - 1)); }
transport_port() { echo $((OS_TRANSPORT_BASE + $1 - 1)); }

# pid_alive PIDFILE CONFDIR: true when the pid in PIDFILE is a java running with CONFDIR
# (guards against killing a recycled pid).
pid_alive() {
  local pf=$1 conf=$2 pid
  [ -f "$pf" ] || return 1
  pid=$(cat "$pf")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dopensearch.path.conf=$conf " || return 1
}

# wait_health URL COLOR TIMEOUT_S [PIDFILE CONFDIR ...]: prints the health JSON, returns 0 when
# COLOR is reached; gives up early when one of the given nodes died.
wait_health() {
  local url=$1 color=$2 timeout=$3 t0 s; shift 3
  t0=$(date +%s)
  while [ $(( $(date +%s) - t0 )) -lt "$timeout" ]; do
    s=$(curl -s -m 5 "$url/_cluster/health?wait_for_status=$color&timeout=2s" 2>/dev/null || true)
    if echo "$s" | grep -q "\"timed_out\":false"; then echo "$s"; return 0; fi
    local a=("$@")
    while [ ${#a[@]} -ge 2 ]; do
      pid_alive "${a[0]}" "${a[1]}" || { echo "node with pid file ${a[0]} is not running"; return 1; }
      a=("${a[@]:2}")
    done
    sleep 1
  done
  echo "$s"
  return 1
}
