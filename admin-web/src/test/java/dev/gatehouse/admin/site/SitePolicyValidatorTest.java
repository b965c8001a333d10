package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.PoliciesCommand;
import dev.gatehouse.admin.site.SiteCommand.RateLimitCommand;
import dev.gatehouse.admin.site.SiteCommand.SizeLimitsCommand;
import dev.gatehouse.storage.site.SitePolicies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SitePolicyValidatorTest {

    /** requests | period | burst | max body | max headers | max URL (<null> = not given) -> what is stored. */
    @ParameterizedTest(name = "{0}/{1}s+{2}, body {3}, headers {4}, URL {5}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        1       | <null> | <null> | <null>      | <null> | <null> | 1       | 1    | 0      | 0           | 0     | 0
        10      | 60     | 5      | 0           | 0      | 0      | 10      | 60   | 5      | 0           | 0     | 0
        1000000 | 3600   | 100000 | 10737418240 | 16384  | 8192   | 1000000 | 3600 | 100000 | 10737418240 | 16384 | 8192
        5       | 1      | 0      | 1           | 1      | 1      | 5       | 1    | 0      | 1           | 1     | 1
        """)
    void accepts(Integer requests, Integer period, Integer burst, Long body, Integer headers, Integer url,
                 int storedRequests, int storedPeriod, int storedBurst, long storedBody, int storedHeaders, int storedUrl) {
        PoliciesCommand command = new PoliciesCommand(null, new RateLimitCommand(requests, period, burst), null,
                new SizeLimitsCommand(body, headers, url));

        assertThat(SitePolicyValidator.problems(command)).isEmpty();
        assertThat(SitePolicyValidator.toStored(command, 4L)).isEqualTo(new SitePolicies(4L,
                new SitePolicies.SiteRateLimit(storedRequests, storedPeriod, storedBurst), true, storedBody, storedHeaders,
                storedUrl));
    }

    @Test
    void theDefaultIsExploitsBlockedAndNothingElse() {
        assertThat(SitePolicyValidator.problems(PoliciesCommand.DEFAULT)).isEmpty();
        assertThat(SitePolicyValidator.toStored(PoliciesCommand.DEFAULT, null)).isEqualTo(SitePolicies.DEFAULT);
        assertThat(SitePolicyValidator.toStored(new PoliciesCommand(null, null, null, null), null))
                .as("blockExploits left out is on").isEqualTo(SitePolicies.DEFAULT);
        assertThat(SitePolicyValidator.toStored(new PoliciesCommand(null, null, false, null), null).blockExploits()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "<null>", value = {"<null>, <null>", "'  ', <null>", "' staff ', staff"})
    void theAccessListNameIsTrimmedAndBlankMeansNone(String given, String name) {
        assertThat(SitePolicyValidator.accessListName(new PoliciesCommand(given, null, true, null))).isEqualTo(name);
    }

    /** requests | period | burst | max body | max headers | max URL -> the one problem's field and message. */
    @ParameterizedTest(name = "{6}: {7}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        <null>  | 1      | 0      | <null> | <null> | <null> | policies.rateLimit.requests      | policies.rateLimit.requests is required with a rate limit: requests per period from one client address, e.g. 10 (or leave the rate limit out for none)
        0       | <null> | <null> | <null> | <null> | <null> | policies.rateLimit.requests      | policies.rateLimit.requests 0 is out of range; use 1-1000000
        1000001 | <null> | <null> | <null> | <null> | <null> | policies.rateLimit.requests      | policies.rateLimit.requests 1000001 is out of range; use 1-1000000
        10      | 0      | <null> | <null> | <null> | <null> | policies.rateLimit.periodSeconds | policies.rateLimit.periodSeconds 0 is out of range; use 1-3600 seconds (up to an hour)
        10      | 3601   | <null> | <null> | <null> | <null> | policies.rateLimit.periodSeconds | policies.rateLimit.periodSeconds 3601 is out of range
        10      | 1      | -1     | <null> | <null> | <null> | policies.rateLimit.burst         | policies.rateLimit.burst -1 is out of range; use 0-100000 extra requests
        10      | 1      | 100001 | <null> | <null> | <null> | policies.rateLimit.burst         | policies.rateLimit.burst 100001 is out of range
        <null>  | <null> | <null> | -1     | <null> | <null> | policies.limits.maxBodyBytes     | policies.limits.maxBodyBytes -1 is negative; use 0 (no limit) or a number of bytes
        <null>  | <null> | <null> | <null> | 16385  | <null> | policies.limits.maxHeaderBytes   | policies.limits.maxHeaderBytes 16385 is out of range; use 0 (the proxy's 16384) or 1-16384 bytes
        <null>  | <null> | <null> | <null> | -5     | <null> | policies.limits.maxHeaderBytes   | policies.limits.maxHeaderBytes -5 is out of range
        <null>  | <null> | <null> | <null> | <null> | 8193   | policies.limits.maxUrlLength     | policies.limits.maxUrlLength 8193 is out of range; use 0 (the proxy's 8192) or 1-8192 characters
        <null>  | <null> | <null> | <null> | <null> | -1     | policies.limits.maxUrlLength     | policies.limits.maxUrlLength -1 is out of range
        """)
    void refusesNamingTheField(Integer requests, Integer period, Integer burst, Long body, Integer headers, Integer url,
                               String field, String message) {
        boolean rateLimited = requests != null || period != null || burst != null;
        PoliciesCommand command = new PoliciesCommand(null, rateLimited ? new RateLimitCommand(requests, period, burst) : null,
                true, new SizeLimitsCommand(body, headers, url));

        assertThat(SitePolicyValidator.problems(command)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo(field);
            assertThat(problem.message()).startsWith(message);
        });
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        PoliciesCommand command = new PoliciesCommand(null, new RateLimitCommand(0, 0, -1), true,
                new SizeLimitsCommand(-1L, 99999, 99999));

        assertThat(SitePolicyValidator.problems(command)).extracting(FieldProblem::field).containsExactly(
                SitePolicyValidator.REQUESTS_FIELD, SitePolicyValidator.PERIOD_FIELD, SitePolicyValidator.BURST_FIELD,
                SitePolicyValidator.MAX_BODY_FIELD, SitePolicyValidator.MAX_HEADER_FIELD, SitePolicyValidator.MAX_URL_FIELD);
    }
}
