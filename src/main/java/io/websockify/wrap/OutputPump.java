package io.websockify.wrap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * Copies a wrapped program's output (stdout and stderr merged) into our log, one log record per line, each
 * prefixed with {@code [name pid]}. A line longer than {@value #MAX_LINE} bytes is logged in pieces, so a program
 * that never writes a newline costs bounded memory.
 *
 * <p>Runs on its own daemon thread until the stream ends, which happens when the program and every process that
 * inherited its output have exited or closed it. A daemon that keeps the output open keeps the pump reading;
 * {@link #stop(long)} gives up waiting for it after the timeout (the thread then ends when the daemon does).
 */
final class OutputPump implements Runnable {
    static final int MAX_LINE = 8192;
    private static final Logger OUTPUT = System.getLogger("io.websockify.wrap.output");

    private final InputStream in;
    private final String prefix;
    private final Thread thread;

    private OutputPump(InputStream in, String prefix) {
        this.in = in;
        this.prefix = prefix;
        this.thread = new Thread(this, "websockify-wrap-output-" + prefix);
        this.thread.setDaemon(true);
    }

    /** Starts pumping {@code in}, labelled with the program name and pid. */
    static OutputPump start(InputStream in, String name, long pid) {
        OutputPump p = new OutputPump(in, "[" + name + " " + pid + "]");
        p.thread.start();
        return p;
    }

    @Override
    public void run() {
        byte[] buf = new byte[4096];
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line);
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            emit(line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The stream was closed under us (stop) or the pipe broke: nothing more to log.
        } finally {
            if (line.size() > 0) {
                emit(line);
            }
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        OUTPUT.log(Level.INFO, prefix + " " + text);
    }

    /** Waits up to {@code millis} for the output to end; returns false if it is still open. */
    boolean stop(long millis) {
        try {
            thread.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Closing is best effort; the thread ends with the stream's last writer.
            }
            return false;
        }
        return true;
    }
}
