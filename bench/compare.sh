#!/usr/bin/env bash
# Gatehouse side by side with nginx and HAProxy, on loopback, in one run.
#
# Starts one backend (nginx, fixed 1 KiB body, keep-alive), then, one at a time, each proxy in
# front of it -- nginx, HAProxy and the built appliance (admin-web/target/gatehouse.jar, configured
# through its REST API) -- warms it up, loads it with wrk (HTTP/1.1 keep-alive) and, where the
# proxy speaks cleartext HTTP/2 (h2c, prior knowledge), with h2load; then prints ONE table:
# requests/s, p50, p99, ratio to nginx, the proxy's RSS and upstream connections per request.
#
# Usage:
#   bench/compare.sh [--duration S] [--warmup S] [--native-warmup S] [--connections N]
#                    [--streams N] [--pin PROXY_CPUS:LOAD_CPUS] [--only LIST]
#                    [--jvm-opts "FLAGS"] [--jar PATH] [--build] [--record] [--keep] [--no-reference-again]
#                    [--large-body [--large-size MiB]] [--tls [--tls-key rsa|ec]]
#
#   --duration S       measured seconds per run (default 10)
#   --warmup S         unmeasured load on the appliance before its runs (default 15; the JIT needs
#                      10 s or more on one core -- a 3 s warm-up measured 3-5x too low)
#   --native-warmup S  unmeasured load on the backend, nginx and HAProxy (default 3)
#                      (every warm-up is followed by a 3 s second pass: closing the warm-up's
#                      connections deoptimises a JVM's hottest methods, the pass lets them recompile)
#   --connections N    client connections, wrk and h2load (default 64)
#   --streams N        h2load concurrent streams per connection (default 10)
#   --pin P:L          taskset CPU lists (default 0:1): every proxy runs on P (nginx workers and
#                      HAProxy threads = number of CPUs in P, GATEHOUSE_EVENT_LOOP_THREADS too);
#                      wrk, h2load and the backend run on L
#   --only LIST        comma-separated subset of direct,nginx,haproxy,gatehouse (default: all).
#                      "direct" = the backend without a proxy, the ceiling of this setup
#   --jvm-opts "..."   the appliance's JVM flags (default: installer/jvm-options, the appliance's
#                      measured production flags)
#   --jar PATH         the appliance jar (default admin-web/target/gatehouse.jar)
#   --build            run `mvn -B -q -DskipTests package` first (done anyway when the jar is missing)
#   --record           append a dated copy of the table and the machine to bench/results.md
#   --no-reference-again  skip the second nginx run after the others ("nginx (2)", its ratio to
#                      the first shows the machine's drift during the run)
#   --keep             keep the temp directory (configs, logs, raw wrk/h2load output)
#   --large-body       instead of wrk/h2load: through each proxy, downloads (GET /large, a sparse
#                      file the backend serves with sendfile) and uploads (POST of the same size,
#                      passed on by the backend to a small python3 sink that reads the whole body
#                      before answering), with curl on the load CPUs, 2 unmeasured then --large-repeat
#                      measured transfers each way; prints the median MiB/s, ratio to nginx, the
#                      proxy's peak RSS (sampled every 0.5 s) and its RSS before the transfers
#   --large-size MiB   size of the large-body transfers (default 1024)
#   --large-repeat N   measured transfers per direction and proxy, after 2 unmeasured ones of the same
#                      size; the row shows the median (default 3)
#   --tls              instead of wrk/h2c: every proxy terminates TLS (TLS 1.3, one certificate made
#                      here for bench.local) and h2load measures, with SNI bench.local: "HTTPS/1.1"
#                      (keep-alive), "h2 TLS" (HTTP/2 over TLS, ALPN) and "handshakes" (HTTP/1.1 with
#                      Connection: close, so every request is a new connection and handshake:
#                      req/s = new TLS connections per second; h2load resumes TLS 1.3 sessions from
#                      its second connection on, as returning browsers do)
#   --tls-key rsa|ec   the certificate's key (default rsa = RSA 2048: the server's signature is then
#                      the costly half of a handshake, so the handshake rate measures the proxy; with
#                      ec = P-256 the client's share is as large and one load CPU caps every proxy alike)
#
# Needs Debian packages nginx-light (or nginx; with stub_status and http_v2), haproxy, wrk,
# util-linux (taskset), curl; nghttp2-client (h2load) for the HTTP/2 rows; a JDK 17+ and maven for
# the appliance. Everything listens on, and every request goes to, 127.0.0.1 (the appliance via
# GATEHOUSE_BIND_ADDRESS and SERVER_ADDRESS). Every process started here is
# stopped by its PID on exit, also on error or Ctrl-C. Runs from any directory.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
REPO="$PWD"
# Process, port and unit helpers shared by the benchmarks.
. "$REPO/bench/lib.sh"

