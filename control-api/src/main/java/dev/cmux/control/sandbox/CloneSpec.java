package dev.cmux.control.sandbox;

/**
 * How one sandbox is cloned: from which template (or snapshot of a container), linked or full and onto which
 * storage, and the resources it gets afterwards. The choice is made before anything exists (see the {@code image}
 * package); {@link SandboxService#create(CreateRequest, CloneSpec)} carries it out and rolls back what it made.
 *
 * @param source    the template (or container, with {@code snapname}) to clone
 * @param node      the node the source lives on: clones are made there
 * @param snapname  clone this snapshot of the source; null: its current state
 * @param full      a full copy instead of a linked clone
 * @param storage   where a full clone goes; null: the source's storage (always null for a linked clone)
 * @param cores     CPU cores after the clone; null: the source's (a request's own value wins)
 * @param memoryMiB memory after the clone; null: the source's (a request's own value wins)
 * @param diskGiB   the root disk is grown to this size when smaller; null: as cloned
 * @param image     the preset version it is made from ({@code pvelxc_<id>_v<n>}), kept in its metadata; null: none
 * @param kind      what the source is, so what the clone is: a container or a VM
 * @param target    the node the clone goes to when not {@code node} (PVE's {@code target}: the clone is made on the
 *                  source's node and moved there at the end); null: it stays on {@code node} ({@link Placement})
 */
public record CloneSpec(int source, String node, String snapname, boolean full, String storage, Integer cores,
                        Integer memoryMiB, Integer diskGiB, String image, SandboxKind kind, String target) {

    public CloneSpec {
        if (!full && storage != null) {
            throw new IllegalArgumentException("a linked clone lives on its template's storage");
        }
        if (kind == null) {
            throw new IllegalArgumentException("a clone spec names its kind");
        }
        if (node.equals(target)) {
            target = null;
        }
    }

    /** Staying on the source's node. */
    public CloneSpec(int source, String node, String snapname, boolean full, String storage, Integer cores,
                     Integer memoryMiB, Integer diskGiB, String image, SandboxKind kind) {
        this(source, node, snapname, full, storage, cores, memoryMiB, diskGiB, image, kind, null);
    }

    /** The node the sandbox lives on once cloned. */
    public String placedOn() {
        return target != null ? target : node;
    }

    /** The same clone, going to {@code next} (the source's node: staying) onto {@code nextStorage} when full. */
    public CloneSpec placed(String next, String nextStorage) {
        return new CloneSpec(source, node, snapname, full, full ? nextStorage : null, cores, memoryMiB, diskGiB, image,
                kind, next);
    }

    /** A container's clone. */
    public CloneSpec(int source, String node, String snapname, boolean full, String storage, Integer cores,
                     Integer memoryMiB, Integer diskGiB, String image) {
        this(source, node, snapname, full, storage, cores, memoryMiB, diskGiB, image, SandboxKind.LXC);
    }

    /** A linked clone of {@code template} (of {@code kind}) on {@code node}, with its resources unchanged. */
    public static CloneSpec linked(int template, String node, SandboxKind kind) {
        return new CloneSpec(template, node, null, false, null, null, null, null, null, kind);
    }

    /** A linked clone of container template {@code template} on {@code node}, with its resources unchanged. */
    public static CloneSpec linked(int template, String node) {
        return linked(template, node, SandboxKind.LXC);
    }
}
