package io.websockify.wrap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;

/**
 * Finds a TCP port that is free on the loopback addresses, for the wrapped program to listen on.
 *
 * <p>There is a race, as in upstream websockify: the port is only known to be free when it is checked; another
 * process may take it before the program binds it. The program then fails to listen and its mode decides what
 * happens (exit, or respawn with a fresh attempt on the same port). The window is short (start-up of the
 * program) and the kernel hands out ephemeral ports in turn, so a clash is unlikely.
 */
final class FreePort {
    private static final int ATTEMPTS = 20;

    private FreePort() {
    }

    /** A port free on 127.0.0.1 and, where IPv6 loopback exists, on [::1], so a program may listen on both. */
    static int pick() throws IOException {
        InetAddress v4 = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        InetAddress v6 = InetAddress.getByAddress("localhost", loopback6());
        boolean checkV6 = available(v6, 0);
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port;
            try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                ch.bind(new InetSocketAddress(v4, 0));
                port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            } catch (IOException e) {
                last = e;
                continue;
            }
            if (!checkV6 || available(v6, port)) {
                return port;
            }
        }
        throw new IOException("no free loopback port found for the wrapped program"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private static boolean available(InetAddress address, int port) {
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            ch.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static byte[] loopback6() {
        byte[] a = new byte[16];
        a[15] = 1;
        return a;
    }
}
