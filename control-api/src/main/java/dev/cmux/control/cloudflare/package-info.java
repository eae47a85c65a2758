/**
 * Cloudflare Tunnel and wildcard DNS for the gateway: {@code *.<domain>} reaches the gateway
 * through a remotely managed tunnel run by cloudflared on the same host.
 *
 * <p>The story of {@code tunnel setup}: {@link dev.cmux.control.cloudflare.TunnelSpec} (what it should
 * look like, from config) → {@link dev.cmux.control.cloudflare.TunnelSetup#plan()} (verify the token,
 * find zone, account and tunnel, compare ingress, DNS and local files) →
 * {@link dev.cmux.control.cloudflare.TunnelSetup#apply(TunnelPlan)} (the
 * {@link dev.cmux.control.cloudflare.SetupStep}s, in order). {@link dev.cmux.control.cloudflare.TunnelStatus}
 * checks the same pieces plus cloudflared and the gateway; {@link dev.cmux.control.cloudflare.TunnelTeardown}
 * removes them. {@link dev.cmux.control.cloudflare.TunnelCommand} is the CLI face of all three.
 *
 * <p>Every call here blocks (HTTP, files): run it off the event loops.
 */
package dev.cmux.control.cloudflare;
