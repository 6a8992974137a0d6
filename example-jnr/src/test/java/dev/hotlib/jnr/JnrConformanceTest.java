package dev.hotlib.jnr;

import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNR-FFI backend; then what is
 * particular to it: jnr-ffi and jffi never dlclose() a library, so {@link JnrHotlib} does it for them (twice),
 * and jffi must never close a handle again once that is done.
 */
class JnrConformanceTest extends ConformanceSuite<JnrState> {
    private static final int RELOADS = 1000;

    @Override
    public Backend<JnrState> backend() {
        return new Backend<>("JNR-FFI", JnrState::new, JnrHotlib::load, JnrHotlib::loadForGood);
    }

    /** loadForGood binds into process-wide constants: one version at a time. */
    @Override
    public boolean bindsOneVersionForGoodAtATime() {
        return true;
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }

    /**
     * A thousand versions loaded and unloaded, then a full garbage collection: were a jffi cleaner to dlclose()
     * one of their handles again now, it would close whichever library the loader gave that handle to since,
     * the versions still loaded here among them. They all still answer, and only they are mapped.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aThousandReloadsThenAFullCollectionLeaveOnlyTheLoadedVersionsMappedAndAnswering(Lang lang) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
        Path[] variants = {variant(lang, "v1"), variant(lang, "v2")};
        Path firstCopy = copy(variants[0], 0);
        JnrHotlib first = JnrHotlib.load(firstCopy);  // loaded before all the others, kept through them
        JnrHotlib current = null;
        Path currentCopy = null;
        for (int i = 1; i <= RELOADS; i++) {
            Path copy = copy(variants[i % 2], i);
            JnrHotlib next = JnrHotlib.load(copy);
            assertEquals(i % 2 + 1, next.foo(), "load " + i + " runs its own code");
            if (current != null) {
                current.close();
                assertFalse(current.stillLoaded(), "the loader let version " + (i - 1) + " go");
                Files.delete(currentCopy);
            }
            current = next;
            currentCopy = copy;
        }
        collectGarbage();
        assertEquals(1, first.foo());
        assertEquals(Optional.of("variant v1"), first.greeting());
        assertEquals(RELOADS % 2 + 1, current.foo());
        assertEquals(2, Natives.mappedFilesUnder(dir), "only the two loaded versions are mapped");
        first.close();
        current.close();
        assertEquals(0, Natives.mappedFilesUnder(dir), "nothing is mapped once both are closed");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionRefusedForAMissingSymbolIsUnmapped(Lang lang) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
        Path copy = copy(variant(lang, "nofoo"), 0);
        LoadException refused = assertThrows(LoadException.class, () -> JnrHotlib.load(copy));
        assertTrue(refused.getMessage().contains("foo()"), refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy), "the refused version is unmapped");
    }

    /**
     * A second close() drops nothing: the loader may by then have given this version's handle to the next
     * library, whose references it would drop.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aSecondCloseLeavesTheNextVersionAlone(Lang lang) throws Exception {
        JnrHotlib old = JnrHotlib.load(copy(variant(lang, "v1"), 0));
        old.close();
        Path nextCopy = copy(variant(lang, "v2"), 1);
        JnrHotlib next = JnrHotlib.load(nextCopy);
        old.close();
        assertThrows(IllegalStateException.class, old::foo);
        assertFalse(Natives.mappingsOf(nextCopy).isEmpty(), "the next version is still mapped");
        assertEquals(2, next.foo());
        next.close();
    }

    /**
     * jffi caches a library by path and hands back the same one, loaded or already unloaded: a second version
     * over it would drop the same references again. Each path is refused after its first load (the host loads
     * every version from a copy with a new name), and the first version is not disturbed.
     */
    @Test
    void aPathLoadedBeforeIsRefusedWhileLoadedAndAfterItsUnload() throws Exception {
        Path copy = copy(variant(Lang.C, "v1"), 0);
        JnrHotlib first = JnrHotlib.load(copy);
        LoadException whileLoaded = assertThrows(LoadException.class, () -> JnrHotlib.load(copy));
        assertTrue(whileLoaded.getMessage().contains("loaded from this path before"), whileLoaded.getMessage());
        assertEquals(1, first.foo(), "the first version still answers");
        first.close();
        assertFalse(first.stillLoaded(), "two references taken, two dropped");
        assertThrows(LoadException.class, () -> JnrHotlib.load(copy), "and after its unload");
        assertEquals(List.of(), Natives.mappingsOf(copy));
    }

