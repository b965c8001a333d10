package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.certificate.bundle.CertificateBundleReader;
import dev.gatehouse.admin.certificate.bundle.CertificateInput;
import dev.gatehouse.admin.common.ValidationException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a multipart upload (the dashboard's form, or {@code curl -F}) into a {@link CertificateInput}.
 *
 * <p>Part names: {@code name}, {@code certificate} (PEM chain, a file or pasted text),
 * {@code privateKey} (PEM key, file or text), {@code keyPassphrase}, {@code pkcs12} (a .p12/.pfx
 * file) and {@code pkcs12Password}. A name may appear twice (the form has a file picker and a text
 * box for the same thing): the non-empty values are joined, so either works. Each part is read with
 * a limit, so an oversized file is refused by name before it is held in memory whole.
 */
public final class CertificateUploads {

    public static final String NAME = "name";
    public static final String CERTIFICATE = "certificate";
    public static final String PRIVATE_KEY = "privateKey";
    public static final String KEY_PASSPHRASE = "keyPassphrase";
    public static final String PKCS12 = "pkcs12";
    public static final String PKCS12_PASSWORD = "pkcs12Password";

    private CertificateUploads() {
    }

    /** The certificate's requested name and what was uploaded. */
    public record Upload(String name, CertificateInput input) {
    }

    public static Mono<Upload> read(MultiValueMap<String, Part> parts) {
        return Mono.zip(text(parts, NAME), text(parts, CERTIFICATE), text(parts, PRIVATE_KEY),
                        text(parts, KEY_PASSPHRASE), bytes(parts, PKCS12), text(parts, PKCS12_PASSWORD))
                .map(values -> {
                    String name = values.getT1();
                    byte[] pkcs12 = values.getT5();
                    CertificateInput input = pkcs12.length > 0
                            ? CertificateInput.pkcs12(pkcs12, values.getT6())
                            : CertificateInput.pem(values.getT2(), values.getT3(), values.getT4());
                    return new Upload(name, input);
                });
    }

    private static Mono<String> text(MultiValueMap<String, Part> parts, String name) {
        return bytes(parts, name).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** The non-empty parts called {@code name}, joined; empty when there are none. */
    private static Mono<byte[]> bytes(MultiValueMap<String, Part> parts, String name) {
        List<Part> named = parts.getOrDefault(name, List.of());
        return Flux.fromIterable(named)
                .concatMap(part -> content(part, name))
                .filter(bytes -> bytes.length > 0)
                .reduce(new ByteArrayOutputStream(), (out, bytes) -> {
                    if (out.size() > 0) {
                        out.write('\n');
                    }
                    out.writeBytes(bytes);
                    if (out.size() > CertificateBundleReader.MAX_INPUT_BYTES) {
                        throw tooLarge(name);
                    }
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    private static Mono<byte[]> content(Part part, String name) {
        if (part instanceof FormFieldPart field) {
            byte[] bytes = field.value().getBytes(StandardCharsets.UTF_8);
            return bytes.length > CertificateBundleReader.MAX_INPUT_BYTES ? Mono.error(tooLarge(name)) : Mono.just(bytes);
        }
        if (part instanceof FilePart file && file.filename().isEmpty()) {
            // A file input left empty in a browser form still sends a part with no file name.
            return Mono.just(new byte[0]);
        }
        return DataBufferUtils.join(part.content(), CertificateBundleReader.MAX_INPUT_BYTES)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(name))
                .defaultIfEmpty(new byte[0]);
    }

    private static ValidationException tooLarge(String field) {
        return new ValidationException(field, field + " is larger than 1 MiB; certificates and keys are a few KiB");
    }
}
