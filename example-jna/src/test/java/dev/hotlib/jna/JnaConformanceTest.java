package dev.hotlib.jna;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Host;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.RecordingHooks;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNA backend; then what is
 * particular to JNA: its lazy defaults (open and bind), closing the NativeLibrary, and string decoding.
 */
class JnaConformanceTest extends ConformanceSuite<JnaState> {
    @Override
    public Backend<JnaState> backend() {
        return new Backend<>("JNA", JnaState::new, JnaHotlib::load, JnaHotlib::loadForGood);
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

    /** A private copy of {@code source}, as the host would load it. */
    private Path copyOf(Path source, String name) throws Exception {
        return Files.copy(source, dir.resolve(System.mapLibraryName(name)), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Builds {@code source}, C for "cc" or C++ for "c++", that includes hotlib.h, into a library in the test dir. */
    private Path build(String name, String compiler, String source) throws Exception {
        assumeTrue(onPath(compiler), compiler + " is not installed");
        Path file = Files.writeString(dir.resolve(name + (compiler.equals("c++") ? ".cpp" : ".c")), source);
        Path library = dir.resolve(System.mapLibraryName(name));
        Natives.run(dir, compiler, "-shared", "-fPIC", "-I" + Natives.root().resolve("c-lib/include"),
                "-o", library.toString(), file.toString());
        return library;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, command)));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionWithoutFooIsRefusedAtLoadAndLeftUnmapped(Lang lang) throws Exception {
        Path copy = copyOf(variant(lang, "nofoo"), "nofoo");
        LoadException e = assertThrows(LoadException.class, () -> JnaHotlib.load(copy),
                "JNA binds lazily: the load itself must look foo up");
        assertEquals(LoadException.missingSymbol("foo").getMessage(), e.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy), "a refused version does not stay loaded");
    }

    /** JNA's default, RTLD_LAZY, would load it, and the loader would end the JVM at foo()'s first call (exit 127). */
    @Test
    void anUndefinedFunctionIsRefusedAtLoadWithTheLoadersMessage() throws Exception {
        Path library = build("undefined", "cc", """
                #include "hotlib.h"
                int32_t defined_nowhere(void);
                int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }
                int32_t foo(void) { return defined_nowhere(); }
                const char *greeting(void) { return "undefined"; }
                void update(hotlib_state *state) { state->frame += 1; }
                """);
        LoadException e = assertThrows(LoadException.class, () -> JnaHotlib.load(library));
        assertEquals("it could not be loaded (undefined symbol: defined_nowhere)", e.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(library), "a refused version does not stay loaded");
    }

    @Test
    void aFileThatIsNotALibraryIsRefusedWithWhatDlopenSaid() throws Exception {
        Path junk = Files.writeString(dir.resolve(System.mapLibraryName("junk")), "not a shared object\n".repeat(100));
        LoadException e = assertThrows(LoadException.class, () -> JnaHotlib.load(junk));
        assertEquals("it could not be loaded (invalid ELF header)", e.getMessage());
    }

