package io.websockify.route;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of direct-routing allow-lists. Input: the hosts list, a newline, the ports list, a
 * newline, a host name to check; then the fuzzer picks a port and an address. A list either parses or is refused
 * with an {@link IllegalArgumentException} naming the bad entry; a parsed list answers every check without
 * throwing, never allows a port outside 1..65535, and allows only what it lists.
 */
public final class AllowListFuzzTest {
    private static final String HOST_NAME = "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*";

    @FuzzTest(maxDuration = "10s")
    void allowLists(FuzzedDataProvider data) throws UnknownHostException {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) throws UnknownHostException {
        int port = data.consumeInt();
        byte[] address = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
        String[] f = data.consumeRemainingAsString().split("\n", -1);
        String hosts = f[0];
        String ports = f.length > 1 ? f[1] : "*";
        AllowList list;
        try {
            list = AllowList.parse(hosts, ports);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            return;
        }
        boolean anyPort = false;
        for (String e : ports.split("[,\\s]+")) {
            anyPort |= e.trim().equals("*"); // as the parser reads entries: trim() drops control characters too
        }
        if (list.allowsPort(port)) {
            assertTrue(anyPort || (port >= 1 && port <= 65535), "port " + port + " allowed by '" + ports + "'");
        }
        List<String> entries = new ArrayList<>();
        for (String e : hosts.split("[,\\s]+")) {
            entries.add(e.trim().toLowerCase(Locale.ROOT)); // as the parser reads them
        }
        for (String e : entries) {
            if (e.startsWith(".") && !e.contains("/") && !e.contains(":")) {
                assertTrue(e.substring(1).matches(HOST_NAME), "the domain entry '" + e + "' of '" + hosts
                        + "' was accepted but is not a domain name (a typo must fail start-up)");
            }
        }
        if (f.length > 2 && list.allowsName(f[2]) && !entries.contains("*")) {
            String h = f[2].toLowerCase(Locale.ROOT);
            boolean listed = false;
            for (String e : entries) {
                listed |= e.equals(h) || e.startsWith(".") && e.length() > 1 && (h.endsWith(e) || h.equals(e.substring(1)));
            }
            assertTrue(listed, "'" + f[2] + "' allowed by name though '" + hosts + "' does not list it");
        }
        if (address.length == 4 || address.length == 16) {
            InetAddress a = InetAddress.getByAddress(address);
            if (list.allowsAddress(a) && !hosts.contains("*")) {
                assertFalse(hosts.isBlank(), "an address allowed by an empty list");
            }
        }
    }
}
