package io.websockify.wrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The port-moving {@code LD_PRELOAD} library ({@code src/main/c/rebind.c}), copied from the classpath (where the
 * build put it as {@code native/linux-<arch>/librebind.so}) into a private directory (mode 0700) so the wrapped
 * program can load it. {@link #close()} deletes the copy. Not thread-safe; owned by one {@link WrappedProgram}.
 */
final class RebindLibrary implements AutoCloseable {
    /** The variables {@code rebind.c} reads (upstream websockify's names). */
    static final String OLD_PORT_VARIABLE = "REBIND_OLD_PORT";
    static final String NEW_PORT_VARIABLE = "REBIND_NEW_PORT";

    private final Path directory;
    private final Path file;

    private RebindLibrary(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
    }

    /** The classpath resource for this machine, e.g. {@code native/linux-x86_64/librebind.so}, or null. */
    static String resourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return null;
        }
        String arch = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        return arch == null ? null : "native/linux-" + arch + "/librebind.so";
    }

    /**
     * Extracts the library.
     *
     * @throws IOException when this platform has no such library or this build does not contain it (built without
     *                     a C compiler), with a message saying what to do instead
     */
    static RebindLibrary extract() throws IOException {
        String resource = resourceName();
        String alternative = "; alternatively put " + WrapSettings.PLACEHOLDER + " in " + WrapSettings.COMMAND
                + " where the program takes its port, and leave out " + WrapSettings.PORT;
        if (resource == null) {
            throw new IOException("moving the wrapped program's port (" + WrapSettings.PORT + ") needs LD_PRELOAD,"
                    + " which websockify supports on Linux x86_64 and aarch64 only, not on "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + alternative);
        }
        ClassLoader loader = RebindLibrary.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("moving the wrapped program's port (" + WrapSettings.PORT + ") needs the library "
                        + resource + ", which this build of websockify does not contain (it was built without a C"
                        + " compiler: install gcc and rebuild)" + alternative);
            }
            Path dir = privateDirectory();
            Path file = dir.resolve("librebind.so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
            } catch (IOException e) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
                throw e;
            }
            return new RebindLibrary(dir, file);
        }
    }

    private static Path privateDirectory() throws IOException {
        var attr = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path dir = Files.createTempDirectory("websockify-rebind-", attr);
        // LD_PRELOAD splits its list at spaces and colons: a temp dir containing either cannot be used.
        if (!usable(dir)) {
            Files.delete(dir);
            dir = Files.createTempDirectory(Path.of("/tmp"), "websockify-rebind-", attr);
        }
        return dir;
    }

    private static boolean usable(Path p) {
        String s = p.toAbsolutePath().toString();
        return s.indexOf(' ') < 0 && s.indexOf(':') < 0;
    }

    /** Absolute path of the extracted library. */
    Path path() {
        return file;
    }

    /** {@code LD_PRELOAD} with this library first, followed by what was there before. */
    String preload(String existing) {
        String self = file.toAbsolutePath().toString();
        return existing == null || existing.isBlank() ? self : self + ":" + existing;
    }

    /** Deletes the copy and its directory. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            System.getLogger(RebindLibrary.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot delete " + file + ": " + e.getMessage());
        }
    }
}
