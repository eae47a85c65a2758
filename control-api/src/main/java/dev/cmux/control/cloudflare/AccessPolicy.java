package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A reusable Access policy ({@code /access/policies}); {@code include} rules are OR-ed (cloudflare.md §10.4). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccessPolicy(String id, String name, String decision, List<JsonNode> include) {

    /** Whether Cloudflare holds what {@code wanted} says, so that no update is needed. */
    boolean sameAs(AccessPolicyRequest wanted) {
        return name.equals(wanted.name()) && decision.equals(wanted.decision())
                && (include == null ? List.of() : include).equals(wanted.include());
    }
}
