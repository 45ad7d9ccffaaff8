package io.websockify.testkit;

/**
 * What a test does when a program it needs is not installed: it fails, naming the Debian package. Never a skip:
 * the README's test command (which CI runs) installs every package first, so a missing program means a broken
 * set-up, and a skip would hide it.
 */
public final class RequiredTool {
    private RequiredTool() {
    }

    /** The failure to throw; {@code message} says what is missing and which Debian package provides it. */
    public static AssertionError missing(String message) {
        return new AssertionError(message
                + " (scripts/install-deps --test installs it, the first step of the test command)");
    }
}
