package io.websockify.auth;

import java.util.List;

/**
 * Upstream's {@code ExpectOrigin}: source is a whitespace-separated list of exact origins; any other or a missing
 * {@code Origin} header → 403 {@code Invalid Origin}.
 */
public final class ExpectOrigin implements AuthPlugin {
    private final List<String> origins;

    public ExpectOrigin(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("ExpectOrigin needs a list of origins");
        }
        this.origins = List.of(source.trim().split("\\s+"));
    }

    @Override
    public void authenticate(AuthRequest request) throws AuthException {
        String origin = request.header("Origin");
        if (origin == null || !origins.contains(origin)) {
            throw new AuthException(403, "Invalid Origin");
        }
    }
}
