package dev.hotlib.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Private copies of the library, a fresh folder per version, that the backends load instead of the watched
 * file. Why: dlopen returns an already loaded library for a path it has seen, and a library overwritten in
 * place while mapped crashes the JVM (SIGBUS). A fresh, unique path per version avoids both. A version whose
 * libraries are copied with it gets a folder of its own, where it keeps the file's own name, so that they are
 * found through {@code $ORIGIN}.
 *
 * <p>The copies live in a folder of this run, {@code <parent>/hotlib-<pid>-<random>/copies}, readable by the
 * owner only, so no other user can read, replace or plant a link to a copy. That holds only if no other user can
 * rename a folder on the way either: the parent's whole path must pass {@link FileIdentity.Trust}'s rule (each
 * folder owned by this user or root, and writable by no one else unless sticky, as {@code /tmp}), and both
 * folders are checked once made (this user's, mode 0700, not a link). Else the bytes that were checked need not
 * be the bytes that dlopen maps, and the copies are refused: {@link UnsafeFolder}. A copy is deleted when its
 * version is unloaded, the folder at exit. The run holds a lock on {@code .lock} in its folder while it lives; at
 * the next start, the folders of runs whose lock is free (killed, crashed) are deleted. A lock, not the PID in
 * the name: a run in another PID namespace sharing {@code /tmp} may have any PID.
 *
 * <p>Nothing here throws from the constructor: a folder that cannot be made is an {@link IOException} at the
 * next copy, which the {@link CopyAndCheck} turns into a refusal naming the folder and the option that moves it.
 */
final class ShadowCopies implements AutoCloseable {
    private static final String PREFIX = "hotlib-";
    private static final String LOCK = ".lock";
    /** A folder without a lock file older than this is a leftover; a younger one may be a run starting. */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /**
     * The folders whose lock this JVM holds. Their lock files are never opened by the clean-up: closing any
     * channel to a file releases every POSIX lock the process holds on it.
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path parent;
    private final Thread deleteAtExit;
    private Path run;          // this run's folder, locked; null until made, made again when removed
    private Path dir;          // run/copies: the versions' folders, and nothing else
    private FileChannel lockFile;
    private boolean noexec;    // whether dir's file system is mounted noexec
    private FileStore store;   // dir's file system: finding it reads the mount table, asking its free space does not
    private long versions;     // makes each version folder's name unique within dir

    ShadowCopies(Path parent) {
        this.parent = parent;
        this.deleteAtExit = new Thread(this::deleteAll, "hotlib-shadow-cleanup");
        Runtime.getRuntime().addShutdownHook(deleteAtExit);
        try {
            checkParent();  // before the clean-up: deleting by path in a folder that others can write is not safe
            deleteLeftoversOfDeadRuns(parent);
            open();
        } catch (IOException | RuntimeException e) {
            // told at the first copy, which tries again
        }
    }

    /**
     * Why the copies cannot be made here, as the one line of a refusal: a folder where another user could replace
     * a copy between its check and dlopen, or a file where a folder should be.
     */
    static final class UnsafeFolder extends IOException {
        private static final long serialVersionUID = 1;

        UnsafeFolder(Path parent, String problem) {
            super("its private copy cannot be made in " + parent + ": " + problem + "; move the copies with "
                    + CopyAndCheck.MOVE_IT);
        }
    }

    /** The folder of this run's copies (one folder per version in it), or null while it could not be made. */
    synchronized Path dir() {
        return dir;
    }

    /** The folder under which this run's folder is made (-Dhotlib.shadowDir). */
    Path parent() {
        return parent;
    }

    /** Whether the copies' file system is mounted noexec, so that dlopen cannot map their code. */
    synchronized boolean noexec() {
        return noexec;
    }

    /**
     * The folder, made and locked the first time, and again after {@link #forget} (a /tmp cleaner removed it).
     * Not checked with a stat per copy: a removed folder shows as the copy's NoSuchFileException.
     */
    private synchronized Path open() throws IOException {
        if (dir != null) {
            return dir;
        }
        deleteAll();  // what a cleaner left of it
        checkParent();
        Files.createDirectories(parent);
        trusted(parent);  // the folders just made, and the path through any link among them
        Path made = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-", ownerOnly());
        Path copies;
        FileStore madeOn;
        try {
            ownerOnly(made);
            lockFile = FileChannel.open(made.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            lockFile.lock();
            LIVE.add(made);
            copies = Files.createDirectory(made.resolve("copies"), ownerOnly());
            ownerOnly(copies);
            madeOn = Files.getFileStore(copies);
        } catch (IOException | RuntimeException e) {
            release();
            deleteTree(made);
            throw e;
        }
        run = made;
        dir = copies;
        noexec = MountOptions.noexec(copies);
        store = madeOn;
        return copies;
    }

    /**
     * Refuses a parent that is a file, or lies under one, or under a folder that another user can write: the
     * nearest part of its path that exists, before anything is made in it.
     */
    private void checkParent() throws IOException {
        Path existing = parent.toAbsolutePath();
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            throw new UnsafeFolder(parent, existing + " is a file, not a folder");
        }
        trusted(existing);
    }

    private void trusted(Path folder) throws UnsafeFolder {
        String problem = FileIdentity.Trust.folderProblem(folder);
        if (problem != null) {
            throw new UnsafeFolder(parent, problem + ", and the copies must lie where no other user can replace"
                    + " them between their check and dlopen");
        }
    }

    /** Makes a folder just made mode 0700 whatever the umask, and checks that it is ours alone and no link. */
    private void ownerOnly(Path folder) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
        String problem = FileIdentity.Trust.notPrivate(folder);
        if (problem != null) {
            throw new UnsafeFolder(parent, "the folder it made, " + folder + ", is " + problem
                    + ", where it must be this user's alone");
        }
    }

    /** The bytes this user may still write where the copies go: one statfs(2); makes the folder if needed. */
    long usableSpace() throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path in;
            FileStore at;
            synchronized (this) {
                in = open();
                at = store;
            }
            try {
                return at.getUsableSpace();
            } catch (NoSuchFileException removed) {
                if (attempt > 0) {
                    throw removed;
                }
                forget(in);  // removed while running (a /tmp cleaner): made again, once
            }
        }
    }

    /**
     * A version's new copy, still open, so that the checks read what was written without opening it again;
     * {@code size} is what was copied.
     */
    record Copy(Path path, FileChannel channel, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Copies {@code size} bytes of {@code source} to a new file for {@code version},
     * {@code <stem>-v<version>-<n><suffix>}, with the OS's copy (copy_file_range or sendfile: the bytes never
     * enter the heap), and returns it open for reading. One open(2), O_CREAT|O_EXCL, both creates and writes it:
     * creating the file is most of a small library's copy. On any failure, a full file system for one, what was
     * written is deleted before the exception is thrown.
     */
    Copy copy(FileChannel source, long size, String fileName, int version) throws IOException {
        Copy copy = newCopy(fileName, version, size);
        try {
            transfer(source, size, copy.channel());
            return copy;
        } catch (IOException | RuntimeException | Error e) {
            copy.close();
            Files.deleteIfExists(copy.path());
            throw e;
        }
    }

    /**
     * Moves a copy into a folder of its own, {@code v<version>-<n>/<fileName>}, so that the libraries it needs
     * can be copied beside it under their own names, for {@code $ORIGIN}. Only such versions get a folder:
     * removing a folder costs several times what removing a file does (ext4).
     */
    Path moveIntoOwnFolder(Path copy, String fileName, int version) throws IOException {
        Path folder = newVersionFolder(version);
        try {
            return Files.move(copy, folder.resolve(fileName), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(folder);
            throw e;
        }
    }

    /** Copies {@code file} beside {@code copy}, into its version's folder, under the same name. */
    Path copyBeside(Path copy, Path file) throws IOException {
        Path target = copy.resolveSibling(file.getFileName());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            transfer(in, in.size(), out);
            return target;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private static void transfer(FileChannel in, long size, FileChannel out) throws IOException {
        for (long done = 0; done < size; ) {
            long n = in.transferTo(done, size - done, out);
            if (n <= 0 && in.size() <= done) {
                throw new IOException("the file shrank to " + in.size() + " bytes while it was copied");
            }
            done += Math.max(n, 0);
        }
    }

    /** A new, empty file {@code <dir>/<stem>-v<version>-<n><suffix>}; makes the run's folder again if removed. */
    private Copy newCopy(String fileName, int version, long size) throws IOException {
        int dot = fileName.indexOf('.');
        String stem = dot < 0 ? fileName : fileName.substring(0, dot);
        String suffix = dot < 0 ? "" : fileName.substring(dot);
        return create(n -> stem + "-v" + version + "-" + n + suffix, path -> new Copy(path, FileChannel.open(path,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), size));
    }

    /** A new folder {@code <dir>/v<version>-<n>}. */
    private Path newVersionFolder(int version) throws IOException {
        return create(n -> "v" + version + "-" + n, Files::createDirectory);
    }

    /** Makes a new entry through {@code make}, which must fail if the name exists (O_EXCL). */
    private interface Maker<T> {
        T make(Path path) throws IOException;
    }

    private <T> T create(java.util.function.LongFunction<String> name, Maker<T> make) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path in = open();
            Path path;
            synchronized (this) {
                path = in.resolve(name.apply(++versions));
            }
            try {
                return make.make(path);
            } catch (NoSuchFileException removed) {
                if (attempt > 0) {
                    throw removed;
                }
                forget(in);  // the run's folder was removed while running (a /tmp cleaner): make it again, once
            } catch (java.nio.file.FileAlreadyExistsException leftover) {
                // left by a discard that failed: take the next name
            }
        }
    }

    /** Makes {@link #open} make the folder again, if it is still {@code removed}. */
    private synchronized void forget(Path removed) {
        if (removed.equals(dir) && !Files.isDirectory(removed, LinkOption.NOFOLLOW_LINKS)) {
            deleteAll();
        }
    }

    /** Deletes a copy and its version's folder (the libraries copied beside it); a missing one is no error. */
    void delete(Path copy) {
        Path folder = copy.getParent();
        Path run = dir();
        try {
            if (folder != null && run != null && run.equals(folder.getParent())) {
                deleteTreeOrThrow(folder);
            } else {
                Files.deleteIfExists(copy);
            }
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

    private synchronized void deleteAll() {
        Path was = run;
        release();
        if (was != null) {
            deleteTree(was);
        }
        run = null;
        dir = null;
        store = null;
    }

    /** Gives up the lock; the folder is then a dead run's to anyone who looks. */
    private synchronized void release() {
        if (run != null) {
            LIVE.remove(run);
        }
        if (lockFile != null) {
            try {
                lockFile.close();
            } catch (IOException ignored) {
                // closing releases the lock whatever it says
            }
            lockFile = null;
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    /** Deletes the folders of this user's runs whose lock no process holds (killed, crashed). */
    private static void deleteLeftoversOfDeadRuns(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(parent, PREFIX + "*-*")) {
            for (Path run : runs) {
                if (Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS) && isOurs(run) && isDead(run)) {
                    deleteTree(run);
                }
            }
        }
    }

    private static boolean isOurs(Path run) throws IOException {
        return Files.getOwner(run, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    /** Whether no live run holds the folder's lock: it can be taken, or there is none and the folder is old. */
    private static boolean isDead(Path run) throws IOException {
        if (LIVE.contains(run)) {
            return false;
        }
        Path lock = run.resolve(LOCK);
        if (!Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            FileTime made = Files.getLastModifiedTime(run, LinkOption.NOFOLLOW_LINKS);
            return made.toInstant().isBefore(Instant.now().minus(UNLOCKED_GRACE));
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock taken = channel.tryLock()) {
            return taken != null;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        try {
            deleteTreeOrThrow(root);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the next start cleans what is left
        }
    }

    /** Deletes {@code root} and what is under it, never following a link; a missing root is no error. */
    private static void deleteTreeOrThrow(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        IOException first = null;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        } catch (NoSuchFileException gone) {
            return;
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The mount options of a folder's file system, from /proc/self/mountinfo: Java has no API for them. Read
     * once per folder made, never per reload.
     */
    static final class MountOptions {
        private MountOptions() {}

        /** Whether {@code folder} is on a file system mounted noexec; false when it cannot be told. */
        static boolean noexec(Path folder) {
            try {
                return noexec(folder.toRealPath(), Files.readAllLines(Path.of("/proc/self/mountinfo")));
            } catch (IOException | RuntimeException unknown) {
                return false;
            }
        }

        /** As above, from the lines of a mountinfo file: the mount whose point is the folder's longest prefix. */
        static boolean noexec(Path folder, java.util.List<String> mountinfo) {
            String best = null;
            boolean noexec = false;
            for (String line : mountinfo) {
                String[] fields = line.split(" ");
                if (fields.length < 6) {
                    continue;
                }
                String point = unescape(fields[4]);
                if (folder.startsWith(point) && (best == null || point.length() >= best.length())) {
                    best = point;
                    noexec = java.util.Arrays.asList(fields[5].split(",")).contains("noexec");
                }
            }
            return noexec;
        }

        /** mountinfo writes a space as \040, a tab as \011, a backslash as \134. */
        private static String unescape(String field) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 3 < field.length()
                        && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                    s.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    s.append(c);
                }
            }
            return s.toString();
        }
    }
}
