package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Body of a reusable policy create or update (the spec's {@code access_policy_req}: name, decision and include are
 * required). {@code decision} is {@code allow} for people and {@code non_identity} (the dashboard's Service Auth)
 * for service tokens; an Allow policy would send a token to the login page (cloudflare.md §10.4).
 */
public record AccessPolicyRequest(String name, String decision, List<JsonNode> include) {

    static final String ALLOW = "allow";
    static final String SERVICE_AUTH = "non_identity";

    public AccessPolicyRequest {
        include = List.copyOf(include);
    }
}
