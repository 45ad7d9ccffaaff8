package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Upstream's {@code BaseTokenAPI}: asks an HTTP API for the target. The source is a URL template with exactly one
 * {@code %s}, replaced by the percent-encoded token (every byte except letters, digits and {@code -._~}; upstream
 * inserts the raw token); {@code %%} stands for {@code %} as in upstream's Python formatting, any other {@code %}
 * is kept. A {@code GET} is sent; redirects are followed (not from https to http).
 *
 * <p>Answers: 2xx with a body {@code host:port} (surrounding white space ignored, unlike upstream; {@code [v6]:port}
 * and {@code unix_socket:/path} work) is the target; 404 or any other 4xx is an unknown token (HTTP 404 to the
 * client). 5xx, an unexpected status, a malformed or over-long (&gt; 64 KiB) body, a refused connection and a
 * timeout (5 s to connect, 5 s for the whole answer; not configurable) throw {@link TokenLookupException}
 * (HTTP 503): the API is broken, not the client. Upstream treats every status ≥ 400 as not found, has no timeout and
 * drops the connection on a malformed body.
 *
 * <p>Found and not-found answers are cached for 5 s (at most 4096 tokens, least recently used evicted), so a
 * reconnecting client does not hit the API each time; failures are not cached. Thread-safe; one shared HTTP client
 * keeps connections alive between look-ups.
 */
public class BaseTokenAPI implements TokenPlugin {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration CACHE_TIME = Duration.ofSeconds(5);
    static final int CACHE_ENTRIES = 4096;
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final String before;
    private final String after;
    private final String apiName;
    private final Duration timeout;
    private final HttpClient client;
    private final LookupCache cache;

    /** @throws IllegalArgumentException when the template is not an http(s) URL with exactly one {@code %s} */
    public BaseTokenAPI(String source) {
        this(source, TIMEOUT, CACHE_TIME);
    }

    private final java.util.concurrent.ExecutorService executor;

    /** With other timeouts and cache lifetime (tests). */
    BaseTokenAPI(String source, Duration timeout, Duration cacheTime) {
        String[] parts = splitTemplate(source.trim());
        this.before = parts[0];
        this.after = parts[1];
        URI sample = uri("token");
        this.apiName = sample.getScheme() + "://" + sample.getRawAuthority();
        this.timeout = timeout;
        // Our own daemon pool, so that undeploy can stop the client's worker threads even on Java 17. Like the
        // JDK's default it grows with concurrent look-ups, which the container's request threads bound.
        this.executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "websockify-token-api");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.cache = new LookupCache(cacheTime.toNanos(), TimeUnit.NANOSECONDS, CACHE_ENTRIES);
    }

    /** Splits the template at its one {@code %s}, turning {@code %%} into {@code %}. */
    private static String[] splitTemplate(String template) {
        StringBuilder[] parts = {new StringBuilder(), new StringBuilder()};
        int holes = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            char next = i + 1 < template.length() ? template.charAt(i + 1) : 0;
            if (c == '%' && next == 's') {
                holes++;
                i++;
            } else if (c == '%' && next == '%') {
                parts[Math.min(holes, 1)].append('%');
                i++;
            } else {
                parts[Math.min(holes, 1)].append(c);
            }
        }
        if (holes != 1) {
            throw new IllegalArgumentException("the URL needs exactly one %s where the token goes (found " + holes
                    + ")");
        }
        String[] result = {parts[0].toString(), parts[1].toString()};
        URI sample;
        try {
            sample = new URI(result[0] + "token" + result[1]);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
        }
        String scheme = sample.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || sample.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URL with a host");
        }
        return result;
    }

    private URI uri(String encodedToken) {
        return URI.create(before + encodedToken + after);
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        String token = request.token();
        LookupCache.Answer cached = cache.get(token);
        if (cached != null) {
            return cached.target();
        }
        Optional<Target> answer = ask(token);
        cache.put(token, answer);
        return answer;
    }

    private Optional<Target> ask(String token) throws TokenLookupException {
        HttpRequest request = HttpRequest.newBuilder(uri(PercentEncoding.encode(token)))
                .timeout(timeout)
                .GET()
                .build();
        HttpResponse<byte[]> response = send(request);
        int status = response.statusCode();
        if (status / 100 == 4) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw new TokenLookupException("token API " + apiName + " answered HTTP " + status);
        }
        try {
            return Optional.of(target(new String(response.body(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new TokenLookupException("token API " + apiName + " answered with a malformed body: "
                    + e.getMessage());
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws TokenLookupException {
        // The whole answer, body included, must arrive within the timeout: HttpRequest.timeout covers the headers.
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request, BoundedBody.handler(MAX_BODY_BYTES));
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TokenLookupException("token API " + apiName + " did not answer within " + timeout.toMillis()
                    + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TokenLookupException("interrupted while asking token API " + apiName, e);
        } catch (ExecutionException e) {
            throw new TokenLookupException("token API " + apiName + " " + describe(e.getCause()), e.getCause());
        }
    }

    private String describe(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return "did not accept the connection within " + timeout.toMillis() + " ms";
        }
        if (t instanceof HttpTimeoutException) {
            return "did not answer within " + timeout.toMillis() + " ms";
        }
        if (t instanceof ConnectException) {
            return "refused the connection";
        }
        if (t instanceof IOException) {
            return "failed: " + t.getMessage();
        }
        return "failed: " + t;
    }

    /**
     * Turns a 2xx body into the target; {@code host:port} here.
     *
     * @throws IllegalArgumentException with a short reason when the body is malformed
     */
    protected Target target(String body) {
        String text = body.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return Target.parse(text);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        // HttpClient is AutoCloseable from Java 21 on; on 17 its selector thread ends once it is unreachable.
        Object c = client;
        if (c instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // shutting down anyway
            }
        }
    }
}
