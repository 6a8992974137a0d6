package dev.hotlib.bench;

import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Loader;
import java.nio.file.Path;
import java.time.Duration;

/** Hosts set up as the examples set them up, through the public API, with no settle wait. */
public final class Hosts {
    private Hosts() {}

    /** Watch mode: version 1 of {@code library} loaded from its private copy. */
    public static <B> Host<B> watching(Loader<B> loader, Path library) throws Exception {
        return loaded(loader, Host.Settings.watching(library).withSettle(Duration.ZERO));
    }

    /** Release mode: {@code library} loaded once, from a private copy, through the same binding; never watched. */
    public static <B> Host<B> release(Loader<B> loader, Path library) throws Exception {
        return loaded(loader, Host.Settings.watching(library).withSettle(Duration.ZERO).withReleaseMode(true));
    }

    private static <B> Host<B> loaded(Loader<B> loader, Host.Settings settings) throws Exception {
        Host<B> host = new Host<>(loader, settings, new Hooks() {});
        if (!host.reloadIfChanged()) {
            host.close();
            throw new IllegalStateException("the host did not load " + settings.library());
        }
        return host;
    }
}
