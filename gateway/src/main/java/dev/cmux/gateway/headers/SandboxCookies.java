package dev.cmux.gateway.headers;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;

/**
 * The cookies a sandbox may set. Every sandbox is a host under the same domain ({@code port-P-vm-V.<domain>}), so a
 * {@code Set-Cookie} with {@code Domain=<domain>} from one would go to all the others: a sandbox could plant or
 * shadow another's session (cookie tossing). And Cloudflare Access keeps its session in {@code CF_Authorization} and
 * {@code CF_AppSession}, which a sandbox must never replace. So a sandbox's {@code Set-Cookie} loses its
 * {@code Domain} attribute (the cookie becomes host-only: it goes back to that sandbox port alone) unless the
 * port is one of {@code routing.sharedCookiePorts}, and one for an Access cookie is dropped on every port.
 * Everything else in the header is kept byte for byte.
 */
public final class SandboxCookies {

    /** The spelling of the headers written back (Netty's own constant is lower case). */
    private static final AsciiString SET_COOKIE = AsciiString.cached("Set-Cookie");

    /**
     * Compared without regard to case: browsers keep cookie names case-sensitive, but a reader behind Access that
     * looks names up loosely would take {@code cf_authorization} for the real one, and no sandbox app has a reason
     * to use these names in any spelling.
     */
    private static final String[] ACCESS_COOKIES = {"CF_Authorization", "CF_AppSession"};

    private static final String DOMAIN = "Domain";

    private SandboxCookies() {
    }

    /**
     * Applies the rules to a response head from a sandbox (a 1xx, the 101 of an upgrade or the final one).
     *
     * @param keepDomain the sandbox port is one of {@code routing.sharedCookiePorts}
     */
    public static void confine(HttpHeaders headers, boolean keepDomain) {
        if (!headers.contains(HttpHeaderNames.SET_COOKIE)) {
            return; // nearly every response: nothing is allocated for it
        }
        List<String> values = headers.getAll(HttpHeaderNames.SET_COOKIE);
        List<String> allowed = new ArrayList<>(values.size());
        boolean changed = false;
        for (String value : values) {
            String mayGo = allowed(value, keepDomain);
            changed |= mayGo != value; // the same string when nothing was taken out of it
            if (mayGo != null) {
                allowed.add(mayGo);
            }
        }
        if (changed) {
            headers.remove(HttpHeaderNames.SET_COOKIE);
            for (String value : allowed) {
                headers.add(SET_COOKIE, value);
            }
        }
    }

    /** One {@code Set-Cookie} value as it may go to the browser: itself, without Domain, or null (not at all). */
    static String allowed(String setCookie, boolean keepDomain) {
        int pairEnd = setCookie.indexOf(';');
        if (pairEnd < 0) {
            pairEnd = setCookie.length();
        }
        if (setsAccessCookie(setCookie, pairEnd)) {
            return null;
        }
        return keepDomain ? setCookie : withoutDomain(setCookie, pairEnd);
    }

    /**
     * The name the browser will send back is the name of the {@code name=value} pair (RFC 6265bis §5.6), or, for a
     * pair without a name ({@code =CF_Authorization=x}, or no {@code =} at all), the value alone: a browser sends a
     * nameless cookie as {@code Cookie: CF_Authorization=x}, which the server reads under that name.
     */
    private static boolean setsAccessCookie(String setCookie, int pairEnd) {
        int eq = setCookie.indexOf('=');
        if (eq < 0 || eq > pairEnd) {
            return isAccessCookie(setCookie, 0, pairEnd);
        }
        if (isAccessCookie(setCookie, 0, eq)) {
            return true;
        }
        if (!isBlank(setCookie, 0, eq)) {
            return false;
        }
        int valueEq = setCookie.indexOf('=', eq + 1);
        return isAccessCookie(setCookie, eq + 1, valueEq < 0 || valueEq > pairEnd ? pairEnd : valueEq);
    }

    private static boolean isAccessCookie(String s, int from, int to) {
        for (String name : ACCESS_COOKIES) {
            if (isName(s, from, to, name)) {
                return true;
            }
        }
        return false;
    }

    /** Cuts every {@code ;Domain} attribute, with or without a value, in any case, wherever it stands. */
    private static String withoutDomain(String setCookie, int pairEnd) {
        StringBuilder kept = null;
        int copiedUpTo = 0;
        for (int semicolon = pairEnd; semicolon < setCookie.length(); ) {
            int next = setCookie.indexOf(';', semicolon + 1);
            if (next < 0) {
                next = setCookie.length();
            }
            int eq = setCookie.indexOf('=', semicolon + 1);
            if (isName(setCookie, semicolon + 1, eq < 0 || eq > next ? next : eq, DOMAIN)) {
                if (kept == null) {
                    kept = new StringBuilder(setCookie.length());
                }
                kept.append(setCookie, copiedUpTo, semicolon);
                copiedUpTo = next;
            }
            semicolon = next;
        }
        return kept == null ? setCookie : kept.append(setCookie, copiedUpTo, setCookie.length()).toString();
    }

    /** {@code s[from, to)}, without the white space around it, is {@code name} in any case. */
    private static boolean isName(String s, int from, int to, String name) {
        while (from < to && s.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        return to - from == name.length() && s.regionMatches(true, from, name, 0, name.length());
    }

    private static boolean isBlank(String s, int from, int to) {
        return isName(s, from, to, "");
    }
}
