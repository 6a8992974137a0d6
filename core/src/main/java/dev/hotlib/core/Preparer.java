package dev.hotlib.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything between a settled file and dlopen: the private copy, and the checks that refuse a file the
 * loader would crash on. Never throws for a bad file: that is a {@link Refused}.
 *
 * <p>Nothing here holds the file in the heap: the copy is the OS's ({@code copy_file_range}), "the same bytes
 * as the running version" compares the two copies in 64 KB chunks and stops at the first difference (builds
 * differ early, in the GNU build-id note), and {@link ElfCheck} reads only headers and tables. The checks read
 * the copy, not the watched file, so what was checked is what is loaded.
 */
final class Preparer implements AutoCloseable {
    /** What became of a settled file. */
    sealed interface Prepared permits Ready, Unchanged, Refused {}

    /**
     * Ready for dlopen: {@code file} is what to load, {@code warnings} what to tell once it is loaded, and
     * {@code notFunctions} the exported symbols that are not functions (see {@link LibraryFile}).
     */
    record Ready(Path file, List<String> warnings, Map<String, String> notFunctions) implements Prepared {}

    /** The same bytes as the running version (touch, a relink that changed nothing): nothing to load. */
    record Unchanged() implements Prepared {}

    /** Must not be loaded; {@code reason} says why, for the user. */
    record Refused(String reason) implements Prepared {}

    private static final int CHUNK = 64 * 1024;
    private static final int FIRST_CHUNK = 4096;
    static final String MOVE_IT = "-Dhotlib.shadowDir=<folder>";

    private final ShadowCopies copies;
    private final Dependencies dependencies = new Dependencies();
    private final ByteBuffer mine = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer theirs = ByteBuffer.allocateDirect(CHUNK);
    /** The size of each copy handed out and not discarded yet: a new version of another size is not the same. */
    private final Map<Path, Long> sizes = new HashMap<>();

    private Preparer(ShadowCopies copies) {
        this.copies = copies;
    }

    /**
     * Watch mode: each version is loaded from a fresh private copy in a folder under {@code shadowParent}.
     * Never throws: a folder that cannot be made is told as a refusal at each version until it can.
     */
    static Preparer withShadowCopies(Path shadowParent) {
        return new Preparer(new ShadowCopies(shadowParent));
    }

    Optional<Path> shadowDirectory() {
        return Optional.ofNullable(copies.dir());
    }

