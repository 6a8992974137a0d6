package dev.hotlib.jna;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.RecordingHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNA backend; then what is
 * particular to JNA: lazy binding, the proxy's NativeLibrary, the Structure's memory and string decoding.
 */
class JnaConformanceTest extends ConformanceSuite<JnaState> {
    @Override
    public Backend<JnaState> backend() {
        return new JnaBackend();
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }

    /** A private copy of {@code source}, as the host would load it. */
    private Path copyOf(Path source, String name) throws Exception {
        return Files.copy(source, dir.resolve(System.mapLibraryName(name)), StandardCopyOption.REPLACE_EXISTING);
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionWithoutFooIsRefusedAtLoadAndLeftUnmapped(Lang lang) throws Exception {
        Path copy = copyOf(variant(lang, "nofoo"), "nofoo");
        LoadException e = assertThrows(LoadException.class, () -> backend().load(copy),
                "JNA binds lazily: the load itself must look foo up");
        assertEquals(LoadException.missingSymbol("foo").getMessage(), e.getMessage());
        assertEquals(List.of(), Natives.mappingsOf(copy), "a refused version does not stay loaded");
    }

    @Test
    void aFileThatIsNotALibraryIsRefusedWithWhatDlopenSaid() throws Exception {
        Path junk = Files.writeString(dir.resolve(System.mapLibraryName("junk")), "not a shared object\n".repeat(100));
        LoadException e = assertThrows(LoadException.class, () -> backend().load(junk));
        assertEquals("it could not be loaded (invalid ELF header)", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void barIsReportedFromTheLoadTimeProbe(Lang lang) throws Exception {
        try (JnaGuest without = new JnaBackend().load(copyOf(variant(lang, "v1"), "v1"));
                JnaGuest with = new JnaBackend().load(copyOf(variant(lang, "v2"), "v2"))) {
            assertEquals(OptionalInt.empty(), without.bar());
            assertEquals(OptionalInt.of(20), with.bar());
            assertEquals(1, without.foo(), "two versions loaded side by side, from two paths");
            assertEquals(2, with.foo());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theStateIsTheSameNativeMemoryAcrossReloadsAndItsFieldsFollowUpdate(Lang lang) throws Exception {
        try (Host<JnaState> host = host(new RecordingHooks())) {
            JnaState state = host.state();
            long address = Pointer.nativeValue(state.address());
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            host.call(guest -> { guest.update(state); return null; });
            renameIntoPlace(variant(lang, "v2"), watched());
            assertTrue(host.reloadIfChanged());
            host.call(guest -> { guest.update(state); return null; });

            assertEquals(address, Pointer.nativeValue(state.address()), "one hotlib_state for every version");
            assertEquals(2, state.frame());
            assertEquals(1.0 + 2.0, state.value());
            assertEquals(2, state.frame, "auto-read copied the struct back into the Java field");
            assertEquals(3.0, state.value);
        }
    }

    @Test
    void theStateIsNeverOverwrittenFromStaleJavaFields() throws Exception {
        try (JnaState state = new JnaState(); JnaGuest guest = new JnaBackend().load(copyOf(variant(Lang.C, "v2"), "v2"))) {
            guest.update(state);
            state.frame = 100; // a stray write to the Java field must not reach native memory
            guest.update(state);
            assertEquals(2, state.frame());
            assertEquals(4.0, state.value());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aClosedVersionThrowsInsteadOfCallingUnmappedCode(Lang lang) throws Exception {
        Path copy = copyOf(variant(lang, "v1"), "v1");
        Guest<JnaState> guest = backend().load(copy);
        guest.close();
        assertEquals(List.of(), Natives.mappingsOf(copy), "closing the proxy's NativeLibrary unmapped it");
        assertThrows(IllegalStateException.class, guest::foo);
        assertThrows(IllegalStateException.class, guest::greeting);
        guest.close(); // twice is harmless
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aReloadFromANewPathRunsTheNewCodeEvenAfterManyReloads(Lang lang) throws Exception {
        try (Host<JnaState> host = host(new RecordingHooks())) {
            for (int round = 0; round < 10; round++) {
                String name = round % 2 == 0 ? "v1" : "v2";
                renameIntoPlace(variant(lang, name), watched());
                assertTrue(host.reloadIfChanged(), "round " + round);
                assertEquals(round % 2 == 0 ? 1 : 2, host.call(Guest::foo).orElseThrow(), "round " + round);
                assertEquals("variant " + name, host.call(Guest::greeting).orElseThrow());
            }
            try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
                assertEquals(1, maps.filter(line -> line.contains(host.shadowDirectory().orElseThrow().toString()))
                        .map(line -> line.substring(line.indexOf('/'))).distinct().count(), "only the running version is mapped");
            }
        }
    }

    /** hotlib.h says greeting() is UTF-8; JNA's default decoding would follow the locale (ASCII under C). */
    @Test
    void greetingIsDecodedAsUtf8WhateverJnasDefaultEncoding() throws Exception {
        Path source = Files.writeString(dir.resolve("utf8.c"), """
                #include "hotlib.h"
                int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }
                int32_t foo(void) { return 1; }
                const char *greeting(void) { return "Gr\\xc3\\xbc\\xc3\\x9f\\x65, \\xe4\\xb8\\x96\\xe7\\x95\\x8c"; }
                void update(hotlib_state *state) { state->frame += 1; }
                """);
        Path library = dir.resolve(System.mapLibraryName("utf8"));
        assumeTrue(Files.exists(Natives.root().resolve("c-lib/include/hotlib.h")));
        Natives.run(dir, "cc", "-shared", "-fPIC", "-I" + Natives.root().resolve("c-lib/include"), "-o", library.toString(), source.toString());
        String before = System.getProperty("jna.encoding");
        System.setProperty("jna.encoding", "US-ASCII"); // what JNA picks on its own under LANG=C
        try (JnaGuest guest = new JnaBackend().load(library)) {
            assertEquals("Grüße, 世界", guest.greeting());
        } finally {
            if (before == null) {
                System.clearProperty("jna.encoding");
            } else {
                System.setProperty("jna.encoding", before);
            }
        }
    }
}
