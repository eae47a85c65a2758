package dev.cmux.control.sandbox;

import dev.cmux.control.pve.Upid;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An operation's id: {@code op-<kind>-<vmid>-<UPID of its first PVE task, base64url without padding>}. It says what
 * PVE must be asked to tell how the operation went, so any gateway of the cluster reads it, and one that restarted
 * too. A UPID holds the node, pid, start time, task type, guest id and the token's {@code user!name}, never a secret.
 * Only the canonical spelling of an id whose task fits its kind is one: anything else is no operation.
 *
 * @param kind what the operation does ({@code create}, {@code destroy}, {@code rollback}, {@code template}, a power
 *             action); one of {@link #TASKS}
 * @param vmid the sandbox it acts on (for a create, the new one; for a template, the sandbox it is made from)
 * @param upid the first PVE task it started
 */
public record OperationId(String kind, int vmid, String upid) {

    private static final String PREFIX = "op-";
    private static final Pattern FORMAT = Pattern.compile("^op-([a-z]+)-([1-9][0-9]{2,8})-([A-Za-z0-9_-]{40,400})$");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** Whose tasks an operation's first one may be: PVE names its workers {@code vz…}, {@code qm…}, {@code ha…}. */
    private static final Set<String> TASK_PREFIXES = Set.of("vz", "qm", "ha");

    /**
     * Kind → the task types its first PVE task can have, without their {@code vz}/{@code qm}/{@code ha} prefix (HA
     * managed guests get {@code hastart}/{@code hastop}): a destroy starts with the stop of a running sandbox, a
     * template with the shutdown of its running source, a resume with a start when there is nothing to resume.
     */
    public static final Map<String, Set<String>> TASKS = Map.ofEntries(
            Map.entry("create", Set.of("clone")),
            Map.entry("destroy", Set.of("stop", "destroy")),
            Map.entry("rollback", Set.of("rollback")),
            Map.entry("template", Set.of("shutdown", "stop", "clone")),
            Map.entry("start", Set.of("start")),
            Map.entry("stop", Set.of("stop")),
            Map.entry("shutdown", Set.of("shutdown", "stop")),
            Map.entry("reboot", Set.of("reboot")),
            Map.entry("suspend", Set.of("suspend", "pause")),
            Map.entry("pause", Set.of("suspend", "pause")),
            Map.entry("hibernate", Set.of("suspend")),
            Map.entry("resume", Set.of("resume", "start")));

    public OperationId {
        if (!fits(kind, vmid, upid)) {
            throw new IllegalArgumentException("task " + upid + " is not the first task of a " + kind + " of " + vmid);
        }
    }

    /** The id as clients see it. */
    public String text() {
        return PREFIX + kind + "-" + vmid + "-" + ENCODER.encodeToString(upid.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first task, parsed. */
    public Upid task() {
        return Upid.parse(upid);
    }

    /** The operation {@code text} names, or empty for anything that is not an id this gateway would have made. */
    public static Optional<OperationId> parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String upid;
        try {
            upid = new String(Base64.getUrlDecoder().decode(m.group(3)), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String kind = m.group(1);
        int vmid = Integer.parseInt(m.group(2));
        if (!fits(kind, vmid, upid)) {
            return Optional.empty();
        }
        OperationId id = new OperationId(kind, vmid, upid);
        return id.text().equals(text) ? Optional.of(id) : Optional.empty(); // one spelling per operation
    }

    /**
     * Whether {@code upid} can be the first task of {@code kind} on {@code vmid}: its type is one of the kind's, and
     * its guest id is the sandbox's, but for a create, whose clone task is the template's.
     */
    private static boolean fits(String kind, int vmid, String upid) {
        Set<String> types = TASKS.get(kind);
        Optional<Upid> task = Upid.tryParse(upid);
        if (types == null || task.isEmpty() || !SandboxId.inRange(vmid)) {
            return false;
        }
        String type = task.get().type();
        boolean typeFits = type.length() > 2 && TASK_PREFIXES.contains(type.substring(0, 2))
                && types.contains(type.substring(2));
        return typeFits && (kind.equals("create") || task.get().id().equals(Integer.toString(vmid)));
    }
}
