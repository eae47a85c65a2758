#!/usr/bin/env bash
# Side-by-side load benchmark on one machine: direct backend vs cmux-gateway vs Caddy (the seeds' Caddyfile) vs
# nginx (an equivalent map + upstream keepalive config), same scenarios, interleaved, several rounds.
#
#   bench/run.sh            full run (about 17 minutes): writes bench/results/<date>.{json,md}, PNG charts, raw lines
#   bench/run.sh --smoke    every scenario for a moment, results in a temporary directory (CI: the harness runs)
#
# Options: --rounds N (default 3), --out DIR (default bench/results, smoke: temporary), --no-build.
# Environment: BENCH_RATE (open-loop requests/s, default 2000), BENCH_IDLE (idle WebSockets, default 10000,
# capped by the open-file limit), KEEP_WORK=1 keeps the working directory (configs, logs) for inspection.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
SMOKE=0
ROUNDS=3
OUT=""
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
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

# a process that has been waited for is dropped, so cleanup never signals a reused pid
forget() {
  local kept=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

stop() { # pid: TERM, up to 30 s to go, then forgotten
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  wait "$1" 2>/dev/null || true
  forget "$1"
}

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
FD_LIMIT=$(ulimit -n)

# ---------------------------------------------------------------- scenario sizes
if [ "$SMOKE" = 1 ]; then
  ROUNDS=1; WARMUP=0.3; SHORT=1.5; LONG=1.5; WRK_SECONDS=1; RATE=${BENCH_RATE:-500}; IDLE=${BENCH_IDLE:-200}; HOLD=3
  RATE_SECONDS=1.5; PROFILE_SECONDS=2; GATEWAY_WARMUP=1
  [ -n "$OUT" ] || OUT=$WORK/results
else
  WARMUP=2; SHORT=5; LONG=6; WRK_SECONDS=6; RATE=${BENCH_RATE:-2000}; IDLE=${BENCH_IDLE:-10000}; HOLD=5
  # The open loop's p99 is the worst 1 % of RATE_SECONDS * RATE requests: over 6 s one 60 ms stall of this shared
  # machine (seen in every target, direct included) decides it; over 12 s a stall must last 120 ms to. Not longer:
  # the whole run, build included, stays within 20 minutes on a fresh machine.
  RATE_SECONDS=12; PROFILE_SECONDS=15; GATEWAY_WARMUP=15
  [ -n "$OUT" ] || OUT=$BENCH_DIR/results
fi
# a proxy holds a client and a backend descriptor per WebSocket, plus its own few
MAX_IDLE=$(( (FD_LIMIT - 300) / 2 ))
if [ "$IDLE" -gt "$MAX_IDLE" ]; then
  log "open-file limit $FD_LIMIT allows $MAX_IDLE idle WebSockets through one proxy process, not $IDLE"
  IDLE=$MAX_IDLE
fi
mkdir -p "$OUT"
NAME=$(date -u +%Y-%m-%d)
[ "$SMOKE" = 1 ] && NAME=$NAME-smoke
RAW=$OUT/$NAME-raw.jsonl
: > "$RAW"

# ---------------------------------------------------------------- ports, processes
free_port() {
  local p=$1
  # a port is taken when something answers on it; bounded scan
  for _ in $(seq 500); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    p=$((p + 1))
  done
  echo "no free port from $1" >&2; exit 1
}
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

BE_HTTP=$(free_port 18081)
BE_WS=$(free_port $((BE_HTTP + 1)))
GW=$(free_port $((BE_WS + 1)))
GW_CONTROL=$(free_port $((GW + 1)))
GW_LOG=$(free_port $((GW_CONTROL + 1)))
GW_LOG_CONTROL=$(free_port $((GW_LOG + 1)))
CADDY=$(free_port $((GW_LOG_CONTROL + 1)))
NGINX=$(free_port $((CADDY + 1)))
GW_DEFAULT=$(free_port $((NGINX + 1)))
GW_DEFAULT_CONTROL=$(free_port $((GW_DEFAULT + 1)))
GW_PROF=$(free_port $((GW_DEFAULT_CONTROL + 1)))
GW_PROF_CONTROL=$(free_port $((GW_PROF + 1)))
# the idle hold runs against a fresh process of each proxy (see measure_idle)
GW_IDLE=$(free_port $((GW_PROF_CONTROL + 1)))
GW_IDLE_CONTROL=$(free_port $((GW_IDLE + 1)))
CADDY_IDLE=$(free_port $((GW_IDLE_CONTROL + 1)))
NGINX_IDLE=$(free_port $((CADDY_IDLE + 1)))

# the backend: nginx serving the fixed bodies (as the issue's reference numbers did), our Netty WebSocket echo
java -jar "$BENCH_JAR" files --dir "$WORK/www"
mkdir -p "$WORK/nginx-backend" # the proxies make their own directories (start_proxy)
# what both nginx instances share: files under their own directory, no access log, long keep-alive
nginx_head() { # directory; leaves the http block open
  cat <<EOF
worker_processes auto;
worker_rlimit_nofile $FD_LIMIT;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
EOF
}
{ nginx_head "$WORK/nginx-backend"; cat <<EOF
  sendfile on;
  tcp_nopush on;
  default_type text/plain;
  server {
    listen 127.0.0.1:$BE_HTTP backlog=4096;
    root $WORK/www;
  }
}
EOF
} > "$WORK/nginx-backend/nginx.conf"
start nginx-backend nginx -e "$WORK/nginx-backend/error.log" -p "$WORK/nginx-backend" \
  -c "$WORK/nginx-backend/nginx.conf" -g 'daemon off;'
