package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes what setup created: the CNAMEs that point at the tunnel, the tunnel itself (with its
 * connections, {@code cascade=true}) and the local token file. Does nothing without confirmation.
 */
public final class TunnelTeardown {

    /** What teardown would remove; {@code tunnel} empty means there is nothing to do. */
    public record Removal(TunnelSite site, Optional<Tunnel> tunnel, List<DnsRecord> records) {

        public List<String> describe(TunnelSpec spec) {
            List<String> lines = new ArrayList<>();
            records.forEach(r -> lines.add("delete DNS " + r.type() + " " + r.name() + " -> " + r.content()));
            tunnel.ifPresent(t -> lines.add("delete tunnel " + t.name() + " (" + t.id() + ") and its connections"));
            if (Files.exists(spec.tokenFile())) {
                lines.add("delete " + spec.tokenFile());
            }
            return lines;
        }
    }

    private final CloudflareClient client;
    private final TunnelSpec spec;

    public TunnelTeardown(CloudflareClient client, TunnelSpec spec) {
        this.client = client;
        this.spec = spec;
    }

    public Removal plan() {
        TunnelSite site = new TunnelSiteLocator(client).locate(spec);
        List<DnsRecord> records = site.tunnel()
                .map(t -> client.cnamesTo(site.zone().id(), t.cnameTarget()))
                .orElse(List.of());
        return new Removal(site, site.tunnel(), records);
    }

    /**
     * @param confirmed the operator said yes ({@code --yes}); without it nothing is removed
     * @return what was removed
     */
    public List<String> remove(Removal removal, boolean confirmed) {
        if (!confirmed) {
            throw new IllegalStateException("teardown deletes the tunnel and its DNS records; confirm with --yes.");
        }
        List<String> done = new ArrayList<>();
        for (DnsRecord record : removal.records()) {
            client.deleteDnsRecord(removal.site().zone().id(), record);
            done.add("deleted DNS " + record.type() + " " + record.name());
        }
        removal.tunnel().ifPresent(t -> {
            client.deleteTunnel(removal.site().accountId(), t.id(), true);
            done.add("deleted tunnel " + t.name() + " (" + t.id() + ")");
        });
        try {
            if (Files.deleteIfExists(spec.tokenFile())) {
                done.add("deleted " + spec.tokenFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + spec.tokenFile() + ": " + e.getMessage(), e);
        }
        return done;
    }
}
