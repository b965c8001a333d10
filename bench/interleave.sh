#!/usr/bin/env bash
# Interleaved comparison (HTTP/1.1; h2c, h2 over TLS or HTTPS/1.1 on request): nginx, HAProxy and the appliance run side
# by side (each pinned to the same proxy CPU, idle while another is measured) and are measured in
# turns, round after round, so a drift in the machine's speed hits every proxy alike instead of
# whichever ran last.
#
#   bench/interleave.sh [--rounds N] [--duration S] [--warmup S] [--connections N] [--pin P:L]
#                       [--jar PATH] [--jvm-opts "FLAGS"] [--h2c | --h2-tls | --https] [--record]
#
#   --rounds N         measured turns per proxy (default 6)
#   --duration S       seconds per turn (default 5)
#   --warmup S         the appliance's warm-up before the first round (default 20; nginx and
#                      HAProxy get 3)
#   --connections N    wrk connections (default 64)
#   --pin P:L          proxy CPUs : load CPUs (wrk and the backend), default 0:1
#   --jar PATH         the appliance (default admin-web/target/gatehouse.jar)
#   --baseline-jar PATH  a second appliance build, run beside the first as "baseline" and measured
#                      in the same turns: an A/B of two builds, read from the "vs baseline" line
#                      (appliance req/s / baseline req/s, the median over the rounds)
#   --jvm-opts "..."   the appliance's JVM flags (default: installer/jvm-options)
#   --h2c              cleartext HTTP/2 (prior knowledge) with h2load, 10 streams per connection,
#                      instead of HTTP/1.1 with wrk (p99 from h2load's per-request log)
#   --h2-tls           HTTP/2 over TLS (ALPN h2) with h2load, 10 streams per connection: every proxy
#                      terminates TLS 1.3 with one self-signed RSA 2048 certificate for bench.local
#                      made for the run (the appliance's uploaded through its API, as a user would)
#   --https            HTTPS/1.1 keep-alive over the same TLS setup, with h2load --h1
#   --record           append the table to bench/results.md
#
# Prints, per proxy: the median req/s and p99 over the rounds, and the median over the rounds of
# its req/s divided by nginx's in the same round (the turns of one round are seconds apart). Needs
# nginx, haproxy, wrk, taskset, curl, java, h2load (nghttp2-client) for --h2c, --h2-tls and --https,
# and openssl for the certificate of the TLS modes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
. bench/lib.sh

ROUNDS=6; DURATION=5; WARMUP=20; CONNS=64; PIN="0:1"; RECORD=0; MODE=http1; STREAMS=10
JAR="admin-web/target/gatehouse.jar"; BASELINE_JAR=""; JVM_OPTS="$(cat installer/jvm-options)"
ARGS_TEXT="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2;;
    --duration) DURATION="$2"; shift 2;;
    --warmup) WARMUP="$2"; shift 2;;
    --connections) CONNS="$2"; shift 2;;
    --pin) PIN="$2"; shift 2;;
    --jar) JAR="$2"; shift 2;;
    --baseline-jar) BASELINE_JAR="$2"; shift 2;;
    --jvm-opts) JVM_OPTS="$2"; shift 2;;
    --h2c) MODE=h2c; shift;;
    --h2-tls) MODE=h2-tls; shift;;
    --https) MODE=https; shift;;
    --record) RECORD=1; shift;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option '$1' (--help)" >&2; exit 2;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$DURATION" =~ ^[1-9][0-9]*$ && "$CONNS" =~ ^[1-9][0-9]*$ ]] \
  || { echo "--rounds, --duration and --connections must be positive integers" >&2; exit 2; }
PROXY_CPUS="${PIN%%:*}"; LOAD_CPUS="${PIN##*:}"; NPROXY=$(cpu_count "$PROXY_CPUS")
NEEDED="nginx haproxy wrk taskset curl java"; [ "$MODE" = http1 ] || NEEDED="$NEEDED h2load"
case "$MODE" in h2-tls|https) NEEDED="$NEEDED openssl";; esac
TLS=0; case "$MODE" in h2-tls|https) TLS=1;; esac
for bin in $NEEDED; do
  command -v "$bin" >/dev/null || { echo "missing: $bin (sudo apt-get install -y nginx-light haproxy wrk curl nghttp2-client)" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "no $JAR: build it first (mvn -B -q -DskipTests package)" >&2; exit 2; }