start ws-backend java -Xms64m -Xmx1g -jar "$BENCH_JAR" backend --port "$BE_WS" --threads 1
WS_BACKEND_PID=${PIDS[-1]}

# the gateway, configured as the brief says; JVM flags as in systemd/cmux-gateway.service
# pool.maxIdlePerBackend 64 per event loop matches nginx's "keepalive 64" per worker; gateway-default keeps the
# shipped pool default to show what it costs under 64 concurrent clients. All load comes from one loopback
# client, which the per-visitor cap (limits.maxConnectionsPerClient, 256) would otherwise refuse past 256.
gateway_config() { # file, port, control port, access log on?, idle backend connections per loop ("" = default)
  cat > "$1" <<EOF
listen: 127.0.0.1:$2
domain: bench.test
routing: {suffix: ""}
resolver: {static: {"200": 127.0.0.1}, allowedNetworks: ["127.0.0.1/32"]}
accessLog: {enabled: $4}
control: {listen: "127.0.0.1:$3"}
limits: {maxConnectionsPerClient: 1000000}
EOF
  if [ -n "$5" ]; then echo "pool: {maxIdlePerBackend: $5}" >> "$1"; fi
}
# the JVM flags of the shipped launcher (its JVM_FLAGS line): the gateway is measured as it runs on a host
read -r -a GATEWAY_JVM <<< "$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/gateway/src/deb/bin/cmux-gateway")"
[ "${#GATEWAY_JVM[@]}" -ge 8 ] || { echo "cannot read JVM_FLAGS of gateway/src/deb/bin/cmux-gateway" >&2; exit 1; }
gateway_config "$WORK/gateway-log.yaml" "$GW_LOG" "$GW_LOG_CONTROL" true 64
gateway_config "$WORK/gateway-default.yaml" "$GW_DEFAULT" "$GW_DEFAULT_CONTROL" false ""
# the access log goes to a file, as it would go to the journal in production
start gateway-log java "${GATEWAY_JVM[@]}" -jar "$GATEWAY_JAR" run --config "$WORK/gateway-log.yaml"
GATEWAY_LOG_PID=${PIDS[-1]}
start gateway-default java "${GATEWAY_JVM[@]}" -jar "$GATEWAY_JAR" run --config "$WORK/gateway-default.yaml"
GATEWAY_DEFAULT_PID=${PIDS[-1]}

# Caddy: the seeds' Caddyfile (shared/seeds, "Caddyfile.cmux"), adapted to loopback: backend 127.0.0.1:{port}
caddyfile() { # port
  cat <<EOF
{
	admin off
	auto_https off
}
http://:$1 {
	bind 127.0.0.1
	@service header_regexp match Host ^port-(\d+)-vm-(\d+)\.
	handle @service {
		reverse_proxy 127.0.0.1:{re.match.1}
	}
	handle {
		respond "Use format: port-{port}-vm-{vmid}.{domain}" 404
	}
}
EOF
}

