package io.websockify.endpoint;

/**
 * Counts the bytes of the client message being received, in parts, against {@code websockify.max-message-size}.
 * One per session and direction; called by the session's reading thread only.
 */
final class MessageSizeLimit {
    private final long max;
    private long current;

    MessageSizeLimit(long max) {
        this.max = max;
    }

    /** Adds one part; returns false once the message is over the limit. */
    boolean accept(int partBytes, boolean last) {
        current += partBytes;
        boolean ok = current <= max;
        if (last) {
            current = 0;
        }
        return ok;
    }
}
