package io.websockify.standalone;

/** The command line is wrong; the launcher prints the usage and this message to stderr and exits with 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
