# Gatehouse appliance image. Built from Debian packages only, so it builds wherever Debian's
# mirrors and Maven Central are reachable.
FROM debian:bookworm-slim AS build
RUN apt-get update -q && apt-get install -y -q --no-install-recommends maven openjdk-17-jdk-headless \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY proxy-engine/ proxy-engine/
COPY storage/ storage/
COPY frontend/ frontend/
COPY admin-web/ admin-web/
RUN mvn -B -q -DskipTests package

FROM debian:bookworm-slim
RUN apt-get update -q && apt-get install -y -q --no-install-recommends openjdk-17-jre-headless curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /data --shell /usr/sbin/nologin gatehouse \
    && mkdir -p /data && chown gatehouse:gatehouse /data
COPY --from=build /src/admin-web/target/gatehouse.jar /opt/gatehouse/gatehouse.jar
# The JVM flags chosen by measurement, shared with the installer and the benchmarks.
COPY installer/jvm-options /opt/gatehouse/jvm-options
USER gatehouse
ENV GATEHOUSE_DATA_DIR=/data \
    GATEHOUSE_HTTP_PORT=8080 \
    GATEHOUSE_HTTPS_PORT=8443 \
    GATEHOUSE_ADMIN_PORT=8081
VOLUME /data
EXPOSE 8080 8443 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8081/login || exit 1
# JAVA_OPTS, when set, replaces the measured defaults.
ENTRYPOINT ["sh", "-c", "exec java ${JAVA_OPTS:-$(cat /opt/gatehouse/jvm-options)} -jar /opt/gatehouse/gatehouse.jar"]
