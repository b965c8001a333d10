package dev.gatehouse.admin.login;

import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in page. Spring Security handles the POST to {@code /login} and sends the browser back
 * here with {@code ?error}, or {@code ?throttled=<seconds>} while sign-ins are refused after too many
 * failures ({@code LoginThrottle}); logout lands on {@code ?logout}, a finished setup on {@code ?setup},
 * a session that timed out (or a code step left too long) on {@code ?expired}. Users with two-factor
 * sign-in continue at {@link TwoFactorLoginController}.
 */
@PageController
public class LoginController {

    /** Longest wait the page repeats from the query (the throttle's longest is 15 minutes). */
    static final long MAX_THROTTLED_SECONDS = 24 * 60 * 60;

    @GetMapping("/login")
    public String login(@RequestParam MultiValueMap<String, String> query, Model model) {
        Long throttledSeconds = throttledSeconds(query.getFirst("throttled"));
        model.addAttribute("throttledSeconds", throttledSeconds);
        model.addAttribute("loginError", throttledSeconds == null && query.containsKey("error"));
        if (query.containsKey("logout")) {
            model.addAttribute(FlashMessages.MODEL_ATTRIBUTE, Flash.success("Signed out."));
        } else if (query.containsKey("expired")) {
            model.addAttribute(FlashMessages.MODEL_ATTRIBUTE, Flash.danger("Your session ended; please sign in again."));
        } else if (query.containsKey("setup")) {
            model.addAttribute(FlashMessages.MODEL_ATTRIBUTE, Flash.success("Administrator created, sign in."));
        }
        return "login/index";
    }

    /** The wait from {@code ?throttled=}, or null when absent or not a sane number of seconds. */
    static Long throttledSeconds(String text) {
        if (text == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(text.strip());
            return seconds >= 1 && seconds <= MAX_THROTTLED_SECONDS ? seconds : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