DURATION=10; WARMUP=15; NATIVE_WARMUP=3; SETTLE=3; CONNS=64; STREAMS=10; PIN="0:1"
# Seconds the configured appliance sits without traffic before its idle RSS is read: long enough for
# the JVM's periodic native-heap trim (-XX:TrimNativeHeapInterval in installer/jvm-options).
IDLE_WAIT=20
GH_IDLE_RSS=""
ONLY="direct,nginx,haproxy,gatehouse"; JVM_OPTS="$(cat "$REPO/installer/jvm-options")"
JAR="admin-web/target/gatehouse.jar"; BUILD=0; RECORD=0; KEEP=0; REFERENCE_AGAIN=1
HOST_HDR="bench.local"
LARGE=0; LARGE_MIB=1024; LARGE_WARM=2; LARGE_REPEAT=3; TLS=0; TLS_KEY=rsa
ARGS_TEXT="$*"

need_value() { [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) need_value "$@"; DURATION="$2"; shift 2;;
    --warmup) need_value "$@"; WARMUP="$2"; shift 2;;
    --native-warmup) need_value "$@"; NATIVE_WARMUP="$2"; shift 2;;
    --connections) need_value "$@"; CONNS="$2"; shift 2;;
    --streams) need_value "$@"; STREAMS="$2"; shift 2;;
    --pin) need_value "$@"; PIN="$2"; shift 2;;
    --only) need_value "$@"; ONLY="$2"; shift 2;;
    --jvm-opts) need_value "$@"; JVM_OPTS="$2"; shift 2;;
    --jar) need_value "$@"; JAR="$2"; shift 2;;
    --build) BUILD=1; shift;;
    --record) RECORD=1; shift;;
    --no-reference-again) REFERENCE_AGAIN=0; shift;;
    --keep) KEEP=1; shift;;
    --large-body) LARGE=1; shift;;
    --large-size) need_value "$@"; LARGE_MIB="$2"; shift 2;;
    --large-repeat) need_value "$@"; LARGE_REPEAT="$2"; shift 2;;
    --tls) TLS=1; shift;;
    --tls-key) need_value "$@"; TLS_KEY="$2"; shift 2;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2;;
  esac
done

for n in "$DURATION" "$WARMUP" "$NATIVE_WARMUP" "$CONNS" "$STREAMS" "$LARGE_MIB" "$LARGE_REPEAT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; exit 2; }
done
[ "$LARGE_MIB" -ge 1 ] && [ "$LARGE_REPEAT" -ge 1 ] || { echo "--large-size and --large-repeat must be >= 1" >&2; exit 2; }
case "$TLS_KEY" in rsa|ec) ;; *) echo "--tls-key: rsa or ec, not '$TLS_KEY'" >&2; exit 2;; esac
[ "$TLS" = 0 ] || [ "$LARGE" = 0 ] || { echo "--tls and --large-body are separate runs: choose one" >&2; exit 2; }
[ "$DURATION" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$STREAMS" -ge 1 ] || { echo "--duration, --connections and --streams must be >= 1" >&2; exit 2; }
[[ "$PIN" =~ ^[0-9,-]+:[0-9,-]+$ ]] || { echo "--pin wants PROXY_CPUS:LOAD_CPUS, e.g. 0:1 or 0-1:2-3" >&2; exit 2; }
PROXY_CPUS="${PIN%%:*}"; LOAD_CPUS="${PIN##*:}"
for what in ${ONLY//,/ }; do
  case "$what" in direct|nginx|haproxy|gatehouse) ;; *) echo "--only: unknown '$what' (direct,nginx,haproxy,gatehouse)" >&2; exit 2;; esac
done
wants() { case ",$ONLY," in *",$1,"*) return 0;; *) return 1;; esac; }

NPROXY=$(cpu_count "$PROXY_CPUS"); NLOAD=$(cpu_count "$LOAD_CPUS")
# wrk and h2load: one thread per load CPU, never more threads than connections
LOAD_THREADS=$NLOAD; [ "$LOAD_THREADS" -le "$CONNS" ] || LOAD_THREADS=$CONNS
taskset -c "$PROXY_CPUS" true 2>/dev/null && taskset -c "$LOAD_CPUS" true 2>/dev/null \
  || { echo "--pin $PIN: this machine has CPUs 0-$(( $(nproc --all) - 1 ))" >&2; exit 2; }

