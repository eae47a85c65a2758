package dev.cmux.gateway.exchange;

/** Where a request reports that its sandbox is in use, for the idle policy (implemented by the {@code wake} package). */
public interface SandboxTraffic {

    /** A request reached the sandbox now. */
    void touch(int vmid);

    /** What an upgraded connection runs on each of its reads: cheap, it runs for every frame. */
    Runnable marker(int vmid);

    /** An upgraded connection to {@code vmid} opened; run what this returns, once, when it has closed. */
    Runnable upgraded(int vmid);
}
