#!/usr/bin/env bash
# The soak (issue #23; not in CI): one gateway, as the package runs it but with Netty's leak detection at paranoid,
# holds 9,000 WebSockets for 30 minutes, each sending a small message and getting it back every 30 s (Socket.IO's
# rhythm), while 500 requests/s of mixed HTTP (450/s of 19 B, 50/s of 64 KiB) go through it. Its RSS is sampled every
# 10 s. Passes when the RSS after the first 5 minutes stays within 5 %, the log has no leak report and no client saw
# an error (a run shorter than 10 minutes counts the RSS from the start); writes bench/results/<date>-soak.md,
# -soak-rss.png and -soak-rss.csv.
#
#   bench/soak.sh [--minutes 30] [--websockets 9000] [--rate 500] [--out DIR] [--no-build]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
LAUNCH=$BENCH_DIR/proxies/launch.sh
MINUTES=30 SOCKETS=9000 RATE=500 OUT=$BENCH_DIR/results BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift ;;
    --websockets) SOCKETS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: $0 [--minutes 30] [--websockets 9000] [--rate 500] [--out DIR] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

GATEWAY_JAR=$ROOT/gateway/target/cmux-gateway.jar
BENCH_JAR=$ROOT/bench/target/cmux-bench.jar
if [ "$BUILD" = 1 ] || [ ! -f "$GATEWAY_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((SOCKETS * 2 + 1000)) ] || { echo "open-file limit $(ulimit -n) is too low for $SOCKETS" >&2; exit 1; }

export WORK; WORK=$(mktemp -d /tmp/cmux-soak.XXXXXX)
chmod 755 "$WORK"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"' EXIT
export BE_HTTP=19181 BE_WS=19182 GATEWAY_JAR BENCH_BASELINE_JAR=""
GW=19183
# the shipped launcher's flags, with leak detection on
GATEWAY_JVM_FLAGS=$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/gateway/src/deb/bin/cmux-gateway" \
  | sed 's/-Dio.netty.leakDetection.level=disabled/-Dio.netty.leakDetection.level=paranoid/')
grep -q 'leakDetection.level=paranoid' <<< "$GATEWAY_JVM_FLAGS" || { echo "cannot turn leak detection on" >&2; exit 1; }
export GATEWAY_JVM_FLAGS

java -jar "$BENCH_JAR" files --dir "$WORK/www"
bash "$LAUNCH" nginx-backend backend "$BE_HTTP" > "$WORK/backend.log" 2>&1 & PIDS+=($!)
java -Xms64m -Xmx2g -jar "$BENCH_JAR" backend --port "$BE_WS" --threads 1 > "$WORK/ws-backend.log" 2>&1 & PIDS+=($!)
bash "$LAUNCH" gateway gateway "$GW" > "$WORK/gateway.log" 2>&1 & PIDS+=($!)
GW_PID=${PIDS[-1]}
for port in "$BE_HTTP" "$BE_WS" "$GW"; do
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done
log "soak: $SOCKETS WebSockets, a message each way every 30 s, $RATE req/s, $MINUTES minutes (work: $WORK)"

SECONDS_TOTAL=$((MINUTES * 60))
( start=$(date +%s)
  while kill -0 "$GW_PID" 2>/dev/null; do
    echo "$(( $(date +%s) - start )),$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status")"
    sleep 10
  done ) > "$WORK/rss.csv" & PIDS+=($!)
SAMPLER=${PIDS[-1]}

target=(--target "127.0.0.1:$GW")
java -Xmx2g -jar "$BENCH_JAR" idle "${target[@]}" --host "port-$BE_WS-vm-200.bench.test" --connections "$SOCKETS" \
  --parallel 256 --open-timeout 120 --hold "$SECONDS_TOTAL" --every 30 > "$WORK/idle.json" 2> "$WORK/idle.log" &
IDLE=$!
sleep 60 # the sockets open first; the HTTP load then runs alongside them until the hold ends
http_seconds=$((SECONDS_TOTAL - 60))
java -jar "$BENCH_JAR" rate "${target[@]}" --host "port-$BE_HTTP-vm-200.bench.test" --path /19b \
  --rate $((RATE * 9 / 10)) --connections 8 --warmup 0 --duration "$http_seconds" > "$WORK/http-19b.json" \
  2> "$WORK/http-19b.log" &
SMALL=$!
java -jar "$BENCH_JAR" rate "${target[@]}" --host "port-$BE_HTTP-vm-200.bench.test" --path /64k \
  --rate $((RATE / 10)) --connections 4 --warmup 0 --duration "$http_seconds" > "$WORK/http-64k.json" \
  2> "$WORK/http-64k.log" &
LARGE=$!
wait "$IDLE" "$SMALL" "$LARGE" || true
kill "$SAMPLER" 2>/dev/null || true

NAME=$(date -u +%Y-%m-%d)-soak
mkdir -p "$OUT"
status=0
java -Djava.awt.headless=true -jar "$BENCH_JAR" soak-report --rss "$WORK/rss.csv" \
  --results "$WORK/idle.json,$WORK/http-19b.json,$WORK/http-64k.json" --log "$WORK/gateway.log" \
  --out "$OUT" --name "$NAME" --settle "$(( MINUTES >= 10 ? 300 : 0 ))" || status=$?
cp "$WORK/rss.csv" "$OUT/$NAME-rss.csv"
log "results: $OUT/$NAME.md"
exit "$status"
