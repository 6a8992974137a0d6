package dev.hotlib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * What identifies one version of the watched file without reading it. Inode numbers are reused on ext4 and
 * mtime moves in steps of a few milliseconds, so only these together tell a new file from the old one; ctime
 * too, because {@code touch -r} restores mtime after an in-place rewrite of the same size, and nothing can set
 * ctime back. Symlinks are followed, so pointing a link at another file is a change too.
 */
record FileIdentity(Object fileKey, long size, FileTime modified, FileTime changed) {

    /** What {@link #inspect} found: an identity to load, or why there is nothing to load. */
    sealed interface Inspection {}

    /** A regular file the host may load. */
    record Loadable(FileIdentity identity) implements Inspection {}

    /** Nothing there: the file does not exist (yet, or any more). */
    record Missing(String why) implements Inspection {}

    /** Something is there that must not be loaded; {@code why} says what, for the user. */
    record Unusable(String why) implements Inspection {}

    private static final String IDENTITY = "unix:fileKey,size,lastModifiedTime,ctime,isRegularFile,isDirectory";
    /** What follows a trust problem in a refusal: why it matters, and how to opt out. */
    static final String OPT_OUT = ", so loading it could run another user's code; fix that, or set"
            + " -Dhotlib.trustWritable=true to trust files that other users own or can write";

