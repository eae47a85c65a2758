#!/usr/bin/env bash
# A/B of this build's gateway against an earlier build's jar on one closed-loop scenario: the two run side by side
# with the same config and backend, and wrk measures them in alternating order, so a drift of the machine falls on
# both. For a change that a full bench/run.sh (with BENCH_BASELINE_JAR) leaves in doubt.
#
#   bench/ab.sh BASELINE_JAR [PATH [CONNECTIONS [PAIRS]]]      e.g. bench/ab.sh old.jar /64k 32 10
#
# Prints one line per measurement (pair, new|base, requests/s) and the median of each. Needs the jars of a build
# (bench/run.sh builds them), wrk and nginx.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BASELINE_JAR [PATH [CONNECTIONS [PAIRS]]]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAUNCH=$ROOT/bench/proxies/launch.sh
export BENCH_BASELINE_JAR=$1 GATEWAY_JAR=$ROOT/gateway/target/cmux-gateway.jar
URL_PATH=${2:-/64k} CONNECTIONS=${3:-32} PAIRS=${4:-10}
export WORK; WORK=$(mktemp -d /tmp/cmux-ab.XXXXXX)
chmod 755 "$WORK" # nginx workers serve files from here
export BE_HTTP=19081 BE_WS=19082
GATEWAY_JVM_FLAGS=$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/gateway/src/deb/bin/cmux-gateway")
export GATEWAY_JVM_FLAGS
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

java -jar "$ROOT/bench/target/cmux-bench.jar" files --dir "$WORK/www"
bash "$LAUNCH" nginx-backend backend "$BE_HTTP" > "$WORK/backend.log" 2>&1 & PIDS+=($!)
declare -A PORT=([new]=19083 [base]=19084)
bash "$LAUNCH" gateway new "${PORT[new]}" > "$WORK/new.log" 2>&1 & PIDS+=($!)
bash "$LAUNCH" gateway-base base "${PORT[base]}" > "$WORK/base.log" 2>&1 & PIDS+=($!)
for port in "$BE_HTTP" "${PORT[new]}" "${PORT[base]}"; do
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

HOST="Host: port-$BE_HTTP-vm-200.bench.test"
measure() { # target, seconds: requests per second
  wrk -t1 -c"$CONNECTIONS" -d"$2"s -H "$HOST" "http://127.0.0.1:${PORT[$1]}$URL_PATH" | awk '/Requests\/sec/ {print $2}'
}
measure new 8 > /dev/null # JIT warm-up of both
measure base 8 > /dev/null
declare -A RESULTS=([new]="" [base]="")
for i in $(seq "$PAIRS"); do
  order=(new base); [ $((i % 2)) = 0 ] && order=(base new)
  for t in "${order[@]}"; do
    r=$(measure "$t" 6)
    echo "$i $t $r"
    RESULTS[$t]="${RESULTS[$t]} $r"
  done
done
for t in new base; do
  echo "median $t $(tr ' ' '\n' <<< "${RESULTS[$t]}" | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}')"
done
