package dev.cmux.control.cloudflare;

import java.util.List;
import java.util.Optional;

/**
 * Where the tunnel lives in Cloudflare, as found by {@link TunnelSiteLocator}.
 *
 * @param accountId account of the tunnel (configured, or the zone's owner)
 * @param zone      zone of the domain; its name is null when only CF_ZONE_ID was known
 * @param tunnel    the non-deleted tunnel with the configured name, if any
 * @param warnings  sentences the operator should read (e.g. names deeper than Universal SSL covers)
 */
public record TunnelSite(String accountId, Zone zone, Optional<Tunnel> tunnel, List<String> warnings) {
}
