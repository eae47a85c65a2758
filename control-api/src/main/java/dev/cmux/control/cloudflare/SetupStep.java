package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** One change {@link TunnelSetup} will make. {@link #describe()} is what a dry run prints. */
public sealed interface SetupStep {

    String describe();

    void apply(SetupContext context) throws IOException;

    /** A step that writes a file on this host; planning checks it can before anything changes at Cloudflare. */
    interface LocalFile {
        Path file();

        /** Why this step could not write its file here, or empty when it can. */
        default Optional<String> whyNotWritable() {
            return AtomicFiles.whyNotWritable(file());
        }
    }

    /** Creates the remotely managed tunnel; later steps use its id. */
    record CreateTunnel(String name) implements SetupStep {
        public String describe() {
            return "create tunnel " + name + " (remotely managed, config_src=cloudflare)";
        }

        public void apply(SetupContext context) {
            try {
                context.tunnel(context.client().createTunnel(context.accountId(), name));
            } catch (CloudflareApiException e) {
                // 409/1013: another run created it since the plan was made; adopt that one
                if (e.httpStatus() != 409 && !e.hasErrorCode(1013)) {
                    throw e;
                }
                context.tunnel(context.client().tunnelNamed(context.accountId(), name).orElseThrow(() ->
                        new CloudflareApiException("Cloudflare says a tunnel named " + name + " exists but does not "
                                + "list it; set CF_TUNNEL_NAME to another name.", e.httpStatus(), e.errors())));
            }
        }
    }

    /** Replaces the ingress list, keeping any other keys of the remote configuration. */
    record PutIngress(List<IngressRule> rules, List<IngressRule> current) implements SetupStep {
        public String describe() {
            return "set tunnel ingress to: " + rules.stream().map(IngressRule::toString).collect(Collectors.joining("; "))
                    + (current.isEmpty() ? "" : " (was: "
                    + current.stream().map(IngressRule::toString).collect(Collectors.joining("; ")) + ")");
        }

        public void apply(SetupContext context) {
            CloudflareClient client = context.client();
            String tunnelId = context.tunnel().id();
            client.putConfiguration(context.accountId(), tunnelId,
                    client.withIngress(client.configuration(context.accountId(), tunnelId), rules));
        }
    }

    /** A new proxied CNAME into the tunnel. */
    record CreateCname(String name) implements SetupStep {
        public String describe() {
            return "create DNS CNAME " + name + " -> <tunnel id>.cfargotunnel.com (proxied)";
        }

        public void apply(SetupContext context) {
            try {
                context.client().createDnsRecord(context.zoneId(),
                        DnsRecordRequest.tunnelCname(name, context.tunnel().cnameTarget()));
            } catch (CloudflareApiException e) {
                // 81057: an identical record appeared since the plan was made; that is the goal
                if (e.hasErrorCode(81057)) {
                    return;
                }
                if (e.hasErrorCode(81053) || e.hasErrorCode(81054)) {
                    throw new CloudflareApiException("A DNS record at " + name + " appeared while setup ran ("
                            + e.getMessage() + "); run `tunnel setup` again to plan around it.", e.httpStatus(), e.errors());
                }
                throw e;
            }
        }
    }

    /** Points an existing CNAME (elsewhere, or not proxied) at the tunnel. */
    record RepointCname(DnsRecord existing) implements SetupStep {
        public String describe() {
            return "update DNS CNAME " + existing.name() + " from " + existing.content()
                    + (existing.proxied() ? "" : " (not proxied)") + " to <tunnel id>.cfargotunnel.com (proxied)";
        }

        public void apply(SetupContext context) {
            context.client().overwriteDnsRecord(context.zoneId(), existing.id(),
                    DnsRecordRequest.tunnelCname(existing.name(), context.tunnel().cnameTarget()));
        }
    }

    /** Deletes address records at the name, then creates the CNAME (only with --replace-records). */
    record ReplaceAddressRecords(String name, List<DnsRecord> existing) implements SetupStep {
        public String describe() {
            return "replace DNS " + existing.stream().map(r -> r.type() + " " + r.content())
                    .collect(Collectors.joining(", ")) + " at " + name
                    + " with CNAME -> <tunnel id>.cfargotunnel.com (proxied)";
        }

        public void apply(SetupContext context) {
            for (DnsRecord record : existing) {
                context.client().deleteDnsRecord(context.zoneId(), record);
            }
            new CreateCname(name).apply(context);
        }
    }

    /** Writes the tunnel token for cloudflared, mode 0600; fetched at apply time so plans hold no secret. */
    record WriteTokenFile(Path file) implements SetupStep, LocalFile {
        public String describe() {
            return "write the tunnel token to " + file + " (mode 0600)";
        }

        public void apply(SetupContext context) throws IOException {
            String token = context.client().tunnelToken(context.accountId(), context.tunnel().id());
            AtomicFiles.write(file, TokenFile.content(token), AtomicFiles.OWNER_ONLY);
        }
    }

    /** Writes the cloudflared systemd unit. */
    record WriteUnitFile(Path file, String content) implements SetupStep, LocalFile {
        public String describe() {
            return "write the systemd unit " + file;
        }

        public void apply(SetupContext context) throws IOException {
            AtomicFiles.write(file, content, AtomicFiles.WORLD_READABLE);
        }
    }

    /** Creates or updates the reusable allow policy; the app step links it by id. */
    record SaveAccessPolicy(Optional<AccessPolicy> existing, AccessPolicyRequest wanted, AccessAllow allow)
            implements SetupStep {
        public String describe() {
            return (existing.isEmpty() ? "create" : "update") + " Access policy \"" + wanted.name() + "\": allow "
                    + allow;
        }

        public void apply(SetupContext context) {
            CloudflareClient client = context.client();
            AccessPolicy saved = existing.isEmpty() ? client.createAccessPolicy(context.accountId(), wanted)
                    : client.updateAccessPolicy(context.accountId(), existing.get().id(), wanted);
            context.accessPolicyId(saved.id());
        }
    }

    /**
     * Creates the self-hosted app for the tunnel's hostnames, or adopts the one that already covers the wildcard:
     * our fields and the policy link are set, everything else it has is sent back as it was (PUT replaces all).
     *
     * @param policyId the allow policy's id when it existed at planning time, else null (the policy step sets it)
     */
    record SaveAccessApp(AccessApplication application, Optional<AccessApp> existing, String policyId)
            implements SetupStep {
        public String describe() {
            return (existing.isEmpty() ? "create" : "update") + " Access application " + application.domain()
                    + " (self-hosted, hosts " + String.join(", ", application.hosts()) + ") with the allow policy";
        }

        public void apply(SetupContext context) {
            String policy = policyId != null ? policyId : context.accessPolicyId();
            CloudflareClient client = context.client();
            if (existing.isPresent()) {
                context.accessApp(update(client, context.accountId(), existing.get(), policy));
                return;
            }
            try {
                context.accessApp(client.createAccessApp(context.accountId(),
                        application.body(null, AccessApplication.linksWith(null, policy))));
            } catch (CloudflareApiException e) {
                // 409/11010: an app for the domain appeared since the plan was made (§10.9): adopt it
                if (!e.hasErrorCode(11010)) {
                    throw e;
                }
                AccessApp other = client.accessAppsFor(context.accountId(), application.domain()).stream().findFirst()
                        .orElseThrow(() -> e);
                context.accessApp(update(client, context.accountId(), other, policy));
            }
        }

        private AccessApp update(CloudflareClient client, String accountId, AccessApp app, String policy) {
            return client.updateAccessApp(accountId, app.id(),
                    application.body(app, AccessApplication.linksWith(app, policy)));
        }
    }

    /**
     * Writes {@code access.teamName} and {@code access.aud} into the gateway's config, keeping the rest of the file.
     *
     * @param knownAud the app's AUD tag when the app existed at planning time, else null (the app step sets it)
     */
    record WriteAccessSettings(Path file, String teamName, String knownAud) implements SetupStep, LocalFile {
        @Override
        public Optional<String> whyNotWritable() {
            return AtomicFiles.whyNotReplaceable(file);
        }

        public String describe() {
            return "set access.teamName: " + teamName + " and access.aud: "
                    + (knownAud != null ? knownAud : "<the application's AUD tag>") + " in " + file;
        }

        public void apply(SetupContext context) throws IOException {
            String aud = knownAud != null ? knownAud : context.accessApp().aud();
            String text = Files.readString(file);
            AtomicFiles.replace(file, AccessSettingsFile.edit(text, new AccessSettingsFile.Settings(teamName, aud)));
        }
    }

    /** Tells the running gateway to read its config again, so that it checks Access JWTs from now on. */
    record ReloadGateway(GatewayReload reload) implements SetupStep {
        public String describe() {
            return "reload the gateway, which then refuses requests without a valid Access JWT";
        }

        public void apply(SetupContext context) {
            context.note(reload.reload());
        }
    }
}
