package io.websockify.route;

import java.util.List;
import java.util.Map;

/**
 * The parts of an upgrade request that routing may use. Built from the servlet request by the upgrade gate (or
 * from the WebSocket handshake request where the container skips the gate).
 *
 * @param path       request path within the application, decoded, without the query
 * @param pathParams parameters of the matched path template ({@code token}, {@code host}, {@code port})
 * @param rawQuery   the undecoded query string, or null
 * @param cookies    values of the {@code Cookie} headers
 * @param host       the {@code Host} header, or null
 * @param user       the authenticated user's name, or null
 * @param client     client address and port, for logs
 */
public record ConnectionRequest(String path, Map<String, String> pathParams, String rawQuery,
                                List<String> cookies, String host, String user, String client) {
}