work_dir_init interleave
HOST_HDR=bench.local
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
free_port BE_PORT; free_port NG_PORT; free_port HA_PORT; free_port NG_H2_PORT; free_port HA_H2_PORT
free_port NG_TLS_PORT; free_port HA_TLS_PORT
NG_TLS_LISTEN=""
if [ "$TLS" = 1 ]; then
  # One certificate for every proxy (compare.sh --tls does the same).
  make_certificate "$HOST_HDR" rsa || exit 1
  NG_TLS_LISTEN="listen 127.0.0.1:$NG_TLS_PORT ssl http2 backlog=4096;
    ssl_certificate $WORK/tls.crt; ssl_certificate_key $WORK/tls.key; ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;"
fi

cat > "$WORK/backend.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/backend.pid; error_log $WORK/backend.err warn;
events { worker_connections 16384; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$BE_PORT backlog=4096; default_type text/plain; location / { return 200 "$BODY"; } } }
CONF
start backend "$LOAD_CPUS" nginx -e "$WORK/backend.err" -p "$WORK" -c "$WORK/backend.conf"
wait_port "$BE_PORT" "$LAST_PID" 10

# The reference proxies, configured as in compare.sh.
cat > "$WORK/nginx.conf" <<CONF
daemon off; worker_processes $NPROXY; pid $WORK/nginx.pid; error_log $WORK/nginx.err warn;
events { worker_connections 16384; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  upstream be { server 127.0.0.1:$BE_PORT; keepalive 1024; keepalive_requests 1000000; keepalive_timeout 300s; }
  server { listen 127.0.0.1:$NG_PORT backlog=4096; listen 127.0.0.1:$NG_H2_PORT http2 backlog=4096;
    $NG_TLS_LISTEN
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; } } }
CONF
start nginx "$PROXY_CPUS" nginx -e "$WORK/nginx.err" -p "$WORK" -c "$WORK/nginx.conf"
wait_port "$NG_PORT" "$LAST_PID" 10
haproxy_config "$WORK/haproxy.cfg" "$NPROXY" "$BE_PORT" "$HA_PORT" "$HA_H2_PORT" "$( [ "$TLS" = 1 ] && echo "$HA_TLS_PORT")"
start haproxy "$PROXY_CPUS" haproxy -f "$WORK/haproxy.cfg" -db
wait_port "$HA_PORT" "$LAST_PID" 10

