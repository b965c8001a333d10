package dev.gatehouse.admin.certificate.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the PEM blocks in pasted text. Our own scanner rather than BouncyCastle's PEMParser over the
 * whole text: PEMParser stops at the first bad block, and we want to name every bad block ("certificate
 * #2") and keep reading the others. Text between blocks (openssl's "Bag Attributes", "subject=" lines,
 * comments) is ignored, line ends may be CRLF/CR/LF and lines may be indented.
 */
final class PemBlocks {

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";

    private PemBlocks() {
    }

    /**
     * One block.
     *
     * @param label e.g. "CERTIFICATE", "RSA PRIVATE KEY"
     * @param headers RFC 1421 header lines ("Proc-Type: 4,ENCRYPTED"), trimmed
     * @param body the base64 lines, trimmed, without the BEGIN/END lines
     * @param complete false when the END line is missing (or another BEGIN comes first)
     */
    record Block(String label, List<String> headers, List<String> body, boolean complete) {

        /** The block re-assembled as canonical PEM, what PEMParser expects. */
        String canonicalText() {
            StringBuilder out = new StringBuilder(BEGIN).append(label).append(DASHES).append('\n');
            if (!headers.isEmpty()) {
                headers.forEach(h -> out.append(h).append('\n'));
                out.append('\n');
            }
            body.forEach(line -> out.append(line).append('\n'));
            return out.append("-----END ").append(label).append(DASHES).append('\n').toString();
        }

        /** The base64 body without any whitespace. */
        String base64() {
            return String.join("", body).replaceAll("\\s+", "");
        }
    }

    static List<Block> find(String rawText) {
        if (rawText == null || rawText.isEmpty()) {
            return List.of();
        }
        String text = rawText.replace("\r\n", "\n").replace('\r', '\n');
        List<Block> blocks = new ArrayList<>();
        int pos = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, pos);
            if (begin < 0) {
                return blocks;
            }
            int labelStart = begin + BEGIN.length();
            int labelEnd = text.indexOf(DASHES, labelStart);
            int lineEnd = lineEnd(text, labelStart);
            if (labelEnd < 0 || labelEnd > lineEnd) {
                blocks.add(new Block(text.substring(labelStart, lineEnd).trim(), List.of(), List.of(), false));
                pos = lineEnd;
                continue;
            }
            String label = text.substring(labelStart, labelEnd).trim();
            int contentStart = labelEnd + DASHES.length();
            String endLine = "-----END " + label + DASHES;
            int end = text.indexOf(endLine, contentStart);
            int nextBegin = text.indexOf(BEGIN, contentStart);
            if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
                blocks.add(new Block(label, List.of(), List.of(), false));
                pos = contentStart;
                continue;
            }
            blocks.add(parseContent(label, text.substring(contentStart, end)));
            pos = end + endLine.length();
        }
    }

    private static int lineEnd(String text, int from) {
        int newline = text.indexOf('\n', from);
        return newline < 0 ? text.length() : newline;
    }

    private static Block parseContent(String label, String content) {
        List<String> headers = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String rawLine : content.split("\n")) {
            String line = rawLine.trim();
            if (line.isEmpty()) {
                continue;
            }
            // Headers (RFC 1421) come before the base64 and always contain ':', which base64 never does.
            if (body.isEmpty() && line.indexOf(':') > 0) {
                headers.add(line);
            } else {
                body.add(line);
            }
        }
        return new Block(label, List.copyOf(headers), List.copyOf(body), true);
    }
}
