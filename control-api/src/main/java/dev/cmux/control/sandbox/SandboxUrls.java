package dev.cmux.control.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** The public URLs of a sandbox's services, {@code https://port-{port}-vm-{vmid}.{domain}} (cloudflared → gateway). */
public final class SandboxUrls {

    /** Service name to port inside the container, as cmux runs them. */
    public static final Map<String, Integer> PORTS = ports();

    private SandboxUrls() {
    }

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
        return "https://port-" + port + "-vm-" + vmid + "." + domain;
    }

    /** Empty when no public domain is configured: there is no URL to give. */
    public static Map<String, String> of(int vmid, String domain) {
        Map<String, String> urls = new LinkedHashMap<>();
        if (domain == null || domain.isBlank()) {
            return urls;
        }
        for (String service : new String[] {"vscode", "worker", "xterm", "vnc", "preview"}) {
            urls.put(service, url(PORTS.get(service), vmid, domain));
        }
        return urls;
    }
}
