package io.websockify.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One raw TCP connection to the proxy, for a hostile client: it writes any bytes (a write the server refuses is
 * reported, not thrown), and reads back an HTTP answer, WebSocket frames, or the fact that the server closed the
 * connection without answering. Not thread-safe: one test thread drives it.
 */
public final class Wire implements AutoCloseable {
    /** How long one read may wait; a hung server fails the test instead of hanging it. */
    private static final int READ_PATIENCE_MS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the server answered to a request: an HTTP status line with headers and body, or {@code status == -1} when
     * the connection was closed (or reset) before a complete status line arrived.
     */
    public record Answer(int status, String statusLine, Map<String, String> headers, String body) {
        static Answer closed(String how) {
            return new Answer(-1, "connection closed without an HTTP answer (" + how + ")", Map.of(), "");
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean closedWithoutAnswer() {
            return status == -1;
        }

        /** For assertion messages: the status line, or how the connection ended. */
        @Override
        public String toString() {
            return statusLine;
        }
    }

    /** One WebSocket frame as the server sent it. */
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}. */
    public static Wire open(int port) throws IOException {
        return open(null, port);
    }

    /** Connects to 127.0.0.1:{@code port} from {@code local} (another loopback address), or any when null. */
    public static Wire open(InetAddress local, int port) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.setSoTimeout(READ_PATIENCE_MS);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return new Wire(s);
    }

    public Socket socket() {
        return socket;
    }

    /** Writes {@code bytes}; false when the server had already closed or reset the connection. */
    public boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code bytes} on another thread, so that the caller can read meanwhile: a client that writes a big
     * message without reading would stall on its own echo (TCP backpressure), which is not the attack under test.
     */
    public java.util.concurrent.CompletableFuture<Boolean> writeInBackground(byte[]... parts) {
        java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            boolean ok = true;
            for (byte[] p : parts) {
                ok = ok && write(p);
            }
            done.complete(ok);
        }, "hostile-writer");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Writes {@code text} as ISO-8859-1 bytes (HTTP heads are bytes). */
    public boolean write(String text) {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A standard RFC 6455 upgrade request for {@code path}; {@code extra} adds headers or, with a null value, drops one. */
    public static String upgradeRequest(String method, String path, Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1");
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", newKey());
        h.put("Sec-WebSocket-Version", "13");
        extra.forEach((k, v) -> {
            h.remove(k);
            if (v != null) {
                h.put(k, v);
            }
        });
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        return req.append("\r\n").toString();
    }

    public static String newKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Sends a standard upgrade request and returns the answer; a 101 is checked for the right accept value. */
    public Answer upgrade(String path, Map<String, String> extra) throws IOException {
        String key = extra.containsKey("Sec-WebSocket-Key") ? extra.get("Sec-WebSocket-Key") : newKey();
        Map<String, String> h = new LinkedHashMap<>(extra);
        h.put("Sec-WebSocket-Key", key);
        write(upgradeRequest("GET", path, h));
        Answer a = answer();
        if (a.status() == 101 && !WsFrame.accept(key).equals(a.header("Sec-WebSocket-Accept"))) {
            throw new IOException("101 with a wrong Sec-WebSocket-Accept: " + a.header("Sec-WebSocket-Accept"));
        }
        return a;
    }

    /**
     * Reads the server's HTTP answer: status line, headers and, with a Content-Length, the body (up to 64 KiB). A
     * close or reset before the status line is complete gives {@link Answer#closed}.
     */
    public Answer answer() throws IOException {
        return answer(true);
    }

    /**
     * As {@link #answer()}; {@code withBody} false for the answer to HEAD. An answer without a status line (Tomcat
     * answers some unparseable request lines HTTP/0.9-style, with only an error page) is read to its end and reported
     * with the status its page names.
     */
    public Answer answer(boolean withBody) throws IOException {
        String status;
        try {
            status = readLine();
        } catch (EOFException e) {
            return Answer.closed("end of stream");
        } catch (SocketException e) {
            return Answer.closed(e.getMessage());
        }
        if (!status.startsWith("HTTP/")) {
            return pageOnly(status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        try {
            while (!(line = readLine()).isEmpty()) {
                int c = line.indexOf(':');
                if (c > 0) {
                    headers.merge(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim(),
                            (a, b) -> a + ", " + b);
                }
            }
        } catch (EOFException | SocketException e) {
            // A status line without a complete head still tells what the server meant.
        }
        String[] parts = status.split(" ", 3);
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IOException("not an HTTP status line: '" + status + "'");
        }
        String body = "";
        String len = headers.get("content-length");
        if (withBody && code != 101 && len != null) {
            int n = (int) Math.min(Long.parseLong(len.trim()), 65_536);
            byte[] b = new byte[n];
            try {
                in.readFully(b);
                body = new String(b, StandardCharsets.UTF_8);
            } catch (EOFException | SocketException e) {
                body = "(body cut short)";
            }
        }
        return new Answer(code, status, headers, body);
    }

    /** The rest of an answer that began with {@code first} instead of a status line. */
    private Answer pageOnly(String first) throws IOException {
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        page.writeBytes(first.getBytes(StandardCharsets.ISO_8859_1));
        byte[] buf = new byte[4096];
        int n;
        try {
            while (page.size() < 65_536 && (n = in.read(buf)) >= 0) {
                page.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // reset after the page: what came is enough
        }
        String text = page.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP Status (\\d{3})").matcher(text);
        int code = m.find() ? Integer.parseInt(m.group(1)) : -1;
        return new Answer(code, "no status line, only an error page (HTTP/0.9 style)"
                + (code > 0 ? " saying 'HTTP Status " + code + "'" : ""), Map.of(), text);
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
            if (b.size() > 65_536) {
                throw new IOException("HTTP head line longer than 64 KiB");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one frame. */
    public WsFrame readFrame() throws IOException {
        return WsFrame.read(in, 16 << 20);
    }

    /** Reads frames until the server's close frame, answering pings; data frames on the way are dropped. */
    public WsFrame readUntilClose() throws IOException {
        while (true) {
            WsFrame f = readFrame();
            if (f.opcode() == 8) {
                return f;
            }
            if (f.opcode() == 9) {
                write(Frames.frame(0x8A, f.payload()));
            }
        }
    }

    /**
     * Waits until the server closes (or resets) the connection, discarding whatever it sends, for at most
     * {@code millis}; true when it did.
     */
    public boolean awaitServerClose(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int saved = socket.getSoTimeout();
        try {
            byte[] sink = new byte[4096];
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000L)));
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: wait on
                } catch (SocketException e) {
                    return true; // reset by the server
                }
            }
            return false;
        } finally {
            socket.setSoTimeout(saved);
        }
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
