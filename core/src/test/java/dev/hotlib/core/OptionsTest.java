package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        assertEquals(o.library(), o.settings().library());
        assertEquals(Duration.ofSeconds(1), o.interval());
        assertEquals(Options.UNLIMITED_TICKS, o.ticks());
        assertEquals(Duration.ofMillis(200), o.settings().settle());
        assertEquals(Path.of("/tmp"), o.settings().shadowParent(), "java.io.tmpdir, not $TMPDIR");
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RUST|hotlib.lib accepts c, rust, or the path of a library file; \"RUST\" is neither (did you mean rust?)",
        "rsut|hotlib.lib accepts c, rust, or the path of a library file; \"rsut\" is neither (did you mean rust?)",
        "C|hotlib.lib accepts c, rust, or the path of a library file; \"C\" is neither (did you mean c?)",
        "libmine.so|hotlib.lib accepts c, rust, or the path of a library file; \"libmine.so\" is neither (for a"
                + " file that does not exist yet, write a path with a /, such as ./libmine.so)",
    })
    void aNameWithoutASlashThatIsNeitherCNorRustNorAFileIsRefusedAtOnce(String value, String message) {
        Options.OptionException e = assertThrows(Options.OptionException.class, () -> parse("hotlib.lib", value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aPathWithASlashThatDoesNotExistYetIsWaitedFor(@TempDir Path dir) throws Exception {
        Options later = parse("hotlib.lib", dir + "/build/libmine.so");
        assertEquals(dir.resolve("build/libmine.so"), later.library());
        assertEquals("", later.waitingHint(), "waiting for it to appear says enough");
    }

    @Test
    void aShadowDirThatIsAFileIsRefusedSayingItIsNotAFolder(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.write(dir.resolve("file"), new byte[] {1});
        Options.OptionException e = assertThrows(Options.OptionException.class,
                () -> parse("hotlib.shadowDir", file.toString()));
        assertEquals("hotlib.shadowDir accepts the path of a folder; " + file + " is a file, not a folder",
                e.getMessage());
        e = assertThrows(Options.OptionException.class,
                () -> parse("hotlib.shadowDir", file.resolve("shadow").toString()));
        assertEquals("hotlib.shadowDir accepts the path of a folder; " + file + " is a file, not a folder",
                e.getMessage());
        assertEquals(dir.resolve("new/shadow"), parse("hotlib.shadowDir", dir + "/new/shadow").settings()
                .shadowParent(), "a folder not made yet is made at the first copy");
    }

    @Test
    void anUnknownHotlibPropertyIsAWarningNamingTheClosestOption() throws Exception {
        assertEquals(List.of(), parse().warnings());
        assertEquals(List.of("unknown option hotlib.intervall; did you mean hotlib.interval?"),
                parse("hotlib.intervall", "250").warnings());
        assertEquals(List.of("unknown option hotlib.itnervla; did you mean hotlib.interval?"),
                parse("hotlib.itnervla", "250").warnings(), "two letters swapped, twice: two edits");
        assertEquals(List.of(
                "unknown option hotlib.library; did you mean hotlib.lib?",
                "unknown option hotlib.shadowdir; did you mean hotlib.shadowDir?",
                "unknown option hotlib.trust; did you mean hotlib.trustWritable?",
                "unknown option hotlib.zzz; the options are hotlib.lib, hotlib.interval, hotlib.ticks, hotlib.settle,"
                        + " hotlib.trustWritable, hotlib.release, hotlib.shadowDir, hotlib.root"),
                parse("hotlib.zzz", "1", "hotlib.shadowdir", "/tmp", "hotlib.trust", "true", "hotlib.library", "c")
                        .warnings());
        assertEquals(List.of(), parse("hotlib.skipNatives", "", "hotlib.fuzzInputs", "9", "hotlib.jvm.flags", "",
                "java.io.tmpdirr", "/tmp").warnings(), "the build's names, and names outside hotlib.*");
    }

    @Test
    void numbersAreRead() throws Exception {
        Options o = parse("hotlib.interval", "250", "hotlib.ticks", "3", "hotlib.settle", "0",
                "hotlib.shadowDir", "/var/tmp");
        assertEquals(Duration.ofMillis(250), o.interval());
        assertEquals(3, o.ticks());
        assertEquals(Duration.ZERO, o.settings().settle());
        assertEquals(Path.of("/var/tmp"), o.settings().shadowParent());
    }

    @Test
    void switchesAreOffUnlessSaid() throws Exception {
        assertEquals(false, parse().settings().releaseMode());
        assertEquals(false, parse().settings().trustWritable());
        assertEquals(true, parse("hotlib.release", "true").settings().releaseMode());
        assertEquals(true, parse("hotlib.trustWritable", "").settings().trustWritable(),
                "a bare -Dhotlib.trustWritable");
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
