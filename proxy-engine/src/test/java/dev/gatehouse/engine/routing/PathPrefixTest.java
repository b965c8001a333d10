package dev.gatehouse.engine.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathPrefixTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "/,         /,           true",
            "/,         /anything,   true",
            "/api,      /api,        true",
            "/api,      /api/,       true",
            "/api,      /api/x/y,    true",
            "/api,      /apix,       false",
            "/api,      /ap,         false",
            "/api,      /,           false",
            "/api/,     /api/,       true",
            "/api/,     /api/x,      true",
            "/api/,     /api,        false",
            "/api/v2,   /api/v2/x,   true",
            "/api/v2,   /api/v20,    false",
            "/API,      /api,        false",
    })
    void matchesWholeSegments(String prefix, String path, boolean expected) {
        assertThat(PathPrefix.matches(prefix, path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "prefix \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "api        | path prefix 'api' must start with '/'",
            "/a b       | path prefix '/a b' must not contain spaces or control characters",
            "/a?b       | path prefix '/a?b' must not contain '?'; it matches the path only",
            "/a#b       | path prefix '/a#b' must not contain '#'; it matches the path only",
    })
    void explainsInvalidPrefixes(String prefix, String message) {
        assertThat(PathPrefix.problemWith(prefix)).isEqualTo(message);
    }
}
