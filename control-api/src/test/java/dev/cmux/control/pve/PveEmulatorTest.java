package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.sandbox.PowerAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator refuses what real PVE refuses; an emulator that accepts more would hide client bugs. */
class PveEmulatorTest {

    private PveEmulator pve;
    private PveClient client;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedContainer(150, "cmux-150", false, "cmux", null);
        client = PveClient.create(pve.config(null));
    }

    @AfterEach
    void stop() {
        client.close();
        pve.close();
    }

    @Test
    void unknownParameterIsA400WithPerFieldErrors() {
        PveException e = assertThrows(PveException.class,
                () -> client.post("/nodes/pve/lxc/150/status/stop", Map.of("overrule-shutdowns", true)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("Parameter verification failed."), e.getMessage());
        assertEquals("property is not defined in schema and the schema does not allow additional properties",
                e.fieldErrors().get("overrule-shutdowns"));
        assertEquals(1, pve.violations().size());
    }

    @Test
    void booleansMustBeZeroOrOneAndIntegersMustBeIntegers() {
        PveException e = assertThrows(PveException.class,
                () -> client.put("/nodes/pve/lxc/150/config", Map.of("onboot", "true", "cores", "two")));
        assertEquals("type check ('boolean') failed - got 'true'", e.fieldErrors().get("onboot"));
        assertEquals("type check ('integer') failed - got 'two'", e.fieldErrors().get("cores"));
    }

    @Test
    void missingRequiredParameterAndVmidOutOfRangeAreRejected() {
        PveException missing = assertThrows(PveException.class,
                () -> client.post("/nodes/pve/lxc/150/clone", Map.of("hostname", "x")));
        assertEquals("property is missing and it is not optional", missing.fieldErrors().get("newid"));
        PveException range = assertThrows(PveException.class, () -> client.config("pve", 99));
        assertEquals("value must have a minimum value of 100", range.fieldErrors().get("vmid"));
    }

    @Test
    void envIsANulSeparatedListOfAssignmentsThatPve84DoesNotKnow() {
        PveException bad = assertThrows(PveException.class,
                () -> client.put("/nodes/pve/lxc/150/config", Map.of("env", "A=1\0no assignment")));
        assertEquals("value does not match the regex pattern", bad.fieldErrors().get("env"));
        pve.clearViolations();

        client.put("/nodes/pve/lxc/150/config", Map.of("env", "A=1\0B=two words"));
        assertEquals("A=1\0B=two words", client.config("pve", 150).path("env").asText());

        pve.release("8.4");
        assertEquals("8.4", client.version().path("release").asText());
        PveException old = assertThrows(PveException.class,
                () -> client.put("/nodes/pve/lxc/150/config", Map.of("env", "A=1", "cores", 2)));
        assertEquals(400, old.status());
        assertEquals(Map.of("env", "property is not defined in schema and the schema does not allow additional "
                + "properties"), old.fieldErrors());
        assertEquals(List.of(), pve.violations(), "a parameter a newer PVE knows is a probe, not a malformed call");
    }

    @Test
    void pathsOutsideTheSchemaAre501() {
        PveException e = assertThrows(PveException.class, () -> client.get("/nodes/pve/openvz", Map.of()));
        assertEquals(501, e.status());
        assertEquals("Method 'GET /nodes/pve/openvz' not implemented", e.getMessage());
        assertEquals(List.of("GET /nodes/pve/openvz: not in the PVE schema excerpt"), pve.violations());
    }

    @Test
    void nextIdWithATakenVmidIsA400NamingIt() {
        PveException e = assertThrows(PveException.class, () -> client.get("/cluster/nextid", Map.of("vmid", 150)));
        assertEquals(400, e.status());
        assertEquals("VM 150 already exists", e.fieldErrors().get("vmid"));
        assertEquals(List.of(), pve.violations(), "a valid request that PVE answers with 400 is no violation");
    }

    @Test
    void startingALockedContainerFailsInsideTheTaskNotAtOnce() {
        pve.seedTemplate(9000);
        pve.taskDuration(java.time.Duration.ofMillis(1500)); // the clone still runs when start is asked
        String clone = client.cloneContainer("pve", 9000, 151, "cmux-151", false);
        String start = client.statusAction("pve", 151, PowerAction.START, Map.of());
        PveTaskFailedException e = assertThrows(PveTaskFailedException.class,
                () -> tasks(client).await(start));
        assertEquals("CT is locked (create)", e.exitStatus());
        tasks(client).await(clone);
    }

    @Test
    void aConfigUpdateWithAStaleDigestIsRefusedAndAFreshOneTaken() {
        String digest = PveJson.text(client.config("pve", 150), "digest");
        assertEquals(40, digest.length(), "SHA1 hex");
        client.updateConfig("pve", 150, Map.of("description", "first", "digest", digest));
        String fresh = PveJson.text(client.config("pve", 150), "digest");
        assertTrue(!fresh.equals(digest), "a changed config has another digest");

        PveException stale = assertThrows(PveException.class,
                () -> client.updateConfig("pve", 150, Map.of("description", "second", "digest", digest)));
        assertEquals(500, stale.status());
        assertEquals("detected modified configuration - file changed by other user? Try again.", stale.getMessage());
        assertEquals("first\n", PveJson.text(client.config("pve", 150), "description"));
        assertEquals(List.of(), pve.violations());
    }

    @Test
    void networkCountersGrowWhileRunningAndStartFromZeroAgain() {
        pve.guestTraffic(150, 1000, 1000);
        assertEquals(0, client.currentStatus("pve", 150).path("netin").asLong(), "stopped: 0");
        tasks(client).await(client.statusAction("pve", 150, PowerAction.START, Map.of()));
        pve.guestTraffic(150, 1000, 24);
        JsonNode resource = null;
        for (JsonNode r : client.vmResources()) {
            resource = r.path("vmid").asInt() == 150 ? r : resource;
        }
        assertEquals(1000, resource.path("netin").asLong());
        assertEquals(24, resource.path("netout").asLong());
        tasks(client).await(client.statusAction("pve", 150, PowerAction.STOP, Map.of()));
        assertEquals(0, client.currentStatus("pve", 150).path("netout").asLong());
    }

    private static TaskWaiter tasks(PveClient client) {
        return new TaskWaiter(client, Poller.SYSTEM, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(5));
    }
}
