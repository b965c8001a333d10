package dev.gatehouse.engine;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JDK TLS client for looking at what the HTTPS listener presents: it sends the SNI name it is
 * told to (or none), trusts any certificate (the tests compare the presented certificate's serial
 * instead; curl tests check real verification), and speaks HTTP/1.1 by hand.
 *
 * <p>Every connection gets a fresh client context: the JDK caches client sessions by host and port
 * (here always 127.0.0.1), not by server name, and resuming one would show the certificate of
 * whichever name was asked for first.
 *
 * <p>Public, in the engine's test-jar, for the admin app's tests of the whole appliance.
 */
public final class TlsTestClient {

    /** What one request got: the status, headers (lower-case names), body, and the certificate presented. */
    record Exchange(int status, Map<String, String> headers, String body, BigInteger serial, String protocol) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private TlsTestClient() {
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sockets that trust any server certificate, e.g. to layer TLS over a socket that already sent something. */
    static SSLSocketFactory trustingFactory() {
        return trustAll().getSocketFactory();
    }

    /** A new TLS connection to 127.0.0.1, sending {@code sni} as server name (none when null), handshaken. */
    public static SSLSocket connect(int port, String sni) throws IOException {
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The certificate the server presents for this SNI name (none when null). */
    public static X509Certificate presentedCertificate(int port, String sni) throws IOException {
        try (SSLSocket socket = connect(port, sni)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** The serial of the certificate the server presents for this SNI name (none when null). */
    public static BigInteger presentedSerial(int port, String sni) throws IOException {
        try (SSLSocket socket = connect(port, sni)) {
            return serial(socket);
        }
    }

    static BigInteger serial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** One request on a new connection ({@code Connection: close}). */
    static Exchange get(int port, String sni, String host, String path) throws IOException {
        try (SSLSocket socket = connect(port, sni)) {
            write(socket, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return read(socket);
        }
    }

    static void write(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response framed by Content-Length (or, without one, until the connection closes). */
    static Exchange read(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && (matched % 2 == 0) == (b == '\r') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
        }
        return new Exchange(status, headers, new String(body, StandardCharsets.UTF_8), serial(socket),
                socket.getSession().getProtocol());
    }
}
