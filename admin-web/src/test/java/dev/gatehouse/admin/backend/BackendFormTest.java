package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.backend.BackendForm.ServerRow;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The form's own conversions: text boxes to a command and back, and where the service's problems go. */
class BackendFormTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    /** seconds typed | milliseconds in the command. */
    @ParameterizedTest(name = "''{0}'' s -> {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
        10      | 10000
        2.5     | 2500
        0,25    | 250
        0.001   | 1
        ' 60 '  | 60000
        3600    | 3600000
        """)
    void secondsBoxesBecomeMilliseconds(String typed, long millis) {
        BackendForm form = formWith("10.0.0.1:80");
        form.setResponseTimeoutSeconds(typed);

        assertThat(form.inputProblems()).isEmpty();
        assertThat(form.toCommand().responseTimeoutMs()).isEqualTo(millis);
    }

    /** milliseconds stored | what the seconds box shows. */
    @ParameterizedTest(name = "{0} ms -> ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
        10000   | 10
        2500    | 2.5
        250     | 0.25
        1       | 0.001
        3600000 | 3600
        """)
    void storedMillisecondsAreShownAsSeconds(long millis, String shown) {
        assertThat(BackendForm.seconds(millis)).isEqualTo(shown);
    }

    /** box | typed | message. */
    @ParameterizedTest(name = "{0} ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
        connectTimeoutMs       | 5s     | connect timeout '5s' must be a whole number, e.g. 5000
        connectTimeoutMs       | 1.5    | connect timeout '1.5' must be a whole number, e.g. 5000
        responseTimeoutSeconds | 1m     | response timeout '1m' must be a number of seconds, e.g. 60 (or 0.5 for half a second)
        responseTimeoutSeconds | 0.0005 | response timeout '0.0005' must be a number of seconds, e.g. 60 (or 0.5 for half a second)
        maxRetries             | two    | max retries 'two' must be a whole number, e.g. 2
        passiveMaxFailures     | 99999999999 | failures before ejecting '99999999999' must be a whole number, e.g. 3
        passiveEjectSeconds    | 0.5    | eject time '0.5' must be a whole number, e.g. 30
        idleTimeoutSeconds     | 30s    | idle timeout '30s' must be a number of seconds, e.g. 30 (or 0.5 for half a second)
        maxConnectionsPerServer | ten   | max connections per server 'ten' must be a whole number, e.g. 0
        maxConnectionsPerServer | 1.5   | max connections per server '1.5' must be a whole number, e.g. 0
        queueSize              | 1e3    | queue size '1e3' must be a whole number, e.g. 100
        queueTimeoutSeconds    | 10 s   | queue timeout '10 s' must be a number of seconds, e.g. 10 (or 0.5 for half a second)
        """)
    void textThatIsNotANumberIsNamed(String box, String typed, String message) {
        BackendForm form = formWith("10.0.0.1:80");
        switch (box) {
            case "connectTimeoutMs" -> form.setConnectTimeoutMs(typed);
            case "responseTimeoutSeconds" -> form.setResponseTimeoutSeconds(typed);
            case "maxRetries" -> form.setMaxRetries(typed);
            case "passiveMaxFailures" -> form.setPassiveMaxFailures(typed);
            case "passiveEjectSeconds" -> form.setPassiveEjectSeconds(typed);
            case "idleTimeoutSeconds" -> form.setIdleTimeoutSeconds(typed);
            case "maxConnectionsPerServer" -> form.setMaxConnectionsPerServer(typed);
            case "queueSize" -> form.setQueueSize(typed);
            case "queueTimeoutSeconds" -> form.setQueueTimeoutSeconds(typed);
            default -> throw new IllegalArgumentException(box);
        }

        assertThat(form.inputProblems()).containsExactly(Map.entry(box, message));
    }

    /** problem field of the command | the control that shows it (rows 0 and 2 hold servers 0 and 1). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "<above the form>", textBlock = """
        name                          | name
        servers                       | servers
        servers[0]                    | servers[0].address
        servers[1]                    | servers[2].address
        servers[1].weight             | servers[2].weight
        servers[1].port               | servers[2].address
        servers[1].scheme             | servers[2].https
        servers[1].verifyTls          | servers[2].verifyTls
        servers[1].tlsServerName      | servers[2].tlsServerName
        idleTimeoutMs                 | idleTimeoutSeconds
        maxConnectionsPerServer       | maxConnectionsPerServer
        queueSize                     | queueSize
        queueTimeoutMs                | queueTimeoutSeconds
        servers[7]                    | servers
        balancing                     | balancing
        protocol                      | protocol
        connectTimeoutMs              | connectTimeoutMs
        responseTimeoutMs             | responseTimeoutSeconds
        maxRetries                    | maxRetries
        passiveHealth.maxFailures     | passiveMaxFailures
        passiveHealth.ejectForSeconds | passiveEjectSeconds
        healthCheck.path              | healthPath
        healthCheck.intervalMs        | healthIntervalSeconds
        healthCheck.timeoutMs         | healthTimeoutSeconds
        healthCheck.expectedStatusMin | healthStatusMin
        healthCheck.expectedStatusMax | healthStatusMax
        healthCheck.healthyThreshold  | healthHealthyThreshold
        healthCheck.unhealthyThreshold | healthUnhealthyThreshold
        ''                            | <above the form>
        backends                      | <above the form>
        """)
    void problemsGoNextToTheirControl(String field, String control) {
        BackendForm form = formWith("10.0.0.1:80", "", "10.0.0.2:80");
        form.toCommand();

        assertThat(form.controlFor(field)).isEqualTo(control);
    }

    @Test
    void aStoredBackendComesBackUnchangedThroughTheForm() {
        BackendSettings settings = new BackendSettings("client-ip-hash", 750L, 1_500L, 0, 0, 5,
                new BackendHealthCheck("/up", 1_250, 100, 100, 599, 10, 1), new BackendConnectionLimits(2_500L, 40, 0, 150),
                "http2");
        List<BackendServer> servers = List.of(new BackendServer("10.0.0.1:80", 9, false, true),
                new BackendServer("[::1]:81", 1, true, false),
                new BackendServer("app.internal:8443", 1, false, false).withTls(true, null),
                new BackendServer("10.0.0.2:443", 2, false, false).withTls(false, "app.example.test"));
        BackendForm form = BackendForm.from(new BackendView(1, "app", servers, settings, List.of(), T0, T0));

        assertThat(form.inputProblems()).isEmpty();
        assertThat(form.getServers()).extracting(ServerRow::isHttps).containsExactly(false, false, true, true, false);
        assertThat(form.getIdleTimeoutSeconds()).isEqualTo("2.5");
        assertThat(form.getQueueTimeoutSeconds()).isEqualTo("0.15");
        assertThat(form.getProtocol()).isEqualTo("http2");
        assertThat(BackendValidator.normalize(form.toCommand()))
                .isEqualTo(BackendValidator.normalize(BackendService.command("app", servers, settings)));
    }

    @Test
    void aStoredBackendWithEngineTimeoutsLeavesTheirBoxesEmpty() {
        BackendForm form = BackendForm.from(new BackendView(1, "app", List.of("10.0.0.1:80"), List.of(), T0, T0));

        assertThat(form.getConnectTimeoutMs()).isEmpty();
        assertThat(form.getResponseTimeoutSeconds()).isEmpty();
        assertThat(form.getIdleTimeoutSeconds()).isEmpty();
        assertThat(form.isHealthCheck()).isFalse();
        assertThat(form.toCommand().connectTimeoutMs()).isNull();
        assertThat(form.toCommand().healthCheck()).isNull();
        assertThat(form.toCommand().limits().idleTimeoutMs()).isNull();
        assertThat(form.getProtocol()).isEqualTo("http1");
        assertThat(form.toCommand().protocol()).isEqualTo("http1");
    }

    @Test
    void aNewFormSpeaksHttp1AndAnEmptyProtocolMeansTheDefault() {
        BackendForm form = formWith("10.0.0.1:80");
        assertThat(form.getProtocol()).isEqualTo("http1");

        form.setProtocol(" ");
        assertThat(form.toCommand().protocol()).isNull();
        assertThat(BackendValidator.normalize(form.toCommand()).protocol()).isEqualTo("http1");

        form.setProtocol("http2");
        assertThat(BackendValidator.normalize(form.toCommand()).protocol()).isEqualTo("http2");
    }

    @Test
    void emptyLimitBoxesMeanTheDefaultsAndTypedOnesAreConverted() {
        BackendForm form = formWith("10.0.0.1:80");
        assertThat(form.toCommand().limits()).isEqualTo(new LimitsCommand(null, null, null, null));

        form.setIdleTimeoutSeconds("90");
        form.setMaxConnectionsPerServer(" 25 ");
        form.setQueueSize("0");
        form.setQueueTimeoutSeconds("0,5");

        assertThat(form.inputProblems()).isEmpty();
        assertThat(form.toCommand().limits()).isEqualTo(new LimitsCommand(90_000L, 25, 0, 500L));
    }

    /** HTTPS ticked | verify ticked | TLS name typed | address | the server in the command. */
    @ParameterizedTest(name = "https={0} verify={1} name=''{2}'' {3}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        true  | true  | ''             | 10.0.0.1:443         | <null> | https  | true  | <null>
        true  | false | ' app.internal ' | 10.0.0.1:443       | <null> | https  | false | app.internal
        false | true  | ''             | 10.0.0.1:80          | <null> | <null> | true  | <null>
        false | true  | ''             | https://10.0.0.1:443 | <null> | <null> | true  | <null>
        false | false | app.internal   | 10.0.0.1:80          | <null> | <null> | false | app.internal
        """)
    void aServerRowsTlsBoxesGoToTheCommandAsTheyAre(boolean https, boolean verify, String name, String address,
                                                   Integer weight, String scheme, boolean verifyTls, String tlsServerName) {
        BackendForm form = formWith(address);
        ServerRow row = form.getServers().get(0);
        row.setHttps(https);
        row.setVerifyTls(verify);
        row.setTlsServerName(name);

        assertThat(form.toCommand().servers()).containsExactly(
                new ServerCommand(address, weight, false, false, scheme, verifyTls, tlsServerName));
    }

    @Test
    void aNewRowVerifiesCertificatesAndShowsTheHostAsItsTlsName() {
        ServerRow row = new ServerRow();
        assertThat(row.isHttps()).isFalse();
        assertThat(row.isVerifyTls()).isTrue();
        assertThat(row.getTlsServerNamePlaceholder()).isEqualTo("the host");

        row.setAddress("https://App.Internal:8443");
        assertThat(row.getTlsServerNamePlaceholder()).isEqualTo("App.Internal");
        row.setAddress("[::1]:8443");
        assertThat(row.getTlsServerNamePlaceholder()).isEqualTo("::1");
        row.setAddress("not an address");
        assertThat(row.getTlsServerNamePlaceholder()).isEqualTo("the host");
    }

    @Test
    void everyPolicyHasALabelAndAnUnknownNameIsShownAsItIs() {
        assertThat(BalancingChoice.all()).extracting(BalancingChoice::value)
                .containsExactly(Arrays.stream(LoadBalancing.values()).map(LoadBalancing::configName)
                        .toArray(String[]::new));
        assertThat(BalancingChoice.all()).allSatisfy(choice -> {
            assertThat(choice.label()).isNotBlank();
            assertThat(choice.description()).isNotBlank();
        });
        assertThat(BalancingChoice.label("client-ip-hash")).isEqualTo("Sticky by client IP");
        assertThat(BalancingChoice.label("from-the-future")).isEqualTo("from-the-future");
    }

    private static BackendForm formWith(String... addresses) {
        BackendForm form = new BackendForm();
        form.setName("app");
        List<ServerRow> rows = new ArrayList<>();
        for (String address : addresses) {
            ServerRow row = new ServerRow();
            row.setAddress(address);
            rows.add(row);
        }
        form.setServers(rows);
        return form;
    }
}
