#!/usr/bin/env bash
# The proxy engine with many sites, on loopback: apply time and per-request cost by site count.
#
# Starts one origin (nginx, fixed 1 KiB body, keep-alive), then, for each site count N, a fresh JVM
# running the proxy engine in-process (bench/scale/ScaleBenchmark.java, public engine API only) that
# times apply() of an N-site snapshot -- the first apply into an empty engine and an incremental one
# that changes one site, over several repetitions -- and then serves those N sites while wrk loads it
# with the Host of a site in the middle of the table. Then, at --live-sites sites, times apply() ->
# first 200 for a new host name (apply-to-live). Prints ONE table: sites, backends, first and
# incremental apply (median / max ms), req/s, ratio to the 1-site req/s, p99; then the apply-to-live
# line and the issue-3 goals next to the measured numbers.
#
# Usage:
#   bench/scale.sh [--sites LIST] [--duration S] [--warmup S] [--connections N] [--reps R]
#                  [--live-sites N] [--live-tries T] [--pin ENGINE_CPUS:LOAD_CPUS]
#                  [--jvm-opts "FLAGS"] [--jar PATH] [--build] [--no-recheck] [--record]
#                  [--results FILE] [--keep]
#
#   --sites LIST       comma-separated site counts (default 1,10,1000,10000); keep 1 in the list for
#                      the "vs 1 site" column
#   --duration S       measured wrk seconds per site count (default 10)
#   --warmup S         unmeasured wrk load before each measured run (default 10; a JVM on one core
#                      needs 10 s or more for its JIT to settle)
#   --connections N    wrk keep-alive connections (default 64)
#   --reps R           apply repetitions per site count, each on a fresh engine (default 5)
#   --live-sites N     site count for the apply-to-live latency (default 100; 0 = skip it)
#   --live-tries T     measured apply-to-live tries (default 100, after 10 unmeasured ones)
#   --pin E:L          taskset CPU lists (default 0:1): the engine JVM runs on E (event loops =
#                      number of CPUs in E), wrk and the origin nginx on L
#   --no-recheck       do not measure the 1-site count again at the end (by default, when the list
#                      has 1 and more counts, a last "1 (again)" row shows how far the machine drifted
#                      during the run: a difference between the two 1-site rows is noise, not scale)
#   --jvm-opts "..."   the engine JVM's flags (default: installer/jvm-options, the appliance's
#                      measured production flags)
#   --jar PATH         the engine jar (default proxy-engine/target/proxy-engine-<version>.jar)
#   --build            run `mvn -B -q -o -pl proxy-engine -am install -DskipTests` first (done
#                      anyway when the jar is missing)
#   --record           append a dated copy of the table and the machine to bench/results.md
#   --results FILE     where --record appends (default bench/results.md)
#   --keep             keep the temp directory (origin config, JVM logs, raw wrk output)
#
# Needs Debian packages nginx-light (or nginx), wrk, util-linux (taskset); a JDK 17+ (java, javac)
# and maven (the engine's dependencies are resolved offline from ~/.m2). Everything listens on, and
# every request goes to, 127.0.0.1. Every process started here is stopped by its PID on exit, also on
# error or Ctrl-C; every wait is bounded. Runs from any directory.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
REPO="$PWD"
# Process, port and unit helpers shared by the benchmarks.
. "$REPO/bench/lib.sh"

SITES="1,10,1000,10000"; DURATION=10; WARMUP=10; CONNS=64; REPS=5; LIVE_SITES=100; LIVE_TRIES=100
PIN="0:1"; JVM_OPTS="$(cat "$REPO/installer/jvm-options")"; JAR=""; BUILD=0; RECORD=0; KEEP=0; RECHECK=1
RESULTS="bench/results.md"
LIVE_WARMUP_TRIES=10
ARGS_TEXT="$*"

