package dev.cmux.control.sandbox;

/**
 * What PVE counts of a running guest, the same on every gateway of the cluster ({@code /cluster/resources}, from
 * pvestatd's last pass on the guest's node, up to ~12 s old; pve-qemu-cluster.md §3.2, §4).
 *
 * @param networkBytes {@code netin + netout}: bytes received and sent since it started (its veth or tap)
 * @param cpuCores     the CPU it used over pvestatd's last 10 s interval, in cores ({@code cpu × maxcpu})
 */
public record GuestUse(long networkBytes, double cpuCores) {
}
