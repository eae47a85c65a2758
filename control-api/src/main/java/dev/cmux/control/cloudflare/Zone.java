package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A DNS zone; {@code account.id} is the account that owns the tunnel when none is configured. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Zone(String id, String name, String status, Account account) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Account(String id, String name) {
    }

    String accountId() {
        return account == null ? null : account.id();
    }
}
