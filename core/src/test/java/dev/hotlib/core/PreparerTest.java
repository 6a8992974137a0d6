package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.Preparer.Prepared;
import dev.hotlib.core.Preparer.Ready;
import dev.hotlib.core.Preparer.Refused;
import dev.hotlib.core.Preparer.Unchanged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparerTest {
    @TempDir
    Path dir;

    private Path watched(Path variant) throws Exception {
        Path file = dir.resolve("libwatched.so");
        Natives.renameIntoPlace(variant, file);
        return file;
    }

    private static List<Path> entries(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.toList();
        }
    }

    @Test
    void aBuildIsCopiedByteForByteAndTheSameBytesAgainAreUnchanged() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "v1"));
        try (Preparer preparer = Preparer.withShadowCopies(dir.resolve("shadow"))) {
            Ready first = (Ready) preparer.prepare(source, 1, Optional.empty());
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(first.file()));
            assertEquals(List.of(), first.warnings());
            Version running = new Version(1, source, Optional.of(first.file()));
            Natives.renameIntoPlace(Natives.variant(Lang.C, "v1"), source);  // a new file, the same bytes
            assertTrue(preparer.prepare(source, 2, Optional.of(running)) instanceof Unchanged);
            assertEquals(1, entries(preparer.shadowDirectory().orElseThrow()).size(), "the extra copy is gone");
            Natives.renameIntoPlace(Natives.variant(Lang.C, "v2"), source);
            Ready second = (Ready) preparer.prepare(source, 2, Optional.of(running));
            assertArrayEquals(Files.readAllBytes(Natives.variant(Lang.C, "v2")), Files.readAllBytes(second.file()));
            preparer.discard(second.file());
            preparer.discard(second.file());  // a missing file is no error
        }
    }

    @Test
    void aRefusedFileLeavesNoCopy() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "foodata"));
        try (Preparer preparer = Preparer.withShadowCopies(dir.resolve("shadow"))) {
            Prepared prepared = preparer.prepare(source, 1, Optional.empty());
            assertTrue(((Refused) prepared).reason().startsWith("foo is data (STT_OBJECT), not a function"),
                    prepared.toString());
            assertEquals(List.of(), entries(preparer.shadowDirectory().orElseThrow()));
        }
    }

    @Test
    void inPlaceChecksTheFileItself() throws Exception {
        try (Preparer preparer = Preparer.inPlace()) {
            Path good = watched(Natives.variant(Lang.RUST, "v1"));
            assertEquals(new Ready(good, List.of()), preparer.prepare(good, 1, Optional.empty()));
            Path bad = watched(Natives.variant(Lang.RUST, "bardata"));
            assertTrue(preparer.prepare(bad, 1, Optional.empty()) instanceof Refused);
        }
    }

    @Test
    void aShadowFolderThatCannotBeMadeIsARefusalNamingItAndTheOption() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "v1"));
        Path notAFolder = Files.write(dir.resolve("file"), new byte[] {1});
        try (Preparer preparer = Preparer.withShadowCopies(notAFolder.resolve("shadow"))) {
            String why = ((Refused) preparer.prepare(source, 1, Optional.empty())).reason();
            assertTrue(why.contains(notAFolder.resolve("shadow").toString()) && why.contains("-Dhotlib.shadowDir"),
                    why);
        }
    }

    /** A real full file system: a 256 KB tmpfs, mounted as root (skipped where mounting is not allowed). */
    @Test
    void aFullFileSystemLeavesNothingBehindAndAFileThatFitsIsLoadedAfter() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        assumeTrue(mount(mount, "size=256k"), "cannot mount a tmpfs here (needs root)");
        try (Preparer preparer = Preparer.withShadowCopies(mount)) {
            Path big = watched(Natives.variant(Lang.RUST, "v1"));
            assumeTrue(Files.size(big) > 256 * 1024, "the Rust variant is bigger than the tmpfs");
            String why = ((Refused) preparer.prepare(big, 1, Optional.empty())).reason();
            assertTrue(why.contains("No space left on device") && why.contains(mount.toString())
                    && why.contains("-Dhotlib.shadowDir"), why);
            assertEquals(List.of(), entries(preparer.shadowDirectory().orElseThrow()), "the partial copy is gone");
            Path small = watched(Natives.variant(Lang.C, "v1"));
            assertTrue(preparer.prepare(small, 1, Optional.empty()) instanceof Ready, "a file that fits is copied");
        } finally {
            Natives.run(dir, "umount", mount.toString());
        }
    }

    @Test
    void aNoexecShadowFolderIsRefusedNamingItAndTheOption() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("noexec"));
        assumeTrue(mount(mount, "size=4m,noexec"), "cannot mount a tmpfs here (needs root)");
        try (Preparer preparer = Preparer.withShadowCopies(mount)) {
            Path source = watched(Natives.variant(Lang.C, "v1"));
            String why = ((Refused) preparer.prepare(source, 1, Optional.empty())).reason();
            assertTrue(why.contains("noexec") && why.contains(mount.toString()) && why.contains("-Dhotlib.shadowDir"),
                    why);
        } finally {
            Natives.run(dir, "umount", mount.toString());
        }
    }

    private static boolean mount(Path at, String options) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        return mount.waitFor() == 0;
    }

    @Test
    void siblingsNamedWithOriginAreCopiedBesideAndAChangedOneAsksForARestart() throws Exception {
        Path sibling = dir.resolve("libhotlib_sibling.so");
        Files.copy(Natives.sibling("a"), sibling);
        Path source = watched(Natives.variant(Lang.C, "sibling"));
        try (Preparer preparer = Preparer.withShadowCopies(dir.resolve("shadow"))) {
            Ready first = (Ready) preparer.prepare(source, 1, Optional.empty());
            assertEquals(List.of(), first.warnings());
            assertArrayEquals(Files.readAllBytes(sibling),
                    Files.readAllBytes(first.file().resolveSibling("libhotlib_sibling.so")));
            Natives.renameIntoPlace(Natives.sibling("b"), sibling);
            Ready second = (Ready) preparer.prepare(source, 2, Optional.empty());
            assertEquals(1, second.warnings().size(), second.warnings().toString());
            assertTrue(second.warnings().get(0).startsWith("libhotlib_sibling.so changed since a version loaded it")
                    && second.warnings().get(0).contains("restart"), second.warnings().get(0));
        }
    }
}
