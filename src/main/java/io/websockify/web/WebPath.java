package io.websockify.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-system segments a request names below the web root, or a refusal. Checked twice: on the path the
 * container decoded and on the raw request URI decoded here, so that no container's decoding or normalisation
 * quirk ({@code %2e%2e}, {@code %2f}, {@code ;} parameters, backslashes, NUL) can step out of the root.
 */
final class WebPath {
    private WebPath() {
    }

    /**
     * Returns the non-empty segments of {@code decodedPath} without {@code .} segments, or null when either path
     * holds a {@code ..} segment, a backslash, a NUL, an encoded slash or a malformed escape.
     *
     * @param decodedPath the path within the application as the container decoded it (servlet path + path info)
     * @param rawPath     the same part of the request URI as the client sent it (still percent-encoded)
     */
    static List<String> segments(String decodedPath, String rawPath) {
        if (rawPath != null && !rawIsSafe(rawPath)) {
            return null;
        }
        if (decodedPath.indexOf('\0') >= 0 || decodedPath.indexOf('\\') >= 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String seg : decodedPath.split("/")) {
            if (seg.equals("..")) {
                return null;
            }
            if (!seg.isEmpty() && !seg.equals(".")) {
                out.add(seg);
            }
        }
        return out;
    }

    private static boolean rawIsSafe(String rawPath) {
        for (String seg : rawPath.split("/", -1)) {
            int semicolon = seg.indexOf(';');
            String name = percentDecode(semicolon < 0 ? seg : seg.substring(0, semicolon));
            if (name == null || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
                    || name.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Strict UTF-8 percent-decoding of one path segment ({@code +} stays a plus); null when malformed. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteBuffer bytes = ByteBuffer.allocate(s.length() * 4);
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) != '%') {
                int next = s.indexOf('%', i);
                int end = next < 0 ? s.length() : next;
                bytes.put(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.put((byte) (hi << 4 | lo));
            i += 3;
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Percent-encodes one segment for a URL path: unreserved characters and a few safe sub-delimiters stay, all
     * else (including {@code /}, {@code ;}, {@code :}, {@code %}) becomes {@code %XX} of its UTF-8 bytes.
     */
    static String encode(String segment) {
        StringBuilder sb = new StringBuilder(segment.length() + 8);
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,=@".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
