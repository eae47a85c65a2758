package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may sign in: {@code --access-allow alice@example.com,@example.org} lists emails and, with a leading {@code @},
 * whole email domains. They become the include rules of the allow policy (cloudflare.md §10.4).
 */
public record AccessAllow(List<String> emails, List<String> domains) {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[a-z0-9-]+(\\.[a-z0-9-]+)+");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)+");

    public AccessAllow {
        emails = List.copyOf(emails);
        domains = List.copyOf(domains);
    }

    /**
     * Parses a comma-separated list; throws {@link IllegalArgumentException} with one sentence for an entry that is
     * neither an email nor {@code @domain}.
     */
    public static AccessAllow parse(String value) {
        Set<String> emails = new LinkedHashSet<>();
        Set<String> domains = new LinkedHashSet<>();
        for (String raw : (value == null ? "" : value).split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("@") && DOMAIN.matcher(entry.substring(1)).matches()) {
                domains.add(entry.substring(1));
            } else if (EMAIL.matcher(entry).matches()) {
                emails.add(entry);
            } else {
                throw new IllegalArgumentException("--access-allow entry '" + raw.trim() + "' is neither an email"
                        + " (alice@example.com) nor an email domain (@example.com).");
            }
        }
        if (emails.isEmpty() && domains.isEmpty()) {
            throw new IllegalArgumentException("--access-allow needs at least one email or @domain, e.g."
                    + " --access-allow @example.com.");
        }
        return new AccessAllow(new ArrayList<>(emails), new ArrayList<>(domains));
    }

    /** {@code {"email":{"email":…}}} per email, then {@code {"email_domain":{"domain":…}}} per domain. */
    List<JsonNode> includeRules() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> rules = new ArrayList<>();
        for (String email : emails) {
            ObjectNode rule = f.objectNode();
            rule.putObject("email").put("email", email);
            rules.add(rule);
        }
        for (String domain : domains) {
            ObjectNode rule = f.objectNode();
            rule.putObject("email_domain").put("domain", domain);
            rules.add(rule);
        }
        return rules;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(emails);
        domains.forEach(d -> all.add("@" + d));
        return String.join(", ", all);
    }
}