# nginx as the proxy: the same routing with a map on $host, one keep-alive upstream per backend port
nginx_proxy_conf() { # directory, port
  { nginx_head "$1"; cat <<EOF
  upstream port_$BE_HTTP { server 127.0.0.1:$BE_HTTP; keepalive 64; keepalive_requests 1000000; }
  upstream port_$BE_WS { server 127.0.0.1:$BE_WS; keepalive 64; }
  map \$host \$sandbox_upstream {
    "~^port-(\d+)-vm-(\d+)\." port_\$1;
    default "";
  }
  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    "" "";
  }
  server {
    listen 127.0.0.1:$2 backlog=4096;
    location / {
      if (\$sandbox_upstream = "") { return 404 "Use format: port-{port}-vm-{vmid}.{domain}\n"; }
      proxy_pass http://\$sandbox_upstream;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 3600s;
      proxy_max_temp_file_size 0;
    }
  }
}
EOF
  } > "$1/nginx.conf"
}

start_proxy() { # kind (gateway, caddy, nginx), instance name, port[, control port]; its pid is last in PIDS
  local kind=$1 name=$2 port=$3
  case $kind in
    gateway)
      gateway_config "$WORK/$name.yaml" "$port" "$4" false 64
      start "$name" java "${GATEWAY_JVM[@]}" -jar "$GATEWAY_JAR" run --config "$WORK/$name.yaml" ;;
    caddy)
      caddyfile "$port" > "$WORK/$name.Caddyfile"
      start "$name" env HOME="$WORK" XDG_DATA_HOME="$WORK/caddy-data" XDG_CONFIG_HOME="$WORK/caddy-config" \
        caddy run --config "$WORK/$name.Caddyfile" --adapter caddyfile ;;
    nginx)
      mkdir -p "$WORK/$name"
      nginx_proxy_conf "$WORK/$name" "$port"
      start "$name" nginx -e "$WORK/$name/error.log" -p "$WORK/$name" -c "$WORK/$name/nginx.conf" -g 'daemon off;' ;;
  esac
}
start_proxy gateway gateway "$GW" "$GW_CONTROL"
GATEWAY_PID=${PIDS[-1]}
start_proxy caddy caddy "$CADDY"
CADDY_PID=${PIDS[-1]}
start_proxy nginx nginx-proxy "$NGINX"
NGINX_PID=${PIDS[-1]}

for p in "$BE_HTTP:nginx-backend" "$BE_WS:ws-backend" "$GW:gateway" "$GW_LOG:gateway-log" \
         "$GW_DEFAULT:gateway-default" "$CADDY:caddy" \
         "$NGINX:nginx-proxy"; do
  wait_port "${p%%:*}" "${p#*:}"
done
log "listening: backend http $BE_HTTP ws $BE_WS, gateway $GW (+log $GW_LOG, default pool $GW_DEFAULT), caddy $CADDY, nginx $NGINX"

# ---------------------------------------------------------------- measuring processes
proc_tree() { # a pid and its children (nginx workers); a JVM's threads are inside its own stat
  echo "$1"
  pgrep -P "$1" || true
}
cpu_ticks() { # "user system" clock ticks of a process tree so far
  local user=0 system=0 p u k
  for p in $(proc_tree "$1"); do
    read -r u k < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12, $13}') || true
    user=$((user + ${u:-0})); system=$((system + ${k:-0}))
  done
  echo "$user $system"
}
# the proxy's CPU over one invocation, split into user space and kernel: a proxy's syscalls cost about the same
# whatever it is written in, so the split says where one proxy spends more than another
record_cpu() { # scenario target round "user system" before, "user system" after
  local scenario=$1 target=$2 round=$3 u0 k0 u1 k1
  read -r u0 k0 <<< "$4"
  read -r u1 k1 <<< "$5"
  awk -v s="$scenario" -v t="$target" -v r="$round" -v u=$((u1 - u0)) -v k=$((k1 - k0)) -v hz="$CLK_TCK" 'BEGIN {
    printf "{\"kind\":\"metrics\",\"scenario\":\"%s\",\"target\":\"%s\",\"round\":%s,\"cpuSeconds\":%.2f,\"userSeconds\":%.2f,\"systemSeconds\":%.2f}\n",
      s, t, r, (u + k) / hz, u / hz, k / hz }' >> "$RAW"
}
rss_kb() {
  local sum=0 p r
  for p in $(proc_tree "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || r=0
    sum=$((sum + ${r:-0}))
  done
  echo "$sum"
}
live_heap_kb() { # after a full GC: what the objects really hold, summed over the generations ("total …, used …K")
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/total/ && /used/ && !/Metaspace|class space/ {
      for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i+1); gsub(/K,?/, "", v); sum += v} }
    END {print sum + 0}'
}
CLK_TCK=$(getconf CLK_TCK)