# ---------------------------------------------------------------- prerequisites
missing=()
for bin in nginx haproxy wrk taskset curl; do command -v "$bin" >/dev/null || missing+=("$bin"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  echo "install: sudo apt-get install -y nginx-light haproxy wrk util-linux curl nghttp2-client" >&2
  exit 2
fi
HAVE_H2LOAD=0; command -v h2load >/dev/null && HAVE_H2LOAD=1
if [ "$LARGE" = 1 ]; then
  HAVE_H2LOAD=1   # not used in this mode: no note about it
  command -v python3 >/dev/null || { echo "--large-body needs python3 (the upload sink)" >&2; exit 2; }
fi
if [ "$TLS" = 1 ]; then
  [ "$HAVE_H2LOAD" = 1 ] || { echo "--tls measures with h2load: sudo apt-get install -y nghttp2-client" >&2; exit 2; }
  command -v openssl >/dev/null || { echo "--tls needs openssl (the certificate)" >&2; exit 2; }
  ONLY="${ONLY//direct/}"   # the backend speaks plain HTTP: no direct row
fi
[ "$HAVE_H2LOAD" = 1 ] || echo "note: h2load not found, no HTTP/2 rows (sudo apt-get install -y nghttp2-client)" >&2
NGINX_V="$(nginx -V 2>&1)"
HAVE_STUB=0; [[ "$NGINX_V" == *http_stub_status_module* ]] && HAVE_STUB=1
[ "$HAVE_STUB" = 1 ] || echo "note: this nginx has no stub_status module: upstream connections per request not measured (nginx-light has it)" >&2
NGINX_H2=0; [[ "$NGINX_V" == *http_v2_module* ]] && NGINX_H2=1

if wants gatehouse; then
  command -v java >/dev/null || { echo "missing java: sudo apt-get install -y openjdk-17-jdk-headless maven" >&2; exit 2; }
  if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
    command -v mvn >/dev/null || { echo "missing mvn: sudo apt-get install -y maven" >&2; exit 2; }
    echo "building: mvn -B -q -DskipTests package" >&2
    mvn -B -q -DskipTests package
  fi
  [ -f "$JAR" ] || { echo "$JAR not found after the build" >&2; exit 2; }
fi

# ---------------------------------------------------------------- processes and cleanup
work_dir_init bench

# ---------------------------------------------------------------- backend
free_port BE_PORT; free_port BE_STATUS_PORT
LARGE_LOCS=""
if [ "$LARGE" = 1 ]; then
  # --large-body. Downloads: sparse files (no disk space, no disk reads), sent with sendfile.
  # Uploads: nginx answers `return 200` before it has read a body (it discards the rest after), so a
  # proxy would get the answer early and could drop the body itself; /sink streams the body
  # (unbuffered) to a small python3 server that reads all of it, then answers 200.
  truncate -s "${LARGE_MIB}M" "$WORK/large.bin"
  # into the page cache now, or the first proxy measured pays for filling it (nginx, always ~1/4 speed)
  cat "$WORK/large.bin" > /dev/null
  # nginx workers started by root run as nobody: let them through the temp directory (not list it)
  chmod 711 "$WORK"; chmod 644 "$WORK/large.bin"
  free_port SINK_PORT
  cat > "$WORK/sink.py" <<'PY'
import socket, sys, threading
def serve(c):
    buf = bytearray(1 << 20); mv = memoryview(buf); head = b""
    try:
        while True:
            while b"\r\n\r\n" not in head:
                d = c.recv(65536)
                if not d: return
                head += d
            h, _, rest = head.partition(b"\r\n\r\n")
            fields = {}
            for line in h.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":"); fields[k.strip().lower()] = v.strip()
            if b"content-length" not in fields:
                c.sendall(b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); return
            left = int(fields[b"content-length"]) - len(rest)
            head = b""
            if left < 0: head = bytes(rest[left:]); left = 0
            while left > 0:
                n = c.recv_into(mv, min(left, len(buf)))
                if not n: return
                left -= n
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(128)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
  start sink "$LOAD_CPUS" python3 "$WORK/sink.py" "$SINK_PORT"
  SINK_PID=$LAST_PID
  wait_port "$SINK_PORT" "$SINK_PID" 10 || { echo "upload sink did not start:" >&2; cat "$WORK/sink.out" >&2; exit 1; }
  LARGE_LOCS="location = /large { sendfile on; default_type application/octet-stream; alias $WORK/large.bin; }
           location = /sink { client_max_body_size 0; proxy_request_buffering off; proxy_http_version 1.1;
                              proxy_pass http://127.0.0.1:$SINK_PORT; }"
fi
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
cat > "$WORK/backend.conf" <<CONF
daemon off; worker_processes $NLOAD; pid $WORK/backend.pid; error_log $WORK/backend.err warn;
events { worker_connections 16384; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$BE_PORT backlog=4096; default_type text/plain;
           location / { return 200 "$BODY"; }
           $LARGE_LOCS }
  server { listen 127.0.0.1:$BE_STATUS_PORT;
           location = /nginx_status { $( [ "$HAVE_STUB" = 1 ] && echo "stub_status;" || echo "return 404;" ) } }
}
CONF
start backend "$LOAD_CPUS" nginx -e "$WORK/backend.err" -p "$WORK" -c "$WORK/backend.conf"
BACKEND_PID=$LAST_PID
wait_port "$BE_PORT" "$BACKEND_PID" 10 || { echo "backend nginx did not start:" >&2; cat "$WORK/backend.out" "$WORK/backend.err" >&2 2>/dev/null; exit 1; }

# --tls: one certificate for every proxy, made here (the proxies read the same files).
if [ "$TLS" = 1 ]; then
  make_certificate "$HOST_HDR" "$TLS_KEY" || exit 1
fi

# The backend's stub_status counters "accepts requests" (connections accepted, requests served).
# Every read is one connection and one request of its own, counted too.
backend_counters() {
  [ "$HAVE_STUB" = 1 ] || { echo ""; return 0; }
  curl -fsS --max-time 5 "http://127.0.0.1:$BE_STATUS_PORT/nginx_status" 2>/dev/null | awk 'NR==3 {print $1, $3}'
}

# ---------------------------------------------------------------- measuring

