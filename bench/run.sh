#!/usr/bin/env bash
# Side-by-side load benchmark on one machine: direct backend vs cmux-gateway vs Caddy (the seeds' Caddyfile) vs
# nginx (an equivalent map + upstream keepalive config), same scenarios, interleaved, several rounds.
#
#   bench/run.sh            full run (about 17 minutes): writes bench/results/<date>.{json,md}, PNG charts, raw lines
#   bench/run.sh --smoke    every scenario for a moment, results in a temporary directory (CI: the harness runs)
# Both end with vm-wake (cmux-bench.jar vm-wake): the time to wake a paused, a hibernated and a stopped VM through
# the gateway jar against the PVE emulator, and the gateway's own share of it.
#
# Options: --rounds N (default 3), --out DIR (default bench/results, smoke: temporary), --no-build.
# Environment: BENCH_RATE (open-loop requests/s, default 2000), BENCH_IDLE (idle WebSockets, default 10000,
# capped by the open-file limit), KEEP_WORK=1 keeps the working directory (configs, logs) for inspection,
# BENCH_BASELINE_JAR=FILE adds the gateway of an earlier build as target gateway-base, measured in turn with the
# others in every scenario (a change against what it changed, in one run).
# Exits non-zero when a scenario produced no numbers for a target, naming both.
#
# This script installs the tools, builds, and starts the backend and the proxies (bench/proxies/launch.sh, from the
# configuration templates next to it); `cmux-bench.jar harness` runs the scenarios, reads the processes' CPU and
# memory from /proc, and writes the results (bench/README.md).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
LAUNCH=$BENCH_DIR/proxies/launch.sh
MODE=full
ROUNDS=3
OUT=""
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --rounds) ROUNDS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: $0 [--smoke] [--rounds N] [--out DIR] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done

