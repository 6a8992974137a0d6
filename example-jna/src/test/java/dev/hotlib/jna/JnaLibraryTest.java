package dev.hotlib.jna;

import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** JnaLibrary, the loader, and JnaDemo's refusals, without a host: each on a private copy of a variant. */
class JnaLibraryTest {
    @TempDir
    Path dir;

    /** A private copy of the variant, as the host would load it. */
    private Path copy(Lang lang, String variant) throws Exception {
        return Files.copy(variant(lang, variant), dir.resolve(System.mapLibraryName(variant)));
    }

    /** A binding kept past its version's unload throws IllegalStateException: it never jumps into unmapped code. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aBindingCalledAfterItsVersionWasUnloadedThrows(Lang lang) throws Exception {
        Path copy = copy(lang, "v1");
        Guest<JnaDemo> guest = JnaDemo.load(LibraryFile.inspect(copy));
        JnaDemo demo = guest.binding();
        assertEquals(1, demo.foo());
        IllegalStateException missing = assertThrows(IllegalStateException.class, demo::bar);
        assertEquals("a function it does not define, of " + copy.getFileName() + ", was called", missing.getMessage());
        guest.library().close();
        assertEquals(List.of(), Natives.mappingsOf(copy), "unmapped");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, demo::foo);
        assertEquals("a function of " + copy.getFileName() + ", was called after it was unloaded", thrown.getMessage());
        assertThrows(IllegalStateException.class, demo::greeting);
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aMissingFunctionIsNullWhileOneExportedAsDataIsRefusedNamingIt(Lang lang) throws Exception {
        Path copy = copy(lang, "foodata");
        JnaLibrary library = JnaLibrary.open(LibraryFile.inspect(copy));
        try {
            assertFalse(library.defines("bar"));
            assertNull(library.function("bar"), "missing: null, for the binding to decide");
            assertTrue(library.defines("foo"), "foo is exported, as data");
            LoadException e = assertThrows(LoadException.class, () -> library.function("foo"));
            assertEquals("foo is data (STT_OBJECT), not a function: calling it would crash the JVM", e.getMessage());
            assertNotNull(library.function("greeting"), "a function is found");
        } finally {
            library.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aRefusedLoadLeavesNothingMapped(Lang lang) throws Exception {
        for (String bad : List.of("foodata", "nofoo", "abi2", "undef")) {
            Path copy = copy(lang, bad);
            assertThrows(LoadException.class, () -> JnaDemo.load(LibraryFile.inspect(copy)), bad);
            assertEquals(List.of(), Natives.mappingsOf(copy), bad + ": a refused version does not stay loaded");
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aSecondCloseIsHarmlessAndAfterCloseTheLoaderHasLetItGo(Lang lang) throws Exception {
        Path copy = copy(lang, "v2");
        JnaLibrary library = JnaLibrary.open(LibraryFile.inspect(copy));
        assertEquals(copy, library.path());
        assertTrue(library.stillLoaded());
        assertTrue(library.stillLoaded(), "asking gives back the reference it took");
        assertFalse(Natives.mappingsOf(copy).isEmpty());
        library.close();
        library.close();
        assertFalse(library.stillLoaded());
        assertEquals(List.of(), Natives.mappingsOf(copy), "one close unmapped it");
        assertThrows(IllegalStateException.class, () -> library.defines("foo"), "never dlsym(NULL, ...) after close");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void withoutFooTheDemoIsRefusedNamingIt(Lang lang) throws Exception {
        Path copy = copy(lang, "nofoo");
        LoadException e = assertThrows(LoadException.class, () -> JnaDemo.load(LibraryFile.inspect(copy)));
        assertEquals("it does not export foo()", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void anotherAbiVersionIsRefused(Lang lang) throws Exception {
        Path copy = copy(lang, "abi2");
        LoadException e = assertThrows(LoadException.class, () -> JnaDemo.load(LibraryFile.inspect(copy)));
        assertEquals("abi_version() returned 2, this host needs 1", e.getMessage());
    }

    /** JNA's default, RTLD_LAZY, would load it, and the loader would end the JVM at foo()'s first call (exit 127). */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void anUndefinedFunctionIsRefusedAtLoadWithTheLoadersMessage(Lang lang) throws Exception {
        Path copy = copy(lang, "undef");
        LoadException e = assertThrows(LoadException.class, () -> JnaLibrary.open(LibraryFile.inspect(copy)));
        assertEquals("it could not be loaded (undefined symbol: hotlib_nowhere)", e.getMessage());
    }

    /** The checks before dlopen() would refuse it first: here dlopen() is asked, and says why in one line. */
    @Test
    void aFileThatIsNotALibraryIsRefusedWithWhatDlopenSaid() throws Exception {
        Path junk = Files.writeString(dir.resolve(System.mapLibraryName("junk")), "not a shared object\n".repeat(100));
        LoadException e = assertThrows(LoadException.class, () -> JnaLibrary.open(new LibraryFile(junk, Map.of())));
        assertEquals("it could not be loaded (invalid ELF header)", e.getMessage());
    }

    /**
     * JNA keeps one NativeLibrary per path: a second open of a path that is open would share its handle, and
     * closing either would unmap the other's code under it. It is refused, and the first goes on answering.
     */
    @Test
    void aPathThatIsOpenAlreadyIsRefusedAndTheFirstGoesOn() throws Exception {
        LibraryFile file = LibraryFile.inspect(copy(Lang.C, "v2"));
        Guest<JnaDemo> first = JnaDemo.load(file);
        try {
            LoadException e = assertThrows(LoadException.class, () -> JnaDemo.load(file));
            assertEquals("it is open already from this path: each version needs a path of its own", e.getMessage());
            assertEquals(2, first.binding().foo());
        } finally {
            first.library().close();
        }
        Guest<JnaDemo> again = JnaDemo.load(file);
        assertEquals(2, again.binding().foo(), "once closed, the path opens again");
        again.library().close();
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void twoVersionsAnswerSideBySideFromTwoPaths(Lang lang) throws Exception {
        Guest<JnaDemo> v1 = JnaDemo.load(LibraryFile.inspect(copy(lang, "v1")));
        Guest<JnaDemo> v2 = JnaDemo.load(LibraryFile.inspect(copy(lang, "v2")));
        try {
            assertFalse(v1.library().defines("bar"));
            assertTrue(v2.library().defines("bar"));
            assertEquals(1, v1.binding().foo());
            assertEquals(2, v2.binding().foo());
            assertEquals(20, v2.binding().bar());
            assertEquals(1, v2.binding().abiVersion());
            assertEquals("variant v1", v1.binding().greeting());
        } finally {
            v1.library().close();
            v2.library().close();
        }
    }
}
