package dev.hotlib.javacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ABI-neutral loader, below the host: what it finds, what it refuses, and how it unloads. A small binding of
 * its own asks for the names; its {@code int32_t (*)(void)} native is the demo's.
 */
class JavacppLibraryTest {
    @TempDir
    Path dir;

    /** foo and bar as {@code int32_t (*)(void)}: foo required, bar optional. */
    static final class FooBar extends JavacppBinding {
        static final Function FOO = required("foo");
        static final Function BAR = optional("bar");

        FooBar(JavacppLibrary library) throws LoadException {
            super(library);
        }

        int foo() {
            return JavacppDemo.int32(at(FOO));
        }

        boolean hasBar() {
            return defines(BAR);
        }
    }

    /** Three required functions, two of which no variant exports. */
    static final class Lacking extends JavacppBinding {
        static final Function FIRST = required("hotlib_first");
        static final Function FOO = required("foo");
        static final Function SECOND = required("hotlib_second");

        Lacking(JavacppLibrary library) throws LoadException {
            super(library);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aMissingSymbolIsEmptyWhileOneExportedAsDataIsRefusedNamingIt(Lang lang) throws Exception {
        Guest<FooBar> v1 = JavacppLibrary.load(LibraryFile.inspect(copyOf(lang, "v1")), FooBar::new);
        try {
            assertFalse(v1.binding().hasBar(), "v1 does not export bar");
            assertFalse(v1.library().defines("bar"));
            assertEquals(1, v1.binding().foo());
        } finally {
            v1.library().close();
        }
        Path foodata = copyOf(lang, "foodata");
        LoadException refused = assertThrows(LoadException.class,
                () -> JavacppLibrary.load(LibraryFile.inspect(foodata), FooBar::new));
        assertTrue(refused.getMessage().startsWith("foo is data (STT_OBJECT), not a function"), refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(foodata), "the refused version is unloaded");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void everyMissingRequiredFunctionIsNamedInOneRefusal(Lang lang) throws Exception {
        Path v1 = copyOf(lang, "v1");
        LoadException refused = assertThrows(LoadException.class,
                () -> JavacppLibrary.load(LibraryFile.inspect(v1), Lacking::new));
        assertEquals("it does not export hotlib_first() and hotlib_second()", refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(v1), "the refused version is unloaded");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void closeUnloadsOnceAndStillLoadedAsksTheLoaderWithoutLoading(Lang lang) throws Exception {
        Path copy = copyOf(lang, "v2");
        Guest<FooBar> v2 = JavacppLibrary.load(LibraryFile.inspect(copy), FooBar::new);
        assertTrue(v2.library().stillLoaded(), "loaded until closed");
        assertTrue(v2.library().stillLoaded(), "asked again");
        assertEquals(2, v2.binding().foo());
        v2.library().close();  // had either question kept its reference, the library would stay loaded now
        v2.library().close();  // twice is harmless
        assertFalse(v2.library().stillLoaded());
        assertEquals(List.of(), Natives.mappingsOf(copy), "unmapped, and not mapped again by the question");
        assertFalse(v2.library().defines("foo"), "a closed version defines nothing");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, v2.binding()::foo);
        assertEquals("foo() of libv2.so was unloaded", thrown.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFunctionDefinedNowhereIsRefusedAtLoadWithTheLoadersReason(Lang lang) throws Exception {
        Path undef = copyOf(lang, "undef");
        LoadException refused = assertThrows(LoadException.class,
                () -> JavacppLibrary.load(LibraryFile.inspect(undef), FooBar::new));
        assertTrue(refused.getMessage().startsWith("it could not be loaded (")
                && refused.getMessage().contains("undefined symbol: hotlib_nowhere"), refused.getMessage());
        assertFalse(refused.getMessage().contains(undef.toString()), "without the path: " + refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(undef), "nothing of it stays mapped");
    }

    @Test
    void aFailedLoadSaysWhyWithoutRepeatingThePath() {
        LibraryFile missing = new LibraryFile(dir.resolve("libmissing.so"), Map.of());
        LoadException refused = assertThrows(LoadException.class, () -> JavacppLibrary.load(missing, FooBar::new));
        assertEquals("it could not be loaded (cannot open shared object file: No such file or directory)",
                refused.getMessage());
    }

    /** A private copy of a variant, at a path no other test loads. */
    private Path copyOf(Lang lang, String variant) throws IOException {
        return Files.copy(Natives.variant(lang, variant), dir.resolve(System.mapLibraryName(variant)));
    }
}
