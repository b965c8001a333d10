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
 * here with {@code ?error}; logout lands on {@code ?logout}, a finished setup on {@code ?setup}.
 */
@PageController
public class LoginController {

    @GetMapping("/login")
    public String login(@RequestParam MultiValueMap<String, String> query, Model model) {
        model.addAttribute("loginError", query.containsKey("error"));
        if (query.containsKey("logout")) {
            model.addAttribute(FlashMessages.MODEL_ATTRIBUTE, Flash.success("Signed out."));
        } else if (query.containsKey("setup")) {
            model.addAttribute(FlashMessages.MODEL_ATTRIBUTE, Flash.success("Administrator created, sign in."));
        }
        return "login/index";
    }
}
