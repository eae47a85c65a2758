package dev.cmux.gateway.headers;

import dev.cmux.bench.micro.HotPathBench;
import dev.cmux.gateway.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

import java.net.InetAddress;
import java.util.List;

/**
 * The request header rewrite ({@link HopByHopHeaders#remove} then {@link ForwardedHeaders#apply}) on the headers
 * cloudflared sends. It lives in the gateway's package because both classes are package-private; each call works on
 * a fresh copy, and {@link #copyOnly} measures that copy so it can be subtracted.
 */
public class HeaderRewriteBench extends HotPathBench {

    private HttpHeaders fromCloudflared;
    private ForwardedHeaders forwarded;
    private InetAddress loopback;

    @Setup
    public void setUp() {
        fromCloudflared = new DefaultHttpHeaders()
                .add("host", "port-8080-vm-200.bench.test")
                .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36")
                .add("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("accept-encoding", "gzip, br")
                .add("accept-language", "en-US,en;q=0.9")
                .add("cookie", "vscode-tkn=abcdef0123456789; other=1")
                .add("cf-connecting-ip", "203.0.113.7")
                .add("cf-ray", "8f1c2d3e4f5a6b7c-FRA")
                .add("x-forwarded-for", "203.0.113.7")
                .add("x-forwarded-proto", "https")
                .add("connection", "keep-alive")
                .add("keep-alive", "timeout=90");
        forwarded = new ForwardedHeaders(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")));
        loopback = InetAddress.getLoopbackAddress();
    }

    @Benchmark
    public HttpHeaders copyOnly() {
        return fromCloudflared.copy();
    }

    @Benchmark
    public String rewrite() {
        HttpHeaders h = fromCloudflared.copy();
        HopByHopHeaders.remove(h);
        return forwarded.apply(h, loopback, "port-8080-vm-200.bench.test");
    }
}
