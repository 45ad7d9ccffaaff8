package io.websockify.testkit.browser;

import io.websockify.testkit.RequiredTool;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.List;

/**
 * JUnit extension owning the one VNC desktop and the one browser that every browser test class shares. They start
 * before the first such class (before Arquillian deploys, so a deployment can name the VNC port) and stop when the
 * whole run ends.
 *
 * <p>Without the programs the test needs, the classes fail with a message naming the Debian packages (never a
 * skip: the test command installs them).
 */
public final class BrowserSession implements BeforeAllCallback {
    private static final Path WORK = Path.of("target", "browser-test").toAbsolutePath();
    private static volatile Fixture fixture;

    private record Fixture(VncDesktop desktop, Chromium browser)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            try {
                browser.close();
            } finally {
                desktop.close();
                BrowserSession.fixture = null;
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        List<String> missing = Tools.missing();
        if (!missing.isEmpty()) {
            throw RequiredTool.missing("the browser test is missing " + missing + ": the Debian packages "
                    + Tools.ALL_PACKAGES);
        }
        context.getRoot().getStore(ExtensionContext.Namespace.create(BrowserSession.class))
                .getOrComputeIfAbsent(Fixture.class, k -> {
                    try {
                        VncDesktop desktop = VncDesktop.start(WORK);
                        try {
                            Fixture f = new Fixture(desktop, Chromium.start(WORK));
                            fixture = f;
                            return f;
                        } catch (Exception | Error e) {
                            desktop.close();
                            throw e;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start the VNC desktop and the browser: " + e, e);
                    }
                }, Fixture.class);
    }

    /** The shared desktop; only valid once {@link #beforeAll} ran. */
    public static VncDesktop desktop() {
        return current().desktop();
    }

    /** The shared browser; only valid once {@link #beforeAll} ran. */
    public static Chromium browser() {
        return current().browser();
    }

    private static Fixture current() {
        Fixture f = fixture;
        if (f == null) {
            throw new IllegalStateException("BrowserSession has not started (register it with @ExtendWith before "
                    + "any extension that needs the desktop)");
        }
        return f;
    }
}
