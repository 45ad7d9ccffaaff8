package io.websockify.standalone;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * Tomcat's NIO endpoint whose connections decide between plain and TLS by their first byte
 * ({@link SniffingChannel}), so that ws:// and wss:// share one port as with upstream websockify. TLS itself is
 * configured as on any Tomcat connector (SSLEnabled and an SSLHostConfig); used only when a certificate exists.
 */
final class SniffingEndpoint extends NioEndpoint {
    private final boolean sslOnly;

    /** With {@code sslOnly}, a connection that does not begin with a TLS handshake is closed without an answer. */
    SniffingEndpoint(boolean sslOnly) {
        this.sslOnly = sslOnly;
    }

    boolean sslOnly() {
        return sslOnly;
    }

    @Override
    protected NioChannel createChannel(SocketBufferHandler buffers) {
        return new SniffingChannel(buffers, this);
    }
}
