package dev.cmux.control.cloudflare;

import static dev.cmux.control.cloudflare.EmulatorReply.JSON;
import static dev.cmux.control.cloudflare.EmulatorReply.fail;
import static dev.cmux.control.cloudflare.EmulatorReply.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/** {@code /zones/{zone_id}/dns_records…}: names stored as lower-case FQDNs, conflicts as the API reports them. */
final class EmulatedDns {

    private static final Set<String> ADDRESS = Set.of("A", "AAAA");

    private final EmulatorState state;

    EmulatedDns(EmulatorState state) {
        this.state = state;
    }

    EmulatorReply handle(EmulatorRoutes.Call call) {
        EmulatorState.Zone zone = state.zones.get(call.segments().get(1));
        if (zone == null) {
            return EmulatorReply.noRoute(call.path());
        }
        if (!call.grant().may(Permission.DNS_EDIT, zone.accountId())) {
            return fail(403, 10000, "Authentication error");
        }
        if (call.segments().size() == 3) {
            return switch (call.method()) {
                case "GET" -> list(call, zone);
                case "POST" -> create(zone, call.body());
                default -> EmulatorReply.noRoute(call.path());
            };
        }
        ObjectNode record = state.records.get(call.segments().get(3));
        if (record == null || !record.get("zone").asText().equals(zone.id())) {
            return fail(404, 81044, "Record does not exist.");
        }
        return switch (call.method()) {
            case "GET" -> ok(visible(record));
            case "PUT" -> overwrite(zone, record, call.body());
            case "DELETE" -> {
                state.records.remove(record.get("id").asText());
                yield ok(JSON.createObjectNode().put("id", record.get("id").asText()));
            }
            default -> EmulatorReply.noRoute(call.path());
        };
    }

    private EmulatorReply list(EmulatorRoutes.Call call, EmulatorState.Zone zone) {
        String name = EmulatorRoutes.lower(call.query("name"));
        String type = call.query("type");
        String content = call.query("content");
        String proxied = call.query("proxied");
        List<ObjectNode> found = inZone(zone).stream()
                .filter(r -> name == null || r.get("name").asText().equals(name))
                .filter(r -> type == null || r.get("type").asText().equals(type))
                .filter(r -> content == null || r.get("content").asText().equalsIgnoreCase(content))
                .filter(r -> proxied == null || r.get("proxied").asBoolean() == Boolean.parseBoolean(proxied))
                .map(EmulatedDns::visible).toList();
        return EmulatorReply.page(found, call.intQuery("page", 1), call.intQuery("per_page", 100));
    }

    private EmulatorReply create(EmulatorState.Zone zone, JsonNode body) {
        EmulatorReply invalid = invalid(zone, body);
        if (invalid != null) {
            return invalid;
        }
        EmulatorReply conflict = conflict(zone, body, null);
        if (conflict != null) {
            return conflict;
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("id", EmulatorState.hex32()).put("zone", zone.id()).put("created_on", EmulatorState.now());
        fill(record, body);
        state.records.put(record.get("id").asText(), record);
        return ok(visible(record));
    }

    private EmulatorReply overwrite(EmulatorState.Zone zone, ObjectNode record, JsonNode body) {
        EmulatorReply invalid = invalid(zone, body);
        if (invalid != null) {
            return invalid;
        }
        EmulatorReply conflict = conflict(zone, body, record.get("id").asText());
        if (conflict != null) {
            return conflict;
        }
        fill(record, body);
        return ok(visible(record));
    }

    /** Seeds a record directly (tests arrange existing zones with it). */
    String add(EmulatorState.Zone zone, String type, String name, String content, boolean proxied) {
        ObjectNode record = JSON.createObjectNode();
        record.put("id", EmulatorState.hex32()).put("zone", zone.id()).put("created_on", EmulatorState.now());
        fill(record, JSON.createObjectNode().put("type", type).put("name", name).put("content", content)
                .put("proxied", proxied).put("ttl", 1));
        state.records.put(record.get("id").asText(), record);
        return record.get("id").asText();
    }

    private EmulatorReply invalid(EmulatorState.Zone zone, JsonNode body) {
        String name = body.path("name").asText("").toLowerCase();
        if (!name.equals(zone.name()) && !name.endsWith("." + zone.name())) {
            return fail(400, 1004, "DNS Validation Error: the record name " + name + " is not in the zone " + zone.name());
        }
        if (body.path("type").asText().equals("CNAME") && body.path("content").asText().equalsIgnoreCase(name)) {
            return fail(400, 1004, "DNS Validation Error: the CNAME content must not match the record's name");
        }
        if (body.path("proxied").asBoolean(false) && !Set.of("A", "AAAA", "CNAME").contains(body.path("type").asText())) {
            return fail(400, 9004, "This record type cannot be proxied.");
        }
        return null;
    }

    private EmulatorReply conflict(EmulatorState.Zone zone, JsonNode body, String exceptId) {
        String name = body.path("name").asText().toLowerCase();
        String type = body.path("type").asText();
        List<ObjectNode> same = inZone(zone).stream()
                .filter(r -> r.get("name").asText().equals(name))
                .filter(r -> !r.get("id").asText().equals(exceptId)).toList();
        for (ObjectNode r : same) {
            if (r.get("type").asText().equals(type) && r.get("content").asText().equalsIgnoreCase(body.path("content").asText())) {
                return fail(400, 81057, "Record already exists.");
            }
        }
        for (ObjectNode r : same) {
            String other = r.get("type").asText();
            if (type.equals("CNAME") && (ADDRESS.contains(other) || other.equals("CNAME"))) {
                return fail(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
            }
            if (ADDRESS.contains(type) && other.equals("CNAME")) {
                return fail(400, 81054, "A CNAME record with that host already exists. For more details, refer to "
                        + "<https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>.");
            }
        }
        return null;
    }

    private static void fill(ObjectNode record, JsonNode body) {
        String type = body.path("type").asText();
        record.put("type", type).put("name", body.path("name").asText().toLowerCase())
                .put("content", body.path("content").asText())
                .put("proxiable", true).put("proxied", body.path("proxied").asBoolean(false))
                .put("ttl", body.path("ttl").asInt(1));
        if (body.hasNonNull("comment")) {
            record.put("comment", body.get("comment").asText());
        } else {
            record.putNull("comment");
        }
        ObjectNode settings = record.putObject("settings");
        if (type.equals("CNAME")) {
            settings.put("flatten_cname", false);
        }
        record.putObject("meta");
        record.putArray("tags");
        record.put("modified_on", EmulatorState.now());
    }

    private List<ObjectNode> inZone(EmulatorState.Zone zone) {
        return state.records.values().stream().filter(r -> r.get("zone").asText().equals(zone.id())).toList();
    }

    /** The record as the API shows it: without our bookkeeping key. */
    static ObjectNode visible(ObjectNode record) {
        ObjectNode copy = record.deepCopy();
        copy.remove("zone");
        return copy;
    }
}
