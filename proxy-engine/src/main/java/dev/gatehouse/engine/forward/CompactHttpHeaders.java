package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.DefaultHeaders.NameValidator;
import io.netty.handler.codec.DefaultHeaders.ValueValidator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * The headers of one proxied HTTP/1.1 message: names and values side by side in one array, looked up
 * by a linear, case-insensitive scan.
 *
 * <p>Why not Netty's {@code DefaultHttpHeaders}: it keeps a 16-bucket hash table and a linked entry
 * object per header, and hashes every name on every add and lookup. A proxied message has a handful
 * of headers, is looked at a few times and passed on; those structures were half of all the bytes
 * the engine allocated per request (JFR/async-profiler allocation profile of the HTTP/1.1 benchmark),
 * and a scan over ten names is no slower than hashing them. Behaviour is the same as
 * {@code DefaultHttpHeaders}: names compare ignoring ASCII case, insertion order is kept, names and
 * values are checked by the same validators on every add and set, dates are written as HTTP dates.
 */
final class CompactHttpHeaders extends HttpHeaders {

    /** Entries before the first growth; most requests and responses have fewer than eight headers. */
    private static final int INITIAL_ENTRIES = 8;

    /** Names at even indexes, their values at the next odd one; null until the first add. */
    private CharSequence[] entries;
    private int size;
    private final NameValidator<CharSequence> nameValidator;
    private final ValueValidator<CharSequence> valueValidator;

    CompactHttpHeaders(NameValidator<CharSequence> nameValidator, ValueValidator<CharSequence> valueValidator) {
        this.nameValidator = nameValidator;
        this.valueValidator = valueValidator;
    }

