package io.websockify.config;

/**
 * A setting is missing or malformed. The message always names the setting (and where its value came from), so
 * a failed deployment or start-up tells the operator exactly what to fix.
 */
public final class SettingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SettingException(String message) {
        super(message);
    }

    public SettingException(String message, Throwable cause) {
        super(message, cause);
    }
}
