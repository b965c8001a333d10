# Helpers shared by the benchmarks (compare.sh, scale.sh, testssl.sh): start processes pinned to CPUs,
# stop them reliably, find free loopback ports, wait for a port, convert wrk latencies, start the
# built appliance and configure it through its REST API. Sourced, not run.
# The sourcing script calls work_dir_init before calling start.

# work_dir_init NAME: a temp directory $WORK (/tmp/gatehouse-NAME.XXXXXX) and the list PIDS of the
# processes started with `start`; on exit (also on an error or Ctrl-C) every one of them is stopped,
# the function named in $ON_EXIT (if any) runs, and $WORK is removed unless KEEP=1.
work_dir_init() {
  WORK="$(mktemp -d "/tmp/gatehouse-$1.XXXXXX")"
  PIDS=()
  trap _work_dir_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
_work_dir_cleanup() {
  local rc=$?
  set +e
  [ -z "${ON_EXIT:-}" ] || "$ON_EXIT"
  for p in "${PIDS[@]:-}"; do stop_pid "$p"; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}

# Number of CPUs in a taskset list such as "0", "0-3" or "0,2-3".
cpu_count() {
  local n=0 part
  for part in ${1//,/ }; do
    if [[ "$part" == *-* ]]; then n=$(( n + ${part#*-} - ${part%-*} + 1 )); else n=$(( n + 1 )); fi
  done
  echo "$n"
}

# Stops one process started here: TERM, up to 10 s, then KILL (and KILL its children, e.g. nginx
# workers, which a killed master would otherwise leave behind).
stop_pid() {
  local p="$1" kids="" state
  [ -n "$p" ] || return 0
  [ -r "/proc/$p/task/$p/children" ] && kids="$(cat /proc/"$p"/task/*/children 2>/dev/null || true)"
  kill -TERM "$p" 2>/dev/null || { wait "$p" 2>/dev/null || true; return 0; }
  for _ in $(seq 1 100); do
    state="$(awk '{print $3}' /proc/"$p"/stat 2>/dev/null || echo gone)"
    [ "$state" = Z ] || [ "$state" = gone ] && break
    sleep 0.1
  done
  if [ "$state" != Z ] && [ "$state" != gone ]; then
    kill -KILL "$p" 2>/dev/null || true
  fi
  for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  wait "$p" 2>/dev/null || true
}

# Drops a PID that was stopped already from the list cleanup stops on exit.
forget_pid() { local p="$1" i; for i in "${!PIDS[@]}"; do [ "${PIDS[$i]}" = "$p" ] && unset 'PIDS[i]'; done; return 0; }

# start NAME CPUS CMD... : runs CMD pinned to CPUS (taskset execs it: $! is the command's PID), its
# output in $WORK/NAME.out; the PID is in LAST_PID and on the list cleanup stops on exit.
LAST_PID=""
start() {
  local name="$1" cpus="$2"; shift 2
  taskset -c "$cpus" "$@" > "$WORK/$name.out" 2>&1 < /dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# Free loopback ports below the ephemeral range, so no client connection can hold them.
PORT_LOW=20000
PORT_HIGH=$(( $(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768) - 1 ))
[ "$PORT_HIGH" -gt $(( PORT_LOW + 1000 )) ] || PORT_HIGH=30000
TAKEN=" "
free_port() { # VAR
  local p
  for _ in $(seq 1 500); do
    p=$(( PORT_LOW + (RANDOM * 32768 + RANDOM) % (PORT_HIGH - PORT_LOW) ))
    case "$TAKEN" in *" $p "*) continue;; esac
    if command -v ss >/dev/null; then
      [ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ] || continue
    elif (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      continue
    fi
    TAKEN+="$p "; printf -v "$1" '%s' "$p"; return 0
  done
  echo "no free port found" >&2; exit 1
}

wait_port() { # PORT PID SECONDS
  local deadline=$(( SECONDS + ${3:-10} ))
  while [ $SECONDS -lt "$deadline" ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

ms() { # wrk latency ("850.00us", "1.23ms", "1.02s", "2.00m") -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v == "" || v == "-") { print "-"; exit }
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# Creates the shared results file with its header if it does not exist yet (bench/results.md).
results_file_init() { # FILE
  [ -f "$1" ] && return 0
  cat > "$1" <<'HEAD'
# Benchmark results

Appended by `bench/compare.sh --record` and `bench/scale.sh --record` (see bench/README.md). Each entry
is one run on one machine. compare.sh: a backend nginx returning a fixed 1 KiB body and, one at a
time, nginx, HAProxy and the built appliance in front of it, pinned with taskset, the load generator
and the backend on the other CPUs; HTTP/1.1 rows are wrk (keep-alive), h2c rows are h2load (cleartext
HTTP/2, prior knowledge); "vs nginx" compares req/s with nginx's in the same run and protocol;
"upstream conns/req" is new backend connections (nginx stub_status) ÷ requests served. scale.sh: the
proxy engine in-process with 1 to 10,000 sites, apply() time and wrk req/s through it; "vs 1 site"
compares req/s with the 1-site row of the same run. Only compare numbers from the same run: absolute
req/s move with the machine and its neighbours.
HEAD
}

# What a recorded run was measured on: sets RUN_REVISION (commit, marked when the tree has
# uncommitted changes) and RUN_MACHINE (CPUs, CPU model, kernel, JDK).
run_provenance() {
  local jdk cpu
  jdk="$(java -version 2>&1 | head -n 1 || echo unknown)"
  cpu="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
  [ -n "$cpu" ] || cpu="$(lscpu 2>/dev/null | awk -F': *' '/Model name/ {print $2; exit}')"
  RUN_REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [ -z "$(git --no-optional-locks status --porcelain 2>/dev/null || true)" ] || RUN_REVISION="$RUN_REVISION + uncommitted changes"
  RUN_MACHINE="nproc $(nproc), ${cpu:-unknown CPU}, kernel $(uname -r), $jdk"
}

# appliance_start JAR CPUS LOOPS JVM_OPTS: the built appliance on a fresh data directory in $WORK,
# free loopback ports and a generated administrator, pinned to CPUS with LOOPS event loops; waits up
# to 120 s for its API. Sets GH_PID, GH_HTTP, GH_HTTPS, GH_ADMIN, API; returns 1 (after printing the
# end of its log) when it does not come up.
appliance_start() {
  local jar="$1" cpus="$2" loops="$3" jvm_opts="$4" up=0 t0
  free_port GH_HTTP; free_port GH_HTTPS; free_port GH_ADMIN
  GH_EMAIL="bench@example.test"; GH_PASSWORD="bench-$RANDOM$RANDOM$RANDOM"
  mkdir -p "$WORK/gatehouse-data"
  # shellcheck disable=SC2086 # jvm_opts is a list of flags
  start gatehouse "$cpus" env \
    GATEHOUSE_DATA_DIR="$WORK/gatehouse-data" \
    GATEHOUSE_HTTP_PORT="$GH_HTTP" GATEHOUSE_HTTPS_PORT="$GH_HTTPS" GATEHOUSE_ADMIN_PORT="$GH_ADMIN" \
    GATEHOUSE_ADMIN_EMAIL="$GH_EMAIL" GATEHOUSE_ADMIN_PASSWORD="$GH_PASSWORD" \
    GATEHOUSE_EVENT_LOOP_THREADS="$loops" SERVER_ADDRESS=127.0.0.1 GATEHOUSE_BIND_ADDRESS=127.0.0.1 \
    java $jvm_opts -jar "$jar"
  GH_PID=$LAST_PID
  API="http://127.0.0.1:$GH_ADMIN/api/v1"
  t0=$SECONDS
  while [ $(( SECONDS - t0 )) -lt 120 ] && kill -0 "$GH_PID" 2>/dev/null; do
    if [ "$(curl -sS --max-time 10 -u "$GH_EMAIL:$GH_PASSWORD" -o /dev/null -w '%{http_code}' "$API/status" 2>/dev/null || true)" = 200 ]; then
      up=1; break
    fi
    sleep 0.5
  done
  if [ "$up" != 1 ]; then
    if kill -0 "$GH_PID" 2>/dev/null; then echo "the appliance did not answer $API/status within 120 s; last lines of its log:" >&2
    else echo "the appliance exited; last lines of its log:" >&2; fi
    tail -n 30 "$WORK/gatehouse.out" >&2 || true
    return 1
  fi
  echo "  up in $(( SECONDS - t0 )) s (admin 127.0.0.1:$GH_ADMIN, proxy http :$GH_HTTP, https :$GH_HTTPS)" >&2
}

# api_post PATH JSON: POST to the appliance's API, expecting 201; prints the answer and returns 1 otherwise.
api_post() {
  local code
  code=$(curl -sS --max-time 10 -u "$GH_EMAIL:$GH_PASSWORD" -H "Content-Type: application/json" \
         -o "$WORK/api.out" -w '%{http_code}' -X POST "$API/$1" -d "$2" || true)
  [ "$code" = 201 ] || { echo "POST /api/v1/$1 -> $code: $(cat "$WORK/api.out" 2>/dev/null)" >&2; return 1; }
}

# api_upload_certificate NAME CHAIN_FILE KEY_FILE: uploads PEM files as a user would (multipart).
api_upload_certificate() {
  local code
  code=$(curl -sS --max-time 10 -u "$GH_EMAIL:$GH_PASSWORD" -o "$WORK/api.out" -w '%{http_code}' \
         -F "name=$1" -F "certificate=@$2" -F "privateKey=@$3" "$API/certificates" || true)
  [ "$code" = 201 ] || { echo "POST /api/v1/certificates -> $code: $(cat "$WORK/api.out" 2>/dev/null)" >&2; return 1; }
}

# make_certificate HOST rsa|ec: a self-signed certificate for HOST in $WORK/tls.crt, its key in
# $WORK/tls.key and both in $WORK/tls.pem (HAProxy's form), readable by every proxy.
make_certificate() {
  local keyspec=(-newkey rsa:2048)
  [ "$2" = rsa ] || keyspec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
  openssl req -x509 "${keyspec[@]}" -nodes -days 30 -subj "/CN=$1" -addext "subjectAltName=DNS:$1" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>"$WORK/openssl.err" || { cat "$WORK/openssl.err" >&2; return 1; }
  cat "$WORK/tls.crt" "$WORK/tls.key" > "$WORK/tls.pem"
  chmod 644 "$WORK/tls.key" "$WORK/tls.pem"
}

# haproxy_config FILE THREADS BACKEND_PORT HTTP_PORT H2C_PORT [TLS_PORT]: the reference HAProxy,
# HTTP/1.1 on HTTP_PORT, cleartext HTTP/2 on H2C_PORT and, with TLS_PORT, TLS (ALPN h2 and
# http/1.1) with $WORK/tls.pem; keep-alive and connection reuse towards the backend.
haproxy_config() {
  local tls_bind="" fdlimit maxconn
  [ -z "${6:-}" ] || tls_bind="bind 127.0.0.1:$6 ssl crt $WORK/tls.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2"
  # HAProxy refuses to start when maxconn needs more descriptors than `ulimit -n` allows: two per
  # connection and some spare.
  fdlimit=$(ulimit -n); [[ "$fdlimit" =~ ^[0-9]+$ ]] || fdlimit=65536
  maxconn=$(( (fdlimit - 200) / 2 )); [ "$maxconn" -le 20000 ] || maxconn=20000
  cat > "$1" <<CONF
global
  nbthread $2
  maxconn $maxconn
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 300s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$4
  bind 127.0.0.1:$5 proto h2
  $tls_bind
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:$3
CONF
}
