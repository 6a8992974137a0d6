package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 11's memory test: a guest of 200 MB (c-lib/variants/big.c, compiled here with gcc into a temporary
 * folder, so the default build stays small) is loaded and reloaded by an example program that runs in a child
 * JVM with {@code -Xmx64m}. A reload that held the file in the heap would die with "Java heap space".
 * A backend's suite runs it with its main class:
 * <pre>
 * new LargeLibrary(dir, mainClass(), programJvmOptions()).loadAndReload();
 * </pre>
 */
public final class LargeLibrary {
    /** The array's size: the file is a little larger. */
    public static final int MEGABYTES = 200;

    private final Path work;
    private final Class<?> mainClass;
    private final List<String> jvmOptions;

    public LargeLibrary(Path work, Class<?> mainClass, List<String> jvmOptions) {
        this.work = work;
        this.mainClass = mainClass;
        this.jvmOptions = jvmOptions;
    }

    /** Builds version {@code foo} (foo() returns it) of the big library into {@code dir}. */
    public static Path build(Path dir, int foo) {
        Path out = dir.resolve("libbig" + foo + ".so");
        Natives.run(dir, "gcc", "-shared", "-fPIC", "-O1", "-I", Natives.root().resolve("c-lib/include").toString(),
                "-DHOTLIB_FOO=" + foo, "-DHOTLIB_MB=" + MEGABYTES, "-o", out.toString(),
                Natives.root().resolve("c-lib/variants/big.c").toString());
        return out;
    }

    /**
     * Starts the program on version 1, renames version 2 into place, and waits until version 2 answers.
     *
     * @return how long the reload took, from the rename to the first call of version 2 (informative)
     */
    public Duration loadAndReload() throws Exception {
        Path one = build(work, 1);
        Path two = build(work, 2);
        assertTrue(Files.size(one) >= (long) MEGABYTES << 20, "the library is as big as promised");
        Path watched = work.resolve(System.mapLibraryName("watched"));
        Natives.renameIntoPlace(one, watched);
        try (ExampleProgram program = new ExampleProgram(mainClass, watched, jvmOptions,
                List.of("-Xmx64m", "-Djava.io.tmpdir=" + work))) {
            program.awaitLine("foo() -> 1");
            long start = System.nanoTime();
            Files.move(two, watched, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            program.awaitLine("reloaded ");
            program.awaitLine("foo() -> 2");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            program.awaitLine("update() -> frame");
            assertTrue(program.output().stream().noneMatch(l -> l.startsWith("not loaded")
                    || l.contains("OutOfMemoryError") || l.contains("Java heap space")),
                    String.join("\n", program.output()));
            return took;
        }
    }
}
