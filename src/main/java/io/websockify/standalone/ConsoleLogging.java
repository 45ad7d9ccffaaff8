package io.websockify.standalone;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set up for a command: one line per record on stderr, the container quiet unless verbose.
 * (System.Logger, which the webapp uses, goes to java.util.logging when that module is present, as it is here.)
 */
final class ConsoleLogging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** JUL holds loggers weakly: keep the ones whose level we set, or the level is lost with them. */
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private ConsoleLogging() {
    }

    /** Replaces any logging configuration: INFO and up to stderr; Tomcat at WARNING unless {@code verbose}. */
    static synchronized void configure(boolean verbose) {
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof CommandLogManager own) {
            own.takeOver();
        } else {
            manager.reset(); // someone touched logging before main: shutdown may then lose the last records
        }
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new StderrHandler(verbose));
        level("org.apache", verbose ? Level.INFO : Level.WARNING);
        level("io.websockify", verbose ? Level.FINE : Level.INFO);
    }

    private static void level(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        CONFIGURED.add(logger);
    }

    /**
     * Holds back every record until {@link StartupLog#release} (so that a failed start can be explained in one
     * clear line instead of the container's stack traces) and keeps the exceptions for that explanation.
     */
    static synchronized StartupLog holdDuringStartup() {
        return new StartupLog(Logger.getLogger(""));
    }

    /** Records logged while the container starts; thread-safe. */
    static final class StartupLog extends Handler {
        private final Logger root;
        private final Handler[] held;
        private final List<LogRecord> records = new ArrayList<>();

        private StartupLog(Logger root) {
            this.root = root;
            this.held = root.getHandlers();
            for (Handler h : held) {
                root.removeHandler(h);
            }
            root.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
        }

        /** Exceptions logged so far, oldest first. */
        synchronized List<Throwable> thrown() {
            return records.stream().map(LogRecord::getThrown).filter(t -> t != null).toList();
        }

        /** Puts the normal handlers back; with {@code show}, passes them what was held back, in order. */
        synchronized void release(boolean show) {
            root.removeHandler(this);
            for (Handler h : held) {
                root.addHandler(h);
                if (show) {
                    records.forEach(h::publish);
                }
            }
            records.clear();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** One line per record on stderr; stack traces only when verbose. */
    private static final class StderrHandler extends Handler {
        StderrHandler(boolean verbose) {
            setFormatter(new LineFormatter(verbose));
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (isLoggable(record)) {
                System.err.print(getFormatter().format(record));
                System.err.flush();
            }
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    private static final class LineFormatter extends Formatter {
        private final boolean stackTraces;

        LineFormatter(boolean stackTraces) {
            this.stackTraces = stackTraces;
        }

        @Override
        public String format(LogRecord r) {
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            StringBuilder sb = new StringBuilder()
                    .append(TIME.format(LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault())))
                    .append(' ').append(r.getLevel().getName())
                    .append(' ').append(logger.substring(logger.lastIndexOf('.') + 1))
                    .append(": ").append(formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null && stackTraces) {
                StringWriter w = new StringWriter();
                t.printStackTrace(new PrintWriter(w));
                sb.append('\n').append(w.toString().stripTrailing());
            } else if (t != null) {
                sb.append(": ").append(t);
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }
}
