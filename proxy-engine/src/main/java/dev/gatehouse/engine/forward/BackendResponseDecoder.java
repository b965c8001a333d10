package dev.gatehouse.engine.forward;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Decodes a backend's responses. A response to HEAD has headers only, whatever its Content-Length
 * says; an HTTP client codec learns the method from the requests it encodes, here the connection
 * knows it (one request at a time per backend connection), which spares a combined codec's
 * bookkeeping and delegation on every message.
 */
final class BackendResponseDecoder extends HttpResponseDecoder {

    private final BackendConnection connection;

    BackendResponseDecoder(HttpDecoderConfig config, BackendConnection connection) {
        super(config);
        this.connection = connection;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        if (connection.headRequest && msg instanceof HttpResponse response && response.status().code() >= 200) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
