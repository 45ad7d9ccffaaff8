package io.websockify.testkit.browser;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser test of the bundled VNC page, as a user meets it: a real chromium opens {@code vnc.html} through the
 * proxy, logs in to a real Xvnc, sees the desktop, types and clicks, and reads the right message when things go
 * wrong. A variant supplies where the page is ({@link #pageUrl()}); the desktop and browser are shared by every
 * variant in the run ({@link BrowserSession}).
 *
 * <p>The cases run in order and reuse a connected session where they can, to keep the run short.
 */
@ExtendWith(BrowserSession.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class NoVncCases {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final java.util.regex.Pattern JS_TYPE =
            java.util.regex.Pattern.compile("^(text|application)/(javascript|ecmascript)\\b.*");

    /** Absolute URL of this variant's {@code vnc.html}. */
    protected abstract String pageUrl();

    /** A short name for files this variant writes (the screenshot). */
    protected abstract String variant();

    /** The token that {@link #tokenRoutePath()} resolves to the test desktop. */
    public static final String TOKEN = "desk";

    /**
     * A route (path relative to the page, e.g. {@code vnc}) that resolves its token with
     * {@code OneTokenPlugin} from {@code TOKEN=<desktop>}, also reachable as {@code <path>/{token}}; empty if the
     * variant has none.
     */
    protected Optional<String> tokenRoutePath() {
        return Optional.empty();
    }

    /** A WebSocket path whose target refuses connections; empty if the variant has none. */
    protected Optional<String> unreachableTargetPath() {
        return Optional.empty();
    }

    /** A WebSocket path whose target accepts and closes at once; empty if the variant has none. */
    protected Optional<String> closingTargetPath() {
        return Optional.empty();
    }

    // ----------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void servesTheClientWithTypesAndCachingHeaders() throws Exception {
        String base = pageUrl().substring(0, pageUrl().lastIndexOf('/') + 1);
        HttpResponse<String> page = get(base + "vnc.html");
        assertEquals(200, page.statusCode());
        assertTrue(contentType(page).startsWith("text/html"), contentType(page));

        HttpResponse<String> script = get(base + "vnc.js");
        assertEquals(200, script.statusCode());
        assertTrue(JS_TYPE.matcher(contentType(script)).matches(), "vnc.js served as " + contentType(script));

        HttpResponse<String> entry = get(base + "novnc/rfb.js");
        assertEquals(200, entry.statusCode());
        assertTrue(JS_TYPE.matcher(contentType(entry)).matches(), "novnc/rfb.js served as " + contentType(entry));
        assertEquals("no-cache", entry.headers().firstValue("Cache-Control").orElse(""));
        Matcher m = java.util.regex.Pattern.compile("'\\./([0-9][^/']*)/core/rfb\\.js'").matcher(entry.body());
        assertTrue(m.find(), "novnc/rfb.js points to a versioned noVNC: " + entry.body());
        String versioned = base + "novnc/" + m.group(1) + "/";

        HttpResponse<String> core = get(versioned + "core/rfb.js");
        assertEquals(200, core.statusCode());
        assertTrue(JS_TYPE.matcher(contentType(core)).matches(), "core/rfb.js served as " + contentType(core));
        assertTrue(core.headers().firstValue("Cache-Control").orElse("").contains("immutable"),
                "versioned noVNC files are cached for good: " + core.headers().map());
        assertTrue(get(versioned + "LICENSE.txt").body().contains("MPL"), "noVNC's licence is shipped");

        for (String dir : List.of("novnc/", versioned + "core/", versioned + "vendor/")) {
            String url = dir.startsWith("http") ? dir : base + dir;
            assertEquals(404, get(url).statusCode(), "no directory listing at " + url);
        }

        HttpResponse<String> config = get(base + "websockify-config.json");
        assertEquals(200, config.statusCode());
        assertTrue(contentType(config).startsWith("application/json"), contentType(config));
        assertEquals("{\"path\":\"websockify\"}", config.body().trim());
    }

    @Test
    @Order(2)
    void connectsWithThePasswordAndShowsTheDesktop() throws Exception {
        login();
        assertTrue(status().contains("Connected to " + VncDesktop.NAME), status());
        assertEquals(List.of((long) VncDesktop.WIDTH, (long) VncDesktop.HEIGHT),
                js("const c = document.querySelector('#screen canvas'); return [c.width, c.height];"),
                "the canvas has the remote desktop's size");

        // Known colours: the root window, the xterm's background, and the xev window (white).
        awaitPixel(5, 5, VncDesktop.ROOT_RGB);
        awaitPixel(VncDesktop.XTERM_EMPTY_POINT[0], VncDesktop.XTERM_EMPTY_POINT[1], VncDesktop.XTERM_RGB);
        awaitPixel(VncDesktop.XEV_POINT[0], VncDesktop.XEV_POINT[1], new int[] {255, 255, 255});

        assertFitsTheScreen();

        // The page's Fit control: no scaling shows the desktop pixel for pixel, local scaling fits it again.
        chooseFit("None");
        Waits.until(WAIT, "the canvas to be shown unscaled", () -> Boolean.TRUE.equals(js(
                "return document.querySelector('#screen canvas').getBoundingClientRect().width === "
                        + VncDesktop.WIDTH + ";")) ? true : null);
        chooseFit("Local");
        Waits.until(WAIT, "the canvas to be scaled again", () -> Boolean.FALSE.equals(js(
                "return document.querySelector('#screen canvas').getBoundingClientRect().width === "
                        + VncDesktop.WIDTH + ";")) ? true : null);
        assertFitsTheScreen();
    }

    @Test
    @Order(3)
    void keyboardAndMouseReachTheXServer() throws Exception {
        ensureConnected();
        VncDesktop desktop = BrowserSession.desktop();
        int x = VncDesktop.XEV_POINT[0];
        int y = VncDesktop.XEV_POINT[1];
        clickDesktop(x, y);
        // Scaling maps a CSS pixel to a fraction of a desktop pixel, so the press may land one pixel off.
        java.util.regex.Pattern press = java.util.regex.Pattern.compile(
                "ButtonPress event.*\\R.*root:\\((\\d+),(\\d+)\\)");
        int[] seen = Waits.until(WAIT, "xev to see a button press near (" + x + "," + y + ")", () -> {
            Matcher p = press.matcher(desktop.xevLog());
            return p.find() ? new int[] {Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))} : null;
        }, desktop::xevLog);
        assertTrue(Math.abs(seen[0] - x) <= 1 && Math.abs(seen[1] - y) <= 1,
                "button press at (" + seen[0] + "," + seen[1] + "), clicked at (" + x + "," + y + ")");

        String name = "typed-" + variant() + "-" + System.nanoTime() % 100000;
        Path typed = desktop.shellDir().resolve(name);
        // The pointer over the xterm gives it the keyboard (no window manager: focus follows the pointer).
        clickDesktop(VncDesktop.XTERM_EMPTY_POINT[0], VncDesktop.XTERM_EMPTY_POINT[1]);
        new Actions(driver()).sendKeys("echo MARK$((6*7)) > " + name + " && cat " + name + Keys.ENTER).perform();
        String text = Waits.until(WAIT, "the shell in the xterm to write " + typed,
                () -> Files.exists(typed) && Files.readString(typed).endsWith("\n") ? Files.readString(typed) : null);
        assertEquals("MARK42\n", text, "the shell computed what was typed in the browser");

        Path shot = Path.of("target", "browser-test", "novnc-" + variant() + ".png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver().getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @Order(4)
    void clipboardTravelsBothWays() throws Exception {
        ensureConnected();
        VncDesktop desktop = BrowserSession.desktop();
        driver().findElement(By.cssSelector("#clipboard-menu summary")).click();
        WebElement area = driver().findElement(By.id("clipboard-text"));
        area.clear();
        area.sendKeys("sent from the browser 42");
        driver().findElement(By.id("clipboard-send")).click();
        Waits.until(WAIT, "the X clipboard to hold the browser's text",
                () -> desktop.clipboard().equals("sent from the browser 42") ? true : null, desktop::clipboard);

        desktop.setClipboard("copied on the desktop 43");
        Waits.until(WAIT, "the page to show the desktop's clipboard",
                () -> "copied on the desktop 43".equals(area.getAttribute("value")) ? true : null,
                () -> area.getAttribute("value"));
        driver().findElement(By.cssSelector("#clipboard-menu summary")).click();
    }

    @Test
    @Order(5)
    void disconnectsAndConnectsAgain() {
        ensureConnected();
        driver().findElement(By.id("disconnect")).click();
        awaitState("disconnected");
        assertEquals("Disconnected.", status());
        assertEquals("user", reason());
        driver().findElement(By.id("connect")).click();
        awaitState("password");
        driver().findElement(By.id("password")).sendKeys(VncDesktop.PASSWORD + Keys.ENTER);
        awaitState("connected");
    }

    @Test
    @Order(6)
    void wrongPasswordIsExplained() {
        open("?autoconnect=1");
        awaitState("password");
        driver().findElement(By.id("password")).sendKeys("wrong-pw" + Keys.ENTER);
        awaitState("failed");
        assertEquals("auth", reason());
        assertTrue(status().startsWith("Wrong password"), status());
    }

    @Test
    @Order(7)
    void unknownTokenIsExplained() {
        String route = tokenRoutePath().orElse(null);
        assumeTrue(route != null, "no token route in this variant");
        open("?autoconnect=1&token=no-such-token&path=" + route);
        awaitState("failed");
        assertEquals("refused", reason());
        assertTrue(status().contains("unknown token"), status());
    }

    @Test
    @Order(8)
    void tokenInTheUrlReachesTheDesktop() {
        String route = tokenRoutePath().orElse(null);
        assumeTrue(route != null, "no token route in this variant");
        open("?autoconnect=1&token=" + TOKEN + "&path=" + route);
        awaitState("password");
        driver().findElement(By.id("password")).sendKeys(VncDesktop.PASSWORD + Keys.ENTER);
        awaitState("connected");
    }

    @Test
    @Order(9)
    void tokenTypedIntoTheFieldFillsThePathTemplate() {
        String route = tokenRoutePath().orElse(null);
        assumeTrue(route != null, "no token route in this variant");
        // {token} in the route's path: the page puts the token there instead of into the query.
        open("?path=" + route + "%2F%7Btoken%7D");
        WebElement connect = driver().switchTo().activeElement();
        assertEquals("connect", connect.getAttribute("id"), "the Connect button has the keyboard");
        driver().findElement(By.id("token")).sendKeys(TOKEN + Keys.ENTER);
        awaitState("password");
        driver().findElement(By.id("password")).sendKeys(VncDesktop.PASSWORD + Keys.ENTER);
        awaitState("connected");
        assertTrue(driver().getCurrentUrl().contains("token=" + TOKEN), "the page keeps the token for a reload: "
                + driver().getCurrentUrl());
    }

    @Test
    @Order(10)
    void unreachableTargetIsExplained() {
        Optional<String> path = unreachableTargetPath();
        assumeTrue(path.isPresent(), "no route to an unreachable target in this variant");
        open("?autoconnect=1&path=" + path.get());
        awaitState("failed");
        assertEquals("target-unreachable", reason());
        assertTrue(status().contains("could not reach the VNC server"), status());
    }

    @Test
    @Order(11)
    void closedTargetIsExplained() {
        Optional<String> path = closingTargetPath();
        assumeTrue(path.isPresent(), "no route to a closing target in this variant");
        open("?autoconnect=1&path=" + path.get());
        awaitState("failed");
        assertEquals("target-closed", reason());
        assertEquals("The VNC server closed the connection.", status());
    }

    @Test
    @Order(12)
    void remoteResizingResizesTheDesktop() throws Exception {
        ensureConnected();
        try {
            chooseFit("Remote");
            // The server takes the size of the screen area: the canvas then maps one to one onto it.
            Waits.until(WAIT, "the remote desktop to take the screen area's size", () -> Boolean.TRUE.equals(js(
                    "const c = document.querySelector('#screen canvas'); const s = document.getElementById('screen');"
                            + " return c.width === s.clientWidth && c.height === s.clientHeight"
                            + " && c.width !== " + VncDesktop.WIDTH + ";")) ? true : null,
                    () -> String.valueOf(js("const c = document.querySelector('#screen canvas');"
                            + " const s = document.getElementById('screen');"
                            + " return [c.width, c.height, s.clientWidth, s.clientHeight];")));
        } finally {
            chooseFit("Local");
            BrowserSession.desktop().resize(VncDesktop.WIDTH, VncDesktop.HEIGHT);
        }
        Waits.until(WAIT, "the desktop to be back at its own size", () -> List.of((long) VncDesktop.WIDTH,
                (long) VncDesktop.HEIGHT).equals(js("const c = document.querySelector('#screen canvas');"
                + " return [c.width, c.height];")) ? true : null);
    }

    // ----------------------------------------------------------------------------------------------------------

    private static ChromeDriver driver() {
        return BrowserSession.browser().driver();
    }

    private void open(String query) {
        driver().get(pageUrl() + query);
        // A fresh page: wait until the module ran (it leaves the "loading" state at once).
        Waits.until(WAIT, "the page script to start", () -> {
            String s = state();
            return s != null && !s.equals("loading") ? s : null;
        }, this::describe);
    }

    private void login() {
        open("?autoconnect=1");
        awaitState("password");
        WebElement password = driver().findElement(By.id("password"));
        assertEquals(password, driver().switchTo().activeElement(), "the password field has the keyboard");
        password.sendKeys(VncDesktop.PASSWORD + Keys.ENTER);
        awaitState("connected");
    }

    private void ensureConnected() {
        if (!driver().getCurrentUrl().startsWith(pageUrl()) || !"connected".equals(state())) {
            login();
        }
    }

    /** Clicks the desktop pixel (x, y) where the canvas shows it, in viewport coordinates. */
    private void clickDesktop(int x, int y) {
        List<?> r = js("const c = document.querySelector('#screen canvas'); const r = c.getBoundingClientRect();"
                + " return [r.left, r.top, r.width / c.width, r.height / c.height];");
        double left = ((Number) r.get(0)).doubleValue();
        double top = ((Number) r.get(1)).doubleValue();
        double sx = ((Number) r.get(2)).doubleValue();
        double sy = ((Number) r.get(3)).doubleValue();
        int vx = (int) Math.floor(left + (x + 0.5) * sx);
        int vy = (int) Math.floor(top + (y + 0.5) * sy);
        new Actions(driver()).moveToLocation(vx, vy).click().perform();
    }

    private void chooseFit(String optionText) {
        WebElement menu = driver().findElement(By.cssSelector("#settings-menu summary"));
        menu.click();
        driver().findElement(By.id("resize")).sendKeys(optionText);
        menu.click();
    }

    private void assertFitsTheScreen() {
        List<?> fit = js("const c = document.querySelector('#screen canvas').getBoundingClientRect();"
                + " const s = document.getElementById('screen');"
                + " return [Math.abs(c.width - s.clientWidth) < 1 || Math.abs(c.height - s.clientHeight) < 1,"
                + " c.width <= s.clientWidth + 1 && c.height <= s.clientHeight + 1];");
        assertEquals(List.of(true, true), fit, "the scaled canvas fills the screen area along one side");
    }

    private void awaitPixel(int x, int y, int[] rgb) {
        String script = "const d = document.querySelector('#screen canvas').getContext('2d')"
                + ".getImageData(" + x + ", " + y + ", 1, 1).data; return [d[0], d[1], d[2]];";
        List<Long> want = List.of((long) rgb[0], (long) rgb[1], (long) rgb[2]);
        Waits.until(WAIT, "pixel (" + x + "," + y + ") to be " + want, () -> want.equals(js(script)) ? true : null,
                () -> String.valueOf(js(script)));
    }

    private void awaitState(String state) {
        Waits.until(WAIT, "the page state '" + state + "'", () -> state.equals(state()) ? true : null, this::describe);
    }

    private String describe() {
        return "state=" + state() + " reason=" + reason() + " status=\"" + status() + "\"";
    }

    private static String state() {
        return (String) ((JavascriptExecutor) driver()).executeScript("return document.body.dataset.state ?? null;");
    }

    private static String reason() {
        return (String) ((JavascriptExecutor) driver()).executeScript("return document.body.dataset.reason ?? null;");
    }

    private static String status() {
        return driver().findElement(By.id("status")).getText();
    }

    @SuppressWarnings("unchecked")
    private static <T> T js(String script) {
        return (T) ((JavascriptExecutor) driver()).executeScript(script);
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }


}
