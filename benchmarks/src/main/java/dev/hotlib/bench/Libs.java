package dev.hotlib.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the benchmarks find the libraries: under the repository root, as the Maven build publishes them. */
public final class Libs {
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

    /** build/lib/libhotlib_c.so or libhotlib_rust.so, for {@code lang} "c" or "rust". */
    public static Path library(String lang) {
        return existing(root().resolve("build/lib").resolve(System.mapLibraryName("hotlib_" + lang)));
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build it with  cmake -S . -B build && cmake --build build");
        }
        return file;
    }
}
