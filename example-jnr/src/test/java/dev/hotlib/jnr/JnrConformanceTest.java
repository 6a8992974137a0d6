package dev.hotlib.jnr;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.RecordingHooks;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNR-FFI backend. jnr-ffi cannot
 * unload: {@link #assertUnmapped} asserts what happens instead, and {@link #fiftyReloadsLeaveFiftyVersionsMapped}
 * measures what it costs.
 */
class JnrConformanceTest extends ConformanceSuite<JnrState> {
    private static final int RELOADS = 50;

    @Override
    public Backend<JnrState> backend() {
        return new JnrBackend();
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }

    /**
     * The old version is NOT unmapped, and no garbage collection changes that: jffi 1.4.3's Cleaner action holds
     * the Library it would dlclose(), so the Library stays reachable until the JVM exits.
     */
    @Override
    protected void assertUnmapped(Path oldCopy) throws IOException {
        collectGarbage();
        assertFalse(Natives.mappingsOf(oldCopy).isEmpty(), "jnr-ffi never unloads: the old version stays mapped after GC");
    }

    /** In the soak: every version ever loaded stays mapped, one each, so the bound is the number of loads. */
    @Override
    public int mappedVersionsBound(int reloads) {
        return reloads;
    }

    /** Every version loaded, and every version refused, stays mapped: exactly one mapped copy each, GC or not. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void fiftyReloadsLeaveFiftyVersionsMapped(Lang lang) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
        RecordingHooks hooks = new RecordingHooks();
        try (Host<JnrState> host = host(hooks)) {
            for (int i = 1; i <= RELOADS; i++) {
                renameIntoPlace(variant(lang, i % 2 == 1 ? "v1" : "v2"), watched());
                assertTrue(host.reloadIfChanged(), "reload " + i + ": " + hooks.refused);
                assertEquals(i % 2 == 1 ? 1 : 2, host.call(Guest::foo).orElseThrow(), "reload " + i + " runs the new code");
            }
            Path shadows = host.shadowDirectory().orElseThrow();
            assertEquals(RELOADS, mappedCopies(shadows).size(), "without GC, one mapped copy per version");
            collectGarbage();
            assertEquals(RELOADS, mappedCopies(shadows).size(), "after GC, still one mapped copy per version");
            assertEquals(1, Files.list(shadows).count(), "only the current version's copy is left on disk");

            renameIntoPlace(variant(lang, "nofoo"), watched());
            assertFalse(host.reloadIfChanged(), "a version without foo() is refused");
            collectGarbage();
            assertEquals(RELOADS + 1, mappedCopies(shadows).size(), "the refused version stays mapped too");
            assertEquals(2, host.call(Guest::foo).orElseThrow(), "the current version keeps answering");
        }
    }

    /** The distinct library files of {@code shadows} that /proc/self/maps still maps. */
    private static Set<String> mappedCopies(Path shadows) throws IOException {
        Set<String> files = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int at = line.indexOf(" " + shadows + "/");
            if (at >= 0) {
                files.add(line.substring(at + 1).replace(" (deleted)", ""));
            }
        }
        return files;
    }

    /** Runs full collections until one has surely processed references: a fresh, weakly held object is gone. */
    private static void collectGarbage() {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 100 && canary.get() != null; i++) {
            System.gc();
        }
        if (canary.get() != null) {
            fail("System.gc() did not collect: is -XX:+DisableExplicitGC set?");
        }
    }
}
