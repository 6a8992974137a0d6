package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowCopiesTest {
    @TempDir
    Path parent;

    private static Path copyOf(ShadowCopies copies, Path file, int version) throws Exception {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             ShadowCopies.Copy copy = copies.copy(in, in.size(), file.getFileName().toString(), version)) {
            return copy.path();
        }
    }

    @Test
    void eachVersionGetsAFreshFileInAnOwnerOnlyFolder() throws Exception {
        Path source = Files.write(parent.resolve("libhotlib_c.so"), new byte[] {1, 2, 3});
        try (ShadowCopies copies = new ShadowCopies(parent.resolve("shadow"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copies.dir())));
            assertEquals("rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(copies.dir().getParent())));
            Path a = copyOf(copies, source, 1);
            Path b = copyOf(copies, source, 1);
            assertNotEquals(a, b, "never reused paths");
            assertTrue(a.getFileName().toString().matches("libhotlib_c-v1-\\d+\\.so"), a.toString());
            assertEquals(copies.dir(), a.getParent());
            assertEquals(3, Files.size(a));
            copies.delete(a);
            assertFalse(Files.exists(a));
            copies.delete(a);  // a missing copy is no error
            Path moved = copies.moveIntoOwnFolder(b, "libhotlib_c.so", 1);
            assertEquals("libhotlib_c.so", moved.getFileName().toString(), "the file's own name, for $ORIGIN");
            assertTrue(moved.getParent().getFileName().toString().matches("v1-\\d+"), moved.toString());
            Path beside = copies.copyBeside(moved, Files.write(parent.resolve("libdep.so"), new byte[] {4}));
            assertEquals(moved.getParent(), beside.getParent());
            copies.delete(moved);
            assertFalse(Files.exists(moved.getParent()), "the version's folder goes with it");
        }
    }

    @Test
    void closeDeletesTheFolder() throws Exception {
        ShadowCopies copies = new ShadowCopies(parent);
        copyOf(copies, Files.write(parent.resolve("libx.so"), new byte[] {1}), 1);
        Path dir = copies.dir();
        copies.close();
        assertFalse(Files.exists(dir.getParent()));
    }

    @Test
    void aFolderRemovedWhileRunningIsMadeAgain() throws Exception {
        Path source = Files.write(parent.resolve("libx.so"), new byte[] {1, 2});
        try (ShadowCopies copies = new ShadowCopies(parent.resolve("shadow"))) {
            Natives.run(parent, "rm", "-rf", parent.resolve("shadow").toString());
            assertTrue(copies.usableSpace() > 0, "asked of a folder made again");
            Natives.run(parent, "rm", "-rf", parent.resolve("shadow").toString());
            Path copy = copyOf(copies, source, 2);
            assertTrue(Files.isRegularFile(copy));
            assertTrue(Files.isRegularFile(copies.dir().resolveSibling(".lock")), "locked again");
        }
    }

    @Test
    void aFolderThatCannotBeMadeDoesNotThrowFromTheConstructorAndSaysItIsNotAFolder() throws Exception {
        Path notAFolder = Files.write(parent.resolve("file"), new byte[] {1});
        Path source = Files.write(parent.resolve("libx.so"), new byte[] {1});
        for (Path shadowDir : List.of(notAFolder, notAFolder.resolve("shadow"))) {
            try (ShadowCopies copies = new ShadowCopies(shadowDir)) {
                assertEquals(null, copies.dir());
                ShadowCopies.UnsafeFolder e = assertThrows(ShadowCopies.UnsafeFolder.class,
                        () -> copyOf(copies, source, 1));
                assertEquals("its private copy cannot be made in " + shadowDir + ": " + notAFolder + " is a file,"
                        + " not a folder; move the copies with -Dhotlib.shadowDir=<folder>", e.getMessage());
            }
        }
    }

    /** Another user who can rename a folder on the way could swap a copy between its check and dlopen. */
    @Test
    void aParentOthersCanWriteIsRefusedBeforeAnythingIsMadeInIt() throws Exception {
        Path open = Files.createDirectory(parent.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dead = Files.createDirectory(open.resolve("hotlib-" + ProcessHandle.current().pid() + "-dead"));
        Files.createFile(dead.resolve(".lock"));  // nobody holds it: a dead run's, but not deleted through there
        Path source = Files.write(parent.resolve("libx.so"), new byte[] {1});
        String why = ", and the copies must lie where no other user can replace them between their check and dlopen;"
                + " move the copies with -Dhotlib.shadowDir=<folder>";
        try (ShadowCopies copies = new ShadowCopies(open.resolve("shadow"))) {
            assertEquals(null, copies.dir());
            ShadowCopies.UnsafeFolder e = assertThrows(ShadowCopies.UnsafeFolder.class,
                    () -> copyOf(copies, source, 1));
            assertEquals("its private copy cannot be made in " + open.resolve("shadow") + ": other users can write"
                    + " the folder " + open + why, e.getMessage());
        }
        try (ShadowCopies copies = new ShadowCopies(open)) {
            ShadowCopies.UnsafeFolder e = assertThrows(ShadowCopies.UnsafeFolder.class,
                    () -> copyOf(copies, source, 1));
            assertEquals("its private copy cannot be made in " + open + ": other users can write the folder " + open
                    + why, e.getMessage());
        }
        assertEquals(List.of(dead), entries(open), "nothing made, nothing deleted");
        Natives.run(parent, "chmod", "1777", open.toString());  // sticky and ours, as /tmp: trusted
        try (ShadowCopies copies = new ShadowCopies(open)) {
            assertTrue(Files.isRegularFile(copyOf(copies, source, 1)));
        }
    }

    private static List<Path> entries(Path folder) throws Exception {
        try (java.util.stream.Stream<Path> list = Files.list(folder)) {
            return list.toList();
        }
    }

    @Test
    void theCleanUpNeverFollowsAPlantedSymlink() throws Exception {
        Path victim = Files.createDirectory(parent.resolve("victim"));
        Path precious = Files.writeString(victim.resolve("precious.txt"), "keep me");
        Path link = Files.createSymbolicLink(parent.resolve("hotlib-1-planted"), victim);
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(victim, old);
        Files.getFileAttributeView(link, java.nio.file.attribute.BasicFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(old, null, null);  // the link itself looks dead
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertTrue(Files.exists(precious), "a link that looks like a dead run's folder is not followed");
            assertTrue(Files.isSymbolicLink(link), "nor taken for a run's folder: it is not ours to delete");
            assertFalse(Files.isSymbolicLink(copies.dir().getParent()));
        }
    }

    /** A dead run's folder is deleted with what it holds, but a link in it is deleted, never followed. */
    @Test
    void theCleanUpDeletesALinkInADeadRunsFolderNotWhatItPointsTo() throws Exception {
        Path victim = Files.createDirectory(parent.resolve("victim"));
        Path precious = Files.writeString(victim.resolve("precious.txt"), "keep me");
        Path dead = Files.createDirectory(parent.resolve("hotlib-" + ProcessHandle.current().pid() + "-dead"));
        Files.createFile(dead.resolve(".lock"));  // nobody holds it
        Files.createSymbolicLink(dead.resolve("planted"), victim);
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertFalse(Files.exists(dead, java.nio.file.LinkOption.NOFOLLOW_LINKS), "a dead run's folder is deleted");
            assertTrue(Files.exists(precious), "the link in it was deleted, not followed");
        }
    }

    /** A dead run's folder of another user is that user's to delete: the clean-up leaves it. */
    @Test
    void theCleanUpLeavesAnotherUsersDeadRun() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "giving a folder to another user needs root");
        Path theirs = Files.createDirectory(parent.resolve("hotlib-7-theirs"));
        Files.createFile(theirs.resolve(".lock"));  // nobody holds it
        Files.setOwner(theirs, parent.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertTrue(Files.exists(theirs.resolve(".lock")), "another user's run is not ours to clean up");
        }
    }

    /** A run in another process (another PID namespace, for all it knows) holds its lock: it is kept. */
    @Test
    void theCleanUpDecidesByTheLockNotByThePid() throws Exception {
        Path dead = Files.createDirectory(parent.resolve("hotlib-" + ProcessHandle.current().pid() + "-dead"));
        Files.createFile(dead.resolve(".lock"));  // nobody holds it
        Path live = Files.createDirectory(parent.resolve("hotlib-999999999-live"));  // a PID that is not alive here
        Path lock = Files.createFile(live.resolve(".lock"));
        Path noLockOld = Files.createDirectory(parent.resolve("hotlib-7-old"));
        Files.setLastModifiedTime(noLockOld, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path noLockYoung = Files.createDirectory(parent.resolve("hotlib-8-starting"));
        Process holder = holdLock(lock);
        try {
            try (ShadowCopies copies = new ShadowCopies(parent)) {
                assertFalse(Files.exists(dead), "nobody holds its lock: a dead run's");
                assertTrue(Files.exists(live), "its lock is held: alive, whatever its PID says");
                assertFalse(Files.exists(noLockOld), "no lock, and old: a leftover");
                assertTrue(Files.exists(noLockYoung), "no lock yet: may be a run starting");
                try (ShadowCopies other = new ShadowCopies(parent)) {
                    assertTrue(Files.exists(copies.dir()), "a live run of this JVM is kept");
                    assertNotEquals(copies.dir(), other.dir());
                    assertNotNull(other.dir());
                }
                assertTrue(Files.exists(copies.dir().resolveSibling(".lock")));
            }
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Another process that holds {@code lock} with FileChannel.lock (a POSIX lock, as a live run does; flock(1)
     * takes a BSD lock, which POSIX locks do not see): a java source program, run by this JVM's launcher.
     */
    private Process holdLock(Path lock) throws Exception {
        Path program = Files.writeString(parent.resolve("Hold.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                class Hold {
                    public static void main(String[] args) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                        c.lock();
                        System.out.println("locked");
                        Thread.sleep(60_000);
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, program.toString(), lock.toString()).start();
        String said = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
        assertEquals("locked", said, "the holder took the lock");
        return holder;
    }

    @Test
    void noexecIsReadFromTheMountOptions() {
        List<String> mountinfo = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "30 22 0:27 / /tmp rw,nosuid,nodev,noexec shared:5 - tmpfs tmpfs rw",
                "31 30 0:28 / /tmp/with\\040space rw,relatime shared:6 - tmpfs tmpfs rw");
        assertTrue(ShadowCopies.MountOptions.noexec(Path.of("/tmp/hotlib-1-x"), mountinfo));
        assertFalse(ShadowCopies.MountOptions.noexec(Path.of("/tmp/with space/hotlib-1-x"), mountinfo));
        assertFalse(ShadowCopies.MountOptions.noexec(Path.of("/home/me"), mountinfo));
        assertFalse(ShadowCopies.MountOptions.noexec(Path.of("/tmpfoo"), mountinfo), "a prefix of names, not of path");
    }
}