# the process to measure and the port to load, per target; direct has no proxy process
declare -A PID_OF=([gateway]=$GATEWAY_PID [gateway-log]=$GATEWAY_LOG_PID [gateway-default]=$GATEWAY_DEFAULT_PID
                   [caddy]=$CADDY_PID [nginx]=$NGINX_PID)
declare -A PORT_OF=([gateway]=$GW [gateway-log]=$GW_LOG [gateway-default]=$GW_DEFAULT [caddy]=$CADDY [nginx]=$NGINX)
target_pid() { echo "${PID_OF[$1]:-}"; }
target_port() { echo "${PORT_OF[$1]}"; }
# where the load goes: --target and --host for a target and a backend port
route() {
  local target=$1 backend=$2
  if [ "$target" = direct ]; then
    echo "--target 127.0.0.1:$backend --host 127.0.0.1:$backend"
  else
    echo "--target 127.0.0.1:$(target_port "$target") --host port-$backend-vm-200.bench.test"
  fi
}

# one invocation of the load generator; appends its result and the proxy's CPU to the raw file
measure() { # scenario target round command args...
  local scenario=$1 target=$2 round=$3; shift 3
  local pid; pid=$(target_pid "$target")
  local before=0 after=0 line status=0
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  line=$(java -jar "$BENCH_JAR" "$@" --tag.scenario "$scenario" --tag.target "$target" --tag.round "$round" \
    2>>"$WORK/load.log") || status=$?
  [ -n "$pid" ] && after=$(cpu_ticks "$pid")
  if [ -z "$line" ]; then
    log "$scenario $target round $round: no result (exit $status), see load.log"
    return 0
  fi
  echo "$line" >> "$RAW"
  if [ -n "$pid" ]; then record_cpu "$scenario" "$target" "$round" "$before" "$after"; fi
  log "$scenario $target round $round: $(echo "$line" | grep -o '"perSecond":[0-9.E]*\|"p99us":[0-9]*\|"errors":[0-9]*\|"clientTimerLateMaxUs":[1-9][0-9]*' | tr '\n' ' ')"
}

# wrk (C, no JIT to warm up, little CPU) drives the closed-loop HTTP scenarios: on two cores a lighter client leaves
# more of the machine to the proxy under test. Its numbers go into the same JSON shape as the Netty client's.
measure_wrk() { # scenario target round path body-bytes connections seconds
  local scenario=$1 target=$2 round=$3 path=$4 size=$5 conns=$6 secs=$7 pid; pid=$(target_pid "$target")
  local host port before=0 after=0 out
  if [ "$target" = direct ]; then port=$BE_HTTP; host=127.0.0.1:$BE_HTTP; else port=$(target_port "$target"); host=port-$BE_HTTP-vm-200.bench.test; fi
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  out=$(timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -H "Host: $host" \
    "http://127.0.0.1:$port$path" 2>&1) || true
  [ -n "$pid" ] && after=$(cpu_ticks "$pid")
  echo "$out" > "$WORK/wrk-$scenario-$target-$round.txt"
  echo "$out" | awk -v scenario="$scenario" -v target="$target" -v round="$round" -v path="$path" -v size="$size" \
      -v conns="$conns" -v secs="$secs" '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
    /^ +50%/ { p50 = us($2) } /^ +99%/ { p99 = us($2) }
    /requests in/ { count = $1 }
    /Non-2xx/ { errs += $NF }
    /Socket errors/ { gsub(/,/, ""); errs += $4 + $6 + $8 + $10 }
    END { if (count == "") exit 1
          printf "{\"mode\":\"wrk\",\"path\":\"%s\",\"connections\":%d,\"seconds\":%d,\"count\":%d,\"countAll\":%d,\"errors\":%d,\"perSecond\":%.2f,\"bytesPerSecond\":%.0f,\"p50us\":%.0f,\"p99us\":%.0f,\"scenario\":\"%s\",\"target\":\"%s\",\"round\":%s}\n", path, conns, secs, count, count, errs, count / secs, count * size / secs, p50, p99, scenario, target, round }' >> "$RAW" \
    || { log "$scenario $target round $round: wrk gave no result"; return 0; }
  if [ -n "$pid" ]; then record_cpu "$scenario" "$target" "$round" "$before" "$after"; fi
  log "$scenario $target round $round: $(echo "$out" | grep 'Requests/sec') $(echo "$out" | grep -E '^ +99%')"
}

