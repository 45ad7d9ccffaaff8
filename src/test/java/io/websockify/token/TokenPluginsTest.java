package io.websockify.token;

import io.websockify.config.SettingException;
import io.websockify.target.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static io.websockify.token.TokenFilesTest.lookup;
import static io.websockify.token.TokenFilesTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plugin creation by name: built-ins, upstream's dotted names, classes of one's own, and the errors. */
class TokenPluginsTest {
    @TempDir
    Path dir;

    /** A plugin of one's own: every token goes to host "fixed" on the port given as the source. */
    public static final class FixedPortPlugin implements TokenPlugin {
        private final int port;

        public FixedPortPlugin(String source) {
            try {
                port = Integer.parseInt(source);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the source must be a port number");
            }
        }

        @Override
        public Optional<Target> lookup(TokenRequest request) {
            return Optional.of(new Target.Tcp(request.token() + ".fixed", port));
        }
    }

    /** A plugin of one's own that needs no source. */
    public static final class NoSourcePlugin implements TokenPlugin {
        public NoSourcePlugin() {
        }

        @Override
        public Optional<Target> lookup(TokenRequest request) {
            return Optional.empty();
        }
    }

    /** Not a plugin. */
    public static final class NotAPlugin {
        public NotAPlugin(String source) {
        }
    }

    /** A plugin whose constructor fails for another reason than its source. */
    public static final class FailingPlugin implements TokenPlugin {
        public FailingPlugin(String source) {
            throw new IllegalStateException("cannot start");
        }

        @Override
        public Optional<Target> lookup(TokenRequest request) {
            return Optional.empty();
        }
    }

    @Test
    void builtInsByUpstreamNameAndDottedName() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "vm: 10.0.0.1:5900\n");
        for (String name : new String[] {"TokenFile", "websockify.token_plugins.TokenFile"}) {
            try (TokenPlugin p = TokenPlugins.create(name, tokens.toString())) {
                assertInstanceOf(TokenFile.class, p);
                assertEquals(Optional.of(tcp("10.0.0.1", 5900)), lookup(p, "vm"));
            }
        }
        Path key = Files.writeString(dir.resolve("key"), "secret_sauce");
        Object[][] cases = {
            {"ReadOnlyTokenFile", tokens.toString(), ReadOnlyTokenFile.class},
            {"TokenFileName", dir.toString(), TokenFileName.class},
            {"BaseTokenAPI", "http://127.0.0.1:9/%s", BaseTokenAPI.class},
            {"JSONTokenApi", "http://127.0.0.1:9/%s", JSONTokenApi.class},
            {"JWTTokenApi", key.toString(), JWTTokenApi.class},
            {"TokenRedis", "127.0.0.1:9", TokenRedis.class},
            {"UnixDomainSocketDirectory", dir.toString(), UnixDomainSocketDirectory.class},
            {"io.websockify.token.TokenFileName", dir.toString(), TokenFileName.class},
        };
        for (Object[] c : cases) {
            try (TokenPlugin p = TokenPlugins.create((String) c[0], (String) c[1])) {
                assertInstanceOf((Class<?>) c[2], p);
            }
        }
    }

    @Test
    void ownClassByName() throws Exception {
        try (TokenPlugin p = TokenPlugins.create(FixedPortPlugin.class.getName(), "6000")) {
            assertEquals(Optional.of(tcp("abc.fixed", 6000)), lookup(p, "abc"));
        }
        try (TokenPlugin p = TokenPlugins.create(NoSourcePlugin.class.getName(), null)) {
            assertEquals(Optional.empty(), lookup(p, "abc"));
        }
    }

    @Test
    void errorsNameTheSettingAndSayWhy() {
        assertError("websockify.token-plugin", "unknown plugin 'NoSuchPlugin'", "NoSuchPlugin", "x");
        assertError("websockify.token-plugin", "unknown plugin", "websockify.token_plugins.Nope", "x");
        assertError("websockify.token-plugin", "", " ", "x");
        assertError("websockify.token-plugin", "does not implement io.websockify.token.TokenPlugin",
                NotAPlugin.class.getName(), "x");
        assertError("websockify.token-plugin", "cannot start", FailingPlugin.class.getName(), "x");
        assertError("websockify.token-source", "must be a port number", FixedPortPlugin.class.getName(), "abc");
        assertError("websockify.token-source", "takes no source", NoSourcePlugin.class.getName(), "abc");
        assertError("websockify.token-source", "TokenFile needs a token file or a directory", "TokenFile", null);
        assertError("websockify.token-source", "needs a directory", "UnixDomainSocketDirectory", " ");
        assertError("websockify.token-source", "exactly one %s", "BaseTokenAPI", "http://h/");
        assertError("websockify.token-source", "no such file", "TokenFile", dir.resolve("missing").toString());
    }

    private static void assertError(String setting, String why, String plugin, String source) {
        SettingException e = assertThrows(SettingException.class, () -> TokenPlugins.create(plugin, source));
        assertTrue(e.getMessage().contains(setting) && e.getMessage().contains(why), e.getMessage());
    }
}