# appliance NAME JAR: one appliance with its own data directory, the bench backend and site.
NAMES=(nginx haproxy)
declare -A PORT=([nginx]=$NG_PORT [haproxy]=$HA_PORT)
declare -A H2_PORT=([nginx]=$NG_H2_PORT [haproxy]=$HA_H2_PORT)
declare -A TLS_PORT=([nginx]=$NG_TLS_PORT [haproxy]=$HA_TLS_PORT)
appliance() {
  local name="$1" jar="$2" work="$WORK"
  echo "$name ($jar)" >&2
  WORK="$work/$name"; mkdir -p "$WORK"
  appliance_start "$jar" "$PROXY_CPUS" "$NPROXY" "$JVM_OPTS"
  api_post backends "{\"name\":\"bench\",\"servers\":[{\"address\":\"127.0.0.1:$BE_PORT\"}]}"
  local site_tls=""
  if [ "$TLS" = 1 ]; then api_upload_certificate bench "$work/tls.crt" "$work/tls.key"; site_tls=",\"certificate\":\"bench\""; fi
  api_post sites "{\"hostnames\":[\"$HOST_HDR\"],\"backend\":\"bench\"$site_tls}"
  WORK="$work"
  NAMES+=("$name")
  # The appliance tells h2c from HTTP/1.1 by the first bytes on its one port.
  PORT[$name]=$GH_HTTP; H2_PORT[$name]=$GH_HTTP; TLS_PORT[$name]=$GH_HTTPS
}
[ -z "$BASELINE_JAR" ] || { [ -f "$BASELINE_JAR" ] || { echo "no $BASELINE_JAR" >&2; exit 2; }; appliance baseline "$BASELINE_JAR"; }
appliance gatehouse "$JAR"
case "$MODE" in http1) PROTOCOL="HTTP/1.1";; h2c) PROTOCOL="h2c";; h2-tls) PROTOCOL="h2 TLS";; https) PROTOCOL="HTTPS/1.1";; esac
LOAD_THREADS=$(cpu_count "$LOAD_CPUS"); [ "$LOAD_THREADS" -le "$CONNS" ] || LOAD_THREADS=$CONNS
wrk_run() { # PORT SECONDS [extra wrk args]
  local port="$1" secs="$2"; shift 2
  timeout $(( secs + 30 )) taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${secs}s" "$@" \
    -H "Host: $HOST_HDR" "http://127.0.0.1:$port/"
}
h2load_run() { # NAME SECONDS [extra h2load args]: h2c, or TLS (SNI bench.local) in the TLS modes
  local name="$1" secs="$2" target; shift 2
  case "$MODE" in
    h2c) target=(-m"$STREAMS" -H ":authority: $HOST_HDR" "http://127.0.0.1:${H2_PORT[$name]}/");;
    h2-tls) target=(-m"$STREAMS" --connect-to="127.0.0.1:${TLS_PORT[$name]}" "https://$HOST_HDR/");;
    https) target=(--h1 --connect-to="127.0.0.1:${TLS_PORT[$name]}" "https://$HOST_HDR/");;
  esac
  timeout $(( 3 * secs + 30 )) taskset -c "$LOAD_CPUS" h2load -t"$LOAD_THREADS" -c"$CONNS" -D "$secs" "$@" "${target[@]}"
}
# load NAME SECONDS [measure]: one turn in the chosen protocol; with "measure" the output goes to
# $WORK/turn.out (and h2load's per-request log to $WORK/turn.log)
load() {
  local name="$1" secs="$2"
  if [ "$MODE" != http1 ]; then
    if [ "${3:-}" = measure ]; then h2load_run "$name" "$secs" --log-file="$WORK/turn.log" > "$WORK/turn.out" 2>&1 || true
    else h2load_run "$name" "$secs" >/dev/null 2>&1 || true; fi
  else
    if [ "${3:-}" = measure ]; then wrk_run "${PORT[$name]}" "$secs" --latency > "$WORK/turn.out" 2>&1 || true
    else wrk_run "${PORT[$name]}" "$secs" >/dev/null 2>&1 || true; fi
  fi
}
for name in "${NAMES[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST_HDR" "http://127.0.0.1:${PORT[$name]}/" || true)
  [ "$code" = 200 ] || { echo "$name does not answer 200 (got $code)" >&2; exit 1; }
  warm=3; case "$name" in gatehouse|baseline) warm=$WARMUP;; esac
  if [ "$MODE" = h2c ]; then
    code=$(curl -s --http2-prior-knowledge -o /dev/null -w '%{http_code}' -H "Host: $HOST_HDR" "http://127.0.0.1:${H2_PORT[$name]}/" || true)
    [ "$code" = 200 ] || { echo "$name does not answer 200 over h2c (got $code)" >&2; exit 1; }
  elif [ "$TLS" = 1 ]; then
    code=$(curl -s --http2 --cacert "$WORK/tls.crt" --connect-to "$HOST_HDR:443:127.0.0.1:${TLS_PORT[$name]}" \
           -o /dev/null -w '%{http_code} %{http_version}' "https://$HOST_HDR/" || true)
    [ "$code" = "200 2" ] || { echo "$name does not answer 200 over h2 with TLS (got $code)" >&2; exit 1; }
  fi
  echo "warming up $name (${warm} s + 3 s)" >&2
  load "$name" "$warm"
  load "$name" 3   # the settle pass of compare.sh
done

