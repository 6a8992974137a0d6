package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic sample (ClassicSample) builds, as its user's CMake builds it, foo alone, then foo and bar. */
class ClassicSampleTest {
    @TempDir
    Path temp;

    @Test
    void buildsFooAloneThenFooAndBarAfterTheEdit() throws Exception {
        ClassicSample sample = ClassicSample.buildIn(temp);
        Path library = sample.library();
        assertEquals(temp.resolve("classic/build").resolve(System.mapLibraryName("foo")), library);
        Map<String, String> symbols = definedDynamicSymbols(library);
        assertEquals("T", symbols.get("foo"), "foo is exported as a function: " + symbols);
        assertFalse(symbols.containsKey("bar"), "bar is commented out: " + symbols);

        assertEquals(library, sample.edit());
        symbols = definedDynamicSymbols(library);
        assertEquals("T", symbols.get("foo"), "foo is still exported: " + symbols);
        assertEquals("T", symbols.get("bar"), "the edit exports bar as a function: " + symbols);
        String edited = Files.readString(sample.dir().resolve("src/lib.c"));
        assertTrue(edited.contains("return 5;") && !edited.contains("return 4;") && !edited.contains("//"), edited);
    }

    @Test
    void theEditChangesTheCopyNotTheSample() throws Exception {
        Path original = Natives.root().resolve("core/src/test/resources/classic/src/lib.c");
        String before = Files.readString(original);
        ClassicSample.buildIn(temp).edit();
        assertEquals(before, Files.readString(original));
    }

    /** The dynamic symbols {@code library} defines, by name, with nm's type letter (T: code, D, B or R: data). */
    private static Map<String, String> definedDynamicSymbols(Path library) throws IOException, InterruptedException {
        Process nm = new ProcessBuilder(List.of("nm", "-D", "--defined-only", library.toString()))
                .redirectErrorStream(true).start();
        String output = new String(nm.getInputStream().readAllBytes());
        assertTrue(nm.waitFor(1, TimeUnit.MINUTES), "nm timed out");
        assertEquals(0, nm.exitValue(), "nm -D failed:\n" + output);
        Map<String, String> symbols = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3) {
                symbols.put(fields[2], fields[1]);
            }
        }
        return symbols;
    }
}
