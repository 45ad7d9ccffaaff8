package io.websockify.web;

import java.util.Locale;
import java.util.Map;

/**
 * Content types of the files a web client is made of, by file extension. The standalone command installs them
 * over the container's defaults; {@link StaticFileServlet} falls back to them when a container has no mapping.
 * ES modules are refused by browsers unless served with a JavaScript type, hence {@code .js} and {@code .mjs}.
 */
public final class MimeTypes {
    /** Extension (lower case, no dot) to content type. */
    public static final Map<String, String> WEB = Map.ofEntries(
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"),
            Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("txt", "text/plain"),
            Map.entry("xml", "application/xml"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"));

    static final String DEFAULT = "application/octet-stream";

    private MimeTypes() {
    }

    /** The type from {@link #WEB} for {@code fileName}'s extension, or null. */
    public static String byExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? null : WEB.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
