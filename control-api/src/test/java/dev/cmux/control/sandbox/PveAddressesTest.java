package dev.cmux.control.sandbox;

import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void runningContainerResolvesToItsIpv4() throws Exception {
        pve.seedContainer(210, "cmux-210", true, "cmux", null);
        assertEquals(Optional.of(InetAddress.getByName("10.10.0.212")), addresses.lookup(210).get());
    }

    @Test
    void stoppedOrUnknownContainerHasNoAddress() throws Exception {
        pve.seedContainer(211, "cmux-211", false, "cmux", null);
        assertEquals(Optional.empty(), addresses.lookup(211).get());
        assertEquals(Optional.empty(), addresses.lookup(5555).get());
    }

    @Test
    void searchDomainComesFromTheNodesDns() throws Exception {
        assertEquals(Optional.of("lan"), addresses.searchDomain().get());
    }
}
