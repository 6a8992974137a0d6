package dev.hotlib.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole conformance suite, against the C and the Rust library, with the FFM backend; then release mode's sites. */
class FfmConformanceTest extends ConformanceSuite<FfmState> {
    @Override
    public Backend<FfmState> backend() {
        return new Backend<>("FFM", FfmState::new, FfmHotlib::load, FfmHotlib::loadForGood);
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

    /**
     * Release mode's call sites, called past ForGood's own check (as a call racing the close would be): before
     * a version is bound and after it is unloaded they throw IllegalStateException, never jump into unmapped
     * code; while bound they call the version.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void releaseModesCallSitesThrowWhenNoVersionIsBound(Lang lang, @TempDir Path dir) throws Throwable {
        Path file = Files.copy(Natives.variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        assertThrows(IllegalStateException.class, () -> { int unused = (int) FfmHotlib.ForGood.FOO.invokeExact(); });
        Guest<FfmState> guest = FfmHotlib.loadForGood(file);
        try {
            assertEquals(2, (int) FfmHotlib.ForGood.FOO.invokeExact());
            assertEquals(20, (int) FfmHotlib.ForGood.BAR.invokeExact());
        } finally {
            guest.close();
        }
        assertEquals(List.of(), Natives.mappingsOf(file), "unloaded");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> { int unused = (int) FfmHotlib.ForGood.FOO.invokeExact(); });
        assertTrue(thrown.getMessage().contains("no version of the library is bound"), thrown.getMessage());
    }
}
