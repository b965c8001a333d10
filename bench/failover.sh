#!/usr/bin/env bash
# Failover under load: what clients see when one of two backend servers dies and comes back, and how
# well the appliance reuses upstream connections under steady keep-alive load (issue 5).
#
# Starts two backend nginx instances (fixed 1 KiB body, keep-alive, /health answering 200, each with
# its own stub_status port) and the built appliance (admin-web/target/gatehouse.jar) in front of
# both, configured through its REST API: backend "app" with both servers and an active health check,
# site bench.local. Then, all with wrk (HTTP/1.1 keep-alive, Host: bench.local):
#   1. --warmup seconds of load, unmeasured;
#   2. steady reuse: --steady seconds with both servers up; both backends' stub_status counters are
#      read 1 s into the run and 1 s before its end -> new upstream connections / requests;
#   3. the kill run: --duration seconds; at --kill-at backend 2 (nginx master and worker) gets
#      SIGKILL, at --restart-at it is started again on the same port. Server 2's state (from the
#      dashboard or GET /api/v1/backends/status, see --poll) and backend 2's stub_status are polled
#      every 100 ms meanwhile.
# Prints ONE Markdown table: requests and client errors (HTTP >= 400 + socket errors) of the kill
# run, time from the kill until server 2 leaves "up" and until it shows "down", from the restart
# until it shows "up" again and until it serves proxied requests again, and the steady reuse ratio.
#
# Usage:
#   bench/failover.sh [--duration S] [--kill-at S] [--restart-at S] [--connections N]
#                     [--interval-ms MS] [--warmup S] [--steady S] [--poll dashboard|api]
#                     [--pin PROXY_CPUS:LOAD_CPUS]
#                     [--jvm-opts "FLAGS"] [--jar PATH] [--record [--results FILE]] [--keep]
#
#   --duration S       length of the kill run (default 30)
#   --kill-at S        seconds into the kill run when backend 2 is killed (default 10)
#   --restart-at S     seconds into the kill run when backend 2 is started again (default 20)
#   --connections N    wrk connections, every run (default 32)
#   --interval-ms MS   active health check interval (default 1000, the API's minimum; the check's
#                      timeout is 500 ms, healthy/unhealthy thresholds 2/2)
#   --warmup S         unmeasured load before the steady run (default 10)
#   --steady S         length of the steady reuse run (default 10; the counters are read inside it,
#                      1 s from each end, or over the whole run when shorter than 3 s)
#   --poll WHAT        how server 2's state is polled every 100 ms: "dashboard" (default) signs in
#                      once and reads the dashboard's Backend servers fragment; "api" reads
#                      GET /api/v1/backends/status with HTTP Basic, which costs a bcrypt password
#                      check (~60 ms of CPU here) per poll on the proxy's CPU. Same states either way.
#   --pin P:L          taskset CPU lists (default 0:1): the appliance on P (event loops = number of
#                      CPUs in P); wrk, both backends and the status poller on L
#   --jvm-opts "..."   the appliance's JVM flags (default: installer/jvm-options)
#   --jar PATH         the appliance jar (default admin-web/target/gatehouse.jar; built with
#                      `mvn -B -q -DskipTests package` when missing). Copied into the temp directory
#                      first, so a rebuild during the run does not change what runs.
#   --record           append the table with the date, command, git revision and machine to
#                      bench/results.md
#   --results FILE     where --record appends (default bench/results.md)
#   --keep             keep the temp directory (configs, logs, raw wrk output, the poll log)
#
# Needs nginx (with stub_status: nginx-light or nginx), wrk, curl, taskset (util-linux), python3
# (the status poller), a JDK 17+. Everything listens on 127.0.0.1. Every process started here is
# stopped by its PID on exit, also on error or Ctrl-C. Runs from any directory. With the defaults it
# takes about 75 s.
set -euo pipefail

CALLER_DIR="$PWD"
cd "$(dirname "$(readlink -f "$0")")/.."
REPO="$PWD"
# Process, port and API helpers shared by the benchmarks.
. "$REPO/bench/lib.sh"

