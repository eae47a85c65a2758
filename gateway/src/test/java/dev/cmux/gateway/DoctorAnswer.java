package dev.cmux.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One answer of {@code GET /v1/doctor} as the doctor tests read it. The open-file limit is the test JVM's own, so
 * the lines that judge the setup are the others.
 */
record DoctorAnswer(JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static DoctorAnswer ask(GatewayProcess gateway, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + gateway.control.address().getPort() + "/v1/doctor"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new DoctorAnswer(JSON.readTree(r.body()));
    }

    List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        json.path("checks").forEach(c -> subjects.add(c.path("subject").asText()));
        return subjects;
    }

    /** The subjects of the failed lines, the open-file limit left out. */
    List<String> failedBesidesOpenFiles() {
        List<String> failed = new ArrayList<>();
        json.path("checks").forEach(c -> {
            if (!c.path("ok").asBoolean() && !c.path("subject").asText().equals("open files")) {
                failed.add(c.path("subject").asText());
            }
        });
        return failed;
    }

    boolean ok() {
        return json.path("ok").asBoolean();
    }

    @Override
    public String toString() {
        return json.toPrettyString();
    }
}