    /** Copies and checks {@code source}, to be version {@code number}; {@code running} is the current one. */
    Prepared prepare(Path source, int number, Optional<Version> running) {
        Path copy = null;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                return new Refused("it is empty");
            }
            ShadowCopies.Copy written;
            try {
                written = copies.copy(in, size, source.getFileName().toString(), number);
            } catch (IOException e) {
                return new Refused(cannotCopy(e));
            }
            copy = written.path();
            Prepared prepared;
            try (ShadowCopies.Copy open = written) {
                prepared = checkCopy(source, open, number, running);
            }
            if (!(prepared instanceof Ready)) {
                discard(copy);
            } else {
                sizes.put(((Ready) prepared).file(), size);
                copy = null;  // the host's now, to discard when it is unloaded
            }
            return prepared;
        } catch (IOException | OutOfMemoryError | RuntimeException e) {
            if (copy != null) {
                discardQuietly(copy);
            }
            return new Refused("it cannot be read (" + e + ")");
        }
    }

    /** The checks, on the copy just written, read through the channel that wrote it. */
    private Prepared checkCopy(Path source, ShadowCopies.Copy copy, int number, Optional<Version> running)
            throws IOException {
        Optional<Path> runningCopy = running.map(Version::copy);
        if (runningCopy.isPresent() && sameBytes(copy.channel(), copy.size(), runningCopy.get())) {
            return new Unchanged();
        }
        if (copies.noexec()) {
            return new Refused("its private copy cannot be run from " + copies.dir() + ": that file system"
                    + " is mounted noexec, so the loader cannot map its code; move the copies with " + MOVE_IT);
        }
        return checked(source, copy.path(), number, copy.channel(), copy.size());
    }

    /** ElfCheck's verdict on {@code file} ({@code size} bytes, read through {@code channel}), and its warnings. */
    private Prepared checked(Path source, Path file, int number, FileChannel channel, long size) {
        ElfCheck.Report report = ElfCheck.inspect(ElfCheck.Source.of(channel, size));
        if (report.refusal().isPresent()) {
            return new Refused(report.refusal().get());
        }
        List<String> warnings = new ArrayList<>(report.warnings());
        try {
            Path ready = dependencies.prepare(source, file, number, report, copies, warnings);
            return new Ready(ready, List.copyOf(warnings), report.notFunctions());
        } catch (IOException e) {
            return new Refused("a library it needs could not be copied beside it (" + e + ")");
        }
    }

    private String cannotCopy(IOException e) {
        Path where = copies.dir() != null ? copies.dir() : copies.parent();
        return "its private copy could not be written in " + where + " (" + e + "); free space there, or move"
                + " the copies with " + MOVE_IT;
    }

    /**
     * Whether the {@code size} bytes read by {@code a} are those of {@code other}; stops at the first difference,
     * and does not open {@code other} when its size, noted when it was copied, differs.
     */
    private boolean sameBytes(FileChannel a, long size, Path other) throws IOException {
        Long known = sizes.get(other);
        if (known != null && known != size) {
            return false;
        }
        try (FileChannel b = FileChannel.open(other, StandardOpenOption.READ)) {
            if (size != b.size()) {
                return false;
            }
            for (long at = 0; at < size; ) {
                mine.clear();
                theirs.clear();
                if (at == 0) {  // builds differ in their first page (the GNU build-id note): read it alone first
                    mine.limit(FIRST_CHUNK);
                    theirs.limit(FIRST_CHUNK);
                }
                int n = readFully(a, mine, at);
                if (n != readFully(b, theirs, at) || n <= 0) {
                    return false;
                }
                mine.flip();
                theirs.flip();
                if (mine.mismatch(theirs) >= 0) {
                    return false;
                }
                at += n;
            }
            return true;
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;  // the running version's copy was removed (a /tmp cleaner): load this one
        }
    }

    private static int readFully(FileChannel channel, ByteBuffer into, long at) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = channel.read(into, at + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Deletes what was written for a version that is unloaded or was refused; a missing file is no error. */
    void discard(Path loadedFrom) {
        sizes.remove(loadedFrom);
        copies.delete(loadedFrom);
    }

    private void discardQuietly(Path copy) {
        try {
            discard(copy);
        } catch (RuntimeException ignored) {
            // the folder goes at exit
        }
    }

    @Override
    public void close() {
        copies.close();
    }

    /**
     * The guest's own libraries, beside the watched file. A guest with RUNPATH {@code $ORIGIN} finds them from
     * its own folder, so each version's folder gets a copy of the ones it names: {@code $ORIGIN} works from the
     * copy, and overwriting the user's file in place cannot crash the JVM. glibc reuses a loaded library by its
     * name (DT_NEEDED, soname), so a dependency that changed after a version loaded it is not loaded again:
     * that needs a restart, and is told as a warning.
     */
    private static final class Dependencies {
        /** Per dependency file name: its identity when first copied for a version, and that version's number. */
        private final Map<String, FileIdentity> firstSeen = new HashMap<>();

        /**
         * Copies the libraries {@code file} needs beside it (moving it into a folder of its own first), adds
         * what to tell to {@code warnings}, and returns where {@code file} now is.
         */
        Path prepare(Path source, Path file, int number, ElfCheck.Report report, ShadowCopies copies,
                List<String> warnings) throws IOException {
            if (report.needed().isEmpty()) {
                return file;
            }
            Path folder = source.toAbsolutePath().getParent();
            boolean origin = report.searchPath().stream().anyMatch(d -> d.equals("$ORIGIN") || d.equals("${ORIGIN}"));
            Path moved = file;
            for (String name : report.needed()) {
                if (name.contains("/") || folder == null) {
                    continue;
                }
                Path beside = folder.resolve(name);
                if (!Files.exists(beside)) {
                    continue;  // libc and the like: asked first without the exception a missing file's stat throws
                }
                FileIdentity now = FileIdentity.current(beside, true);
                if (now == null) {
                    continue;  // a system library, or one found elsewhere: not ours to copy
                }
                if (!origin) {
                    warnings.add(name + " is beside it, but the loader finds it only through LD_LIBRARY_PATH or the"
                            + " system's paths (no RUNPATH $ORIGIN): it is loaded from there, not copied, so"
                            + " overwriting it in place while loaded crashes the JVM");
                    continue;
                }
                if (!file.equals(source)) {
                    if (moved == file) {
                        moved = copies.moveIntoOwnFolder(file, source.getFileName().toString(), number);
                    }
                    copies.copyBeside(moved, beside);
                }
                FileIdentity first = firstSeen.putIfAbsent(name, now);
                if (first != null && !first.equals(now)) {
                    warnings.add(name + " changed since a version loaded it, but the loader reuses a loaded"
                            + " library by its name, so this version still runs with the first one's: restart"
                            + " the program to load the new " + name);
                }
            }
            return moved;
        }

    }
}
