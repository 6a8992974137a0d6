package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A program left running all day while the library is rebuilt hundreds of times: nothing may pile up. */
public interface LongRunScenarios<B, S extends AutoCloseable> extends Scenarios<B, S> {
    int SOAK_RELOADS = 1000;
    /** Open descriptors may grow a little as the JVM warms up (class files, jars); never one per reload. */
    int FD_GROWTH_BOUND = 16;
    /** Java heap after a full GC; a leak of even 16 KiB per reload would pass it. */
    long HEAP_GROWTH_BOUND_MB = 16;

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void soakAThousandReloadsStaysBounded(Lang lang, @TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/fd")), "needs Linux's /proc");
        Path watched = watchedIn(dir);
        Path[] versions = {variant(lang, "v1"), variant(lang, "v2")};
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), new RecordingHooks())) {
            Path shadows = host.shadowDirectory().orElseThrow();
            for (int i = 0; i < 20; i++) { // warm up before the baseline
                reloadAndCall(host, watched, versions[i % 2], i % 2 + 1);
            }
            long fdsBefore = count(Path.of("/proc/self/fd"));
            long heapBefore = usedHeapMb();
            for (int i = 0; i < SOAK_RELOADS; i++) {
                reloadAndCall(host, watched, versions[i % 2], i % 2 + 1);
            }
            long mapped = Natives.mappedFilesUnder(shadows);
            long fds = count(Path.of("/proc/self/fd"));
            long shadowFiles = count(shadows);
            long heap = usedHeapMb();
            System.out.printf("soak %s %s: %d reloads; mapped versions %d; open fds %d -> %d; shadow files %d;"
                    + " heap after GC %d -> %d MB%n", backendName(), lang, SOAK_RELOADS, mapped, fdsBefore, fds,
                    shadowFiles, heapBefore, heap);
            assertEquals(20 + SOAK_RELOADS, frame(state(host)), "one update per reload, none lost");
            assertEquals(1, mapped, "only the current version is mapped");
            assertTrue(fds - fdsBefore <= FD_GROWTH_BOUND, "open fds grew from " + fdsBefore + " to " + fds);
            assertEquals(1, shadowFiles, "only the current version's copy is on disk");
            assertTrue(heap - heapBefore <= HEAP_GROWTH_BOUND_MB,
                    "heap grew from " + heapBefore + " to " + heap + " MB");
        }
    }

    private void reloadAndCall(Host<B> host, Path watched, Path version, int foo) throws Exception {
        renameIntoPlace(version, watched);
        assertTrue(host.reloadIfChanged());
        assertEquals(foo, foo(host));
        call(host, Demo::greeting);
        update(host);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }

    private static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
