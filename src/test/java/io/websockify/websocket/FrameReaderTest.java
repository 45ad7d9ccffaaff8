package io.websockify.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in engine's frame parser on byte streams cut at every kind of boundary. */
class FrameReaderTest {

    /** Records what the reader hands on. */
    static final class Recorder implements FrameReader.Sink {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        int messagesEnded;

        @Override
        public void data(ByteBuffer piece, boolean text, boolean last) {
            byte[] b = new byte[piece.remaining()];
            piece.get(b);
            data.write(b, 0, b.length);
            if (last) {
                messagesEnded++;
                events.add((text ? "text" : "binary") + " end");
            }
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + payload.length);
        }

        @Override
        public void pong(byte[] payload) {
            events.add("pong " + payload.length);
        }

        @Override
        public void close(int code, String reason) {
            events.add("close " + code + " " + reason);
        }

        @Override
        public void invalid(int code, String reason) {
            events.add("invalid " + code);
        }
    }

    static byte[] frame(int b0, byte[] payload, int mask) {
        ByteBuffer f = ByteBuffer.allocate(14 + payload.length);
        f.put((byte) b0);
        if (payload.length < 126) {
            f.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            f.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            f.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        f.putInt(mask);
        for (int i = 0; i < payload.length; i++) {
            f.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        byte[] out = new byte[f.position()];
        f.flip().get(out);
        return out;
    }

    /** Feeds {@code stream} in chunks of random size into heap or direct buffers, as a read loop would. */
    static Recorder feed(byte[] stream, long max, boolean direct, Random random) {
        FrameReader reader = new FrameReader(max);
        Recorder r = new Recorder();
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
            ByteBuffer buf = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
            buf.put(stream, at, n).flip();
            at += n;
            while (buf.hasRemaining()) {
                int before = buf.remaining();
                reader.feed(buf, r);
                if (buf.remaining() == before) {
                    break;   // the reader stopped for good (close or error)
                }
            }
        }
        return r;
    }

    @ParameterizedTest(name = "direct buffers: {0}")
    @ValueSource(booleans = {false, true})
    void unmasksEveryPayloadWhateverTheCuts(boolean direct) {
        Random random = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int messages = 0;
        for (int i = 0; i < 300; i++) {
            int size = switch (i % 5) {
                case 0 -> random.nextInt(8);
                case 1 -> 120 + random.nextInt(10);
                case 2 -> 65_530 + random.nextInt(12);
                default -> random.nextInt(140_000);
            };
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            expected.write(payload, 0, size);
            if (i % 7 == 0 && size > 2) {
                // Fragmented, with a ping between the fragments.
                int cut = size / 2;
                stream.writeBytes(frame(0x02, java.util.Arrays.copyOf(payload, cut), random.nextInt()));
                stream.writeBytes(frame(0x89, new byte[] {1, 2, 3}, random.nextInt()));
                stream.writeBytes(frame(0x80, java.util.Arrays.copyOfRange(payload, cut, size), random.nextInt()));
            } else {
                stream.writeBytes(frame(0x82, payload, random.nextInt()));
            }
            messages++;
        }
        stream.writeBytes(frame(0x88, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}, 7));
        Recorder r = feed(stream.toByteArray(), Long.MAX_VALUE, direct, random);
        assertArrayEquals(expected.toByteArray(), r.data.toByteArray());
        assertEquals(messages, r.messagesEnded);
        assertEquals("close 1000 bye", r.events.get(r.events.size() - 1));
        assertTrue(r.events.contains("ping 3"));
    }

    @Test
    void unmaskMatchesTheByteWiseDefinitionAtEveryPhaseAndLength() {
        Random random = new Random(7);
        for (int len = 0; len < 40; len++) {
            for (int off = 0; off < 9; off++) {
                int mask = random.nextInt();
                byte[] a = new byte[off + len];
                random.nextBytes(a);
                byte[] expected = a.clone();
                for (int i = 0; i < len; i++) {
                    expected[off + i] ^= (byte) (mask >>> (24 - 8 * (i & 3)));
                }
                byte[] heap = a.clone();
                FrameReader.unmask(heap, off, len, mask);
                assertArrayEquals(expected, heap, "heap, len " + len + " off " + off);
                ByteBuffer direct = ByteBuffer.allocateDirect(a.length).put(a);
                FrameReader.unmask(direct, off, len, mask);
                byte[] got = new byte[a.length];
                direct.get(0, got);
                assertArrayEquals(expected, got, "direct, len " + len + " off " + off);
            }
        }
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeAnyOfItIsHandedOn() {
        byte[] first = frame(0x02, new byte[600], 1);
        byte[] second = frame(0x80, new byte[500], 2);
        byte[] stream = new byte[first.length + second.length];
        System.arraycopy(first, 0, stream, 0, first.length);
        System.arraycopy(second, 0, stream, first.length, second.length);
        Recorder r = feed(stream, 1000, false, new Random(1));
        assertEquals(List.of("invalid 1009"), r.events);
        assertEquals(600, r.data.size(), "only the first fragment, which was within the limit");
    }

    @Test
    void exactlyTheLimitPasses() {
        Recorder r = feed(frame(0x82, new byte[1000], 5), 1000, false, new Random(2));
        assertEquals(List.of("binary end"), r.events);
        assertEquals(1000, r.data.size());
    }

    @Test
    void protocolViolationsAre1002() {
        assertEquals(List.of("invalid 1002"), feed(new byte[] {(byte) 0x82, 0x01, 0x05}, 100, false,
                new Random(3)).events, "unmasked frame");
        assertEquals(List.of("invalid 1002"), feed(frame(0xC2, new byte[1], 1), 100, false, new Random(3)).events,
                "RSV1");
        assertEquals(List.of("invalid 1002"), feed(frame(0x83, new byte[1], 1), 100, false, new Random(3)).events,
                "reserved opcode");
        assertEquals(List.of("invalid 1002"), feed(frame(0x89, new byte[126], 1), 1000, false, new Random(3)).events,
                "big ping");
        assertEquals(List.of("invalid 1002"), feed(frame(0x09, new byte[1], 1), 100, false, new Random(3)).events,
                "fragmented ping");
        assertEquals(List.of("invalid 1002"), feed(frame(0x80, new byte[1], 1), 100, false, new Random(3)).events,
                "continuation without start");
        assertEquals(List.of("invalid 1002"), feed(frame(0x88, new byte[] {3}, 1), 100, false, new Random(3)).events,
                "one-byte close");
        assertEquals(List.of("invalid 1002"), feed(frame(0x88, new byte[] {0x03, (byte) 0xED}, 1), 100, false,
                new Random(3)).events, "close code 1005 on the wire");
        assertEquals(List.of("invalid 1002"), feed(frame(0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3}, 1), 100,
                false, new Random(3)).events, "close reason not UTF-8");
        byte[] huge = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        assertEquals(List.of("invalid 1002"), feed(huge, Long.MAX_VALUE, false, new Random(3)).events,
                "64-bit length with the top bit set");
    }

    @Test
    void anEmptyCloseIs1005AndNothingAfterItIsParsed() {
        byte[] close = frame(0x88, new byte[0], 9);
        byte[] after = frame(0x82, new byte[] {1}, 9);
        byte[] stream = new byte[close.length + after.length];
        System.arraycopy(close, 0, stream, 0, close.length);
        System.arraycopy(after, 0, stream, close.length, after.length);
        Recorder r = feed(stream, 100, false, new Random(4));
        assertEquals(List.of("close 1005 "), r.events);
        assertEquals(0, r.data.size());
    }
}
