package dev.hotlib.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** What every group of scenarios needs: the backend under test, and a host watching a file in a temp folder. */
public interface Scenarios<S extends HotlibState> {
    /** Short enough for quick tests, long enough for the slow writers below to look like a live build. */
    Duration SETTLE = Duration.ofMillis(120);

    /** The backend under test. */
    Backend<S> backend();

    /** The watched library file of a test, in its temporary folder. */
    default Path watchedIn(Path dir) {
        return dir.resolve(System.mapLibraryName("watched"));
    }

    default Host.Settings options(Path watched) {
        return Host.Settings.watching(watched).withSettle(SETTLE);
    }

    default Host<S> host(Host.Settings settings, RecordingHooks hooks) {
        return new Host<>(backend(), settings, hooks);
    }

    /** Pins the current version, makes {@code calls} through the pin, and releases it. */
    default <R> R call(Host<S> host, Function<Pin<S>, R> calls) {
        try (Pin<S> pin = host.pin()) {
            return calls.apply(pin);
        }
    }

    /** foo() of the current version. */
    default int foo(Host<S> host) {
        return call(host, Pin::foo);
    }

    /** Runs update() once on the current version. */
    default void update(Host<S> host) {
        call(host, pin -> {
            pin.update(host.state());
            return null;
        });
    }

    /**
     * Runs {@code task} on a thread of its own. Not the common pool: on a 2-core machine it has one thread,
     * and a caller that loops until told to stop would keep every other task from running.
     */
    static <T> CompletableFuture<T> inBackground(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Truncates {@code file} and rewrites it in place (same inode, as GNU ld and cp do), pausing between chunks. */
    static void writeInPlace(byte[] bytes, Path file, int chunks, Duration pause) {
        try (OutputStream out = Files.newOutputStream(file)) {
            int step = Math.max(1, (bytes.length + chunks - 1) / chunks);
            for (int offset = 0; offset < bytes.length; offset += step) {
                out.write(bytes, offset, Math.min(step, bytes.length - offset));
                out.flush();
                Thread.sleep(pause.toMillis());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
