package io.websockify.token;

import io.websockify.config.SettingException;
import io.websockify.target.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ClientKillParams.SkipMe;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.websockify.token.TokenFilesTest.lookup;
import static io.websockify.token.TokenFilesTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TokenRedis against a real redis-server started here. */
class TokenRedisTest {
    private static RedisServer redis;
    private static RedisClient client;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void jsonAndPlainValues() throws Exception {
        client.set("json", "{\"host\": \"192.0.2.1:5901\"}");
        client.set("json-extra", "  {\"host\":\"[::1]:5902\",\"port\":1}\n");
        client.set("plain", "192.0.2.1:5903\n");
        client.set("plain-v6", "::1:5904");
        client.set("sock", "unix_socket:/run/vnc.sock");
        client.set("bad-json", "{host: 1");
        client.set("json-no-host", "{\"target\":\"192.0.2.1:1\"}");
        client.set("json-host-number", "{\"host\":5900}");
        client.set("nonsense", "no target here");
        client.hset("hash", "host", "192.0.2.1:1");
        try (TokenRedis plugin = new TokenRedis("127.0.0.1:" + redis.port)) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(plugin, "json"));
            assertEquals(Optional.of(tcp("::1", 5902)), lookup(plugin, "json-extra"));
            assertEquals(Optional.of(tcp("192.0.2.1", 5903)), lookup(plugin, "plain"));
            assertEquals(Optional.of(tcp("::1", 5904)), lookup(plugin, "plain-v6"));
            assertEquals(Optional.of(new Target.Unix(Path.of("/run/vnc.sock"))), lookup(plugin, "sock"));
            for (String unknown : List.of("missing", "bad-json", "json-no-host", "json-host-number", "nonsense",
                    "hash")) {
                assertEquals(Optional.empty(), lookup(plugin, unknown), unknown);
            }
            // Values are read on each lookup: a change in Redis applies at once.
            client.set("plain", "192.0.2.1:5999");
            assertEquals(Optional.of(tcp("192.0.2.1", 5999)), lookup(plugin, "plain"));
            client.del("plain");
            assertEquals(Optional.empty(), lookup(plugin, "plain"));
        }
    }

    @Test
    void namespaceAndDatabaseFromTheSource() throws Exception {
        client.set("app:tok", "192.0.2.2:1");
        client.set("first-ns:second-ns:tok", "192.0.2.2:2");
        try (RedisClient db3 = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port))
                .clientConfig(DefaultJedisClientConfig.builder().database(3).build()).build()) {
            db3.set("ns:tok", "192.0.2.2:3");
        }
        String h = "127.0.0.1:" + redis.port;
        try (TokenRedis ns = new TokenRedis(h + ":::app");
             TokenRedis quoted = new TokenRedis(h + ":::\"first-ns:second-ns\"");
             TokenRedis db = new TokenRedis(h + ":3::ns");
             TokenRedis quotedHost = new TokenRedis("\"127.0.0.1\":\"" + redis.port + "\":::app")) {
            assertEquals(Optional.of(tcp("192.0.2.2", 1)), lookup(ns, "tok"));
            assertEquals(Optional.of(tcp("192.0.2.2", 2)), lookup(quoted, "tok"));
            assertEquals(Optional.of(tcp("192.0.2.2", 3)), lookup(db, "tok"));
            assertEquals(Optional.of(tcp("192.0.2.2", 1)), lookup(quotedHost, "tok"));
            assertEquals(Optional.empty(), lookup(ns, "app:tok"), "the namespace is added once");
        }
    }

    @Test
    void passwordProtectedRedis() throws Exception {
        try (RedisServer secured = RedisServer.start("--requirepass", "s3cr:et");
             RedisClient admin = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", secured.port))
                     .clientConfig(DefaultJedisClientConfig.builder().password("s3cr:et").build()).build()) {
            admin.set("tok", "{\"host\":\"192.0.2.3:5900\"}");
            String h = "127.0.0.1:" + secured.port;
            try (TokenRedis good = new TokenRedis(h + "::\"s3cr:et\"");
                 TokenRedis wrong = new TokenRedis(h + "::nope");
                 TokenRedis none = new TokenRedis(h)) {
                assertEquals(Optional.of(tcp("192.0.2.3", 5900)), lookup(good, "tok"));
                TokenLookupException e = assertThrows(TokenLookupException.class, () -> lookup(wrong, "tok"));
                assertFalse(e.getMessage().contains("nope"), e.getMessage());
                assertThrows(TokenLookupException.class, () -> lookup(none, "tok"));
            }
        }
    }

    @Test
    void redisDownIsAFailureAndARestartedRedisIsUsedAgain() throws Exception {
        RedisServer own = RedisServer.start();
        int port = own.port;
        try (TokenRedis plugin = new TokenRedis("127.0.0.1:" + port)) {
            try (RedisClient c = RedisClient.create("127.0.0.1", port)) {
                c.set("tok", "192.0.2.4:1");
            }
            assertEquals(Optional.of(tcp("192.0.2.4", 1)), lookup(plugin, "tok"));

            own.close();
            TokenLookupException e = assertThrows(TokenLookupException.class, () -> lookup(plugin, "tok"));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());

            // The pooled connection died with the old server; the plugin must recover without a restart.
            own = RedisServer.start(port);
            try (RedisClient c = RedisClient.create("127.0.0.1", port)) {
                c.set("tok", "192.0.2.4:2");
            }
            assertEquals(Optional.of(tcp("192.0.2.4", 2)), lookup(plugin, "tok"));
        } finally {
            own.close();
        }
    }

    @Test
    void pooledConnectionBrokenWhileIdleIsReplacedTransparently() throws Exception {
        try (RedisServer own = RedisServer.start(); TokenRedis plugin = new TokenRedis("127.0.0.1:" + own.port)) {
            try (Jedis c = new Jedis("127.0.0.1", own.port)) {
                c.set("tok", "192.0.2.5:1");
                assertEquals(Optional.of(tcp("192.0.2.5", 1)), lookup(plugin, "tok"));
                // Redis drops every other client connection (as on a failover or a restart behind a proxy).
                long killed = c.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(SkipMe.YES));
                assertEquals(1, killed, "the plugin's pooled connection was killed");
            }
            assertEquals(Optional.of(tcp("192.0.2.5", 1)), lookup(plugin, "tok"));
        }
    }

    @Test
    void sourceSyntax() {
        assertEquals(List.of("localhost", "6379", "1", "pass\"word", "my-app-namespace:dev"),
                RedisSource.fields("localhost:6379:1:pass\"word:\"my-app-namespace:dev\""));
        assertEquals(List.of("\"local", "host", "pass"), RedisSource.fields("\"local:host:\"pass\""));
        assertEquals(List.of("local", "host\""), RedisSource.fields("\"local\":host\""));
        assertEquals(List.of("localhost", "", ""), RedisSource.fields("\"localhost\"::"));
        assertEquals(List.of("\"\""), RedisSource.fields("\"\""));
        assertEquals(List.of("", "", ""), RedisSource.fields("::"));
        assertEquals(List.of(""), RedisSource.fields(""));

        assertEquals(new RedisSource("my-redis-host", 6379, 0, null, null), RedisSource.parse("my-redis-host"));
        assertEquals(new RedisSource("my-redis-host", 6379, 0, "verysecretpass", null),
                RedisSource.parse("my-redis-host:::verysecretpass"));
        assertEquals(new RedisSource("my-redis-host", 6379, 0, null, "my-app-namespace"),
                RedisSource.parse("my-redis-host::::my-app-namespace"));
        assertEquals(new RedisSource("my-redis-host", 6380, 1, "verysecretpass", "my-app-namespace"),
                RedisSource.parse("my-redis-host:6380:1:verysecretpass:my-app-namespace"));
        assertEquals(new RedisSource("::1", 6379, 0, null, "a:b"), RedisSource.parse("\"::1\"::::\"a:b\""));
        assertFalse(RedisSource.parse("h:1:0:hunter2").toString().contains("hunter2"));

        for (String bad : List.of("", ":6379", "h:port", "h:0", "h:70000", "h:1:db", "h:1:-1", "h:1:0:p:ns:extra")) {
            assertThrows(IllegalArgumentException.class, () -> RedisSource.parse(bad), bad);
        }
        SettingException e = assertThrows(SettingException.class, () -> TokenPlugins.create("TokenRedis",
                "h:x:0:hunter2"));
        assertTrue(e.getMessage().contains("websockify.token-source"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
