package dev.hotlib.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every group of scenarios needs: the backend's binding of the demo ABI under test, and a host watching a
 * file in a temp folder. A backend's test implements the first six methods (see {@link ConformanceSuite}).
 *
 * @param <B> the backend's binding of the demo ABI, such as {@code FfmDemo}
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
@ExtendWith(SkipsFailInCi.class)
public interface Scenarios<B, S extends AutoCloseable> {
    /** Short enough for quick tests, long enough for the slow writers below to look like a live build. */
    Duration SETTLE = Duration.ofMillis(120);

    /** The backend's name, for messages, such as "FFM". */
    String backendName();

    /** Loads and binds one version of the demo ABI, as the example does: {@code FfmDemo::load}. */
    Loader<B> loader();

    /** A zeroed {@code hotlib_state}. */
    S newState();

    /** {@code state->frame}. */
    long frame(S state);

    /** {@code state->value}. */
    double value(S state);

    /**
     * The demo's calls through {@code binding}, with {@code state}; {@code defines} tells which functions the
     * version exports ({@code bar()} and {@code abiVersion()} are empty where it does not).
     */
    Demo demo(B binding, Predicate<String> defines, S state);

    /** The demo's calls through {@code pin}'s binding, with {@code state}. */
    default Demo demo(Pin<B> pin, S state) {
        return demo(pin.binding(), pin::defines, state);
    }

    /** The states of the hosts that {@link #host} made, each closed by its host. */
    Map<Host<?>, Object> STATES = new WeakHashMap<>();

    /** The watched library file of a test, in its temporary folder. */
    default Path watchedIn(Path dir) {
        return dir.resolve(System.mapLibraryName("watched"));
    }

    default Host.Settings options(Path watched) {
        return Host.Settings.watching(watched).withSettle(SETTLE);
    }

    /**
     * A host for {@code settings}, which owns a new state (see {@link #state}); {@code hooks} counts the calls of
     * the backend's loader.
     */
    default Host<B> host(Host.Settings settings, RecordingHooks hooks) {
        Loader<B> loader = loader();
        Host<B> host = new Host<>(file -> {
            hooks.loads.incrementAndGet();
            return loader.load(file);
        }, settings, hooks);
        S state = host.own(newState());
        synchronized (STATES) {
            STATES.put(host, state);
        }
        return host;
    }

    /** The state a host made by {@link #host} owns. */
    @SuppressWarnings("unchecked")
    default S state(Host<B> host) {
        synchronized (STATES) {
            return (S) STATES.get(host);
        }
    }

    /** Pins the current version, makes {@code calls} through the pin, and releases it. */
    default <R> R call(Host<B> host, Function<Demo, R> calls) {
        try (Pin<B> pin = host.pin()) {
            return calls.apply(demo(pin, state(host)));
        }
    }

    /** foo() of the current version. */
    default int foo(Host<B> host) {
        return call(host, Demo::foo);
    }

    /** Runs update() once on the current version, with the host's state. */
    default void update(Host<B> host) {
        call(host, demo -> {
            demo.update();
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

    /**
     * What a file rewritten in place may cause: nothing, or, when the writer paused longer than the settle time
     * (a loaded machine), refusals of a file cut short; never a half-written version loaded, never another
     * refusal. The settle time makes the first likely; the checks make the second safe.
     */
    static void assertOnlyCutShortRefused(RecordingHooks hooks) {
        for (String refusal : hooks.refused) {
            org.junit.jupiter.api.Assertions.assertTrue(refusal.startsWith("it is cut short: "), refusal);
        }
    }

    /** Truncates {@code file} and rewrites it in place (same inode, as GNU ld and cp do), pausing between chunks. */
    static void writeInPlace(byte[] bytes, Path file, int chunks, Duration pause) {
        writeInPlace(bytes, file, chunks, pause, () -> { });
    }

    /** As {@link #writeInPlace(byte[], Path, int, Duration)}, running {@code wrote} after each chunk is written. */
    static void writeInPlace(byte[] bytes, Path file, int chunks, Duration pause, Runnable wrote) {
        try (OutputStream out = Files.newOutputStream(file)) {
            int step = Math.max(1, (bytes.length + chunks - 1) / chunks);
            for (int offset = 0; offset < bytes.length; offset += step) {
                out.write(bytes, offset, Math.min(step, bytes.length - offset));
                out.flush();
                wrote.run();
                Thread.sleep(pause.toMillis());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writer of the watched file, which runs {@code wrote} after each of its steps (a chunk, a rename). */
    @FunctionalInterface
    interface Writer {
        void write(Runnable wrote) throws Exception;
    }

    /**
     * Runs {@code writer} on a thread of its own and polls {@code host} after each step it took, then once more
     * after it ended, running {@code afterEachPoll} after each poll: the loop waits for the writer's steps, not
     * for time, so each poll meets the file as a step left it, however slow the machine is.
     */
    static void pollAsItWrites(Host<?> host, Writer writer, Runnable afterEachPoll) throws Exception {
        Semaphore steps = new Semaphore(0);
        CompletableFuture<Void> writing = inBackground(() -> {
            writer.write(steps::release);
            return null;
        });
        writing.whenComplete((done, failed) -> steps.release());
        while (!writing.isDone()) {
            if (!steps.tryAcquire(1, TimeUnit.MINUTES)) {
                throw new AssertionError("the writer took no step in a minute");
            }
            host.reloadIfChanged();
            afterEachPoll.run();
        }
        writing.join();
        host.reloadIfChanged();
        afterEachPoll.run();
    }
}
