package io.websockify.token;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells whether a token file, or a directory of them, may have changed since it was last read, without reading it.
 *
 * <p>Two signals: a {@link WatchService} on the directory (the source itself, or a file source's parent), polled
 * without blocking, and, because watching does not work everywhere (network file systems, some container mounts,
 * files reached through symbolic links), a comparison of the files' names, sizes and modification times made at
 * most once per {@code statInterval}. No thread of our own; callers ask on lookup. Thread-safe.
 */
final class SourceChanges implements AutoCloseable {
    private static final Logger LOG = System.getLogger(SourceChanges.class.getName());

    private final Path source;
    private final boolean directory;
    private final long statIntervalNanos;
    private final WatchService watcher;
    private final Object registerLock = new Object();
    private WatchKey key; // guarded by registerLock
    private volatile List<String> readPrint = List.of();
    private volatile long nextStatNanos;

    SourceChanges(Path source, long statInterval, TimeUnit unit) {
        this.source = source;
        this.directory = Files.isDirectory(source);
        this.statIntervalNanos = unit.toNanos(statInterval);
        this.watcher = newWatcher(source);
        register();
    }

    private static WatchService newWatcher(Path source) {
        try {
            return source.getFileSystem().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, "no file watching for {0} ({1}); checking modification times", source, e);
            return null;
        }
    }

    private Path watchedDirectory() {
        Path dir = directory ? source : source.toAbsolutePath().getParent();
        return dir == null ? source : dir;
    }

    /** (Re)registers the watch when the directory exists and is not watched (yet, or since it was re-created). */
    private void register() {
        if (watcher == null) {
            return;
        }
        synchronized (registerLock) {
            if (key != null && key.isValid()) {
                return;
            }
            try {
                key = watchedDirectory().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            } catch (IOException | UnsupportedOperationException | ClosedWatchServiceException e) {
                key = null;
                LOG.log(Level.DEBUG, "cannot watch {0}: {1}", watchedDirectory(), e);
            }
        }
    }

    /**
     * Call right before reading the source: remembers what the files look like now, so that a change made while
     * they are read is still noticed later.
     */
    void reading() {
        register();
        readPrint = fingerprint();
        nextStatNanos = System.nanoTime() + statIntervalNanos;
    }

    /** Whether the source may have changed since {@link #reading()}; cheap, never blocks. */
    boolean changed() {
        if (watchSignalled()) {
            return true;
        }
        long now = System.nanoTime();
        if (now - nextStatNanos < 0) {
            return false;
        }
        nextStatNanos = now + statIntervalNanos;
        return !fingerprint().equals(readPrint);
    }

    /** Drains pending watch events; true when one concerns the source. */
    private boolean watchSignalled() {
        if (watcher == null) {
            return false;
        }
        boolean relevant = false;
        try {
            WatchKey k;
            while ((k = watcher.poll()) != null) {
                for (WatchEvent<?> event : k.pollEvents()) {
                    relevant |= concernsSource(event);
                }
                if (!k.reset()) {
                    relevant = true; // the directory went away: the next read will tell how
                }
            }
        } catch (ClosedWatchServiceException e) {
            return false;
        }
        return relevant;
    }

    private boolean concernsSource(WatchEvent<?> event) {
        if (directory || event.kind() == StandardWatchEventKinds.OVERFLOW) {
            return true;
        }
        return source.getFileName().equals(event.context());
    }

    /** Names, sizes and modification times of the files to read; a short marker when the source is unreadable. */
    private List<String> fingerprint() {
        List<String> print = new ArrayList<>();
        try {
            for (Path file : TokenFileParser.files(source)) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                print.add(file.getFileName() + "\0" + a.size() + "\0"
                        + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "\0" + a.fileKey());
            }
        } catch (IOException e) {
            print.add("\0unreadable " + e.getClass().getSimpleName());
        }
        return print;
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the watch on {0}: {1}", source, e);
            }
        }
    }
}
