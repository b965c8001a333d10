package dev.gatehouse.admin.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.certificate.CertificateService.NamedChain;
import dev.gatehouse.admin.certificate.CertificateView.SiteUse;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.ChainEntry;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.Status;
import dev.gatehouse.admin.certificate.bundle.CertificateInput;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Certificates pages with {@link CertificateService} mocked and the real security chains and
 * {@link ObjectPermissions}: rendering, multipart upload with Post/Redirect/Get, problems next to
 * their fields, no key material ever echoed, Check storing nothing, permissions and CSRF.
 */
@WebFluxTest(CertificateController.class)
@WithGatehouseSecurity
@Import(ObjectPermissions.class)
class CertificateControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String FINGERPRINT =
            "3A:7F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA";
    private static final String CHAIN_PEM = "-----BEGIN CERTIFICATE-----\nMIIBchain\n-----END CERTIFICATE-----\n";
    private static final String KEY_MATERIAL = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRET";
    private static final String KEY_PEM = "-----BEGIN PRIVATE KEY-----\n" + KEY_MATERIAL + "\n-----END PRIVATE KEY-----\n";
    private static final String PASSPHRASE = "correct horse battery";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private CertificateService certificates;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    @Test
    void listShowsNamesExpiryBadgesKeysAndUsers() {
        when(certificates.list()).thenReturn(Flux.just(
                view(1, "shop", details(List.of("shop.example.test", "www.shop.example.test", "a.shop.example.test",
                        "b.shop.example.test"), 80, Status.VALID), List.of(new SiteUse(5, "shop.example.test", List.of()))),
                view(2, "blog", details(List.of("blog.example.test"), 12, Status.EXPIRING_SOON), List.of()),
                view(3, "old", details(List.of("old.example.test"), -3, Status.EXPIRED), List.of())));

        String html = get("/certificates", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"certificate-1\"", "shop.example.test", "www.shop.example.test",
                "+2 more", "CN=Gatehouse Test CA", "2026-07-20", "bg-green-lt", "in 80 days", "EC 256",
                "href=\"/sites/5/edit\"", "shop.example.test");
        assertThat(html).doesNotContain(">a.shop.example.test<");
        assertThat(html).containsSubsequence("id=\"certificate-2\"", "bg-yellow-lt", "in 12 days", "not used yet");
        assertThat(html).containsSubsequence("id=\"certificate-3\"", "bg-red-lt", "expired 3 days ago");
        assertThat(html).contains("href=\"/certificates/1/chain.pem\"", "href=\"/certificates/1/replace\"",
                "href=\"/certificates/1\"", "action=\"/certificates/2/delete\"", "name=\"_csrf\"");
        // A certificate in use cannot be deleted from the list; one not in use can.
        assertThat(deleteButton(html, 1)).contains("disabled");
        assertThat(deleteButton(html, 2)).doesNotContain("disabled");
        assertThat(html).contains("title=\"In use by a site: give it another certificate or none first\"",
                "aria-label=\"Delete shop: not possible while a site uses it\"", "aria-label=\"Delete blog\"");
    }

    @Test
    void emptyListExplainsWhatACertificateIsFor() {
        when(certificates.list()).thenReturn(Flux.empty());

        String html = get("/certificates", HttpStatus.OK);

        assertThat(html).contains("No certificates yet", "lets your sites answer over HTTPS", "Upload certificate",
                "href=\"/certificates/new\"");
        assertThat(html).doesNotContain("id=\"certificates-table\"");
    }

    @Test
    void uploadFormOffersPemAndPkcs12AsMultipart() {
        String html = get("/certificates/new", HttpStatus.OK);

        assertThat(html).containsPattern("<form[^>]*enctype=\"multipart/form-data\"[^>]*action=\"/certificates\"");
        assertThat(html).contains("id=\"format-pem\"", "id=\"format-pkcs12\"", "name=\"_csrf\"",
                "formaction=\"/certificates/check\"", "hx-post=\"/certificates/check\"",
                "Defaults to the first host name");
        assertThat(Html.attribute(Html.control(html, "certificate"), "type")).isEqualTo("file");
        assertThat(html).containsPattern("<textarea[^>]*name=\"certificate\"");
        assertThat(html).containsPattern("<input[^>]*type=\"file\"[^>]*name=\"privateKey\"");
        assertThat(html).containsPattern("<input[^>]*type=\"file\"[^>]*name=\"pkcs12\"");
        assertThat(Html.attribute(Html.control(html, "keyPassphrase"), "type")).isEqualTo("password");
        assertThat(Html.attribute(Html.control(html, "format"), "checked")).isNotNull();
        assertThat(html).doesNotContain("id=\"check-details\"", "id=\"reenter-notice\"");
    }

    @Test
    void validUploadRedirectsToItsPageWhichShowsTheFlashAndTheDetails() {
        CertificateView shop = view(7, "shop", details(List.of("shop.example.test"), 89, Status.VALID), List.of());
        when(certificates.create(anyString(), any(), anyString())).thenReturn(Mono.just(shop));
        when(certificates.get(7)).thenReturn(Mono.just(shop));

        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("certificate", new byte[0]).filename(""); // the file input left empty
        form.part("privateKey", KEY_PEM.getBytes(StandardCharsets.US_ASCII)).filename("privkey.pem");
        form.part("privateKey", "");
        form.part("keyPassphrase", "");

        EntityExchangeResult<String> response = post("/certificates", form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/certificates/7")
                .expectBody(String.class).returnResult();

        ArgumentCaptor<CertificateInput> input = ArgumentCaptor.forClass(CertificateInput.class);
        verify(certificates).create(eq(""), input.capture(), eq(ADMIN));
        assertThat(input.getValue().certificatePem()).isEqualTo(CHAIN_PEM);
        assertThat(input.getValue().privateKeyPem()).isEqualTo(KEY_PEM);
        assertThat(input.getValue().pkcs12()).isNull();

        String page = signedIn().get().uri("/certificates/7").cookie("SESSION", session(response)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("Certificate 'shop' uploaded.");
        assertThat(page).contains("CN=shop.example.test", "shop.example.test", FINGERPRINT, "in 89 days", "EC 256",
                "CN=Gatehouse Test CA", "href=\"/certificates/7/chain.pem\"", "action=\"/certificates/7/delete\"",
                "No site uses this certificate yet");
    }

    @Test
    void rejectedUploadShowsTheProblemNextToTheFieldKeepsTheChainButNeverTheKey() {
        String message = "the private key does not match the certificate (CN=shop.example.test)";
        when(certificates.create(anyString(), any(), anyString()))
                .thenReturn(Mono.error(new ValidationException("privateKey", message)));

        MultipartBodyBuilder form = form("shop", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);
        form.part("keyPassphrase", PASSPHRASE);

        String html = post("/certificates", form)
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "privateKey")).isEqualTo(message);
        assertThat(html).containsPattern("<textarea[^>]*class=\"[^\"]*is-invalid[^\"]*\"[^>]*name=\"privateKey\"");
        assertThat(Html.textarea(html, "certificate")).isEqualTo(CHAIN_PEM);
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEqualTo("shop");
        assertThat(Html.textarea(html, "privateKey")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "keyPassphrase"), "value")).isEmpty();
        assertThat(html).doesNotContain(KEY_MATERIAL, PASSPHRASE, "BEGIN PRIVATE KEY-----\n");
        assertThat(html).contains("id=\"secrets-cleared\"", "never sends a private key");
        assertThat(Html.fieldError(html, "certificate")).isNull();
    }

    @Test
    void aKeyPastedIntoTheChainBoxIsCutOutOfTheRerender() {
        when(certificates.create(anyString(), any(), anyString())).thenReturn(Mono.error(new ValidationException(
                "certificate", "the certificate expired on 2026-01-01")));

        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM + KEY_PEM);

        String html = post("/certificates", form)
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "certificate")).isEqualTo("the certificate expired on 2026-01-01");
        assertThat(Html.textarea(html, "certificate")).isEqualTo(CHAIN_PEM.strip());
        assertThat(html).doesNotContain(KEY_MATERIAL).contains("id=\"secrets-cleared\"");
    }

    @Test
    void checkShowsWhatWasReadAndStoresNothing() {
        when(certificates.inspect(any())).thenReturn(Mono.just(
                details(List.of("shop.example.test", "www.shop.example.test"), 89, Status.VALID)));

        MultipartBodyBuilder form = form("shop", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM.getBytes(StandardCharsets.US_ASCII)).filename("privkey.pem");

        String html = post("/certificates/check", form)
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"check-details\"", "this is what Save will store", "CN=shop.example.test",
                "www.shop.example.test", "CN=Gatehouse Test CA", FINGERPRINT, "in 89 days", "EC 256", "0A1B2C");
        assertThat(html).containsSubsequence("id=\"detail-chain\"", "CN=shop.example.test", "CN=Gatehouse Test CA");
        // The form is still there to save: pasted chain kept, the picked key file named so it is picked again.
        assertThat(Html.textarea(html, "certificate")).isEqualTo(CHAIN_PEM);
        assertThat(html).contains("id=\"repick-files\"", "privkey.pem", "action=\"/certificates\"");
        assertThat(html).doesNotContain(KEY_MATERIAL);
        verify(certificates, never()).create(anyString(), any(), anyString());
    }

    @Test
    void checkWithHtmxAnswersOnlyTheResultCard() {
        when(certificates.inspect(any())).thenReturn(Mono.just(details(List.of("shop.example.test"), 89, Status.VALID)));
        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);

        String html = post("/certificates/check", form, "HX-Request", "true")
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html.strip()).startsWith("<div").doesNotContain("<html", "navbar", "<form");
        assertThat(html).contains("id=\"check-result\"", "id=\"check-details\"", FINGERPRINT);
        verify(certificates, never()).create(anyString(), any(), anyString());
    }

    @Test
    void checkWithHtmxListsTheProblemsWithASuccessfulAnswerSoTheyAreShown() {
        when(certificates.inspect(any())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("keyPassphrase", "the key passphrase is wrong"),
                new FieldProblem("certificate", "the chain does not link up: CN=x is not issued by CN=y")))));
        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);
        form.part("keyPassphrase", "wrong");

        String html = post("/certificates/check", form, "HX-Request", "true")
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"check-problems\"", "the key passphrase is wrong",
                "the chain does not link up: CN=x is not issued by CN=y").doesNotContain("id=\"check-details\"");
    }

    @Test
    void pkcs12FormatSendsOnlyThePkcs12FileAndPassword() {
        CertificateView shop = view(8, "shop", details(List.of("shop.example.test"), 89, Status.VALID), List.of());
        when(certificates.create(anyString(), any(), anyString())).thenReturn(Mono.just(shop));
        byte[] p12 = {0x30, (byte) 0x82, 0x01, 0x02, 0x03};

        MultipartBodyBuilder form = form("", CertificateForm.PKCS12);
        // Left over in the hidden PEM inputs after switching format: must not be read.
        form.part("certificate", CHAIN_PEM);
        form.part("pkcs12", p12).filename("shop.p12");
        form.part("pkcs12Password", "p12 secret");

        post("/certificates", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/certificates/8");

        ArgumentCaptor<CertificateInput> input = ArgumentCaptor.forClass(CertificateInput.class);
        verify(certificates).create(eq(""), input.capture(), eq(ADMIN));
        assertThat(input.getValue().pkcs12()).isEqualTo(p12);
        assertThat(input.getValue().pkcs12Password()).isEqualTo("p12 secret");
        assertThat(input.getValue().certificatePem()).isNull();
    }

    @Test
    void wrongPkcs12PasswordIsShownNextToItAndThePkcs12TabStaysChosen() {
        when(certificates.create(anyString(), any(), anyString())).thenReturn(Mono.error(
                new ValidationException("pkcs12Password", "the PKCS#12 password is wrong")));
        MultipartBodyBuilder form = form("", CertificateForm.PKCS12);
        form.part("pkcs12", new byte[] {1, 2, 3}).filename("shop.pfx");
        form.part("pkcs12Password", "guess");

        String html = post("/certificates", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "pkcs12Password")).isEqualTo("the PKCS#12 password is wrong");
        assertThat(Html.attribute(Html.control(html, "pkcs12Password"), "value")).isEmpty();
        assertThat(html).containsPattern("<input[^>]*id=\"format-pkcs12\"[^>]*checked");
        assertThat(html).contains("shop.pfx").doesNotContain("guess");
    }

    @Test
    void nameAlreadyTakenIsAConflictNextToTheName() {
        when(certificates.create(anyString(), any(), anyString())).thenReturn(Mono.error(new ConflictException("name",
                "a certificate named 'shop' already exists; choose another name or replace that one")));
        MultipartBodyBuilder form = form("shop", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);

        String html = post("/certificates", form).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "name")).contains("already exists");
    }

    @Test
    void replaceFormNamesTheCertificateAndItsSites() {
        when(certificates.get(3)).thenReturn(Mono.just(view(3, "shop", details(List.of("shop.example.test"), 5,
                Status.EXPIRING_SOON), List.of(new SiteUse(5, "shop.example.test", List.of())))));

        String html = get("/certificates/3/replace", HttpStatus.OK);

        assertThat(html).contains("Replace certificate shop", "id=\"replacing\"", "action=\"/certificates/3/replace\"",
                "formaction=\"/certificates/3/check\"", "shop.example.test");
        assertThat(html.replaceAll("\\s+", " ")).contains("and must cover their host names");
        assertThat(html).doesNotContain("name=\"name\"");
    }

    @Test
    void replaceRedirectsToTheCertificateWithTheFlash() {
        CertificateView renewed = view(3, "shop", details(List.of("shop.example.test"), 89, Status.VALID), List.of());
        when(certificates.get(3)).thenReturn(Mono.just(renewed));
        when(certificates.replace(eq(3L), any(), anyString())).thenReturn(Mono.just(renewed));
        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);

        EntityExchangeResult<String> response = post("/certificates/3/replace", form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/certificates/3")
                .expectBody(String.class).returnResult();

        ArgumentCaptor<CertificateInput> input = ArgumentCaptor.forClass(CertificateInput.class);
        verify(certificates).replace(eq(3L), input.capture(), eq(ADMIN));
        assertThat(input.getValue().privateKeyPem()).isEqualTo(KEY_PEM);
        String page = signedIn().get().uri("/certificates/3").cookie("SESSION", session(response)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("Certificate 'shop' replaced: new connections use it now.");
    }

    @Test
    void replacementThatDoesNotCoverASiteIsShownNextToTheChain() {
        String message = "the new certificate does not cover 'www.shop.example.test' of site shop.example.test";
        when(certificates.get(3)).thenReturn(Mono.just(view(3, "shop", details(List.of("shop.example.test"), 5,
                Status.EXPIRING_SOON), List.of())));
        when(certificates.replace(eq(3L), any(), anyString()))
                .thenReturn(Mono.error(new ValidationException("certificate", message)));
        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);

        String html = post("/certificates/3/replace", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "certificate")).isEqualTo(message);
        assertThat(html).contains("action=\"/certificates/3/replace\"").doesNotContain(KEY_MATERIAL);
    }

    @Test
    void deletingACertificateInUseShowsWhyOnItsPage() {
        String message = "certificate 'shop' is used by site(s) shop.example.test; give them another certificate or none first";
        when(certificates.get(3)).thenReturn(Mono.just(view(3, "shop", details(List.of("shop.example.test"), 80,
                Status.VALID), List.of(new SiteUse(5, "shop.example.test", List.of("www.shop.example.test"))))));
        when(certificates.delete(3, ADMIN)).thenReturn(Mono.error(new ConflictException("name", message)));

        EntityExchangeResult<String> response = signedIn().mutateWith(csrf()).post().uri("/certificates/3/delete")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/certificates/3")
                .expectBody(String.class).returnResult();

        String page = signedIn().get().uri("/certificates/3").cookie("SESSION", session(response)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo(message);
        assertThat(Html.flashLevel(page)).isEqualTo("danger");
        assertThat(page).containsSubsequence("id=\"used-by-5\"", "href=\"/sites/5/edit\"", "Not covered by this certificate",
                "www.shop.example.test");
        assertThat(page).containsPattern("<button[^>]*id=\"delete-certificate\"[^>]*disabled");
    }

    @Test
    void deleteRedirectsToTheList() {
        when(certificates.get(4)).thenReturn(Mono.just(view(4, "old", details(List.of("old.example.test"), -3,
                Status.EXPIRED), List.of())));
        when(certificates.delete(4, ADMIN)).thenReturn(Mono.empty());

        signedIn().mutateWith(csrf()).post().uri("/certificates/4/delete").exchange()
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/certificates");

        verify(certificates).delete(4, ADMIN);
    }

    @Test
    void chainDownloadIsAnAttachmentWithThePemAndNoKey() {
        when(certificates.chain(3)).thenReturn(Mono.just(new NamedChain("shop", CHAIN_PEM)));

        var result = signedIn().get().uri("/certificates/3/chain.pem").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("application/x-pem-file")
                .expectBody(String.class).returnResult();

        assertThat(result.getResponseHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
                .isEqualTo("attachment; filename=\"shop.chain.pem\"");
        assertThat(result.getResponseBody()).isEqualTo(CHAIN_PEM).doesNotContain("PRIVATE KEY");
    }

    @Test
    void missingCertificateIsA404Page() {
        when(certificates.get(99)).thenReturn(Mono.error(new NotFoundException("there is no certificate with id 99")));

        String html = get("/certificates/99", HttpStatus.NOT_FOUND);

        assertThat(html).contains("Page not found", "there is no certificate with id 99");
    }

    /** A viewer reads certificates but every page that changes one refuses with the 403 page and touches nothing. */
    @ParameterizedTest
    @CsvSource({
            "GET,  /certificates/new",
            "GET,  /certificates/3/replace",
            "POST, /certificates",
            "POST, /certificates/check",
            "POST, /certificates/3/replace",
            "POST, /certificates/3/check",
            "POST, /certificates/3/delete",
    })
    void aViewerGetsA403PageForEveryChange(String method, String path) {
        WebTestClient viewer = web.mutateWith(mockUser("viewer@example.test").roles("VIEWER")).mutateWith(csrf());
        MultipartBodyBuilder form = form("x", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);

        WebTestClient.RequestBodySpec request = viewer.method(HttpMethod.valueOf(method)).uri(path);
        WebTestClient.ResponseSpec response = method.equals("POST")
                ? request.body(BodyInserters.fromMultipartData(form.build())).exchange()
                : request.exchange();
        String html = response.expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"forbidden\"", "Not allowed", "Your role is viewer");
        verifyNoInteractions(certificates);
    }

    @Test
    void aViewerSeesCertificatesWithoutTheButtonsThatChangeThem() {
        CertificateView shop = view(3, "shop", details(List.of("shop.example.test"), 80, Status.VALID), List.of());
        when(certificates.list()).thenReturn(Flux.just(shop));
        when(certificates.get(3)).thenReturn(Mono.just(shop));
        WebTestClient viewer = web.mutateWith(mockUser("viewer@example.test").roles("VIEWER"));

        String list = viewer.get().uri("/certificates").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        String details = viewer.get().uri("/certificates/3").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(list).contains("shop.example.test", "/certificates/3/chain.pem")
                .doesNotContain("/certificates/new", "/certificates/3/replace", "/certificates/3/delete");
        assertThat(details).contains("shop.example.test", "id=\"download-chain\"")
                .doesNotContain("id=\"replace-certificate\"", "id=\"delete-certificate\"");
    }

    @Test
    void anOperatorMayChangeCertificates() {
        when(certificates.get(3)).thenReturn(Mono.just(view(3, "shop", details(List.of("shop.example.test"), 80,
                Status.VALID), List.of())));

        String page = web.mutateWith(mockUser("op@example.test").roles("OPERATOR")).get().uri("/certificates/3/replace")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(page).contains("id=\"certificate-form\"");
    }

    /** The form is multipart, so its CSRF token travels in a multipart part: the real token must work. */
    @Test
    void multipartPostWithThePagesCsrfTokenIsAcceptedAndWithoutItRefused() {
        when(certificates.inspect(any())).thenReturn(Mono.just(details(List.of("shop.example.test"), 89, Status.VALID)));
        EntityExchangeResult<String> page = signedIn().get().uri("/certificates/new").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        String token = Html.attribute(Html.control(page.getResponseBody(), "_csrf"), "value");
        // mockUser() signs in without a session: the token is kept in the CSRF cookie, as for anonymous pages
        ResponseCookie csrfCookie = page.getResponseCookies().getFirst("CSRF-TOKEN");
        assertThat(csrfCookie).as("the CSRF cookie").isNotNull();

        MultipartBodyBuilder form = form("", CertificateForm.PEM);
        form.part("certificate", CHAIN_PEM);
        form.part("privateKey", KEY_PEM);
        signedIn().post().uri("/certificates/check").cookie(csrfCookie.getName(), csrfCookie.getValue())
                .body(BodyInserters.fromMultipartData(form.build())).exchange()
                .expectStatus().isForbidden();
        verify(certificates, never()).inspect(any());

        form.part("_csrf", token);
        String html = signedIn().post().uri("/certificates/check").cookie(csrfCookie.getName(), csrfCookie.getValue())
                .body(BodyInserters.fromMultipartData(form.build())).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(html).contains("id=\"check-details\"");
        verify(certificates).inspect(any());
    }

    @Test
    void anonymousVisitorIsSentToSignIn() {
        web.get().uri("/certificates").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().valueMatches("Location", ".*/login");
        verify(certificates, never()).delete(anyLong(), anyString());
    }

    private String get(String path, HttpStatus status) {
        return signedIn().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultipartBodyBuilder form, String... headers) {
        WebTestClient.RequestBodySpec request = signedIn().mutateWith(csrf()).post().uri(path);
        for (int i = 0; i < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        return request.body(BodyInserters.fromMultipartData(form.build())).exchange();
    }

    private static MultipartBodyBuilder form(String name, String format) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("name", name);
        form.part("format", format);
        return form;
    }

    private static String session(EntityExchangeResult<?> response) {
        ResponseCookie cookie = response.getResponseCookies().getFirst("SESSION");
        assertThat(cookie).as("a session cookie").isNotNull();
        return cookie.getValue();
    }

    /** The delete button in the row of certificate {@code id}. */
    private static String deleteButton(String html, long id) {
        Matcher form = Pattern.compile("action=\"/certificates/" + id + "/delete\".*?(<button[^>]*>)", Pattern.DOTALL)
                .matcher(html);
        assertThat(form.find()).as("delete form of certificate %d", id).isTrue();
        return form.group(1);
    }

    private static CertificateView view(long id, String name, CertificateDetails details, List<SiteUse> usedBy) {
        return new CertificateView(id, name, details, usedBy, NOW.minus(Duration.ofDays(1)), NOW.minus(Duration.ofDays(1)));
    }

    private static CertificateDetails details(List<String> sans, long daysLeft, Status status) {
        Instant notAfter = NOW.plus(Duration.ofDays(daysLeft)).plus(Duration.ofHours(1));
        String subject = "CN=" + sans.get(0);
        String issuer = "CN=Gatehouse Test CA, O=Gatehouse Tests";
        return new CertificateDetails(subject, sans, issuer,
                List.of(new ChainEntry(subject, issuer, notAfter, FINGERPRINT),
                        new ChainEntry(issuer, issuer, NOW.plus(Duration.ofDays(3650)), "00:11")),
                NOW.minus(Duration.ofDays(10)), notAfter, daysLeft, status, "EC", 256, FINGERPRINT, "0A1B2C", false);
    }
}