DURATION=30; KILL_AT=10; RESTART_AT=20; CONNS=32; INTERVAL_MS=1000; WARMUP=10; STEADY=10; PIN="0:1"
CHECK_TIMEOUT_MS=500; HEALTHY=2; UNHEALTHY=2; PASSIVE_FAILURES=3; PASSIVE_EJECT_S=30; RETRIES=2
POLL_MS=100
# More requests than this on backend 2 between two polls means proxied traffic: the poll's own
# stub_status read adds 1 and a health check at most 1 more per interval.
ROTATION_MIN=20
WRK_TIMEOUT=2
POLL=dashboard
JVM_OPTS="$(cat "$REPO/installer/jvm-options")"
JAR="admin-web/target/gatehouse.jar"; RECORD=0; KEEP=0; RESULTS="bench/results.md"
HOST_HDR="bench.local"
ARGS_TEXT="$*"

need_value() { [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) need_value "$@"; DURATION="$2"; shift 2;;
    --kill-at) need_value "$@"; KILL_AT="$2"; shift 2;;
    --restart-at) need_value "$@"; RESTART_AT="$2"; shift 2;;
    --connections) need_value "$@"; CONNS="$2"; shift 2;;
    --interval-ms) need_value "$@"; INTERVAL_MS="$2"; shift 2;;
    --warmup) need_value "$@"; WARMUP="$2"; shift 2;;
    --steady) need_value "$@"; STEADY="$2"; shift 2;;
    --poll) need_value "$@"; POLL="$2"; shift 2;;
    --pin) need_value "$@"; PIN="$2"; shift 2;;
    --jvm-opts) need_value "$@"; JVM_OPTS="$2"; shift 2;;
    --jar) need_value "$@"; JAR="$(cd "$CALLER_DIR" && readlink -f -- "$2")"; shift 2;;
    --record) RECORD=1; shift;;
    --results) need_value "$@"; RESULTS="$(cd "$CALLER_DIR" && readlink -f -- "$2")"; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2;;
  esac
done

for opt in "duration=$DURATION" "kill-at=$KILL_AT" "restart-at=$RESTART_AT" "connections=$CONNS" \
           "interval-ms=$INTERVAL_MS" "warmup=$WARMUP" "steady=$STEADY"; do
  [[ "${opt#*=}" =~ ^[0-9]+$ ]] || { echo "--${opt%%=*}: not a whole number: '${opt#*=}'" >&2; exit 2; }
done
[ "$CONNS" -ge 1 ] && [ "$STEADY" -ge 1 ] || { echo "--connections and --steady must be >= 1" >&2; exit 2; }
[ "$KILL_AT" -ge 1 ] || { echo "--kill-at must be >= 1 (the poller needs to see server 2 up first)" >&2; exit 2; }
[ "$RESTART_AT" -gt "$KILL_AT" ] || { echo "--restart-at ($RESTART_AT) must be after --kill-at ($KILL_AT)" >&2; exit 2; }
[ "$DURATION" -gt "$RESTART_AT" ] || { echo "--duration ($DURATION) must be longer than --restart-at ($RESTART_AT)" >&2; exit 2; }
# The API takes 1 s to 1 h and a check timeout below the interval; say so here, before the
# appliance is started for nothing.
[ "$INTERVAL_MS" -ge 1000 ] || { echo "--interval-ms: the appliance's minimum is 1000, not $INTERVAL_MS" >&2; exit 2; }
# Detection takes up to (unhealthy threshold) x interval + timeout, recovery (healthy threshold) x interval.
WORST_DETECT_S=$(( (UNHEALTHY * INTERVAL_MS + CHECK_TIMEOUT_MS) / 1000 + 1 ))
WORST_RECOVER_S=$(( (HEALTHY * INTERVAL_MS + CHECK_TIMEOUT_MS) / 1000 + 1 ))
[ $(( RESTART_AT - KILL_AT )) -ge "$WORST_DETECT_S" ] \
  || echo "warning: ${WORST_DETECT_S} s may be needed to see server 2 down; --restart-at is $(( RESTART_AT - KILL_AT )) s after --kill-at" >&2
