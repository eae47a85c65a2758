package dev.cmux.control.cloudflare;

import java.util.ArrayList;
import java.util.List;

/** What steps share while a plan is applied: the client, where things live, and the tunnel once known. */
public final class SetupContext {

    private final CloudflareClient client;
    private final TunnelSite site;
    private Tunnel tunnel;
    private String accessPolicyId;
    private AccessApp accessApp;
    private final List<String> notes = new ArrayList<>();

    SetupContext(CloudflareClient client, TunnelSite site) {
        this.client = client;
        this.site = site;
        this.tunnel = site.tunnel().orElse(null);
    }

    CloudflareClient client() {
        return client;
    }

    String accountId() {
        return site.accountId();
    }

    String zoneId() {
        return site.zone().id();
    }

    Tunnel tunnel() {
        return made(tunnel, "tunnel");
    }

    void tunnel(Tunnel created) {
        this.tunnel = created;
    }

    String accessPolicyId() {
        return made(accessPolicyId, "Access policy");
    }

    void accessPolicyId(String id) {
        this.accessPolicyId = id;
    }

    AccessApp accessApp() {
        return made(accessApp, "Access application");
    }

    /** What an earlier step made; a plan whose steps are out of order is a bug, said as such. */
    private static <T> T made(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("no " + what + " yet: an earlier step of the plan must make it first");
        }
        return value;
    }

    void accessApp(AccessApp saved) {
        this.accessApp = saved;
    }

    /** A sentence for the operator about how a step went (e.g. whether the gateway reloaded). */
    void note(String sentence) {
        notes.add(sentence);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }
}
