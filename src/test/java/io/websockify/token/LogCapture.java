package io.websockify.token;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects what a System.Logger (backed by java.util.logging) writes, formatted, while open. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger; // held strongly: java.util.logging keeps loggers only weakly
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(record.getLevel() + " " + formatter.formatMessage(record));
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    long count(String fragment) {
        return messages.stream().filter(m -> m.contains(fragment)).count();
    }

    void clear() {
        messages.clear();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
