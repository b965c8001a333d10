package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.web.FormLists;
import dev.gatehouse.storage.settings.ListenerSettings;
import java.util.Set;

/**
 * What the Settings page's "Load balancers in front" card posts: one address or CIDR block per line (or
 * comma-separated), kept as typed so a rejected entry is shown back with its message.
 */
public class ListenerForm {

    /** The card's controls; problems about anything else are shown above it. */
    static final Set<String> FIELDS = Set.of(ListenerSettingsService.FIELD);

    /** Load balancers whose PROXY protocol header is believed, as typed; default empty = none. */
    private String proxyProtocolFrom = "";

    public static ListenerForm from(ListenerSettings listeners) {
        ListenerForm form = new ListenerForm();
        form.setProxyProtocolFrom(FormLists.join(listeners.proxyProtocolFrom()));
        return form;
    }

    public ListenerCommand toCommand() {
        return new ListenerCommand(FormLists.split(proxyProtocolFrom));
    }

    public String getProxyProtocolFrom() {
        return proxyProtocolFrom;
    }

    public void setProxyProtocolFrom(String proxyProtocolFrom) {
        this.proxyProtocolFrom = proxyProtocolFrom;
    }
}
