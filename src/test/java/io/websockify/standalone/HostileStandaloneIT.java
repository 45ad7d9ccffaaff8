package io.websockify.standalone;

import io.websockify.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients against the standalone command ({@code java -jar target/websockify.jar}) with small limits: slow
 * handshakes meet {@code --handshake-timeout}, a connection flood meets {@code --max-sessions}, and a well-behaved
 * client connected before the attacks keeps getting its messages echoed byte for byte throughout. (Traversal against
 * {@code --web} is in {@link StandaloneCommandIT}; the frame and handshake attacks, which the standalone command
 * answers with the same container and webapp, are in {@code io.websockify.hostile.HostileInputTest}.)
 */
class HostileStandaloneIT {
    private static final int MAX_SESSIONS = 3;
    private static final Random RANDOM = new Random(7);

    @TempDir
    static Path tmp;

    private static EchoTarget echo;
    private static StandaloneCommand cmd;
    private static int port;
    private static WsClient good;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoTarget();
        cmd = StandaloneCommand.start(tmp, "--handshake-timeout", "1s", "--max-sessions", String.valueOf(MAX_SESSIONS),
                "127.0.0.1:0", echo.hostPort());
        port = cmd.awaitListening();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        good = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/websockify"), "binary");
        goodClientIsServed("before the attacks");
    }

    @AfterEach
    void goodClientAfterEachAttack(TestInfo test) throws Exception {
        goodClientIsServed("after " + test.getDisplayName());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (good != null) {
                good.socket().sendClose(1000, "done");
                assertEquals(1000, good.awaitClose().code(), "the good client's session ends normally");
            }
        } finally {
            if (cmd != null) {
                cmd.close();
            }
            if (echo != null) {
                echo.close();
            }
        }
    }

    private static void goodClientIsServed(String when) throws Exception {
        byte[] msg = new byte[100 + RANDOM.nextInt(2000)];
        RANDOM.nextBytes(msg);
        assertArrayEquals(msg, good.echo(msg), "the good client's echo " + when);
    }

    private static byte[] upgradeHead() {
        return Wire.upgradeRequest("GET", "/websockify", Map.of()).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * 50 slow-loris connections: 25 send nothing at all, 25 send the start of an upgrade byte by byte (a byte every
     * 100 ms, under the 1 s handshake timeout) and then stall. The server closes every one of them, none is
     * upgraded, and the good client is served all along.
     */
    @Test
    void stalledHandshakesAreDropped() throws Exception {
        byte[] head = upgradeHead();
        List<Wire> silent = new ArrayList<>();
        List<Wire> trickling = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                silent.add(Wire.open(port));
                trickling.add(Wire.open(port));
            }
            for (int b = 0; b < 20; b++) {
                for (Wire w : trickling) {
                    w.write(new byte[] {head[b]});
                }
                if (b % 5 == 0) {
                    goodClientIsServed("while 25 handshakes trickle and 25 stay silent (byte " + b + ")");
                }
                Thread.sleep(100);
            }
            List<Wire> all = new ArrayList<>(silent);
            all.addAll(trickling);
            for (int i = 0; i < all.size(); i++) {
                assertTrue(all.get(i).awaitServerClose(60_000), (i < 25 ? "silent" : "stalled") + " connection #" + i
                        + " is still open 60 s after it stopped sending (--handshake-timeout 1s)");
                if (i % 10 == 0) {
                    goodClientIsServed("while slow connections are dropped (#" + i + ")");
                }
            }
        } finally {
            for (Wire w : silent) {
                w.close();
            }
            for (Wire w : trickling) {
                w.close();
            }
        }
    }
    /**
     * A flood of upgrades beyond --max-sessions: with the good client holding one session, exactly the remaining
     * sessions are upgraded, every other attempt gets 503 with Retry-After, and the good client is served meanwhile.
     * When the flood ends, its sessions are given back.
     */
    @Test
    void connectionFloodBeyondMaxSessions() throws Exception {
        List<Wire> accepted = new ArrayList<>();
        List<Wire.Answer> refused = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SESSIONS * 5; i++) {
                Wire w = Wire.open(port);
                Wire.Answer a = w.upgrade("/websockify", Map.of());
                if (a.status() == 101) {
                    accepted.add(w);
                } else {
                    refused.add(a);
                    w.close();
                }
                if (i % 4 == 0) {
                    goodClientIsServed("during the flood (" + i + " attempts)");
                }
            }
            assertEquals(MAX_SESSIONS - 1, accepted.size(), "sessions upgraded next to the good client's");
            for (Wire.Answer a : refused) {
                assertEquals(503, a.status(), "beyond --max-sessions: " + a);
                assertEquals("10", a.header("Retry-After"), "503 says when to retry: " + a.headers());
            }
            goodClientIsServed("with the server at --max-sessions");
        } finally {
            for (Wire w : accepted) {
                w.close();
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        int status;
        do {
            Thread.sleep(20);
            try (Wire w = Wire.open(port)) {
                status = w.upgrade("/websockify", Map.of()).status();
            }
        } while (status == 503 && System.nanoTime() < deadline);
        assertEquals(101, status, "a new session after the flood ended");
    }
}