# The idle hold: RSS before and while N verified WebSockets are held (live heap too for the gateway), on a fresh
# process of the proxy. A process that has run the other scenarios holds memory it committed then and would
# hold the WebSockets in it for free: its RSS delta says nothing (the gateway's was 0 to 3.6 KB per WebSocket).
declare -A IDLE_PORT_OF=([gateway]="$GW_IDLE $GW_IDLE_CONTROL" [caddy]=$CADDY_IDLE [nginx]=$NGINX_IDLE)
measure_idle() { # target (gateway, caddy, nginx) round
  local target=$1 round=$2 fresh=$1-idle pid ports
  local ready=$WORK/idle-ready rss_before rss_hold heap_before="" heap_hold="" client line
  read -r -a ports <<< "${IDLE_PORT_OF[$target]}"
  start_proxy "$target" "$fresh" "${ports[@]}"
  pid=${PIDS[-1]}
  PORT_OF[$fresh]=${ports[0]}
  wait_port "${ports[0]}" "$fresh"
  sleep 1 # started: its workers are up
  rm -f "$ready"
  # the gateway is read after a full GC on both sides: only what the objects hold
  if [ "$target" = gateway ]; then heap_before=$(live_heap_kb "$pid"); fi
  rss_before=$(rss_kb "$pid")
  # shellcheck disable=SC2046
  java -Xmx1g -jar "$BENCH_JAR" idle $(route "$fresh" "$BE_WS") --connections "$IDLE" --parallel 256 \
    --open-timeout 120 --hold "$HOLD" --ready-file "$ready" \
    --tag.scenario idle-ws --tag.target "$target" --tag.round "$round" > "$WORK/idle.out" 2>>"$WORK/load.log" &
  client=$!
  PIDS+=("$client")
  for _ in $(seq 1300); do [ -f "$ready" ] && break; kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
  sleep 1 # the last upgrades' buffers settle
  if [ "$target" = gateway ]; then heap_hold=$(live_heap_kb "$pid"); fi
  rss_hold=$(rss_kb "$pid")
  wait "$client" || true
  forget "$client"
  stop "$pid"
  line=$(cat "$WORK/idle.out")
  if [ -z "$line" ]; then log "idle $target round $round: no result"; return 0; fi
  echo "$line" >> "$RAW"
  printf '{"kind":"metrics","scenario":"idle-ws","target":"%s","round":%s,"rssBeforeKb":%s,"rssHoldKb":%s%s}\n' \
    "$target" "$round" "$rss_before" "$rss_hold" \
    "${heap_before:+,\"heapBeforeKb\":$heap_before,\"heapHoldKb\":$heap_hold}" >> "$RAW"
  log "idle-ws $target round $round: RSS $rss_before -> $rss_hold KB${heap_before:+, live heap $heap_before -> $heap_hold KB}; $(grep -o '"verified":[0-9]*' <<< "$line")"
}

# ---------------------------------------------------------------- the run
printf '{"kind":"meta","date":"%s","machine":"%s, %s cores, %s MB RAM, %s","load before run (1/5/15 min)":"%s","rounds":%s,"java":"%s","caddy":"%s","nginx":"%s","open-loop rate":"%s req/s","idle WebSockets":%s,"open-file limit":%s,"client":"wrk -t1 for small, 64k, 10m; cmux-bench (Netty, 1 event loop) for small-netty, small-rate, ws-*, idle-ws"}\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(nproc)" \
  "$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)" "$(uname -r)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$ROUNDS" "$(java -version 2>&1 | head -1 | tr -d '"')" \
  "$(caddy version | cut -d' ' -f1)" "$(nginx -v 2>&1 | cut -d/ -f2)" "$RATE" "$IDLE" "$FD_LIMIT" >> "$RAW"

# JIT warm-up for the gateways and the Netty WebSocket backend (Caddy and nginx need none); not recorded
# shellcheck disable=SC2046
java -jar "$BENCH_JAR" ws $(route direct "$BE_WS") --connections 16 --warmup 0 --duration "$GATEWAY_WARMUP" \
  >/dev/null 2>>"$WORK/load.log" || true
for t in gateway gateway-log gateway-default; do
  # shellcheck disable=SC2046
  java -jar "$BENCH_JAR" http $(route "$t" "$BE_HTTP") --path /19b --connections 64 --warmup 0 \
    --duration "$GATEWAY_WARMUP" >/dev/null 2>>"$WORK/load.log" || true
