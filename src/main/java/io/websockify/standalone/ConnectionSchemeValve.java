package io.websockify.standalone;

import jakarta.servlet.ServletException;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;

/**
 * Gives each request the scheme of its own connection on the shared ws:// + wss:// port. Tomcat derives the scheme
 * from the connector (a TLS-enabled connector says https for every request), but there a plain connection must say
 * http and not be "secure": the same-origin check compares the page's origin with it, and container security
 * constraints that demand confidentiality rely on it. A connection is TLS iff Tomcat has TLS attributes for it.
 */
final class ConnectionSchemeValve extends ValveBase {

    ConnectionSchemeValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        boolean tls = request.getAttribute(Globals.CIPHER_SUITE_ATTR) != null;
        if (request.isSecure() != tls) {
            org.apache.coyote.Request coyote = request.getCoyoteRequest();
            coyote.scheme().setString(tls ? "https" : "http");
            request.setSecure(tls);
            // Without a port in Host, Tomcat took the default port of the scheme it assumed.
            String host = coyote.getHeader("host");
            if (host != null && host.lastIndexOf(':') <= host.lastIndexOf(']')) {
                coyote.setServerPort(tls ? 443 : 80);
            }
        }
        getNext().invoke(request, response);
    }
}
