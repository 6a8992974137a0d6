package dev.hotlib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * What identifies one version of the watched file without reading it. Inode numbers are reused on ext4 and
 * mtime moves in steps of a few milliseconds, so only the three together tell a new file from the old one.
 * Symlinks are followed, so pointing a link at another file is a change too.
 */
public record FileIdentity(Object fileKey, long size, FileTime modified) {

    /** What {@link #inspect} found: an identity to load, or why there is nothing to load. */
    public sealed interface Inspection {}

    /** A regular file the host may load. */
    public record Loadable(FileIdentity identity) implements Inspection {}

    /** Nothing there: the file does not exist (yet, or any more). */
    public record Missing(String why) implements Inspection {}

    /** Something is there that must not be loaded; {@code why} says what, for the user. */
    public record Unusable(String why) implements Inspection {}

    /**
     * Looks at {@code path} without reading it.
     *
     * @param trustWritable whether a file, or a folder, that other users can write may be loaded
     */
    public static Inspection inspect(Path path, boolean trustWritable) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(path)) {
                return new Unusable("it is a symbolic link to " + linkTarget(path) + ", which does not exist");
            }
            return new Missing("it does not exist");
        } catch (IOException e) {
            return new Unusable("its attributes cannot be read (" + e + ")");
        }
        if (a.isDirectory()) {
            return new Unusable("it is a directory, not a library file");
        }
        if (!a.isRegularFile()) {
            return new Unusable("it is not a regular file");
        }
        if (!trustWritable) {
            String writable = writableByOthers(path);
            if (writable != null) {
                return new Unusable(writable + ", so loading it could run anyone's code;"
                        + " fix the permissions, or set -Dhotlib.trustWritable=true to load it anyway");
            }
        }
        return new Loadable(new FileIdentity(a.fileKey(), a.size(), a.lastModifiedTime()));
    }

    /** Says which of the file (the link's target, if a link) and its folder other users can write, or null. */
    private static String writableByOthers(Path path) {
        try {
            Path real = path.toRealPath();
            if (groupOrOthersCanWrite(real)) {
                return "other users can write " + real;
            }
            if (real.getParent() != null && groupOrOthersCanWrite(real.getParent())) {
                return "other users can write its folder " + real.getParent();
            }
            return null;
        } catch (UnsupportedOperationException | IOException notPosix) {
            return null; // no POSIX permissions to check (Windows): nothing to refuse on
        }
    }

    /**
     * Whether users other than the owner can write {@code p}. A group-writable file whose group is named like
     * its owner is the user's private group (the default on many distributions, with umask 002): not others.
     */
    private static boolean groupOrOthersCanWrite(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = a.permissions();
        boolean privateGroup = a.group().getName().equals(a.owner().getName());
        return perms.contains(PosixFilePermission.OTHERS_WRITE)
                || (perms.contains(PosixFilePermission.GROUP_WRITE) && !privateGroup);
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The identity of the file at {@code path} when it is loadable now, else null. */
    static FileIdentity current(Path path, boolean trustWritable) {
        Inspection seen = inspect(path, trustWritable);
        return seen instanceof Loadable ? ((Loadable) seen).identity() : null;
    }
}
