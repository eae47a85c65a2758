package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of a DNS create or overwrite. {@code ttl} 1 means automatic and is always sent (newer API requires it). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsRecordRequest(String type, String name, String content, boolean proxied, int ttl, String comment) {

    static final String COMMENT = "managed by cmux-gateway";

    /** The record that sends {@code name} into a tunnel. */
    static DnsRecordRequest tunnelCname(String name, String target) {
        return new DnsRecordRequest("CNAME", name, target, true, 1, COMMENT);
    }
}
