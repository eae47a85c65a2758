package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An Access service token. {@code clientSecret} is set only in the answer to its creation, the one time Cloudflare
 * shows it (cloudflare.md §10.5); {@link #toString()} leaves it out so that no log can carry it.
 *
 * @param id       what policies reference ({@code service_token.token_id})
 * @param clientId what a program sends as {@code CF-Access-Client-Id}; the JWT's {@code common_name}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceToken(String id, String name, @JsonProperty("client_id") String clientId,
                           @JsonProperty("client_secret") String clientSecret,
                           @JsonProperty("expires_at") String expiresAt) {

    @Override
    public String toString() {
        return "ServiceToken[id=" + id + ", name=" + name + ", clientId=" + clientId + ", expiresAt=" + expiresAt + "]";
    }
}
