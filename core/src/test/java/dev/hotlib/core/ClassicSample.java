package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The classic C-library autoreload sample, as its user has it: a folder of its own (core/src/test/resources/classic)
 * with a plain CMakeLists.txt and src/lib.c, built by CMake alone into build/libfoo.so, which GNU ld rewrites in
 * place on every build. Its library exports {@code int32_t foo()}, returning 4, and no {@code bar()}: that one is
 * commented out. {@link #edit()} makes the sample's edit, {@code foo()} returning 5 and {@code bar()} returning 10,
 * and rebuilds. An example runs the library unchanged, watching {@link #library()}.
 */
public final class ClassicSample {
    private final Path dir;

    private ClassicSample(Path dir) {
        this.dir = dir;
    }

    /**
     * Copies the sample into {@code tempDir}/classic and builds it there, as its user does
     * ({@code cmake -S classic -B classic/build && cmake --build classic/build}); its library is then
     * {@link #library()}.
     */
    public static ClassicSample buildIn(Path tempDir) throws IOException {
        Path source = Natives.root().resolve("core/src/test/resources/classic");
        Path dir = tempDir.resolve("classic");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.collect(Collectors.toList());
        }
        for (Path file : files) {
            Path target = dir.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
                Files.createDirectories(target);
            } else {
                Files.copy(file, target);
            }
        }
        Path build = dir.resolve("build");
        Natives.run(dir, "cmake", "-S", dir.toString(), "-B", build.toString());
        Natives.run(dir, "cmake", "--build", build.toString());
        ClassicSample sample = new ClassicSample(dir);
        assertTrue(Files.isRegularFile(sample.library()), "the sample's build did not produce " + sample.library());
        return sample;
    }

    /** The sample's folder: CMakeLists.txt, src/lib.c and build/. */
    public Path dir() {
        return dir;
    }

    /** The library the sample's build writes: build/libfoo.so. */
    public Path library() {
        return dir.resolve("build").resolve(System.mapLibraryName("foo"));
    }

    /**
     * The sample's edit, made as its user makes it: in src/lib.c, {@code foo()} returns 5 instead of 4 and
     * {@code bar()}, returning 10, is uncommented; then {@code cmake --build build}. Returns {@link #library()},
     * rewritten in place by the linker. Once only: the sample has one edit.
     */
    public Path edit() throws IOException {
        Path source = dir.resolve("src/lib.c");
        String before = Files.readString(source);
        assertEquals(1, before.split("return 4;", -1).length - 1, "src/lib.c has foo() returning 4 once:\n" + before);
        String after = before.replace("return 4;", "return 5;").lines()
                .map(line -> line.startsWith("// ") ? line.substring(3) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        assertTrue(after.contains("int32_t bar(void)") && after.contains("return 10;"),
                "src/lib.c has bar() returning 10, commented out:\n" + before);
        Files.writeString(source, after);
        // The file system's clock moves in steps of a few ms, and make sees no change in an equal mtime:
        // the edit is stamped with the wall clock, which is ahead of any mtime the first build wrote.
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        Natives.run(dir, "cmake", "--build", dir.resolve("build").toString());
        return library();
    }
}
