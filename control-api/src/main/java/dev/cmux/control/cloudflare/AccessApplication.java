package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Access application in front of the tunnel's hostnames, and the names of the policies setup and
 * {@code access token create} own, all derived from the {@link TunnelSpec}: one place for what teardown must find
 * again.
 */
public record AccessApplication(TunnelSpec spec) {

    /** The app's primary hostname: the wildcard covers every {@code port-P-vm-V} name (one label deep, §10.3). */
    public String domain() {
        return spec.wildcardName();
    }

    /** Every hostname the tunnel serves: the wildcard, and {@code pve.<domain>} and the control API when routed. */
    public List<String> hosts() {
        return spec.dnsNames();
    }

    public String name() {
        return spec.tunnelName() + " " + domain();
    }

    /** The policy that lets the people of {@code --access-allow} in. */
    public String allowPolicyName() {
        return spec.tunnelName() + " allow " + domain();
    }

    /** The Service Auth policy that lets the service tokens of {@code access token create} in. */
    public String serviceTokenPolicyName() {
        return spec.tunnelName() + " service tokens " + domain();
    }

    /**
     * The self-hosted app body: on {@code base} (an existing app's update body, else empty) our fields, and the
     * policy links in order. Hostnames go in {@code destinations}, which replaced {@code self_hosted_domains}
     * (cloudflare.md §10.3); machines get a 401 rather than the login page, and the app stays off the launcher.
     */
    ObjectNode body(AccessApp base, List<AccessApp.PolicyLink> links) {
        ObjectNode app = base == null ? JsonNodeFactory.instance.objectNode() : base.asUpdate(links);
        app.put("type", "self_hosted").put("name", app.path("name").asText(name())).put("domain", domain());
        ArrayNode destinations = app.putArray("destinations");
        hosts().forEach(h -> destinations.addObject().put("type", "public").put("uri", h));
        app.put("app_launcher_visible", false).put("service_auth_401_redirect", true);
        return AccessApp.withLinks(app, links);
    }

    /** Whether {@code app} already serves exactly our hostnames and links {@code policyId}. */
    boolean isDone(AccessApp app, String policyId) {
        return app.domain().equalsIgnoreCase(domain()) && app.hosts().equals(Set.copyOf(hosts()))
                && app.links(policyId) && !app.json().path("app_launcher_visible").asBoolean(true)
                && app.json().path("service_auth_401_redirect").asBoolean(false);
    }

    /** {@code app}'s links with {@code policyId} added after them when it is missing. */
    static List<AccessApp.PolicyLink> linksWith(AccessApp app, String policyId) {
        List<AccessApp.PolicyLink> links = new ArrayList<>(app == null ? List.of() : app.links());
        if (links.stream().noneMatch(l -> l.id().equals(policyId))) {
            int next = links.stream().mapToInt(AccessApp.PolicyLink::precedence).max().orElse(0) + 1;
            links.add(new AccessApp.PolicyLink(policyId, next));
        }
        return links;
    }
}
