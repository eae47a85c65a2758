package dev.cmux.control.cloudflare;

/**
 * One line of {@code tunnel status} and {@code doctor}.
 *
 * @param subject what was checked ("tunnel", "DNS *.example.com", …)
 * @param ok      whether it is as it should be
 * @param detail  what was found
 * @param fix     one sentence on how to fix it; empty when ok
 */
public record StatusLine(String subject, boolean ok, String detail, String fix) {

    public static StatusLine ok(String subject, String detail) {
        return new StatusLine(subject, true, detail, "");
    }

    public static StatusLine problem(String subject, String detail, String fix) {
        return new StatusLine(subject, false, detail, fix);
    }

    /** {@code ok       tunnel: healthy} or {@code problem  tunnel: missing — run …}. */
    public String render() {
        return (ok ? "ok       " : "problem  ") + subject + ": " + detail + (ok ? "" : " — " + fix);
    }
}
