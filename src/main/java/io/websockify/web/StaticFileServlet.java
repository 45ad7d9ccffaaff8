package io.websockify.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Serves the files below one directory ({@code websockify.web}) for GET and HEAD, as upstream's {@code --web}
 * does: content type by extension (the container's mappings, then {@link MimeTypes}), {@code Content-Length},
 * {@code Last-Modified} and 304 for {@code If-Modified-Since}; a directory without trailing slash gets a 301 to
 * add it; a directory serves its {@code index.html} or {@code index.htm}, else a listing (or 404 without
 * listings). Nothing outside the directory is ever served: {@code ..} in any encoding is refused with 400, and a
 * symbolic link that resolves outside is 404. Other methods get 405. Files are streamed, never held in memory.
 *
 * <p>Thread-safe: holds only the root and the listing switch.
 */
public final class StaticFileServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final List<String> INDEX_FILES = List.of("index.html", "index.htm");
    private static final int COPY_BUFFER = 16 * 1024;

    private final transient Path root;
    private final boolean listings;

    /**
     * @param root     the directory to serve
     * @param listings whether a directory without index file gets a listing (else 404)
     */
    public StaticFileServlet(Path root, boolean listings) {
        this.root = root;
        this.listings = listings;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean head = "HEAD".equals(req.getMethod());
        if (!head && !"GET".equals(req.getMethod())) {
            resp.setHeader("Allow", "GET, HEAD");
            plain(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed", false);
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        String uri = req.getRequestURI();
        String context = req.getContextPath();
        String rawPath = uri != null && uri.startsWith(context) ? uri.substring(context.length()) : null;
        List<String> segments = WebPath.segments(path, rawPath);
        if (segments == null) {
            plain(resp, HttpServletResponse.SC_BAD_REQUEST, "Bad path", head);
            return;
        }
        Path rootReal;
        Path real;
        try {
            rootReal = root.toRealPath();
            real = inside(rootReal, segments);
        } catch (IOException e) {
            real = null;
            rootReal = null;
        }
        if (real == null) {
            notFound(resp, head);
            return;
        }
        if (Files.isDirectory(real)) {
            directory(req, resp, head, path, segments, rootReal, real);
        } else if (Files.isRegularFile(real) && !path.endsWith("/")) {
            file(req, resp, head, real, segments.get(segments.size() - 1));
        } else {
            notFound(resp, head);
        }
    }

    /** The real path of root/segments, or null when it does not exist or resolves outside the root. */
    private static Path inside(Path rootReal, List<String> segments) throws IOException {
        Path candidate = rootReal;
        for (String seg : segments) {
            Path next = candidate.resolve(seg);
            if (!candidate.equals(next.getParent())) {
                return null; // a segment the file system reads as more than one name (e.g. a drive letter)
            }
            candidate = next;
        }
        if (!Files.exists(candidate)) {
            return null;
        }
        Path real = candidate.toRealPath();
        return real.startsWith(rootReal) ? real : null;
    }

    private void directory(HttpServletRequest req, HttpServletResponse resp, boolean head, String path,
                           List<String> segments, Path rootReal, Path dir) throws IOException {
        if (!path.endsWith("/")) {
            // Built from the checked segments, not the raw URI: "//host" there would redirect to another site.
            StringBuilder location = new StringBuilder(req.getContextPath());
            for (String seg : segments) {
                location.append('/').append(WebPath.encode(seg));
            }
            location.append('/');
            String query = req.getQueryString();
            if (query != null) {
                location.append('?').append(query);
            }
            resp.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            resp.setHeader("Location", location.toString());
            resp.setContentLength(0);
            return;
        }
        for (String name : INDEX_FILES) {
            Path index = dir.resolve(name);
            if (Files.isRegularFile(index)) {
                Path real = index.toRealPath();
                if (real.startsWith(rootReal)) {
                    file(req, resp, head, real, name);
                    return;
                }
            }
        }
        if (!listings) {
            notFound(resp, head);
            return;
        }
        byte[] page = DirectoryListing.render(dir, rootReal, req.getContextPath() + path);
        resp.setContentType("text/html;charset=UTF-8");
        resp.setContentLength(page.length);
        if (!head) {
            resp.getOutputStream().write(page);
        }
    }

    private void file(HttpServletRequest req, HttpServletResponse resp, boolean head, Path file, String name)
            throws IOException {
        BasicFileAttributes attrs;
        InputStream in;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
            in = head ? null : Files.newInputStream(file);
        } catch (IOException e) {
            notFound(resp, head); // unreadable: upstream answers 404 as well
            return;
        }
        try (InputStream body = in) {
            long modified = attrs.lastModifiedTime().toMillis();
            resp.setDateHeader("Last-Modified", modified);
            if (notModifiedSince(req, modified)) {
                resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return;
            }
            resp.setContentType(contentType(name));
            resp.setContentLengthLong(attrs.size());
            if (body != null) {
                copy(body, resp.getOutputStream(), attrs.size());
            }
        }
    }

    private static boolean notModifiedSince(HttpServletRequest req, long modifiedMillis) {
        long since;
        try {
            since = req.getDateHeader("If-Modified-Since");
        } catch (IllegalArgumentException e) {
            return false; // malformed date: ignore the header, as RFC 9110 says
        }
        // HTTP dates have whole seconds.
        return since >= 0 && modifiedMillis / 1000 <= since / 1000;
    }

    private String contentType(String name) {
        String type = getServletContext().getMimeType(name);
        if (type == null) {
            type = MimeTypes.byExtension(name);
        }
        return type == null ? MimeTypes.DEFAULT : type;
    }

    /** Copies exactly the announced length, so a file growing meanwhile cannot break the response framing. */
    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(length, 1))];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void notFound(HttpServletResponse resp, boolean head) throws IOException {
        plain(resp, HttpServletResponse.SC_NOT_FOUND, "File not found", head);
    }

    private static void plain(HttpServletResponse resp, int status, String text, boolean head) throws IOException {
        byte[] body = (status + " " + text + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setContentLength(body.length);
        if (!head) {
            resp.getOutputStream().write(body);
        }
    }
}
