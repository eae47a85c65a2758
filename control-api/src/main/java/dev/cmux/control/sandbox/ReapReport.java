package dev.cmux.control.sandbox;

import java.util.List;

/**
 * One pass of the TTL reaper.
 *
 * @param destroyed sandboxes destroyed because their TTL passed
 * @param stopped   sandboxes stopped because their TTL passed and their policy is {@code stop}
 * @param orphans   containers named {@code cmux-<vmid>} without readable sandbox metadata: reported, never touched
 * @param errors    what failed, one sentence each
 */
public record ReapReport(List<Integer> destroyed, List<Integer> stopped, List<Integer> orphans,
                         List<String> errors) {
}
