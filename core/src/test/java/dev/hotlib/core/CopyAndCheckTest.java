package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.CopyAndCheck.Prepared;
import dev.hotlib.core.CopyAndCheck.Ready;
import dev.hotlib.core.CopyAndCheck.Refused;
import dev.hotlib.core.CopyAndCheck.Unchanged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyAndCheckTest {
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
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            Ready first = (Ready) copyAndCheck.prepare(source, 1, Optional.empty());
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(first.file()));
            assertEquals(List.of(), first.warnings());
            Version running = new Version(1, source, first.file(), false);
            Natives.renameIntoPlace(Natives.variant(Lang.C, "v1"), source);  // a new file, the same bytes
            assertTrue(copyAndCheck.prepare(source, 2, Optional.of(running)) instanceof Unchanged);
            assertEquals(1, entries(copyAndCheck.shadowDirectory().orElseThrow()).size(), "the extra copy is gone");
            Natives.renameIntoPlace(Natives.variant(Lang.C, "v2"), source);
            Ready second = (Ready) copyAndCheck.prepare(source, 2, Optional.of(running));
            assertArrayEquals(Files.readAllBytes(Natives.variant(Lang.C, "v2")), Files.readAllBytes(second.file()));
            copyAndCheck.discard(second.file());
            copyAndCheck.discard(second.file());  // a missing file is no error
        }
    }

    @Test
    void aRefusedFileLeavesNoCopy() throws Exception {
        byte[] whole = Files.readAllBytes(Natives.variant(Lang.C, "v1"));
        Path source = Files.write(dir.resolve("libwatched.so"), java.util.Arrays.copyOf(whole, whole.length / 2));
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            Prepared prepared = copyAndCheck.prepare(source, 1, Optional.empty());
            assertTrue(((Refused) prepared).reason().startsWith("it is cut short: "), prepared.toString());
            assertEquals(List.of(), entries(copyAndCheck.shadowDirectory().orElseThrow()));
        }
    }

    @Test
    void aRustBuildIsReadyAndWhatItExportsAsDataIsNoted() throws Exception {
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            Path good = watched(Natives.variant(Lang.RUST, "v1"));
            Ready ready = (Ready) copyAndCheck.prepare(good, 1, Optional.empty());
            assertArrayEquals(Files.readAllBytes(good), Files.readAllBytes(ready.file()));
            Path data = watched(Natives.variant(Lang.RUST, "bardata"));
            Ready noted = (Ready) copyAndCheck.prepare(data, 2, Optional.empty());
            assertEquals("STT_OBJECT", noted.notFunctions().get("bar"), "refused when a binding looks it up");
        }
    }

    @Test
    void aShadowFolderThatCannotBeMadeIsARefusalNamingItAndTheOption() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "v1"));
        Path notAFolder = Files.write(dir.resolve("file"), new byte[] {1});
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(notAFolder.resolve("shadow"))) {
            assertEquals(new Refused("its private copy cannot be made in " + notAFolder.resolve("shadow") + ": "
                    + notAFolder + " is a file, not a folder; move the copies with -Dhotlib.shadowDir=<folder>"),
                    copyAndCheck.prepare(source, 1, Optional.empty()));
        }
    }

    @Test
    void aShadowFolderUnderAFolderOthersCanWriteIsRefusedNamingItAndTheOption() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "v1"));
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(open.resolve("shadow"))) {
            assertEquals(new Refused("its private copy cannot be made in " + open.resolve("shadow") + ": other users"
                    + " can write the folder " + open + ", and the copies must lie where no other user can replace"
                    + " them between their check and dlopen; move the copies with -Dhotlib.shadowDir=<folder>"),
                    copyAndCheck.prepare(source, 1, Optional.empty()));
            assertEquals(List.of(), entries(open));
        }
    }

    /**
     * A real small file system: a 256 KB tmpfs, mounted as root (skipped where mounting is not allowed). A file
     * that does not fit is refused before it is copied; a copy that runs out of room anyway leaves nothing.
     */
    @Test
    void aFileThatDoesNotFitIsNotCopiedAndAFullFileSystemLeavesNothingBehind() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        assumeTrue(Natives.mountTmpfs(mount, "size=256k"), "cannot mount a tmpfs here (needs root)");
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(mount)) {
            Path big = watched(Natives.variant(Lang.RUST, "v1"));
            long size = Files.size(big);
            assertTrue(size > 256 * 1024, "the Rust variant is bigger than the tmpfs");
            long free = Files.getFileStore(mount).getUsableSpace();
            assertEquals(new Refused("it is " + size + " bytes, more than the " + free + " free in " + mount + ", so it"
                    + " was not copied; free space there, or move the copies with -Dhotlib.shadowDir=<folder>"),
                    copyAndCheck.prepare(big, 1, Optional.empty()));
            assertEquals(List.of(), entries(copyAndCheck.shadowDirectory().orElseThrow()), "nothing was written");
            try (ShadowCopies copies = new ShadowCopies(mount);
                 java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(big)) {
                java.io.IOException full = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> copies.copy(in, size, "libwatched.so", 1));
                assertTrue(full.getMessage().contains("No space left on device"), full.toString());
                assertEquals(List.of(), entries(copies.dir()), "the partial copy is gone");
            }
            Path small = watched(Natives.variant(Lang.C, "v1"));
            assertTrue(copyAndCheck.prepare(small, 1, Optional.empty()) instanceof Ready, "a file that fits is copied");
        } finally {
            Natives.run(dir, "umount", mount.toString());
        }
    }

    /** A library padded to a terabyte, sparse, as {@code truncate -s 1T} makes it: refused without a byte written. */
    @Test
    void aFileFarLongerThanItsHeadersDescribeIsRefusedWithoutBeingCopied() throws Exception {
        Path source = watched(Natives.variant(Lang.C, "v1"));
        long describes = ElfCheck.inspect(ElfCheck.Source.of(Files.readAllBytes(source))).describes();
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(source.toFile(), "rw")) {
            file.setLength(1L << 40);
        }
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            assertEquals(new Refused("it is 1099511627776 bytes, far more than the " + describes + " its ELF headers"
                    + " describe (padded, or sparse, as truncate makes it), so it was not copied; rebuild it"),
                    copyAndCheck.prepare(source, 1, Optional.empty()));
            assertEquals(List.of(), entries(copyAndCheck.shadowDirectory().orElseThrow()), "nothing was written");
            try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(source.toFile(), "rw")) {
                file.setLength(Files.size(Natives.variant(Lang.C, "v1")) + (1 << 20));
            }
            assertTrue(copyAndCheck.prepare(source, 1, Optional.empty()) instanceof Ready,
                    "a megabyte of padding is copied");
        }
        Path noise = Files.write(dir.resolve("libnoise.so"), new byte[] {1, 2, 3});
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(noise.toFile(), "rw");
             CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            file.setLength(1L << 30);
            assertEquals(new Refused("it is 1073741824 bytes, and no 64-bit ELF headers describe them (it is not a"
                    + " library for this machine), so it was not copied"),
                    copyAndCheck.prepare(noise, 1, Optional.empty()));
        }
    }

    @Test
    void aNoexecShadowFolderIsRefusedNamingItAndTheOption() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("noexec"));
        assumeTrue(Natives.mountTmpfs(mount, "size=4m,noexec"), "cannot mount a tmpfs here (needs root)");
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(mount)) {
            Path source = watched(Natives.variant(Lang.C, "v1"));
            String why = ((Refused) copyAndCheck.prepare(source, 1, Optional.empty())).reason();
            assertTrue(why.contains("noexec") && why.contains(mount.toString()) && why.contains("-Dhotlib.shadowDir"),
                    why);
        } finally {
            Natives.run(dir, "umount", mount.toString());
        }
    }


    @Test
    void siblingsNamedWithOriginAreCopiedBesideAndAChangedOneAsksForARestart() throws Exception {
        Path sibling = dir.resolve("libhotlib_sibling.so");
        Files.copy(Natives.sibling("a"), sibling);
        Path source = watched(Natives.variant(Lang.C, "sibling"));
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            Ready first = (Ready) copyAndCheck.prepare(source, 1, Optional.empty());
            assertEquals(List.of(), first.warnings());
            assertArrayEquals(Files.readAllBytes(sibling),
                    Files.readAllBytes(first.file().resolveSibling("libhotlib_sibling.so")));
            Natives.renameIntoPlace(Natives.sibling("b"), sibling);
            Ready second = (Ready) copyAndCheck.prepare(source, 2, Optional.empty());
            assertEquals(1, second.warnings().size(), second.warnings().toString());
            assertTrue(second.warnings().get(0).startsWith("libhotlib_sibling.so changed since a version loaded it")
                    && second.warnings().get(0).contains("restart"), second.warnings().get(0));
        }
    }
}