    /** A function declared but defined nowhere: refused at load with the loader's reason, never called. */
    @Test
    void aLibraryWithAnUndefinedFunctionIsRefusedAtLoad() throws Exception {
        Path lib = compile("undefined", "int32_t hotlib_nowhere(void);\n"
                + "int32_t foo(void) { return hotlib_nowhere(); }\n"
                + "const char *greeting(void) { return \"never\"; }\n");
        LoadException refused = assertThrows(LoadException.class, () -> JnrHotlib.load(lib));
        assertTrue(refused.getMessage().contains("undefined symbol: hotlib_nowhere"), refused.getMessage());
        assertFalse(refused.getMessage().contains(lib.toString()), "the path is not repeated: " + refused.getMessage());
    }

    @Test
    void aGreetingThatReturnsNullIsEmpty() throws Exception {
        Path lib = compile("nullgreeting", "int32_t foo(void) { return 7; }\n"
                + "const char *greeting(void) { return NULL; }\n");
        JnrHotlib version = JnrHotlib.load(lib);
        try {
            assertEquals(Optional.empty(), version.greeting());
            assertEquals(7, version.foo());
        } finally {
            version.close();
        }
    }

    /** A private copy of {@code variant} with a name of its own, as the host makes: dlopen() matches by path. */
    private Path copy(Path variant, int number) throws IOException {
        return Files.copy(variant, dir.resolve("copy-" + number + ".so"));
    }

    /** A library with hotlib.h's abi_version and update, and the other functions given in C. */
    private Path compile(String name, String functions) throws IOException {
        Path source = dir.resolve(name + ".c");
        Files.writeString(source, "#include <stddef.h>\n#include <stdint.h>\n"
                + "typedef struct hotlib_state { int64_t frame; double value; } hotlib_state;\n"
                + "int32_t abi_version(void) { return 1; }\n"
                + "void update(hotlib_state *state) { state->frame += 1; }\n"
                + functions);
        Path lib = dir.resolve("lib" + name + ".so");
        Natives.run(dir, "cc", "-shared", "-fPIC", "-o", lib.toString(), source.toString());
        return lib;
    }

    /** Runs full collections until one has surely processed references: a fresh, weakly held object is gone. */
    private static void collectGarbage() throws InterruptedException {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 100 && canary.get() != null; i++) {
            System.gc();
        }
        if (canary.get() != null) {
            fail("System.gc() did not collect: is -XX:+DisableExplicitGC set?");
        }
        Thread.sleep(100);  // cleaning actions run on the cleaners' own threads, once the collection queued them
    }

    /**
     * Release mode's call site, called past ForGood's own check (as a call racing the close would be): before a
     * version is bound and after it is unloaded it throws IllegalStateException, never hands out a binding of
     * unmapped code; while bound it hands out the version's.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void releaseModesCallSitesThrowWhenNoVersionIsBound(Lang lang, @TempDir Path dir) throws Throwable {
        Path file = Files.copy(Natives.variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        assertThrows(IllegalStateException.class, JnrHotlib.ForGood::binding);
        Guest<JnrState> guest = JnrHotlib.loadForGood(file);
        try {
            assertEquals(2, JnrHotlib.ForGood.binding().foo());
            assertEquals(20, JnrHotlib.ForGood.binding().bar());
        } finally {
            guest.close();
        }
        assertEquals(List.of(), Natives.mappingsOf(file), "unloaded");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, JnrHotlib.ForGood::binding);
        assertTrue(thrown.getMessage().contains("no version of the library is bound"), thrown.getMessage());
    }
}
