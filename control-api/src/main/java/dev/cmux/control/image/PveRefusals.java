package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveTaskFailedException;

import java.util.Map;

/**
 * PVE's refusals of image work as the caller's error: a snapshot name that breaks PVE's rules is 400, a snapshot
 * that is not there 404, a state that forbids it (name taken, storage without snapshots, not the newest on ZFS, a
 * template) 409; each with PVE's own words. Locks and everything else keep the general mapping (409 locked, 502).
 */
final class PveRefusals {

    private PveRefusals() {
    }

    static RuntimeException translate(PveException e) {
        String words = "PVE: " + (e instanceof PveTaskFailedException t ? t.exitStatus() : e.getMessage());
        Map<String, Object> details = e.fieldErrors().isEmpty() ? null : Map.of("fieldErrors", e.fieldErrors());
        if (e.badSnapshotName()) {
            return SandboxException.of(SandboxException.Kind.BAD_REQUEST, "invalid-snapshot-name", words, details, e);
        }
        if (e.noSuchSnapshot()) {
            return SandboxException.of(SandboxException.Kind.NOT_FOUND, "unknown-snapshot", words, null, e);
        }
        if (e.snapshotConflict()) {
            return SandboxException.of(SandboxException.Kind.CONFLICT, "snapshot-refused", words, null, e);
        }
        return e;
    }
}
