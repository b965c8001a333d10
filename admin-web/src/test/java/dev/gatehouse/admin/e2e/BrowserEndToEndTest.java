package dev.gatehouse.admin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.admin.backend.BackendCommand;
import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.engine.ProxyEngine;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * temporary directory, proxy engine on an ephemeral port) driven by headless Chromium through setup,
 * sign-in, a backend and a site; then a plain HTTP client proves the site routes to a real origin.
 * A screenshot of every step is written to {@code target/e2e-screenshots/}.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}; without them the test
 * fails (it never downloads a browser or a driver: the appliance is built and tested offline).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gatehouse.http-port=0", "gatehouse.event-loop-threads=2"})
class BrowserEndToEndTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(15);

    private static final String ADMIN_EMAIL = "owner@example.test";
    private static final String ADMIN_PASSWORD = "a long enough passphrase";
    private static final String ORIGIN_ANSWER = "hello from origin";
    private static final String SITE_HOST = "app.example.test";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserProfile;

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
    void setupSignInBackendAndSiteThenTrafficReachesTheOrigin() throws IOException {
        WebDriver browser = startChromium();
        try {
            walkThrough(browser, new Screenshots(browser));
        } finally {
            browser.quit();
        }
    }

    private void walkThrough(WebDriver browser, Screenshots screenshots) throws IOException {
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
        browser.findElement(By.id("create-admin")).click();
        WebElement mismatch = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirmPassword-error")));
        assertThat(mismatch.getText()).isEqualTo("The two passwords are not the same.");
        assertThat(browser.findElement(By.name("email")).getDomProperty("value")).isEqualTo(ADMIN_EMAIL);
        screenshots.take("02-setup-rejected");

        type(browser, By.name("password"), ADMIN_PASSWORD);
        type(browser, By.name("confirmPassword"), ADMIN_PASSWORD);
        browser.findElement(By.id("create-admin")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/login?setup"));
        assertThat(browser.findElement(By.id("flash")).getText()).contains("Administrator created, sign in");
        screenshots.take("03-login");

        type(browser, By.id("username"), ADMIN_EMAIL);
        type(browser, By.id("password"), "not the password");
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/login?error"));
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Invalid email or password");

        type(browser, By.id("username"), ADMIN_EMAIL);
        type(browser, By.id("password"), ADMIN_PASSWORD);
        browser.findElement(By.id("sign-in")).click();
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

        // A port out of range is shown next to the servers field; nothing is saved.
        browser.findElement(By.id("add-backend")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/backends/new"));
        type(browser, By.name("name"), "app");
        type(browser, By.name("servers"), "localhost:99999");
        browser.findElement(By.id("save-backend")).click();
        WebElement serversError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("servers-error")));
        assertThat(serversError.getText()).contains("99999");
        assertThat(browser.findElement(By.name("servers")).getAttribute("class")).contains("is-invalid");
        assertThat(browser.findElement(By.name("servers")).getDomProperty("value")).isEqualTo("localhost:99999");
        assertThat(browser.findElement(By.name("name")).getDomProperty("value")).isEqualTo("app");
        screenshots.take("06-backend-rejected");

        type(browser, By.name("servers"), "127.0.0.1:" + origin.getAddress().getPort());
        browser.findElement(By.id("save-backend")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/backends"));
        assertThat(browser.findElement(By.id("flash")).getText()).isEqualTo("Backend app added.");
        assertThat(browser.findElement(By.id("backends-table")).getText())
                .contains("app", "127.0.0.1:" + origin.getAddress().getPort(), "not used yet");
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
        browser.findElement(By.id("save-site")).click();
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

        // Addresses that lead nowhere get a page saying so, inside the dashboard's look.
        browser.get(admin + "/sites/999999/edit");
        assertThat(browser.findElement(By.id("not-found")).getText()).contains("Page not found", "999999");
        browser.get(admin + "/no-such-page");
        assertThat(browser.findElement(By.id("not-found")).getText()).contains("Page not found");
        screenshots.take("13-not-found");

        // Sign out.
        browser.get(admin + "/");
        wait.until(ExpectedConditions.urlToBe(admin + "/"));
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.urlToBe(admin + "/login?logout"));
        assertThat(browser.findElement(By.id("flash")).getText()).contains("Signed out");
        screenshots.take("14-signed-out");
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
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + browserProfile);
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
