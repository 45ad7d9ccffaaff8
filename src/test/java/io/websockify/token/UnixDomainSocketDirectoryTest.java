package io.websockify.token;

import io.websockify.target.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.websockify.token.TokenFilesTest.lookup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** UnixDomainSocketDirectory against real Unix sockets, including the escapes upstream falls for. */
class UnixDomainSocketDirectoryTest {
    @TempDir
    Path root;
    private final List<ServerSocketChannel> servers = new ArrayList<>();

    private Path listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        servers.add(server);
        return path;
    }

    @AfterEach
    void closeServers() throws IOException {
        for (ServerSocketChannel s : servers) {
            s.close();
        }
    }

    @Test
    void tokenNamesASocketInsideTheDirectoryOnly() throws Exception {
        Path dir = Files.createDirectory(root.resolve("socks"));
        // A sibling whose name starts like the directory's: upstream's string-prefix check lets ../socks2/x in.
        Path sibling = Files.createDirectory(root.resolve("socks2"));
        Path vm1 = listen(dir.resolve("vm1"));
        Path outside = listen(sibling.resolve("x.sock"));
        Files.createDirectory(dir.resolve("sub"));
        Path nested = listen(dir.resolve("sub").resolve("vm2"));
        Files.writeString(dir.resolve("regular"), "not a socket");
        Files.createSymbolicLink(dir.resolve("link-out"), outside);
        Files.createSymbolicLink(dir.resolve("link-in"), vm1);
        Files.createSymbolicLink(dir.resolve("dir-out"), sibling);

        try (UnixDomainSocketDirectory plugin = new UnixDomainSocketDirectory(dir.toString())) {
            Path realVm1 = vm1.toRealPath();
            assertEquals(Optional.of(new Target.Unix(realVm1)), lookup(plugin, "vm1"));
            assertEquals(Optional.of(new Target.Unix(realVm1)), lookup(plugin, "link-in"));
            assertEquals(Optional.of(new Target.Unix(realVm1)), lookup(plugin, "sub/../vm1"));
            assertEquals(Optional.of(new Target.Unix(nested.toRealPath())), lookup(plugin, "sub/vm2"));
            for (String escape : new String[] {"../socks2/x.sock", "link-out", "dir-out/x.sock",
                    outside.toString(), "../../" + outside, "regular", "sub", "missing", ".", "", "..",
                    "vm1\0"}) {
                assertEquals(Optional.empty(), lookup(plugin, escape), escape);
            }
        }
    }

    @Test
    void sourceMustBeAnExistingDirectory() throws IOException {
        Path file = Files.writeString(root.resolve("file"), "x");
        assertThrows(IllegalArgumentException.class, () -> new UnixDomainSocketDirectory(file.toString()));
        assertThrows(IllegalArgumentException.class,
                () -> new UnixDomainSocketDirectory(root.resolve("missing").toString()));
    }

    @Test
    void directoryRemovedLaterMakesEveryTokenUnknown() throws Exception {
        Path dir = Files.createDirectory(root.resolve("socks"));
        Path vm1 = listen(dir.resolve("vm1"));
        try (UnixDomainSocketDirectory plugin = new UnixDomainSocketDirectory(dir.toString())) {
            assertEquals(Optional.of(new Target.Unix(vm1.toRealPath())), lookup(plugin, "vm1"));
            servers.get(0).close();
            Files.delete(vm1);
            Files.delete(dir);
            assertEquals(Optional.empty(), lookup(plugin, "vm1"));
        }
    }
}
