package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes what setup created: the Access application for the tunnel's hostnames and the policies setup and
 * {@code access token create} made, the CNAMEs that point at the tunnel, the tunnel itself (with its connections,
 * {@code cascade=true}) and the local token file. Does nothing without confirmation.
 */
public final class TunnelTeardown {

    /**
     * What teardown would remove; nothing in it means there is nothing to do.
     *
     * @param accessNote why Access was not looked at, when it could not be
     */
    public record Removal(TunnelSite site, Optional<Tunnel> tunnel, List<DnsRecord> records,
                          Optional<AccessApp> accessApp, List<AccessPolicy> accessPolicies,
                          Optional<String> accessNote) {

        public List<String> describe(TunnelSpec spec) {
            List<String> lines = new ArrayList<>();
            accessApp.ifPresent(a -> lines.add("delete Access application " + a.domain() + " (" + a.id() + ")"));
            accessPolicies.forEach(p -> lines.add("delete Access policy \"" + p.name() + "\""));
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
        AccessApplication application = new AccessApplication(spec);
        try {
            Optional<AccessApp> app = client.accessAppsFor(site.accountId(), application.domain()).stream().findFirst();
            List<AccessPolicy> policies = new ArrayList<>();
            for (String name : List.of(application.allowPolicyName(), application.serviceTokenPolicyName())) {
                client.accessPolicyNamed(site.accountId(), name).ifPresent(policies::add);
            }
            return new Removal(site, site.tunnel(), records, app, List.copyOf(policies), Optional.empty());
        } catch (CloudflareApiException e) {
            // a tunnel set up with --no-access needs no Access permission, nor Zero Trust, to go away
            if (e.httpStatus() != 403) {
                throw e;
            }
            return new Removal(site, site.tunnel(), records, Optional.empty(), List.of(), e.hasErrorCode(9999)
                    ? Optional.empty() // without Zero Trust there is no Access application to delete
                    : Optional.of("Access was not checked (" + e.getMessage() + "); if setup made an Access application"
                            + " for " + application.domain() + ", delete it in the Zero Trust dashboard."));
        }
    }

    /**
     * @param confirmed the operator said yes ({@code --yes}); without it nothing is removed
     * @return what was removed
     */
    public List<String> remove(Removal removal, boolean confirmed) {
        if (!confirmed) {
            throw new IllegalStateException("teardown deletes the Access application, the tunnel and its DNS records;"
                    + " confirm with --yes.");
        }
        List<String> done = new ArrayList<>();
        String accountId = removal.site().accountId();
        // the app first: a policy still linked to an app should not be deleted (cloudflare.md §10.4)
        removal.accessApp().ifPresent(a -> {
            client.deleteAccessApp(accountId, a);
            done.add("deleted Access application " + a.domain());
        });
        for (AccessPolicy policy : removal.accessPolicies()) {
            client.deleteAccessPolicy(accountId, policy);
            done.add("deleted Access policy \"" + policy.name() + "\"");
        }
        removal.accessNote().ifPresent(done::add);
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
