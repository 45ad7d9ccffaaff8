package io.websockify.bridge;

/**
 * The WebSocket close codes and reasons the bridge sends. The texts of {@link #TARGET_CLOSED} and
 * {@link #CONNECT_FAILED} are upstream websockify's, which noVNC and scripts recognise.
 *
 * @param code   RFC 6455 close code
 * @param reason close reason (at most 123 bytes of UTF-8)
 */
public record CloseStatus(int code, String reason) {
    public static final CloseStatus TARGET_CLOSED = new CloseStatus(1000, "Target closed");
    public static final CloseStatus CONNECT_FAILED = new CloseStatus(1011, "Failed to connect to downstream server");
    public static final CloseStatus TEXT_UNSUPPORTED = new CloseStatus(1003, "Unsupported: Text frames are not supported");
    public static final CloseStatus BAD_BASE64 = new CloseStatus(1007, "Invalid base64 data");
    public static final CloseStatus SHUTDOWN = new CloseStatus(1001, "Server shutting down");
    public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1009, "Message too big");
    public static final CloseStatus NO_PONG = new CloseStatus(1001, "Heartbeat timeout: no pong from the client");

    /** Target connection failed mid-session (reset, I/O error): 1011 with a short reason. */
    public static CloseStatus targetLost(Throwable cause) {
        String what = cause == null || cause.getMessage() == null ? cause == null ? "error" : cause.getClass().getSimpleName()
                : cause.getMessage();
        String reason = "Target connection lost: " + what;
        return new CloseStatus(1011, truncate(reason));
    }

    /** Keeps a reason within the 123 bytes a close frame allows. */
    static String truncate(String reason) {
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            int n = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + n > 120 || Character.isSurrogate(c)) {
                break;
            }
            sb.append(c);
            bytes += n;
        }
        return sb.toString();
    }
}
