package io.websockify.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the static file servlet accepts as a path below its root, whatever the container let through. */
class WebPathTest {

    @Test
    void ordinaryPathsGiveTheirSegments() {
        assertEquals(List.of(), WebPath.segments("/", "/"));
        assertEquals(List.of("app", "ui.js"), WebPath.segments("/app/ui.js", "/app/ui.js"));
        assertEquals(List.of("dir"), WebPath.segments("/dir/", "/dir/"));
        assertEquals(List.of("a b.txt"), WebPath.segments("/a b.txt", "/a%20b.txt"));
        assertEquals(List.of("x", "y"), WebPath.segments("/x/./y", "/x/./y"));
        assertEquals(List.of("ü"), WebPath.segments("/ü", "/%C3%BC"));
    }

    @Test
    void dotDotInAnyEncodingIsRefused() {
        assertNull(WebPath.segments("/../etc/passwd", "/../etc/passwd"));
        assertNull(WebPath.segments("/etc/passwd", "/%2e%2e/etc/passwd"));   // a container that normalised
        assertNull(WebPath.segments("/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd"));
        assertNull(WebPath.segments("/a/../../x", "/a/%2e./%2E%2e/x"));
        assertNull(WebPath.segments("/x", "/..;jsessionid=1/x"));
        assertNull(WebPath.segments("/x", "/.%2e/x"));
    }

    @Test
    void separatorsAndNulInsideASegmentAreRefused() {
        assertNull(WebPath.segments("/a/b", "/a%2fb"));
        assertNull(WebPath.segments("/a\\b", "/a\\b"));
        assertNull(WebPath.segments("/ab", "/a%5cb"));
        assertNull(WebPath.segments("/a\0b", "/a%00b"));
        assertNull(WebPath.segments("/ab", "/a%00b"));
    }

    @Test
    void malformedEscapesAreRefused() {
        assertNull(WebPath.segments("/x", "/%zz"));
        assertNull(WebPath.segments("/x", "/%4"));
        assertNull(WebPath.segments("/x", "/%C3"));   // a lone UTF-8 lead byte
        assertEquals("a+b", WebPath.percentDecode("a+b"));
    }

    @Test
    void encodingKeepsASegmentOneSegment() {
        assertEquals("a%20b.txt", WebPath.encode("a b.txt"));
        assertEquals("x&%3Cy%3E.txt", WebPath.encode("x&<y>.txt"));
        assertEquals("a%2Fb%3Bc%3Ad%25e", WebPath.encode("a/b;c:d%e"));
        assertEquals("%C3%BC", WebPath.encode("ü"));
        assertEquals("ü", WebPath.percentDecode(WebPath.encode("ü")));
    }
}
