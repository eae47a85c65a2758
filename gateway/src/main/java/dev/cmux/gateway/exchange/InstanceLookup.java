package dev.cmux.gateway.exchange;

import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.resolve.SandboxNames;
import dev.cmux.gateway.route.HostRouter;
import dev.cmux.gateway.route.Route;
import io.netty.channel.EventLoop;

import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code port-P-<instanceId>} → the sandbox of that name, by PVE's list of sandboxes (cached by
 * {@link SandboxNames}).
 * A name no sandbox bears is the 404 of any host that is not a sandbox's: it never becomes a backend host name.
 */
final class InstanceLookup {

    private InstanceLookup() {
    }

    /**
     * @param names    null without PVE: then no sandbox has an instance id
     * @param finished the request ended meanwhile: nothing is called
     */
    static void find(SandboxNames names, HostRouter router, Target.Named named, EventLoop loop,
                     BooleanSupplier finished, Consumer<Target.Sandbox> found, Consumer<GatewayException> failed) {
        if (names == null) {
            failed.accept(unknown(router, named));
            return;
        }
        OnLoop.whenDone(names.vmidOf(named.instanceId()), loop, finished, answer -> {
            Integer vmid;
            try {
                vmid = answer.join();
            } catch (CompletionException e) {
                failed.accept(Failures.of(e.getCause(), GatewayError.UNRESOLVED));
                return;
            }
            if (vmid == null) {
                failed.accept(unknown(router, named));
            } else {
                found.accept(new Target.Sandbox(vmid, named.port()));
            }
        });
    }

    private static GatewayException unknown(HostRouter router, Target.Named named) {
        Route.NoRoute none = router.unknownInstance(named.instanceId());
        return new GatewayException(none.error(), none.reason());
    }
}
