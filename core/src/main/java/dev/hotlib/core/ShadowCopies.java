package dev.hotlib.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Private copies of the library, one fresh file per version, that the backends load instead of the watched
 * file. Why: dlopen returns an already loaded library for a path it has seen, and a library overwritten in
 * place while mapped crashes the JVM (SIGBUS). A fresh, unique path per version avoids both.
 *
 * <p>The copies live in a directory of this run, {@code <tmp>/hotlib-<pid>-<random>}, readable by the owner
 * only, so no other user can read, replace or plant a link to a copy. A copy is deleted when its version is
 * unloaded, the directory at exit, and the directories of runs that were killed at the next start.
 */
final class ShadowCopies implements AutoCloseable {
    private static final String PREFIX = "hotlib-";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;
    private final Thread deleteAtExit;

    ShadowCopies(Path parent) throws IOException {
        deleteLeftoversOfDeadRuns(parent);
        dir = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-", ownerOnly());
        deleteAtExit = new Thread(this::deleteAll, "hotlib-shadow-cleanup");
        Runtime.getRuntime().addShutdownHook(deleteAtExit);
    }

    Path dir() {
        return dir;
    }

    /** Writes {@code bytes} to a new file, {@code <name>-v<version>-<random><suffix>}, and returns it. */
    Path write(byte[] bytes, String fileName, int version) throws IOException {
        int dot = fileName.indexOf('.');
        String stem = dot < 0 ? fileName : fileName.substring(0, dot);
        String suffix = dot < 0 ? "" : fileName.substring(dot);
        Path copy = Files.createTempFile(dir, stem + "-v" + version + "-", suffix, ownerOnly());
        Files.write(copy, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        return copy;
    }

    void delete(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the shadow copy " + copy, e);
        }
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(deleteAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to undo
        }
    }

    private void deleteAll() {
        deleteTree(dir);
    }

    private static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
    }

    /** Deletes the shadow directories of this user's runs whose process is gone (killed, crashed). */
    private static void deleteLeftoversOfDeadRuns(Path parent) throws IOException {
        Files.createDirectories(parent);
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(parent, PREFIX + "*-*")) {
            for (Path run : runs) {
                if (Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS) && isOurs(run) && !isAlive(pidOf(run))) {
                    deleteTree(run);
                }
            }
        }
    }

    private static boolean isOurs(Path run) throws IOException {
        return Files.getOwner(run, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    private static long pidOf(Path run) {
        String name = run.getFileName().toString().substring(PREFIX.length());
        try {
            return Long.parseLong(name.substring(0, name.indexOf('-')));
        } catch (NumberFormatException notOurs) {
            return ProcessHandle.current().pid(); // not a run directory of ours: treat as alive, keep it
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the next start cleans what is left
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, as above
        }
    }
}