    /**
     * Looks at {@code path} without reading it.
     *
     * @param trustWritable whether a file that another user owns or can write, or that lies in such a folder,
     *     may be loaded
     */
    static Inspection inspect(Path path, boolean trustWritable) {
        Map<String, Object> a;
        try {
            a = attributes(path);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(path)) {
                return new Unusable("it is a symbolic link to " + linkTarget(path) + ", which does not exist");
            }
            return new Missing("it does not exist");
        } catch (IOException e) {
            return new Unusable("its attributes cannot be read (" + e + ")");
        }
        if (Boolean.TRUE.equals(a.get("isDirectory"))) {
            return new Unusable("it is a directory, not a library file");
        }
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return new Unusable("it is not a regular file");
        }
        if (!trustWritable) {
            String untrusted = untrusted(path);
            if (untrusted != null) {
                return new Unusable(untrusted);
            }
        }
        return new Loadable(new FileIdentity(a.get("fileKey"), (Long) a.get("size"),
                (FileTime) a.get("lastModifiedTime"), (FileTime) a.getOrDefault("ctime", a.get("lastModifiedTime"))));
    }

    /**
     * Why {@code path} must not be trusted, and how to opt out, or null: see {@link Trust}. One lstat(2) per
     * folder on the way, so the watcher asks only when the file's identity changed.
     */
    static String untrusted(Path path) {
        String problem = Trust.problem(path);
        return problem == null ? null : problem + OPT_OUT;
    }

    /** One stat(2): the identity's fields, ctime where the file system has the unix view. */
    private static Map<String, Object> attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, IDENTITY);
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            BasicFileAttributes b = Files.readAttributes(path, BasicFileAttributes.class);
            return Map.of("fileKey", b.fileKey() == null ? path.toAbsolutePath() : b.fileKey(), "size", b.size(),
                    "lastModifiedTime", b.lastModifiedTime(), "isRegularFile", b.isRegularFile(),
                    "isDirectory", b.isDirectory());
        }
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

    /**
     * OpenSSH's StrictModes ({@code secure_filename} in auth.c): the file and every folder on the way to it
     * from the root, through every symbolic link, must be owned by this user or root and writable by no one
     * else. A sticky folder such as {@code /tmp} may be writable by all: only a file's owner can rename or
     * delete it there. A group named like its owner is that user's private group (the default on many
     * distributions, with umask 002), so its write permission counts as the owner's.
     */
    static final class Trust {
        private static final int MAX_LINKS = 40;
        private static final String CHECKED = "unix:uid,mode,isDirectory,isSymbolicLink";
        private static final int S_ISVTX = 01000;
        private static final int GROUP_WRITE = 020;
        private static final int OTHERS_WRITE = 02;
        private static final long MY_UID = myUid();

        private Trust() {}

        /** What makes {@code path} untrusted, naming the offending file or folder; null when it is trusted. */
        static String problem(Path path) {
            return problem(path, "");
        }

        /** As {@link #problem(Path)} for a folder, which the problem calls "the folder". */
        static String folderProblem(Path folder) {
            return problem(folder, "the folder ");
        }

        private static String problem(Path path, String what) {
            try {
                return problem(path, MY_UID, what);
            } catch (UnsupportedOperationException | IllegalArgumentException notPosix) {
                return null;  // no owners or modes to check (Windows): nothing to refuse on
            } catch (IOException e) {
                return "its path cannot be checked (" + e + ")";
            }
        }

        /** As above, for the user {@code uid}; resolves the path one component at a time, like the loader. */
        static String problem(Path path, long uid) throws IOException {
            return problem(path, uid, "");
        }

        /** As above; {@code what} comes before the name of the path itself when it is the offender. */
        private static String problem(Path path, long uid, String what) throws IOException {
            Path at = path.toAbsolutePath().getRoot();
            String bad = check(at, Files.readAttributes(at, CHECKED, LinkOption.NOFOLLOW_LINKS), uid, "the folder ");
            if (bad != null) {
                return bad;
            }
            Deque<String> todo = new ArrayDeque<>();
            pushFront(todo, path.toAbsolutePath());
            int links = 0;
            Path file = null;
            Map<String, Object> fileAttributes = null;
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (name.equals(".") || name.isEmpty()) {
                    continue;
                }
                if (name.equals("..")) {
                    at = at.getParent() == null ? at : at.getParent();
                    continue;
                }
                Path next = at.resolve(name);
                Map<String, Object> a = Files.readAttributes(next, CHECKED, LinkOption.NOFOLLOW_LINKS);
                if (Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
                    if (++links > MAX_LINKS) {
                        return "its path has more than " + MAX_LINKS + " symbolic links";
                    }
                    Path target = Files.readSymbolicLink(next);
                    pushFront(todo, target);
                    if (target.isAbsolute()) {
                        at = target.getRoot();
                    }
                    continue;  // the link's folder, at, was checked on the way in
                }
                if (todo.isEmpty()) {
                    file = next;
                    fileAttributes = a;
                } else {
                    bad = check(next, a, uid, next.equals(path.toAbsolutePath().getParent()) ? "its folder "
                            : "the folder ");
                    if (bad != null) {
                        return bad;
                    }
                }
                at = next;
            }
            return file == null ? null : check(file, fileAttributes, uid, what);
        }

        /**
         * What keeps {@code folder} from being this user's alone, or null: it must be a folder, not a symbolic
         * link, owned by this user, with mode 0700. Read with one lstat(2); null on a file system without owners
         * and modes.
         */
        static String notPrivate(Path folder) {
            Map<String, Object> a;
            try {
                a = Files.readAttributes(folder, CHECKED, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException notPosix) {
                return null;
            } catch (IOException e) {
                return "unreadable (" + e + ")";
            }
            int mode = (Integer) a.get("mode") & 07777;
            if (Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
                return "a symbolic link";
            }
            if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
                return "not a folder";
            }
            if ((Integer) a.get("uid") != MY_UID) {
                return "owned by " + ownerName(folder) + ", not by this user";
            }
            if (mode != 0700) {
                return String.format("of mode %04o, not 0700", mode);
            }
            return null;
        }

        private static void pushFront(Deque<String> todo, Path path) {
            List<String> names = new ArrayList<>();
            path.forEach(p -> names.add(p.toString()));
            for (int i = names.size() - 1; i >= 0; i--) {
                todo.push(names.get(i));
            }
        }

        private static String check(Path p, Map<String, Object> a, long uid, String what) throws IOException {
            int owner = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            if (owner != uid && owner != 0) {
                return what + p + " is owned by " + ownerName(p) + ", another user";
            }
            boolean sticky = Boolean.TRUE.equals(a.get("isDirectory")) && (mode & S_ISVTX) != 0;
            if (sticky) {
                return null;
            }
            if ((mode & OTHERS_WRITE) != 0) {
                return "other users can write " + what + p;
            }
            if ((mode & GROUP_WRITE) != 0 && !privateGroup(p)) {
                return "other users (its group) can write " + what + p;
            }
            return null;
        }

        private static boolean privateGroup(Path p) throws IOException {
            Map<String, Object> names = Files.readAttributes(p, "unix:owner,group", LinkOption.NOFOLLOW_LINKS);
            return names.get("owner").toString().equals(names.get("group").toString());
        }

        private static String ownerName(Path p) {
            try {
                return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException e) {
                return "another user";
            }
        }

        /** This process's user id; else the owner of a file it makes. */
        private static long myUid() {
            try {
                return new com.sun.security.auth.module.UnixSystem().getUid();
            } catch (LinkageError | RuntimeException noModule) {
                // jdk.security.auth left out of a jlink image: ask the file system
            }
            try {
                Path probe = Files.createTempFile("hotlib-uid-", ".probe");
                try {
                    return ((Number) Files.getAttribute(probe, "unix:uid")).longValue();
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return -1;
            }
        }
    }
}
