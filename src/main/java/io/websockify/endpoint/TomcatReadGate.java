package io.websockify.endpoint;

import jakarta.websocket.Session;
import org.apache.tomcat.websocket.WsSession;

/** {@link ReadGate} on Tomcat's session. Loaded only when the session is Tomcat's. */
final class TomcatReadGate implements ReadGate {
    private final WsSession session;

    private TomcatReadGate(WsSession session) {
        this.session = session;
    }

    static ReadGate of(Session session) {
        return new TomcatReadGate((WsSession) session);
    }

    @Override
    public void suspend() {
        session.suspend();
    }

    @Override
    public void resume() {
        session.resume();
    }
}
