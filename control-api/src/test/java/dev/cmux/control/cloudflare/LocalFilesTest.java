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

        String unit = Files.readString(dir.resolve("systemd/cmux-cloudflared.service"));
        Path tokenFile = dir.resolve("cloudflared/token").toAbsolutePath();
        assertTrue(unit.contains("\nExecStart=/usr/bin/cloudflared --no-autoupdate tunnel --metrics 127.0.0.1:20241 run "
                + "--token-file " + tokenFile + "\n"), unit);
        assertTrue(unit.contains("\n[Install]\nWantedBy=multi-user.target\n"), unit);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("systemd/cmux-cloudflared.service"))));
    }

    @Test
    void theCommittedUnitTemplateIsTheOneTheCodeWrites() throws Exception {
        Path committed = Path.of("..", "systemd", "cmux-cloudflared.service");
        assertEquals(CloudflaredUnit.template(), Files.readString(committed),
                "systemd/cmux-cloudflared.service is a copy of control-api's resource; copy it again");
        assertEquals(CloudflaredUnit.template(), CloudflaredUnit.render(CloudflaredUnit.DEFAULT_TOKEN_FILE));
    }

    @Test
    void aTokenDirectoryTheUnitCannotExpressIsAConfigError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudflaredUnit.render(Path.of("/etc/cloud flared/token")));
        assertTrue(e.getMessage().startsWith("CLOUDFLARED_DIR must be an absolute path"), e.getMessage());
    }

    /** The spec as the .deb's host sees it: the packaged unit in its place (here a temp stand-in for /lib). */
    private TunnelSpec withPackagedUnit(TunnelSpec spec, Path packaged) {
        return new TunnelSpec(spec.domain(), spec.tunnelName(), spec.accountId(), spec.zoneId(), spec.gateway(),
                spec.pveRoute(), spec.tokenFile(), spec.unitFile(), packaged, spec.controlApi());
    }

    private Path packagedUnit(String content) throws Exception {
        Path packaged = dir.resolve("lib/systemd/system/cmux-cloudflared.service");
        Files.createDirectories(packaged.getParent());
        Files.writeString(packaged, content);
        Files.setPosixFilePermissions(packaged, PosixFilePermissions.fromString("rw-r--r--"));
        return packaged;
    }

    @Test
    void withThePackagedUnitInPlaceSetupWritesOnlyTheTokenAndSaysSystemdStartsIt() throws Exception {
        TunnelSpec spec = withPackagedUnit(fixture.spec(false), packagedUnit(fixture.spec(false).unitContent()));
        TunnelSetup setup = new TunnelSetup(client, spec, false);

        TunnelPlan plan = setup.plan();
        List<String> notes = new java.util.ArrayList<>();
        setup.apply(plan, notes::add);

        assertTrue(plan.steps().stream().noneMatch(step -> step instanceof SetupStep.WriteUnitFile), plan.describeSteps().toString());
        assertTrue(plan.steps().stream().anyMatch(step -> step instanceof SetupStep.WriteTokenFile));
        assertTrue(Files.notExists(spec.unitFile()), "no unit written next to the packaged one");
        assertEquals(List.of("systemd starts cmux-cloudflared once the token is written (cmux-cloudflared.path, "
                + "enabled by the package); if it was already running, restart it as root: systemctl restart "
                + "cmux-cloudflared."), notes);
    }

    @Test
    void aPackagedUnitForAnotherTokenPathIsNotTakenForThisOne() throws Exception {
        TunnelSpec spec = withPackagedUnit(fixture.spec(false),
                packagedUnit(CloudflaredUnit.render(CloudflaredUnit.DEFAULT_TOKEN_FILE)));
        TunnelSetup setup = new TunnelSetup(client, spec, false);
        List<String> notes = new java.util.ArrayList<>();

        setup.apply(setup.plan(), notes::add);

        assertEquals(spec.unitContent(), Files.readString(spec.unitFile()));
        assertEquals(List.of("next, as root: systemctl daemon-reload && systemctl enable --now cmux-cloudflared "
                + "(or systemctl restart cmux-cloudflared if it already runs)."), notes);
    }

    @Test
    void aUnitInTheSystemdDirectoryOverridesThePackagedOneAsInSystemd() throws Exception {
        TunnelSpec spec = withPackagedUnit(fixture.spec(false), packagedUnit(fixture.spec(false).unitContent()));
        Files.createDirectories(spec.unitFile().getParent());
        Files.writeString(spec.unitFile(), "[Service]\nExecStart=/usr/bin/cloudflared tunnel run other\n");

        TunnelPlan plan = new TunnelSetup(client, spec, false).plan();

        assertTrue(plan.steps().contains(new SetupStep.WriteUnitFile(spec.unitFile(), spec.unitContent())),
                plan.describeSteps().toString());
    }

    @Test
    void thePackagedPathUnitStartsTheUnitWhenItsTokenExists() throws Exception {
        String path = Files.readString(Path.of("..", "systemd", "cmux-cloudflared.path"));
        assertTrue(path.contains("\nPathExists=" + CloudflaredUnit.DEFAULT_TOKEN_FILE + "\n"), path);
        assertTrue(path.contains("\nUnit=" + CloudflaredUnit.FILE_NAME + "\n"), path);
        assertTrue(CloudflaredUnit.template().contains("\nConditionPathExists=" + CloudflaredUnit.DEFAULT_TOKEN_FILE
                + "\n"), "without a token the unit must not start (and restart) in vain");
    }
}