WORK=$(mktemp -d /tmp/cmux-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers run as an unprivileged user and serve files from here
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # bounded: a process that ignores TERM for 10 s is killed
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "working directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- tools
need=()
command -v caddy >/dev/null 2>&1 || need+=(caddy)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

GATEWAY_JAR=$ROOT/gateway/target/cmux-gateway.jar
BENCH_JAR=$ROOT/bench/target/cmux-bench.jar
if [ "$BUILD" = 1 ] || [ ! -f "$GATEWAY_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

# 10k idle WebSockets need 2 descriptors each in a proxy; take the hard limit, the most this user may have
ulimit -n "$(ulimit -Hn)"

if [ "$MODE" = smoke ]; then [ -n "$OUT" ] || OUT=$WORK/results; else [ -n "$OUT" ] || OUT=$BENCH_DIR/results; fi
mkdir -p "$OUT"
NAME=$(date -u +%Y-%m-%d)
[ "$MODE" = smoke ] && NAME=$NAME-smoke

# ---------------------------------------------------------------- ports, processes
NEXT_PORT=18081
take_port() { # variable name: set to the first free port from NEXT_PORT on (nothing answers on it); bounded scan
  local p=$NEXT_PORT
  for _ in $(seq 500); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then printf -v "$1" %s "$p"; NEXT_PORT=$((p + 1)); return; fi
    p=$((p + 1))
  done
  echo "no free port from $NEXT_PORT" >&2; exit 1
}
# the backend, the long-lived proxies, then the fresh proxies the harness starts for the idle hold and the profile
for port in BE_HTTP BE_WS GW GW_LOG GW_DEFAULT GW_BASE CADDY NGINX GW_IDLE CADDY_IDLE NGINX_IDLE GW_PROF DIRECT_COLD \
           GW25_COLD; do
  take_port "$port"
done
wait_port() {
  local port=$1 name=$2
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$name did not listen on $port in 30 s; its log:" >&2
  cat "$WORK/$name.log" >&2 || true
  exit 1
}
start() { # name, command... ; the process's pid is the last one in PIDS
  local name=$1; shift
  "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
}

# what the launcher needs; the JVM flags are those of the shipped launcher (its JVM_FLAGS line), so the gateway is
# measured as it runs on a host
GATEWAY_JVM_FLAGS=$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/gateway/src/deb/bin/cmux-gateway")
[ "$(wc -w <<< "$GATEWAY_JVM_FLAGS")" -ge 8 ] \
  || { echo "cannot read JVM_FLAGS of gateway/src/deb/bin/cmux-gateway" >&2; exit 1; }
export WORK BE_HTTP BE_WS GATEWAY_JAR GATEWAY_JVM_FLAGS BENCH_BASELINE_JAR="${BENCH_BASELINE_JAR:-}"

# the cold scenario starts the gateway by its launcher, with the class-data archive trained as postinst trains it, on
# the config it starts with (its port aside); on a JDK 25 too when one is installed (JDK25_HOME, or the first
# /usr/lib/jvm/*25*), to compare the two
COLD=(--fresh-port.direct "$DIRECT_COLD")
mkdir -p "$WORK/class-data"
TRAINING_CONFIG=$WORK/class-data.yaml
sed 's|@PORT@|0|g' "$ROOT/bench/proxies/gateway.yaml" > "$TRAINING_CONFIG"
CACHE_DIRECTORY=$WORK/class-data CMUX_GATEWAY_JAR=$GATEWAY_JAR sh "$ROOT/gateway/src/deb/bin/cmux-gateway" warm-up \
  --config "$TRAINING_CONFIG" > "$WORK/class-data.log" 2>&1 \
  || { echo "the class-data training run failed:" >&2; cat "$WORK/class-data.log" >&2; exit 1; }
JDK25_HOME=${JDK25_HOME:-$(find /usr/lib/jvm -maxdepth 1 -name '*25*' -type d 2>/dev/null | sort | head -1)}
if [ -n "$JDK25_HOME" ] && [ -x "$JDK25_HOME/bin/java" ]; then
  mkdir -p "$WORK/class-data-25"
  JAVA_HOME=$JDK25_HOME CACHE_DIRECTORY=$WORK/class-data-25 CMUX_GATEWAY_JAR=$GATEWAY_JAR \
    sh "$ROOT/gateway/src/deb/bin/cmux-gateway" warm-up --config "$TRAINING_CONFIG" > "$WORK/class-data-25.log" 2>&1 \
    || { echo "the JDK 25 training run failed:" >&2; cat "$WORK/class-data-25.log" >&2; exit 1; }
  COLD+=(--fresh-port.gateway-25 "$GW25_COLD")
  export JDK25_HOME
fi

# the backend: nginx serving the fixed bodies (as the issue's reference numbers did), our Netty WebSocket echo
java -jar "$BENCH_JAR" files --dir "$WORK/www"
start nginx-backend bash "$LAUNCH" nginx-backend nginx-backend "$BE_HTTP"
start ws-backend java -Xms64m -Xmx1g -jar "$BENCH_JAR" backend --port "$BE_WS" --threads 1

PROXIES=() # the harness's options naming each proxy's port and process
proxy() { # kind (launch.sh), instance name, port
  start "$2" bash "$LAUNCH" "$1" "$2" "$3"
  PROXIES+=(--port."$1" "$3" --pid."$1" "${PIDS[-1]}")
}
proxy gateway gateway "$GW"
proxy gateway-log gateway-log "$GW_LOG"
proxy gateway-default gateway-default "$GW_DEFAULT"
proxy caddy caddy "$CADDY"
proxy nginx nginx-proxy "$NGINX"
if [ -n "$BENCH_BASELINE_JAR" ]; then
  proxy gateway-base gateway-base "$GW_BASE"
  wait_port "$GW_BASE" gateway-base
fi

for p in "$BE_HTTP:nginx-backend" "$BE_WS:ws-backend" "$GW:gateway" "$GW_LOG:gateway-log" \
         "$GW_DEFAULT:gateway-default" "$CADDY:caddy" "$NGINX:nginx-proxy"; do
  wait_port "${p%%:*}" "${p#*:}"
done
log "listening: backend http $BE_HTTP ws $BE_WS, gateway $GW (+log $GW_LOG, default pool $GW_DEFAULT), caddy $CADDY, nginx $NGINX"

# ---------------------------------------------------------------- the run (in the background, so a signal stops it)
rm -f "$OUT/$NAME.md" # the harness writes it anew: what is printed below is this run's
java -Djava.awt.headless=true -jar "$BENCH_JAR" harness --mode "$MODE" --rounds "$ROUNDS" \
  --out "$OUT" --name "$NAME" --work "$WORK" --launcher "$LAUNCH" --backend-http "$BE_HTTP" --backend-ws "$BE_WS" \
  "${PROXIES[@]}" --fresh-port.gateway "$GW_IDLE" --fresh-port.caddy "$CADDY_IDLE" --fresh-port.nginx "$NGINX_IDLE" \
  "${COLD[@]}" --profile-port "$GW_PROF" ${BENCH_RATE:+--rate "$BENCH_RATE"} ${BENCH_IDLE:+--idle "$BENCH_IDLE"} &
HARNESS=$!
PIDS+=("$HARNESS")
status=0
wait "$HARNESS" || status=$?
unset 'PIDS[-1]' # waited for: cleanup must not signal a pid the system may have given to another process
if [ -f "$OUT/$NAME.md" ]; then
  log "results: $OUT/$NAME.md"
  cat "$OUT/$NAME.md"
fi
[ "$status" = 0 ] || log "the harness failed (exit $status); KEEP_WORK=1 keeps the working directory and its logs"

# VM wake-on-HTTP against the PVE emulator: the gateway jar as a process, its own share of each wake (README)
log "vm-wake: paused, hibernated and stopped VMs"
vm_status=0
java -jar "$BENCH_JAR" vm-wake --mode "$MODE" --gateway-jar "$GATEWAY_JAR" --out "$OUT" --name "$NAME" \
  --work "$WORK" > "$WORK/vm-wake.out" 2>&1 || vm_status=$?
if [ "$vm_status" = 0 ]; then cat "$OUT/$NAME-vm-wake.md"; else log "vm-wake failed (exit $vm_status):"; cat "$WORK/vm-wake.out" >&2; fi
[ "$status" = 0 ] || exit "$status"
exit "$vm_status"
