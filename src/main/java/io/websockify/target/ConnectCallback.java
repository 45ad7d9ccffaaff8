package io.websockify.target;

import io.websockify.bridge.TargetChannel;

/** Outcome of one connection attempt to a target; exactly one method runs, once. */
public interface ConnectCallback {
    void connected(TargetChannel channel);

    void failed(Throwable cause);
}