    /** JNA maps a NULL const char * to a null String: that is "no greeting", never the text "null". */
    @Test
    void aGreetingOfNullIsEmpty() throws Exception {
        Path library = build("nullgreeting", "cc", """
                #include <stddef.h>
                #include "hotlib.h"
                int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }
                int32_t foo(void) { return 1; }
                const char *greeting(void) { return NULL; }
                void update(hotlib_state *state) { state->frame += 1; }
                """);
        JnaHotlib guest = JnaHotlib.load(library);
        try {
            assertEquals(Optional.empty(), guest.greeting());
            assertEquals(1, guest.foo(), "and the version goes on answering");
        } finally {
            guest.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void barIsReportedFromTheLoadTimeProbe(Lang lang) throws Exception {
        JnaHotlib without = JnaHotlib.load(copyOf(variant(lang, "v1"), "v1"));
        JnaHotlib with = JnaHotlib.load(copyOf(variant(lang, "v2"), "v2"));
        try {
            assertEquals(OptionalInt.empty(), without.bar());
            assertEquals(OptionalInt.of(20), with.bar());
            assertEquals(1, without.foo(), "two versions loaded side by side, from two paths");
            assertEquals(2, with.foo());
        } finally {
            without.close();
            with.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theStateIsTheSameNativeMemoryAcrossReloads(Lang lang) throws Exception {
        try (Host<JnaState> host = host(new RecordingHooks())) {
            JnaState state = host.state();
            long address = Pointer.nativeValue(state.pointer());
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            update(host);
            renameIntoPlace(variant(lang, "v2"), watched());
            assertTrue(host.reloadIfChanged());
            update(host);

            assertEquals(address, Pointer.nativeValue(state.pointer()), "one hotlib_state for every version");
            assertEquals(2, state.frame());
            assertEquals(1.0 + 2.0, state.value());
        }
    }

    @Test
    void aFreedStateThrowsInsteadOfPassingNull() {
        JnaState state = new JnaState();
        assertEquals(0, state.frame(), "allocated zeroed");
        assertEquals(0.0, state.value());
        state.close();
        assertThrows(IllegalStateException.class, state::frame);
        assertThrows(IllegalStateException.class, state::pointer);
        state.close(); // twice is harmless
    }

    /**
     * stillLoaded() opens the version once more to ask: it must give that reference back, or closing the
     * version's NativeLibrary would leave it mapped. (The suite checks the calls after close.)
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void askingWhetherAVersionIsLoadedKeepsNoReference(Lang lang) throws Exception {
        Path copy = copyOf(variant(lang, "v2"), "v2");
        JnaHotlib guest = JnaHotlib.load(copy);
        assertTrue(guest.stillLoaded());
        assertTrue(guest.stillLoaded());
        assertEquals(2, guest.foo());
        guest.close();
        assertFalse(guest.stillLoaded());
        assertEquals(List.of(), Natives.mappingsOf(copy), "one close unmapped it");
    }

    /**
     * g++ emits an inline function's static local as STB_GNU_UNIQUE, and glibc then never unmaps the library:
     * stillLoaded() must see it, so that the host can say so.
     */
    @Test
    void aVersionTheLoaderKeepsIsReportedStillLoaded() throws Exception {
        Path unique = build("unique", "c++", """
                extern "C" {
                #include "hotlib.h"
                }
                inline int32_t &counter() { static int32_t n = 0; return n; }
                extern "C" {
                int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }
                int32_t foo(void) { return ++counter(); }
                const char *greeting(void) { return "unique"; }
                void update(hotlib_state *state) { state->frame += 1; }
                }
                """);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<JnaState> host = host(hooks)) {
            renameIntoPlace(unique, watched());
            assertTrue(host.reloadIfChanged());
            renameIntoPlace(variant(Lang.C, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            renameIntoPlace(variant(Lang.C, "v2"), watched());
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of(1, 2), hooks.unloaded);
            assertEquals(List.of(1), hooks.stillLoaded, "the unique version stays, v1 goes");
        }
    }

    /** hotlib.h says greeting() is UTF-8; JNA's default decoding would follow the locale (ASCII under C). */
    @Test
    void greetingIsDecodedAsUtf8WhateverJnasDefaultEncoding() throws Exception {
        Path library = build("utf8", "cc", """
                #include "hotlib.h"
                int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }
                int32_t foo(void) { return 1; }
                const char *greeting(void) { return "Gr\\xc3\\xbc\\xc3\\x9f\\x65, \\xe4\\xb8\\x96\\xe7\\x95\\x8c"; }
                void update(hotlib_state *state) { state->frame += 1; }
                """);
        String before = System.getProperty("jna.encoding");
        System.setProperty("jna.encoding", "US-ASCII"); // what JNA picks on its own under LANG=C
        JnaHotlib guest = JnaHotlib.load(library);
        try {
            assertEquals(Optional.of("Grüße, 世界"), guest.greeting());
        } finally {
            guest.close();
            if (before == null) {
                System.clearProperty("jna.encoding");
            } else {
                System.setProperty("jna.encoding", before);
            }
        }
    }
}
