package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.HotlibState;
import dev.hotlib.core.Options;
import java.nio.file.Path;
import java.time.Duration;

/** Hosts the benchmarks set up the way the examples do (shadow copy, load, bind), with no settle wait. */
public final class Setups {
    private Setups() {}

    public static <S extends HotlibState> Host<S> host(Backend<S> backend, Path library) throws Exception {
        return host(backend, new Hooks() {}, library);
    }

    public static <S extends HotlibState> Host<S> host(Backend<S> backend, Hooks hooks, Path library) throws Exception {
        Host<S> host = new Host<>(backend, Options.forLibrary(library).withSettle(Duration.ZERO), hooks);
        if (!host.reloadIfChanged()) {
            throw new IllegalStateException(backend.name() + " did not load " + library);
        }
        return host;
    }

    /** The guest the host calls now, to call it without the host's lock. */
    public static <S extends HotlibState> Guest<S> guestOf(Host<S> host) {
        return host.call(guest -> guest).orElseThrow();
    }
}
