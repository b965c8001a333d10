package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.PoliciesCommand;
import dev.gatehouse.admin.site.SiteCommand.RateLimitCommand;
import dev.gatehouse.admin.site.SiteCommand.SizeLimitsCommand;
import dev.gatehouse.storage.site.SitePolicies;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a site's {@link PoliciesCommand} within the ranges the engine accepts
 * ({@code PolicyValidation.validateSitePolicies}), so problems show next to their field before the engine
 * is asked. Problems name the field as the API does ({@code policies.rateLimit.requests}) and the bad value.
 * Whether the named access list exists is for {@link SiteService}.
 *
 * <p>Ranges: a rate limit of 1 to {@value #MAX_REQUESTS} requests per 1 s to 1 h ({@value #MAX_PERIOD_SECONDS}
 * s), with a burst of 0 to {@value #MAX_BURST}; header bytes up to the engine's own 16 KiB and URLs up to its
 * 8 KiB, as a site may only lower them; any body size.
 */
public final class SitePolicyValidator {

    public static final String ACCESS_LIST_FIELD = "policies.accessList";
    public static final String REQUESTS_FIELD = "policies.rateLimit.requests";
    public static final String PERIOD_FIELD = "policies.rateLimit.periodSeconds";
    public static final String BURST_FIELD = "policies.rateLimit.burst";
    public static final String MAX_BODY_FIELD = "policies.limits.maxBodyBytes";
    public static final String MAX_HEADER_FIELD = "policies.limits.maxHeaderBytes";
    public static final String MAX_URL_FIELD = "policies.limits.maxUrlLength";

    public static final int MAX_REQUESTS = 1_000_000;
    public static final int MAX_PERIOD_SECONDS = 3600;
    public static final int MAX_BURST = 100_000;
    /** The engine's own header limit: a site may lower it, not raise it. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** The engine's own request-line limit: a site may lower it, not raise it. */
    public static final int MAX_URL_LENGTH = 8 * 1024;

    private SitePolicyValidator() {
    }

    /** Every problem with {@code policies}; empty when they are valid. */
    public static List<FieldProblem> problems(PoliciesCommand policies) {
        List<FieldProblem> problems = new ArrayList<>();
        RateLimitCommand rate = policies.rateLimit();
        if (rate != null) {
            if (rate.requests() == null) {
                problems.add(new FieldProblem(REQUESTS_FIELD, REQUESTS_FIELD + " is required with a rate limit: requests "
                        + "per period from one client address, e.g. 10 (or leave the rate limit out for none)"));
            } else if (rate.requests() < 1 || rate.requests() > MAX_REQUESTS) {
                problems.add(new FieldProblem(REQUESTS_FIELD, REQUESTS_FIELD + " " + rate.requests()
                        + " is out of range; use 1-" + MAX_REQUESTS));
            }
            if (rate.periodSeconds() != null && (rate.periodSeconds() < 1 || rate.periodSeconds() > MAX_PERIOD_SECONDS)) {
                problems.add(new FieldProblem(PERIOD_FIELD, PERIOD_FIELD + " " + rate.periodSeconds()
                        + " is out of range; use 1-" + MAX_PERIOD_SECONDS + " seconds (up to an hour)"));
            }
            if (rate.burst() != null && (rate.burst() < 0 || rate.burst() > MAX_BURST)) {
                problems.add(new FieldProblem(BURST_FIELD, BURST_FIELD + " " + rate.burst() + " is out of range; use 0-"
                        + MAX_BURST + " extra requests"));
            }
        }
        SizeLimitsCommand limits = policies.limits();
        if (limits != null) {
            if (limits.maxBodyBytes() != null && limits.maxBodyBytes() < 0) {
                problems.add(new FieldProblem(MAX_BODY_FIELD, MAX_BODY_FIELD + " " + limits.maxBodyBytes()
                        + " is negative; use 0 (no limit) or a number of bytes"));
            }
            if (limits.maxHeaderBytes() != null && (limits.maxHeaderBytes() < 0
                    || limits.maxHeaderBytes() > MAX_HEADER_BYTES)) {
                problems.add(new FieldProblem(MAX_HEADER_FIELD, MAX_HEADER_FIELD + " " + limits.maxHeaderBytes()
                        + " is out of range; use 0 (the proxy's " + MAX_HEADER_BYTES + ") or 1-" + MAX_HEADER_BYTES
                        + " bytes"));
            }
            if (limits.maxUrlLength() != null && (limits.maxUrlLength() < 0 || limits.maxUrlLength() > MAX_URL_LENGTH)) {
                problems.add(new FieldProblem(MAX_URL_FIELD, MAX_URL_FIELD + " " + limits.maxUrlLength()
                        + " is out of range; use 0 (the proxy's " + MAX_URL_LENGTH + ") or 1-" + MAX_URL_LENGTH
                        + " characters"));
            }
        }
        return problems;
    }

    /** The access list name asked for, trimmed; null for none. */
    public static String accessListName(PoliciesCommand policies) {
        return policies.accessList() == null || policies.accessList().isBlank() ? null : policies.accessList().trim();
    }

    /**
     * The stored form of policies {@link #problems} found nothing wrong with.
     *
     * @param accessListId the id of the list {@link #accessListName} names, or null for none
     */
    public static SitePolicies toStored(PoliciesCommand policies, Long accessListId) {
        RateLimitCommand rate = policies.rateLimit();
        SizeLimitsCommand limits = policies.limits();
        return new SitePolicies(accessListId,
                rate == null ? null : new SitePolicies.SiteRateLimit(rate.requests(),
                        rate.periodSeconds() == null ? 1 : rate.periodSeconds(), rate.burst() == null ? 0 : rate.burst()),
                !Boolean.FALSE.equals(policies.blockExploits()),
                limits == null || limits.maxBodyBytes() == null ? 0 : limits.maxBodyBytes(),
                limits == null || limits.maxHeaderBytes() == null ? 0 : limits.maxHeaderBytes(),
                limits == null || limits.maxUrlLength() == null ? 0 : limits.maxUrlLength());
    }
}
