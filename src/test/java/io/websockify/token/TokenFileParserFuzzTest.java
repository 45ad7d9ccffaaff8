package io.websockify.token;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.websockify.target.Target;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Coverage-guided fuzzing of upstream's token file format, through a real file: reading any bytes never throws
 * (except an {@link IOException} for a single file that is not UTF-8), every target read round-trips through its
 * own text, and every line that is neither blank nor a comment is accounted for — it gives an entry or a syntax
 * warning naming the file and line.
 */
public final class TokenFileParserFuzzTest {
    private static final Logger LOG = Logger.getLogger(TokenFileParser.class.getName()); // held: JUL keeps it weakly
    private static final AtomicInteger WARNINGS = new AtomicInteger();
    private static final Handler COUNTER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                WARNINGS.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static Path file;

    /** Thousands of syntax warnings a second: they are counted instead of printed, while fuzzing. */
    private static synchronized Path quietAndCounted() throws IOException {
        if (file == null) {
            LOG.setUseParentHandlers(false);
            LOG.addHandler(COUNTER);
            file = Files.createTempFile("tokens", ".cfg");
            file.toFile().deleteOnExit();
        }
        return file;
    }

    @AfterAll
    static synchronized void restore() throws IOException {
        if (file != null) {
            LOG.removeHandler(COUNTER);
            LOG.setUseParentHandlers(true);
            Files.deleteIfExists(file);
            file = null;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void tokenFiles(FuzzedDataProvider data) throws IOException {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) throws IOException {
        Path file = quietAndCounted();
        byte[] bytes = data.consumeRemainingAsBytes();
        Files.write(file, bytes);
        Map<String, Target> read;
        try {
            read = TokenFileParser.read(file);
        } catch (IOException e) {
            assertTrue(!utf8(bytes), "only a file that is not UTF-8 may fail to read: " + e);
            assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
            return;
        }
        read.values().forEach(t -> assertEquals(t, Target.parse(t.describe()), "round trip of " + t.describe()));

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int content = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = i == 0 && lines.get(i).startsWith("\uFEFF") ? lines.get(i).substring(1) : lines.get(i);
            l = l.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                content++;
            }
        }
        AtomicInteger puts = new AtomicInteger();
        Map<String, Target> counted = new HashMap<>() {
            @Override
            public Target put(String key, Target value) {
                puts.incrementAndGet();
                return super.put(key, value);
            }
        };
        int before = WARNINGS.get();
        TokenFileParser.parse(file, lines, counted);
        assertEquals(read, counted, "read() and parse() agree");
        assertEquals(content, puts.get() + (WARNINGS.get() - before),
                "every content line gives an entry or a warning");
    }

    private static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

}
