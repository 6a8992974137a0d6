package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An example's main class run as a program of its own, as a user runs it, with its output read line by line. */
final class ExampleProgram implements AutoCloseable {
    private static final long WAIT_SECONDS = 120;

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /**
     * Starts {@code mainClass} on this JVM's class path, watching {@code library}, with a tick and a settle time
     * of 100 ms, the backend's {@code jvmOptions} and the test's {@code extraOptions} (such as -Xmx64m).
     */
    ExampleProgram(Class<?> mainClass, Path library, List<String> jvmOptions, List<String> extraOptions)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(extraOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "-Dhotlib.lib=" + library, "-Dhotlib.interval=100", "-Dhotlib.settle=100", mainClass.getName()));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the program was stopped
            }
        }, "example-program-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for a line that contains {@code text}, keeping every line read on the way. */
    void awaitLine(String text) throws InterruptedException {
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

    /** Every line read so far. */
    List<String> output() {
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
