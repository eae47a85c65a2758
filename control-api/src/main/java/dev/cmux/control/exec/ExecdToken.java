package dev.cmux.control.exec;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sandbox's own secret for cmux-execd, kept where cmux keeps it (cmux.md §1.2, §2.1): in the container's PVE config,
 * never in the gateway's memory or log. PVE 9.1 and later (pve-container 6.0.15) take it in the runtime environment
 * ({@code env}, NUL-separated {@code KEY=value} entries that LXC gives the container's init as
 * {@code lxc.environment.runtime}); older releases refuse {@code env}, and the token goes into a line of the
 * description instead, where the hookscript cmux's templates carry copies it into the container at pre-start. Inside
 * the container cmux's token-init writes it to the file execd reads.
 */
public final class ExecdToken {

    /** The variable cmux's token-init reads from {@code /proc/1/environ}. */
    public static final String ENV_KEY = "CMUX_EXECD_AUTH_TOKEN";
    /** The description line cmux's pre-start hookscript looks for. */
    public static final String DESCRIPTION_MARKER = "cmux-execd-auth-token=";
    /** 32 random bytes in lower-case hex: the only form cmux's hookscript and token-init accept. */
    private static final Pattern FORM = Pattern.compile("[a-f0-9]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String hex;

    private ExecdToken(String hex) {
        this.hex = hex;
    }

    public static ExecdToken generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new ExecdToken(HexFormat.of().formatHex(bytes));
    }

    /**
     * The token of a container's PVE config: the runtime environment first, then the description line; empty for a
     * sandbox made before tokens (its execd runs without one).
     */
    public static Optional<ExecdToken> fromConfig(JsonNode config) {
        String env = config.path("env").asText("");
        for (String entry : env.split("\0")) {
            if (entry.startsWith(ENV_KEY + "=")) {
                Optional<ExecdToken> token = parse(entry.substring(ENV_KEY.length() + 1));
                if (token.isPresent()) {
                    return token;
                }
            }
        }
        for (String line : config.path("description").asText("").split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith(DESCRIPTION_MARKER)) {
                Optional<ExecdToken> token = parse(trimmed.substring(DESCRIPTION_MARKER.length()));
                if (token.isPresent()) {
                    return token;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ExecdToken> parse(String text) {
        return FORM.matcher(text).matches() ? Optional.of(new ExecdToken(text)) : Optional.empty();
    }

    /**
     * A runtime environment ({@code env} of the config; a clone inherits its template's) with this token in place of
     * any earlier one and every other entry kept.
     */
    public String inEnvironment(String env) {
        List<String> entries = new ArrayList<>();
        for (String entry : (env == null ? "" : env).split("\0")) {
            if (!entry.isEmpty() && !entry.startsWith(ENV_KEY + "=")) {
                entries.add(entry);
            }
        }
        entries.add(ENV_KEY + "=" + hex);
        return String.join("\0", entries);
    }

    /** A description with this token's line in place of any earlier one and every other line kept. */
    public String inDescription(String description) {
        List<String> lines = new ArrayList<>();
        for (String line : (description == null ? "" : description).split("\n")) {
            if (!line.trim().startsWith(DESCRIPTION_MARKER)) {
                lines.add(line);
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.add(DESCRIPTION_MARKER + hex);
        return String.join("\n", lines);
    }

    /** The {@code Authorization} header execd checks. */
    String authorization() {
        return "Bearer " + hex;
    }

    /** Never the secret: a token that reaches a log line or an exception message by accident says only this. */
    @Override
    public String toString() {
        return "ExecdToken[redacted]";
    }
}
