package dev.gatehouse.admin.site;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a form or API call asks a site to be. Values are raw user input; {@link HostnameValidator}
 * and {@link SiteService} check and normalize them.
 *
 * @param hostnames exact ({@code app.example.com}) or wildcard ({@code *.example.com}) names, in order
 * @param backend the name of an existing backend
 * @param enabled null means "enabled" for a new site and "keep as it is" for an existing one, so an
 *     edit form without the switch never silently re-enables a disabled site
 */
public record SiteCommand(List<String> hostnames, String backend, Boolean enabled) {

    public SiteCommand {
        hostnames = hostnames == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hostnames));
    }
}
