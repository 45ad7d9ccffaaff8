package io.websockify.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The noVNC client packed in the standalone jar ({@code webapp/} inside it), unpacked to a private directory so
 * the same file servlet that serves {@code --web} can serve it.
 */
final class ClientFiles {
    private static final String PREFIX = "webapp/";

    private ClientFiles() {
    }

    /** Unpacks the client into a new temporary directory and returns it. */
    static Path unpack() throws StartupException {
        Path jar;
        try {
            jar = Path.of(ClientFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new StartupException("--novnc: cannot locate the websockify jar: " + e.getMessage());
        }
        if (!Files.isRegularFile(jar)) {
            throw new StartupException("--novnc needs the packaged target/websockify.jar (run mvn package)");
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            Path dir = Files.createTempDirectory("websockify-novnc-");
            Enumeration<JarEntry> entries = jf.entries();
            boolean page = false;
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.getName().startsWith(PREFIX) || e.getName().contains("..")) {
                    continue;
                }
                Path out = dir.resolve(e.getName().substring(PREFIX.length())).normalize();
                if (!out.startsWith(dir)) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jf.getInputStream(e)) {
                        Files.copy(in, out);
                    }
                    page |= e.getName().equals(PREFIX + "vnc.html");
                }
            }
            if (!page) {
                throw new StartupException("--novnc: this jar holds no noVNC client (webapp/vnc.html is missing)");
            }
            return dir;
        } catch (IOException e) {
            throw new StartupException("--novnc: cannot unpack the client: " + e.getMessage());
        }
    }
}
