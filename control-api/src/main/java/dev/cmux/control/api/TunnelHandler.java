package dev.cmux.control.api;

import dev.cmux.control.cloudflare.AccessChoice;
import dev.cmux.control.cloudflare.AccessSetup;
import dev.cmux.control.cloudflare.CloudflareApiException;
import dev.cmux.control.cloudflare.CloudflareClient;
import dev.cmux.control.cloudflare.PublishedControlApi;
import dev.cmux.control.cloudflare.RetryPolicy;
import dev.cmux.control.cloudflare.SetupStep;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.control.cloudflare.TunnelPlan;
import dev.cmux.control.cloudflare.TunnelSetup;
import dev.cmux.control.cloudflare.TunnelSpec;
import dev.cmux.control.cloudflare.TunnelStatus;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/tunnel/setup} (body {@code {accessAllow | noAccess, dryRun?, replaceRecords?, pveRoute?,
 * publishControlApi?}}) and
 * {@code GET /v1/tunnel/status}: the same plan/apply and checks as {@code cmux-gateway tunnel}, answered as JSON.
 * Cloudflare calls block, so they run on the control API's executor.
 */
public final class TunnelHandler implements ApiHandler {

    private final TunnelCommand.Settings settings;

    private TunnelHandler(TunnelCommand.Settings settings) {
        this.settings = settings;
    }

    /**
     * The handler for {@link ControlServices#withTunnel}, run on the services' executor.
     *
     * @param settings what {@code cmux-gateway tunnel} would act on: the config file the gateway runs with (Access
     *                 settings go there; null on built-in defaults) and a reload of this gateway
     */
    public static ApiHandler create(TunnelCommand.Settings settings, ControlServices services) {
        return new OffLoop(services.parts().executor(), new TunnelHandler(settings));
    }

    @Override
    public void handle(ApiExchange exchange) {
        boolean setup = exchange.path().equals("/v1/tunnel/setup") && exchange.method().equals(HttpMethod.POST);
        boolean status = exchange.path().equals("/v1/tunnel/status") && exchange.method().equals(HttpMethod.GET);
        if (!setup && !status) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "There is no endpoint "
                    + exchange.method() + " " + exchange.path() + ".", null);
        }
        StrictJson body = StrictJson.parse(setup ? exchange.body() : new byte[0],
                Set.of("dryRun", "replaceRecords", "pveRoute", "accessAllow", "noAccess",
                        "publishControlApi"));
        boolean dryRun = body.bool("dryRun");
        String accessAllow = body.string("accessAllow", 4096, false);
        boolean noAccess = body.bool("noAccess");
        boolean publishControlApi = body.bool("publishControlApi");
        boolean replaceRecords = body.bool("replaceRecords");
        boolean pveRoute = body.bool("pveRoute") || "true".equals(exchange.queryParam("pveRoute"));
        body.check();
        TunnelSpec spec;
        try {
            spec = TunnelSpec.from(settings.cloudflare(), settings.gatewayListen(), pveRoute);
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "cloudflare-not-configured", e.getMessage(), null);
        }
        Optional<AccessSetup> access = Optional.empty();
        if (setup) {
            try {
                access = AccessChoice.of(accessAllow, noAccess, settings.configFile(), settings.reload());
                spec = PublishedControlApi.apply(spec, publishControlApi, access, settings.controlApi());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("access-choice", e.getMessage(), null);
            }
        }
        try (CloudflareClient client = CloudflareClient.from(settings.cloudflare(), RetryPolicy.defaults())) {
            if (status) {
                List<StatusLine> lines = new TunnelStatus(client, spec, settings.cloudflare().readyUrl(),
                        settings.node()).check();
                exchange.respond(HttpResponseStatus.OK, Map.of("ok", TunnelStatus.allOk(lines), "checks", lines));
                return;
            }
            TunnelSetup tunnelSetup = new TunnelSetup(client, spec, replaceRecords, access);
            TunnelPlan plan = tunnelSetup.plan();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("steps", plan.describeSteps());
            answer.put("warnings", plan.warnings());
            answer.put("blockers", plan.blockers());
            if (plan.blocked()) {
                throw new ApiError(HttpResponseStatus.CONFLICT, "tunnel-blocked", String.join(" ", plan.blockers()),
                        answer);
            }
            if (!dryRun) {
                List<String> notes = new ArrayList<>();
                List<SetupStep> applied = tunnelSetup.apply(plan, notes::add);
                answer.put("applied", applied.stream().map(SetupStep::describe).toList());
                answer.put("notes", notes);
            }
            answer.put("dryRun", dryRun);
            exchange.respond(HttpResponseStatus.OK, answer);
        } catch (CloudflareApiException e) {
            throw new ApiError(HttpResponseStatus.BAD_GATEWAY, "cloudflare-error", e.getMessage(), null);
        }
    }
}
