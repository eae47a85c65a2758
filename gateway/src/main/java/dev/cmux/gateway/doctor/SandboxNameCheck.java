package dev.cmux.gateway.doctor;

import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.doctor.Check;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.gateway.resolve.AddressAuthority;
import dev.cmux.gateway.resolve.BackendResolver;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The suffix of sandbox names: a running sandbox's host name ({@code cmux-<vmid>} or {@code pvelxc-…}) with the
 * suffix resolves, and to an address PVE
 * reports for it. The gateway still finds a sandbox through PVE when DNS does not, but then nothing else on the LAN
 * does, and a wrong suffix usually means other names are wrong too.
 */
public record SandboxNameCheck(SandboxService sandboxes, BackendResolver resolver, AddressAuthority pve)
        implements Check {

    private static final String SUBJECT = "sandbox names";

    @Override
    public List<StatusLine> run() throws Exception {
        Optional<Sandbox> running = sandboxes.list().stream().filter(s -> "running".equals(s.status())).findFirst();
        if (running.isEmpty()) {
            return List.of(StatusLine.ok(SUBJECT, "no running sandbox to look a name up for"));
        }
        int vmid = running.get().vmid();
        // its own host name: pvelxc-… with sandboxes.naming: instance, which is what a DHCP server registers
        String hostname = running.get().hostname() != null ? running.get().hostname()
                : new SandboxId(vmid).hostname();
        String name = resolver.dnsName(hostname);
        Optional<InetAddress> dns = resolver.askDns(hostname).get(10, TimeUnit.SECONDS);
        List<InetAddress> known = pve.addressesOf(vmid).get(10, TimeUnit.SECONDS);
        String reported = String.join(", ", known.stream().map(InetAddress::getHostAddress).toList());
        if (dns.isEmpty()) {
            return List.of(StatusLine.problem(SUBJECT, name + " does not resolve (the gateway uses PVE's " + reported
                    + ")", "set routing.suffix to the domain your DHCP server registers sandbox names under, or add "
                    + "the names to DNS or /etc/hosts."));
        }
        String address = dns.get().getHostAddress();
        if (!known.contains(dns.get())) {
            return List.of(StatusLine.problem(SUBJECT, name + " points at " + address + ", which PVE does not report "
                    + "for vm-" + vmid + " (it reports " + reported + ")", "another sandbox may claim the name, or "
                    + "the DNS entry is stale: see README, Sandbox addresses."));
        }
        return List.of(StatusLine.ok(SUBJECT, name + " → " + address + ", as PVE reports"));
    }
}
