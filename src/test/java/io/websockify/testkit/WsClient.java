package io.websockify.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real WebSocket client (the JDK's) that records what it receives: all bytes (hashed, and kept when small),
 * text messages, and how the session closed.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    /** How the server closed the session. */
    public record Close(int code, String reason, long receivedBefore) {
        /** Code and reason only, for assertions. */
        public String codeAndReason() {
            return code + " " + reason;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final int KEEP_LIMIT = 1 << 20;

    private WebSocket ws;
    private final MessageDigest digest = Pattern.sha256();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Close> closed = new CompletableFuture<>();
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();

    private WsClient() {
    }

    public static WsClient connect(URI uri, String... protocols) throws Exception {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (protocols.length > 0) {
            String[] rest = new String[protocols.length - 1];
            System.arraycopy(protocols, 1, rest, 0, rest.length);
            b.subprotocols(protocols[0], rest);
        }
        c.ws = b.buildAsync(uri, c).get(20, TimeUnit.SECONDS);
        return c;
    }

    /** The HTTP status of a refused handshake, or fails if the handshake succeeded. */
    public static int refusedStatus(URI uri, String... protocols) throws Exception {
        try (WsClient c = connect(uri, protocols)) {
            throw new AssertionError("handshake was accepted with protocol '" + c.ws.getSubprotocol() + "'");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    public WebSocket socket() {
        return ws;
    }

    public String subprotocol() {
        return ws.getSubprotocol();
    }

    public void send(byte[] data) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(30, TimeUnit.SECONDS);
    }

    public void sendText(String s) throws Exception {
        ws.sendText(s, true).get(30, TimeUnit.SECONDS);
    }

    public void close(int code, String reason) throws Exception {
        ws.sendClose(code, reason).get(10, TimeUnit.SECONDS);
    }

    public long received() {
        return received.get();
    }

    public long messageCount() {
        return messages.get();
    }

    public synchronized byte[] keptBytes() {
        return kept.toByteArray();
    }

    public List<String> texts() {
        return texts;
    }

    /** Waits until at least {@code n} bytes arrived. */
    public void awaitBytes(long n, long seconds) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (received.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("received " + received.get() + " of " + n + " bytes");
            }
            if (closed.isDone() && received.get() < n) {
                throw new AssertionError("closed " + closed.join() + " after " + received.get() + " of " + n + " bytes");
            }
            Thread.sleep(5);
        }
    }

    public Close awaitClose(long seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS);
    }

    /** Hex SHA-256 of everything received so far; call once, at the end. */
    public synchronized String sha256() {
        return Pattern.hex(digest.digest());
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        int n = data.remaining();
        if (data.hasArray()) {
            digest.update(data.array(), data.arrayOffset() + data.position(), n);
            if (kept.size() + n <= KEEP_LIMIT) {
                kept.write(data.array(), data.arrayOffset() + data.position(), n);
            }
        } else {
            byte[] copy = new byte[n];
            data.get(copy);
            digest.update(copy);
            if (kept.size() + n <= KEEP_LIMIT) {
                kept.write(copy, 0, n);
            }
        }
        received.addAndGet(n);
        if (last) {
            messages.incrementAndGet();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        texts.add(data.toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason, received.get()));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
        closed.completeExceptionally(e);
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.abort();
        }
    }
}
