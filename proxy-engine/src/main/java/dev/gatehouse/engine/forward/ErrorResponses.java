package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.errorpage.ErrorPage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** Writes an {@link ErrorPage} as a reactor-netty server response. */
public final class ErrorResponses {

    private static final AsciiString HTML = AsciiString.cached(ErrorPage.contentType());
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

    private ErrorResponses() {
    }

    /**
     * Sends the page, replacing whatever status and headers the response had. The response must not
     * have sent its headers yet.
     */
    public static Publisher<Void> send(HttpServerResponse response, HttpMethod method, ErrorPage page) {
        if (response.hasSentHeaders()) {
            return Mono.error(new IllegalStateException("response headers already sent; cannot send " + page));
        }
        response.status(HttpResponseStatus.valueOf(page.status()));
        HttpHeaders headers = response.responseHeaders();
        headers.clear();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HTML);
        headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        if (HttpMethod.HEAD.equals(method)) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, page.length());
            return response.send();
        }
        return response.sendObject(page.content()).then();
    }
}
