package dev.hotlib.jna;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.Loader;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.RecordingHooks;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNA binding of the demo; then what is
 * particular to JNA: the state as one block of native memory, a freed state, and string decoding.
 */
class JnaConformanceTest extends ConformanceSuite<JnaDemo, JnaState> {
    @Override
    public String backendName() {
        return "JNA";
    }

    @Override
    public Loader<JnaDemo> loader() {
        return JnaDemo::load;
    }

    @Override
    public JnaState newState() {
        return new JnaState();
    }

    @Override
    public long frame(JnaState state) {
        return state.frame();
    }

    @Override
    public double value(JnaState state) {
        return state.value();
    }

    @Override
    public Demo demo(JnaDemo binding, Predicate<String> defines, JnaState state) {
        return Demo.of(defines, binding::abiVersion, binding::foo, binding::bar, binding::greeting,
                () -> binding.update(state));
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theStateIsTheSameNativeMemoryAcrossReloads(Lang lang) throws Exception {
        try (Host<JnaDemo> host = host(new RecordingHooks())) {
            JnaState state = state(host);
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
            assertEquals("frame 2, value 3.0", state.toString());
        }
    }

    /** A freed Memory's address is 0: update() of a closed state must throw, not have C write through NULL. */
    @Test
    void aClosedStateThrowsInsteadOfPassingNull() throws Exception {
        Guest<JnaDemo> v1 = JnaDemo.load(LibraryFile.inspect(copy(variant(Lang.C, "v1"), "v1")));
        try {
            JnaState state = new JnaState();
            assertEquals(0, state.frame(), "allocated zeroed");
            assertEquals(0.0, state.value());
            v1.binding().update(state);
            assertEquals(1, state.frame());
            state.close();
            assertThrows(IllegalStateException.class, state::frame);
            assertThrows(IllegalStateException.class, state::value);
            assertThrows(IllegalStateException.class, () -> v1.binding().update(state));
            state.close(); // twice is harmless
        } finally {
            v1.library().close();
        }
    }

    /** hotlib.h says greeting() is UTF-8; JNA's default decoding would follow the locale (ASCII under C). */
    @Test
    void greetingIsDecodedAsUtf8WhateverJnasDefaultEncoding() throws Exception {
        assumeTrue(onPath("cc"), "cc is not installed");
        Path source = Files.writeString(dir.resolve("utf8.c"), """
                #include "hotlib.h"
                int32_t foo(void) { return 1; }
                const char *greeting(void) { return "Gr\\xc3\\xbc\\xc3\\x9f\\x65, \\xe4\\xb8\\x96\\xe7\\x95\\x8c"; }
                """);
        Path library = dir.resolve(System.mapLibraryName("utf8"));
        Natives.run(dir, "cc", "-shared", "-fPIC", "-I" + Natives.root().resolve("c-lib/include"),
                "-o", library.toString(), source.toString());
        String before = System.getProperty("jna.encoding");
        System.setProperty("jna.encoding", "US-ASCII"); // what JNA picks on its own under LANG=C
        Guest<JnaDemo> guest = JnaDemo.load(LibraryFile.inspect(library));
        try {
            assertEquals("Grüße, 世界", guest.binding().greeting());
        } finally {
            guest.library().close();
            if (before == null) {
                System.clearProperty("jna.encoding");
            } else {
                System.setProperty("jna.encoding", before);
            }
        }
    }

    private Path copy(Path source, String name) throws Exception {
        return Files.copy(source, dir.resolve(System.mapLibraryName(name)));
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, command)));
    }
}
