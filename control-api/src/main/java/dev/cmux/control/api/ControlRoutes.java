package dev.cmux.control.api;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.sandbox.PveAddresses;
import dev.cmux.control.traffic.TrafficRings;
import dev.cmux.control.ui.OperatorPage;
import dev.cmux.control.ui.RequestOrigin;
import dev.cmux.control.ui.Sessions;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PATCH;
import static io.netty.handler.codec.http.HttpMethod.POST;

/**
 * The routing table of the control API. Health endpoints answer without a token; everything under {@code /v1}
 * needs the bearer token when one is configured ({@link Authenticated}). Handlers that block run on the services'
 * executor ({@link OffLoop}); creation is rate-limited ({@link RateLimited}). Until PVE or Cloudflare is configured
 * their endpoints answer 503 with the variables to set ({@link Unavailable}). The operator's page lives under
 * {@code /ui/} ({@link OperatorPage}); a state-changing request that a page of another origin sent is refused
 * before any route ({@link RequestOrigin}), and no answer carries CORS headers.
 */
@ChannelHandler.Sharable
final class ControlRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Router router;
    private final BearerToken token;
    private final ControlMetrics metrics;
    private final Sessions sessions = new Sessions(Clock.systemUTC());
    /** Sandbox routes take a host name for {@code {vmid}} too ({@link SandboxByName}). */
    private final Optional<PveAddresses> names;

    ControlRoutes(BearerToken token, ControlServices services, CloudflareConfig cloudflare) {
        this.names = services.pveAddresses();
        this.token = token;
        this.metrics = services.parts().metrics();
        Executor blocking = services.parts().executor();
        boolean pve = services.pveEnabled();
        ApiHandler reload = services.wiring().reload();
        ApiHandler doctor = services.wiring().doctor();
        ApiHandler tunnel = services.wiring().tunnel() != null ? services.wiring().tunnel()
                : cloudflare.enabled() ? new NotFound() : Unavailable.cloudflare();
        OperatorPage page = new OperatorPage(token, sessions);
        TrafficRings traffic = services.wiring().traffic();
        this.router = new Router()
                .add(GET, "/healthz", new HealthHandler())
                .add(GET, "/readyz", new OffLoop(blocking, new ReadyHandler(services, cloudflare)))
                // off the loop: the JVM's metrics read files under /proc
                .add(GET, "/metrics", new OffLoop(blocking, new MetricsHandler(token, services.metricSources())))
                // without the token: the contract holds no secret, and a client generates its types from it first
                .add(GET, "/v1/openapi.json", new OpenApiHandler())
                .add(POST, "/v1/sandboxes", v1(pve ? new RateLimited(services.wiring().createLimit(),
                        new OffLoop(blocking, new CreateSandboxHandler(services))) : Unavailable.pve()))
                .add(GET, "/v1/sandboxes", v1(pve ? new OffLoop(blocking, new ListSandboxesHandler(services))
                        : Unavailable.pve()))
                .add(GET, "/v1/sandboxes/{vmid}", v1(pve ? new OffLoop(blocking, new GetSandboxHandler(services))
                        : Unavailable.pve()))
                .add(PATCH, "/v1/sandboxes/{vmid}", v1(pve ? new OffLoop(blocking, new UpdateSandboxHandler(services))
                        : Unavailable.pve()))
                .add(DELETE, "/v1/sandboxes/{vmid}", v1(pve ? new OffLoop(blocking,
                        new DestroySandboxHandler(services)) : Unavailable.pve()))
                .add(POST, "/v1/sandboxes/{vmid}/exec", v1(pve ? new OffLoop(blocking, new ExecHandler(services))
                        : Unavailable.pve()))
                .add(GET, "/v1/sandboxes/{vmid}/snapshots", v1(pve ? new OffLoop(blocking,
                        new SnapshotsHandler.List(services)) : Unavailable.pve()))
                .add(POST, "/v1/sandboxes/{vmid}/snapshots", v1(pve ? new OffLoop(blocking,
                        new SnapshotsHandler.Create(services)) : Unavailable.pve()))
                .add(POST, "/v1/sandboxes/{vmid}/snapshots/{name}/rollback",
                        v1(pve ? new OffLoop(blocking, new SnapshotsHandler.Rollback(services)) : Unavailable.pve()))
                .add(DELETE, "/v1/sandboxes/{vmid}/snapshots/{name}", v1(pve ? new OffLoop(blocking,
                        new SnapshotsHandler.Delete(services)) : Unavailable.pve()))
                .add(GET, "/v1/sandboxes/{vmid}/is-stopped", v1(pve ? new OffLoop(blocking,
                        new IsStoppedHandler(services)) : Unavailable.pve()))
                .add(GET, "/v1/health/sandbox", v1(pve ? new OffLoop(blocking,
                        new SandboxHealthHandler(services, Clock.systemUTC())) : Unavailable.pve()))
                .add(POST, "/v1/sandboxes/{vmid}/{action}", v1(pve ? new OffLoop(blocking,
                        new PowerActionHandler(services)) : Unavailable.pve()))
                .add(GET, "/v1/presets", v1(pve ? new OffLoop(blocking, new ListPresetsHandler(services))
                        : Unavailable.pve()))
                .add(POST, "/v1/templates", v1(pve ? new OffLoop(blocking,
                        new TemplatesHandler.Create(services)) : Unavailable.pve()))
                .add(GET, "/v1/templates", v1(pve ? new OffLoop(blocking, new TemplatesHandler.List(services))
                        : Unavailable.pve()))
                .add(DELETE, "/v1/templates/{vmid}", v1(pve ? new OffLoop(blocking,
                        new TemplatesHandler.Delete(services)) : Unavailable.pve()))
                .add(GET, "/v1/operations/{id}", v1(pve ? new OffLoop(blocking,
                        new GetOperationHandler(services)) : Unavailable.pve()))
                .add(POST, "/v1/reload", v1(reload != null ? reload : new NotFound()))
                .add(GET, "/v1/doctor", v1(doctor != null ? doctor : new NotFound()))
                .add(GET, "/v1/traffic", v1(traffic != null
                        ? new OffLoop(blocking, exchange -> exchange.respond(HttpResponseStatus.OK, traffic.view()))
                        : new NotFound()))
                .add(GET, "/v1/events", v1(services.events().<ApiHandler>map(log -> exchange ->
                        exchange.respond(HttpResponseStatus.OK, log.view())).orElse(Unavailable.pve())))
                .add(GET, "/ui/**", page.reads())
                .add(POST, "/ui/**", page.writes())
                // the two endpoints TunnelHandler answers, by name, so that the table is what the contract lists
                .add(GET, "/v1/tunnel/status", v1(tunnel))
                .add(POST, "/v1/tunnel/setup", v1(tunnel));
    }

    /** The routing table, for the contract test that holds it against the OpenAPI document. */
    Router router() {
        return router;
    }

    private ApiHandler v1(ApiHandler handler) {
        return new Authenticated(token, sessions, new SandboxByName(names, handler));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        // one request at a time per connection: answers of pipelined requests must not overtake each other
        ctx.channel().config().setAutoRead(false);
        ApiExchange exchange = new ApiExchange(ctx, request, metrics);
        try {
            if (!request.decoderResult().isSuccess()) {
                throw ApiError.badRequest("bad-request", "The request could not be parsed.", null);
            }
            if (RequestOrigin.crossSite(exchange)) {
                throw new ApiError(HttpResponseStatus.FORBIDDEN, "cross-origin", "A page of another origin may not "
                        + "change anything here.", null);
            }
            route(exchange.method(), exchange.path()).handle(exchange);
        } catch (Throwable t) {
            exchange.fail(t);
        }
    }

    private ApiHandler route(HttpMethod method, String path) {
        return router.find(method, path).map(m -> (ApiHandler) exchange -> {
            exchange.pathParams(m.params());
            m.handler().handle(exchange);
        }).orElseGet(() -> {
            ApiHandler miss = router.pathKnown(path) ? new MethodNotAllowed() : new NotFound();
            return path.startsWith("/v1/") ? v1(miss) : miss;
        });
    }

    private static final class NotFound implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            exchange.fail(new ApiError(HttpResponseStatus.NOT_FOUND, "not-found",
                    "There is no endpoint " + exchange.path() + ".", null));
        }
    }

    private static final class MethodNotAllowed implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            exchange.fail(new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                    exchange.method() + " is not allowed on " + exchange.path() + ".", null));
        }
    }
}
