#!/usr/bin/env bash
# Lays out an OpenSearch "distribution" from Maven Central jars:
#   $OS_DIST/lib/*.jar                    server jar + its runtime deps (the classpath)
#   $OS_DIST/modules/<name>/*.jar         one dir per module, + a generated plugin-descriptor.properties
#   $OS_DIST/plugins/  $OS_DIST/bin/      empty, but must exist (bootstrap checks path.home/bin)
# Idempotent: a finished dist has .complete and is reused; Maven runs offline when it can.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ -f "$OS_DIST/.complete" ]; then echo "dist ready: $OS_DIST"; exit 0; fi
mkdir -p "$OS_WORK"
chmod a+rx "$OS_WORK" 2>/dev/null || true
# several test processes may start nodes at once: one lays out the dist, the others wait
exec 9>"$OS_WORK/.fetch-$OS_VERSION.lock"
flock 9
if [ -f "$OS_DIST/.complete" ]; then echo "dist ready: $OS_DIST"; exit 0; fi
command -v mvn >/dev/null || { echo "mvn missing: apt-get install -y maven" >&2; exit 1; }
mkdir -p "$OS_M2"
rm -rf "$OS_DIST.tmp"
t0=$(date +%s)

MVN=(mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$OS_M2")
profile=()
[ "$OS_MAJOR" = 2 ] && profile=(-Dos2)

run_mvn() { # try offline first (second start needs no network), then online
  "${MVN[@]}" -o "$@" >/dev/null 2>&1 || "${MVN[@]}" "$@"
}

# log4j-core must match the log4j-api version the server pom pins
run_mvn dependency:get -Dartifact="org.opensearch:opensearch:$OS_VERSION:pom" -Dtransitive=false
pom="$OS_M2/org/opensearch/opensearch/$OS_VERSION/opensearch-$OS_VERSION.pom"
log4j=$(grep -A2 '<artifactId>log4j-api</artifactId>' "$pom" | sed -n 's:.*<version>\(.*\)</version>.*:\1:p' | head -1)
[ -n "$log4j" ] || { echo "cannot find log4j-api version in $pom" >&2; exit 1; }

run_mvn -f "$RECIPE_DIR/maven/pom.xml" "${profile[@]}" -Dopensearch.version="$OS_VERSION" \
  -Dlog4j.version="$log4j" -Ddist.dir="$OS_DIST.tmp" dependency:copy-dependencies

D=$OS_DIST.tmp
# a module's classloader sits on top of lib/: drop jars lib/ already has (else jar hell)
for m in "$D"/modules/*/; do
  for j in "$m"*.jar; do if [ -f "$D/lib/$(basename "$j")" ]; then rm -f "$j"; fi; done
done
# netty QUIC/HTTP3 native jars for other platforms are dead weight
rm -f "$D"/modules/transport-netty4/*-osx-*.jar "$D"/modules/transport-netty4/*-windows-*.jar \
      "$D"/modules/transport-netty4/*-linux-aarch_64.jar

javav=21; [ "$OS_MAJOR" = 2 ] && javav=11
# the plugin class is the one top-level *Plugin class in the module's own jar
# (3.x: Netty4ModulePlugin, PainlessModulePlugin, ...; 2.x: Netty4Plugin, PainlessPlugin, ...)
pick_java
listjar() { if command -v unzip >/dev/null; then unzip -Z1 "$1"; else "$(dirname "$JAVA")/jar" tf "$1"; fi; }
desc() { # name main-jar-artifactId [extended.plugins]
  local jar="$D/modules/$1/$2-$OS_VERSION.jar" cls
  cls=$(listjar "$jar" | grep -E '^[^$]*Plugin\.class$' | sed 's/\.class$//; s|/|.|g')
  [ "$(echo "$cls" | wc -l)" = 1 ] && [ -n "$cls" ] || { echo "cannot pick plugin class in $jar: $cls" >&2; exit 1; }
  {
    echo "name=$1"
    echo "description=$1 module (jars from Maven Central)"
    echo "version=$OS_VERSION"
    echo "opensearch.version=$OS_VERSION"
    echo "java.version=$javav"
    echo "classname=$cls"
    if [ -n "${3:-}" ]; then echo "extended.plugins=$3"; fi
  } > "$D/modules/$1/plugin-descriptor.properties"
}
desc transport-netty4 transport-netty4-client
desc lang-painless    lang-painless
desc analysis-common  analysis-common lang-painless
desc mapper-extras    mapper-extras-client
desc reindex          reindex-client
if [ "$OS_MAJOR" = 2 ]; then
  # 2.x runs under the Java Security Manager; the module jars on Maven Central carry no
  # plugin-security.policy, so grant what the real modules' policies grant.
  cat > "$D/modules/lang-painless/plugin-security.policy" <<'EOF2'
grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF2
  cat > "$D/modules/transport-netty4/plugin-security.policy" <<'EOF2'
grant {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
EOF2
  cat > "$D/modules/reindex/plugin-security.policy" <<'EOF2'
grant {
  permission java.net.SocketPermission "*", "connect";
  permission java.net.NetPermission "getProxySelector";
};
EOF2
fi
mkdir -p "$D/plugins" "$D/bin"
chmod -R a+rX "$D"
touch "$D/.complete"
rm -rf "$OS_DIST"; mv "$D" "$OS_DIST"
echo "dist ready: $OS_DIST ($(du -sh "$OS_DIST" | cut -f1), built in $(( $(date +%s) - t0 ))s; local repo $(du -sh "$OS_M2" | cut -f1))"
