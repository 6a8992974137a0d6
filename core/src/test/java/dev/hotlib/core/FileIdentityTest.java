package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.FileIdentity.Loadable;
import dev.hotlib.core.FileIdentity.Trust;
import dev.hotlib.core.FileIdentity.Unusable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdentityTest {
    private static final long NOBODY = 65534;

    @TempDir
    Path dir;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chown(Path path, String owner) {
        Natives.run(path.getParent(), "chown", "-h", owner, path.toString());
    }

    private static void chmod(Path path, String mode) throws Exception {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    @Test
    void contentRewrittenInPlaceWithItsMtimeRestoredIsANewIdentity() throws Exception {
        Path lib = Files.write(dir.resolve("lib.so"), new byte[] {1, 2, 3, 4});
        Path stamp = Files.createFile(dir.resolve("stamp"));
        Natives.run(dir, "touch", "-r", lib.toString(), stamp.toString());
        FileIdentity before = FileIdentity.current(lib, false);
        Thread.sleep(20);  // ctime has the file system's clock steps, a few ms on ext4
        Files.write(lib, new byte[] {4, 3, 2, 1});  // in place, same size, as cp does
        Natives.run(dir, "touch", "-r", stamp.toString(), lib.toString());
        FileIdentity after = FileIdentity.current(lib, false);
        assertEquals(before.fileKey(), after.fileKey(), "the same inode");
        assertEquals(before.size(), after.size());
        assertEquals(before.modified(), after.modified(), "mtime restored");
        assertNotEquals(before, after, "ctime tells them apart");
    }

    @Test
    void aFileInPrivateFoldersIsTrusted() throws Exception {
        Path lib = Files.write(dir.resolve("lib.so"), new byte[] {1});
        assertTrue(FileIdentity.inspect(lib, false) instanceof Loadable, FileIdentity.inspect(lib, false).toString());
    }

    @Test
    void aFileAnotherUserOwnsIsRefusedNamingIt() throws Exception {
        assumeTrue(root(), "only root can give a file away");
        Path lib = Files.write(dir.resolve("lib.so"), new byte[] {1});
        chown(lib, "nobody");
        FileIdentity.Inspection seen = FileIdentity.inspect(lib, false);
        assertTrue(seen instanceof Unusable, seen.toString());
        String why = ((Unusable) seen).why();
        assertTrue(why.startsWith(lib + " is owned by nobody, another user"), why);
        assertTrue(why.contains("-Dhotlib.trustWritable=true"), why);
        assertTrue(FileIdentity.inspect(lib, true) instanceof Loadable, "trusted when the user opts in");
    }

    @Test
    void aFolderHigherUpThatOthersCanWriteIsRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared/project"));
        Path lib = Files.write(shared.resolve("lib.so"), new byte[] {1});
        chmod(dir.resolve("shared"), "rwxrwxrwx");
        String why = Trust.problem(lib);
        assertEquals("other users can write the folder " + dir.resolve("shared"), why);
        Natives.run(dir, "chmod", "1777", dir.resolve("shared").toString());  // Java cannot set the sticky bit
        assertNull(Trust.problem(lib), "sticky, as /tmp: only a file's owner can rename it there");
        chmod(dir.resolve("shared"), "rwx------");
    }

    @Test
    void theFoldersOfEverySymlinkOnTheWayAreChecked() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path safe = Files.createDirectory(dir.resolve("safe"));
        Path lib = Files.write(safe.resolve("lib.so"), new byte[] {1});
        Path link = Files.createSymbolicLink(open.resolve("lib.so"), lib);
        chmod(open, "rwxrwxrwx");
        assertEquals("other users can write its folder " + open, Trust.problem(link),
                "whoever can write the link's folder can point it anywhere");
        chmod(open, "rwx------");
        assertNull(Trust.problem(link));
        Path into = Files.createSymbolicLink(dir.resolve("into"), Path.of("open"));
        Path viaFolderLink = into.resolve("lib.so");
        chmod(safe, "rwxrwxrwx");
        assertEquals("other users can write the folder " + safe, Trust.problem(viaFolderLink));
        chmod(safe, "rwx------");
    }

    @Test
    void aGroupNamedLikeTheOwnerIsTheOwners() throws Exception {
        Path lib = Files.write(dir.resolve("lib.so"), new byte[] {1});
        chmod(lib, "rw-rw-r--");
        String owner = Files.getOwner(lib).getName();
        String group = Files.readAttributes(lib, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        if (owner.equals(group)) {
            assertNull(Trust.problem(lib), "a private group");
        } else {
            assertEquals("other users (its group) can write " + lib, Trust.problem(lib));
        }
    }

    @Test
    void aGroupOthersShareCannotWriteIt() throws Exception {
        assumeTrue(root(), "giving a file a group this user is not in needs root");
        Path lib = Files.write(dir.resolve("lib.so"), new byte[] {1});
        chmod(lib, "rw-rw-r--");
        Files.getFileAttributeView(lib, PosixFileAttributeView.class).setGroup(
                dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup"));
        assertEquals("other users (its group) can write " + lib, Trust.problem(lib));
        chmod(lib, "rw-r--r--");
        assertNull(Trust.problem(lib), "its group cannot write it");
    }

    @Test
    void aSymlinkLoopIsRefusedNotFollowedForever() throws Exception {
        Path a = dir.resolve("a");
        Files.createSymbolicLink(a, dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), a);
        assertEquals("its path has more than 40 symbolic links", Trust.problem(a));
    }

    @Test
    void aPrivateFolderIsOursAloneWithMode0700AndNoLink() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("private"));
        chmod(folder, "rwx------");
        assertNull(Trust.notPrivate(folder));
        chmod(folder, "rwxr-xr-x");
        assertEquals("of mode 0755, not 0700", Trust.notPrivate(folder));
        Natives.run(dir, "chmod", "1700", folder.toString());
        assertEquals("of mode 1700, not 0700", Trust.notPrivate(folder));
        chmod(folder, "rwx------");
        assertEquals("a symbolic link", Trust.notPrivate(Files.createSymbolicLink(dir.resolve("link"), folder)));
        assertEquals("not a folder", Trust.notPrivate(Files.write(dir.resolve("file"), new byte[] {1})));
        if (root()) {
            chown(folder, "nobody");
            assertEquals("owned by nobody, not by this user", Trust.notPrivate(folder));
        }
    }

    /** What an ordinary user sees, decided for uid nobody: root's files are trusted, another user's are not. */
    @Test
    void forAnOrdinaryUserRootsFilesAreTrustedAndOtherUsersAreNot() throws Exception {
        assumeTrue(root(), "only root can make files owned by several users");
        Path mine = Files.createDirectory(dir.resolve("home"));
        chown(mine, "nobody");
        Path lib = Files.write(mine.resolve("lib.so"), new byte[] {1});  // owned by root
        assertNull(Trust.problem(lib, NOBODY), "root's file in the user's folder");
        Path theirs = Files.write(mine.resolve("theirs.so"), new byte[] {1});
        Natives.run(mine, "chown", "1234", theirs.toString());
        assertTrue(Trust.problem(theirs, NOBODY).startsWith(theirs + " is owned by "), Trust.problem(theirs, NOBODY));
    }

    /**
     * The same, really run as the user nobody: a child JVM under setpriv (or runuser), with the classes, and the
     * JDK when nobody cannot read this one, copied where that user can read them. Whatever goes wrong in the
     * child fails the test; it is skipped only where no process can be run as another user.
     */
    @Test
    void asAnOrdinaryUserInAChildJvm() throws Exception {
        List<String> asNobody = asNobody();
        Path base = othersCanReach(dir.getParent()) ? dir
                : Files.createTempDirectory(Path.of("/tmp"), "hotlib-nobody-");  // a private java.io.tmpdir
        try {
            chmod(base, "rwxr-xr-x");
            Path home = Files.createDirectory(base.resolve("home"));
            chown(home, "nobody");
            Path ok = Files.write(home.resolve("ok.so"), new byte[] {1});
            chown(ok, "nobody");
            Path other = Files.write(home.resolve("other.so"), new byte[] {1});
            Natives.run(home, "chown", "1234", other.toString());
            // FileIdentity is package-private, and the launcher's class is in another class loader: reflection.
            Path program = Files.writeString(home.resolve("Inspect.java"), """
                    import java.lang.reflect.Method;
                    import java.nio.file.Path;
                    class Inspect {
                        public static void main(String[] args) throws Exception {
                            Method inspect = Class.forName("dev.hotlib.core.FileIdentity")
                                    .getDeclaredMethod("inspect", Path.class, boolean.class);
                            inspect.setAccessible(true);
                            for (String a : args) {
                                System.out.println("=> " + inspect.invoke(null, Path.of(a), false));
                            }
                        }
                    }
                    """);
            Path classes = readableCopy(Path.of(FileIdentity.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()), base.resolve("classes"));
            Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
            if (!othersCanRun(javaHome)) {
                javaHome = readableCopy(javaHome, base.resolve("jdk"));
            }
            List<String> command = new java.util.ArrayList<>(asNobody);
            command.addAll(List.of(javaHome.resolve("bin/java").toString(), "-Djava.io.tmpdir=" + home, "-cp",
                    classes.toString(), program.toString(), ok.toString(), other.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes());
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end: " + output);
            assertEquals(0, child.exitValue(), String.join(" ", command) + " failed:\n" + output);
            List<String> lines = output.lines().filter(l -> l.startsWith("=> ")).toList();
            assertEquals(2, lines.size(), output);
            assertTrue(lines.get(0).startsWith("=> Loadable"), output);
            assertTrue(lines.get(1).startsWith("=> Unusable") && lines.get(1).contains(other + " is owned by"),
                    output);
        } finally {
            if (!base.equals(dir)) {
                Natives.run(Path.of("/tmp"), "rm", "-rf", base.toString());
            }
        }
    }

    /** The command that runs what follows it as the user nobody; skips the test where there is none. */
    private static List<String> asNobody() {
        assumeTrue(root(), "running a process as the user nobody needs root, and this is "
                + System.getProperty("user.name"));
        for (String setpriv : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(setpriv))) {
                return List.of(setpriv, "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
            }
        }
        for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(runuser))) {
                return List.of(runuser, "-u", "nobody", "--");
            }
        }
        assumeTrue(false, "neither setpriv nor runuser is installed, so no process can run as another user");
        return List.of();
    }

    /** Whether other users can go through every folder down to {@code path}. */
    private static boolean othersCanReach(Path path) throws Exception {
        for (Path at = path.toRealPath(); at != null; at = at.getParent()) {
            if (!Files.getPosixFilePermissions(at).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    /** Whether other users can run the JDK at {@code home}: reach it, run bin/java and read lib/modules. */
    private static boolean othersCanRun(Path home) throws Exception {
        return othersCanReach(home.resolve("lib"))
                && Files.getPosixFilePermissions(home.resolve("bin/java")).contains(PosixFilePermission.OTHERS_EXECUTE)
                && Files.getPosixFilePermissions(home.resolve("lib/modules")).contains(PosixFilePermission.OTHERS_READ);
    }

    /** A copy of {@code from} (a folder or a file) at {@code to} that every user can read (and run, where it could). */
    private static Path readableCopy(Path from, Path to) {
        Natives.run(to.getParent(), "cp", "-R", from.toString(), to.toString());
        Natives.run(to.getParent(), "chmod", "-R", "a+rX", to.toString());
        return to;
    }
}
