package io.websockify.standalone;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that collects the binary bytes it receives and the close the server sends. */
final class WsClient implements WebSocket.Listener {
    /** Close code and reason as received. */
    record Close(int code, String reason) {
    }

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private CompletableFuture<byte[]> waiting;
    private int waitingFor;
    private WebSocket socket;

    static WsClient connect(HttpClient http, URI uri, String... subprotocols) throws Exception {
        WsClient client = new WsClient();
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = b.buildAsync(uri, client).get(StandaloneCommand.PATIENCE_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    WebSocket socket() {
        return socket;
    }

    /** Sends {@code data} as one binary message and waits until the same number of bytes came back. */
    byte[] echo(byte[] data) throws Exception {
        CompletableFuture<byte[]> result;
        synchronized (this) {
            received.reset();
            waitingFor = data.length;
            waiting = result = new CompletableFuture<>();
        }
        socket.sendBinary(ByteBuffer.wrap(data), true).get(StandaloneCommand.PATIENCE_SECONDS, TimeUnit.SECONDS);
        return result.get(StandaloneCommand.PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    Close awaitClose() throws Exception {
        return closed.get(StandaloneCommand.PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.writeBytes(bytes);
        if (waiting != null && received.size() >= waitingFor) {
            waiting.complete(received.toByteArray());
            waiting = null;
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
        synchronized (this) {
            if (waiting != null) {
                waiting.completeExceptionally(error);
            }
        }
    }
}