need_value() { [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) need_value "$@"; SITES="$2"; shift 2;;
    --duration) need_value "$@"; DURATION="$2"; shift 2;;
    --warmup) need_value "$@"; WARMUP="$2"; shift 2;;
    --connections) need_value "$@"; CONNS="$2"; shift 2;;
    --reps) need_value "$@"; REPS="$2"; shift 2;;
    --live-sites) need_value "$@"; LIVE_SITES="$2"; shift 2;;
    --live-tries) need_value "$@"; LIVE_TRIES="$2"; shift 2;;
    --pin) need_value "$@"; PIN="$2"; shift 2;;
    --jvm-opts) need_value "$@"; JVM_OPTS="$2"; shift 2;;
    --jar) need_value "$@"; JAR="$2"; shift 2;;
    --build) BUILD=1; shift;;
    --no-recheck) RECHECK=0; shift;;
    --record) RECORD=1; shift;;
    --results) need_value "$@"; RESULTS="$2"; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2;;
  esac
done

for n in "$DURATION" "$WARMUP" "$CONNS" "$REPS" "$LIVE_SITES" "$LIVE_TRIES"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$REPS" -ge 1 ] && [ "$LIVE_TRIES" -ge 1 ] \
  || { echo "--duration, --connections, --reps and --live-tries must be >= 1" >&2; exit 2; }
