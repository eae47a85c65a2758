package dev.cmux.control.cli;

import dev.cmux.control.api.ControlServer;
import dev.cmux.control.api.ControlServices;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.exec.ExecdServer;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxCommandTest {

    private EventLoopGroup loops;
    private PveEmulator pve;
    private ExecdServer execd;
    private ControlServices services;
    private ControlServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.taskDuration(Duration.ofMillis(30));
        pve.containerAddress("127.0.0.1");
        execd = ExecdServer.start();
        SandboxSettings settings = SandboxSettings.defaults("example.com", 9000)
                .withPolling(Duration.ofMillis(15), Duration.ofSeconds(10)).withExecd(execd.port(), false);
        services = ControlServices.create(pve.config(9000), settings, ResolverInvalidation.NONE, Optional.empty(),
                Clock.systemUTC());
        server = ControlServer.start(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), "tok"),
                CloudflareConfig.defaults(), loops, NioServerSocketChannel.class, services);
    }

    @AfterEach
    void stop() {
        server.close();
        services.close();
        execd.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return SandboxCommand.run(List.of(args), "http://127.0.0.1:" + server.address().getPort(), "tok",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createWithWaitPrintsTheSandboxUrls() {
        assertEquals(0, run("sandbox", "create", "--wait", "--cores", "2", "--memory", "1024", "--ttl", "1h"), err());
        assertTrue(out().contains("vmid      100"), out());
        assertTrue(out().contains("vscode    https://port-39378-vm-100.example.com"), out());
        assertTrue(out().contains("vnc       https://port-39380-vm-100.example.com"), out());
        assertTrue(out().contains("status    running"), out());
    }

    @Test
    void listExecStopAndDestroyDriveTheApi() {
        assertEquals(0, run("create", "--wait"), err());
        assertEquals(0, run("list"), err());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("100 ") && l.contains("running")), out());

        assertEquals(0, run("exec", "100", "--", "echo", "hi"), err());
        assertEquals("hi\n", out());
        assertEquals(1, run("exec", "100", "--", "exit 3"));
        assertTrue(err().contains("exit code 3"), err());

        assertEquals(0, run("stop", "100"), err());
        assertTrue(out().contains("status    stopped"), out());
        assertEquals(0, run("destroy", "100"), err());
        assertFalse(pve.exists(100));
    }

    @Test
    void apiErrorsExitWith1AndBadUsageWith2() {
        assertEquals(1, run("get", "555"));
        assertTrue(err().contains("error 404 unknown-sandbox"), err());
        assertEquals(2, run("get", "abc"));
        assertEquals(2, run("create", "--flavour", "big"));
        assertEquals(2, run("exec", "100", "echo"));
        assertEquals(2, run());
        assertEquals(1, SandboxCommand.run(List.of("list"), "http://127.0.0.1:" + server.address().getPort(), "bad",
                new PrintStream(out), new PrintStream(err)));
    }
}
