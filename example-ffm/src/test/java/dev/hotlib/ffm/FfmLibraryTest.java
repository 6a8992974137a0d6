package dev.hotlib.ffm;

import static dev.hotlib.core.Natives.mappingsOf;
import static dev.hotlib.core.Natives.variant;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives.Lang;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** FfmLibrary, the loader, and FfmDemo's refusals, without a host: each on a private copy of a variant. */
class FfmLibraryTest {
    private static final FunctionDescriptor INT32 = FunctionDescriptor.of(JAVA_INT);

    @TempDir
    Path dir;

    private LibraryFile copy(Lang lang, String name) throws Exception {
        return LibraryFile.inspect(Files.copy(variant(lang, name), dir.resolve(System.mapLibraryName(name))));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aMissingSymbolIsZeroWhileOneExportedAsDataIsRefusedNamingIt(Lang lang) throws Throwable {
        LibraryFile file = copy(lang, "foodata");
        FfmLibrary library = FfmLibrary.open(file);
        try {
            assertTrue(library.defines("foo"), "foo is there, as data");
            assertFalse(library.defines("bar"));
            assertEquals(0, library.address("bar"), "not exported");
            LoadException refused = assertThrows(LoadException.class, () -> library.address("foo"));
            assertTrue(refused.getMessage().startsWith("foo is data"), refused.getMessage());
            long abiVersion = library.address("abi_version");
            assertNotEquals(0, abiVersion);
            assertEquals(1, (int) Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(abiVersion), INT32)
                    .invokeExact());
        } finally {
            library.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aRefusedLoadLeavesNothingMapped(Lang lang) throws Exception {
        LibraryFile file = copy(lang, "foodata");
        LoadException refused = assertThrows(LoadException.class, () -> FfmDemo.load(file));
        assertTrue(refused.getMessage().startsWith("foo is data"), refused.getMessage());
        assertEquals(List.of(), mappingsOf(file.path()), "closed when refused");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aSecondCloseIsHarmlessAndAfterCloseTheLoaderHasLetItGo(Lang lang) throws Exception {
        LibraryFile file = copy(lang, "v2");
        FfmLibrary library = FfmLibrary.open(file);
        assertEquals(file.path(), library.path());
        assertFalse(mappingsOf(file.path()).isEmpty(), "mapped while open");
        assertTrue(library.stillLoaded());
        library.close();
        library.close();
        assertFalse(library.stillLoaded(), "the loader let it go");
        assertEquals(List.of(), mappingsOf(file.path()), "unmapped");
        assertThrows(IllegalStateException.class, () -> library.defines("foo"), "no dlsym() on a closed handle");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aLoaderErrorIsOneLineWithoutThePath(Lang lang) throws Exception {
        for (String name : List.of("needsdep", "undef")) {
            LibraryFile file = copy(lang, name);
            LoadException refused = assertThrows(LoadException.class, () -> FfmLibrary.open(file));
            String message = refused.getMessage();
            assertTrue(message.startsWith("it could not be loaded ("), message);
            assertTrue(message.contains(name.equals("undef") ? "hotlib_nowhere" : "libhotlib_gone"), message);
            assertFalse(message.contains(file.path().toString()), message);
            assertEquals(1, message.lines().count(), message);
            assertEquals(List.of(), mappingsOf(file.path()));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theDemoRefusesAVersionWithoutFooOrWithAnotherAbi(Lang lang) throws Exception {
        LibraryFile nofoo = copy(lang, "nofoo");
        assertEquals("it does not export foo()",
                assertThrows(LoadException.class, () -> FfmDemo.load(nofoo)).getMessage());
        LibraryFile abi2 = copy(lang, "abi2");
        assertEquals("abi_version() returned 2, this host needs 1",
                assertThrows(LoadException.class, () -> FfmDemo.load(abi2)).getMessage());
        assertEquals(List.of(), mappingsOf(nofoo.path()));
        assertEquals(List.of(), mappingsOf(abi2.path()));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void anOptionalFunctionAVersionLacksThrowsIllegalStateExceptionNamingIt(Lang lang) throws Exception {
        Guest<FfmDemo> guest = FfmDemo.load(copy(lang, "v1"));
        try {
            assertFalse(guest.library().defines("bar"));
            assertEquals(1, guest.binding().foo());
            IllegalStateException thrown = assertThrows(IllegalStateException.class, guest.binding()::bar);
            assertTrue(thrown.getMessage().startsWith("bar() is not defined by"), thrown.getMessage());
        } finally {
            guest.library().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theDemoCallsEachFunctionAndRefusesAClosedState(Lang lang) throws Exception {
        Guest<FfmDemo> guest = FfmDemo.load(copy(lang, "v2"));
        try (FfmState state = new FfmState()) {
            FfmDemo demo = guest.binding();
            assertEquals(1, demo.abiVersion());
            assertEquals(2, demo.foo());
            assertEquals(20, demo.bar());
            assertEquals("variant v2", demo.greeting());
            demo.update(state);
            assertEquals("frame 1, value 2.0", state.toString());
            state.close();
            state.close();  // twice is harmless
            assertThrows(IllegalStateException.class, () -> demo.update(state));
        } finally {
            guest.library().close();
        }
        Guest<FfmDemo> nullGreeting = FfmDemo.load(copy(lang, "nullgreeting"));
        try {
            assertNull(nullGreeting.binding().greeting());
        } finally {
            nullGreeting.library().close();
        }
    }

    /** A binding kept past its version's unload throws IllegalStateException: it never jumps into unmapped code. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aBindingCalledAfterItsVersionWasUnloadedThrows(Lang lang) throws Exception {
        LibraryFile file = copy(lang, "v2");
        Guest<FfmDemo> guest = FfmDemo.load(file);
        FfmDemo demo = guest.binding();
        for (int i = 0; i < 20_000; i++) {  // compiled by the JIT, with the guard folded away
            assertEquals(2, demo.foo());
        }
        guest.library().close();
        assertEquals(List.of(), mappingsOf(file.path()), "unmapped");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, demo::foo);
        assertEquals("foo() of " + file.path().getFileName() + " was unloaded", thrown.getMessage());
        assertThrows(IllegalStateException.class, demo::bar);
        assertThrows(IllegalStateException.class, demo::greeting);
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theGameRefusesALibraryWithoutItsFunctionsNamingAllOfThemInOneLine(Lang lang) throws Exception {
        LibraryFile demo = copy(lang, "v2");
        assertEquals("it does not export step() and score()",
                assertThrows(LoadException.class, () -> FfmGame.load(demo)).getMessage());
        assertEquals(List.of(), mappingsOf(demo.path()));
    }

    @Test
    void aGameStateClosesOnceAndIsRefusedAfter() {
        FfmGame.State state = new FfmGame.State();
        assertEquals(0, state.steps());
        state.close();
        state.close();
        assertThrows(IllegalStateException.class, state::x);
    }
}
