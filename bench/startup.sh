#!/usr/bin/env bash
# Time from `java -jar` to the first healthy answer: cold (first start: initdb and migrations), warm (existing data
# directory), warm with a JDK AOT cache (-XX:AOTCache, made by one training run with -XX:AOTCacheOutput), and after the
# previous JVM was killed with kill -9 (its PostgreSQL left running: the start stops it first); and the same warm start
# from the extracted jar (java -Djarmode=tools -jar bulwark.jar extract) with an AOT cache trained on it, which then
# holds the application's classes too.
# Usage: bench/startup.sh [runs]   (build first: ./mvnw package -DskipTests; needs JDK 25 for the AOT cache)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=target/bulwark.jar
[ -f "$jar" ] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 1; }
port=18181

# $1 data dir, $2 how to stop it (TERM or KILL), then JVM options; prints milliseconds to the first {"status":"UP"}.
# The jar run is $run_jar (the fat jar unless set).
start_once() {
  local dir=$1 stop=$2 t0 t1 pid
  shift 2
  t0=$(date +%s%N)
  BULWARK_DATA_DIR="$dir" SERVER_PORT=$port "$java" "$@" -jar "${run_jar:-$jar}" >> "$dir.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fs "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then break; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill -"$stop" "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

base=$(mktemp -d)
aot="$base/bulwark.aot"
dir="$base/data"
cold=$(start_once "$dir" TERM)
# The training run: a warm start whose JVM writes the AOT cache when it exits (SIGTERM is a normal exit).
start_once "$dir" TERM -XX:AOTCacheOutput="$aot" > /dev/null
[ -f "$aot" ] || { echo "no AOT cache written (JDK 25 needed)" >&2; exit 1; }
# The extracted jar (its libraries beside it, read as plain jars) and a cache trained on it.
"$java" -Djarmode=tools -jar "$jar" extract --destination "$base/extracted" > /dev/null
xaot="$base/extracted.aot"
run_jar="$base/extracted/bulwark.jar" start_once "$dir" TERM -XX:AOTCacheOutput="$xaot" > /dev/null
[ -f "$xaot" ] || { echo "no AOT cache written for the extracted jar" >&2; exit 1; }
warm=(); aotwarm=(); killed=(); xwarm=(); xkilled=()
echo "| run | warm ms | warm ms, AOT cache | after kill -9 ms | extracted jar + AOT cache ms | the same after kill -9 ms |"
echo "|---|---:|---:|---:|---:|---:|"
for i in $(seq 1 "$runs"); do
  warm+=("$(start_once "$dir" TERM)")
  aotwarm+=("$(start_once "$dir" TERM -XX:AOTCache="$aot")")
  start_once "$dir" KILL > /dev/null  # leaves its PostgreSQL running
  killed+=("$(start_once "$dir" TERM)")
  xwarm+=("$(run_jar="$base/extracted/bulwark.jar" start_once "$dir" TERM -XX:AOTCache="$xaot")")
  run_jar="$base/extracted/bulwark.jar" start_once "$dir" KILL -XX:AOTCache="$xaot" > /dev/null  # leaves its PostgreSQL running
  xkilled+=("$(run_jar="$base/extracted/bulwark.jar" start_once "$dir" TERM -XX:AOTCache="$xaot")")
  echo "| $i | ${warm[-1]} | ${aotwarm[-1]} | ${killed[-1]} | ${xwarm[-1]} | ${xkilled[-1]} |"
done
echo
echo "cold start (new data dir): $cold ms; AOT cache: $(du -m "$aot" | cut -f1) MB; extracted jar's: $(du -m "$xaot" | cut -f1) MB"
echo "median warm: $(median "${warm[@]}") ms; with the AOT cache: $(median "${aotwarm[@]}") ms; after kill -9: $(median "${killed[@]}") ms;"
echo "extracted jar with its AOT cache: $(median "${xwarm[@]}") ms; the same after kill -9: $(median "${xkilled[@]}") ms"
rm -rf "$base"
