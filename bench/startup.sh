#!/usr/bin/env bash
# Time from `java -jar` to the first healthy answer, cold (first start: initdb and migrations) and warm
# (existing data directory). Usage: bench/startup.sh [runs]   (build first: ./mvnw package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=target/bulwark.jar
[ -f "$jar" ] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 1; }
port=18181

start_once() { # $1 data dir, prints milliseconds to first {"status":"UP"}
  local dir=$1 t0 t1 pid
  t0=$(date +%s%N)
  BULWARK_DATA_DIR="$dir" SERVER_PORT=$port "$java" -jar "$jar" > "$dir.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    if curl -fs "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then break; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

base=$(mktemp -d)
echo "| run | cold start ms (new data dir) | warm start ms (existing data dir) |"
echo "|---|---:|---:|"
for i in $(seq 1 "$runs"); do
  dir="$base/run$i"
  cold=$(start_once "$dir")
  warm=$(start_once "$dir")
  echo "| $i | $cold | $warm |"
done
rm -rf "$base"
