package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Natives.Lang;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An application calls the library from its own threads while the loop swaps versions under them. */
public interface ConcurrentCallerScenarios<S extends HotlibState> extends Scenarios<S> {
    int CALLERS = 4;
    int RELOADS = 500;

    /** What one caller thread did: calls per version, and its own state (updated once per call batch). */
    record CallerResult(long[] callsPerVersion, long frame) {}

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void fourThreadsCallEverythingAcrossFiveHundredReloads(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Path[] versions = {variant(lang, "v1"), variant(lang, "v2")};
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try (Host<S> host = host(options(watched).withSettle(Duration.ZERO), new RecordingHooks())) {
            renameIntoPlace(versions[0], watched);
            assertTrue(host.reloadIfChanged());
            List<Future<CallerResult>> callers = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                callers.add(pool.submit(() -> callUntilStopped(host, stop)));
            }
            for (int i = 1; i <= RELOADS; i++) {
                renameIntoPlace(versions[i % 2], watched);
                assertTrue(host.reloadIfChanged(), "reload " + i);
            }
            stop.set(true);
            long total = 0;
            for (Future<CallerResult> caller : callers) {
                CallerResult r = caller.get(); // rethrows a caller's failure
                long calls = r.callsPerVersion()[1] + r.callsPerVersion()[2];
                assertEquals(calls, r.frame(), "every call batch ran update() exactly once: no lost call");
                total += calls;
            }
            System.out.printf("concurrent %s %s: %d callers, %d reloads, %d call batches%n",
                    backend().name(), lang, CALLERS, RELOADS, total);
            assertTrue(total > CALLERS, "the callers really ran");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Calls every function in one batch, over and over, and checks the batch saw one version only: foo, bar
     * and greeting of v1 (1, none, "variant v1") or of v2 (2, 20, "variant v2"), never a mix.
     */
    private CallerResult callUntilStopped(Host<S> host, AtomicBoolean stop) {
        long[] calls = new long[3];
        try (S mine = backend().newState().get()) {
            while (!stop.get()) {
                int foo = call(host, guest -> {
                    int f = guest.foo();
                    OptionalInt bar = guest.bar();
                    String greeting = guest.greeting().orElseThrow();
                    guest.update(mine);
                    OptionalInt expectedBar = f == 2 ? OptionalInt.of(20) : OptionalInt.empty();
                    assertEquals(expectedBar, bar, "bar of the same version as foo " + f);
                    assertEquals("variant v" + f, greeting, "greeting of the same version as foo " + f);
                    return f;
                });
                calls[foo]++;
            }
            return new CallerResult(calls, mine.frame());
        }
    }
}
