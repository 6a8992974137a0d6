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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything between a settled file and dlopen: the private copy, and the checks that refuse a file the
 * loader would crash on. Never throws for a bad file: that is a {@link Refused}.
 *
 * <p>Nothing here holds the file in the heap: the copy is the OS's ({@code copy_file_range}), "the same bytes
 * as the running version" compares the two copies in 64 KB chunks and stops at the first difference (builds
 * differ early, in the GNU build-id note), and {@link ElfCheck} reads only headers and tables. The checks read
 * the copy, not the watched file, so what was checked is what is loaded. A file is refused without writing a
 * byte when the copies' file system has no room for it, or when it is longer than 64 MB and far longer than its
 * headers describe (read from the watched file for this alone): a library padded to a terabyte, even sparse,
 * is copied as a terabyte of zeros.
 */
final class CopyAndCheck implements AutoCloseable {
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
    /**
     * A file may be this much longer than its headers describe (a debug section the headers do not cover, a
     * signature appended), or up to this many times as long, before it is refused without being copied.
     */
    private static final long MAX_UNDESCRIBED = 64L << 20;
    private static final long MAX_UNDESCRIBED_RATIO = 4;

    private final ShadowCopies copies;
    private final boolean trustWritable;
    private final Dependencies dependencies = new Dependencies();
    private final ByteBuffer mine = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer theirs = ByteBuffer.allocateDirect(CHUNK);
    /** The size of each copy handed out and not discarded yet: a new version of another size is not the same. */
    private final Map<Path, Long> sizes = new HashMap<>();

    private CopyAndCheck(ShadowCopies copies, boolean trustWritable) {
        this.copies = copies;
        this.trustWritable = trustWritable;
    }

    /**
     * Each version is loaded from a fresh private copy in a folder under {@code shadowParent}, and a library it
     * needs from a folder that other users can write is refused. Never throws: a folder that cannot be made is
     * told as a refusal at each version until it can.
     */
    static CopyAndCheck withShadowCopies(Path shadowParent) {
        return withShadowCopies(shadowParent, false);
    }

