package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.CopyAndCheck.Prepared;
import dev.hotlib.core.CopyAndCheck.Ready;
import dev.hotlib.core.CopyAndCheck.Refused;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every library the loader opens for a version is trusted, or the version is refused: libraries built here with
 * {@code cc}, whose RUNPATH (or RPATH) names a folder that other users can write.
 */
class RunpathTrustTest {
    private static final String OPT_OUT = ", so loading it could run another user's code; fix that, or set"
            + " -Dhotlib.trustWritable=true to trust files that other users own or can write";

    @TempDir
    Path dir;

    /** Builds {@code lib<name>.so} in {@code folder} from {@code code}, linked with {@code flags}. */
    private Path cc(Path folder, String name, String code, String... flags) throws Exception {
        Path source = Files.writeString(dir.resolve(name + ".c"), code);
        Path library = folder.resolve("lib" + name + ".so");
        List<String> command = new ArrayList<>(List.of("cc", "-shared", "-fPIC", "-o", library.toString(),
                source.toString()));
        command.addAll(List.of(flags));
        Natives.run(dir, command.toArray(String[]::new));
        return library;
    }

    /** libwatched.so in the test's folder, needing libdep.so from {@code deps} (its RUNPATH, or RPATH). */
    private Path watchedNeedingDepFrom(Path deps, boolean runpath) throws Exception {
        if (!Files.exists(deps.resolve("libdep.so"))) {
            cc(deps, "dep", "int dep(void) { return 7; }");
        }
        return cc(dir, "watched", "int dep(void); int foo(void) { return dep(); }",
                "-L" + deps, "-ldep", "-Wl,-rpath," + deps, runpath ? "-Wl,--enable-new-dtags"
                        : "-Wl,--disable-new-dtags");
    }

