package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.web.FormLists;
import java.util.Set;

/** What the backend form posts: a name and its servers, one {@code host:port} per line. */
public class BackendForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("name", "servers");

    /** The backend's name; default empty. */
    private String name = "";
    /** One {@code host:port} per line (commas also separate); default empty. */
    private String servers = "";

    public static BackendForm from(BackendView backend) {
        BackendForm form = new BackendForm();
        form.setName(backend.name());
        form.setServers(FormLists.join(backend.servers()));
        return form;
    }

    public BackendCommand toCommand() {
        return new BackendCommand(name == null ? "" : name.trim(), FormLists.split(servers));
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getServers() {
        return servers;
    }

    public void setServers(String servers) {
        this.servers = servers;
    }
}
