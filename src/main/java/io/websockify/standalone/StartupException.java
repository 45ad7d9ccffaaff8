package io.websockify.standalone;

/** The server could not start; the message says why in words an operator can act on. Exit status 1. */
final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }
}
