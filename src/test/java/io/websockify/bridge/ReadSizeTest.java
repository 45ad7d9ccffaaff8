package io.websockify.bridge;

import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.security.MessageDigest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target that streams gets messages as large as {@code websockify.buffer-size} (256 KiB by default), never
 * larger, with every byte in order: the proxy steps up from small reads to its largest as reads fill.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReadSizeTest {
    private static final long TOTAL = 32L << 20;
    private static final TcpTarget SOURCE = BridgeDataTest.start(TcpTarget.source(17, TOTAL));

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        return ProxyWar.create("readsize.war", Map.of("websockify.target", SOURCE.hostPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        SOURCE.close();
    }

    @Test
    void aStreamingTargetGetsMessagesUpToTheReadSize() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open("127.0.0.1", base.getPort(), 0)) {
            assertEquals(101, raw.handshake("/readsize/websockify", Map.of()).status());
            MessageDigest digest = Pattern.sha256();
            long received = 0;
            int largest = 0;
            WsFrame f;
            while ((f = raw.readFrame()).opcode() != 8) {
                assertEquals(2, f.opcode());
                digest.update(f.payload());
                received += f.payload().length;
                largest = Math.max(largest, f.payload().length);
            }
            assertEquals(1000, f.closeCode());
            assertEquals(TOTAL, received);
            assertEquals(Pattern.digestOf(17, TOTAL), Pattern.hex(digest.digest()));
            System.out.printf("largest message: %,d bytes%n", largest);
            assertTrue(largest <= 256 * 1024, "message of " + largest + " bytes, above the 256 KiB read size");
            assertTrue(largest > ReadBuffers.STREAMING, "no read was larger than 64 KiB: largest " + largest);
        }
    }
}
