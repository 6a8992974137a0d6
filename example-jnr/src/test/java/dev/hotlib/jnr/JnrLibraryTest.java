package dev.hotlib.jnr;

import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link JnrLibrary} and the JNR-FFI bindings without a host: symbols found and refused, unloading, and what is
 * particular to JNR-FFI: jnr-ffi and jffi never dlclose() a library, so JnrLibrary does it for them (twice), and
 * jffi must never close a handle again once that is done.
 */
class JnrLibraryTest {
    private static final int RELOADS = 1000;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsProcMaps() {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
    }

    /** The C functions a test binds beyond the demo's: none of the variants exports step or score. */
    public interface Wider {
        int foo();    // int32_t foo(void);
        int step();   // not in the demo's variants
        int score();  // not in the demo's variants
    }

    /** The demo's foo() alone, for a library opened without a binding of all of hotlib.h. */
    public interface FooOnly {
        int foo();  // int32_t foo(void);
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aMissingSymbolIsNotDefinedWhileOneExportedAsDataIsRefusedNamingIt(Lang lang) throws Exception {
        Path copy = copy(variant(lang, "foodata"), 0);
        JnrLibrary library = JnrLibrary.open(LibraryFile.inspect(copy));
        try {
            assertFalse(library.defines("hotlib_nowhere"), "a missing symbol");
            assertTrue(library.defines("foo"), "data is found by name, as every lookup finds it");
            LoadException refused = assertThrows(LoadException.class, () -> library.bind(FooOnly.class));
            assertEquals("foo is data (STT_OBJECT), not a function: calling it would crash the JVM",
                    refused.getMessage());
        } finally {
            library.close();
        }
        assertEquals(List.of(), Natives.mappingsOf(copy), "unmapped once closed");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aRefusedLoadLeavesNothingMapped(Lang lang) throws Exception {
        Path copy = copy(variant(lang, "foodata"), 0);
        LoadException refused = assertThrows(LoadException.class, () -> JnrDemo.load(LibraryFile.inspect(copy)));
        assertTrue(refused.getMessage().startsWith("foo is data"), refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy), "the refused version is unmapped");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionWithoutFooSaysSoAndIsUnmapped(Lang lang) throws Exception {
        Path copy = copy(variant(lang, "nofoo"), 0);
        LoadException refused = assertThrows(LoadException.class, () -> JnrDemo.load(LibraryFile.inspect(copy)));
        assertEquals("it does not export foo()", refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void anotherAbiVersionIsRefusedAndUnmapped(Lang lang) throws Exception {
        Path copy = copy(variant(lang, "abi2"), 0);
        LoadException refused = assertThrows(LoadException.class, () -> JnrDemo.load(LibraryFile.inspect(copy)));
        assertEquals("abi_version() returned 2, this host needs 1", refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy));
    }

    /** One line names every required function the version lacks, in the order the binding asked for them. */
    @Test
    void everyMissingRequiredFunctionIsNamedInOneLine() throws Exception {
        JnrLibrary library = JnrLibrary.open(LibraryFile.inspect(copy(variant(Lang.C, "v1"), 0)));
        try {
            LoadException refused = assertThrows(LoadException.class,
                    () -> library.bind(Wider.class, "foo", "step", "score"));
            assertEquals("it does not export step() and score()", refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> library.bind(FooOnly.class, "bar"),
                    "a required name the interface does not declare is the binding's mistake");
        } finally {
            library.close();
        }
    }

    /** An optional function the version lacks is bound to jnr-ffi's stub, which throws instead of calling. */
    @Test
    void aMissingOptionalFunctionThrowsUnsatisfiedLinkErrorWhenCalled() throws Exception {
        Guest<JnrDemo> v1 = JnrDemo.load(LibraryFile.inspect(copy(variant(Lang.C, "v1"), 0)));
        try {
            assertFalse(v1.library().defines("bar"));
            assertThrows(UnsatisfiedLinkError.class, v1.binding()::bar);
            assertEquals(1, v1.binding().foo());
        } finally {
            v1.library().close();
        }
    }

    /**
     * jnr-ffi binds an interface's static methods as functions too: a library that exports a function named as
     * the binding's static {@code load} is still bound, not refused for load's Java types.
     */
    @Test
    void aFunctionNamedLikeTheBindingsStaticLoadIsLeftAlone() throws Exception {
        Path source = Files.writeString(dir.resolve("load.c"), "int foo(void) { return 3; }\n"
                + "int load(void) { return 9; }\n");
        Path lib = dir.resolve("libload.so");
        Natives.run(dir, "cc", "-shared", "-fPIC", "-o", lib.toString(), source.toString());
        Guest<JnrDemo> guest = JnrDemo.load(LibraryFile.inspect(lib));
        try {
            assertEquals(3, guest.binding().foo());
        } finally {
            guest.library().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aSecondCloseIsHarmlessAndTheVersionIsGone(Lang lang) throws Exception {
        Path copy = copy(variant(lang, "v1"), 0);
        Guest<JnrDemo> v1 = JnrDemo.load(LibraryFile.inspect(copy));
        assertEquals(1, v1.binding().foo());
        assertTrue(v1.library().stillLoaded());
        v1.library().close();
        v1.library().close();
        assertFalse(v1.library().stillLoaded(), "two references taken, two dropped");
        assertEquals(List.of(), Natives.mappingsOf(copy), "the copy is unmapped");
        assertThrows(IllegalStateException.class, () -> v1.library().defines("foo"), "no dlsym on a freed handle");
    }

    /**
     * A second close() drops nothing: the loader may by then have given this version's handle to the next
     * library, whose references it would drop.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aSecondCloseLeavesTheNextVersionAlone(Lang lang) throws Exception {
        Guest<JnrDemo> old = JnrDemo.load(LibraryFile.inspect(copy(variant(lang, "v1"), 0)));
        old.library().close();
        Path nextCopy = copy(variant(lang, "v2"), 1);
        Guest<JnrDemo> next = JnrDemo.load(LibraryFile.inspect(nextCopy));
        old.library().close();
        assertFalse(Natives.mappingsOf(nextCopy).isEmpty(), "the next version is still mapped");
        assertEquals(2, next.binding().foo());
        next.library().close();
    }

    /**
     * jffi caches a library by path and hands back the same one, loaded or already unloaded: a second version
     * over it would drop the same references again. Each path is refused after its first load (the host loads
     * every version from a copy with a new name), and the first version is not disturbed.
     */
    @Test
    void aPathLoadedBeforeIsRefusedWhileLoadedAndAfterItsUnload() throws Exception {
        LibraryFile file = LibraryFile.inspect(copy(variant(Lang.C, "v1"), 0));
        Guest<JnrDemo> first = JnrDemo.load(file);
        LoadException whileLoaded = assertThrows(LoadException.class, () -> JnrDemo.load(file));
        assertTrue(whileLoaded.getMessage().contains("loaded from this path before"), whileLoaded.getMessage());
        assertEquals(1, first.binding().foo(), "the first version still answers");
        first.library().close();
        assertFalse(first.library().stillLoaded(), "two references taken, two dropped");
        assertThrows(LoadException.class, () -> JnrDemo.load(file), "and after its unload");
        assertEquals(List.of(), Natives.mappingsOf(file.path()));
    }

    /** A state closed twice is freed once; closed, it never reaches C, and its fields are not read. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aClosedStateIsFreedOnceAndNeverHandedToC(Lang lang) throws Exception {
        Guest<JnrDemo> v1 = JnrDemo.load(LibraryFile.inspect(copy(variant(lang, "v1"), 0)));
        try {
            JnrState state = new JnrState();
            v1.binding().update(state);
            assertEquals("frame 1, value 1.0", state.toString());
            state.close();
            state.close();
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> v1.binding().update(state));
            assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
            assertThrows(IllegalStateException.class, state::frame);
            assertThrows(IllegalStateException.class, state::value);
        } finally {
            v1.library().close();
        }
    }

    /** The game's state, the same way. */
    @Test
    void aClosedGameStateIsFreedOnceAndNeverHandedToC() throws Exception {
        Guest<JnrGame> v1 = JnrGame.load(LibraryFile.inspect(copy(Natives.gameVariant(Lang.C, "v1"), 0)));
        try {
            JnrGame.State state = new JnrGame.State();
            v1.binding().step(state, 2.0);
            assertEquals(20, v1.binding().score(state));
            state.close();
            state.close();
            assertThrows(IllegalStateException.class, () -> v1.binding().step(state, 1.0));
            assertThrows(IllegalStateException.class, () -> v1.binding().score(state));
            assertThrows(IllegalStateException.class, state::steps);
        } finally {
            v1.library().close();
        }
    }

    /**
     * A thousand versions loaded and unloaded, then a full garbage collection: were a jffi cleaner to dlclose()
     * one of their handles again, it would close whichever library the loader gave that handle to since, the
     * versions still loaded here among them. jffi queues that cleaning action only for a {@code Library} the
     * collection found unreachable: the collection found none, so there is no cleaning action to wait for. They
     * all still answer, and only they are mapped.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aThousandReloadsThenAFullCollectionLeaveOnlyTheLoadedVersionsMappedAndAnswering(Lang lang) throws Exception {
        Path[] variants = {variant(lang, "v1"), variant(lang, "v2")};
        List<WeakReference<com.kenai.jffi.Library>> jffiLibraries = new ArrayList<>();
        Guest<JnrDemo> first = JnrDemo.load(LibraryFile.inspect(copy(variants[0], 0)));  // kept through the others
        jffiLibraries.add(jffiLibraryOf(dir.resolve("copy-0.so")));
        Guest<JnrDemo> current = null;
        Path currentCopy = null;
        for (int i = 1; i <= RELOADS; i++) {
            Path copy = copy(variants[i % 2], i);
            Guest<JnrDemo> next = JnrDemo.load(LibraryFile.inspect(copy));
            jffiLibraries.add(jffiLibraryOf(copy));
            assertEquals(i % 2 + 1, next.binding().foo(), "load " + i + " runs its own code");
            if (current != null) {
                current.library().close();
                assertFalse(current.library().stillLoaded(), "the loader let version " + (i - 1) + " go");
                Files.delete(currentCopy);
            }
            current = next;
            currentCopy = copy;
        }
        collectGarbage();
        for (int i = 0; i <= RELOADS; i++) {
            assertNotNull(jffiLibraries.get(i).get(), "jffi's Library of version " + i + " was collected: its"
                    + " cleaning action may dlclose() a handle the loader has given to another library since");
        }
        assertEquals(1, first.binding().foo());
        assertEquals("variant v1", first.binding().greeting());
        assertEquals(RELOADS % 2 + 1, current.binding().foo());
        assertEquals(2, Natives.mappedFilesUnder(dir), "only the two loaded versions are mapped");
        first.library().close();
        current.library().close();
        assertEquals(0, Natives.mappedFilesUnder(dir), "nothing is mapped once both are closed");
    }

    /** A private copy of {@code variant} with a name of its own, as the host makes: dlopen() matches by path. */
    private Path copy(Path variant, int number) throws IOException {
        return Files.copy(variant, dir.resolve("copy-" + number + ".so"));
    }

    /**
     * jffi's {@code Library} of the version just loaded from {@code copy}, weakly held: jffi hands back the one it
     * has for a path while that one is reachable, as it did to {@link JnrLibrary#open}, without opening anything.
     */
    private static WeakReference<com.kenai.jffi.Library> jffiLibraryOf(Path copy) {
        com.kenai.jffi.Library library = com.kenai.jffi.Library.getCachedInstance(copy.toString(),
                com.kenai.jffi.Library.NOW | com.kenai.jffi.Library.LOCAL);
        assertNotNull(library, copy + " is not open in jffi");
        return new WeakReference<>(library);
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
