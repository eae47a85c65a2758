package dev.cmux.control.cloudflare;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.poll.FakeTime;
import java.nio.file.Path;

/** Config and clients pointed at a {@link CloudflareEmulator}, with local files under a temp dir. */
final class TestSites {

    static final String GATEWAY = "127.0.0.1:8080";
    /** A control API with a bearer token, as publishing it needs. */
    static final PublishedControlApi.Endpoint CONTROL = new PublishedControlApi.Endpoint("127.0.0.1:8081", true);
    /** The PVE node the tests' gateway runs on. */
    static final String NODE = "pve2";

    private TestSites() {
    }

    static CloudflareConfig config(CloudflareEmulator cf, String token, String accountId, String zoneId,
                                   String domain, Path dir) {
        return new CloudflareConfig(cf.url(), token, accountId, zoneId, domain, "cmux-gateway",
                dir.resolve("cloudflared"), dir.resolve("systemd"), CloudflareConfig.DEFAULT_READY_URL);
    }

    static CloudflareConfig config(CloudflareEmulator cf, CloudflareEmulator.Site site, String domain, Path dir) {
        return config(cf, site.token(), site.accountId(), null, domain, dir);
    }

    static TunnelSpec spec(CloudflareConfig config, boolean pveRoute) {
        return TunnelSpec.from(config, GATEWAY, pveRoute);
    }

    /** Waits move a fake clock, so 429 tests take no time. */
    static RetryPolicy retry(FakeTime time) {
        return RetryPolicy.defaults().withPoller(time.poller());
    }

    static CloudflareClient client(CloudflareConfig config) {
        return CloudflareClient.from(config, retry(new FakeTime()));
    }
}
