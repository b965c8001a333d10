#!/usr/bin/env bash
# testssl.sh (Debian package testssl.sh) against the built appliance's HTTPS listener.
#
# Starts the appliance (admin-web/target/gatehouse.jar) on a fresh data directory and free loopback
# ports, gives it a backend (python3's http.server), uploads a certificate made here for bench.local
# through the REST API as a user would, creates the site bench.local with that certificate, Force
# HTTPS and HSTS, then runs testssl against https://bench.local:<port>/ (connecting to 127.0.0.1) and
# prints its report: protocols, cipher suites, forward secrecy, server defaults (session resumption,
# ALPN), HTTP headers (HSTS), the known vulnerabilities and the rating.
#
# Usage: bench/testssl.sh [--jar PATH] [--key rsa|ec] [--build] [--keep]
#   --jar PATH   the appliance jar (default admin-web/target/gatehouse.jar)
#   --key        the certificate's key: rsa (RSA 2048, default) or ec (P-256)
#   --build      run `mvn -B -q -DskipTests package` first (done anyway when the jar is missing)
#   --keep       keep the temp directory (appliance log, testssl output)
#
# Needs: sudo apt-get install -y testssl.sh openssl python3 curl (+ a JDK 17+ and maven).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
REPO="$PWD"
. "$REPO/bench/lib.sh"

JAR="admin-web/target/gatehouse.jar"; KEY=rsa; BUILD=0; KEEP=0; HOST_HDR="bench.local"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) [ $# -ge 2 ] || { echo "--jar needs a value" >&2; exit 2; }; JAR="$2"; shift 2;;
    --key) [ $# -ge 2 ] || { echo "--key needs a value" >&2; exit 2; }; KEY="$2"; shift 2;;
    --build) BUILD=1; shift;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2;;
  esac
done
case "$KEY" in rsa|ec) ;; *) echo "--key: rsa or ec, not '$KEY'" >&2; exit 2;; esac
TESTSSL="$(command -v testssl || command -v testssl.sh || true)"
[ -n "$TESTSSL" ] || { echo "missing testssl: sudo apt-get install -y testssl.sh" >&2; exit 2; }
for bin in openssl python3 curl java; do command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 2; }; done
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building: mvn -B -q -DskipTests package" >&2
  mvn -B -q -DskipTests package
fi

work_dir_init testssl

make_certificate "$HOST_HDR" "$KEY" || exit 1

ALL_CPUS="0-$(( $(nproc) - 1 ))"
free_port BE_PORT
mkdir -p "$WORK/www"; echo "hello from the backend" > "$WORK/www/index.html"
start backend "$ALL_CPUS" python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$BE_PORT"
wait_port "$BE_PORT" "$LAST_PID" 10 || { echo "backend did not start" >&2; exit 1; }

echo "gatehouse ($JAR)" >&2
appliance_start "$JAR" "$ALL_CPUS" "$(nproc)" "$(cat "$REPO/installer/jvm-options")" || exit 1
api_upload_certificate bench "$WORK/tls.crt" "$WORK/tls.key" || exit 1
api_post backends "{\"name\":\"bench\",\"servers\":[{\"address\":\"127.0.0.1:$BE_PORT\"}]}" || exit 1
api_post sites "{\"hostnames\":[\"$HOST_HDR\"],\"backend\":\"bench\",\"certificate\":\"bench\",\"forceHttps\":true,\"hsts\":true}" || exit 1
answer=$(curl -sS --max-time 5 --cacert "$WORK/tls.crt" --resolve "$HOST_HDR:$GH_HTTPS:127.0.0.1" "https://$HOST_HDR:$GH_HTTPS/" || true)
[ "$answer" = "hello from the backend" ] || { echo "https://$HOST_HDR:$GH_HTTPS/ answered '$answer'" >&2; exit 1; }

echo "running: testssl --quiet --color 0 --warnings batch --ip 127.0.0.1 https://$HOST_HDR:$GH_HTTPS/" >&2
"$TESTSSL" --quiet --color 0 --warnings batch --ip 127.0.0.1 "https://$HOST_HDR:$GH_HTTPS/" | tee "$WORK/testssl.txt"
