package dev.gatehouse.engine.config;

/**
 * Size limits on the requests a site accepts, on top of the engine-wide ones (a request line of
 * 8 KiB, 16 KiB of headers). 0 means "no limit of the site's own" for each.
 *
 * @param maxBodyBytes the largest request body; a larger Content-Length gets 413 at once, a chunked
 *     body that grows past it gets 413 (or, once the response has started, a closed connection) and
 *     the backend connection is dropped. Default 0: no limit (nginx's default of 1 MiB breaks uploads)
 * @param maxHeaderBytes the most header bytes (names and values) a request may carry; more gets 431.
 *     Default 0: the engine's 16 KiB
 * @param maxUrlLength the longest request target (path and query); longer gets 414. Default 0: the
 *     engine's 8 KiB
 */
public record RequestLimits(long maxBodyBytes, int maxHeaderBytes, int maxUrlLength) {

    /** No limits of a site's own. */
    public static final RequestLimits NONE = new RequestLimits(0, 0, 0);

    public boolean none() {
        return maxBodyBytes == 0 && maxHeaderBytes == 0 && maxUrlLength == 0;
    }
}
