package io.websockify.config;

import java.time.Duration;

/**
 * What one client and all clients together may use. Each value comes from its own setting.
 *
 * @param maxSessions          open sessions in total; beyond it the upgrade gets 503 ({@code websockify.max-sessions})
 * @param maxSessionsPerClient open sessions per client address ({@code websockify.max-sessions-per-client})
 * @param sessionIdleTimeout   close a session with no traffic either way for this long, zero for never
 *                             ({@code websockify.session-idle-timeout})
 * @param heartbeat            ping every client this often and close it when a ping stays unanswered until the
 *                             next one, zero for off ({@code websockify.heartbeat}, seconds as upstream)
 * @param maxMessageSize       largest message a client may send, larger ones close the session with 1009
 *                             ({@code websockify.max-message-size})
 * @param handshakeTimeout     standalone command: a connection that sends no byte of its request for this long
 *                             before the upgrade is closed (Tomcat's connectionTimeout, counted from the last byte;
 *                             in a WAR the container's connector timeout applies) ({@code websockify.handshake-timeout})
 */
public record Limits(int maxSessions, int maxSessionsPerClient, Duration sessionIdleTimeout, Duration heartbeat,
                     long maxMessageSize, Duration handshakeTimeout) {

    public static final String MAX_SESSIONS = "websockify.max-sessions";
    public static final String MAX_SESSIONS_PER_CLIENT = "websockify.max-sessions-per-client";
    public static final String SESSION_IDLE_TIMEOUT = "websockify.session-idle-timeout";
    public static final String HEARTBEAT = "websockify.heartbeat";
    public static final String MAX_MESSAGE_SIZE = "websockify.max-message-size";
    public static final String HANDSHAKE_TIMEOUT = "websockify.handshake-timeout";

    static Limits from(Settings s) {
        Limits l = new Limits(
                s.integer(MAX_SESSIONS, 10_000, 1, Integer.MAX_VALUE),
                s.integer(MAX_SESSIONS_PER_CLIENT, 256, 1, Integer.MAX_VALUE),
                s.duration(SESSION_IDLE_TIMEOUT, Duration.ZERO),
                s.duration(HEARTBEAT, Duration.ZERO),
                s.integer(MAX_MESSAGE_SIZE, 16 << 20, 1, Integer.MAX_VALUE),
                s.duration(HANDSHAKE_TIMEOUT, Duration.ofSeconds(10)));
        if (l.handshakeTimeout.isZero()) {
            throw s.value(HANDSHAKE_TIMEOUT).orElseThrow().invalid("must be greater than zero");
        }
        if (!l.heartbeat.isZero() && l.heartbeat.toMillis() < 100) {
            throw s.value(HEARTBEAT).orElseThrow().invalid("must be at least 0.1 s (or 0 for off)");
        }
        return l;
    }
}