done
# shellcheck disable=SC2046
java -jar "$BENCH_JAR" ws $(route gateway "$BE_WS") --connections 16 --warmup 0 --duration 2 \
  >/dev/null 2>>"$WORK/load.log" || true

TARGETS=(direct gateway caddy nginx)
for round in $(seq "$ROUNDS"); do
  log "round $round of $ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
  # Each round starts the order one target later: the machine's noisy spells (seen lasting tens of seconds, right
  # after a closed-loop scenario as often as not) then fall on a different target each round, and medians hold.
  shift_by=$(( (round - 1) % ${#TARGETS[@]} ))
  order=("${TARGETS[@]:shift_by}" "${TARGETS[@]:0:shift_by}")
  for t in "${order[@]}" gateway-log gateway-default; do
    measure_wrk small "$t" "$round" /19b 19 64 "$WRK_SECONDS"
  done
  # shellcheck disable=SC2046
  for t in "${order[@]}"; do
    measure small-netty "$t" "$round" http $(route "$t" "$BE_HTTP") --path /19b --connections 64 --warmup "$WARMUP" --duration "$LONG"
  done
  # shellcheck disable=SC2046
  for t in "${order[@]}"; do
    measure small-rate "$t" "$round" rate $(route "$t" "$BE_HTTP") --path /19b --connections 64 --rate "$RATE" --warmup "$WARMUP" --duration "$RATE_SECONDS"
  done
  for t in "${order[@]}"; do
    measure_wrk 64k "$t" "$round" /64k 65536 32 "$WRK_SECONDS"
  done
  for t in "${order[@]}"; do
    measure_wrk 10m "$t" "$round" /10m 10485760 8 "$WRK_SECONDS"
  done
  # shellcheck disable=SC2046
  for t in "${order[@]}"; do
    measure ws-128 "$t" "$round" ws $(route "$t" "$BE_WS") --size 128 --connections 32 --warmup "$WARMUP" --duration "$SHORT"
  done
  # shellcheck disable=SC2046
  for t in "${order[@]}"; do
    measure ws-64k "$t" "$round" ws $(route "$t" "$BE_WS") --size 64k --connections 8 --warmup "$WARMUP" --duration "$SHORT"
  done
  for t in gateway caddy nginx; do
    measure_idle "$t" "$round"
  done
done

# ---------------------------------------------------------------- profile: a fresh gateway under JFR, small requests
gateway_config "$WORK/gateway-prof.yaml" "$GW_PROF" "$GW_PROF_CONTROL" false 64
start gateway-prof java "${GATEWAY_JVM[@]}" \
  "-XX:StartFlightRecording=settings=profile,filename=$WORK/gateway.jfr,dumponexit=true" \
  -jar "$GATEWAY_JAR" run --config "$WORK/gateway-prof.yaml"
PROF_PID=${PIDS[-1]}
wait_port "$GW_PROF" gateway-prof
java -jar "$BENCH_JAR" http --target "127.0.0.1:$GW_PROF" --host "port-$BE_HTTP-vm-200.bench.test" --path /19b \
  --connections 64 --warmup 0 --duration "$PROFILE_SECONDS" >/dev/null 2>>"$WORK/load.log" || true
stop "$PROF_PID"
if [ -s "$WORK/gateway.jfr" ]; then
  java -jar "$BENCH_JAR" profile --jfr "$WORK/gateway.jfr" --out "$OUT/$NAME-profile.md" --top 15
else
  log "no JFR recording written"
fi

# ---------------------------------------------------------------- microbenchmarks of the hot path (JMH)
if [ "$SMOKE" = 1 ]; then JMH_ARGS=(-f 1 -wi 0 -i 1 -r 200ms); else JMH_ARGS=(-f 1 -wi 2 -w 1s -i 3 -r 1s); fi
java -jar "$BENCH_JAR" jmh "${JMH_ARGS[@]}" -rf text -rff "$OUT/$NAME-jmh.txt" >"$WORK/jmh.log" 2>&1 \
  || log "JMH failed, see jmh.log"

# ---------------------------------------------------------------- report
java -Djava.awt.headless=true -jar "$BENCH_JAR" report --in "$RAW" --out-dir "$OUT" --name "$NAME"
log "results: $OUT/$NAME.md"
cat "$OUT/$NAME.md"
