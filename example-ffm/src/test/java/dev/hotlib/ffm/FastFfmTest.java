package dev.hotlib.ffm;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path's safety: calls from several threads while versions are swapped and unloaded under them. */
class FastFfmTest {
    private static final int CALLERS = 4;
    private static final int RELOADS = 100;

    @TempDir
    Path dir;

    private Host<FfmState> host(boolean critical) throws Exception {
        FastFfm.Backend backend = new FastFfm.Backend(critical);
        Options options = Options.forLibrary(dir.resolve(System.mapLibraryName("watched"))).withSettle(Duration.ZERO);
        return new Host<>(backend, options, backend.hooks(new Hooks() {}));
    }

    @ParameterizedTest(name = "critical={0}")
    @ValueSource(booleans = {false, true})
    void fourThreadsCallAcrossReloadsAndSeeOnlyWholeVersions(boolean critical) throws Exception {
        Path[] versions = {variant(Lang.C, "v1"), variant(Lang.C, "v2")};
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try (Host<FfmState> host = host(critical)) {
            renameIntoPlace(versions[0], watched);
            assertTrue(host.reloadIfChanged());
            List<Future<long[]>> callers = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                callers.add(pool.submit(() -> callUntilStopped(host, stop)));
            }
            for (int i = 1; i <= RELOADS; i++) {
                renameIntoPlace(versions[i % 2], watched);
                assertTrue(host.reloadIfChanged(), "reload " + i);
            }
            stop.set(true);
            for (Future<long[]> caller : callers) {
                long[] calls = caller.get(); // rethrows a caller's failure
                assertTrue(calls[1] + calls[2] > 0, "the caller really ran");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each call is answered by v1 or v2, whole: foo 1 or 2, the greeting of a loaded version, frame +1. */
    private static long[] callUntilStopped(Host<FfmState> host, AtomicBoolean stop) {
        long[] calls = new long[3];
        try (FfmState mine = (FfmState) new FfmBackend().newState()) {
            while (!stop.get()) {
                int foo = FastFfm.foo();
                assertTrue(foo == 1 || foo == 2, "foo() of v1 or v2, got " + foo);
                String greeting = FastFfm.greeting();
                assertTrue(greeting.equals("variant v1") || greeting.equals("variant v2"), greeting);
                long before = mine.frame();
                FastFfm.update(mine);
                assertEquals(before + 1, mine.frame(), "update() ran exactly once");
                calls[foo]++;
            }
        }
        return calls;
    }

    @Test
    void aRefusedVersionIsNeverCalledAndAClosedHostAnswersNothing() throws Exception {
        Path watched = dir.resolve(System.mapLibraryName("watched"));
        Host<FfmState> host = host(false);
        try (host) {
            renameIntoPlace(variant(Lang.C, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            assertEquals(1, FastFfm.foo());
            renameIntoPlace(variant(Lang.C, "abi2"), watched);
            assertTrue(!host.reloadIfChanged(), "abi_version 2 is refused");
            assertEquals(1, FastFfm.foo(), "the refused version never answers");
            assertEquals("variant v1", FastFfm.greeting());
        }
        assertThrows(IllegalStateException.class, FastFfm::foo, "no version after the host closed");
        assertThrows(IllegalStateException.class, FastFfm::greeting);
    }
}
