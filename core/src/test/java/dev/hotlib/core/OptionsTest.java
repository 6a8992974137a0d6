package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    private static Options parse(String... keysAndValues) throws Options.OptionException {
        Properties p = new Properties();
        p.setProperty("hotlib.root", "/repo");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Options.from(p);
    }

    @Test
    void defaultsWatchTheCLibraryOnceASecondForever() throws Exception {
        Options o = parse();
        assertEquals(Path.of("/repo/build/lib").resolve(System.mapLibraryName("hotlib_c")), o.library());
        assertEquals(Duration.ofSeconds(1), o.interval());
        assertEquals(Options.UNLIMITED_TICKS, o.ticks());
        assertEquals(Duration.ofMillis(200), o.settle());
        assertEquals("cmake -S /repo -B /repo/build && cmake --build /repo/build", o.buildHint());
    }

    @Test
    void rustAndAnyPathSelectTheLibrary() throws Exception {
        assertEquals(Path.of("/repo/build/lib").resolve(System.mapLibraryName("hotlib_rust")), parse("hotlib.lib", "rust").library());
        Options custom = parse("hotlib.lib", "/somewhere/libmine.so");
        assertEquals(Path.of("/somewhere/libmine.so"), custom.library());
        assertEquals("", custom.buildHint());
    }

    @Test
    void numbersAreRead() throws Exception {
        Options o = parse("hotlib.interval", "250", "hotlib.ticks", "3", "hotlib.settle", "0");
        assertEquals(Duration.ofMillis(250), o.interval());
        assertEquals(3, o.ticks());
        assertEquals(Duration.ZERO, o.settle());
    }

    @Test
    void switchesAreOffUnlessSaid() throws Exception {
        assertEquals(false, parse().release());
        assertEquals(false, parse().trustWritable());
        assertEquals(true, parse("hotlib.release", "true").release());
        assertEquals(true, parse("hotlib.trustWritable", "").trustWritable()); // a bare -Dhotlib.trustWritable
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hotlib.interval|abc|hotlib.interval accepts a whole number of milliseconds, 1 or more; got \"abc\"",
        "hotlib.interval|0|hotlib.interval accepts a whole number of milliseconds, 1 or more; got \"0\"",
        "hotlib.ticks|-1|hotlib.ticks accepts a whole number of ticks, 1 or more; got \"-1\"",
        "hotlib.settle|x|hotlib.settle accepts a whole number of milliseconds, 0 or more; got \"x\"",
        "hotlib.lib|' '|hotlib.lib accepts c, rust, or the path of a library file; it was empty",
        "hotlib.release|maybe|hotlib.release accepts true or false; got \"maybe\"",
        "hotlib.trustWritable|yes|hotlib.trustWritable accepts true or false; got \"yes\"",
    })
    void aBadValueIsOneLineNamingTheOptionAndWhatItAccepts(String name, String value, String message) {
        Options.OptionException e = assertThrows(Options.OptionException.class, () -> parse(name, value));
        assertEquals(message, e.getMessage());
    }
}
