package dev.hotlib.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where the benchmarks find the libraries: under the repository root, as the build publishes them. */
public final class Libs {
    /** The size of the big library's const array: the library file is a little larger. */
    static final long BIG_BYTES = 200L << 20;

    private Libs() {}

    /** -Dhotlib.root (benchmarks/run sets it), else the nearest folder up from here that holds the ABI header. */
    public static Path root() {
        String configured = System.getProperty("hotlib.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("c-lib/include/hotlib.h"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root: set -Dhotlib.root");
    }

    /**
     * build/lib/libhotlib_c.so or libhotlib_rust.so for {@code lang} "c" or "rust"; for "big", the C library
     * with a 200 MB const array, built by {@link #big()}.
     */
    public static Path library(String lang) {
        if (lang.equals("big")) {
            return big();
        }
        Path file = root().resolve("build/lib").resolve(System.mapLibraryName("hotlib_" + lang));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    file + " is missing: build it with  cmake -S . -B build && cmake --build build");
        }
        return file;
    }

    /**
     * The C library plus a 200 MB const array (benchmarks/native/big_blob.c), built with gcc into
     * benchmarks/target/big/ the first time it is asked for: too big to commit or to build with the project.
     */
    public static synchronized Path big() {
        Path dir = root().resolve("benchmarks/target/big");
        Path file = dir.resolve(System.mapLibraryName("hotlib_big"));
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            Files.createDirectories(dir);
            Path temp = dir.resolve("building.so");
            Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-I", "c-lib/include",
                    "-DHOTLIB_BIG_BYTES=" + BIG_BYTES, "c-lib/src/hotlib.c", "benchmarks/native/big_blob.c",
                    "-o", temp.toString())
                    .directory(root().toFile()).inheritIO().start();
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc could not build " + file);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + file, e);
        }
    }

    /** Prints the big library's path, building it if needed (benchmarks/run hands it to the C harness). */
    public static void main(String[] args) {
        System.out.println(big());
    }
}
