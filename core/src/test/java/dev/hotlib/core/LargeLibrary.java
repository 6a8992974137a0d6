package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
    private static final long WAIT_SECONDS = 120;

    private final Path work;
    private final Class<?> mainClass;
    private final List<String> jvmOptions;
    private final List<String> output = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

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
        Process program = start(watched);
        try {
            awaitLine("foo() -> 1");
            long start = System.nanoTime();
            Files.move(two, watched, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitLine("reloaded ");
            awaitLine("foo() -> 2");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            awaitLine("update() -> frame");
            assertTrue(output.stream().noneMatch(l -> l.startsWith("not loaded") || l.contains("OutOfMemoryError")
                    || l.contains("Java heap space")), String.join("\n", output));
            return took;
        } finally {
            program.destroy();
            program.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process start(Path library) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dhotlib.lib=" + library,
                "-Dhotlib.interval=100", "-Dhotlib.settle=100", "-Djava.io.tmpdir=" + work, mainClass.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the program was stopped
            }
        }, "large-library-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private void awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                output.add(line);
                if (line.contains(text)) {
                    return;
                }
            }
        }
        fail("the program never printed \"" + text + "\"; it printed:\n" + String.join("\n", output));
    }
}
