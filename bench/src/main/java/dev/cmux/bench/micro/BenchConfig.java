package dev.cmux.bench.micro;

import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;

import java.net.InetAddress;
import java.util.List;

/**
 * The gateway configuration of bench/proxies/gateway.yaml, so the microbenchmarks and the load runs take the same
 * paths.
 */
final class BenchConfig {

    static final int VMID = 200;

    private BenchConfig() {
    }

    static GatewayConfig gateway() {
        return GatewayConfig.builder()
                .domain("bench.test")
                .suffix("")
                .putStatic(VMID, InetAddress.getLoopbackAddress())
                .allowedNetworks(List.of(Cidr.parse("127.0.0.1/32")))
                .build();
    }
}