[ $(( DURATION - RESTART_AT )) -ge "$WORST_RECOVER_S" ] \
  || echo "warning: ${WORST_RECOVER_S} s may be needed to see server 2 up again; the run ends $(( DURATION - RESTART_AT )) s after --restart-at" >&2
case "$POLL" in dashboard|api) ;; *) echo "--poll: dashboard or api, not '$POLL'" >&2; exit 2;; esac
[[ "$PIN" =~ ^[0-9,-]+:[0-9,-]+$ ]] || { echo "--pin wants PROXY_CPUS:LOAD_CPUS, e.g. 0:1 or 0-1:2-3" >&2; exit 2; }
PROXY_CPUS="${PIN%%:*}"; LOAD_CPUS="${PIN##*:}"
NPROXY=$(cpu_count "$PROXY_CPUS"); NLOAD=$(cpu_count "$LOAD_CPUS")
LOAD_THREADS=$NLOAD; [ "$LOAD_THREADS" -le "$CONNS" ] || LOAD_THREADS=$CONNS
taskset -c "$PROXY_CPUS" true 2>/dev/null && taskset -c "$LOAD_CPUS" true 2>/dev/null \
  || { echo "--pin $PIN: this machine has CPUs 0-$(( $(nproc --all) - 1 ))" >&2; exit 2; }

# ---------------------------------------------------------------- prerequisites
missing=()
for bin in nginx wrk taskset curl python3 java; do command -v "$bin" >/dev/null || missing+=("$bin"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  echo "install: sudo apt-get install -y nginx-light wrk util-linux curl python3 openjdk-17-jdk-headless" >&2
  exit 2
fi
[[ "$(nginx -V 2>&1)" == *http_stub_status_module* ]] \
  || { echo "this nginx has no stub_status module (needed to count upstream connections and requests): install nginx-light or nginx" >&2; exit 2; }
if [ ! -f "$JAR" ]; then
  command -v mvn >/dev/null || { echo "$JAR not found and no mvn to build it: sudo apt-get install -y maven" >&2; exit 2; }
  echo "building: mvn -B -q -DskipTests package" >&2
  mvn -B -q -DskipTests package
  [ -f "$JAR" ] || { echo "$JAR not found after the build" >&2; exit 2; }
fi

# ---------------------------------------------------------------- processes and cleanup
work_dir_init failover
cp "$JAR" "$WORK/gatehouse.jar"

now_ms() { date +%s%3N; }
sleep_until_ms() { # EPOCH_MS
  local d=$(( $1 - $(now_ms) ))
  [ "$d" -le 0 ] || sleep "$(( d / 1000 )).$(printf '%03d' $(( d % 1000 )))"
}

# ---------------------------------------------------------------- backends
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
free_port BE1_PORT; free_port BE1_STATUS; free_port BE2_PORT; free_port BE2_STATUS
BE_PORT=("" "$BE1_PORT" "$BE2_PORT"); BE_STATUS=("" "$BE1_STATUS" "$BE2_STATUS"); BE_PID=("" "" "")

# Each backend gets its own prefix directory (temp paths, pid file) so two nginx never share files.
for n in 1 2; do
  mkdir -p "$WORK/backend$n"
  cat > "$WORK/backend$n/nginx.conf" <<CONF
daemon off; worker_processes $NLOAD; pid $WORK/backend$n/nginx.pid; error_log $WORK/backend$n/error.log warn;
events { worker_connections 16384; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:${BE_PORT[$n]} backlog=4096; default_type text/plain;
           location = /health { return 200 "ok"; }
           location / { return 200 "$BODY"; } }
  server { listen 127.0.0.1:${BE_STATUS[$n]};
           location = /nginx_status { stub_status; } }
}
CONF
done

# start_backend N [LABEL]: backend N on its ports, pinned to the load CPUs; sets BE_PID[N].
start_backend() {
  local n="$1" label="${2:-backend$1}"
  start "$label" "$LOAD_CPUS" nginx -e "$WORK/backend$n/error.log" -p "$WORK/backend$n" -c "$WORK/backend$n/nginx.conf"
  BE_PID[$n]=$LAST_PID
}

