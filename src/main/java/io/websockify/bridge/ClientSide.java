package io.websockify.bridge;

import java.nio.ByteBuffer;

/**
 * The WebSocket side of a bridge, as the bridge needs it.
 *
 * <p>Implementations must accept {@link #send} only one at a time: the bridge never calls it again before the
 * previous callback fired. The buffer belongs to the implementation from the call until {@code done} runs; after
 * that the bridge reuses it. {@code done} may run on any thread, but never inside {@code send}'s caller frame
 * while holding the bridge's locks (the bridge holds none while calling out).
 */
public interface ClientSide {

    /** Sends {@code data} (position..limit) as one message; {@code done} receives null or the failure. */
    void send(ByteBuffer data, SendCallback done);

    /** Starts the closing handshake with the given code and reason; idempotent in effect. */
    void close(int code, String reason);

    /** Stop delivering client data until {@link #resumeReading()}; a hint that may be ignored. */
    void pauseReading();

    /** Undo one {@link #pauseReading()}. */
    void resumeReading();

    /** Completion of one {@link #send}. */
    @FunctionalInterface
    interface SendCallback {
        void done(Throwable failure);
    }
}
