package io.websockify.web;

import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.browser.BrowserSession;
import io.websockify.testkit.browser.NoVncCases;
import io.websockify.testkit.browser.OneTokenPlugin;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The browser test against the WAR as built ({@code target/websockify.war}), deployed on embedded Tomcat at
 * {@code /websockify}: the page is {@code /websockify/vnc.html}, the WebSocket route {@code /websockify/websockify}.
 * Added are a web.xml and a token plugin class: the test's VNC server is the target of the default route and,
 * by token, of route {@code /vnc}; two more routes have targets that fail in the two ways the proxy reports.
 */
@ExtendWith({BrowserSession.class, ArquillianExtension.class})
@RunAsClient
class NoVncWarIT extends NoVncCases {

    /** Accepts and closes at once: the "target closed" case. */
    private static TcpTarget closing;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        closing = new TcpTarget(conn -> { });
        Map<String, String> params = new LinkedHashMap<>();
        params.put("websockify.target", "127.0.0.1:" + BrowserSession.desktop().port());
        params.put("websockify.routes", "vnc,unreachable,closing");
        params.put("websockify.route.vnc.path", "/vnc,/vnc/{token}");
        params.put("websockify.route.vnc.token-plugin", OneTokenPlugin.class.getName());
        params.put("websockify.route.vnc.token-source",
                NoVncCases.TOKEN + "=127.0.0.1:" + BrowserSession.desktop().port());
        params.put("websockify.route.unreachable.path", "/unreachable");
        params.put("websockify.route.unreachable.target", "127.0.0.1:" + closedPort());
        params.put("websockify.route.closing.path", "/closing");
        params.put("websockify.route.closing.target", closing.hostPort());
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """);
        params.forEach((k, v) -> xml.append("  <context-param><param-name>").append(k)
                .append("</param-name><param-value>").append(v).append("</param-value></context-param>\n"));
        xml.append("</web-app>\n");
        File built = new File(System.getProperty("websockify.war", "target/websockify.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, built)
                .addClass(OneTokenPlugin.class)
                .setWebXML(new StringAsset(xml.toString()));
    }

    @AfterAll
    static void stopTarget() throws IOException {
        if (closing != null) {
            closing.close();
        }
    }

    /** A loopback port nobody listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    protected Optional<String> tokenRoutePath() {
        return Optional.of("vnc");
    }

    @Override
    protected Optional<String> unreachableTargetPath() {
        return Optional.of("unreachable");
    }

    @Override
    protected Optional<String> closingTargetPath() {
        return Optional.of("closing");
    }

    @Override
    protected String pageUrl() {
        return base + "vnc.html";
    }

    @Override
    protected String variant() {
        return "war";
    }
}
