package dev.hotlib.javacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JavaCPP binding itself promises, below the host and beside the suite (whose pin scenarios check the
 * calls after close): a NULL greeting, a library that cannot be fully resolved, a freed state, and the loader's
 * own answer to stillLoaded(). The odd libraries are compiled here from a few lines of C.
 */
class JavacppHotlibTest {
    @TempDir
    Path dir;

    private static final String HOTLIB = """
            #include <stdint.h>
            typedef struct hotlib_state { int64_t frame; double value; } hotlib_state;
            int32_t abi_version(void) { return 1; }
            void update(hotlib_state *state) { state->frame += 1; }
            """;

    @Test
    void aGreetingOfNullIsEmpty() throws Exception {
        Path file = compile("nullgreeting", HOTLIB + """
                int32_t foo(void) { return 4; }
                const char *greeting(void) { return 0; }
                """);
        JavacppHotlib hotlib = JavacppHotlib.load(file);
        try {
            assertEquals(Optional.empty(), hotlib.greeting());
            assertEquals(4, hotlib.foo(), "the version keeps answering");
        } finally {
            hotlib.close();
        }
    }

    @Test
    void aFunctionDefinedNowhereIsRefusedAtLoadWithTheLoadersReason() throws Exception {
        Path file = compile("undefined", HOTLIB + """
                int32_t defined_nowhere(void);
                int32_t foo(void) { return defined_nowhere(); }
                const char *greeting(void) { return "hello"; }
                """);
        LoadException refused = assertThrows(LoadException.class, () -> JavacppHotlib.load(file));
        assertTrue(refused.getMessage().contains("undefined symbol: defined_nowhere"), refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(file), "nothing of it stays mapped");
    }

    @Test
    void aFailedLoadSaysWhyWithoutRepeatingThePath() throws Exception {
        Path missing = dir.resolve("libmissing.so");
        LoadException refused = assertThrows(LoadException.class, () -> JavacppHotlib.load(missing));
        assertEquals("it could not be loaded (cannot open shared object file: No such file or directory)",
                refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void updateOfAFreedStateThrowsInsteadOfPassingNull(Lang lang) throws Exception {
        JavacppHotlib hotlib = JavacppHotlib.load(copyOf(lang, "v1"));
        try {
            JavacppState state = new JavacppState();
            hotlib.update(state);
            assertEquals(1, state.frame());
            state.close();
            state.close(); // twice is harmless: deleted once
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> hotlib.update(state));
            assertEquals("the state was freed", thrown.getMessage());
            assertEquals(1, hotlib.foo(), "the version keeps answering");
        } finally {
            hotlib.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void stillLoadedAsksTheLoaderAndLoadsNothing(Lang lang) throws Exception {
        Path file = copyOf(lang, "v1");
        JavacppHotlib hotlib = JavacppHotlib.load(file);
        assertTrue(hotlib.stillLoaded(), "loaded until closed");
        assertTrue(hotlib.stillLoaded(), "asked again");
        hotlib.close();  // had either question kept its reference, the library would stay loaded now
        assertFalse(hotlib.stillLoaded());
        assertEquals(List.of(), Natives.mappingsOf(file), "unmapped, and not mapped again by the question");
    }

    /**
     * Release mode's function pointers, called past ForGood's own check (as a call racing the close would be):
     * before a version is bound and after it is unloaded they refuse with an exception, never a jump into
     * unmapped code; while bound they call the version, bar() included.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void releaseModesFunctionPointersRefuseWhenNoVersionIsBound(Lang lang) throws Exception {
        Path file = copyOf(lang, "v2");
        RuntimeException before = assertThrows(RuntimeException.class, JavacppHotlib.Binding::fooForGood);
        assertTrue(before.getMessage().contains("no version of the library is bound"), before.getMessage());
        var guest = JavacppHotlib.loadForGood(file);
        try {
            assertEquals(2, JavacppHotlib.Binding.fooForGood());
            assertEquals(20, JavacppHotlib.Binding.barForGood());
        } finally {
            guest.close();
        }
        assertEquals(List.of(), Natives.mappingsOf(file), "unloaded");
        assertThrows(RuntimeException.class, JavacppHotlib.Binding::fooForGood);
        assertThrows(RuntimeException.class, JavacppHotlib.Binding::greetingForGood);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, guest::foo);
        assertTrue(thrown.getMessage().contains("was unloaded"), thrown.getMessage());
    }

    /** A private copy of a variant, at a path no other test loads. */
    private Path copyOf(Lang lang, String variant) throws IOException {
        return Files.copy(Natives.variant(lang, variant), dir.resolve(System.mapLibraryName(variant)));
    }

    /** Compiles {@code source} into a shared library, as CMake would (gcc -shared accepts undefined symbols). */
    private Path compile(String name, String source) throws IOException {
        Path c = Files.writeString(dir.resolve(name + ".c"), source);
        Path library = dir.resolve(System.mapLibraryName(name));
        Natives.run(dir, "cc", "-shared", "-fPIC", "-o", library.toString(), c.toString());
        return library;
    }
}