[[ "$SITES" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--sites wants a comma-separated list of counts, e.g. 1,10,1000" >&2; exit 2; }
SITE_LIST=()
for n in ${SITES//,/ }; do
  [ "$n" -ge 1 ] && [ "$n" -le 1000000 ] || { echo "--sites: $n is not in 1-1000000" >&2; exit 2; }
  SITE_LIST+=("$((10#$n))")
done
[[ "$PIN" =~ ^[0-9,-]+:[0-9,-]+$ ]] || { echo "--pin wants ENGINE_CPUS:LOAD_CPUS, e.g. 0:1 or 0-1:2-3" >&2; exit 2; }
ENGINE_CPUS="${PIN%%:*}"; LOAD_CPUS="${PIN##*:}"

NENGINE=$(cpu_count "$ENGINE_CPUS"); NLOAD=$(cpu_count "$LOAD_CPUS")
LOAD_THREADS=$NLOAD; [ "$LOAD_THREADS" -le "$CONNS" ] || LOAD_THREADS=$CONNS
taskset -c "$ENGINE_CPUS" true 2>/dev/null && taskset -c "$LOAD_CPUS" true 2>/dev/null \
  || { echo "--pin $PIN: this machine has CPUs 0-$(( $(nproc --all) - 1 ))" >&2; exit 2; }

# ---------------------------------------------------------------- prerequisites
missing=()
for bin in nginx wrk taskset java javac mvn; do command -v "$bin" >/dev/null || missing+=("$bin"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  echo "install: sudo apt-get install -y nginx-light wrk util-linux openjdk-17-jdk-headless maven" >&2
  exit 2
fi

find_engine_jar() {
  local j
  for j in proxy-engine/target/proxy-engine-*.jar; do
    case "$j" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue;; esac
    [ -f "$j" ] && { echo "$j"; return 0; }
  done
  return 0
}
[ -n "$JAR" ] || JAR="$(find_engine_jar)"
if [ "$BUILD" = 1 ] || [ -z "$JAR" ] || [ ! -f "$JAR" ]; then
  echo "building: mvn -B -q -o -pl proxy-engine -am install -DskipTests" >&2
  mvn -B -q -o -pl proxy-engine -am install -DskipTests
  [ -n "$JAR" ] && [ -f "$JAR" ] || JAR="$(find_engine_jar)"
fi
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "engine jar not found (proxy-engine/target/proxy-engine-*.jar); try --build" >&2; exit 2; }

# ---------------------------------------------------------------- processes and cleanup
work_dir_init scale
CTL=""
close_control() { [ -z "$CTL" ] || exec {CTL}>&-; }
ON_EXIT=close_control

# ---------------------------------------------------------------- the engine program
# A private copy of the jar, so a rebuild of proxy-engine during the run cannot change it midway.
cp "$JAR" "$WORK/engine.jar"
echo "resolving the engine's runtime classpath (mvn -o dependency:build-classpath)" >&2
mvn -B -q -o -pl proxy-engine dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$WORK/classpath.txt" > "$WORK/mvn-classpath.out" 2>&1 \
  || { cat "$WORK/mvn-classpath.out" >&2; echo "could not resolve the engine's dependencies offline; run with --build once" >&2; exit 2; }
CP="$WORK/classes:$WORK/engine.jar:$(cat "$WORK/classpath.txt")"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$REPO/bench/scale/ScaleBenchmark.java"
# shellcheck disable=SC2206 # JVM_OPTS is a list of flags
JAVA_CMD=(java $JVM_OPTS -cp "$CP" ScaleBenchmark)

# ---------------------------------------------------------------- origin
free_port ORIGIN_PORT
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
cat > "$WORK/origin.conf" <<CONF
daemon off; worker_processes $NLOAD; pid $WORK/origin.pid; error_log $WORK/origin.err warn;
events { worker_connections 16384; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$ORIGIN_PORT backlog=4096; default_type text/plain;
           location / { return 200 "$BODY"; } }
}
CONF
start origin "$LOAD_CPUS" nginx -e "$WORK/origin.err" -p "$WORK" -c "$WORK/origin.conf"
ORIGIN_PID=$LAST_PID
wait_port "$ORIGIN_PORT" "$ORIGIN_PID" 10 || { echo "origin nginx did not start:" >&2; cat "$WORK/origin.out" "$WORK/origin.err" >&2 2>/dev/null; exit 1; }

# ---------------------------------------------------------------- measuring

# wait_line FILE PATTERN SECONDS PID: waits until FILE has a line starting with PATTERN; prints it.
wait_line() {
  local file="$1" pat="$2" deadline=$(( SECONDS + $3 )) pid="$4" l
  while [ $SECONDS -lt "$deadline" ]; do
    l="$(grep -m1 "^$pat" "$file" 2>/dev/null || true)"
    [ -n "$l" ] && { echo "$l"; return 0; }
    kill -0 "$pid" 2>/dev/null || { l="$(grep -m1 "^$pat" "$file" 2>/dev/null || true)"; [ -n "$l" ] && echo "$l"; [ -n "$l" ]; return; }
    sleep 0.2
  done
  return 1
}

jvm_failed() { # NAME: the last lines of a JVM's output
  echo "the engine JVM did not get there; last lines of its output:" >&2
  tail -n 25 "$WORK/$1.out" >&2 || true
}

# Apply timings are scaled by the site count: bounded, but generous for 10,000+ sites on a busy CPU.
apply_timeout() { echo $(( 120 + REPS * ($1 / 100 + 5) )); }

ROWS=()   # "sites|backends|first med|first max|incr med|incr max|req/s|p99|notes"

run_sites() { # N [LABEL]
  local n="$1" label="${2:-$1}" name="jvm-$1${2:+-again}" pid line port host out rps p99 notes fmed fmax imed imax backends
  echo "$label site(s)" >&2
  mkfifo "$WORK/$name.ctl"
  taskset -c "$ENGINE_CPUS" "${JAVA_CMD[@]}" apply --sites "$n" --origin "$ORIGIN_PORT" --reps "$REPS" \
      --event-loops "$NENGINE" < "$WORK/$name.ctl" > "$WORK/$name.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  exec {CTL}<>"$WORK/$name.ctl"   # read-write: never blocks, and the JVM sees no end of file until we close it
  if ! line=$(wait_line "$WORK/$name.out" "@APPLY" "$(apply_timeout "$n")" "$pid"); then
    jvm_failed "$name"; ROWS+=("$label|-|-|-|-|-|0|-|apply failed (see above)")
    exec {CTL}>&-; CTL=""; stop_pid "$pid"; forget_pid "$pid"; return 0
  fi
  read -r _ _ backends fmed fmax imed imax _ <<< "$line"
  if ! line=$(wait_line "$WORK/$name.out" "@READY" 60 "$pid"); then
    jvm_failed "$name"; ROWS+=("$label|$backends|$fmed|$fmax|$imed|$imax|0|-|engine did not serve (see above)")
    exec {CTL}>&-; CTL=""; stop_pid "$pid"; forget_pid "$pid"; return 0
  fi
  read -r _ port host <<< "$line"
  echo "  apply: first $fmed ms median / $fmax max, incremental $imed / $imax; loading Host: $host" >&2
  out="$WORK/$name.wrk"
  if [ "$WARMUP" -gt 0 ]; then
    timeout $(( WARMUP + 30 )) taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${WARMUP}s" \
      -H "Host: $host" "http://127.0.0.1:$port/" > /dev/null 2>&1 || true
  fi
  timeout $(( DURATION + 30 )) taskset -c "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
    -H "Host: $host" "http://127.0.0.1:$port/" > "$out" 2>&1 || true
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
  p99=$(ms "$(awk '$1=="99%" {print $2}' "$out")")
  notes=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' "$out")
  kill -0 "$pid" 2>/dev/null || notes="${notes}the engine JVM exited during the run; "
  ROWS+=("$label|$backends|$fmed|$fmax|$imed|$imax|${rps:-0}|$p99|${notes%; }")
  echo "  ${rps:-0} req/s, p99 $p99 ms" >&2
  echo stop >&"$CTL"
  wait_line "$WORK/$name.out" "@DONE" 20 "$pid" > /dev/null || true
  exec {CTL}>&-; CTL=""
  stop_pid "$pid"; forget_pid "$pid"
  rm -f "$WORK/$name.ctl"
}

LIVE_LINE=""
run_live() {
  local name="jvm-live" pid line p50 p99 max ap50 tries
  echo "apply-to-live at $LIVE_SITES sites ($LIVE_TRIES tries after $LIVE_WARMUP_TRIES unmeasured)" >&2
  start "$name" "$ENGINE_CPUS" "${JAVA_CMD[@]}" live --sites "$LIVE_SITES" --origin "$ORIGIN_PORT" \
    --tries "$LIVE_TRIES" --warmup-tries "$LIVE_WARMUP_TRIES" --event-loops "$NENGINE"
  pid=$LAST_PID
  if line=$(wait_line "$WORK/$name.out" "@LIVE" $(( 120 + (LIVE_TRIES + LIVE_WARMUP_TRIES) * 6 )) "$pid"); then
    read -r _ p50 p99 max ap50 tries <<< "$line"
    LIVE_P99="$p99"
    LIVE_LINE="apply-to-live at $LIVE_SITES sites (apply() -> first 200 for a new host name, $tries tries): p50 $p50 ms, p99 $p99 ms, max $max ms (apply() alone p50 $ap50 ms)"
  else
    jvm_failed "$name"
    LIVE_LINE="apply-to-live at $LIVE_SITES sites: failed (see the JVM output above)"
  fi
  stop_pid "$pid"; forget_pid "$pid"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l + 0 > 0.5) }'; then
  echo "warning: the machine is busy (load average $LOAD_BEFORE): numbers will be low and noisy" >&2
fi
echo "origin nginx on 127.0.0.1:$ORIGIN_PORT (CPU $LOAD_CPUS); engine JVM on CPU $ENGINE_CPUS ($NENGINE event loop(s)); engine jar $JAR" >&2
echo "site counts ${SITE_LIST[*]}; $REPS apply repetitions; wrk $CONNS connections, ${WARMUP} s warm-up + ${DURATION} s measured" >&2

for n in "${SITE_LIST[@]}"; do run_sites "$n"; done
if [ "$RECHECK" = 1 ] && [ "${#SITE_LIST[@]}" -gt 1 ] && [[ " ${SITE_LIST[*]} " == *" 1 "* ]]; then
  run_sites 1 "1 (again)"
fi
LIVE_P99=""
[ "$LIVE_SITES" -eq 0 ] || run_live
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# ---------------------------------------------------------------- the table
BASE=""
for r in "${ROWS[@]}"; do
  IFS='|' read -r n _ _ _ _ _ rps _ <<< "$r"
  [ "$n" = 1 ] && BASE="$rps"
done
TABLE="$WORK/table.md"
GOALS="$WORK/goals.md"
{
  printf '| %9s | %8s | %21s | %21s | %9s | %9s | %8s | %s |\n' sites backends 'first apply ms med/max' 'incr. apply ms med/max' req/s 'vs 1 site' 'p99 ms' notes
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------: ---------: ----------------------: ----------------------: ----------: ----------: ---------: -------
  for r in "${ROWS[@]}"; do
    IFS='|' read -r n backends fmed fmax imed imax rps p99 notes <<< "$r"
    ratio="-"
    if [ -n "$BASE" ] && [[ "$rps" =~ ^[0-9]+$ ]]; then
      ratio=$(awk -v a="$rps" -v b="$BASE" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    fi
    printf '| %9s | %8s | %21s | %21s | %9s | %9s | %8s | %s |\n' "$n" "$backends" "$fmed / $fmax" "$imed / $imax" "$rps" "$ratio" "$p99" "$notes"
  done
  echo
  [ -z "$LIVE_LINE" ] || printf '%s\n\n' "$LIVE_LINE"
  echo "load average (1/5/15 min): $LOAD_BEFORE before the run, $LOAD_AFTER after"
} > "$TABLE"

# The issue-3 goals beside the numbers (benchmark figures, not pass/fail tests: read them on a quiet machine).
{
  for r in "${ROWS[@]}"; do
    IFS='|' read -r n _ fmed fmax _ _ rps _ _ <<< "$r"
    [ "$n" = 10000 ] || continue
    echo "- goal: 10,000 sites apply < 1 s -- first apply median $fmed ms, max $fmax ms"
    if [ -n "$BASE" ] && [[ "$rps" =~ ^[0-9]+$ ]]; then
      echo "- goal: 10,000 sites req/s within 5% of 1 site (>= 0.950) -- $(awk -v a="$rps" -v b="$BASE" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')"
    fi
  done
  [ "$LIVE_SITES" -ne 100 ] || [ -z "$LIVE_P99" ] || echo "- goal: apply-to-live p99 < 50 ms at 100 sites -- $LIVE_P99 ms"
  for r in "${ROWS[@]}"; do
    IFS='|' read -r n _ _ _ _ _ rps _ _ <<< "$r"
    [ "$n" = "1 (again)" ] && [ -n "$BASE" ] && [[ "$rps" =~ ^[0-9]+$ ]] || continue
    echo "- drift: the 1-site req/s measured again at the end is $(awk -v a="$rps" -v b="$BASE" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')x the first;" \
         "differences between rows of that size are the machine, not the site count"
  done
} > "$GOALS"

echo
cat "$TABLE"
if [ -s "$GOALS" ]; then echo; cat "$GOALS"; fi

# ---------------------------------------------------------------- --record
if [ "$RECORD" = 1 ]; then
  results_file_init "$RESULTS"
  run_provenance
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') -- scale (sites)"
    echo
    echo "- command: \`bench/scale.sh${ARGS_TEXT:+ $ARGS_TEXT}\` at $RUN_REVISION"
    echo "- machine: $RUN_MACHINE"
    echo "- setup: pin $ENGINE_CPUS:$LOAD_CPUS ($NENGINE engine event loop(s)), engine JVM flags \`$JVM_OPTS\`," \
         "$REPS apply repetitions on fresh engines, wrk $CONNS connections, ${DURATION} s measured after ${WARMUP} s of warm-up," \
         "origin nginx $(nginx -v 2>&1 | sed 's|.*/||') (1 KiB body)"
    echo
    cat "$TABLE"
    if [ -s "$GOALS" ]; then echo; cat "$GOALS"; fi
  } >> "$RESULTS"
  echo "recorded in $RESULTS" >&2
fi