    /**
     * Makes {@link CompactHttpHeaders} with the validators of a Netty headers factory (so a factory
     * configured for {@code DefaultHttpHeaders} checks the same things here).
     */
    static HttpHeadersFactory factory(DefaultHttpHeadersFactory validation) {
        NameValidator<CharSequence> names = validation.getNameValidator();
        ValueValidator<CharSequence> values = validation.getValueValidator();
        return new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return new CompactHttpHeaders(names, values);
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return new CompactHttpHeaders(names, values);
            }
        };
    }

    /**
     * Like {@link #factory}, but for the messages of one connection that are done with before the
     * next one starts: the same headers object comes back each time, cleared. A backend connection's
     * responses are such messages: one exchange at a time, and a response's head (and trailers) are
     * written out, their headers copied into bytes or HTTP/2 frames, before its decoder starts the
     * next response. That spares a headers object and its array per response (an eighth of what the
     * engine allocated per proxied request).
     */
    static HttpHeadersFactory reusedPerMessage(DefaultHttpHeadersFactory validation) {
        NameValidator<CharSequence> names = validation.getNameValidator();
        ValueValidator<CharSequence> values = validation.getValueValidator();
        return new HttpHeadersFactory() {
            private CompactHttpHeaders current;

            @Override
            public HttpHeaders newHeaders() {
                CompactHttpHeaders headers = current;
                if (headers == null) {
                    headers = current = new CompactHttpHeaders(names, values);
                } else {
                    headers.clear();
                }
                return headers;
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return newHeaders();
            }
        };
    }

    // ---- lookups

    private int indexOf(CharSequence name, int from) {
        CharSequence[] e = entries;
        int length = name.length();
        for (int i = from, end = size << 1; i < end; i += 2) {
            CharSequence candidate = e[i];
            if (candidate.length() == length && AsciiString.contentEqualsIgnoreCase(candidate, name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : entries[i + 1].toString();
    }

    @Override
    public String get(CharSequence name, String defaultValue) {
        String value = get(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Integer getInt(CharSequence name) {
        return parsed(name, Integer::valueOf);
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer value = getInt(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Short getShort(CharSequence name) {
        return parsed(name, Short::valueOf);
    }

    /** The first value of {@code name} parsed; null when absent or not a number (as Netty's headers). */
    private <T> T parsed(CharSequence name, Function<String, T> parser) {
        String value = get(name);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short value = getShort(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return null;
        }
        Date date = DateFormatter.parseHttpDate(entries[i + 1]);
        return date == null ? null : date.getTime();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long value = getTimeMillis(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return Collections.emptyList();
        }
        int next = indexOf(name, i + 2);
        if (next < 0) {
            return Collections.singletonList(entries[i + 1].toString());
        }
        List<String> values = new ArrayList<>(4);
        values.add(entries[i + 1].toString());
        for (; next >= 0; next = indexOf(name, next + 2)) {
            values.add(entries[next + 1].toString());
        }
        return values;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> all = new ArrayList<>(size);
        for (int i = 0, end = size << 1; i < end; i += 2) {
            all.add(new SimpleImmutableEntry<>(entries[i].toString(), entries[i + 1].toString()));
        }
        return all;
    }

    @Override
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    /** Whether a value of {@code name} equals {@code value} as a whole (like {@code DefaultHttpHeaders}). */
    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            CharSequence candidate = entries[i + 1];
            if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(candidate, value) : AsciiString.contentEquals(candidate, value)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of the comma-separated elements of a value of {@code name} is {@code value}, trimmed. */
    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            if (containsCommaSeparatedTrimmed(entries[i + 1], value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsCommaSeparatedTrimmed(CharSequence list, CharSequence value, boolean ignoreCase) {
        int start = 0;
        int length = list.length();
        while (start <= length) {
            int comma = start;
            while (comma < length && list.charAt(comma) != ',') {
                comma++;
            }
            int from = start;
            int to = comma;
            while (from < to && isOws(list.charAt(from))) {
                from++;
            }
            while (to > from && isOws(list.charAt(to - 1))) {
                to--;
            }
            if (to - from == value.length() && regionEquals(list, from, value, ignoreCase)) {
                return true;
            }
            start = comma + 1;
        }
        return false;
    }

    /** What Netty trims around list elements: every character up to and including the space. */
    private static boolean isOws(char c) {
        return c <= ' ';
    }

    private static boolean regionEquals(CharSequence list, int from, CharSequence value, boolean ignoreCase) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char a = list.charAt(from + i);
            char b = value.charAt(i);
            if (a != b && (!ignoreCase || AsciiString.toLowerCase(a) != AsciiString.toLowerCase(b))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Iterator<String> valueStringIterator(CharSequence name) {
        Iterator<? extends CharSequence> values = valueCharSequenceIterator(name);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return values.hasNext();
            }

            @Override
            public String next() {
                return values.next().toString();
            }
        };
    }

    @Override
    public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
        return new Iterator<CharSequence>() {
            private int next = indexOf(name, 0);

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public CharSequence next() {
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                CharSequence value = entries[next + 1];
                next = indexOf(name, next + 2);
                return value;
            }
        };
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new EntryIterator<>(true);
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new EntryIterator<>(false);
    }

    private final class EntryIterator<T extends CharSequence> implements Iterator<Map.Entry<T, T>> {
        private final boolean strings;
        private int next;

        EntryIterator(boolean strings) {
            this.strings = strings;
        }

        @Override
        public boolean hasNext() {
            return next < size << 1;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map.Entry<T, T> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            CharSequence name = entries[next];
            CharSequence value = entries[next + 1];
            next += 2;
            return strings
                    ? (Map.Entry<T, T>) new SimpleImmutableEntry<>(name.toString(), value.toString())
                    : (Map.Entry<T, T>) new SimpleImmutableEntry<>(name, value);
        }
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0, end = size << 1; i < end; i += 2) {
            if (indexOf(entries[i], 0) == i) {
                names.add(entries[i].toString());
            }
        }
        return names;
    }

    // ---- changes

    private void append(CharSequence name, Object value) {
        nameValidator.validateName(name);
        CharSequence text = toText(value);
        valueValidator.validate(text);
        appendValidated(name, text);
    }

    private void appendValidated(CharSequence name, CharSequence text) {
        CharSequence[] e = entries;
        if (e == null) {
            e = entries = new CharSequence[INITIAL_ENTRIES << 1];
        } else if (size << 1 == e.length) {
            CharSequence[] grown = new CharSequence[e.length << 1];
            System.arraycopy(e, 0, grown, 0, e.length);
            e = entries = grown;
        }
        e[size << 1] = name;
        e[(size << 1) + 1] = text;
        size++;
    }

    /** Values as {@code DefaultHttpHeaders} writes them: text as is, dates as HTTP dates, the rest by toString. */
    private static CharSequence toText(Object value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        if (value instanceof CharSequence text) {
            return text;
        }
        if (value instanceof Date date) {
            return DateFormatter.format(date);
        }
        if (value instanceof Calendar calendar) {
            return DateFormatter.format(calendar.getTime());
        }
        return value.toString();
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        append(name, value);
        return this;
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        append(name, value);
        return this;
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        return add((CharSequence) name, values);
    }

    @Override
    public HttpHeaders add(CharSequence name, Iterable<?> values) {
        for (Object value : values) {
            append(name, value);
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        append(name, Integer.toString(value));
        return this;
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        append(name, Short.toString(value));
        return this;
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    /** Like {@code DefaultHttpHeaders}: every value of the name goes and the new one is added last. */
    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        nameValidator.validateName(name);
        CharSequence text = toText(value);
        valueValidator.validate(text);
        remove(name);
        appendValidated(name, text);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        return set((CharSequence) name, values);
    }

    @Override
    public HttpHeaders set(CharSequence name, Iterable<?> values) {
        nameValidator.validateName(name);
        remove(name);
        for (Object value : values) {
            append(name, value);
        }
        return this;
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        if (size > 0) {
            removeFrom(name, 0);
        }
        return this;
    }

    /** Removes every entry named {@code name} at or after entry index {@code from}, keeping the order of the rest. */
    private void removeFrom(CharSequence name, int from) {
        int first = indexOf(name, from);
        if (first < 0) {
            return;
        }
        CharSequence[] e = entries;
        int end = size << 1;
        int kept = first;
        for (int i = first + 2; i < end; i += 2) {
            CharSequence candidate = e[i];
            if (candidate.length() == name.length() && AsciiString.contentEqualsIgnoreCase(candidate, name)) {
                continue;
            }
            e[kept] = candidate;
            e[kept + 1] = e[i + 1];
            kept += 2;
        }
        for (int i = kept; i < end; i++) {
            e[i] = null;
        }
        size = kept >> 1;
    }

    @Override
    public HttpHeaders clear() {
        if (entries != null) {
            for (int i = 0, end = size << 1; i < end; i++) {
                entries[i] = null;
            }
        }
        size = 0;
        return this;
    }

    @Override
    public HttpHeaders copy() {
        CompactHttpHeaders copy = new CompactHttpHeaders(nameValidator, valueValidator);
        if (size > 0) {
            copy.entries = entries.clone();
            copy.size = size;
        }
        return copy;
    }

    /**
     * Writes every header as {@code name: value CRLF}, what Netty's encoder does through an entry
     * iterator, without the iterator and its entry objects. Header text is US-ASCII / Latin-1; a
     * character above 0xFF cannot appear (the value validator rejects control characters and
     * decoded values are bytes).
     */
    void encode(ByteBuf out) {
        CharSequence[] e = entries;
        for (int i = 0, end = size << 1; i < end; i += 2) {
            writeLine(out, e[i], e[i + 1]);
        }
    }

    /**
     * Writes any headers as {@code name: value CRLF} lines, as Netty's encoders do: {@link CompactHttpHeaders}
     * without an iterator, others (error pages, trailers built by Netty) through their entries.
     */
    static void encode(HttpHeaders headers, ByteBuf out) {
        if (headers instanceof CompactHttpHeaders compact) {
            compact.encode(out);
            return;
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            writeLine(out, header.getKey(), header.getValue());
        }
    }

    private static void writeLine(ByteBuf out, CharSequence name, CharSequence value) {
        writeAscii(out, name);
        out.writeShort((':' << 8) | ' ');
        writeAscii(out, value);
        out.writeShort(('\r' << 8) | '\n');
    }

    private static void writeAscii(ByteBuf out, CharSequence text) {
        if (text instanceof AsciiString ascii) {
            ByteBufUtil.copy(ascii, out);
        } else {
            out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        }
    }
}
