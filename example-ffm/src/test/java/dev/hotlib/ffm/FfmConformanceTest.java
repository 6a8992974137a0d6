package dev.hotlib.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole conformance suite, against the C and the Rust library, with the FFM backend. */
class FfmConformanceTest extends ConformanceSuite<FfmState> {
    @Override
    public Backend<FfmState> backend() {
        return new FfmBackend();
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }

    /** The handles belong to the version's arena: once it is closed they throw, never jump into unmapped code. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aClosedVersionThrowsInsteadOfCallingUnmappedCode(Lang lang) throws Exception {
        Path copy = Files.copy(Natives.variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        Guest<FfmState> guest = backend().load(copy);
        guest.close();
        assertEquals(List.of(), Natives.mappingsOf(copy), "closing the arena unmapped it");
        assertThrows(IllegalStateException.class, guest::foo);
        assertThrows(IllegalStateException.class, guest::bar);
        assertThrows(IllegalStateException.class, guest::greeting);
        try (FfmState state = new FfmState()) {
            assertThrows(IllegalStateException.class, () -> guest.update(state));
        }
    }
}
