package io.websockify.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code websockify-config.json}, which tells the bundled VNC page where this deployment's WebSocket route
 * is: {@code {"path":"websockify"}}. The path is relative to the context root (no leading slash), so the page
 * resolves it against its own URL and works under any context path and behind https. A route template keeps its
 * {@code {token}} placeholder for the page to fill in.
 *
 * <p>The body is fixed at construction; the servlet is stateless and safe for concurrent requests.
 */
public final class ClientConfigServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Where the page looks for this document, relative to the context root. */
    public static final String MAPPING = "/websockify-config.json";

    private final byte[] body;

    /** @param routePath the WebSocket route as configured, e.g. {@code /websockify} or {@code /vnc/{token}} */
    public ClientConfigServlet(String routePath) {
        String relative = routePath.startsWith("/") ? routePath.substring(1) : routePath;
        this.body = ("{\"path\":" + jsonString(relative) + "}\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json;charset=UTF-8");
        // Settings change with a redeploy; let the browser revalidate instead of guessing.
        resp.setHeader("Cache-Control", "no-cache");
        resp.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
