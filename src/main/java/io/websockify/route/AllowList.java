package io.websockify.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which hosts and ports a direct route ({@code {host}} and {@code {port}} in its path) may reach. Hosts: exact
 * names (case-insensitive), {@code .example.com} for a domain and its sub-domains, IP literals, CIDR ranges
 * ({@code 10.0.0.0/8}, {@code fd00::/8}), or {@code *} for every host. Ports: numbers, ranges ({@code 5900-5999}),
 * or {@code *}. Immutable and thread-safe.
 */
public final class AllowList {
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
    /** Hex digits, colons and dots (an embedded IPv4 part), an optional %scope; first a hex digit or a colon. */
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile(
            "[0-9a-fA-F:][0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[0-9A-Za-z._-]+)?");
    private static final String HOST_NAME = "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*";
    private final boolean anyHost;
    private final List<String> names;
    private final List<String> suffixes;
    private final List<Cidr> ranges;
    private final boolean anyPort;
    private final List<int[]> ports;

    private AllowList(boolean anyHost, List<String> names, List<String> suffixes, List<Cidr> ranges,
                      boolean anyPort, List<int[]> ports) {
        this.anyHost = anyHost;
        this.names = names;
        this.suffixes = suffixes;
        this.ranges = ranges;
        this.anyPort = anyPort;
        this.ports = ports;
    }

    /**
     * @throws IllegalArgumentException naming the bad entry
     */
    public static AllowList parse(String hosts, String portSpec) {
        boolean anyHost = false;
        List<String> names = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<Cidr> ranges = new ArrayList<>();
        for (String e : hosts.split("[,\\s]+")) {
            String h = e.trim().toLowerCase(Locale.ROOT);
            if (h.isEmpty()) {
                continue;
            }
            if (h.equals("*")) {
                anyHost = true;
            } else if (h.contains("/")) {
                ranges.add(Cidr.parse(h));
            } else if (isIpLiteral(h)) {
                ranges.add(Cidr.parse(h + "/" + (literal(h).getAddress().length * 8)));
            } else if (h.startsWith(".") && h.substring(1).matches(HOST_NAME)) {
                suffixes.add(h);
            } else if (h.matches(HOST_NAME)) {
                names.add(h);
            } else {
                throw new IllegalArgumentException("'" + e.trim() + "' is not a host name, IP, CIDR range or *");
            }
        }
        boolean anyPort = false;
        List<int[]> ports = new ArrayList<>();
        for (String e : portSpec.split("[,\\s]+")) {
            String p = e.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                anyPort = true;
                continue;
            }
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
                if (lo < 1 || hi > 65535 || lo > hi) {
                    throw new NumberFormatException();
                }
                ports.add(new int[] {lo, hi});
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + p + "' is not a port, a range such as 5900-5999, or *");
            }
        }
        if (!anyHost && names.isEmpty() && suffixes.isEmpty() && ranges.isEmpty()) {
            throw new IllegalArgumentException("no host allowed");
        }
        if (!anyPort && ports.isEmpty()) {
            throw new IllegalArgumentException("no port allowed");
        }
        return new AllowList(anyHost, List.copyOf(names), List.copyOf(suffixes), List.copyOf(ranges), anyPort,
                List.copyOf(ports));
    }

    public boolean allowsPort(int port) {
        return anyPort || ports.stream().anyMatch(r -> port >= r[0] && port <= r[1]);
    }

    /** True when the host is allowed by name (before resolution). */
    public boolean allowsName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return anyHost || names.contains(h) || suffixes.stream().anyMatch(s -> h.endsWith(s) || h.equals(s.substring(1)));
    }

    public boolean allowsAddress(InetAddress a) {
        return anyHost || ranges.stream().anyMatch(c -> c.contains(a));
    }

    static boolean isIpLiteral(String h) {
        return h.matches("[0-9.]+") && h.chars().filter(c -> c == '.').count() == 3 || h.contains(":");
    }

    static InetAddress literal(String h) {
        // InetAddress.getByName falls back to a name service look-up for what is not a literal ("1.2.3.999",
        // "zz:zz"): only text shaped like an IPv4 or IPv6 literal may reach it.
        if (!IPV4.matcher(h).matches() && !IPV6.matcher(h).matches()) {
            throw new IllegalArgumentException("'" + h + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + h + "' is not an IP address");
        }
    }

    /** An address range. */
    record Cidr(byte[] network, int bits) {
        static Cidr parse(String s) {
            int slash = s.indexOf('/');
            String addr = s.substring(0, slash);
            if (!isIpLiteral(addr)) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range");
            }
            byte[] net = literal(addr).getAddress();
            int bits;
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range");
            }
            if (bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("'" + s + "': prefix length out of range");
            }
            return new Cidr(net, bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
