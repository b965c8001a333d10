package dev.gatehouse.admin.certificate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * What the certificate upload form shows again after a rejected Save or a Check: the name, the
 * chosen format and the pasted chain, and nothing secret. The private key, its passphrase, the
 * PKCS#12 file and its password always read back empty (their getters exist so problems can be shown
 * next to those fields), and a private key pasted into the chain box is cut out, so a re-rendered page
 * never carries key material. File inputs cannot be filled in by a server at all; the names of the
 * files picked are kept to tell the user which ones to pick again.
 *
 * <p>Built from the multipart parts by {@link #from}, not by data binding: the same part names carry a
 * file and a text each, and only the texts listed here may come back.
 */
public class CertificateForm {

    /** Format radio value: PEM chain + key (files or pasted text). The default. */
    public static final String PEM = "pem";
    /** Format radio value: one .p12/.pfx file and its password. */
    public static final String PKCS12 = "pkcs12";
    /** The part carrying the format radio. */
    static final String FORMAT = "format";

    /** The controls problems are shown next to (the fields of {@code CertificateService}'s problems). */
    static final Set<String> FIELDS = Set.of(CertificateUploads.NAME, CertificateUploads.CERTIFICATE,
            CertificateUploads.PRIVATE_KEY, CertificateUploads.KEY_PASSPHRASE, CertificateUploads.PKCS12,
            CertificateUploads.PKCS12_PASSWORD);

    private static final Set<String> PEM_PARTS = Set.of(CertificateUploads.CERTIFICATE, CertificateUploads.PRIVATE_KEY,
            CertificateUploads.KEY_PASSPHRASE);
    private static final Set<String> PKCS12_PARTS = Set.of(CertificateUploads.PKCS12, CertificateUploads.PKCS12_PASSWORD);

    /** A PEM private key block (PKCS#1, PKCS#8, encrypted, EC), or its start when the end is missing. */
    private static final Pattern PRIVATE_KEY_BLOCK = Pattern.compile(
            "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)", Pattern.DOTALL);

    /** Requested name; default empty = derived from the certificate's first host name. */
    private String name = "";
    /** {@link #PEM} or {@link #PKCS12}; default PEM. */
    private String format = PEM;
    /** The pasted chain (never file contents); default empty. */
    private String certificate = "";
    /** Names of the files that were picked, which the browser will not send again by itself. */
    private List<String> pickedFiles = List.of();
    /** Whether a key, passphrase, password or PKCS#12 file was sent and is not shown again. */
    private boolean secretsCleared;

    /** The empty form: PEM, nothing filled in. */
    public CertificateForm() {
    }

    /** What to show again of a posted form; reads only the parts' texts and file names, never file contents. */
    public static CertificateForm from(MultiValueMap<String, Part> parts) {
        CertificateForm form = new CertificateForm();
        form.name = text(parts, CertificateUploads.NAME).trim();
        form.format = PKCS12.equals(text(parts, FORMAT).trim()) ? PKCS12 : PEM;
        String pasted = text(parts, CertificateUploads.CERTIFICATE);
        String withoutKeys = PRIVATE_KEY_BLOCK.matcher(pasted).replaceAll("").strip();
        form.certificate = withoutKeys.equals(pasted.strip()) ? pasted : withoutKeys;
        List<String> files = new ArrayList<>();
        boolean secrets = !withoutKeys.equals(pasted.strip());
        for (String partName : form.relevantParts()) {
            for (Part part : parts.getOrDefault(partName, List.of())) {
                if (part instanceof FilePart file && !file.filename().isEmpty()) {
                    files.add(file.filename());
                    secrets |= !partName.equals(CertificateUploads.CERTIFICATE);
                } else if (part instanceof FormFieldPart field && !field.value().isEmpty()) {
                    secrets |= !partName.equals(CertificateUploads.CERTIFICATE);
                }
            }
        }
        form.pickedFiles = Collections.unmodifiableList(files);
        form.secretsCleared = secrets;
        return form;
    }

    /**
     * The parts of the chosen format only, plus the name: inputs of the hidden format (a file picked
     * there, then the other format chosen) must not be read as part of this upload.
     */
    public MultiValueMap<String, Part> selectedParts(MultiValueMap<String, Part> parts) {
        MultiValueMap<String, Part> selected = new LinkedMultiValueMap<>();
        Set<String> keep = relevantParts();
        parts.forEach((partName, values) -> {
            if (partName.equals(CertificateUploads.NAME) || keep.contains(partName)) {
                selected.put(partName, values);
            }
        });
        return selected;
    }

    private Set<String> relevantParts() {
        return pkcs12Chosen() ? PKCS12_PARTS : PEM_PARTS;
    }

    /** The text parts called {@code name}, joined by newlines (file parts are skipped). */
    private static String text(MultiValueMap<String, Part> parts, String name) {
        StringBuilder text = new StringBuilder();
        for (Part part : parts.getOrDefault(name, List.of())) {
            if (part instanceof FormFieldPart field && !field.value().isEmpty()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(field.value());
            }
        }
        return text.toString();
    }

    public boolean pkcs12Chosen() {
        return PKCS12.equals(format);
    }

    public String getName() {
        return name;
    }

    public String getFormat() {
        return format;
    }

    public String getCertificate() {
        return certificate;
    }

    /** Always empty: a private key is never sent back to the browser. */
    public String getPrivateKey() {
        return "";
    }

    /** Always empty. */
    public String getKeyPassphrase() {
        return "";
    }

    /** Always empty: a file input cannot be re-filled. */
    public String getPkcs12() {
        return "";
    }

    /** Always empty. */
    public String getPkcs12Password() {
        return "";
    }

    public List<String> getPickedFiles() {
        return pickedFiles;
    }

    public boolean isSecretsCleared() {
        return secretsCleared;
    }

    /** Names and sizes only, like {@code CertificateInput}: the pasted text may be long. */
    @Override
    public String toString() {
        return "CertificateForm[name=" + name + ", format=" + format + ", certificate=" + certificate.length()
                + " chars, pickedFiles=" + pickedFiles + ", secretsCleared=" + secretsCleared + "]";
    }
}
