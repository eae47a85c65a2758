package dev.cmux.control.cloudflare;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Verifies the token and finds the zone, account and tunnel a {@link TunnelSpec} refers to. Reads only. */
final class TunnelSiteLocator {

    private final CloudflareClient client;

    TunnelSiteLocator(CloudflareClient client) {
        this.client = client;
    }

    TunnelSite locate(TunnelSpec spec) {
        List<String> warnings = new ArrayList<>();
        if (spec.accountId() != null) {
            verifyToken(spec.accountId());
        }
        Zone zone = zone(spec, warnings);
        String accountId = spec.accountId() != null ? spec.accountId() : zone.accountId();
        if (accountId == null) {
            throw new IllegalArgumentException("The account of zone " + zone.id()
                    + " is unknown: set CF_ACCOUNT_ID to the account that should own the tunnel.");
        }
        if (spec.accountId() == null) {
            verifyToken(accountId);
        }
        warnDepth(spec, zone, warnings);
        Optional<Tunnel> tunnel = client.tunnelNamed(accountId, spec.tunnelName());
        return new TunnelSite(accountId, zone, tunnel, List.copyOf(warnings));
    }

    /**
     * User-owned and account-owned tokens have separate verify endpoints and each answers 401 for the
     * other kind, so try the account one and fall back to the user one.
     */
    private void verifyToken(String accountId) {
        TokenVerification token;
        try {
            token = client.verifyAccountToken(accountId);
        } catch (CloudflareApiException accountFailed) {
            if (accountFailed.httpStatus() != 401 && accountFailed.httpStatus() != 403
                    && accountFailed.httpStatus() != 404) {
                throw accountFailed;
            }
            token = client.verifyUserToken();
        }
        if (!token.active()) {
            throw new CloudflareApiException("The Cloudflare API token is " + token.status()
                    + ": enable it or create a new one and set CF_API_TOKEN.", 200, List.of());
        }
    }

    /** Walks up the domain's labels (sandbox.example.com, example.com) until a zone matches. */
    private Zone zone(TunnelSpec spec, List<String> warnings) {
        String candidate = spec.domain();
        try {
            while (candidate.indexOf('.') > 0) {
                Optional<Zone> zone = client.zoneNamed(candidate);
                if (zone.isPresent()) {
                    if (spec.zoneId() != null && !spec.zoneId().equals(zone.get().id())) {
                        throw new IllegalArgumentException("CF_ZONE_ID " + spec.zoneId() + " is not the zone of "
                                + spec.domain() + " (that is " + zone.get().name() + ", id " + zone.get().id()
                                + "); fix or unset CF_ZONE_ID.");
                    }
                    return zone.get();
                }
                candidate = candidate.substring(candidate.indexOf('.') + 1);
            }
        } catch (CloudflareApiException e) {
            if (spec.zoneId() == null || e.httpStatus() != 403) {
                throw e;
            }
            // a token without Zone · Zone · Read still works when the zone id is configured
        }
        if (spec.zoneId() != null) {
            warnings.add("Could not read the zone " + spec.zoneId() + " (the token lacks "
                    + Permission.ZONE_READ.label() + "), so whether sandbox names are covered by Universal SSL"
                    + " was not checked.");
            return new Zone(spec.zoneId(), null, null, null);
        }
        throw new IllegalArgumentException("No Cloudflare zone for " + spec.domain()
                + " or a parent domain is visible to this API token: add the domain to Cloudflare, grant the token "
                + Permission.ZONE_READ.label() + ", or set CF_ZONE_ID.");
    }

    private static void warnDepth(TunnelSpec spec, Zone zone, List<String> warnings) {
        if (zone.name() != null && !zone.name().equalsIgnoreCase(spec.domain())) {
            warnings.add("Sandbox names like port-8080-vm-100." + spec.domain() + " are two levels below the zone "
                    + zone.name() + ", and Universal SSL covers only one level: browsers will get TLS errors unless "
                    + "you order an Advanced Certificate for " + spec.wildcardName()
                    + " or use the zone apex as CF_DOMAIN.");
        }
    }
}
