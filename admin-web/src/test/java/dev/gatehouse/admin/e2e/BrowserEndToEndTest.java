package dev.gatehouse.admin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.admin.backend.BackendCommand;
import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.admin.certificate.bundle.TestPki;
import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.KeyType;
import dev.gatehouse.engine.ProxyEngine;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.http.client.HttpClient;

/**
 * The walking skeleton in a real browser: the whole appliance (admin app, H2 file database in a
 * temporary directory, proxy engine on ephemeral ports) driven by headless Chromium through setup,
 * sign-in, a backend and a site; then a plain HTTP client proves the site routes to a real origin.
 * Then HTTPS: a certificate chain made in the test (BouncyCastle) is uploaded through the dashboard
 * (file picker and paste), checked, stored, assigned to a site with Force HTTPS and HSTS, and real
 * curl fetches the site over TLS through the engine trusting only the test root CA, while plain HTTP
 * gets a 301 to HTTPS. A screenshot of every step is written to {@code target/e2e-screenshots/}.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}; without them the test
 * fails (it never downloads a browser or a driver: the appliance is built and tested offline).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gatehouse.http-port=0", "gatehouse.https-port=0", "gatehouse.event-loop-threads=2"})
class BrowserEndToEndTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(15);

    private static final String ADMIN_EMAIL = "owner@example.test";
    private static final String ADMIN_PASSWORD = "a long enough passphrase";
    private static final String ORIGIN_ANSWER = "hello from origin";
    private static final String SITE_HOST = "app.example.test";
    private static final String SECURE_HOST = "secure.example.test";
    private static final String SECURE_ALIAS = "www.secure.example.test";
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserProfile;
    @TempDir
    static Path uploads;

    private static HttpServer origin;

    @LocalServerPort
    private int adminPort;

    @Autowired
    private ProxyEngine engine;
    /** Stands in for a change made from another browser or the API while the dashboard is open. */
    @Autowired
    private BackendService backends;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry properties) {
        properties.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @BeforeAll
    static void startOrigin() throws IOException {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            byte[] body = ORIGIN_ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        origin.start();
    }

    @AfterAll
    static void stopOrigin() {
        if (origin != null) {
            origin.stop(0);
        }
    }

    @Test
    void setupSignInBackendAndSiteThenTrafficReachesTheOrigin() throws Exception {
        WebDriver browser = startChromium();
        try {
            walkThrough(browser, new Screenshots(browser));
        } finally {
            browser.quit();
        }
    }

    private void walkThrough(WebDriver browser, Screenshots screenshots) throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);
        String admin = "http://127.0.0.1:" + adminPort;

        // A fresh installation sends every page to the setup form.
        browser.get(admin + "/");
        wait.until(ExpectedConditions.urlToBe(admin + "/setup"));
        assertTablerStylesApplied(browser);
        screenshots.take("01-setup");

        // Mismatched passwords: rejected next to the field, email kept, nothing created.
        type(browser, By.name("email"), ADMIN_EMAIL);
        type(browser, By.name("password"), ADMIN_PASSWORD);
        type(browser, By.name("confirmPassword"), ADMIN_PASSWORD + "!");
        press(browser, By.id("create-admin"));
        WebElement mismatch = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirmPassword-error")));
        assertThat(mismatch.getText()).isEqualTo("The two passwords are not the same.");
        assertThat(browser.findElement(By.name("email")).getDomProperty("value")).isEqualTo(ADMIN_EMAIL);
        screenshots.take("02-setup-rejected");

        type(browser, By.name("password"), ADMIN_PASSWORD);
        type(browser, By.name("confirmPassword"), ADMIN_PASSWORD);
        press(browser, By.id("create-admin"));
        wait.until(ExpectedConditions.urlToBe(admin + "/login?setup"));
        assertThat(browser.findElement(By.id("flash")).getText()).contains("Administrator created, sign in");
        screenshots.take("03-login");

        type(browser, By.id("username"), ADMIN_EMAIL);
        type(browser, By.id("password"), "not the password");
        press(browser, By.id("sign-in"));
        wait.until(ExpectedConditions.urlToBe(admin + "/login?error"));
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Invalid email or password");

        type(browser, By.id("username"), ADMIN_EMAIL);
        type(browser, By.id("password"), ADMIN_PASSWORD);
        press(browser, By.id("sign-in"));
        wait.until(ExpectedConditions.urlToBe(admin + "/"));
        assertThat(browser.findElement(By.id("engine-state")).getText()).isEqualTo("Running");
        assertThat(browser.findElement(By.id("current-user")).getText()).isEqualTo(ADMIN_EMAIL);
        int proxyPort = Integer.parseInt(browser.findElement(By.id("engine-port")).getText());
        assertThat(proxyPort).isEqualTo(engine.httpPort());
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof htmx")).isEqualTo("object");
        screenshots.take("04-dashboard-empty");

        // Backends: the empty list says what to do.
        browser.findElement(By.id("nav-backends")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/backends"));
        assertThat(browser.findElement(By.id("backends-empty")).getText()).contains("No backends yet");
        screenshots.take("05-backends-empty");

        // A port out of range is shown next to the server's address; nothing is saved.
        browser.findElement(By.id("add-backend")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/backends/new"));
        type(browser, By.name("name"), "app");
        type(browser, By.name("servers[0].address"), "localhost:99999");
        new Select(browser.findElement(By.name("balancing"))).selectByVisibleText("Least connections");
        press(browser, By.id("save-backend"));
        WebElement serversError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("servers0.address-error")));
        assertThat(serversError.getText()).contains("99999");
        assertThat(browser.findElement(By.name("servers[0].address")).getAttribute("class")).contains("is-invalid");
        assertThat(browser.findElement(By.name("servers[0].address")).getDomProperty("value")).isEqualTo("localhost:99999");
        assertThat(browser.findElement(By.name("name")).getDomProperty("value")).isEqualTo("app");
        assertThat(new Select(browser.findElement(By.name("balancing"))).getFirstSelectedOption().getText())
                .isEqualTo("Least connections");
        screenshots.take("06-backend-rejected");

        // "Add server" brings one more row without a script and without saving.
        type(browser, By.name("servers[0].address"), "127.0.0.1:" + origin.getAddress().getPort());
        press(browser, By.id("add-server"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.name("servers[1].address")));
        assertThat(browser.findElement(By.name("servers[0].address")).getDomProperty("value"))
                .isEqualTo("127.0.0.1:" + origin.getAddress().getPort());
        type(browser, By.name("servers[1].address"), "127.0.0.1:9");
        press(browser, By.name("servers[1].backup"));
        press(browser, By.name("healthCheck"));
        type(browser, By.name("healthPath"), "/health");
        screenshots.take("06b-backend-form");
        press(browser, By.id("save-backend"));
        wait.until(ExpectedConditions.urlToBe(admin + "/backends"));
        assertThat(browser.findElement(By.id("flash")).getText()).isEqualTo("Backend app added.");
        assertThat(browser.findElement(By.id("backends-table")).getText())
                .contains("app", "Least connections", "/health", "2 servers", "127.0.0.1:" + origin.getAddress().getPort(),
                        "127.0.0.1:9", "backup", "not used yet");
        screenshots.take("07-backends");

        // Sites: add one pointing at the backend.
        browser.findElement(By.id("nav-sites")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/sites"));
        assertThat(browser.findElement(By.id("sites-empty")).getText()).contains("No sites yet");
        browser.findElement(By.id("add-site")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/sites/new"));
        type(browser, By.name("hostnames"), SITE_HOST);
        new Select(browser.findElement(By.name("backend"))).selectByVisibleText("app");
        screenshots.take("08-site-form");
        press(browser, By.id("save-site"));
        wait.until(ExpectedConditions.urlToBe(admin + "/sites"));
        assertThat(browser.findElement(By.id("flash")).getText()).isEqualTo("Site " + SITE_HOST + " added.");
        assertThat(browser.findElement(By.id("sites-table")).getText()).contains(SITE_HOST, "app", "Enabled");
        screenshots.take("09-sites");

        // The proxy routes the site to the origin within a second of the save, without a restart.
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> proxiedBody(proxyPort, SITE_HOST), ORIGIN_ANSWER::equals);

        // The dashboard follows: one enabled site, one backend, a newer revision.
        browser.findElement(By.id("nav-dashboard")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/"));
        assertThat(browser.findElement(By.id("enabled-site-count")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.id("backend-count")).getText()).isEqualTo("1");
        long revision = Long.parseLong(browser.findElement(By.id("revision")).getText());
        assertThat(revision).isPositive();
        screenshots.take("10-dashboard");

        // The status cards refresh themselves (htmx): a change made elsewhere shows up without a reload.
        backends.create(new BackendCommand("spare", List.of("127.0.0.1:9")), "api-client@example.test")
                .block(Duration.ofSeconds(10));
        wait.until(ExpectedConditions.textToBe(By.id("backend-count"), "2"));
        assertThat(Long.parseLong(browser.findElement(By.id("revision")).getText())).isGreaterThan(revision);

        // Disabling the site takes it off the proxy at once.
        browser.findElement(By.id("nav-sites")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/sites"));
        browser.findElement(By.xpath("//table[@id='sites-table']//button[normalize-space()='Disable']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("flash"), "Site " + SITE_HOST + " disabled."));
        assertThat(browser.findElement(By.id("sites-table")).getText()).contains("Disabled");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> proxiedStatus(proxyPort, SITE_HOST), status -> status == 404);
        screenshots.take("11-site-disabled");

        // A backend still used by a site is not deleted: the browser asks first, the list says why.
        browser.findElement(By.id("nav-backends")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/backends"));
        browser.findElement(By.xpath(
                "//table[@id='backends-table']//tr[td[1][normalize-space()='app']]//button[normalize-space()='Delete']")).click();
        Alert confirm = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).isEqualTo("Delete the backend app?");
        confirm.accept();
        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
        assertThat(refused.getText()).contains("backend 'app' is used by site(s) " + SITE_HOST);
        assertThat(refused.getAttribute("class")).contains("alert-danger");
        assertThat(browser.findElement(By.id("backends-table")).getText()).contains("app", SITE_HOST);
        screenshots.take("12-backend-in-use");

        // Draining a server is one click on the list, and so is taking it back.
        String originServer = "127.0.0.1:" + origin.getAddress().getPort();
        press(browser, By.xpath("//table[@id='backends-table']//div[@data-address='" + originServer
                + "']//button[normalize-space()='Drain']"));
        wait.until(ExpectedConditions.textToBe(By.id("flash"), "Server " + originServer
                + " of backend app drained: it takes no new requests; those in flight finish."));
        assertThat(browser.findElement(By.xpath("//table[@id='backends-table']//div[@data-address='" + originServer
                + "']")).getText()).contains("drained", "Undrain");
        screenshots.take("12b-server-drained");
        press(browser, By.xpath("//table[@id='backends-table']//div[@data-address='" + originServer
                + "']//button[normalize-space()='Undrain']"));
        wait.until(ExpectedConditions.textToBe(By.id("flash"), "Server " + originServer
                + " of backend app undrained: it takes requests again."));

        // Addresses that lead nowhere get a page saying so, inside the dashboard's look.
        browser.get(admin + "/sites/999999/edit");
        assertThat(browser.findElement(By.id("not-found")).getText()).contains("Page not found", "999999");
        browser.get(admin + "/no-such-page");
        assertThat(browser.findElement(By.id("not-found")).getText()).contains("Page not found");
        screenshots.take("13-not-found");

        certificateAndHttps(browser, screenshots, admin, proxyPort);

        // Sign out.
        browser.get(admin + "/");
        wait.until(ExpectedConditions.urlToBe(admin + "/"));
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/login?logout"));
        assertThat(browser.findElement(By.id("flash")).getText()).contains("Signed out");
        screenshots.take("14-signed-out");
    }

    /**
     * Upload a certificate (a rejected try first), see its details, give it to a site with Force HTTPS
     * and HSTS, and fetch the site over HTTPS through the real engine.
     */
    private void certificateAndHttps(WebDriver browser, Screenshots screenshots, String admin, int proxyPort)
            throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);
        TestPki pki = TestPki.now();
        Chain chain = pki.chain(KeyType.EC_P256, SECURE_HOST, SECURE_ALIAS);
        X509Certificate leaf = chain.leaf().certificate();
        String servedChain = TestPki.pem(chain.served());
        String keyPem = TestPki.pkcs8Pem(chain.leaf().privateKey());
        String otherKeyPem = TestPki.pkcs8Pem(pki.ecLeaf("unrelated.example.test").privateKey());
        Path chainFile = Files.writeString(uploads.resolve("fullchain.pem"), servedChain);
        Path rootFile = Files.writeString(uploads.resolve("root-ca.pem"), TestPki.pem(chain.root().certificate()));

        // The dashboard shows the HTTPS listener next to the HTTP one.
        browser.get(admin + "/");
        wait.until(ExpectedConditions.urlToBe(admin + "/"));
        int httpsPort = Integer.parseInt(browser.findElement(By.id("engine-https-port")).getText());
        assertThat(httpsPort).isEqualTo(engine.httpsPort()).isPositive();
        assertThat(browser.findElements(By.id("certificate-warnings"))).isEmpty();

        // Certificates: the empty list explains what they are for.
        browser.findElement(By.id("nav-certificates")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/certificates"));
        assertThat(browser.findElement(By.id("certificates-empty")).getText())
                .contains("No certificates yet", "answer over HTTPS");
        screenshots.take("15-certificates-empty");

        // A key that belongs to another certificate: refused next to the key; the pasted chain is kept,
        // the key is not sent back, and nothing is stored.
        browser.findElement(By.id("add-certificate")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/certificates/new"));
        paste(browser, By.id("certificate"), servedChain);
        paste(browser, By.id("privateKey"), otherKeyPem);
        press(browser, By.id("save-certificate"));
        WebElement keyError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("privateKey-error")));
        assertThat(keyError.getText()).isNotBlank();
        assertThat(browser.findElement(By.id("privateKey")).getDomProperty("value")).isEmpty();
        assertThat(browser.findElement(By.id("certificate")).getDomProperty("value").strip()).isEqualTo(servedChain.strip());
        assertThat(browser.getPageSource()).doesNotContain(otherKeyPem.lines().skip(1).findFirst().orElseThrow());
        assertThat(browser.findElement(By.id("secrets-cleared")).getText()).contains("never sends a private key");
        screenshots.take("16-certificate-rejected");

        // The chain from the file picker, the key pasted; Check shows what was read without storing it.
        browser.findElement(By.id("certificate")).clear();
        browser.findElement(By.id("certificate-file")).sendKeys(chainFile.toAbsolutePath().toString());
        paste(browser, By.id("privateKey"), keyPem);
        press(browser, By.id("check-certificate"));
        WebElement checked = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("check-details")));
        assertThat(checked.getText()).contains("CN=" + SECURE_HOST, SECURE_ALIAS, "Gatehouse Test Intermediate CA",
                fingerprint(leaf), "EC 256");
        // htmx replaced only the result: the picked file and the typed key are still in the form, and the
        // earlier complaint about the other key is gone.
        assertThat(browser.findElements(By.id("privateKey-error"))).isEmpty();
        assertThat(browser.findElement(By.id("certificate-file")).getDomProperty("value")).endsWith("fullchain.pem");
        assertThat(browser.findElement(By.id("privateKey")).getDomProperty("value")).isNotEmpty();
        screenshots.take("17-certificate-checked");

        press(browser, By.id("save-certificate"));
        wait.until(ExpectedConditions.urlMatches(Pattern.quote(admin) + "/certificates/\\d+$"));
        String certificatePage = browser.getCurrentUrl();
        assertThat(browser.findElement(By.id("flash")).getText()).isEqualTo("Certificate '" + SECURE_HOST + "' uploaded.");
        assertThat(browser.findElement(By.id("detail-subject")).getText()).isEqualTo("CN=" + SECURE_HOST);
        assertThat(browser.findElement(By.id("detail-sans")).getText()).contains(SECURE_HOST, SECURE_ALIAS);
        assertThat(browser.findElement(By.id("detail-fingerprint")).getText()).isEqualTo(fingerprint(leaf));
        assertThat(browser.findElement(By.id("detail-key")).getText()).isEqualTo("EC 256");
        assertThat(browser.findElement(By.id("detail-chain")).getText())
                .containsSubsequence("CN=" + SECURE_HOST, "Gatehouse Test Intermediate CA");
        Matcher daysLeft = Pattern.compile("in (\\d+) days")
                .matcher(browser.findElement(By.id("detail-days-left")).getText());
        assertThat(daysLeft.find()).as("days left badge").isTrue();
        assertThat(Integer.parseInt(daysLeft.group(1))).isBetween(88, 90);
        assertThat(browser.findElement(By.id("not-used")).getText()).contains("No site uses this certificate yet");
        assertThat(browser.getPageSource()).doesNotContain("PRIVATE KEY-----");
        screenshots.take("18-certificate-details");

        // A site on the certificate, Force HTTPS and HSTS on. A host name outside the certificate first.
        browser.findElement(By.id("nav-sites")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/sites"));
        browser.findElement(By.id("add-site")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/sites/new"));
        type(browser, By.name("hostnames"), SECURE_HOST + "\nshop.example.test");
        new Select(browser.findElement(By.name("backend"))).selectByVisibleText("app");
        new Select(browser.findElement(By.name("certificate"))).selectByValue(SECURE_HOST);
        press(browser, By.xpath("//input[@name='forceHttps']/.."));
        press(browser, By.xpath("//input[@name='hsts']/.."));
        WebElement maxAge = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("hstsMaxAgeSeconds")));
        assertThat(maxAge.getDomProperty("value")).isEqualTo("31536000");
        screenshots.take("19-site-https-form");
        press(browser, By.id("save-site"));
        WebElement notCovered = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("certificate-error")));
        assertThat(notCovered.getText()).contains("shop.example.test");
        assertThat(browser.findElement(By.name("forceHttps")).isSelected()).isTrue();
        assertThat(new Select(browser.findElement(By.name("certificate"))).getFirstSelectedOption().getDomProperty("value"))
                .isEqualTo(SECURE_HOST);

        type(browser, By.name("hostnames"), SECURE_HOST + "\n" + SECURE_ALIAS);
        press(browser, By.id("save-site"));
        wait.until(ExpectedConditions.urlToBe(admin + "/sites"));
        assertThat(browser.findElement(By.id("flash")).getText()).isEqualTo("Site " + SECURE_HOST + " added.");
        WebElement secureRow = browser.findElement(By.xpath(
                "//table[@id='sites-table']//tr[.//div[normalize-space()='" + SECURE_HOST + "']]"));
        assertThat(secureRow.getText()).contains(SECURE_HOST, "HTTPS forced", "HSTS");
        screenshots.take("20-sites-https");

        // Real TLS through the engine: SNI picks the certificate, the chain verifies against the test root.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> curlHttps(httpsPort, rootFile, "/hello?x=1").body(), ORIGIN_ANSWER::equals);
        CurlResult https = curlHttps(httpsPort, rootFile, "/hello?x=1");
        assertThat(https.headers()).containsIgnoringCase("strict-transport-security: max-age=31536000");

        // Plain HTTP is redirected to HTTPS, keeping path and query.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> proxiedStatus(proxyPort, SECURE_HOST), status -> status == 301);
        String location = proxy(SECURE_HOST).get().uri("http://127.0.0.1:" + proxyPort + "/hello?x=1")
                .responseSingle((response, body) -> body.then().thenReturn(response.responseHeaders().get("Location")))
                .block(Duration.ofSeconds(5));
        assertThat(location).isEqualTo("https://" + SECURE_HOST + ":" + httpsPort + "/hello?x=1");

        // The certificate page now names the site, and the certificate cannot be deleted while in use.
        browser.get(certificatePage);
        assertThat(browser.findElement(By.id("certificate-used-by")).getText()).contains(SECURE_HOST, "covered");
        assertThat(browser.findElement(By.id("delete-certificate")).isEnabled()).isFalse();
        browser.findElement(By.id("nav-certificates")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/certificates"));
        assertThat(browser.findElement(By.id("certificates-table")).getText())
                .contains(SECURE_HOST, SECURE_ALIAS, "EC 256", "Gatehouse Test Intermediate CA");
        screenshots.take("21-certificates");
    }

    private record CurlResult(String headers, String body) {
    }

    /** GET https://SECURE_HOST:port/path with real curl, resolving the name to loopback, trusting only {@code ca}. */
    private static CurlResult curlHttps(int port, Path ca, String path) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(CURL)).as("curl (Debian package curl)").isTrue();
        Path headers = Files.createTempFile(uploads, "headers", ".txt");
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "5",
                "--resolve", SECURE_HOST + ":" + port + ":127.0.0.1", "--cacert", ca.toString(),
                "--dump-header", headers.toString(), "https://" + SECURE_HOST + ":" + port + path));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).as("curl finished").isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as("curl exit status; output: %s", text).isZero();
        return new CurlResult(Files.readString(headers), text);
    }

    /**
     * Clicks like a user who scrolled to the control first. The scroll is instant: Tabler turns on
     * smooth scrolling, and a click computed while the page still glides lands on another element.
     */
    private static void press(WebDriver browser, By control) {
        WebElement element = browser.findElement(control);
        ((JavascriptExecutor) browser).executeScript(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});", element);
        element.click();
    }

    /** Puts {@code text} into a textarea as a paste would: all at once (typing a PEM key by key is slow). */
    private static void paste(WebDriver browser, By field, String text) {
        WebElement element = browser.findElement(field);
        element.clear();
        ((JavascriptExecutor) browser).executeScript(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                element, text);
    }

    /** "AB:CD:..." SHA-256 of the certificate, as the dashboard and browsers show it. */
    private static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tabler's stylesheet really loaded (from the WebJar, offline): its layout rules are in effect. */
    private static void assertTablerStylesApplied(WebDriver browser) {
        Object display = ((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.querySelector('.page')).display");
        assertThat(display).as("Tabler's .page rule (display: flex)").isEqualTo("flex");
        Object tablerRules = ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.styleSheets).filter(s => s.href && s.href.includes('tabler.min.css'))"
                        + ".map(s => s.cssRules.length).reduce((a, b) => a + b, 0)");
        assertThat(((Number) tablerRules).longValue()).as("rules loaded from tabler.min.css").isGreaterThan(1000);
    }

    private static void type(WebDriver browser, By field, String text) {
        WebElement element = browser.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    private static String proxiedBody(int proxyPort, String host) {
        return proxy(host).get().uri("http://127.0.0.1:" + proxyPort + "/")
                .responseSingle((response, body) -> body.asString().defaultIfEmpty(""))
                .block(Duration.ofSeconds(5));
    }

    private static int proxiedStatus(int proxyPort, String host) {
        return proxy(host).get().uri("http://127.0.0.1:" + proxyPort + "/")
                .responseSingle((response, body) -> body.then().thenReturn(response.status().code()))
                .block(Duration.ofSeconds(5));
    }

    /** An HTTP client that sends {@code host} as the Host header, as a browser would for that site. */
    private static HttpClient proxy(String host) {
        return HttpClient.create().headers(headers -> headers.set("Host", host));
    }

    private static WebDriver startChromium() {
        List<String> missing = List.of(CHROMIUM, CHROMEDRIVER).stream()
                .filter(path -> !Files.isExecutable(path)).map(Path::toString).toList();
        assertThat(missing)
                .as("the browser test drives a real Chromium; install the Debian packages with "
                        + "'apt-get install -y chromium chromium-driver' (missing: %s)", missing)
                .isEmpty();
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/e2e-chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        // No network on build machines: nothing may try to reach the internet.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1700,1000", "--user-data-dir=" + browserProfile,
                // After a form with a password is submitted Chromium may offer to save it, asking the
                // desktop keyring over D-Bus (absent here) and its on-device models; the navigation
                // then hangs for minutes. Plain storage and no password manager keep it out of the way.
                "--password-store=basic",
                "--disable-features=PasswordLeakDetection,PasswordManagerOnboarding,OptimizationGuideModelDownloading,"
                        + "OptimizationHintsFetching,OptimizationTargetPrediction,OptimizationHints");
        options.setExperimentalOption("prefs", Map.of(
                "credentials_enable_service", false,
                "profile.password_manager_enabled", false,
                "profile.password_manager_leak_detection", false));
        return new ChromeDriver(driver, options);
    }

    /** Numbered PNGs of each step, kept with the build output for a human to look at. */
    private static final class Screenshots {

        private final WebDriver browser;

        Screenshots(WebDriver browser) throws IOException {
            this.browser = browser;
            Files.createDirectories(SCREENSHOTS);
        }

        void take(String name) throws IOException {
            byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        }
    }
}
