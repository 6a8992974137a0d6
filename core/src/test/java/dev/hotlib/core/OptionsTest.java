package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    private static Options parse(String... keysAndValues) throws Options.OptionException {
        Properties p = new Properties();
        p.setProperty("hotlib.root", "/repo");
        p.setProperty("java.io.tmpdir", "/tmp");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Options.from(p);
    }

    @Test
    void defaultsWatchTheCLibraryOnceASecondForever() throws Exception {
        Options o = parse();
        assertEquals(Path.of("/repo/build/lib").resolve(System.mapLibraryName("hotlib_c")), o.library());
        assertEquals(o.library(), o.host().library());
        assertEquals(Duration.ofSeconds(1), o.interval());
        assertEquals(Options.UNLIMITED_TICKS, o.ticks());
        assertEquals(Duration.ofMillis(200), o.host().settle());
        assertEquals(Path.of("/tmp"), o.host().shadowParent(), "java.io.tmpdir, not $TMPDIR");
        assertEquals("build it with  cmake -S /repo -B /repo/build && cmake --build /repo/build", o.waitingHint());
    }

    @Test
    void rustAndAnyPathSelectTheLibrary(@TempDir Path dir) throws Exception {
        assertEquals(Path.of("/repo/build/lib").resolve(System.mapLibraryName("hotlib_rust")),
                parse("hotlib.lib", "rust").library());
        Options custom = parse("hotlib.lib", dir.toString());
        assertEquals(dir, custom.library());
        assertEquals("", custom.waitingHint(), "an existing path needs no hint");
    }

    @Test
    void aValueThatIsNeitherCNorRustNorAnExistingPathSaysWhatTheOptionTakes() throws Exception {
        Options typo = parse("hotlib.lib", "rsut");
        assertTrue(typo.waitingHint().startsWith(
                "hotlib.lib accepts c, rust, or the path of a library file, and \"rsut\""),
                typo.waitingHint());
    }

    @Test
    void numbersAreRead() throws Exception {
        Options o = parse("hotlib.interval", "250", "hotlib.ticks", "3", "hotlib.settle", "0",
                "hotlib.shadowDir", "/var/tmp");
        assertEquals(Duration.ofMillis(250), o.interval());
        assertEquals(3, o.ticks());
        assertEquals(Duration.ZERO, o.host().settle());
        assertEquals(Path.of("/var/tmp"), o.host().shadowParent());
    }

    @Test
    void switchesAreOffUnlessSaid() throws Exception {
        assertEquals(false, parse().host().release());
        assertEquals(false, parse().host().trustWritable());
        assertEquals(true, parse("hotlib.release", "true").host().release());
        assertEquals(true, parse("hotlib.trustWritable", "").host().trustWritable()); // a bare -Dhotlib.trustWritable
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hotlib.interval|abc|hotlib.interval accepts a whole number of milliseconds, 1 or more; got \"abc\"",
        "hotlib.interval|0|hotlib.interval accepts a whole number of milliseconds, 1 or more; got \"0\"",
        "hotlib.ticks|-1|hotlib.ticks accepts a whole number of ticks, 1 or more; got \"-1\"",
        "hotlib.settle|x|hotlib.settle accepts a whole number of milliseconds, from 0 to 60000; got \"x\"",
        "hotlib.settle|9223372036854775807|hotlib.settle accepts a whole number of milliseconds, from 0 to 60000;"
                + " got \"9223372036854775807\"",
        "hotlib.lib|' '|hotlib.lib accepts c, rust, or the path of a library file; it was empty",
        "hotlib.shadowDir|' '|hotlib.shadowDir accepts the path of a folder; it was empty",
        "hotlib.release|maybe|hotlib.release accepts true or false; got \"maybe\"",
        "hotlib.trustWritable|yes|hotlib.trustWritable accepts true or false; got \"yes\"",
    })
    void aBadValueIsOneLineNamingTheOptionAndWhatItAccepts(String name, String value, String message) {
        Options.OptionException e = assertThrows(Options.OptionException.class, () -> parse(name, value));
        assertEquals(message, e.getMessage());
    }
}
