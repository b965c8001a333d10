import dev.gatehouse.engine.ApplyResult;
import dev.gatehouse.engine.EngineSettings;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The engine half of {@code bench/scale.sh}: runs the proxy engine in this JVM, through its public API
 * only ({@link ProxyEngine}, {@link EngineSettings}, {@link ApplyResult} and the {@code config}
 * records), against one origin (the script's nginx on 127.0.0.1).
 *
 * <pre>
 *   java -cp CLASSES:ENGINE_JAR:DEPS ScaleBenchmark apply --sites N --origin PORT [--reps R] [--event-loops E]
 *   java -cp CLASSES:ENGINE_JAR:DEPS ScaleBenchmark live  --sites N --origin PORT [--tries T] [--warmup-tries W] [--event-loops E]
 * </pre>
 *
 * <b>apply</b>: R times, starts a fresh engine, times {@code apply()} of an N-site snapshot (the
 * first apply into an empty engine) and then of the same snapshot with one site changed (the
 * incremental case), checks both are APPLIED and that the engine reports N sites. The last engine
 * keeps serving: after checking a request through it (exact host, wildcard host, unknown host) it
 * prints {@code @READY port host} and serves until a line or end of file on stdin, so the script can
 * load it with wrk. Prints {@code @APPLY sites backends first_median first_max incr_median incr_max reps}
 * (milliseconds) before that.
 *
 * <p><b>live</b>: applies an N-site snapshot, then T times (after W unmeasured tries) applies a
 * snapshot with one more site whose host name is new and times from calling {@code apply()} until a
 * request with that Host, on an already open keep-alive connection to the engine port, returns the
 * origin's 200. Prints {@code @LIVE p50 p99 max apply_p50 tries} (milliseconds).
 *
 * <p>Snapshot of N sites: site {@code i} answers {@code site-i.bench.test}; odd sites also answer
 * {@code *.w-i.bench.test}; every fourth site has a second route {@code /api}. Backends:
 * ceil(N/10), {@code be-j}, each the same origin; site {@code i} routes to {@code be-(i mod B)}.
 * Machine-readable lines start with '@' on stdout; progress goes to stderr.
 */
public class ScaleBenchmark {

    private static final String DOMAIN = "bench.test";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** How long a new host name may take to go live before the try counts as failed. */
    private static final long LIVE_DEADLINE_NANOS = Duration.ofSeconds(5).toNanos();

    private static int origin;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ScaleBenchmark apply|live --sites N --origin PORT [...]");
        }
        String mode = args[0];
        int sites = 100;
        int reps = 5;
        int tries = 100;
        int warmupTries = 10;
        int eventLoops = 1;
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--sites" -> sites = positive(args[i], value);
                case "--origin" -> origin = positive(args[i], value);
                case "--reps" -> reps = positive(args[i], value);
                case "--tries" -> tries = positive(args[i], value);
                case "--warmup-tries" -> warmupTries = Integer.parseInt(value);
                case "--event-loops" -> eventLoops = positive(args[i], value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (origin == 0) {
            throw new IllegalArgumentException("--origin PORT is required");
        }
        EngineSettings settings = EngineSettings.defaults().host("127.0.0.1").httpPort(0)
                .eventLoopThreads(eventLoops).shutdownGrace(Duration.ofSeconds(2));
        switch (mode) {
            case "apply" -> apply(settings, sites, reps);
            case "live" -> live(settings, sites, tries, warmupTries);
            default -> throw new IllegalArgumentException("unknown mode " + mode + " (apply or live)");
        }
    }

    private static int positive(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + n);
        }
        return n;
    }

    // ------------------------------------------------------------------ apply time, then serve

    private static void apply(EngineSettings settings, int n, int reps) throws Exception {
        ConfigSnapshot full = snapshot(n, 1, null);
        ConfigSnapshot changed = snapshot(n, 2, "changed");
        int backends = full.backends().size();
        double[] first = new double[reps];
        double[] incremental = new double[reps];
        ProxyEngine engine = null;
        for (int r = 0; r < reps; r++) {
            if (engine != null) {
                engine.close();
            }
            System.gc(); // garbage of the previous repetition is not this apply's cost
            engine = ProxyEngine.start(settings);
            first[r] = timedApply(engine, full, "first apply");
            incremental[r] = timedApply(engine, changed, "incremental apply");
            int live = engine.status().siteCount();
            if (live != n) {
                throw new IllegalStateException("the engine reports " + live + " site(s) after applying " + n);
            }
            System.err.printf(Locale.ROOT, "  %d sites, repetition %d: first apply %.1f ms, incremental %.1f ms%n",
                    n, r + 1, first[r], incremental[r]);
        }
        System.out.printf(Locale.ROOT, "@APPLY %d %d %.2f %.2f %.2f %.2f %d%n", n, backends, median(first), max(first),
                median(incremental), max(incremental), reps);

        String host = "site-" + (n / 2) + "." + DOMAIN;
        int port = engine.httpPort();
        try (RawHttp client = new RawHttp(port)) {
            expect(client, host, 200, 1024);
            if (n > 1) {
                expect(client, "x.w-1." + DOMAIN, 200, 1024); // a wildcard name
            }
            expect(client, "not-configured." + DOMAIN, 404, -1); // and no catch-all
        }
        System.out.println("@READY " + port + " " + host);
        System.out.flush();
        // Serve until the script says so (any line) or goes away (end of file).
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        engine.close();
        System.out.println("@DONE");
    }

    private static double timedApply(ProxyEngine engine, ConfigSnapshot snapshot, String what) {
        long t0 = System.nanoTime();
        ApplyResult result = engine.apply(snapshot);
        long t1 = System.nanoTime();
        if (result.outcome() != ApplyResult.Outcome.APPLIED) {
            throw new IllegalStateException(what + " of " + snapshot.sites().size() + " sites: " + result.outcome()
                    + " " + result.errors().stream().limit(5).toList());
        }
        return (t1 - t0) / 1e6;
    }

    private static void expect(RawHttp client, String host, int status, int bodyLength) throws IOException {
        RawHttp.Response response = client.get(host);
        if (response.status() != status || (bodyLength >= 0 && response.bodyLength() != bodyLength)) {
            throw new IllegalStateException("Host: " + host + " answered " + response.status() + " with "
                    + response.bodyLength() + " body bytes; want " + status
                    + (bodyLength >= 0 ? " with " + bodyLength : ""));
        }
    }

    // ------------------------------------------------------------------ apply-to-live latency

    private static void live(EngineSettings settings, int n, int tries, int warmupTries) throws Exception {
        ConfigSnapshot base = snapshot(n, 1, null);
        List<SiteDefinition> baseSites = base.sites();
        double[] total = new double[tries];
        double[] applyOnly = new double[tries];
        try (ProxyEngine engine = ProxyEngine.start(settings)) {
            timedApply(engine, base, "apply");
            try (RawHttp client = new RawHttp(engine.httpPort())) {
                expect(client, "site-0." + DOMAIN, 200, 1024); // the connection is open and warm
                for (int t = 0; t < warmupTries + tries; t++) {
                    String host = "live-" + t + "." + DOMAIN;
                    List<SiteDefinition> sites = new ArrayList<>(baseSites);
                    sites.add(new SiteDefinition("live-" + t, List.of(host), true,
                            List.of(new RouteDefinition("/", "be-0"))));
                    ConfigSnapshot next = new ConfigSnapshot(t + 2, base.backends(), sites);

                    long t0 = System.nanoTime();
                    ApplyResult result = engine.apply(next);
                    long t1 = System.nanoTime();
                    if (result.outcome() != ApplyResult.Outcome.APPLIED) {
                        throw new IllegalStateException("apply of try " + t + ": " + result.outcome() + " " + result.errors());
                    }
                    int status;
                    int attempts = 0;
                    do {
                        status = client.get(host).status();
                        attempts++;
                        if (status != 200 && System.nanoTime() - t0 > LIVE_DEADLINE_NANOS) {
                            throw new IllegalStateException(host + " was not live " + LIVE_DEADLINE_NANOS / 1_000_000
                                    + " ms after apply(): last answer " + status);
                        }
                    } while (status != 200);
                    long t2 = System.nanoTime();
                    if (t >= warmupTries) {
                        total[t - warmupTries] = (t2 - t0) / 1e6;
                        applyOnly[t - warmupTries] = (t1 - t0) / 1e6;
                    }
                    if (attempts > 1) {
                        System.err.printf(Locale.ROOT, "  try %d: %d requests before %s answered 200%n", t, attempts, host);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "@LIVE %.2f %.2f %.2f %.2f %d%n", percentile(total, 0.50),
                percentile(total, 0.99), max(total), percentile(applyOnly, 0.50), tries);
    }

    // ------------------------------------------------------------------ the snapshot

    /** N sites over ceil(N/10) backends; with {@code changeTag}, site 0 has one more host name. */
    static ConfigSnapshot snapshot(int n, long revision, String changeTag) {
        int backendCount = Math.max(1, (n + 9) / 10);
        List<BackendDefinition> backends = new ArrayList<>(backendCount);
        List<ServerDefinition> servers = List.of(new ServerDefinition("127.0.0.1", origin));
        for (int j = 0; j < backendCount; j++) {
            backends.add(new BackendDefinition("be-" + j, servers));
        }
        List<SiteDefinition> sites = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> hostnames = new ArrayList<>(3);
            hostnames.add("site-" + i + "." + DOMAIN);
            if (i % 2 == 1) {
                hostnames.add("*.w-" + i + "." + DOMAIN);
            }
            if (i == 0 && changeTag != null) {
                hostnames.add(changeTag + "-" + revision + "." + DOMAIN);
            }
            List<RouteDefinition> routes = new ArrayList<>(2);
            routes.add(new RouteDefinition("/", "be-" + (i % backendCount)));
            if (i % 4 == 3) {
                routes.add(new RouteDefinition("/api", "be-" + ((i + 1) % backendCount)));
            }
            sites.add(new SiteDefinition("site-" + i, hostnames, true, routes));
        }
        return new ConfigSnapshot(revision, backends, sites);
    }

    // ------------------------------------------------------------------ statistics

    private static double median(double[] v) {
        return percentile(v, 0.50);
    }

    /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
    private static double percentile(double[] v, double p) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    // ------------------------------------------------------------------ a minimal HTTP/1.1 client

    /**
     * One keep-alive connection to the engine: {@code GET /} with any Host header (which
     * {@code java.net.http} does not allow), reads the status, the headers and a Content-Length or
     * chunked body; reconnects when the server closed the connection.
     */
    static final class RawHttp implements AutoCloseable {
        record Response(int status, int bodyLength) {
        }

        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        RawHttp(int port) {
            this.port = port;
        }

        Response get(String host) throws IOException {
            try {
                return exchange(host);
            } catch (IOException e) { // e.g. the server closed an idle connection: one retry on a new one
                close();
                return exchange(host);
            }
        }

        private Response exchange(String host) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) REQUEST_TIMEOUT.toMillis());
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: gatehouse-scale-bench\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = parts[0].equals("HTTP/1.0");
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
                    default -> { }
                }
            }
            long body = 0;
            if (chunked) {
                for (long size = Long.parseLong(line().split(";", 2)[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) {
                    skip(size);
                    body += size;
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers: none expected
                }
            } else if (contentLength >= 0) {
                skip(contentLength);
                body = contentLength;
            } else {
                close = true; // body until end of connection
                while (in.read() >= 0) {
                    body++;
                }
            }
            if (close) {
                close();
            }
            return new Response(status, (int) body);
        }

        private String line() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c != '\r') {
                    buf.write(c);
                }
            }
            return buf.toString(StandardCharsets.US_ASCII);
        }

        private void skip(long n) throws IOException {
            for (long left = n; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("connection closed in a body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            socket = null;
            in = null;
            out = null;
        }
    }
}
