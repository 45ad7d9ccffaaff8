package io.websockify.testkit;

import io.websockify.bridge.TargetChannel;
import io.websockify.target.ConnectCallback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a {@link TargetChannel} the way the bridge does, for tests of channels: one read chain and one write chain,
 * partial writes resumed.
 */
public final class ChannelIo {
    private ChannelIo() {
    }

    /** What a read chain saw up to end of stream. */
    public record ReadResult(long count, String sha256, byte[] head) {
    }

    /** Reads until -1 with {@code bufferSize}-byte reads, hashing; keeps the first 4 KiB. */
    public static CompletableFuture<ReadResult> readAll(TargetChannel ch, int bufferSize) {
        CompletableFuture<ReadResult> result = new CompletableFuture<>();
        MessageDigest md = Pattern.sha256();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        long[] count = {0};
        ch.read(ByteBuffer.allocate(bufferSize), new CompletionHandler<>() {
            @Override
            public void completed(Integer n, ByteBuffer b) {
                if (n < 0) {
                    result.complete(new ReadResult(count[0], Pattern.hex(md.digest()), head.toByteArray()));
                    return;
                }
                b.flip();
                if (head.size() < 4096) {
                    ByteBuffer d = b.duplicate();
                    byte[] part = new byte[Math.min(d.remaining(), 4096 - head.size())];
                    d.get(part);
                    head.writeBytes(part);
                }
                md.update(b);
                count[0] += n;
                b.clear();
                ch.read(b, this);
            }

            @Override
            public void failed(Throwable e, ByteBuffer b) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** One read of at most {@code size} bytes; fails at end of stream. */
    public static CompletableFuture<byte[]> readOnce(TargetChannel ch, int size) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        ch.read(ByteBuffer.allocate(size), new CompletionHandler<>() {
            @Override
            public void completed(Integer n, ByteBuffer b) {
                if (n < 0) {
                    result.completeExceptionally(new java.io.EOFException());
                    return;
                }
                b.flip();
                byte[] data = new byte[b.remaining()];
                b.get(data);
                result.complete(data);
            }

            @Override
            public void failed(Throwable e, ByteBuffer b) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Writes {@code total} pattern bytes of {@code seed} in {@code chunk}-byte buffers; {@code accepted} counts the
     * bytes the channel took, {@code partials} the writes that took only part of their buffer.
     */
    public static CompletableFuture<Long> writeAll(TargetChannel ch, long seed, long total, int chunk,
                                                   AtomicLong accepted, AtomicInteger partials) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Pattern p = new Pattern(seed);
        long[] queued = {0};
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        CompletionHandler<Integer, ByteBuffer> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, ByteBuffer b) {
                accepted.addAndGet(n);
                if (b.hasRemaining()) {
                    partials.incrementAndGet();
                    ch.write(b, this);
                } else if (queued[0] < total) {
                    fill(b);
                    ch.write(b, this);
                } else {
                    result.complete(accepted.get());
                }
            }

            @Override
            public void failed(Throwable e, ByteBuffer b) {
                result.completeExceptionally(e);
            }

            private void fill(ByteBuffer b) {
                int n = (int) Math.min(chunk, total - queued[0]);
                b.clear().limit(n);
                p.fill(b);
                b.flip();
                queued[0] += n;
            }
        };
        int first = (int) Math.min(chunk, total);
        buf.limit(first);
        p.fill(buf);
        buf.flip();
        queued[0] = first;
        ch.write(buf, handler);
        return result;
    }

    /** Writes all of {@code data}, resuming partial writes. */
    public static CompletableFuture<Void> writeFully(TargetChannel ch, byte[] data) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        ch.write(ByteBuffer.wrap(data), new CompletionHandler<>() {
            @Override
            public void completed(Integer n, ByteBuffer b) {
                if (b.hasRemaining()) {
                    ch.write(b, this);
                } else {
                    result.complete(null);
                }
            }

            @Override
            public void failed(Throwable e, ByteBuffer b) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Counts calls so a test can check that exactly one callback method ran. */
    public static final class Callback implements ConnectCallback {
        public final CompletableFuture<TargetChannel> result = new CompletableFuture<>();
        public final AtomicInteger calls = new AtomicInteger();

        @Override
        public void connected(TargetChannel channel) {
            calls.incrementAndGet();
            result.complete(channel);
        }

        @Override
        public void failed(Throwable cause) {
            calls.incrementAndGet();
            result.completeExceptionally(cause);
        }
    }
}