# The stub_status counters "accepts requests" of backend N. Every read is one connection and one
# request of its own, counted too.
backend_counters() { # N
  { curl -fsS --max-time 5 "http://127.0.0.1:${BE_STATUS[$1]}/nginx_status" 2>/dev/null || true; } | awk 'NR==3 {print $1, $3}'
}

# The appliance's own counters for backend "app" (GET /api/v1/backends/status, summed over its
# servers): "connectionsOpened requestsStarted", or nothing from a build without those fields.
appliance_counters() {
  curl -fsS --max-time 5 -u "$GH_EMAIL:$GH_PASSWORD" "$API/backends/status" 2>/dev/null | python3 -c '
import json, sys
for b in json.load(sys.stdin):
    if b["name"] == "app" and all("connectionsOpened" in s and "requestsStarted" in s for s in b["servers"]):
        print(sum(s["connectionsOpened"] for s in b["servers"]), sum(s["requestsStarted"] for s in b["servers"]))
' 2>/dev/null || true
}

for n in 1 2; do
  start_backend "$n"
  wait_port "${BE_PORT[$n]}" "${BE_PID[$n]}" 10 \
    || { echo "backend $n did not start:" >&2; cat "$WORK/backend$n.out" "$WORK/backend$n/error.log" >&2 2>/dev/null; exit 1; }
done

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l + 0 > 0.5) }'; then
  echo "warning: the machine is busy (load average $LOAD_BEFORE): timings will be noisy" >&2
fi
echo "backends 127.0.0.1:$BE1_PORT and 127.0.0.1:$BE2_PORT (CPU $LOAD_CPUS); appliance on CPU $PROXY_CPUS" >&2

# ---------------------------------------------------------------- the appliance
echo "gatehouse ($JAR, $JVM_OPTS, $NPROXY event loop(s))" >&2
appliance_start "$WORK/gatehouse.jar" "$PROXY_CPUS" "$NPROXY" "$JVM_OPTS" || exit 1
SERVER2="127.0.0.1:$BE2_PORT"
api_post backends "{\"name\":\"app\",\"maxRetries\":$RETRIES,
  \"healthCheck\":{\"path\":\"/health\",\"intervalMs\":$INTERVAL_MS,\"timeoutMs\":$CHECK_TIMEOUT_MS,\"healthyThreshold\":$HEALTHY,\"unhealthyThreshold\":$UNHEALTHY},
  \"passiveHealth\":{\"maxFailures\":$PASSIVE_FAILURES,\"ejectForSeconds\":$PASSIVE_EJECT_S},
  \"servers\":[{\"address\":\"127.0.0.1:$BE1_PORT\"},{\"address\":\"$SERVER2\"}]}" || exit 1
api_post sites "{\"hostnames\":[\"$HOST_HDR\"],\"backend\":\"app\"}" || exit 1
out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $HOST_HDR" "http://127.0.0.1:$GH_HTTP/" 2>&1 || true)
[ "$out" = "200 1024" ] || { echo "127.0.0.1:$GH_HTTP answered '$out', want '200 1024'" >&2; exit 1; }

URL="http://127.0.0.1:$GH_HTTP/"
# wrk_bg SECONDS OUT [EXTRA ARGS...]: wrk on the load CPUs in the background, its output in OUT.
# WRK_PID is `timeout`'s PID (it passes a TERM on to wrk), on the list cleanup stops on exit.
wrk_bg() {
  local s="$1" out="$2"; shift 2
  timeout $(( s + 30 )) taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${s}s" \
    --timeout "${WRK_TIMEOUT}s" -H "Host: $HOST_HDR" "$@" "$URL" > "$out" 2>&1 < /dev/null &
  WRK_PID=$!
  PIDS+=("$WRK_PID")
}
# (forget_pid returns 1 when the PID is not the last on the list: `|| true` under set -e)
wrk_wait() { wait "$WRK_PID" || true; forget_pid "$WRK_PID" || true; }

