#!/usr/bin/env bash
# Installs or upgrades Gatehouse on Debian/Ubuntu as a systemd service.
#
#   sudo installer/install.sh [--jar PATH] [--http-port N] [--https-port N] [--admin-port N]
#                             [--root DIR] [--no-deps] [--no-start]
#
# What it does, and the defaults:
#   - installs the Java runtime from Debian packages (openjdk-17-jre-headless), unless --no-deps
#   - creates the system user "gatehouse" (no login shell, no home)
#   - copies the jar to /opt/gatehouse/gatehouse.jar (from --jar, default: admin-web/target/gatehouse.jar
#     next to this script, built first with Maven if missing)
#   - creates the data directory /var/lib/gatehouse (mode 0750, owned by gatehouse): the H2 database,
#     and later the certificates' master key, live there
#   - writes /etc/gatehouse/gatehouse.env once (ports, JVM options); an upgrade keeps the existing file
#   - installs /etc/systemd/system/gatehouse.service, enables and (re)starts it, unless --no-start
# Re-running it is the upgrade path: the jar is replaced, the data and the env file are kept, the
# service is restarted, and Flyway migrates the database on start.
# --root DIR installs into DIR instead of / (for packaging and for the installer's own test).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
jar=""; root=""; deps=1; start=1
http_port=8080; https_port=8443; admin_port=8081

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "install.sh: $*" >&2; exit 2; }
port_arg() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= 1 && $2 <= 65535 )) || fail "$1 needs a port 1-65535, got '$2'"; echo "$2"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) [ $# -ge 2 ] || fail "--jar needs a path"; jar="$2"; shift 2;;
    --root) [ $# -ge 2 ] || fail "--root needs a directory"; root="$2"; shift 2;;
    --http-port) http_port="$(port_arg "$1" "${2:-}")"; shift 2;;
    --https-port) https_port="$(port_arg "$1" "${2:-}")"; shift 2;;
    --admin-port) admin_port="$(port_arg "$1" "${2:-}")"; shift 2;;
    --no-deps) deps=0; shift;;
    --no-start) start=0; shift;;
    -h|--help) usage; exit 0;;
    *) fail "unknown argument '$1' (see --help)";;
  esac
done

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  fail "run as root (sudo), or give --root DIR to install into a staging directory"
fi

if [ "$deps" -eq 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    apt-get update -q
    apt-get install -y -q openjdk-17-jre-headless
  fi
fi

if [ -z "$jar" ]; then
  jar="$repo/admin-web/target/gatehouse.jar"
  if [ ! -f "$jar" ]; then
    command -v mvn >/dev/null || fail "no jar at $jar and no Maven to build it: apt-get install maven openjdk-17-jdk-headless, or pass --jar"
    (cd "$repo" && mvn -B -q -DskipTests package)
  fi
fi
[ -f "$jar" ] || fail "jar not found: $jar"
unzip -tq "$jar" >/dev/null 2>&1 || [ "$(head -c 2 "$jar")" = "PK" ] || fail "$jar is not a jar file"

opt="$root/opt/gatehouse"; data="$root/var/lib/gatehouse"; etc="$root/etc/gatehouse"
unit_dir="$root/etc/systemd/system"
mkdir -p "$opt" "$data" "$etc" "$unit_dir"

if [ -z "$root" ] && ! id gatehouse >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin gatehouse
fi

install -m 0644 "$jar" "$opt/gatehouse.jar.new"
mv -f "$opt/gatehouse.jar.new" "$opt/gatehouse.jar"
chmod 0750 "$data"
[ -z "$root" ] && chown gatehouse:gatehouse "$data"

if [ ! -f "$etc/gatehouse.env" ]; then
  cat > "$etc/gatehouse.env" <<ENV
# Gatehouse settings, read by gatehouse.service. Restart the service after a change.
# Proxy HTTP port (default 8080) and HTTPS port (default 8443).
GATEHOUSE_HTTP_PORT=$http_port
GATEHOUSE_HTTPS_PORT=$https_port
# Dashboard port (default 8081).
GATEHOUSE_ADMIN_PORT=$admin_port
# Database and keys. Keep it backed up.
GATEHOUSE_DATA_DIR=/var/lib/gatehouse
# Optional: create the first administrator on an empty database instead of the setup page.
#GATEHOUSE_ADMIN_EMAIL=admin@example.com
#GATEHOUSE_ADMIN_PASSWORD=
# Optional: accept dashboard connections only from these networks (IPv4/IPv6 addresses or CIDR
# blocks, comma-separated; default empty = from everywhere). Others get a 403 before anything else.
#GATEHOUSE_ADMIN_ALLOWED_NETWORKS=192.168.1.0/24,127.0.0.1,::1
# Optional: serve the dashboard over HTTPS with its own certificate: the PEM chain and its unencrypted
# private key, readable by the gatehouse user (e.g. root:gatehouse, mode 0640; not under /home, which
# the service cannot see). A certificate written over these files is picked up without a restart.
#GATEHOUSE_ADMIN_TLS_CERTIFICATE=/etc/gatehouse/tls/admin.crt
#GATEHOUSE_ADMIN_TLS_PRIVATE_KEY=/etc/gatehouse/tls/admin.key
# JVM flags chosen by measurement (bench/compare.sh, see bench/README.md): the serial collector with
# a small capped heap gave the best tail latency and the lowest memory (idle RSS under 200 MB), and
# Netty's leak detector costs 10-20% of throughput in production.
JAVA_OPTS=$(cat "$here/jvm-options")
ENV
  chmod 0640 "$etc/gatehouse.env"
fi

install -m 0644 "$here/gatehouse.service" "$unit_dir/gatehouse.service"

if [ -z "$root" ] && [ "$start" -eq 1 ]; then
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable gatehouse.service >/dev/null
    systemctl restart gatehouse.service
    echo "Gatehouse is starting: open http://$(hostname -f 2>/dev/null || hostname):$admin_port/ to create the administrator."
  else
    echo "systemd is not running here; start it by hand: java -jar /opt/gatehouse/gatehouse.jar" >&2
  fi
fi
echo "Installed Gatehouse into ${root:-/}"
