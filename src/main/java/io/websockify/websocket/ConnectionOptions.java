package io.websockify.websocket;

import io.websockify.bridge.BufferPool;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How one connection of the built-in WebSocket engine behaves.
 *
 * @param base64         the session speaks the {@code base64} subprotocol (text frames carry base64)
 * @param maxMessageSize largest client message; a larger one is refused with 1009 before any of it is forwarded
 * @param readBuffers    buffers for reading the client, borrowed only while data is being read or forwarded
 * @param heartbeat      ping interval, zero for none
 * @param idleTimeout    close a session with no traffic for this long (1001), zero for never
 * @param sendTimeout    drop a client that leaves a frame unwritten for this long, zero for never
 * @param closeWait      how long to wait for the client's close frame after ours, and for ours to be written
 * @param timer          runs the timeouts above
 */
public record ConnectionOptions(boolean base64, long maxMessageSize, BufferPool readBuffers, Duration heartbeat,
                                Duration idleTimeout, Duration sendTimeout, Duration closeWait,
                                ScheduledExecutorService timer) {
}
