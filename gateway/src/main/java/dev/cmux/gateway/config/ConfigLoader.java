package dev.cmux.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.sandbox.IdlePolicy;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link GatewayConfig}: built-in defaults, then the YAML file (every key documented in
 * {@code config/gateway.yaml}), then the environment variables of DESIGN.md, then checks that span keys.
 * All problems are collected and thrown together, so an operator fixes a file in one go.
 */
public final class ConfigLoader {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
        List<String> problems = new ArrayList<>();
        JsonNode root = file == null ? JsonNodeFactory.instance.objectNode() : read(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        GatewayConfig config = fromYaml(new Section("", root, env, problems), env);
        config = EnvOverrides.apply(config, env, problems);
        crossChecks(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static JsonNode read(Path file, List<String> problems) {
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!root.isObject()) {
                problems.add("the file must be a mapping of keys such as 'listen:'");
            }
            return root;
        } catch (NoSuchFileException e) {
            problems.add("no such file");
        } catch (JsonProcessingException e) {
            problems.add("not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return JsonNodeFactory.instance.objectNode();
    }

    private static GatewayConfig fromYaml(Section root, Map<String, String> env) {
        root.allowOnly(Set.of("listen", "domain", "trustedProxies", "routing", "resolver", "timeouts", "limits", "pool",
                "accessLog", "logging", "access", "tls", "control", "pve", "cloudflare", "wake", "idle"));
        GatewayConfig d = GatewayConfig.defaults();
        return new GatewayConfig(
                root.value("listen", Values::listenAddress, d.listen()),
                root.value("domain", Values::domain, d.domain()),
                root.list("trustedProxies", Cidr::parse, d.trustedProxies()),
                routing(root.section("routing"), d.routing()),
                resolver(root.section("resolver"), d.resolver()),
                timeouts(root.section("timeouts"), d.timeouts()),
                limits(root.section("limits"), d.limits()),
                pool(root.section("pool"), d.pool()),
                accessLog(root.section("accessLog"), d.accessLog()),
                logging(root.section("logging"), d.logging()),
                access(root.section("access")),
                tls(root.section("tls"), d.tls()),
                control(root.section("control"), d.control()),
                pve(root.section("pve"), d.pve()),
                cloudflare(root.section("cloudflare"), d.cloudflare()),
                wake(root.section("wake"), d.wake()),
                idle(root.section("idle"), d.idle()));
    }

    private static RoutingConfig routing(Section s, RoutingConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("suffix", "allowedPorts", "deniedPorts", "hosts"));
        Map<String, UpstreamRoute> hosts = new HashMap<>();
        s.sections("hosts").forEach((name, h) -> {
            UpstreamRoute route = upstream(h);
            if (route != null) {
                hosts.put(name.toLowerCase(Locale.ROOT), route);
            }
        });
        String suffix = s.has("suffix") ? s.string("suffix") : d.suffix();
        return new RoutingConfig(suffix == null ? "" : suffix, s.list("allowedPorts", PortRange::parse,
                d.allowedPorts()), s.list("deniedPorts", PortRange::parse, d.deniedPorts()), hosts);
    }

    private static UpstreamRoute upstream(Section h) {
        h.allowOnly(Set.of("upstream", "tlsFingerprint", "tlsCaFile", "tlsInsecure"));
        URI uri = h.value("upstream", ConfigLoader::upstreamUri, null);
        if (uri == null) {
            if (!h.has("upstream")) {
                h.problem("upstream", "missing: an http:// or https:// address such as https://127.0.0.1:8006");
            }
            return null;
        }
        String fingerprint = h.value("tlsFingerprint", ConfigLoader::fingerprint, null);
        Path caFile = h.value("tlsCaFile", Path::of, null);
        boolean insecure = h.value("tlsInsecure", ConfigLoader::bool, false);
        if (!"https".equals(uri.getScheme()) && (fingerprint != null || caFile != null || insecure)) {
            h.problem("upstream", "TLS settings given for a plain http:// upstream");
        }
        if ((fingerprint != null ? 1 : 0) + (caFile != null ? 1 : 0) + (insecure ? 1 : 0) > 1) {
            h.problem("tlsInsecure", "choose one of tlsFingerprint, tlsCaFile and tlsInsecure");
        }
        return new UpstreamRoute(uri, caFile, fingerprint, insecure);
    }

    private static ResolverConfig resolver(Section s, ResolverConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("ttl", "refreshAfter", "negativeTtl", "static", "allowedNetworks", "nameservers",
                "maxEntries"));
        Duration ttl = s.value("ttl", Values::duration, d.ttl());
        // refresh ahead at two thirds of the TTL unless told otherwise
        Duration refresh = s.value("refreshAfter", Values::duration, s.has("ttl") ? ttl.multipliedBy(2).dividedBy(3)
                : d.refreshAfter());
        Map<Integer, InetAddress> statics = new HashMap<>();
        s.scalarMap("static").forEach((vmid, address) -> {
            try {
                statics.put(vmidKey(vmid), ipLiteral(address));
            } catch (IllegalArgumentException e) {
                s.problem("static." + vmid, e.getMessage());
            }
        });
        return new ResolverConfig(ttl, refresh, s.value("negativeTtl", Values::duration, d.negativeTtl()), statics,
                s.list("allowedNetworks", Cidr::parse, d.allowedNetworks()),
                s.list("nameservers", ConfigLoader::nameserver, d.nameservers()),
                s.value("maxEntries", v -> positiveInt(v), (int) d.maxEntries()));
    }

