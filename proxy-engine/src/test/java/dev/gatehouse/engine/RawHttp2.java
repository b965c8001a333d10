package dev.gatehouse.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 on the wire, for tests whose clients must misbehave exactly (floods, stalls): the frame
 * types and flags they use, a frame encoder and HPACK request blocks made of literals.
 */
final class RawHttp2 {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    private RawHttp2() {
    }

    /** One frame: the 9-byte header (length, type, flags, stream) and the payload. */
    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /** A 32-bit big-endian value: a WINDOW_UPDATE increment, or a setting's value after its 16-bit id. */
    static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** An HPACK header block for {@code method path} on http://a.test: literals, no dynamic table. */
    static byte[] request(String method, String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        literal(out, 2, method);   // :method
        out.write(0x86);            // :scheme http (static table)
        literal(out, 4, path);     // :path
        literal(out, 1, "a.test"); // :authority
        return out.toByteArray();
    }

    /** HPACK literal header field without indexing, its name from the static table (index < 15). */
    private static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
        out.write(nameIndex);
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }
}
