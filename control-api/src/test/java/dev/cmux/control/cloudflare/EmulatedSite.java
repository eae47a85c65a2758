package dev.cmux.control.cloudflare;

import dev.cmux.control.config.CloudflareConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: a fresh {@link CloudflareEmulator} with account, zone {@code example.com} and a token,
 * a config pointing at it with local files in a temp dir, and a client. After the test it fails on
 * any request the real API would have rejected.
 *
 * <pre>{@code @RegisterExtension final EmulatedSite cf = new EmulatedSite();}</pre>
 */
final class EmulatedSite implements BeforeEachCallback, AfterEachCallback {

    CloudflareEmulator emulator;
    CloudflareEmulator.Site site;
    Path dir;
    CloudflareConfig config;
    CloudflareClient client;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        emulator = CloudflareEmulator.start();
        site = emulator.seedSite("example.com");
        dir = Files.createTempDirectory("cmux-cf-");
        config = TestSites.config(emulator, site, "example.com", dir);
        client = TestSites.client(config);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        client.close();
        emulator.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        emulator.assertNoViolations();
    }

    TunnelSpec spec(boolean pveRoute) {
        return TestSites.spec(config, pveRoute);
    }

    TunnelSetup setup(boolean pveRoute, boolean replaceRecords) {
        return new TunnelSetup(client, spec(pveRoute), replaceRecords);
    }

    /** Runs setup to completion, as {@code tunnel setup} would. */
    void setUp(TunnelSpec spec) {
        TunnelSetup setup = new TunnelSetup(client, spec, false);
        setup.apply(setup.plan());
    }

    String onlyTunnelId() {
        var tunnels = emulator.tunnels(site.accountId());
        if (tunnels.size() != 1) {
            throw new AssertionError("expected one tunnel, found " + tunnels);
        }
        return tunnels.get(0).get("id").asText();
    }
}