# ---------------------------------------------------------------- warm-up
if [ "$WARMUP" -gt 0 ]; then
  echo "warm-up: ${WARMUP} s" >&2
  wrk_bg "$WARMUP" "$WORK/warmup.wrk"; wrk_wait
fi

# ---------------------------------------------------------------- steady reuse
# Read inside the run, not around it: when a load run ends wrk drops its in-flight requests, the
# appliance closes the upstream connections those were using and opens new ones when the next run
# starts. Those reconnects follow the load generator's abrupt end, not steady keep-alive load.
echo "steady reuse: ${STEADY} s, both servers up" >&2
edge=0; [ "$STEADY" -ge 3 ] && edge=1
wrk_bg "$STEADY" "$WORK/steady.wrk"
sleep "$edge"; s1_1=$(backend_counters 1); s1_2=$(backend_counters 2); g1=$(appliance_counters)
sleep $(( STEADY - 2 * edge )); s2_1=$(backend_counters 1); s2_2=$(backend_counters 2); g2=$(appliance_counters)
wrk_wait
STEADY_RPS=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/steady.wrk")
STEADY_CONNS="-"; STEADY_REQS="-"; STEADY_RATIO="-"; STEADY_REUSE="-"
if [ -n "$s1_1" ] && [ -n "$s1_2" ] && [ -n "$s2_1" ] && [ -n "$s2_2" ]; then
  # minus 1 each per backend: the second read's own connection and request
  read -r STEADY_CONNS STEADY_REQS < <(awk -v a1="$s1_1" -v a2="$s1_2" -v b1="$s2_1" -v b2="$s2_2" 'BEGIN {
    split(a1, p, " "); split(b1, q, " "); split(a2, r, " "); split(b2, s, " ")
    c = (q[1] - p[1] - 1) + (s[1] - r[1] - 1); n = (q[2] - p[2] - 1) + (s[2] - r[2] - 1)
    if (c < 0) c = 0; print c, n }')
  if [ "$STEADY_REQS" -gt 0 ]; then
    STEADY_RATIO=$(awk -v c="$STEADY_CONNS" -v n="$STEADY_REQS" 'BEGIN { printf "%.5f", c / n }')
    STEADY_REUSE=$(awk -v c="$STEADY_CONNS" -v n="$STEADY_REQS" 'BEGIN { printf "%.3f", 100 * (1 - c / n) }')
  fi
fi
# The appliance's own count over (nearly) the same window: no health checks, no stub_status reads.
GH_COUNT=""
if [ -n "$g1" ] && [ -n "$g2" ]; then
  GH_COUNT=$(awk -v a="$g1" -v b="$g2" 'BEGIN { split(a, p, " "); split(b, q, " "); c = q[1] - p[1]; n = q[2] - p[2]
    if (n > 0) printf "%d new connections / %d requests = %.5f", c, n, c / n }')
fi
echo "  ${STEADY_RPS:-0} req/s; upstream: $STEADY_CONNS new connections / $STEADY_REQS requests = $STEADY_RATIO (reuse $STEADY_REUSE %)${GH_COUNT:+; the appliance counted $GH_COUNT}" >&2

# ---------------------------------------------------------------- the kill run
# The poller: every POLL_MS, server 2's state and backend 2's request counter, each with the epoch
# ms at which its answer arrived (the state was computed before that instant). --poll api reads
# GET /api/v1/backends/status with HTTP Basic; --poll dashboard (default) signs in once through the
# login form and reads the dashboard's "Backend servers" fragment, which renders the same
# BackendStatusService.current() with each server's state in a data-state attribute. Why not the
# API by default: it verifies the password (bcrypt) on every request, about 60 ms of CPU each on
# this 2-core machine, and that CPU is the proxy's -- at 10 polls/s, most of it.
cat > "$WORK/poll.py" <<'PY'
import base64, http.client, http.cookiejar, json, re, sys, time, urllib.parse, urllib.request
mode, admin_port, email, password, backend, server, stub_port, poll_ms, out = sys.argv[1:10]
base = "http://127.0.0.1:%s" % admin_port