    private static Timeouts timeouts(Section s, Timeouts d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("connect", "responseHeaders", "clientIdle", "requestHead", "upgradedIdle", "shutdownGrace"));
        return new Timeouts(
                s.value("connect", Values::duration, d.connect()),
                s.value("responseHeaders", Values::duration, d.responseHeaders()),
                s.value("clientIdle", Values::duration, d.clientIdle()),
                s.value("requestHead", Values::duration, d.requestHead()),
                s.value("upgradedIdle", Values::duration, d.upgradedIdle()),
                s.value("shutdownGrace", Values::duration, d.shutdownGrace()));
    }

    private static Limits limits(Section s, Limits d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("maxRequestLine", "maxHeaderSize", "maxConnections", "maxConnectionsPerClient"));
        return new Limits(s.value("maxRequestLine", ConfigLoader::positiveInt, d.maxRequestLine()),
                s.value("maxHeaderSize", ConfigLoader::positiveInt, d.maxHeaderSize()),
                s.value("maxConnections", ConfigLoader::positiveInt, d.maxConnections()),
                s.value("maxConnectionsPerClient", ConfigLoader::positiveInt, d.maxConnectionsPerClient()));
    }

    private static PoolConfig pool(Section s, PoolConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("idleTimeout", "maxIdlePerBackend"));
        return new PoolConfig(s.value("idleTimeout", Values::duration, d.idleTimeout()),
                s.value("maxIdlePerBackend", ConfigLoader::nonNegativeInt, d.maxIdlePerBackend()));
    }

    private static WakeConfig wake(Section s, WakeConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("enabled", "timeout", "retryAfter", "maxWakes", "window"));
        return new WakeConfig(s.value("enabled", ConfigLoader::bool, d.enabled()),
                s.value("timeout", Values::duration, d.timeout()),
                s.value("retryAfter", ConfigLoader::wholeSeconds, d.retryAfter()),
                s.value("maxWakes", ConfigLoader::positiveInt, d.maxWakes()),
                s.value("window", Values::duration, d.window()));
    }

    private static IdleConfig idle(Section s, IdleConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("after", "action", "checkInterval"));
        return new IdleConfig(new IdlePolicy(s.value("after", ConfigLoader::zeroOrMore, d.policy().after()),
                s.value("action", ConfigLoader::idleAction, d.policy().action())),
                s.value("checkInterval", Values::duration, d.checkInterval()));
    }

    /** Retry-After is whole seconds. */
    private static Duration wholeSeconds(String text) {
        Duration d = Values.duration(text);
        if (d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("must be whole seconds, e.g. 2s");
        }
        return d;
    }

    private static Duration zeroOrMore(String text) {
        return "0".equals(text.trim()) ? Duration.ZERO : Values.duration(text);
    }

    private static String idleAction(String text) {
        if (!IdlePolicy.ACTIONS.contains(text)) {
            throw new IllegalArgumentException("must be suspend or stop");
        }
        return text;
    }

    private static AccessLogConfig accessLog(Section s, AccessLogConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("enabled"));
        return new AccessLogConfig(s.value("enabled", ConfigLoader::bool, d.enabled()));
    }

    private static LoggingConfig logging(Section s, LoggingConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("level", "levels"));
        Map<String, String> levels = new java.util.LinkedHashMap<>();
        s.scalarMap("levels").forEach((logger, level) -> {
            try {
                levels.put(logger, logLevel(level));
            } catch (IllegalArgumentException e) {
                s.problem("levels." + logger, e.getMessage());
            }
        });
        return new LoggingConfig(s.value("level", ConfigLoader::logLevel, d.level()), levels);
    }

    private static String logLevel(String text) {
        String l = text.trim().toLowerCase(Locale.ROOT);
        if (!Set.of("error", "warn", "info", "debug", "trace").contains(l)) {
            throw new IllegalArgumentException("'" + text + "' is not one of error, warn, info, debug, trace");
        }
        return l;
    }

    private static AccessConfig access(Section s) {
        if (s == null) {
            return AccessConfig.disabled();
        }
        s.allowOnly(Set.of("teamName", "aud", "certsUrl", "issuer", "clockSkew", "bypassHosts", "bypassPorts"));
        String team = s.string("teamName");
        String aud = s.string("aud");
        if (team == null || aud == null) {
            if (team != null || aud != null) {
                s.problem(team == null ? "teamName" : "aud", "set both teamName and aud to enable Cloudflare Access checks");
            }
            return AccessConfig.disabled();
        }
        if (!aud.matches("[0-9a-f]{64}")) {
            s.problem("aud", "expected the Application Audience (AUD) tag: 64 hex characters");
        }
        String issuer = s.value("issuer", v -> v, "https://" + team + ".cloudflareaccess.com");
        return new AccessConfig(team, aud, s.value("certsUrl", ConfigLoader::httpUrl,
                URI.create(issuer + "/cdn-cgi/access/certs")), issuer,
                s.value("clockSkew", Values::duration, Duration.ofSeconds(60)),
                s.list("bypassHosts", h -> h.toLowerCase(Locale.ROOT), List.of()),
                s.list("bypassPorts", PortRange::parse, List.of()));
    }

    private static TlsConfig tls(Section s, TlsConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("listen", "certificates", "stateDir"));
        List<TlsConfig.CertificateFiles> certificates = new ArrayList<>();
        for (Section c : s.sectionList("certificates")) {
            c.allowOnly(Set.of("certFile", "keyFile"));
            Path cert = c.value("certFile", Path::of, null);
            Path key = c.value("keyFile", Path::of, null);
            if (cert == null || key == null) {
                c.problem(cert == null ? "certFile" : "keyFile", "missing: a PEM file");
            } else {
                certificates.add(new TlsConfig.CertificateFiles(cert, key));
            }
        }
        return new TlsConfig(s.value("listen", Values::listenAddress, d.listen()), certificates,
                s.value("stateDir", Path::of, d.stateDir()));
    }

    private static ControlConfig control(Section s, ControlConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("listen", "token"));
        return new ControlConfig(s.value("listen", Values::listenAddress, d.listen()), s.string("token"));
    }

    private static PveConfig pve(Section s, PveConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("apiUrl", "apiToken", "node", "templateVmid", "verifyTls", "tlsFingerprint", "caFile"));
        return new PveConfig(s.value("apiUrl", ConfigLoader::httpUrl, d.apiUrl()), s.string("apiToken"),
                s.value("node", v -> v, d.node()), s.value("templateVmid", ConfigLoader::positiveInt, d.templateVmid()),
                s.value("verifyTls", ConfigLoader::bool, d.verifyTls()),
                s.value("tlsFingerprint", ConfigLoader::fingerprint, d.tlsFingerprint()),
                s.value("caFile", Path::of, d.caFile()));
    }

    private static CloudflareConfig cloudflare(Section s, CloudflareConfig d) {
        if (s == null) {
            return d;
        }
        s.allowOnly(Set.of("apiUrl", "apiToken", "accountId", "zoneId", "domain", "tunnelName", "cloudflaredDir",
                "systemdUnitDir"));
        return new CloudflareConfig(s.value("apiUrl", ConfigLoader::httpUrl, d.apiUrl()), s.string("apiToken"),
                s.string("accountId"), s.string("zoneId"), s.value("domain", Values::domain, d.domain()),
                s.value("tunnelName", v -> v, d.tunnelName()), s.value("cloudflaredDir", Path::of, d.cloudflaredDir()),
                s.value("systemdUnitDir", Path::of, d.systemdUnitDir()));
    }

    private static void crossChecks(GatewayConfig c, List<String> problems) {
        ResolverConfig r = c.resolver();
        if (r.negativeTtl().compareTo(Duration.ofSeconds(2)) > 0) {
            problems.add("resolver.negativeTtl: at most 2s, so a sandbox that just started is found quickly");
        }
        if (r.refreshAfter().compareTo(r.ttl()) >= 0) {
            problems.add("resolver.refreshAfter: must be shorter than resolver.ttl (" + r.ttl().toSeconds() + "s)");
        }
        Timeouts t = c.timeouts();
        if (t.connect().isZero() || t.responseHeaders().isZero() || t.requestHead().isZero()) {
            problems.add("timeouts: connect, responseHeaders and requestHead must be longer than 0");
        }
        if (c.control().listen().getPort() != 0 && c.control().listen().getPort() == c.listen().getPort()
                && c.control().listen().getHostString().equals(c.listen().getHostString())) {
            problems.add("control.listen: must differ from listen (" + c.listen() + ")");
        }
        if (!c.control().hasToken() && !isLoopback(c.control().listen())) {
            problems.add("control.token: the control API listens on " + c.control().listen().getHostString()
                    + ", which is not loopback, so it needs a token (env GATEWAY_CONTROL_TOKEN)");
        }
        if (c.tls().enabled() && c.domain() == null && c.tls().certificates().isEmpty()) {
            problems.add("tls: give tls.certificates, or set domain so a certificate for *.<domain> can be made");
        }
        if (c.control().hasToken() && c.control().token().length() < 16) {
            problems.add("control.token: use at least 16 characters (e.g. openssl rand -hex 32)");
        }
    }

    static boolean isLoopback(InetSocketAddress address) {
        String host = address.getHostString();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        try {
            return ip != null && InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    // ---- value parsers used above ----------------------------------------------------------------------

    static InetAddress ipLiteral(String text) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (ip == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    private static int vmidKey(String text) {
        try {
            int vmid = Integer.parseInt(text.trim());
            if (vmid >= 100) {
                return vmid;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("the key must be a vmid (100 or more)");
    }

    private static InetSocketAddress nameserver(String text) {
        String s = text.trim();
        boolean hasPort = s.startsWith("[") ? s.contains("]:") : s.indexOf(':') >= 0 && s.indexOf(':') == s
                .lastIndexOf(':');
        if (!hasPort) {
            return new InetSocketAddress(ipLiteral(s.replace("[", "").replace("]", "")), 53);
        }
        InetSocketAddress hp = Values.listenAddress(s);
        return new InetSocketAddress(ipLiteral(hp.getHostString()), hp.getPort());
    }

    private static URI upstreamUri(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("'" + text + "' must be http://host:port or https://host:port, no path");
        }
        return uri;
    }

    private static URI httpUrl(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an http:// or https:// URL");
        }
        return uri;
    }

    /** SHA-256 as 64 hex digits, with or without colons (PVE prints {@code AB:CD:…}). */
    static String fingerprint(String text) {
        String hex = text.trim().replace(":", "");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("expected a SHA-256 fingerprint: 64 hex digits, colons allowed");
        }
        return hex.toUpperCase(Locale.ROOT);
    }

    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    static int positiveInt(String text) {
        int n = nonNegativeInt(text);
        if (n == 0) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return n;
    }

    static int nonNegativeInt(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + text + "' is not a whole number of 0 or more");
    }
}
