package dev.gatehouse.engine.errorpage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The pages the engine answers itself, branded "Gatehouse", self-contained (inline CSS, no external
 * assets, no script) and rendered once at class load: they are constant, so a request only sends a
 * view of shared bytes. They never include anything from the request, so nothing the client sent is
 * echoed back.
 */
public enum ErrorPage {

    /** The "default site": no enabled site has the request's host name. */
    NO_SITE(404, "Not Found", "No site here",
            "No site is configured for this host name.",
            "If you run this Gatehouse, add a site with this host name in the dashboard."),
    /** A site answered the host name but none of its routes matches the path. */
    NO_ROUTE(404, "Not Found", "Nothing at this path",
            "This site has no route for the requested path.",
            "If you run this Gatehouse, add a route for this path to the site in the dashboard."),
    /** The site's access list asks for a sign-in (basic auth), or the one given was wrong. Sent with WWW-Authenticate. */
    UNAUTHORIZED(401, "Unauthorized", "Sign-in required",
            "This site is protected: sign in with a user name and password to reach it.",
            "If you were given access, check your user name and password."),
    /** The site's access list refuses the client's address. */
    FORBIDDEN(403, "Forbidden", "Access denied",
            "This site does not accept requests from your network address.",
            "If you should have access, ask the site's administrator to allow your address."),
    /** The request matched one of the common-exploit rules. */
    BLOCKED(403, "Forbidden", "Request blocked",
            "This request looks like an attack or a vulnerability scan, so it was refused.",
            "If this is a legitimate request, the site's administrator can turn off exploit blocking for the site."),
    /** The request body is larger than the site allows. */
    PAYLOAD_TOO_LARGE(413, "Content Too Large", "Upload too large",
            "The request body is larger than this site accepts.",
            "Send a smaller file, or ask the site's administrator to raise the site's body size limit."),
    /** The request target is longer than the site allows. */
    URI_TOO_LONG(414, "URI Too Long", "Address too long",
            "The requested address (path and query) is longer than this site accepts.",
            "Check the link you followed."),
    /** More header bytes than the site allows. */
    HEADERS_TOO_LARGE(431, "Request Header Fields Too Large", "Request headers too large",
            "The request carries more header data (often cookies) than this site accepts.",
            "Clearing this site's cookies in your browser usually helps."),
    /** The client went over the site's rate limit. Sent with Retry-After. */
    TOO_MANY_REQUESTS(429, "Too Many Requests", "Slow down",
            "Too many requests came from your address in a short time.",
            "Wait a moment and try again."),
    /** The Host header is missing, repeated or not a host name. */
    BAD_HOST(400, "Bad Request", "Bad request",
            "The request did not name a valid host (its Host header is missing or malformed).",
            "Check the address you typed, or the client that sent this request."),
    /** The backend refused the connection, could not be reached, or closed it before answering. */
    BAD_GATEWAY(502, "Bad Gateway", "The site is not answering",
            "Gatehouse could not get a response from the server behind this site.",
            "The server may be down or restarting. Try again in a moment; if it persists, check the backend in the dashboard."),
    /**
     * Every server of the backend is at its connection limit and the wait queue is full, or the
     * request waited in it too long. Sent with {@code Retry-After}.
     */
    SERVICE_UNAVAILABLE(503, "Service Unavailable", "The site is busy",
            "The servers behind this site are handling as many requests as they are allowed to.",
            "Try again in a moment."),
    /** The backend did not answer within its response timeout. */
    GATEWAY_TIMEOUT(504, "Gateway Timeout", "The site took too long to answer",
            "The server behind this site did not respond in time.",
            "Try again in a moment; if it persists, check the backend's health and its response timeout in the dashboard.");

    private final int status;
    private final String reason;
    private final byte[] body;
    /** Shared, read-only and never freed: each response writes a duplicate of it. */
    private final ByteBuf shared;

    ErrorPage(int status, String reason, String heading, String explanation, String advice) {
        this.status = status;
        this.reason = reason;
        this.body = render(status, reason, heading, explanation, advice).getBytes(StandardCharsets.UTF_8);
        this.shared = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body).asReadOnly());
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The standard reason phrase of {@link #status()}. */
    public String reason() {
        return reason;
    }

    /** The page's content type. */
    public static String contentType() {
        return "text/html; charset=utf-8";
    }

    /** The page, UTF-8 HTML; a copy, for tests and non-Netty callers. */
    public byte[] bytes() {
        return body.clone();
    }

    /** Length of the page in bytes (for Content-Length). */
    public int length() {
        return body.length;
    }

    /**
     * A fresh view of the pre-rendered page, cheap to create and safe to hand to a channel write; the
     * shared bytes are neither copied nor ever released.
     */
    public ByteBuf content() {
        return shared.duplicate();
    }

    private static String render(int status, String reason, String heading, String explanation, String advice) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex">
                <title>%1$d %2$s · Gatehouse</title>
                <style>
                  :root { color-scheme: light dark; }
                  * { box-sizing: border-box; }
                  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
                         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                         background: #f4f6fa; color: #1d273b; }
                  main { max-width: 34rem; margin: 1.5rem; padding: 2.5rem 2.25rem; background: #fff; border-radius: 12px;
                         border: 1px solid #e3e7ee; box-shadow: 0 2px 12px rgba(29, 39, 59, .06); }
                  .brand { display: flex; align-items: center; gap: .5rem; font-weight: 600; letter-spacing: .02em;
                           color: #206bc4; margin-bottom: 1.75rem; }
                  .brand svg { width: 1.5rem; height: 1.5rem; }
                  .code { font-size: .875rem; font-weight: 600; color: #667382; text-transform: uppercase; letter-spacing: .06em; }
                  h1 { font-size: 1.5rem; line-height: 1.3; margin: .25rem 0 1rem; }
                  p { margin: 0 0 .75rem; color: #49566c; }
                  footer { margin-top: 1.75rem; font-size: .8125rem; color: #8a94a6; }
                  @media (prefers-color-scheme: dark) {
                    body { background: #151f2c; color: #e6e9ef; }
                    main { background: #1d2a3a; border-color: #2b3a4f; box-shadow: none; }
                    p { color: #b6c0cf; }
                  }
                </style>
                </head>
                <body>
                <main>
                  <div class="brand">
                    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 21V9l9-6 9 6v12"/><path d="M9 21v-6h6v6"/></svg>
                    Gatehouse
                  </div>
                  <div class="code">Error %1$d · %2$s</div>
                  <h1>%3$s</h1>
                  <p>%4$s</p>
                  <p>%5$s</p>
                  <footer>Served by Gatehouse reverse proxy</footer>
                </main>
                </body>
                </html>
                """.formatted(status, reason, heading, explanation, advice);
    }
}
