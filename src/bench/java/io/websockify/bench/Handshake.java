package io.websockify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the WebSocket opening handshake (RFC 6455 §4.1): sends the upgrade request with a fresh
 * random key, and accepts only a 101 whose {@code Sec-WebSocket-Accept} matches the key and whose subprotocol is
 * the one offered.
 */
final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {
    }

    /**
     * Performs the handshake on a connected blocking channel. Bytes the server sent after its response (frames)
     * are left in {@code readBuf}, which is in read mode afterwards.
     *
     * @param protocol subprotocol to offer, or null to offer none
     */
    static void perform(SocketChannel ch, String host, int port, String path, String protocol, ByteBuffer readBuf)
            throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (protocol != null) {
            req.append("Sec-WebSocket-Protocol: ").append(protocol).append("\r\n");
        }
        req.append("\r\n");
        ByteBuffer out = ByteBuffer.wrap(req.toString().getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            ch.write(out);
        }

        readBuf.clear();
        int end;
        while ((end = headerEnd(readBuf)) < 0) {
            if (!readBuf.hasRemaining()) {
                throw new IOException("handshake response longer than " + readBuf.capacity() + " bytes");
            }
            if (ch.read(readBuf) < 0) {
                throw new IOException("connection closed during the handshake");
            }
        }
        byte[] head = new byte[end];
        readBuf.flip();
        readBuf.get(head);
        readBuf.position(readBuf.position() + 4);
        check(new String(head, StandardCharsets.ISO_8859_1), key, protocol);
    }

    private static int headerEnd(ByteBuffer b) {
        for (int i = 3; i < b.position(); i++) {
            if (b.get(i - 3) == '\r' && b.get(i - 2) == '\n' && b.get(i - 1) == '\r' && b.get(i) == '\n') {
                return i - 3;
            }
        }
        return -1;
    }

    private static void check(String head, String key, String protocol) throws IOException {
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + lines[0]);
        }
        String accept = null;
        String upgrade = null;
        String chosen = null;
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c < 0) {
                continue;
            }
            String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(c + 1).trim();
            switch (name) {
                case "sec-websocket-accept" -> accept = value;
                case "upgrade" -> upgrade = value;
                case "sec-websocket-protocol" -> chosen = value;
                default -> { }
            }
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new IOException("handshake without Upgrade: websocket");
        }
        if (!expectedAccept(key).equals(accept)) {
            throw new IOException("wrong Sec-WebSocket-Accept " + accept);
        }
        if (protocol != null ? !protocol.equals(chosen) : chosen != null) {
            throw new IOException("server chose subprotocol " + chosen + ", offered " + protocol);
        }
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
