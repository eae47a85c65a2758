#!/usr/bin/env bash
# Starts one process of the side-by-side bench, in the foreground (exec: its pid is this script's), its
# configuration filled in from the templates next to this file and written under $WORK. bench/run.sh starts the
# backend and the long-lived proxies with it; the harness (cmux-bench.jar harness) starts with it the fresh
# proxies of the idle hold and the profile, so every proxy of a run is started the same way.
#
#   launch.sh KIND NAME PORT
#     KIND  nginx-backend | gateway | gateway-log | gateway-default | gateway-base | gateway-cold | gateway-cold-25 |
#           caddy | nginx
#     NAME  the instance: its files are $WORK/NAME.* or $WORK/NAME/
#
# Environment (run.sh exports it): WORK, BE_HTTP and BE_WS (the backend ports), GATEWAY_JAR, GATEWAY_JVM_FLAGS;
# GATEWAY_JFR, when set, is the file the gateway records a JFR profile into; BENCH_BASELINE_JAR is the jar of
# gateway-base (an earlier build, configured as gateway). gateway-cold is the gateway as the package starts it: by
# its launcher, with the class-data archive run.sh trained in $WORK/class-data (gateway-cold-25: on JDK 25, JDK25_HOME,
# archive in $WORK/class-data-25).
set -euo pipefail
TEMPLATES=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 3 ] || { echo "usage: $0 KIND NAME PORT" >&2; exit 2; }
KIND=$1 NAME=$2 PORT=$3

fill() { # template: written to stdout with every @PLACEHOLDER@ replaced
  sed -e "s|@PORT@|$PORT|g" -e "s|@WORK@|$WORK|g" -e "s|@DIR@|$WORK/$NAME|g" -e "s|@BE_HTTP@|$BE_HTTP|g" \
    -e "s|@BE_WS@|$BE_WS|g" -e "s|@FD_LIMIT@|$(ulimit -n)|g" "$TEMPLATES/$1"
}

case $KIND in
  gateway | gateway-log | gateway-default | gateway-base)
    config=$WORK/$NAME.yaml
    fill gateway.yaml > "$config"
    case $KIND in
      # the access log goes to a file (the gateway's stdout), as it would go to the journal in production
      gateway-log) sed -i 's/^accessLog: {enabled: false}$/accessLog: {enabled: true}/' "$config" ;;
      gateway-default) sed -i '/^pool:/d' "$config" ;;
    esac
    read -r -a jvm <<< "$GATEWAY_JVM_FLAGS"
    if [ -n "${GATEWAY_JFR:-}" ]; then
      jvm+=("-XX:StartFlightRecording=settings=profile,filename=$GATEWAY_JFR,dumponexit=true")
    fi
    jar=$GATEWAY_JAR
    [ "$KIND" = gateway-base ] && jar=$BENCH_BASELINE_JAR
    exec java "${jvm[@]}" -jar "$jar" run --config "$config" ;;
  gateway-cold | gateway-cold-25)
    fill gateway.yaml > "$WORK/$NAME.yaml"
    launcher=$TEMPLATES/../../gateway/src/deb/bin/cmux-gateway
    if [ "$KIND" = gateway-cold-25 ]; then
      exec env JAVA_HOME="$JDK25_HOME" CACHE_DIRECTORY="$WORK/class-data-25" CMUX_GATEWAY_JAR="$GATEWAY_JAR" \
        sh "$launcher" run --config "$WORK/$NAME.yaml"
    fi
    exec env CACHE_DIRECTORY="$WORK/class-data" CMUX_GATEWAY_JAR="$GATEWAY_JAR" sh "$launcher" run \
      --config "$WORK/$NAME.yaml" ;;
  caddy)
    fill Caddyfile > "$WORK/$NAME.Caddyfile"
    exec env HOME="$WORK" XDG_DATA_HOME="$WORK/caddy-data" XDG_CONFIG_HOME="$WORK/caddy-config" \
      caddy run --config "$WORK/$NAME.Caddyfile" --adapter caddyfile ;;
  nginx | nginx-backend)
    mkdir -p "$WORK/$NAME"
    fill nginx.conf > "$WORK/$NAME/nginx.conf"
    if [ "$KIND" = nginx ]; then fill nginx-proxy.conf; else fill nginx-backend.conf; fi > "$WORK/$NAME/server.conf"
    exec nginx -e "$WORK/$NAME/error.log" -p "$WORK/$NAME" -c "$WORK/$NAME/nginx.conf" -g 'daemon off;' ;;
  *)
    echo "$0: unknown kind '$KIND'" >&2; exit 2 ;;
esac
