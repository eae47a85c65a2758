package dev.cmux.control.pve;

/**
 * An emulated guest's address starts or stops answering: it started, stopped, paused, resumed, moved to another
 * node (the old address stops, the new one starts), or its node went offline or came back. A test serves the
 * guest's app at {@code address} while {@code running}.
 *
 * @param vmid    the container or VM
 * @param node    the node it runs on (or ran on, for a stop)
 * @param address its IPv4 on that node's network; null without a DHCP lease
 * @param running whether the address answers from now on
 */
public record GuestEvent(int vmid, String node, String address, boolean running) {
}
