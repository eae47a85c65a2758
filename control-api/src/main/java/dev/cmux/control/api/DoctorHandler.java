package dev.cmux.control.api;

import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.doctor.Doctor;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/doctor}: every check of the running gateway, {@code {"ok":…, "checks":[{subject, ok, detail,
 * fix}]}}. 200 whenever the checks ran, healthy or not: the answer is the diagnosis. Blocking: wrap in
 * {@link OffLoop}.
 */
record DoctorHandler(Doctor doctor) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        List<StatusLine> lines = doctor.run();
        exchange.respond(HttpResponseStatus.OK, Map.of("ok", Doctor.healthy(lines), "checks", lines));
    }
}
