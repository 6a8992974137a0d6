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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An application calls the library from its own threads while the loop swaps versions under them. */
public interface ConcurrentCallerScenarios<B, S extends AutoCloseable> extends Scenarios<B, S> {
    int CALLERS = 4;
    int RELOADS = 500;

    /** What one caller thread did: calls per version, and its own state (updated once per call batch). */
    record CallerResult(long[] callsPerVersion, long frame, double value) {}

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void fourThreadsCallEverythingAcrossFiveHundredReloads(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Path[] versions = {variant(lang, "v1"), variant(lang, "v2")};
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), new RecordingHooks())) {
            renameIntoPlace(versions[0], watched);
            assertTrue(host.reloadIfChanged());
            List<Future<CallerResult>> callers = new ArrayList<>();
            CountDownLatch running = new CountDownLatch(CALLERS);
            for (int t = 0; t < CALLERS; t++) {
                callers.add(pool.submit(() -> callUntilStopped(host, stop, running)));
            }
            running.await();  // every caller has made a call: the reloads happen under running callers
            for (int i = 1; i <= RELOADS; i++) {
                renameIntoPlace(versions[i % 2], watched);
                assertTrue(host.reloadIfChanged(), "reload " + i);
                Thread.yield();
            }
            stop.set(true);
            long total = 0;
            for (Future<CallerResult> caller : callers) {
                CallerResult r = caller.get(); // rethrows a caller's failure
                long[] perVersion = r.callsPerVersion();
                long calls = perVersion[1] + perVersion[2];
                assertEquals(calls, r.frame(), "every call batch ran update() exactly once: no lost call");
                assertEquals(perVersion[1] * 1.0 + perVersion[2] * 2.0, r.value(),
                        "each update() ran in the version whose foo() the same batch saw (v1 adds 1, v2 adds 2)");
                assertTrue(perVersion[1] > 0 && perVersion[2] > 0,
                        "each caller saw both versions: v1 " + perVersion[1] + ", v2 " + perVersion[2]);
                total += calls;
            }
            System.out.printf("concurrent %s %s: %d callers, %d reloads, %d call batches%n",
                    backendName(), lang, CALLERS, RELOADS, total);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Calls every function in one batch, over and over, and checks the batch saw one version only: foo, bar
     * and greeting of v1 (1, none, "variant v1") or of v2 (2, 20, "variant v2"), never a mix.
     */
    private CallerResult callUntilStopped(Host<B> host, AtomicBoolean stop, CountDownLatch running) throws Exception {
        long[] calls = new long[3];
        try (S mine = newState()) {
            while (!stop.get()) {
                int foo;
                try (Pin<B> pin = host.pin()) {
                    Demo guest = demo(pin, mine);
                    int f = guest.foo();
                    OptionalInt bar = guest.bar();
                    String greeting = guest.greeting().orElseThrow();
                    guest.update();
                    OptionalInt expectedBar = f == 2 ? OptionalInt.of(20) : OptionalInt.empty();
                    assertEquals(expectedBar, bar, "bar of the same version as foo " + f);
                    assertEquals("variant v" + f, greeting, "greeting of the same version as foo " + f);
                    foo = f;
                }
                calls[foo]++;
                running.countDown();
            }
            return new CallerResult(calls, frame(mine), value(mine));
        }
    }
}
