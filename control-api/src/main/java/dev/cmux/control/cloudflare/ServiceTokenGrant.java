package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code access token create NAME}: a service token for a program, let in by the Service Auth policy of the tunnel's
 * Access application. The token is referenced by its {@code id} in a {@code service_token} include of a
 * {@code non_identity} policy: an Allow policy would send the program to the login page (cloudflare.md §10.4).
 */
public record ServiceTokenGrant(CloudflareClient client, TunnelSpec spec) {

    /**
     * Creates the token and lets it in; the answer is the only one carrying its secret. Everything that could refuse
     * (no app yet, the name taken) is checked before the first change.
     *
     * @throws IllegalStateException    when setup has not made the Access application yet
     * @throws IllegalArgumentException when a token of that name exists
     */
    public ServiceToken create(String name) {
        String account = new TunnelSiteLocator(client).locate(spec).accountId();
        AccessApplication application = new AccessApplication(spec);
        AccessApp app = client.accessAppsFor(account, application.domain()).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("There is no Access application for "
                        + application.domain() + " yet: run `tunnel setup --access-allow …` first."));
        if (!client.serviceTokensNamed(account, name).isEmpty()) {
            throw new IllegalArgumentException("A service token named " + name + " exists already, and Cloudflare"
                    + " shows a secret only once: choose another name.");
        }
        Optional<AccessPolicy> policy = client.accessPolicyNamed(account, application.serviceTokenPolicyName());
        ServiceToken token = client.createServiceToken(account, name);
        List<JsonNode> include = new ArrayList<>(policy.map(AccessPolicy::include).orElse(List.of()));
        include.add(rule(token));
        AccessPolicyRequest wanted = new AccessPolicyRequest(application.serviceTokenPolicyName(),
                AccessPolicyRequest.SERVICE_AUTH, include);
        AccessPolicy saved = policy.isEmpty() ? client.createAccessPolicy(account, wanted)
                : client.updateAccessPolicy(account, policy.get().id(), wanted);
        if (!app.links(saved.id())) {
            client.updateAccessApp(account, app.id(), app.asUpdate(AccessApplication.linksWith(app, saved.id())));
        }
        return token;
    }

    /** {@code {"service_token":{"token_id":<id>}}}: the token's id, not its client id (§10.4). */
    private static JsonNode rule(ServiceToken token) {
        ObjectNode rule = JsonNodeFactory.instance.objectNode();
        rule.putObject("service_token").put("token_id", token.id());
        return rule;
    }
}
