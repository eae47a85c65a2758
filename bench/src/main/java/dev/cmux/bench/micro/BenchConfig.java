package dev.cmux.bench.micro;

import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ResolverConfig;
import dev.cmux.gateway.config.RoutingConfig;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The gateway configuration of bench/proxies/gateway.yaml, so the microbenchmarks and the load runs take the same
 * paths.
 */
final class BenchConfig {

    static final int VMID = 200;

    private BenchConfig() {
    }

    static GatewayConfig gateway() {
        return GatewayConfig.defaults()
                .withDomain("bench.test")
                .withRouting(RoutingConfig.defaults().withSuffix(""))
                .withResolver(ResolverConfig.defaults()
                        .withStatics(Map.of(VMID, InetAddress.getLoopbackAddress()))
                        .withAllowedNetworks(List.of(Cidr.parse("127.0.0.1/32"))));
    }
}