    private static void chmod(Path path, String mode) throws Exception {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    private Prepared prepare(Path library) {
        try (CopyAndCheck copyAndCheck = CopyAndCheck.withShadowCopies(dir.resolve("shadow"))) {
            return copyAndCheck.prepare(library, 1, Optional.empty());
        }
    }

    private static String refusal(Prepared prepared) {
        assertTrue(prepared instanceof Refused, "refused: " + prepared);
        return ((Refused) prepared).reason();
    }

    @Test
    void aLibraryNeededFromARunpathFolderOthersCanWriteIsRefusedNamingItAndTheFolder() throws Exception {
        Path deps = Files.createDirectory(dir.resolve("deps"));
        Path watched = watchedNeedingDepFrom(deps, true);
        assertTrue(prepare(watched) instanceof Ready, "a folder only this user can write is trusted");
        chmod(deps, "rwxrwxrwx");
        assertEquals("it needs libdep.so, which the loader looks for in " + deps + " (named in its RUNPATH or"
                + " RPATH): other users can write the folder " + deps + OPT_OUT, refusal(prepare(watched)));
        try (CopyAndCheck trusting = CopyAndCheck.withShadowCopies(dir.resolve("shadow"), true)) {
            assertTrue(trusting.prepare(watched, 1, Optional.empty()) instanceof Ready, "when the user opts in");
        }
    }

    @Test
    void anRpathFolderIsCheckedTheSameWay() throws Exception {
        Path deps = Files.createDirectory(dir.resolve("deps"));
        Path watched = watchedNeedingDepFrom(deps, false);
        chmod(deps, "rwxrwxrwx");
        assertEquals("it needs libdep.so, which the loader looks for in " + deps + " (named in its RUNPATH or"
                + " RPATH): other users can write the folder " + deps + OPT_OUT, refusal(prepare(watched)));
    }

    @Test
    void aWritableFolderSearchedBeforeTheOneThatHasTheLibraryIsRefusedToo() throws Exception {
        Path deps = Files.createDirectory(dir.resolve("deps"));
        Path open = Files.createDirectory(dir.resolve("open"));
        cc(deps, "dep", "int dep(void) { return 7; }");
        Path watched = cc(dir, "watched", "int dep(void); int foo(void) { return dep(); }", "-L" + deps, "-ldep",
                "-Wl,-rpath," + open + ":" + deps, "-Wl,--enable-new-dtags");
        chmod(open, "rwxrwxrwx");
        assertEquals("it needs libdep.so, which the loader looks for in " + open + " (named in its RUNPATH or"
                + " RPATH): other users can write the folder " + open + OPT_OUT, refusal(prepare(watched)),
                "another user can put a libdep.so there before dlopen");
        Path notYet = open.resolve("missing");
        watched = cc(dir, "watched", "int dep(void); int foo(void) { return dep(); }", "-L" + deps, "-ldep",
                "-Wl,-rpath," + notYet + ":" + deps, "-Wl,--enable-new-dtags");
        assertEquals("it needs libdep.so, which the loader looks for in " + notYet + " (named in its RUNPATH or"
                + " RPATH): other users can write the folder " + open + OPT_OUT, refusal(prepare(watched)),
                "a folder that does not exist yet, where another user can make it");
    }

    @Test
    void aLibraryFileOthersCanWriteInATrustedFolderIsRefused() throws Exception {
        Path deps = Files.createDirectory(dir.resolve("deps"));
        Path watched = watchedNeedingDepFrom(deps, true);
        chmod(deps.resolve("libdep.so"), "rwxrwxrwx");
        assertEquals("it needs libdep.so, which the loader looks for in " + deps + " (named in its RUNPATH or"
                + " RPATH): other users can write " + deps.resolve("libdep.so") + OPT_OUT, refusal(prepare(watched)));
    }

    @Test
    void whatANeededLibraryNeedsIsCheckedFromWhereItLies() throws Exception {
        Path mid = Files.createDirectory(dir.resolve("mid"));
        Path deps = Files.createDirectory(dir.resolve("deps"));
        cc(deps, "dep", "int dep(void) { return 7; }");
        Path libmid = cc(mid, "mid", "int dep(void); int mid(void) { return dep(); }", "-L" + deps, "-ldep",
                "-Wl,-rpath," + deps, "-Wl,--enable-new-dtags");
        Path watched = cc(dir, "watched", "int mid(void); int foo(void) { return mid(); }", "-L" + mid, "-lmid",
                "-Wl,-rpath," + mid, "-Wl,--enable-new-dtags");
        assertTrue(prepare(watched) instanceof Ready);
        chmod(deps, "rwxrwxrwx");
        assertEquals("it needs libdep.so, which the loader looks for in " + deps + " (named in " + libmid
                + "'s RUNPATH or RPATH): other users can write the folder " + deps + OPT_OUT,
                refusal(prepare(watched)));
    }

    @Test
    void aNameALoadedLibraryAnswersToIsNotLookedFor() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path watched = cc(dir, "watched", "#include <string.h>\nint foo(const char *s) { return (int) strlen(s); }",
                "-Wl,-rpath," + open, "-Wl,--enable-new-dtags");
        chmod(open, "rwxrwxrwx");
        assertTrue(prepare(watched) instanceof Ready, "libc.so.6 is loaded already: the loader reuses it");
    }

    @Test
    void aSiblingFoundThroughOriginIsCheckedLikeTheLibrary() throws Exception {
        Path sibling = dir.resolve("libhotlib_sibling.so");
        Files.copy(Natives.sibling("a"), sibling);
        Path watched = dir.resolve("libwatched.so");
        Natives.renameIntoPlace(Natives.variant(Natives.Lang.C, "sibling"), watched);
        assertTrue(prepare(watched) instanceof Ready);
        chmod(sibling, "rw-rw-rw-");
        assertEquals("it needs libhotlib_sibling.so, which the loader looks for in " + dir + " (named in its"
                + " RUNPATH or RPATH): other users can write " + sibling + OPT_OUT, refusal(prepare(watched)));
    }
}