    /**
     * As {@link #withShadowCopies(Path)}; {@code trustWritable} loads what a version needs even from a file or
     * folder that other users own or can write, as {@code -Dhotlib.trustWritable=true} does for the library.
     */
    static CopyAndCheck withShadowCopies(Path shadowParent, boolean trustWritable) {
        return new CopyAndCheck(new ShadowCopies(shadowParent), trustWritable);
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
            String refused = beforeCopy(in, size);
            if (refused != null) {
                return new Refused(refused);
            }
            ShadowCopies.Copy written;
            try {
                long free = copies.usableSpace();
                if (size > free) {
                    return new Refused("it is " + size + " bytes, more than the " + free + " free in " + copies.parent()
                            + ", so it was not copied; free space there, or move the copies with " + MOVE_IT);
                }
                written = copies.copy(in, size, source.getFileName().toString(), number);
            } catch (ShadowCopies.UnsafeFolder e) {
                return new Refused(e.getMessage());
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

    /**
     * Why the {@code size} bytes read through {@code in} must not even be copied, or null: what their headers
     * say (the copy is checked again: it is what dlopen maps), or a length far beyond what the headers describe,
     * such as a library padded to a terabyte with {@code truncate}, which would fill the copies' file system.
     */
    private static String beforeCopy(FileChannel in, long size) {
        if (size <= MAX_UNDESCRIBED) {
            return null;  // never far longer than what it describes: spared a second check (0.1 to 0.3 ms)
        }
        ElfCheck.Report headers = ElfCheck.inspect(ElfCheck.Source.of(in, size));
        if (headers.refusal().isPresent()) {
            return headers.refusal().get();
        }
        long describes = headers.describes();
        if (size - describes <= MAX_UNDESCRIBED || size / MAX_UNDESCRIBED_RATIO <= describes) {
            return null;
        }
        if (describes == 0) {
            return "it is " + size + " bytes, and no 64-bit ELF headers describe them (it is not a library for this"
                    + " machine), so it was not copied";
        }
        return "it is " + size + " bytes, far more than the " + describes + " its ELF headers describe (padded, or"
                + " sparse, as truncate makes it), so it was not copied; rebuild it";
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
        if (!trustWritable) {
            String untrusted = Needs.untrusted(source, report);
            if (untrusted != null) {
                return new Refused(untrusted);
            }
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

    /**
     * Whether each library the loader would open for a version is trusted by {@link FileIdentity.Trust}'s rule,
     * as the library itself is: for each DT_NEEDED name, the folders of its RUNPATH (or RPATH) are looked in, in
     * order, until one has the file; a folder on the way that other users can write (or whose nearest existing
     * part they can, when it does not exist) would let them plant or replace it before dlopen, and the file found
     * must be trusted too. What the file found needs is looked at the same way, a few levels deep. A name that
     * a library already loaded in this process answers to is not looked for: the loader reuses that library. A
     * name not found in these folders comes from the system's (LD_LIBRARY_PATH, ld.so.cache, /usr/lib), which
     * are not the guest's to vouch for.
     *
     * <p>For the version itself, {@code $ORIGIN} is its shadow copy's folder, which holds copies of the files
     * beside the watched file (see {@link Dependencies}): there, only {@code $ORIGIN} alone names a folder, the
     * watched file's; what lies under the copy's folder is this user's alone.
     */
    static final class Needs {
        private static final int MAX_DEPTH = 8;
        private Set<String> loaded;  // the file names mapped in this process, read once, when first needed

        private Needs() {}

        /** Why a version of {@code source}, whose copy {@code report} describes, must not be loaded, or null. */
        static String untrusted(Path source, ElfCheck.Report report) {
            Path file = source.toAbsolutePath();
            return new Needs().untrusted(file, report.needed(), report.searchPath(), true, "its",
                    new HashSet<>(List.of(file)), 0);
        }

        /**
         * The first problem with the libraries {@code needed} by {@code file}, looked for in {@code searchPath};
         * {@code copied} when {@code $ORIGIN} is a copy's folder, {@code whose} names {@code file} in the line.
         */
        private String untrusted(Path file, List<String> needed, List<String> searchPath, boolean copied,
                String whose, Set<Path> seen, int depth) {
            Path origin = file.getParent();
            for (String name : needed) {
                if (name.contains("/")) {  // opened as it is, from the working folder if relative
                    Path direct = Path.of(name).toAbsolutePath();
                    String problem = problemOfNearest(direct, false);
                    if (problem != null) {
                        return "it needs " + name + " (" + whose + " DT_NEEDED): " + problem + FileIdentity.OPT_OUT;
                    }
                    continue;
                }
                for (String entry : searchPath) {
                    Path folder = folder(entry, origin, copied);
                    if (folder == null) {
                        continue;
                    }
                    String where = "which the loader looks for in " + folder + " (named in " + whose
                            + " RUNPATH or RPATH): ";
                    boolean exact = !entry.replaceFirst("^(\\$ORIGIN|\\$\\{ORIGIN})", "").contains("$");
                    String problem = problemOfNearest(folder, true);
                    if (problem != null) {
                        if (isLoaded(name)) {
                            break;
                        }
                        return "it needs " + name + ", " + where + problem + FileIdentity.OPT_OUT;
                    }
                    Path candidate = folder.resolve(name);
                    if (!exact || !Files.exists(candidate)) {
                        continue;
                    }
                    problem = FileIdentity.Trust.problem(candidate);
                    if (problem != null) {
                        return "it needs " + name + ", " + where + problem + FileIdentity.OPT_OUT;
                    }
                    String deeper = depth < MAX_DEPTH ? inside(candidate, seen, depth) : null;
                    if (deeper != null) {
                        return deeper;
                    }
                    break;  // found, and trusted
                }
            }
            return null;
        }

        /** What the library at {@code found} needs, looked at from where it lies. */
        private String inside(Path found, Set<Path> seen, int depth) {
            try {
                if (!seen.add(found.toRealPath())) {
                    return null;
                }
                try (FileChannel in = FileChannel.open(found, StandardOpenOption.READ)) {
                    ElfCheck.Report report = ElfCheck.inspect(ElfCheck.Source.of(in, in.size()));
                    return untrusted(found, report.needed(), report.searchPath(), false, found + "'s",
                            seen, depth + 1);
                }
            } catch (IOException e) {
                return null;  // dlopen reads it then, and says what is wrong with it
            }
        }

        /**
         * The folder a search path entry names, or null for none that another user could reach: for a copy,
         * {@code $ORIGIN/...} lies in the private folder. For an entry with {@code $LIB} or {@code $PLATFORM},
         * the folder before the first {@code $}, which must be trusted for what is under it to be.
         */
        private static Path folder(String entry, Path origin, boolean copied) {
            if (isOrigin(entry)) {
                return origin;
            }
            String rest = entry.startsWith("$ORIGIN/") ? entry.substring("$ORIGIN/".length())
                    : entry.startsWith("${ORIGIN}/") ? entry.substring("${ORIGIN}/".length()) : null;
            if (rest != null) {
                return copied || origin == null ? null : origin.resolve(rest).normalize();
            }
            int token = entry.indexOf('$');
            String literal = token < 0 ? entry : entry.substring(0, token);
            if (token >= 0 && literal.isEmpty()) {
                return null;
            }
            return Path.of(literal).toAbsolutePath().normalize();  // relative: from the working folder, as ld.so
        }

        private static boolean isOrigin(String entry) {
            return entry.equals("$ORIGIN") || entry.equals("${ORIGIN}") || entry.equals("$ORIGIN/")
                    || entry.equals("${ORIGIN}/");
        }

        /** The trust problem of {@code path}, or of the nearest folder up from it that exists, or null. */
        private static String problemOfNearest(Path path, boolean folder) {
            Path at = path;
            while (at.getParent() != null && !Files.exists(at)) {
                at = at.getParent();
            }
            return folder || at != path ? FileIdentity.Trust.folderProblem(at) : FileIdentity.Trust.problem(at);
        }

        /** Whether a library of this file name is mapped in this process (/proc/self/maps), so reused by name. */
        private boolean isLoaded(String name) {
            if (loaded == null) {
                loaded = new HashSet<>();
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                        int slash = line.lastIndexOf('/');
                        if (slash >= 0 && line.indexOf(" /") >= 0) {
                            loaded.add(line.substring(slash + 1));
                        }
                    }
                } catch (IOException | RuntimeException unknown) {
                    // not Linux: nothing is known to be loaded, so every folder on the way is checked
                }
            }
            return loaded.contains(name);
        }
    }
}
