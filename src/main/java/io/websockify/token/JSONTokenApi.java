package io.websockify.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.websockify.target.Target;

import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

/**
 * Upstream's {@code JSONTokenApi}: like {@link BaseTokenAPI} (same URL template, status handling, timeouts and
 * cache), but the 2xx body is a JSON object {@code {"host": "…", "port": 5900}}; the port may be a number or a
 * string, other fields are ignored, and upstream's {@code "host": "unix_socket", "port": "/path"} names a Unix
 * socket. A body that is not such an object is the API's failure: {@link TokenLookupException} (HTTP 503).
 */
public class JSONTokenApi extends BaseTokenAPI {

    /** @throws IllegalArgumentException when the template is not an http(s) URL with exactly one {@code %s} */
    public JSONTokenApi(String source) {
        super(source);
    }

    JSONTokenApi(String source, Duration timeout, Duration cacheTime) {
        super(source, timeout, cacheTime);
    }

    @Override
    protected Target target(String body) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return TargetFields.of(json.get("host"), json.get("port"), true);
    }
}
