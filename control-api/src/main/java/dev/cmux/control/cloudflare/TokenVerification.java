package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Result of a token verify call: its id and {@code active | disabled | expired}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenVerification(String id, String status, @JsonProperty("expires_on") String expiresOn) {

    public boolean active() {
        return "active".equals(status);
    }
}
