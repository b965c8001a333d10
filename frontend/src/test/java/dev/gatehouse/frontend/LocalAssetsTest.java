package dev.gatehouse.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard must work without internet: every stylesheet, script and image a template or our CSS
 * refers to is served from this jar or a pinned WebJar. Also catches a WebJar version bump in the
 * parent pom that the templates' {@code /webjars/<name>/<version>/...} paths did not follow.
 */
class LocalAssetsTest {

    /** {@code href}, {@code src} and their {@code th:} forms: {@code @{/x}} or a plain {@code /x} or {@code http...}. */
    private static final Pattern REFERENCE =
            Pattern.compile("\\b(?:th:)?(?:href|src)=\"(?:@\\{)?([^\"}]*)\\}?\"");
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*['\"]?([^'\")]+)");

    @Test
    void everyAssetReferencedByATemplateIsOnTheClasspath() {
        List<String> references = new ArrayList<>();
        for (Path template : files("templates", ".html")) {
            Matcher reference = REFERENCE.matcher(read(template));
            while (reference.find()) {
                references.add(reference.group(1));
            }
        }

        assertThat(references).as("asset references found in the templates")
                .contains("/webjars/tabler__core/1.4.0/dist/css/tabler.min.css",
                        "/webjars/htmx.org/2.0.4/dist/htmx.min.js", "/css/gatehouse.css");
        List<String> assets = references.stream()
                .filter(path -> path.matches("/(webjars|css|js|img)/.*"))
                .toList();
        assertThat(assets).allSatisfy(path -> assertThat(classpathResourceFor(path))
                .as("classpath resource serving %s", path)
                .satisfies(resource -> assertThat(getClass().getClassLoader().getResource(resource)).isNotNull()));
    }

    @Test
    void nothingIsLoadedFromAnotherHost() {
        List<String> external = new ArrayList<>();
        for (Path template : files("templates", ".html")) {
            Matcher reference = REFERENCE.matcher(read(template));
            while (reference.find()) {
                if (reference.group(1).matches("(?i)(https?:)?//.*")) {
                    external.add(template.getFileName() + ": " + reference.group(1));
                }
            }
        }
        for (Path stylesheet : files("static", ".css")) {
            Matcher url = CSS_URL.matcher(read(stylesheet));
            while (url.find()) {
                if (!url.group(1).startsWith("data:")) {
                    external.add(stylesheet.getFileName() + ": " + url.group(1));
                }
            }
        }
        assertThat(external).as("references that would need the internet or another server").isEmpty();
    }

    /** Where Spring Boot finds a URL path: WebJars under META-INF/resources, our own files under static. */
    private static String classpathResourceFor(String path) {
        return path.startsWith("/webjars/") ? "META-INF/resources" + path : "static" + path;
    }

    private static List<Path> files(String classpathDirectory, String suffix) {
        try {
            Path root = Path.of(LocalAssetsTest.class.getClassLoader().getResource(classpathDirectory).toURI());
            try (Stream<Path> paths = Files.walk(root)) {
                List<Path> found = paths.filter(path -> path.toString().endsWith(suffix)).toList();
                assertThat(found).as("%s files under %s", suffix, classpathDirectory).isNotEmpty();
                return found;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
