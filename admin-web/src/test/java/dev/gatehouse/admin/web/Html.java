package dev.gatehouse.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;

/**
 * Reads the few things page tests check in rendered HTML: a control's start tag, the error shown
 * under a field, the flash message. Deliberately tied to the ids and classes the templates promise
 * (forms.html: {@code <field>-error}; layout.html: {@code #flash}).
 */
public final class Html {

    private Html() {
    }

    /** The start tag of the form control (input, textarea, select) named {@code name}. */
    public static String control(String html, String name) {
        Matcher tag = Pattern.compile("<(input|textarea|select)\\b[^>]*\\bname=\"" + Pattern.quote(name) + "\"[^>]*>")
                .matcher(html);
        assertThat(tag.find()).as("a form control named '%s' in%n%s", name, html).isTrue();
        return tag.group();
    }

    /** The value of attribute {@code attribute} in start tag {@code tag}, unescaped; null when absent. */
    public static String attribute(String tag, String attribute) {
        Matcher value = Pattern.compile("\\s" + Pattern.quote(attribute) + "=\"([^\"]*)\"").matcher(tag);
        return value.find() ? HtmlUtils.htmlUnescape(value.group(1)) : null;
    }

    /** The text of the textarea named {@code name}, unescaped. */
    public static String textarea(String html, String name) {
        Matcher textarea = Pattern.compile("<textarea\\b[^>]*\\bname=\"" + Pattern.quote(name) + "\"[^>]*>(.*?)</textarea>",
                Pattern.DOTALL).matcher(html);
        assertThat(textarea.find()).as("a textarea named '%s'", name).isTrue();
        // HTML drops one newline directly after <textarea>; Thymeleaf writes one when the value starts with one.
        return HtmlUtils.htmlUnescape(textarea.group(1).replaceFirst("^\\n", ""));
    }

    /** The error text shown under field {@code field}, unescaped; null when the field shows none. */
    public static String fieldError(String html, String field) {
        Matcher error = Pattern.compile("<div\\b[^>]*\\bid=\"" + Pattern.quote(field) + "-error\"[^>]*>(.*?)</div>",
                Pattern.DOTALL).matcher(html);
        return error.find() ? text(error.group(1)) : null;
    }

    /** The messages of the "not saved" box above a form (problems no single field owns). */
    public static List<String> formErrors(String html) {
        List<String> messages = new ArrayList<>();
        int box = html.indexOf("id=\"form-errors\"");
        if (box < 0) {
            return messages;
        }
        // The box holds a title and one <div> per message; the form's first field follows it.
        int end = html.indexOf("class=\"mb-3\"", box);
        Matcher line = Pattern.compile("<div>([^<]*)</div>").matcher(html.substring(box, end < 0 ? html.length() : end));
        while (line.find()) {
            messages.add(text(line.group(1)));
        }
        return messages;
    }

    /** The flash message's text, or null when the page shows none. */
    public static String flash(String html) {
        Matcher flash = Pattern.compile("<div\\b[^>]*\\bid=\"flash\"[^>]*>.*?</div>\\s*<div>(.*?)</div>", Pattern.DOTALL)
                .matcher(html);
        return flash.find() ? text(flash.group(1)) : null;
    }

    /** The flash message's level class (alert-success / alert-danger), or null. */
    public static String flashLevel(String html) {
        Matcher flash = Pattern.compile("<div\\b[^>]*\\bid=\"flash\"[^>]*>").matcher(html);
        if (!flash.find()) {
            return null;
        }
        String classes = attribute(flash.group(), "class");
        return classes.contains("alert-success") ? "success" : classes.contains("alert-danger") ? "danger" : classes;
    }

    private static String text(String markup) {
        return HtmlUtils.htmlUnescape(markup.replaceAll("<br\\s*/?>", "\n").replaceAll("<[^>]+>", "")).trim();
    }
}
