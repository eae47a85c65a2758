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
        if (tunnel == null) {
            throw new IllegalStateException("no tunnel yet: the plan must create it first");
        }
        return tunnel;
    }

    void tunnel(Tunnel created) {
        this.tunnel = created;
    }

    String accessPolicyId() {
        if (accessPolicyId == null) {
            throw new IllegalStateException("no Access policy yet: the plan must save it first");
        }
        return accessPolicyId;
    }

    void accessPolicyId(String id) {
        this.accessPolicyId = id;
    }

    AccessApp accessApp() {
        if (accessApp == null) {
            throw new IllegalStateException("no Access application yet: the plan must save it first");
        }
        return accessApp;
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
