package io.websockify.bench;

import java.nio.ByteBuffer;

/** Receives payload bytes as they arrive. The buffer is only valid during the call; consume position..limit. */
@FunctionalInterface
interface PayloadSink {
    PayloadSink DISCARD = b -> b.position(b.limit());

    void payload(ByteBuffer data);
}
