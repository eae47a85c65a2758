package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A self-hosted Access application as Cloudflare returns it. {@code json} is the whole answer: an update sends it
 * back with only our fields changed, as the API replaces the whole object on PUT (cloudflare.md §10.3).
 *
 * @param aud   the Application Audience tag the origin checks JWTs against; stable unless the app is recreated
 * @param hosts {@code domain} and the {@code destinations} URIs, lower case
 * @param links the linked policies in order
 */
public record AccessApp(String id, String aud, String domain, Set<String> hosts, List<PolicyLink> links,
                        ObjectNode json) {

    /** A policy linked to an app: {@code {"id", "precedence"}}, the form the API takes on create and update. */
    public record PolicyLink(String id, int precedence) {
    }

    /** Fields the API sets itself; sending them back is not documented, so updates leave them out. */
    private static final List<String> READ_ONLY = List.of("id", "uid", "aud", "created_at", "updated_at");

    static AccessApp from(JsonNode node) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(node.path("domain").asText().toLowerCase(Locale.ROOT));
        node.path("destinations").forEach(d -> hosts.add(d.path("uri").asText().toLowerCase(Locale.ROOT)));
        List<PolicyLink> links = new ArrayList<>();
        int precedence = 1;
        for (JsonNode p : node.path("policies")) {
            // GET answers expand the policies; a missing precedence means list order
            links.add(new PolicyLink(p.path("id").asText(), p.path("precedence").asInt(precedence)));
            precedence++;
        }
        return new AccessApp(node.path("id").asText(), node.path("aud").asText(), node.path("domain").asText(),
                Set.copyOf(hosts), List.copyOf(links), (ObjectNode) node.deepCopy());
    }

    public boolean links(String policyId) {
        return links.stream().anyMatch(l -> l.id().equals(policyId));
    }

    /**
     * This app as an update body: what the API returned, minus what it sets itself, with {@code links} as its
     * policies (GET expands them into objects, which the spec's oneOf refuses on the way back, §10.10).
     */
    ObjectNode asUpdate(List<PolicyLink> links) {
        ObjectNode body = json.deepCopy();
        READ_ONLY.forEach(body::remove);
        return withLinks(body, links);
    }

    /** {@code app} with {@code policies} set to {@code [{"id","precedence"}…]}, always sent (§10.3: null keeps them). */
    static ObjectNode withLinks(ObjectNode app, List<PolicyLink> links) {
        ArrayNode policies = app.putArray("policies");
        links.forEach(l -> policies.addObject().put("id", l.id()).put("precedence", l.precedence()));
        return app;
    }
}
