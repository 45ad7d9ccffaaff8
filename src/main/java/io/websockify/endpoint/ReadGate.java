package io.websockify.endpoint;

import jakarta.websocket.Session;

/**
 * Pauses and resumes reading client frames for one session without holding a thread. Only Tomcat offers this
 * (its {@code WsSession.suspend()/resume()}); elsewhere the gate does nothing and the bridge's blocking hand-off
 * provides the backpressure.
 */
interface ReadGate {
    ReadGate NONE = new ReadGate() {
        @Override public void suspend() { }
        @Override public void resume() { }
    };

    void suspend();

    void resume();

    static ReadGate of(Session session) {
        try {
            Class<?> ws = Class.forName("org.apache.tomcat.websocket.WsSession", false,
                    session.getClass().getClassLoader());
            if (ws.isInstance(session)) {
                return TomcatReadGate.of(session);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // Not Tomcat: no gate.
        }
        return NONE;
    }
}
