package io.websockify.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.file.Path;

/** Serves files from a directory (websockify.web). TODO(helper): full implementation. */
public final class StaticFileServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Path root;
    private final boolean listings;

    public StaticFileServlet(Path root, boolean listings) {
        this.root = root;
        this.listings = listings;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.sendError(404);
    }
}
