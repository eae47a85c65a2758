package dev.cmux.control.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The page's files, read from the jar once: HTML, CSS and plain JavaScript, nothing fetched from elsewhere. */
final class PageAssets {

    record Asset(String contentType, byte[] bytes) {
    }

    /** The files served as they are, by name under {@code /ui/}. */
    static final Map<String, Asset> STATIC = Map.of(
            "app.js", load("app.js", "text/javascript; charset=utf-8"),
            "app.css", load("app.css", "text/css; charset=utf-8"));

    static final String INDEX = text("index.html");
    static final String SIGN_IN = text("sign-in.html");

    private PageAssets() {
    }

    private static Asset load(String name, String contentType) {
        return new Asset(contentType, bytes(name));
    }

    private static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String name) {
        try (InputStream in = PageAssets.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the page's " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
