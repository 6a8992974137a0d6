package dev.hotlib.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

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

    default Options options(Path watched) {
        return Options.forLibrary(watched).withSettle(SETTLE);
    }

    default Host<S> host(Options options, RecordingHooks hooks) throws IOException {
        return new Host<>(backend(), options, hooks);
    }

    /** Runs update() once on the current version. */
    default void update(Host<S> host) {
        host.call(guest -> {
            guest.update(host.state());
            return null;
        });
    }

    /**
     * Runs {@code task} on a thread of its own. Not the common pool: on a 2-core machine it has one thread,
     * and a caller that loops until told to stop would keep every other task from running.
     */
    static <T> CompletableFuture<T> inBackground(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Truncates {@code file} and rewrites it in place (same inode, as GNU ld and cp do), pausing between chunks. */
    static void writeInPlace(byte[] bytes, Path file, int chunks, Duration pause) {
        try (OutputStream out = Files.newOutputStream(file)) {
            int step = Math.max(1, (bytes.length + chunks - 1) / chunks);
            for (int offset = 0; offset < bytes.length; offset += step) {
                out.write(bytes, offset, Math.min(step, bytes.length - offset));
                out.flush();
                Thread.sleep(pause);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
