package io.websockify.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers every plain HTTP request with 405, as upstream websockify does when it serves no web root: the port
 * speaks WebSocket only. HEAD gets the headers without the body.
 */
public final class MethodNotAllowedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] BODY = ("405 Method Not Allowed: this port only accepts WebSocket connections "
            + "(start with --web DIR to serve files)\n").getBytes(StandardCharsets.UTF_8);

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        resp.setHeader("Allow", "GET");
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setContentLength(BODY.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(BODY);
        }
    }
}
