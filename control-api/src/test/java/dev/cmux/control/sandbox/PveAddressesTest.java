package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveAddressesTest {

    private PveEmulator pve;
    private PveClient client;
    private ExecutorService executor;
    private PveAddresses addresses;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        client = PveClient.create(pve.config(null));
        executor = Executors.newSingleThreadExecutor();
        addresses = new PveAddresses(client, "auto", executor);
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        client.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void aVmsAddressesComeFromItsGuestAgentWithoutLoopbackAndLinkLocal() throws Exception {
        pve.seedVm(230, "cmux-230", true, "cmux", null);
        pve.vmAddress(230, "10.10.0.230");
        assertEquals(List.of(InetAddress.getByName("10.10.0.230")), addresses.addressesOf(230).get());
        assertTrue(pve.requests().contains("GET /api2/json/nodes/pve/qemu/230/agent/network-get-interfaces"));
    }

    @Test
    void aSleepingVmHasNoAddressAndItsAgentIsNotAsked() throws Exception {
        pve.seedVm(231, "cmux-231", "paused", "cmux", null);
        pve.seedVm(232, "cmux-232", "hibernated", "cmux", null);
        assertEquals(List.of(), addresses.addressesOf(231).get());
        assertEquals(List.of(), addresses.addressesOf(232).get());
        assertTrue(pve.requests().stream().noneMatch(r -> r.contains("/agent/")), pve.requests().toString());
    }

    @Test
    void aRunningVmWithoutAnAgentFailsWithASentenceNamingIt() {
        pve.seedVm(233, "cmux-233", true, "cmux", null);
        pve.guestAgent(233, null, true); // no agent key in its config
        ExecutionException e = assertThrows(ExecutionException.class, () -> addresses.addressesOf(233).get());
        assertTrue(e.getCause() instanceof GuestAgentUnavailableException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("No QEMU guest agent configured"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("qemu-guest-agent"), e.getCause().getMessage());
    }

    @Test
    void sandboxNamesAreTheHostNamesOfTaggedContainersStoppedOrRunningLowerCase() throws Exception {
        pve.seedContainer(220, "pvelxc-1a2b3c4d", true, "cmux", null);
        pve.seedContainer(221, "PVELXC-DEADBEEF", false, "cmux;team-a", null);
        pve.seedContainer(222, "cmux-222", false, "cmux", null);
        pve.seedContainer(223, "pve", true, null, null); // not a sandbox: its name must never route
        pve.seedContainer(224, "pvelxc-00000000", true, "other", null);
        assertEquals(Map.of("pvelxc-1a2b3c4d", 220, "pvelxc-deadbeef", 221, "cmux-222", 222),
                addresses.sandboxNames().get());
    }

    @Test
    void aFreshSandboxWithoutANameInClusterResourcesIsNamedFromItsConfig() throws Exception {
        pve.seedContainer(225, "pvelxc-0badc0de", true, "cmux", null);
        pve.staleResources(true); // as right after a create: /cluster/resources has no name yet
        assertEquals(Map.of("pvelxc-0badc0de", 225), addresses.sandboxNames().get());
        assertEquals(1, pve.requests().stream().filter(r -> r.endsWith("/lxc/225/config")).count());
    }

    @Test
    void aNameTwoSandboxesBearNamesNeither() throws Exception {
        pve.seedContainer(226, "pvelxc-12345678", true, "cmux", null);
        pve.seedContainer(227, "pvelxc-12345678", true, "cmux", null);
        pve.seedContainer(228, "pvelxc-87654321", true, "cmux", null);
        assertEquals(Map.of("pvelxc-87654321", 228), addresses.sandboxNames().get());
    }

    @Test
    void aRunningContainerHasTheAddressesItReportsWithoutLoopbackOrLinkLocal() throws Exception {
        pve.seedContainer(210, "cmux-210", true, "cmux", null);
        assertEquals(List.of(InetAddress.getByName("10.10.0.212")), addresses.addressesOf(210).get());
        pve.containerAddress(210, "10.10.0.77"); // a DHCP renewal
        assertEquals(List.of(InetAddress.getByName("10.10.0.77")), addresses.addressesOf(210).get());
    }

    @Test
    void aStoppedOrUnknownContainerHasNoAddress() throws Exception {
        pve.seedContainer(211, "cmux-211", false, "cmux", null);
        assertEquals(List.of(), addresses.addressesOf(211).get());
        assertEquals(List.of(), addresses.addressesOf(5555).get());
    }

    @Test
    void everyAddressOfEveryInterfaceCountsIpv4First() throws Exception {
        // pve-api.md §GET .../interfaces: ip-addresses since PVE 8.4, before that only inet/inet6 (last of each)
        JsonNode interfaces = new ObjectMapper().readTree("""
                [{"name":"lo","inet":"127.0.0.1/8","ip-addresses":[{"ip-address-type":"inet","ip-address":"127.0.0.1","prefix":"8"}]},
                 {"name":"eth0","inet":"10.10.0.5/24","inet6":"fd00::5/64",
                  "ip-addresses":[{"ip-address-type":"inet6","ip-address":"fd00::5","prefix":"64"},
                                  {"ip-address-type":"inet","ip-address":"10.10.0.5","prefix":"24"},
                                  {"ip-address-type":"inet","ip-address":"10.10.0.6","prefix":"24"},
                                  {"ip-address-type":"inet6","ip-address":"fe80::1","prefix":"64"}]},
                 {"name":"eth1","inet":"192.168.7.9/24","inet6":"FE80::2/64"}]
                """);
        assertEquals(List.of("10.10.0.5", "10.10.0.6", "192.168.7.9", "fd00::5"), GuestAddresses.of(interfaces));
        assertEquals("10.10.0.5", GuestAddresses.ipv4(interfaces));
        assertEquals(List.of(), GuestAddresses.of(NullNode.getInstance()), "a stopped container");
    }

    @Test
    void searchDomainComesFromTheNodesDns() throws Exception {
        assertEquals(Optional.of("lan"), addresses.searchDomain().get());
    }
}