if mode == "api":
    headers = {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (email, password)).encode()).decode()}
    admin = None

    def state():
        global admin
        try:
            if admin is None:
                admin = http.client.HTTPConnection("127.0.0.1", int(admin_port), timeout=2)
            admin.request("GET", "/api/v1/backends/status", headers=headers)
            answer = admin.getresponse()
            body = answer.read()
            if answer.status != 200:
                return "http-%d" % answer.status
            for b in json.loads(body):
                if b["name"] == backend:
                    for s in b["servers"]:
                        if s["address"] == server:
                            return s["state"]
            return "missing"
        except Exception:
            if admin is not None:
                admin.close()
            admin = None
            return "error"
else:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=10).read().decode()
    tag = re.search(r'<input[^>]*name="_csrf"[^>]*>', page)
    token = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    if not token:
        sys.exit("no _csrf field on the login page")
    form = urllib.parse.urlencode({"username": email, "password": password, "_csrf": token.group(1)}).encode()
    if "/login" in opener.open(base + "/login", data=form, timeout=10).geturl():
        sys.exit("the dashboard login failed")
    row = re.compile(r'<tr\b[^>]*\bdata-server="%s"[^>]*>' % re.escape(server))
    attrs = re.compile(r'\bdata-(backend|state)="([^"]*)"')

    def state():
        try:
            answer = opener.open(base + "/dashboard/backends", timeout=2)
            if "/login" in answer.geturl():
                return "signed-out"
            for tr in row.findall(answer.read().decode()):
                a = dict(attrs.findall(tr))
                if a.get("backend") == backend:
                    return a.get("state", "missing")
            return "missing"
        except Exception:
            return "error"

def requests():
    # a new connection each time: the backend may have been killed since the last read
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(stub_port), timeout=0.5)
        c.request("GET", "/nginx_status")
        lines = c.getresponse().read().decode().splitlines()
        c.close()
        return lines[2].split()[2]
    except Exception:
        return "-"

step = int(poll_ms) / 1000.0
with open(out, "w", buffering=1) as f:
    tick = time.time()
    while True:
        s = state(); ts = int(time.time() * 1000)
        r = requests(); tr = int(time.time() * 1000)
        f.write("%d %s %d %s\n" % (ts, s, tr, r))
        tick = max(tick + step, time.time() - step)
        time.sleep(max(0.0, tick - time.time()))
PY
start poller "$LOAD_CPUS" python3 "$WORK/poll.py" "$POLL" "$GH_ADMIN" "$GH_EMAIL" "$GH_PASSWORD" app "$SERVER2" \
  "$BE2_STATUS" "$POLL_MS" "$WORK/poll.log"
POLLER_PID=$LAST_PID
# signed in and polling before the load starts (the login is one bcrypt on an idle appliance)
for _ in $(seq 1 100); do
  [ -s "$WORK/poll.log" ] && break
  kill -0 "$POLLER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -s "$WORK/poll.log" ] || { echo "the status poller did not start:" >&2; cat "$WORK/poller.out" >&2; exit 1; }