declare -A RPS P99
for round in $(seq 1 "$ROUNDS"); do
  line="round $round:"
  for name in "${NAMES[@]}"; do
    load "$name" "$DURATION" measure
    if [ "$MODE" != http1 ]; then
      RPS[$name.$round]=$(awk '/^finished in/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^req\/s/) printf "%.0f", $i}' "$WORK/turn.out")
      # h2load prints no percentiles; its per-request log has the response time (us) in column 3
      P99[$name.$round]=$(cut -f3 "$WORK/turn.log" 2>/dev/null | sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) print "-"; else { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.2f", v[i] / 1000 } }')
      rm -f "$WORK/turn.log"
    else
      RPS[$name.$round]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/turn.out")
      P99[$name.$round]=$(ms "$(awk '$1=="99%" {print $2}' "$WORK/turn.out")")
    fi
    line="$line $name ${RPS[$name.$round]:-0} req/s (p99 ${P99[$name.$round]} ms)"
  done
  echo "$line" >&2
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
TABLE="$WORK/table.md"
{
  printf '| %-9s | %14s | %12s | %21s | %s |\n' proxy 'median req/s' 'median p99' 'median of round ratios' 'ratios per round'
  printf '|%s|%s|%s|%s|%s|\n' ----------- ---------------: -------------: ----------------------: -----------------
  for name in "${NAMES[@]}"; do
    rps=$(for r in $(seq 1 "$ROUNDS"); do echo "${RPS[$name.$r]:-0}"; done | median)
    p99=$(for r in $(seq 1 "$ROUNDS"); do echo "${P99[$name.$r]}"; done | grep -v '^-$' | median)
    ratios=$(for r in $(seq 1 "$ROUNDS"); do awk -v a="${RPS[$name.$r]:-0}" -v b="${RPS[nginx.$r]:-0}" 'BEGIN { if (b > 0) printf "%.2f\n", a / b }'; done)
    printf '| %-9s | %14.0f | %9s ms | %21.2f | %s |\n' "$name" "$rps" "$p99" "$(echo "$ratios" | median)" "$(echo $ratios)"
  done
} > "$TABLE"
if [ -n "$BASELINE_JAR" ]; then
  # The A/B: the appliance against the baseline build, round by round.
  ab=$(for r in $(seq 1 "$ROUNDS"); do awk -v a="${RPS[gatehouse.$r]:-0}" -v b="${RPS[baseline.$r]:-0}" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }'; done)
  printf '\nvs baseline (%s): median of round ratios %.3f (%s)\n' "$BASELINE_JAR" "$(echo "$ab" | median)" "$(echo $ab)" >> "$TABLE"
fi
echo
cat "$TABLE"

if [ "$RECORD" = 1 ]; then
  RESULTS="$REPO/bench/results.md"
  results_file_init "$RESULTS"
  run_provenance
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — interleaved, $PROTOCOL"
    echo
    echo "- command: \`bench/interleave.sh${ARGS_TEXT:+ $ARGS_TEXT}\` at $RUN_REVISION"
    echo "- machine: $RUN_MACHINE"
    echo "- setup: pin $PROXY_CPUS:$LOAD_CPUS, all three proxies running, measured in turns: $ROUNDS rounds of ${DURATION} s each, $CONNS connections, $(case "$MODE" in h2c) echo "h2load h2c (prior knowledge), $STREAMS streams per connection";; h2-tls) echo "h2load, HTTP/2 over TLS 1.3 (ALPN h2, SNI $HOST_HDR, one self-signed RSA 2048 certificate on every proxy), $STREAMS streams per connection";; https) echo "h2load --h1, HTTPS/1.1 keep-alive over TLS 1.3 (SNI $HOST_HDR, one self-signed RSA 2048 certificate on every proxy)";; *) echo "wrk, HTTP/1.1 keep-alive";; esac), 1 KiB responses from an nginx backend; appliance JVM flags \`$JVM_OPTS\`, nginx $(nginx -v 2>&1 | sed 's|.*/||'), HAProxy $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}')"
    echo
    cat "$TABLE"
  } >> "$RESULTS"
  echo "recorded in $RESULTS" >&2
fi
