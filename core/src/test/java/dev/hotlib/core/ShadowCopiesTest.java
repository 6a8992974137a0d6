package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowCopiesTest {
    @TempDir
    Path parent;

    @Test
    void eachVersionGetsAFreshOwnerOnlyFile() throws Exception {
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copies.dir())));
            Path a = copies.write(new byte[] {1, 2, 3}, "libhotlib_c.so", 1);
            Path b = copies.write(new byte[] {1, 2, 3}, "libhotlib_c.so", 1);
            assertNotEquals(a, b, "unpredictable, never reused names");
            assertTrue(a.getFileName().toString().matches("libhotlib_c-v1-\\d+\\.so"), a.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
            assertEquals(3, Files.size(a));
            copies.delete(a);
            assertFalse(Files.exists(a));
        }
    }

    @Test
    void closeDeletesTheDirectory() throws Exception {
        ShadowCopies copies = new ShadowCopies(parent);
        copies.write(new byte[] {1}, "libx.so", 1);
        copies.close();
        assertFalse(Files.exists(copies.dir()));
    }

    @Test
    void theCleanUpNeverFollowsAPlantedSymlink() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path victim = Files.createDirectory(parent.resolve("victim"));
        Path precious = Files.writeString(victim.resolve("precious.txt"), "keep me");
        Files.createSymbolicLink(parent.resolve("hotlib-" + gone.pid() + "-planted"), victim);
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertTrue(Files.exists(precious), "a link that looks like a dead run's directory is not followed");
            assertFalse(Files.isSymbolicLink(copies.dir()));
        }
    }

    @Test
    void copiesLeftByAKilledRunAreDeletedAtTheNextStartButALiveRunsAreKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = Files.createDirectory(parent.resolve("hotlib-" + gone.pid() + "-123"));
        Files.write(dead.resolve("libhotlib_c-v1-1.so"), new byte[] {1});
        Path alive = Files.createDirectory(parent.resolve("hotlib-" + ProcessHandle.current().pid() + "-456"));
        Path unrelated = Files.createDirectory(parent.resolve("hotlib-notapid-789"));
        try (ShadowCopies copies = new ShadowCopies(parent)) {
            assertFalse(Files.exists(dead));
            assertTrue(Files.exists(alive));
            assertTrue(Files.exists(unrelated));
        }
    }
}
