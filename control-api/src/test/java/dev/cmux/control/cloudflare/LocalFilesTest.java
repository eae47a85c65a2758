package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalFilesTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    Path dir;
    CloudflareClient client;

    @BeforeEach
    void names() {
        dir = fixture.dir;
        client = fixture.client;
    }

    private void setup() {
        fixture.setUp(fixture.spec(false));
    }

    @Test
    void theTokenFileIsOwnerOnlyAndHoldsTheTunnelToken() throws Exception {
        setup();

        Path token = dir.resolve("cloudflared/token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals(client.tunnelToken(fixture.site.accountId(), fixture.onlyTunnelId()) + "\n", Files.readString(token));
    }

    @Test
    void theTokenFileIsReplacedByRenameSoReadersNeverSeeAHalfWrittenToken() throws Exception {
        Path token = dir.resolve("cloudflared/token");
        Files.createDirectories(token.getParent());
        Files.writeString(token, "stale-token\n");
        Path oldInode = dir.resolve("old-token-link");
        Files.createLink(oldInode, token);

        setup();

        assertEquals("stale-token\n", Files.readString(oldInode), "the old file was not rewritten in place");
        assertTrue(Files.readString(token).startsWith("ey"));
        try (Stream<Path> left = Files.list(token.getParent())) {
            assertEquals(List.of(token), left.toList(), "no temp files left behind");
        }
    }

    @Test
    void aTokenFileWithLooseModeIsRewrittenOnTheNextSetup() throws Exception {
        setup();
        Path token = dir.resolve("cloudflared/token");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

        TunnelPlan plan = fixture.setup(false, false).plan();

        assertEquals(List.of(SetupStep.WriteTokenFile.class), plan.steps().stream().map(Object::getClass).toList());
    }

    @Test
    void theUnitRunsCloudflaredWithTheTokenFileAndWithoutAutoupdate() throws Exception {
        setup();

        String unit = Files.readString(dir.resolve("systemd/cloudflared.service"));
        Path tokenFile = dir.resolve("cloudflared/token").toAbsolutePath();
        assertTrue(unit.contains("\nExecStart=/usr/bin/cloudflared --no-autoupdate tunnel --metrics 127.0.0.1:20241 run "
                + "--token-file " + tokenFile + "\n"), unit);
        assertTrue(unit.contains("\n[Install]\nWantedBy=multi-user.target\n"), unit);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("systemd/cloudflared.service"))));
    }

    @Test
    void theCommittedUnitTemplateIsTheOneTheCodeWrites() throws Exception {
        Path committed = Path.of("..", "systemd", "cloudflared.service");
        assertEquals(CloudflaredUnit.template(), Files.readString(committed),
                "systemd/cloudflared.service is a copy of control-api's resource; copy it again");
        assertEquals(CloudflaredUnit.template(), CloudflaredUnit.render(CloudflaredUnit.DEFAULT_TOKEN_FILE));
    }

    @Test
    void aTokenDirectoryTheUnitCannotExpressIsAConfigError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudflaredUnit.render(Path.of("/etc/cloud flared/token")));
        assertTrue(e.getMessage().startsWith("CLOUDFLARED_DIR must be an absolute path"), e.getMessage());
    }
}