rss_mb() { # PID: VmRSS of the process plus its children (nginx workers), in MB
  local p="$1" total=0 kb k
  for k in "$p" $(cat /proc/"$p"/task/*/children 2>/dev/null || true); do
    kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$k"/status 2>/dev/null || true)
    total=$(( total + ${kb:-0} ))
  done
  awk -v kb="$total" 'BEGIN { printf "%.0f", kb / 1024 }'
}

# run_measured OUT CMD...: the measured load, in the background, while the backend's counters are
# read in the steady middle of it (1 s in, 1 s before the end; whole run when --duration < 3), so
# the connections a proxy opens to refill its pool after the warm-up's abrupt end do not count.
# Sets CONNS_PER_REQ = new upstream connections / upstream requests in that window.
run_measured() {
  local out="$1" edge=0 s1 s2 lp; shift
  [ "$DURATION" -ge 3 ] && edge=1
  [ "$DURATION" -ge 20 ] && edge=2
  "$@" > "$out" 2>&1 &
  lp=$!; PIDS+=("$lp")
  sleep "$edge"; s1=$(backend_counters)
  sleep $(( DURATION - 2 * edge )); s2=$(backend_counters)
  wait "$lp" || true; forget_pid "$lp"
  CONNS_PER_REQ="-"
  if [ -n "$s1" ] && [ -n "$s2" ]; then
    # minus 1 each: the second read's own connection and request
    CONNS_PER_REQ=$(awk -v s1="$s1" -v s2="$s2" 'BEGIN { split(s1, a, " "); split(s2, b, " ")
      c = b[1] - a[1] - 1; r = b[2] - a[2] - 1; if (c < 0) c = 0
      if (r > 0) printf "%.5f", c / r; else print "-" }')
  fi
}

# A request through the proxy must return 200 and the 1 KiB body before it is measured.
check_proxy() { # PORT
  local out
  out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $HOST_HDR" "http://127.0.0.1:$1/" 2>&1 || true)
  [ "$out" = "200 1024" ] || { echo "127.0.0.1:$1 answered '$out', want '200 1024'" >&2; return 1; }
}

# Does PORT answer cleartext HTTP/2 with prior knowledge? (Probed, never assumed.)
speaks_h2c() { # PORT
  local out
  out=$(curl -sS --http2-prior-knowledge --max-time 3 -o /dev/null -w '%{http_version} %{http_code}' \
        -H "Host: $HOST_HDR" "http://127.0.0.1:$1/" 2>/dev/null || true)
  [ "$out" = "2 200" ]
}

ROWS=()   # "proxy|protocol|req/s|p50|p99|RSS|conns/req|notes"

# Live heap of a JVM right after a full collection, in MB ("-" without jcmd): what is left is what the
# process really holds, so the value before and after a long run shows whether the heap grows.
heap_after_gc_mb() { # PID
  command -v jcmd >/dev/null || { echo "-"; return; }
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo "-"; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation|PSYoungGen|ParOldGen|garbage-first heap/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?$/, "", v); total += v } }
    END { if (total > 0) printf "%.1f", total / 1024; else print "-" }'
}

# "YGC EC EU" of a JVM (young collections so far, eden capacity and use in KB), empty without jstat:
# two samples give the bytes allocated between them (young collections x eden + the eden's growth),
# the figure that sets how often the young generation is collected under load.
eden_sample() { # PID
  command -v jstat >/dev/null || return 0
  jstat -gc "$1" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i }
    NR == 2 && h["YGC"] { print $h["YGC"], $h["EC"], $h["EU"] }'
}

run_wrk() { # LABEL PORT PID WARMUP
  local label="$1" port="$2" pid="$3" warm="$4" out="$WORK/$1.wrk" rps p50 p99 notes rss conns heap_before=""
  local url="http://127.0.0.1:$port/"
  if [ "$warm" -gt 0 ]; then
    timeout $(( warm + 30 )) taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${warm}s" -H "Host: $HOST_HDR" "$url" >/dev/null 2>&1 || true
    # Settle: the warm-up's connections closing all at once send a JVM's hottest methods back to the
    # interpreter (deoptimised on the close path); a short second pass lets them compile again.
    timeout 40 taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${SETTLE}s" -H "Host: $HOST_HDR" "$url" >/dev/null 2>&1 || true
  fi
  local eden_before="" eden_after=""
  if [ "$label" = gatehouse ]; then heap_before=$(heap_after_gc_mb "$pid"); eden_before=$(eden_sample "$pid"); fi
  run_measured "$out" timeout $(( DURATION + 30 )) taskset -c "$LOAD_CPUS" \
    wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "Host: $HOST_HDR" "$url"
  [ -z "$eden_before" ] || eden_after=$(eden_sample "$pid")
  rss=$(rss_mb "$pid")
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
  p50=$(ms "$(awk '$1=="50%" {print $2}' "$out")")
  p99=$(ms "$(awk '$1=="99%" {print $2}' "$out")")
  notes=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' "$out")
  if [ -n "$eden_before" ] && [ -n "$eden_after" ]; then
    notes="${notes}$(awk -v a="$eden_before" -v b="$eden_after" -v n="$(awk '/requests in/ {print $1}' "$out")" 'BEGIN {
      split(a, x, " "); split(b, y, " "); if (n > 0) printf "%.0f B allocated per request, %d young GCs", ((y[1] - x[1]) * x[2] + y[3] - x[3]) * 1024 / n, y[1] - x[1] }'); "
  fi
  if [ -n "$heap_before" ]; then notes="${notes}heap after full GC ${heap_before} -> $(heap_after_gc_mb "$pid") MB; "; fi
  if [ "$label" = gatehouse ] && [ -n "$GH_IDLE_RSS" ]; then notes="${notes}idle RSS before the load ${GH_IDLE_RSS} MB; "; fi
  if [ "$label" = direct ]; then conns="-"; else conns="$CONNS_PER_REQ"; fi
  ROWS+=("$label|HTTP/1.1|${rps:-0}|$p50|$p99|$rss|$conns|${notes%; }")
  echo "  $label HTTP/1.1: ${rps:-0} req/s, p50 $p50 ms, p99 $p99 ms" >&2
}

# run_h2load LABEL PORT PID WARMUP [MODE]: MODE h2c (default, cleartext prior knowledge), or over
# TLS with SNI bench.local: "h2 TLS" (ALPN h2), "HTTPS/1.1" (keep-alive) or "handshakes" (HTTP/1.1,
# Connection: close, so h2load opens a new connection, with a full handshake, for every request).
run_h2load() {
  local label="$1" port="$2" pid="$3" warm="$4" proto="${5:-h2c}" out="$WORK/$1.$RANDOM.h2load" log="$WORK/$1.h2log"
  local rps p50 p99 notes rss conns clients="$CONNS" threads="$LOAD_THREADS" cmd
  if [ "$HAVE_H2LOAD" != 1 ]; then return 0; fi
  if [ "$proto" = h2c ] && ! speaks_h2c "$port"; then
    ROWS+=("$label|h2c|n/a|n/a|n/a|-|-|no h2c (prior knowledge) on this port")
    echo "  $label h2c: not supported (curl --http2-prior-knowledge probe)" >&2
    return 0
  fi
  local tls=(-t"$threads" -c"$clients" --connect-to="127.0.0.1:$port" "https://$HOST_HDR/")
  case "$proto" in
    h2c) cmd=(h2load -t"$threads" -c"$clients" -m"$STREAMS" -H ":authority: $HOST_HDR" "http://127.0.0.1:$port/");;
    "h2 TLS") cmd=(h2load -m"$STREAMS" "${tls[@]}");;
    HTTPS/1.1) cmd=(h2load --h1 "${tls[@]}");;
    handshakes) cmd=(h2load --h1 -H "Connection: close" "${tls[@]}");;
  esac
  # h2load's timed mode (-D) stops reporting once the server closes connections, so the handshake
  # row runs a request count instead: what a short probe reached in DURATION seconds.
  local amount=(-D "$DURATION") warm_amount=(-D "$warm") probe
  if [ "$proto" = handshakes ]; then
    probe=$(timeout 60 taskset -c "$LOAD_CPUS" "${cmd[@]}" -n 2000 2>/dev/null \
            | awk '/^finished in/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^req\/s/) printf "%.0f", $i}')
    [[ "${probe:-}" =~ ^[0-9]+$ ]] && [ "$probe" -ge 100 ] || probe=100
    amount=(-n $(( probe * DURATION ))); warm_amount=(-n $(( probe * warm )))
  fi
  if [ "$warm" -gt 0 ]; then
    timeout $(( 3 * warm + 30 )) taskset -c "$LOAD_CPUS" "${cmd[@]}" "${warm_amount[@]}" >/dev/null 2>&1 || true
    # Settle (see run_wrk): a short second pass after the warm-up's connections closed.
    local settle_amount=(-D "$SETTLE"); [ "$proto" != handshakes ] || settle_amount=(-n $(( probe * SETTLE )))
    timeout $(( 3 * SETTLE + 30 )) taskset -c "$LOAD_CPUS" "${cmd[@]}" "${settle_amount[@]}" >/dev/null 2>&1 || true
  fi
  run_measured "$out" timeout $(( 3 * DURATION + 30 )) taskset -c "$LOAD_CPUS" "${cmd[@]}" "${amount[@]}" --log-file="$log"
  rss=$(rss_mb "$pid")
  rps=$(awk '/^finished in/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^req\/s/) printf "%.0f", $i}' "$out")
  # h2load prints no percentiles; its per-request log has the response time (us) in column 3
  if [ -s "$log" ]; then
    read -r p50 p99 < <(cut -f3 "$log" | sort -n | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "- -"; exit }
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }')
    rm -f "$log"
  else
    p50="-"; p99="-"
  fi
  notes=$(awk '/^requests:/ { for (i = 1; i <= NF; i++) if (($(i+1) ~ /^(failed|errored|timeout)/) && $i > 0) printf "%s %s; ", $i, $(i+1) }
               /^status codes:/ { if ($5 + $7 + $9 > 0) printf "non-2xx: %s; ", $0 }' "$out")
  conns="$CONNS_PER_REQ"
  ROWS+=("$label|$proto|${rps:-0}|$p50|$p99|$rss|$conns|${notes%; }")
  echo "  $label $proto: ${rps:-0} req/s, p50 $p50 ms, p99 $p99 ms" >&2
}

run_tls() { # LABEL TLS_PORT PID WARMUP: the three --tls rows
  run_h2load "$1" "$2" "$3" "$4" HTTPS/1.1
  run_h2load "$1" "$2" "$3" "$4" "h2 TLS"
  run_h2load "$1" "$2" "$3" "$4" handshakes
}

# A request over TLS (SNI bench.local) through the proxy must return 200 and the 1 KiB body.
check_tls() { # PORT
  local out
  out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' --cacert "$WORK/tls.crt" \
        --resolve "$HOST_HDR:$1:127.0.0.1" "https://$HOST_HDR:$1/" 2>&1 || true)
  [ "$out" = "200 1024" ] || { echo "https://$HOST_HDR:$1 answered '$out', want '200 1024'" >&2; return 1; }
}

fail_row() { # LABEL MESSAGE
  ROWS+=("$1|HTTP/1.1|0|-|-|-|-|$2")
  LROWS+=("$1|-|0|-|-|$2")
  echo "  $1: $2" >&2
}

LROWS=()  # --large-body: "proxy|direction|MiB/s|peak RSS|RSS before|notes"

# large_one LABEL PORT PID DIRECTION: LARGE_WARM unmeasured transfers of the full size (a JVM is still
# compiling its copy loop through the first ones), then LARGE_REPEAT measured ones; curl on the load
# CPUs; the row gets the median MiB/s and the proxy's peak RSS (process + children, sampled every
# 0.5 s during the measured transfers).
large_one() {
  local label="$1" port="$2" pid="$3" dir="$4" out="$WORK/$1.$4" cp before peak r speed size code notes="" i
  local url="http://127.0.0.1:$port" maxt=$(( LARGE_MIB / 8 + 60 ))   # fails below ~8 MiB/s
  local common=(-s -o /dev/null -H "Host: $HOST_HDR" -H "Expect:") big speeds=()
  if [ "$dir" = download ]; then
    big=(-w '%{speed_download} %{size_download} %{http_code}' "$url/large")
  else
    big=(-w '%{speed_upload} %{size_upload} %{http_code}' -X POST -T "$WORK/large.bin" "$url/sink")
  fi
  for (( i = 0; i < LARGE_WARM; i++ )); do
    taskset -c "$LOAD_CPUS" curl "${common[@]}" --max-time "$maxt" "${big[@]}" >/dev/null 2>&1 || true
  done
  before=$(rss_mb "$pid"); peak=$before
  for (( i = 0; i < LARGE_REPEAT; i++ )); do
    taskset -c "$LOAD_CPUS" curl "${common[@]}" --max-time "$maxt" "${big[@]}" > "$out" 2>&1 &
    cp=$!; PIDS+=("$cp")
    while kill -0 "$cp" 2>/dev/null; do
      r=$(rss_mb "$pid"); [ "$r" -le "$peak" ] || peak=$r
      sleep 0.5
    done
    wait "$cp" || notes="${notes}curl exit $?; "
    forget_pid "$cp"
    read -r speed size code < "$out" || true
    [ "${code:-}" = 200 ] || notes="${notes}HTTP ${code:-none}; "
    [ "${size%.*}" = "$(( LARGE_MIB * 1048576 ))" ] || notes="${notes}moved ${size:-0} bytes; "
    speeds+=("$(awk -v b="${speed:-0}" 'BEGIN { printf "%.0f", b / 1048576 }')")
  done
  speed=$(printf '%s\n' "${speeds[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  notes="${notes}runs ${speeds[*]} MiB/s; "
  LROWS+=("$label|$dir|$speed|$peak|$before|${notes%; }")
  echo "  $label $dir: median $speed MiB/s (${speeds[*]}), peak RSS $peak MB (before $before MB)" >&2
}

run_large() { # LABEL PORT PID
  large_one "$1" "$2" "$3" download
  large_one "$1" "$2" "$3" upload
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l + 0 > 0.5) }'; then
  echo "warning: the machine is busy (load average $LOAD_BEFORE): numbers will be low and noisy" >&2
fi
echo "backend nginx on 127.0.0.1:$BE_PORT (CPU $LOAD_CPUS); proxies on CPU $PROXY_CPUS; ${CONNS} connections, ${DURATION} s runs" >&2

# ---------------------------------------------------------------- direct (no proxy)
if wants direct; then
  echo "direct (backend, no proxy)" >&2
  if [ "$LARGE" = 1 ]; then run_large direct "$BE_PORT" "$BACKEND_PID"
  else run_wrk direct "$BE_PORT" "$BACKEND_PID" "$NATIVE_WARMUP"; fi
fi

# ---------------------------------------------------------------- nginx
# run_nginx LABEL: nginx as the reference proxy. It runs first and, with --no-reference-again
# not given, once more after the others ("nginx (2)"): this machine's speed drifts by 10-20 %
# over minutes, and the second row's ratio to the first shows how much of a ratio is drift.
run_nginx() {
  echo "$1" >&2
  free_port NG_PORT; free_port NG_H2_PORT
  NG_H2_LISTEN=""; [ "$NGINX_H2" = 1 ] && NG_H2_LISTEN="listen 127.0.0.1:$NG_H2_PORT http2 backlog=4096;"
  free_port NG_TLS_PORT
  [ "$TLS" = 1 ] && NG_H2_LISTEN="$NG_H2_LISTEN listen 127.0.0.1:$NG_TLS_PORT ssl $( [ "$NGINX_H2" = 1 ] && echo http2 ) backlog=4096;
    ssl_certificate $WORK/tls.crt; ssl_certificate_key $WORK/tls.key; ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;"
  # --large-body: stream both ways instead of buffering (and spooling to disk), reading the upstream
  # 64 KiB at a time (with the default 4 KiB proxy_buffer_size nginx downloads ~2.5x slower)
  NG_LARGE=""; [ "$LARGE" = 1 ] && NG_LARGE="proxy_buffering off; proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_max_temp_file_size 0; proxy_request_buffering off; client_max_body_size 0;"
  cat > "$WORK/nginx.conf" <<CONF
daemon off; worker_processes $NPROXY; pid $WORK/nginx.pid; error_log $WORK/nginx.err warn;
events { worker_connections 16384; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  upstream be { server 127.0.0.1:$BE_PORT; keepalive 1024; keepalive_requests 1000000; keepalive_timeout 300s; }
  server {
    listen 127.0.0.1:$NG_PORT backlog=4096;
    $NG_H2_LISTEN
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; $NG_LARGE }
  }
}
CONF
  start nginx "$PROXY_CPUS" nginx -e "$WORK/nginx.err" -p "$WORK" -c "$WORK/nginx.conf"
  NG_PID=$LAST_PID
  if wait_port "$NG_PORT" "$NG_PID" 10 && check_proxy "$NG_PORT"; then
    if [ "$TLS" = 1 ]; then check_tls "$NG_TLS_PORT" && run_tls "$1" "$NG_TLS_PORT" "$NG_PID" "$NATIVE_WARMUP"
    elif [ "$LARGE" = 1 ]; then run_large "$1" "$NG_PORT" "$NG_PID"; else
    run_wrk "$1" "$NG_PORT" "$NG_PID" "$NATIVE_WARMUP"
    run_h2load "$1" "$NG_H2_PORT" "$NG_PID" "$NATIVE_WARMUP"
    fi
  else
    fail_row "$1" "did not start or answer; see $WORK/nginx.err (--keep)"
  fi
  stop_pid "$NG_PID"; forget_pid "$NG_PID"
}
if wants nginx; then run_nginx nginx; fi

# ---------------------------------------------------------------- HAProxy
if wants haproxy; then
  echo "haproxy" >&2
  free_port HA_PORT; free_port HA_H2_PORT; free_port HA_TLS_PORT
  haproxy_config "$WORK/haproxy.cfg" "$NPROXY" "$BE_PORT" "$HA_PORT" "$HA_H2_PORT" "$( [ "$TLS" = 1 ] && echo "$HA_TLS_PORT")"
  start haproxy "$PROXY_CPUS" haproxy -f "$WORK/haproxy.cfg" -db
  HA_PID=$LAST_PID
  if wait_port "$HA_PORT" "$HA_PID" 10 && check_proxy "$HA_PORT"; then
    if [ "$TLS" = 1 ]; then check_tls "$HA_TLS_PORT" && run_tls haproxy "$HA_TLS_PORT" "$HA_PID" "$NATIVE_WARMUP"
    elif [ "$LARGE" = 1 ]; then run_large haproxy "$HA_PORT" "$HA_PID"; else
    run_wrk haproxy "$HA_PORT" "$HA_PID" "$NATIVE_WARMUP"
    run_h2load haproxy "$HA_H2_PORT" "$HA_PID" "$NATIVE_WARMUP"
    fi
  else
    fail_row haproxy "did not start or answer; see $WORK/haproxy.out (--keep)"
  fi
  stop_pid "$HA_PID"; forget_pid "$HA_PID"
fi

# ---------------------------------------------------------------- Gatehouse
GH_NOTE=""
if wants gatehouse; then
  echo "gatehouse ($JAR, $JVM_OPTS, $NPROXY event loop(s))" >&2
  if ! appliance_start "$JAR" "$PROXY_CPUS" "$NPROXY" "$JVM_OPTS"; then
    fail_row gatehouse "did not start (see the log above)"
  else
    SITE_TLS=""; tls_ok=0
    if [ "$TLS" = 1 ]; then
      # uploaded like a user would, as files (multipart)
      if api_upload_certificate bench "$WORK/tls.crt" "$WORK/tls.key"; then tls_ok=1; SITE_TLS=",\"certificate\":\"bench\""; fi
    fi
    if { [ "$TLS" = 0 ] || [ "$tls_ok" = 1 ]; } \
       && api_post backends "{\"name\":\"bench\",\"servers\":[{\"address\":\"127.0.0.1:$BE_PORT\"}]}" \
       && api_post sites "{\"hostnames\":[\"$HOST_HDR\"],\"backend\":\"bench\"$SITE_TLS}" \
       && check_proxy "$GH_HTTP"; then
      if [ "$TLS" = 1 ]; then check_tls "$GH_HTTPS" && run_tls gatehouse "$GH_HTTPS" "$GH_PID" "$WARMUP"
      elif [ "$LARGE" = 1 ]; then run_large gatehouse "$GH_HTTP" "$GH_PID"; else
      echo "  idle for ${IDLE_WAIT} s (configured, one request served) to read the idle RSS" >&2
      sleep "$IDLE_WAIT"; GH_IDLE_RSS=$(rss_mb "$GH_PID")
      run_wrk gatehouse "$GH_HTTP" "$GH_PID" "$WARMUP"
      run_h2load gatehouse "$GH_HTTP" "$GH_PID" "$WARMUP"
      fi
    else
      fail_row gatehouse "REST configuration or the first proxied request failed (see above)"
    fi
  fi
  if ! kill -0 "$GH_PID" 2>/dev/null; then GH_NOTE="the appliance exited during the run"; fi
  stop_pid "$GH_PID"; forget_pid "$GH_PID"
fi

if wants nginx && [ "$REFERENCE_AGAIN" = 1 ] && { wants haproxy || wants gatehouse; }; then run_nginx "nginx (2)"; fi

# ---------------------------------------------------------------- the table
declare -A BASE
for r in "${ROWS[@]}"; do
  IFS='|' read -r name proto rps _ <<< "$r"
  [ "$name" = nginx ] && BASE[$proto]="$rps"
done
TABLE="$WORK/table.md"
if [ "$LARGE" = 1 ]; then
declare -A LBASE
for r in "${LROWS[@]}"; do
  IFS='|' read -r name dir mibs _ <<< "$r"
  [ "$name" = nginx ] && LBASE[$dir]="$mibs"
done
{
  printf '| %-9s | %-9s | %7s | %8s | %11s | %13s | %s |\n' proxy direction MiB/s 'vs nginx' 'peak RSS MB' 'RSS before MB' notes
  printf '|%s|%s|%s|%s|%s|%s|%s|\n' ----------- ----------- ---------: ---------: ------------: --------------: -------
  for r in "${LROWS[@]}"; do
    IFS='|' read -r name dir mibs peak before notes <<< "$r"
    ratio="-"; base="${LBASE[$dir]:-}"
    if [ -n "$base" ] && [[ "$mibs" =~ ^[0-9]+$ ]]; then
      ratio=$(awk -v a="$mibs" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    fi
    printf '| %-9s | %-9s | %7s | %8s | %11s | %13s | %s |\n' "$name" "$dir" "$mibs" "$ratio" "$peak" "$before" "$notes"
  done
} > "$TABLE"
else
{
  printf '| %-9s | %-8s | %9s | %8s | %8s | %8s | %6s | %18s | %s |\n' proxy protocol req/s 'p50 ms' 'p99 ms' 'vs nginx' 'RSS MB' 'upstream conns/req' notes
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------- ---------- ----------: ---------: ---------: ---------: -------: -------------------: -------
  for r in "${ROWS[@]}"; do
    IFS='|' read -r name proto rps p50 p99 rss conns notes <<< "$r"
    ratio="-"
    base="${BASE[$proto]:-}"
    if [ -n "$base" ] && [[ "$rps" =~ ^[0-9]+$ ]]; then
      ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    fi
    printf '| %-9s | %-8s | %9s | %8s | %8s | %8s | %6s | %18s | %s |\n' "$name" "$proto" "$rps" "$p50" "$p99" "$ratio" "$rss" "$conns" "$notes"
  done
} > "$TABLE"
fi
echo
[ "$LARGE" != 1 ] || echo "large bodies: ${LARGE_MIB} MiB per transfer, one curl at a time, median of $LARGE_REPEAT after 2 unmeasured"
cat "$TABLE"
[ -z "$GH_NOTE" ] || echo "warning: $GH_NOTE" >&2

# ---------------------------------------------------------------- --record
if [ "$RECORD" = 1 ]; then
  RESULTS="bench/results.md"
  results_file_init "$RESULTS"
  run_provenance
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- command: \`bench/compare.sh${ARGS_TEXT:+ $ARGS_TEXT}\` at $RUN_REVISION"
    echo "- machine: $RUN_MACHINE; load average before the run $LOAD_BEFORE"
    [ "$TLS" != 1 ] || echo "- TLS (--tls): one self-signed $( [ "$TLS_KEY" = rsa ] && echo "RSA 2048" || echo "EC P-256" ) certificate for $HOST_HDR on every proxy, h2load with SNI $HOST_HDR; HTTPS/1.1 keep-alive, h2 over TLS (ALPN), and handshakes = HTTP/1.1 with Connection: close (one new TCP and TLS connection per request; h2load resumes TLS 1.3 sessions after its first connection)"
    [ "$LARGE" != 1 ] || echo "- large bodies (--large-body): ${LARGE_MIB} MiB per transfer, curl downloads (sendfile on the backend, file in the page cache) and uploads (to a body-reading sink), 2 unmeasured then $LARGE_REPEAT measured each way per proxy; MiB/s is the median of curl's averages, peak RSS sampled every 0.5 s"
    echo "- setup: pin $PROXY_CPUS:$LOAD_CPUS ($NPROXY proxy CPU(s)), $CONNS connections, ${DURATION} s measured after" \
         "${WARMUP} s (appliance) / ${NATIVE_WARMUP} s (others) of warm-up and a ${SETTLE} s second pass, h2load $STREAMS streams per connection," \
         "appliance JVM flags \`$JVM_OPTS\`, nginx $(nginx -v 2>&1 | sed 's|.*/||'), HAProxy $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}')"
    echo
    cat "$TABLE"
  } >> "$RESULTS"
  echo "recorded in $RESULTS" >&2
fi
