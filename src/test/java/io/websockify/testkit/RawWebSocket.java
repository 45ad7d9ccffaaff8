package io.websockify.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client written on a plain socket, for what the JDK client will not do: exact handshake headers,
 * a receive window the test controls (it reads only when asked), and hand-made frames.
 */
public final class RawWebSocket implements AutoCloseable {
    /** One frame as received. */
    /** The HTTP response to a handshake. */
    public record Response(int status, Map<String, String> headers, String statusLine) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private Response response;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection; {@code receiveBuffer} > 0 fixes SO_RCVBUF before connecting (a small window). */
    public static RawWebSocket open(String host, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress(host, port), 10_000);
        return new RawWebSocket(s);
    }

    /** Sends a standard upgrade request for {@code path} plus extra headers (null value removes a default). */
    public Response handshake(String path, Map<String, String> extra) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", socket.getInetAddress().getHostAddress() + ":" + socket.getPort());
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        h.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
        h.put("Sec-WebSocket-Version", "13");
        if (extra != null) {
            extra.forEach((k, v) -> {
                h.remove(k);
                if (v != null) {
                    h.put(k, v);
                }
            });
        }
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        response = readResponse();
        if (response.status == 101) {
            String expect = WsFrame.accept(h.get("Sec-WebSocket-Key"));
            if (!expect.equals(response.header("Sec-WebSocket-Accept"))) {
                throw new IOException("bad Sec-WebSocket-Accept: " + response.header("Sec-WebSocket-Accept"));
            }
        }
        return response;
    }

    /** Writes raw bytes (for malformed requests). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP response head (status line and headers). */
    public Response readResponse() throws IOException {
        String status = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int c = line.indexOf(':');
            if (c > 0) {
                headers.merge(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        String[] parts = status.split(" ", 3);
        return new Response(Integer.parseInt(parts[1]), headers, status);
    }

    /** Reads the body of a response with Content-Length. */
    public String readBody(Response r) throws IOException {
        String len = r.header("Content-Length");
        if (len == null) {
            return "";
        }
        byte[] b = new byte[Integer.parseInt(len)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed in the HTTP head");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    public void sendFrame(boolean fin, int opcode, byte[] payload, boolean mask) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        int m = mask ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(m | payload.length);
        } else if (payload.length < 65536) {
            f.write(m | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(m | 127);
            long l = payload.length;
            for (int i = 7; i >= 0; i--) {
                f.write((int) (l >>> (8 * i)));
            }
        }
        byte[] body = payload;
        if (mask) {
            byte[] k = new byte[4];
            RANDOM.nextBytes(k);
            f.write(k, 0, 4);
            body = payload.clone();
            for (int i = 0; i < body.length; i++) {
                body[i] ^= k[i & 3];
            }
        }
        f.write(body, 0, body.length);
        out.write(f.toByteArray());
        out.flush();
    }

    public void sendBinary(byte[] payload) throws IOException {
        sendFrame(true, 2, payload, true);
    }

    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        sendFrame(true, 8, p, true);
    }

    public WsFrame readFrame() throws IOException {
        return WsFrame.read(in, Integer.MAX_VALUE - 8);
    }

    /** Reads data frames into {@code digest} until a close frame, which is returned. */
    public WsFrame readUntilClose(MessageDigest digest, long[] count) throws IOException {
        while (true) {
            WsFrame f = readFrame();
            if (f.opcode() == 8) {
                return f;
            }
            if (f.opcode() == 2 || f.opcode() == 0) {
                digest.update(f.payload());
                count[0] += f.payload().length;
            }
        }
    }

    public InputStream input() {
        return in;
    }

    public Socket socket() {
        return socket;
    }

    public Response response() {
        return response;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
