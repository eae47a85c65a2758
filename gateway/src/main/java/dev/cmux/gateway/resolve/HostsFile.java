package dev.cmux.gateway.resolve;

import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names of {@code /etc/hosts}, read once (at start and at each reload, never on an event loop), as the DNS
 * resolver's first source. Sandbox names are asked for complete, with a trailing dot, so that no search domain is
 * tried on top of the suffix; Netty's own hosts lookup compares the name as given and so never matched one
 * ({@code cmux-200.lan.} is not {@code cmux-200.lan}). Here both spellings find the entry, as they do for Caddy.
 */
final class HostsFile implements HostsFileEntriesResolver {

    static final Path SYSTEM = Path.of("/etc/hosts");

    private final Map<String, List<InetAddress>> ipv4;
    private final Map<String, List<InetAddress>> ipv6;

    private HostsFile(HostsFileEntriesProvider entries) {
        this.ipv4 = entries.ipv4Entries();
        this.ipv6 = entries.ipv6Entries();
    }

    /** The entries of {@code file}; none when it is missing or unreadable (DNS still answers). */
    static HostsFile read(Path file) {
        return new HostsFile(HostsFileEntriesProvider.parser().parseSilently(file.toFile(), StandardCharsets.UTF_8));
    }

    @Override
    public InetAddress address(String name, ResolvedAddressTypes types) {
        String key = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        key = key.toLowerCase(Locale.ROOT); // the parser stores names in lower case
        List<InetAddress> v4 = ipv4.get(key);
        List<InetAddress> v6 = ipv6.get(key);
        List<InetAddress> first = types == ResolvedAddressTypes.IPV6_ONLY || types == ResolvedAddressTypes.IPV6_PREFERRED
                ? (v6 != null || types == ResolvedAddressTypes.IPV6_ONLY ? v6 : v4)
                : (v4 != null || types == ResolvedAddressTypes.IPV4_ONLY ? v4 : v6);
        return first == null || first.isEmpty() ? null : first.get(0);
    }

    /** Same entries: a reload that re-read an unchanged file keeps the cached answers. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HostsFile other && ipv4.equals(other.ipv4) && ipv6.equals(other.ipv6);
    }

    @Override
    public int hashCode() {
        return ipv4.hashCode() * 31 + ipv6.hashCode();
    }
}
