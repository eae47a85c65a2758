package dev.cmux.gateway.doctor;

import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.doctor.Check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's open-file limit ({@code Max open files} in {@code /proc/self/limits}): every WebSocket through the
 * gateway holds two descriptors, so the 1024 of a login shell caps it at about 500. The shipped unit sets
 * {@code LimitNOFILE=1048576}; {@link #ENOUGH} (8,192 WebSockets) is more than a homelab opens.
 */
public record OpenFilesCheck(Path limits) implements Check {

    static final long ENOUGH = 16_384;

    public static OpenFilesCheck ofThisProcess() {
        return new OpenFilesCheck(Path.of("/proc/self/limits"));
    }

    @Override
    public List<StatusLine> run() throws IOException {
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                long n = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                return List.of(n >= ENOUGH
                        ? StatusLine.ok("open files", "limit " + soft + " (two per proxied WebSocket)")
                        : StatusLine.problem("open files", "limit " + soft + ": room for about " + n / 2
                        + " WebSockets", "run it under the shipped unit (LimitNOFILE=1048576), or set LimitNOFILE "
                        + "with systemctl edit cmux-gateway."));
            }
        }
        return List.of(StatusLine.ok("open files", "not known here (" + limits + " has no such line)"));
    }
}
