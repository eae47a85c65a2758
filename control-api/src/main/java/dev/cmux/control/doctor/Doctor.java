package dev.cmux.control.doctor;

import dev.cmux.control.cloudflare.StatusLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code cmux-gateway doctor} and {@code GET /v1/doctor}: every check of a running gateway in order, from PVE to
 * the browser's side (Cloudflare, Access), one line each. A check that throws is a failed line of its own, so one
 * broken part never hides the others.
 *
 * @param checks named parts, in the order they are shown
 */
public record Doctor(Map<String, Check> checks) {

    public List<StatusLine> run() {
        List<StatusLine> lines = new ArrayList<>();
        checks.forEach((name, check) -> {
            try {
                lines.addAll(check.run());
            } catch (Exception e) {
                lines.add(StatusLine.problem(name, "the check itself failed: " + e.getMessage(),
                        "see the gateway's log (journalctl -u cmux-gateway)."));
            }
        });
        return List.copyOf(lines);
    }

    public static boolean healthy(List<StatusLine> lines) {
        return lines.stream().allMatch(StatusLine::ok);
    }

    /** {@code ✓ subject: detail} or {@code ✗ subject: detail — fix}. */
    public static String render(StatusLine line) {
        return (line.ok() ? "✓ " : "✗ ") + line.subject() + ": " + line.detail() + (line.ok() ? "" : " — " + line.fix());
    }
}
