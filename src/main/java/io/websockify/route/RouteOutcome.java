package io.websockify.route;

import io.websockify.target.Target;

/** What routing decided for one upgrade request: a target, or a refusal with its HTTP status. */
public sealed interface RouteOutcome permits RouteOutcome.Resolved, RouteOutcome.Refused {

    /** Connect to {@code target}; {@code tokenLabel} names the token in logs without revealing it. */
    record Resolved(Target target, String tokenLabel) implements RouteOutcome {
    }

    /**
     * Refuse the upgrade.
     *
     * @param status  HTTP status: 400 malformed, 403 not allowed, 404 unknown token, 503 source unavailable
     * @param message text for the client (no secrets)
     * @param detail  text for the log (no token, no query string)
     */
    record Refused(int status, String message, String detail) implements RouteOutcome {
        /** The matching WebSocket close code where a container cannot refuse with an HTTP status. */
        public int closeCode() {
            return switch (status) {
                case 503 -> 1013;
                case 400 -> 1002;
                default -> 1008;
            };
        }
    }
}
