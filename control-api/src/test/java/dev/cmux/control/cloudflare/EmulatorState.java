package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Everything the emulated Cloudflare account holds. Guarded by the emulator's lock. */
final class EmulatorState {

    enum TokenKind { USER, ACCOUNT }

    /** An API token: who owns it, which accounts it reaches and what it may do. */
    record Grant(String id, TokenKind kind, Set<String> accountIds, Set<Permission> permissions, String status) {
        boolean may(Permission p, String accountId) {
            return permissions.contains(p) && accountIds.contains(accountId);
        }
    }

    record Zone(String id, String name, String accountId) {
    }

    static final class TunnelEntry {
        final ObjectNode json;
        final String secret;
        /** The cloudflared processes connected to it, as {@code /connections} lists them. */
        final List<CloudflareEmulator.Connector> connectors = new ArrayList<>();
        ObjectNode config;
        int version;

        TunnelEntry(ObjectNode json, String secret) {
            this.json = json;
            this.secret = secret;
        }

        String id() {
            return json.get("id").asText();
        }

        String accountId() {
            return json.get("account_tag").asText();
        }

        boolean deleted() {
            return !json.get("deleted_at").isNull();
        }
    }

    /** An account's Zero Trust organization, apps, reusable policies and service tokens (cloudflare.md §10). */
    static final class AccessAccount {
        final ObjectNode organization;
        /** app id → app JSON; {@code policies} hold links {id, precedence}, expanded on output. */
        final Map<String, ObjectNode> apps = new LinkedHashMap<>();
        final Map<String, ObjectNode> policies = new LinkedHashMap<>();
        /** token id → token JSON without the secret, which is shown only once. */
        final Map<String, ObjectNode> serviceTokens = new LinkedHashMap<>();

        AccessAccount(ObjectNode organization) {
            this.organization = organization;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    static final DateTimeFormatter RFC3339_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    final Map<String, String> accounts = new LinkedHashMap<>();
    final Map<String, Grant> tokens = new LinkedHashMap<>();
    final Map<String, Zone> zones = new LinkedHashMap<>();
    /** record id → record JSON (with a hidden {@code zone} key stripped on output). */
    final Map<String, ObjectNode> records = new LinkedHashMap<>();
    final Map<String, TunnelEntry> tunnels = new LinkedHashMap<>();
    /** account id → its Access organization; absent: Zero Trust was never enabled (403/9999). */
    final Map<String, AccessAccount> access = new LinkedHashMap<>();

    static String hex32() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String hex64() {
        return hex32() + hex32();
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static String now() {
        return RFC3339_MICROS.format(Instant.now());
    }

    static String randomToken(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
