package io.websockify.config;

import java.util.Locale;

/**
 * Which WebSocket implementation carries the sessions ({@code websockify.engine}).
 *
 * <ul>
 *   <li>{@link #BUILTIN}: the proxy's own RFC 6455 framing on the container's socket (Tomcat 10.1+ only): unmasks
 *       eight bytes at a time, forwards payloads without copying them, holds no buffer while a session is idle.</li>
 *   <li>{@link #JAKARTA}: the container's Jakarta WebSocket implementation; the only one that can negotiate
 *       permessage-deflate.</li>
 *   <li>{@link #AUTO} (default): built-in on Tomcat unless permessage-deflate is on, Jakarta elsewhere.</li>
 * </ul>
 */
public enum Engine {
    AUTO, BUILTIN, JAKARTA;

    public static final String SETTING = "websockify.engine";

    static Engine from(Settings s, boolean permessageDeflate) {
        Engine e = s.value(SETTING).map(v -> {
            try {
                return valueOf(v.raw().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw v.invalid("expected auto, builtin or jakarta");
            }
        }).orElse(AUTO);
        if (e == BUILTIN && permessageDeflate) {
            throw s.value(SETTING).orElseThrow().invalid("the built-in engine does not speak permessage-deflate; "
                    + "use websockify.engine=jakarta (or auto) with websockify.permessage-deflate=true");
        }
        return e;
    }
}
