package dev.cmux.gateway;

import dev.cmux.control.cli.ControlApiClient;
import dev.cmux.control.cli.DoctorCommand;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.gateway.access.LoopbackAccessTeam;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.doctor.OpenFilesCheck;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/doctor} and {@code cmux-gateway doctor} of a whole gateway process against the PVE emulator, a
 * DNS server and an Access team on loopback (no Cloudflare tunnel: its lines are {@code TunnelStatusTest}'s).
 * The open-file limit is this JVM's own, so that one line is judged against the check itself.
 */
class DoctorTest {

    private static final String TOKEN = "doctor-test-token-0123456789";

    private PveEmulator pve;
    private TinyDnsServer dns;
    private LoopbackAccessTeam team;
    private GatewayProcess gateway;

    @BeforeEach
    void start() throws Exception {
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.seedContainer(100, "cmux-100", true, "cmux", null);
        pve.containerAddress(100, "127.0.0.2");
        dns = new TinyDnsServer();
        dns.put("cmux-100.lan", InetAddress.getByName("127.0.0.2"));
        team = LoopbackAccessTeam.start("k1");
        GatewayConfig config = GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain("sandbox.test")
                .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN))
                .pve(pve.config(9000))
                .suffix("lan")
                .allowedNetworks(List.of(Cidr.parse("127.0.0.0/8")))
                .nameservers(List.of(dns.address()))
                .access(team.config(List.of()))
                .build();
        gateway = GatewayProcess.start(config, Transport.NIO, server -> List::of);
    }

    @AfterEach
    void stop() {
        gateway.close();
        team.close();
        dns.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void aHealthySetupPassesEveryCheck() throws Exception {
        DoctorAnswer answer = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of(), answer.failedBesidesOpenFiles(), answer.toString());
        assertEquals(List.of("PVE API", "PVE token", "template", "PVE privileges: create and destroy sandboxes",
                "PVE privileges: start, stop, wake and idle", "PVE privileges: snapshots",
                "PVE privileges: list sandboxes and node settings", "sandbox names", "Cloudflare", "Access", "clock",
                "open files"), answer.subjects());
        assertEquals(answer.ok(), openFilesOk(), "open files decides the rest: " + answer);
    }

    @Test
    void aSandboxNameDnsDoesNotKnowFailsOnlyThatCheckAndTheCommandSaysSo() throws Exception {
        dns.put("cmux-100.lan", null);
        DoctorAnswer answer = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of("sandbox names"), answer.failedBesidesOpenFiles(), answer.toString());
        assertTrue(answer.toString().contains("set routing.suffix"), answer.toString());

        StringWriter out = new StringWriter();
        int exit = new CommandLine(new DoctorCommand(() -> new ControlApiClient("http://127.0.0.1:"
                + gateway.control.address().getPort(), TOKEN))).setOut(new PrintWriter(out, true)).execute();
        assertEquals(1, exit, out.toString());
        assertTrue(out.toString().contains("✗ sandbox names: cmux-100.lan does not resolve"), out.toString());
        assertTrue(out.toString().contains("✓ template: container 9000"), out.toString());
    }

    @Test
    void aSandboxNamedByInstanceIdIsLookedUpInDnsByThatName() throws Exception {
        try (PveClient client = PveClient.create(pve.config(null))) {
            client.updateConfig("pve", 100, Map.of("hostname", "pvelxc-1a2b3c4d")); // sandboxes.naming: instance
        }
        dns.put("cmux-100.lan", null);
        dns.put("pvelxc-1a2b3c4d.lan", InetAddress.getByName("127.0.0.2"));
        DoctorAnswer answer = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of(), answer.failedBesidesOpenFiles(), answer.toString());
        assertTrue(answer.toString().contains("pvelxc-1a2b3c4d.lan → 127.0.0.2"), answer.toString());
    }

    private static boolean openFilesOk() throws Exception {
        return OpenFilesCheck.ofThisProcess().run().stream().allMatch(StatusLine::ok);
    }
}
