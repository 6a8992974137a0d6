package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.HotlibState;
import java.nio.file.Path;
import java.time.Duration;

/** Hosts set up as the examples set them up, through the public API, with no settle wait. */
public final class Hosts {
    private Hosts() {}

    /** Watch mode: version 1 of {@code library} loaded from its private copy. */
    public static <S extends HotlibState> Host<S> watching(Backend<S> backend, Path library) throws Exception {
        return loaded(backend, Host.Settings.watching(library).withSettle(Duration.ZERO));
    }

    /** Release mode: {@code library} loaded once, from its own path, never watched. */
    public static <S extends HotlibState> Host<S> release(Backend<S> backend, Path library) throws Exception {
        return loaded(backend, Host.Settings.watching(library).withSettle(Duration.ZERO).withRelease(true));
    }

    private static <S extends HotlibState> Host<S> loaded(Backend<S> backend, Host.Settings settings) throws Exception {
        Host<S> host = new Host<>(backend, settings, new Hooks() {});
        if (!host.reloadIfChanged()) {
            host.close();
            throw new IllegalStateException(backend.name() + " did not load " + settings.library());
        }
        return host;
    }
}
