package io.websockify.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.websockify.target.Target;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's {@code TokenRedis}: the target is the value of the key {@code namespace:token} (or {@code token}
 * without a namespace) in Redis. The source is {@code host[:port[:db[:password[:namespace]]]]} (see
 * {@link RedisSource}).
 *
 * <p>Values (surrounding white space ignored): starting with <code>{</code>, a JSON object whose {@code host} field
 * is {@code "host:port"}; otherwise {@code host:port}. Both accept {@code [v6]:port}, {@code v6:port} and
 * {@code unix_socket:/path} (upstream allows exactly one colon). A missing key, or a value that is none of these
 * (invalid JSON, no {@code host}, not a string), is an unknown token (HTTP 404); malformed values are logged
 * without the token or the value.
 *
 * <p>Redis is asked on every lookup (nothing is cached, so several proxies sharing one Redis always agree) through
 * a pool of at most 16 connections (kept open between lookups; 2 s to connect, 2 s per answer, 2 s to wait for a
 * free connection). Redis down, slow, refusing the password, or a full pool: {@link TokenLookupException}
 * (HTTP 503). A connection that broke while idle (Redis restarted) is retried once on a fresh one. Nothing is
 * contacted at start-up, so the proxy starts while Redis is down. Thread-safe; {@link #close} closes the pool.
 */
public final class TokenRedis implements TokenPlugin {
    private static final Logger LOG = System.getLogger(TokenRedis.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CONNECTIONS = 16;

    private final RedisSource source;
    private final RedisClient redis;

    /** @throws IllegalArgumentException when the source does not fit {@code host[:port[:db[:password[:namespace]]]]} */
    public TokenRedis(String source) {
        this(source, TIMEOUT);
    }

    TokenRedis(String source, Duration timeout) {
        this.source = RedisSource.parse(source);
        int millis = (int) timeout.toMillis();
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(this.source.database());
        if (this.source.password() != null) {
            client.password(this.source.password());
        }
        GenericObjectPoolConfig<Connection> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(MAX_CONNECTIONS);
        poolConfig.setMaxIdle(MAX_CONNECTIONS);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(timeout);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setJmxEnabled(false); // no MBean per pool in the container's JMX server
        this.redis = RedisClient.builder()
                .hostAndPort(new HostAndPort(this.source.host(), this.source.port()))
                .clientConfig(client.build())
                .poolConfig(poolConfig)
                .build();
        LOG.log(Level.INFO, "TokenRedis {0}", this.source);
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        String value = get(source.key(request.token()));
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(value));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "TokenRedis value for token {0} ignored: {1}", Redaction.token(request.token()),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The key's value, or null when it does not exist. */
    private String get(String key) throws TokenLookupException {
        for (int attempt = 1; ; attempt++) {
            try {
                return redis.get(key);
            } catch (JedisConnectionException e) {
                if (attempt > 1) {
                    throw unavailable(e);
                }
                redis.getPool().clear(); // idle connections are likely as dead as the one that failed
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                    LOG.log(Level.WARNING, "TokenRedis key of a token ignored: it does not hold a string");
                    return null;
                }
                throw unavailable(e);
            } catch (JedisException e) {
                throw unavailable(e);
            }
        }
    }

    private TokenLookupException unavailable(JedisException e) {
        return new TokenLookupException("Redis " + source.host() + ":" + source.port() + " cannot answer: "
                + e.getMessage(), e);
    }

    /** A value as upstream writes them: JSON with a {@code host} field, or plain {@code host:port}. */
    static Target parse(String value) {
        String v = value.strip();
        if (v.startsWith("{")) {
            Map<String, Object> json;
            try {
                json = JSONObjectUtils.parse(v);
            } catch (ParseException e) {
                throw new IllegalArgumentException("not valid JSON");
            }
            if (!(json.get("host") instanceof String host)) {
                throw new IllegalArgumentException("no string field \"host\" in the JSON value");
            }
            return Target.parse(host);
        }
        return Target.parse(v);
    }

    @Override
    public void close() {
        redis.close();
    }
}
