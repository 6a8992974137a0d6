package dev.hotlib.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

/**
 * New versions of a library for the reload measurements, put in place the way an atomic build does (write
 * beside, rename over). Even versions carry 16 extra bytes after the ELF data, which the loader ignores: each
 * version differs from the one before, so the host reloads it, while it has the size and code of the real
 * library (the Rust test variants are unstripped and 10x larger, which would measure file size).
 */
public final class Versions {
    private static final byte[] MARK = "hotlib-bench-v2\n".getBytes();

    private Versions() {}

    /** Puts version {@code n} of {@code lang}'s library at {@code watched}; returns System.nanoTime() at the rename. */
    public static long place(Path watched, String lang, int n) throws Exception {
        Path temp = watched.resolveSibling(watched.getFileName() + ".tmp");
        Files.copy(Libs.library(lang), temp, StandardCopyOption.REPLACE_EXISTING);
        if (n % 2 == 0) {
            Files.write(temp, MARK, StandardOpenOption.APPEND);
        }
        // A fresh mtime, so the host never takes the file for the one before (inode numbers are reused).
        Files.setLastModifiedTime(temp, FileTime.fromMillis(1_000_000_000_000L + n * 1000L));
        long now = System.nanoTime();
        Files.move(temp, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return now;
    }
}