echo "kill run: ${DURATION} s, SIGKILL backend 2 at ${KILL_AT} s, restart at ${RESTART_AT} s" >&2
cat > "$WORK/count.lua" <<'LUA'
-- prints the totals in one line the script parses; wrk's summary has the same counts
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("FAILOVER requests=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
LUA
T0=$(now_ms)
wrk_bg "$DURATION" "$WORK/kill.wrk" --latency -s "$WORK/count.lua"

sleep_until_ms $(( T0 + KILL_AT * 1000 ))
# The master first, so it cannot respawn the worker; read its children before it is gone.
kids="$(cat /proc/"${BE_PID[2]}"/task/*/children 2>/dev/null || true)"
# (stderr off: bash would report the killed job as "Killed" at whichever command notices it)
# shellcheck disable=SC2086 # kids is a list of PIDs
{ kill -KILL "${BE_PID[2]}" $kids || true; T_KILL=$(now_ms); wait "${BE_PID[2]}" || true; } 2>/dev/null
forget_pid "${BE_PID[2]}" || true
survivors=""
for k in $kids; do [ -d "/proc/$k" ] && [ "$(awk '{print $3}' /proc/"$k"/stat 2>/dev/null)" != Z ] && survivors+="$k "; done
[ -z "$survivors" ] || echo "warning: backend 2 processes survived SIGKILL: $survivors" >&2
echo "  killed backend 2 at $(( T_KILL - T0 )) ms" >&2

sleep_until_ms $(( T0 + RESTART_AT * 1000 ))
start_backend 2 backend2-restarted
T_RESTART=$(now_ms)
# when it listens again, to 10 ms: recovery is timed from here, not from nginx's own start-up
T_LISTEN=""
for _ in $(seq 1 500); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$BE2_PORT") 2>/dev/null; then T_LISTEN=$(now_ms); break; fi
  kill -0 "${BE_PID[2]}" 2>/dev/null || break
  sleep 0.01
done
[ -n "$T_LISTEN" ] || { echo "backend 2 did not start again:" >&2; cat "$WORK/backend2-restarted.out" "$WORK/backend2/error.log" >&2 2>/dev/null; exit 1; }
echo "  backend 2 started again at $(( T_RESTART - T0 )) ms, listening at $(( T_LISTEN - T0 )) ms" >&2

wrk_wait
stop_pid "$POLLER_PID"; forget_pid "$POLLER_PID" || true
kill -0 "$GH_PID" 2>/dev/null || echo "warning: the appliance exited during the run" >&2

# ---------------------------------------------------------------- results
read -r REQS E_STATUS E_CONNECT E_READ E_WRITE E_TIMEOUT < <(awk '/^FAILOVER / {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  print v["requests"], v["status"], v["connect"], v["read"], v["write"], v["timeout"] }' "$WORK/kill.wrk")
[ -n "${REQS:-}" ] || { echo "wrk printed no totals (see $WORK/kill.wrk with --keep):" >&2; tail -n 20 "$WORK/kill.wrk" >&2; exit 1; }
ERRORS=$(( E_STATUS + E_CONNECT + E_READ + E_WRITE + E_TIMEOUT ))
ERR_PCT=$(awk -v e="$ERRORS" -v n="$REQS" 'BEGIN { if (n > 0) printf "%.4f", 100 * e / n; else print "-" }')
KILL_RPS=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/kill.wrk")
P99=$(ms "$(awk '$1=="99%" {print $2}' "$WORK/kill.wrk")")
MAXLAT=$(ms "$(awk '$1=="Latency" {print $4}' "$WORK/kill.wrk")")

# From the poll log ("status_ms state stub_ms requests"):
#   out  = first state other than up after the kill (passive ejection or down)
#   down = first "down" after the kill
#   up   = first "up" after backend 2 listens again, once it had been seen out of rotation
#   back = first poll after it listens again at which its request counter grew by more than
#          ROTATION_MIN since the previous poll (proxied requests, not just polls and checks)
read -r PRE_STATE OUT_MS OUT_STATE DOWN_MS UP_MS BACK_MS < <(awk -v kill="$T_KILL" -v listen="$T_LISTEN" \
    -v min="$ROTATION_MIN" '
  $1 < kill { pre = $2 }
  $1 >= kill && out == "" && $2 != "up" && $2 != "error" { out = $1 - kill; outstate = $2 }
  $1 >= kill && down == "" && $2 == "down" { down = $1 - kill }
  $1 >= listen && up == "" && out != "" && $2 == "up" { up = $1 - listen }
  $3 >= listen && $4 != "-" {
    if (prev != "" && back == "" && $4 - prev > min) back = $3 - listen
    prev = $4
  }
  END { print (pre == "" ? "-" : pre), (out == "" ? "-" : out), (outstate == "" ? "-" : outstate),
              (down == "" ? "-" : down), (up == "" ? "-" : up), (back == "" ? "-" : back) }' "$WORK/poll.log")
POLL_ERRORS=$(awk '$2 == "error" || $2 ~ /^http-/ || $2 == "missing" { n++ } END { print n + 0 }' "$WORK/poll.log")
POLLS=$(wc -l < "$WORK/poll.log")
# the time resolution: the median gap between two state readings
POLL_GAP=$(awk 'NR > 1 { print $1 - p } { p = $1 }' "$WORK/poll.log" | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }')

NOTES=""
[ "$ERRORS" = 0 ] || NOTES+="HTTP >= 400: $E_STATUS, socket errors: connect $E_CONNECT, read $E_READ, write $E_WRITE, timeout $E_TIMEOUT; "
[ "$PRE_STATE" = up ] || NOTES+="server 2 was '$PRE_STATE' before the kill; "
# which state took it out first (passive "ejected" or active "down") goes with the time
[ "$OUT_STATE" = "-" ] || OUT_MS="$OUT_MS ($OUT_STATE)"
[ "$DOWN_MS" != "-" ] || NOTES+="never shown down; "
[ "$UP_MS" != "-" ] || NOTES+="never shown up again; "
[ "$BACK_MS" != "-" ] || NOTES+="no proxied requests after the restart; "
[ "$POLL_GAP" = "-" ] || [ "$POLL_GAP" -le $(( POLL_MS * 3 / 2 )) ] || NOTES+="status polls $POLL_GAP ms apart (median), not $POLL_MS: times are that coarse; "
[ "$POLL_ERRORS" = 0 ] || NOTES+="$POLL_ERRORS of $POLLS status polls failed; "
kill -0 "$GH_PID" 2>/dev/null || NOTES+="the appliance exited; "
[ -z "$GH_COUNT" ] || NOTES+="steady, the appliance's own count: $GH_COUNT; "
SETTINGS="c=$CONNS, ${DURATION} s, kill ${KILL_AT} s, restart ${RESTART_AT} s, check ${INTERVAL_MS}/${CHECK_TIMEOUT_MS} ms ${HEALTHY}/${UNHEALTHY}, passive ${PASSIVE_FAILURES}/${PASSIVE_EJECT_S} s, retries $RETRIES, poll $POLL"

TABLE="$WORK/table.md"
{
  echo "| requests | req/s | client errors | error % | p99 ms | max ms | out of rotation ms | detection ms (down) | recovery ms (up) | back in rotation ms | steady conns/req | steady reuse % | settings | notes |"
  echo "|---------:|------:|--------------:|--------:|-------:|-------:|-------------------:|--------------------:|-----------------:|--------------------:|-----------------:|---------------:|----------|-------|"
  echo "| $REQS | ${KILL_RPS:-0} | $ERRORS | $ERR_PCT | $P99 | $MAXLAT | $OUT_MS | $DOWN_MS | $UP_MS | $BACK_MS | $STEADY_RATIO | $STEADY_REUSE | $SETTINGS | ${NOTES%; } |"
} > "$TABLE"
echo
cat "$TABLE"
echo
echo "targets (issue 5): client errors 0; steady reuse >= 99.9 % (conns/req <= 0.001)"

# ---------------------------------------------------------------- --record
if [ "$RECORD" = 1 ]; then
  results_file_init "$RESULTS"
  run_provenance
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — failover"
    echo
    echo "- command: \`bench/failover.sh${ARGS_TEXT:+ $ARGS_TEXT}\` at $RUN_REVISION"
    echo "- machine: $RUN_MACHINE; load average before the run $LOAD_BEFORE"
    echo "- setup: two backend nginx (1 KiB body, keep-alive) and wrk on CPU $LOAD_CPUS, the appliance on CPU $PROXY_CPUS" \
         "($NPROXY event loop(s)), $CONNS connections, ${WARMUP} s warm-up, ${STEADY} s steady reuse run (counters read" \
         "inside it), ${DURATION} s kill run with SIGKILL of backend 2 at ${KILL_AT} s and its restart at ${RESTART_AT} s," \
         "wrk --timeout ${WRK_TIMEOUT} s, server 2 polled every ${POLL_MS} ms (--poll $POLL), appliance JVM flags \`$JVM_OPTS\`, nginx $(nginx -v 2>&1 | sed 's|.*/||')"
    echo
    cat "$TABLE"
  } >> "$RESULTS"
  echo "recorded in $RESULTS" >&2
fi
