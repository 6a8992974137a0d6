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
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JavaCPP binding itself promises, below the host: a NULL greeting, a library that cannot be fully
 * resolved, the calls after close, and the loader's own answer to stillLoaded(). The odd libraries are
 * compiled here from a few lines of C.
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
    void everyCallAfterCloseThrowsIllegalStateException(Lang lang) throws Exception {
        Path file = copyOf(lang, "v2");
        JavacppHotlib hotlib = JavacppHotlib.load(file);
        assertEquals(OptionalInt.of(20), hotlib.bar());
        hotlib.close();
        hotlib.close(); // a second close does nothing: never a second dlclose
        try (JavacppState state = new JavacppState()) {
            List<Executable> calls = List.of(hotlib::abiVersion, hotlib::foo, hotlib::bar, hotlib::greeting,
                    () -> hotlib.update(state));
            for (Executable call : calls) {
                IllegalStateException thrown = assertThrows(IllegalStateException.class, call);
                assertEquals("version " + file + " was unloaded", thrown.getMessage());
            }
            assertEquals(0, state.frame(), "update() never reached the library");
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void stillLoadedAsksTheLoaderAndLoadsNothing(Lang lang) throws Exception {
        Path file = copyOf(lang, "v1");
        JavacppHotlib hotlib = JavacppHotlib.load(file);
        assertTrue(hotlib.stillLoaded(), "loaded until closed");
        assertTrue(hotlib.stillLoaded(), "asking took no reference of its own");
        hotlib.close();
        assertFalse(hotlib.stillLoaded());
        assertEquals(List.of(), Natives.mappingsOf(file), "unmapped, and not mapped again by the question");
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
