package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sets up Access, the tunnel and wildcard DNS as a plan, then applies it. Planning only reads; a second
 * run after a successful apply plans nothing.
 *
 * @param replaceRecords allow deleting A/AAAA records that stand where a CNAME must go
 * @param access         the Access app, policy and gateway settings to set up too; empty with {@code --no-access}
 */
public record TunnelSetup(CloudflareClient client, TunnelSpec spec, boolean replaceRecords,
                          Optional<AccessSetup> access) {

    /** Setup without Access. */
    public TunnelSetup(CloudflareClient client, TunnelSpec spec, boolean replaceRecords) {
        this(client, spec, replaceRecords, Optional.empty());
    }

    /**
     * Reads the current state in Cloudflare and on disk and lists the changes needed. Access comes first: no
     * hostname is routed to the gateway before Access guards it.
     */
    public TunnelPlan plan() {
        TunnelSite site = new TunnelSiteLocator(client).locate(spec);
        List<SetupStep> steps = new ArrayList<>();
        List<String> blockers = new ArrayList<>();
        access.ifPresent(a -> new AccessPlanner(client, new AccessApplication(spec), a).plan(site, steps, blockers));
        Optional<Tunnel> tunnel = site.tunnel();
        if (tunnel.isEmpty()) {
            steps.add(new SetupStep.CreateTunnel(spec.tunnelName()));
        }
        planIngress(site, tunnel, steps);
        for (String name : spec.dnsNames()) {
            planDns(site, tunnel, name, steps, blockers);
        }
        if (tunnel.isEmpty() || !TokenFile.holds(spec.tokenFile(),
                client.tunnelToken(site.accountId(), tunnel.get().id()))) {
            steps.add(new SetupStep.WriteTokenFile(spec.tokenFile()));
        }
        if (!spec.unitInPlace()) {
            steps.add(new SetupStep.WriteUnitFile(spec.unitFile(), spec.unitContent()));
        }
        for (SetupStep step : steps) {
            if (step instanceof SetupStep.LocalFile local) {
                local.whyNotWritable()
                        .ifPresent(why -> blockers.add("Setup cannot write its local files: " + why + "."));
            }
        }
        return new TunnelPlan(site, List.copyOf(steps), site.warnings(), List.copyOf(blockers));
    }

    /**
     * Applies the steps in order and returns the ones done. A failure stops at that step with its
     * message; re-running setup picks up from there.
     *
     * @throws IllegalStateException when the plan has blockers
     */
    public List<SetupStep> apply(TunnelPlan plan) {
        return apply(plan, note -> { });
    }

    /** As {@link #apply(TunnelPlan)}, handing {@code notes} what steps had to say (e.g. whether the gateway reloaded). */
    public List<SetupStep> apply(TunnelPlan plan, Consumer<String> notes) {
        if (plan.blocked()) {
            throw new IllegalStateException(String.join(" ", plan.blockers()));
        }
        SetupContext context = new SetupContext(client, plan.site());
        List<SetupStep> done = new ArrayList<>();
        for (SetupStep step : plan.steps()) {
            try {
                step.apply(context);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not " + step.describe() + ": " + e.getMessage(), e);
            }
            done.add(step);
        }
        context.notes().forEach(notes);
        if (done.stream().anyMatch(step -> step instanceof SetupStep.WriteTokenFile
                || step instanceof SetupStep.WriteUnitFile)) {
            notes.accept(CloudflaredUnit.howItStarts(spec));
        }
        return done;
    }

    private void planIngress(TunnelSite site, Optional<Tunnel> tunnel, List<SetupStep> steps) {
        List<IngressRule> wanted = spec.ingress();
        List<IngressRule> current = tunnel.isEmpty() ? List.of()
                : client.ingressOf(client.configuration(site.accountId(), tunnel.get().id()));
        if (!sameRules(wanted, current)) {
            steps.add(new SetupStep.PutIngress(wanted, current));
        }
    }

    static boolean sameRules(List<IngressRule> a, List<IngressRule> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).sameAs(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keep a proxied CNAME to the tunnel; repoint a CNAME that goes elsewhere; refuse to delete A/AAAA
     * records unless asked (they may serve something); otherwise create.
     */
    private void planDns(TunnelSite site, Optional<Tunnel> tunnel, String name, List<SetupStep> steps,
                         List<String> blockers) {
        List<DnsRecord> records = client.dnsRecordsNamed(site.zone().id(), name);
        Optional<DnsRecord> cname = records.stream().filter(DnsRecord::isCname).findFirst();
        List<DnsRecord> addresses = records.stream().filter(DnsRecord::isAddress).toList();
        if (cname.isPresent()) {
            if (tunnel.isEmpty() || !cname.get().routesTo(tunnel.get().cnameTarget())) {
                steps.add(new SetupStep.RepointCname(cname.get()));
            }
        } else if (!addresses.isEmpty()) {
            if (replaceRecords) {
                steps.add(new SetupStep.ReplaceAddressRecords(name, addresses));
            } else {
                blockers.add(name + " already has " + addresses.stream().map(r -> r.type() + " " + r.content())
                        .reduce((x, y) -> x + ", " + y).orElse("") + ", so setup will not point it at the tunnel;"
                        + " delete that record or run `tunnel setup --replace-records` to replace it.");
            }
        } else {
            steps.add(new SetupStep.CreateCname(name));
        }
    }
}
