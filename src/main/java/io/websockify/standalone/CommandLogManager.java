package io.websockify.standalone;

import java.util.logging.LogManager;

/**
 * The JVM's log manager for the standalone command, installed by {@link Main} through the system property
 * {@code java.util.logging.manager}. It differs from the default in one way: once the command has set logging
 * up, {@link #reset()} is ignored, because the JVM's own shutdown hook resets logging while our shutdown hook is
 * still closing sessions, and those closes must still be logged.
 */
public final class CommandLogManager extends LogManager {
    private volatile boolean configured;

    public CommandLogManager() {
        super();
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }

    /** Clears any configuration now; later {@link #reset()} calls are ignored. */
    void takeOver() {
        super.reset();
        configured = true;
    }
}
