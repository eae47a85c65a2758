package dev.cmux.control.sandbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The public URLs of a sandbox's services (cloudflared → gateway), in both forms the gateway routes:
 * {@code https://port-{port}-vm-{vmid}.{domain}} and cmux's {@code https://port-{port}-{instanceId}.{domain}}, the
 * instance id being the sandbox's host name. Both maps are empty when no public domain is configured.
 *
 * @param byVmid     service name to URL, by vmid
 * @param byInstance service name to URL, by instance id; empty when the host name is unknown
 */
public record SandboxUrls(Map<String, String> byVmid, Map<String, String> byInstance) {

    /** Service name to port inside the container, as cmux runs them. */
    public static final Map<String, Integer> PORTS = ports();
    private static final String[] SERVICES = {"vscode", "worker", "xterm", "vnc", "preview"};

    private static Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("vscode", 39378);
        ports.put("worker", 39377);
        ports.put("xterm", 39383);
        ports.put("vnc", 39380);
        ports.put("preview", 5173);
        return Map.copyOf(ports);
    }

    public static String url(int port, int vmid, String domain) {
        return url(port, "vm-" + vmid, domain);
    }

    /** @param label {@code vm-<vmid>} or the instance id */
    public static String url(int port, String label, String domain) {
        return "https://port-" + port + "-" + label + "." + domain;
    }

    /** The URLs by vmid alone; empty when no public domain is configured. */
    public static Map<String, String> of(int vmid, String domain) {
        return services("vm-" + vmid, domain);
    }

    /** @param hostname the sandbox's host name (its instance id), may be null */
    public static SandboxUrls of(int vmid, String hostname, String domain) {
        return new SandboxUrls(services("vm-" + vmid, domain), hostname == null ? Map.of()
                : services(hostname.toLowerCase(Locale.ROOT), domain));
    }

    private static Map<String, String> services(String label, String domain) {
        Map<String, String> urls = new LinkedHashMap<>();
        if (domain == null || domain.isBlank()) {
            return urls;
        }
        for (String service : SERVICES) {
            urls.put(service, url(PORTS.get(service), label, domain));
        }
        return urls;
    }
}
