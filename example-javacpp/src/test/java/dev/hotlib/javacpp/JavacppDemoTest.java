package dev.hotlib.javacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the demo's binding promises, below the host and beside the suite: its refusals, a NULL greeting, a
 * function the version lacks, a freed state, and calls into an unloaded version.
 */
class JavacppDemoTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionWithoutFooOrWithAnotherAbiIsRefusedAndUnloaded(Lang lang) throws Exception {
        assertRefused(lang, "nofoo", "it does not export foo()");
        assertRefused(lang, "abi2", "abi_version() returned 2, this host needs 1");
    }

    private void assertRefused(Lang lang, String variant, String reason) throws IOException {
        Path copy = copyOf(lang, variant);
        LoadException refused = assertThrows(LoadException.class, () -> JavacppDemo.load(LibraryFile.inspect(copy)));
        assertEquals(reason, refused.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy), "the refused version is unloaded");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aGreetingOfNullIsNullAndAFunctionTheVersionLacksThrows(Lang lang) throws Exception {
        Guest<JavacppDemo> guest = JavacppDemo.load(LibraryFile.inspect(copyOf(lang, "nullgreeting")));
        try {
            assertNull(guest.binding().greeting());
            assertEquals(4, guest.binding().foo(), "the version keeps answering");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, guest.binding()::bar);
            assertEquals("bar() is not defined by libnullgreeting.so", thrown.getMessage());
        } finally {
            guest.library().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void updateOfAFreedStateThrowsInsteadOfPassingNull(Lang lang) throws Exception {
        Guest<JavacppDemo> guest = JavacppDemo.load(LibraryFile.inspect(copyOf(lang, "v1")));
        try (JavacppState state = new JavacppState()) {
            guest.binding().update(state);
            assertEquals("frame 1, value 1.0", state.toString());
            state.close();
            state.close(); // twice is harmless: deleted once
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> guest.binding().update(state));
            assertEquals("the state was freed", thrown.getMessage());
            assertEquals(1, guest.binding().foo(), "the version keeps answering");
        } finally {
            guest.library().close();
        }
    }

    /** A binding kept past its version's unload: every call throws, none jumps into unmapped code. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void everyCallIntoAnUnloadedVersionThrowsIllegalStateException(Lang lang) throws Exception {
        Path copy = copyOf(lang, "v2");
        Guest<JavacppDemo> guest = JavacppDemo.load(LibraryFile.inspect(copy));
        JavacppDemo demo = guest.binding();
        assertEquals(20, demo.bar());
        guest.library().close();
        assertEquals(List.of(), Natives.mappingsOf(copy), "unloaded");
        try (JavacppState state = new JavacppState()) {
            Map<String, Runnable> calls = Map.of("abi_version", demo::abiVersion, "foo", demo::foo, "bar", demo::bar,
                    "greeting", demo::greeting, "update", () -> demo.update(state));
            calls.forEach((name, call) -> {
                IllegalStateException thrown = assertThrows(IllegalStateException.class, call::run);
                assertEquals(name + "() of libv2.so was unloaded", thrown.getMessage());
            });
            assertEquals(0, state.frame(), "the refused update() never ran");
        }
    }

    /** A private copy of a variant, at a path no other test loads. */
    private Path copyOf(Lang lang, String variant) throws IOException {
        return Files.copy(Natives.variant(lang, variant), dir.resolve(System.mapLibraryName(variant)));
    }
}
