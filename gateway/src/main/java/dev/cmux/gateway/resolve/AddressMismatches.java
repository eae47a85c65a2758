package dev.cmux.gateway.resolve;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Lookups where DNS named an address PVE does not report for that vmid: another sandbox claiming the name, or a stale
 * lease. Each is counted ({@code cmux_gateway_address_mismatch_total}); the log says it once per vmid until the two
 * agree again, so a claim that lasts does not fill the journal at every refresh.
 */
final class AddressMismatches {

    private static final Logger LOG = Logger.getLogger(BackendResolver.class.getName());

    private final LongAdder count = new LongAdder();
    private final Set<Integer> reported = ConcurrentHashMap.newKeySet();

    void found(int vmid, String name, InetAddress claimed, InetAddress used) {
        count.increment();
        if (reported.add(vmid)) {
            LOG.warning("sandbox vm-" + vmid + ": " + name + " points at " + claimed.getHostAddress() + " in DNS, which "
                    + "PVE does not report for vm-" + vmid + "; using PVE's " + used.getHostAddress()
                    + " (is another sandbox claiming its name?)");
        }
    }

    void agreed(int vmid) {
        reported.remove(vmid);
    }

    long count() {
        return count.sum();
    }
}
