package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real flow, as a user lives it: copy the library sources to a temporary folder, build them with CMake
 * (and Cargo), start the example program, edit the source, rebuild, and watch the running program print the
 * new value while the frame count goes on from where it was.
 */
final class EndToEnd {
    private static final Pattern FRAME = Pattern.compile("update\\(\\) -> frame (\\d+),");

    private final Path work;
    private final Lang lang;
    private final Class<?> mainClass;
    private final List<String> jvmOptions;

    EndToEnd(Path work, Lang lang, Class<?> mainClass, List<String> jvmOptions) {
        this.work = work;
        this.lang = lang;
        this.mainClass = mainClass;
        this.jvmOptions = jvmOptions;
    }

    void run() throws Exception {
        Path sources = work.resolve("sources");
        copySources(Natives.root(), sources);
        Path build = sources.resolve("build");
        Natives.run(sources, "cmake", "-S", sources.toString(), "-B", build.toString(), "-DHOTLIB_TEST_VARIANTS=OFF");
        Natives.run(sources, "cmake", "--build", build.toString());
        Path library = build.resolve("lib").resolve(System.mapLibraryName(lang == Lang.C ? "hotlib_c" : "hotlib_rust"));

        List<String> output;
        try (ExampleProgram program = new ExampleProgram(mainClass, library, jvmOptions, List.of())) {
            program.awaitLine("foo() -> 4");
            program.awaitLine("update() -> frame 3,");
            editFooToReturn5(sources);
            Natives.run(sources, "cmake", "--build", build.toString());
            program.awaitLine("reloaded ");
            program.awaitLine("foo() -> 5");
            program.awaitLine("update() -> frame");
            program.awaitLine("update() -> frame");
            output = program.output();
        }
        assertFramesKeptCounting(output);
        assertTrue(output.stream().noneMatch(l -> l.startsWith("not loaded")), String.join("\n", output));
    }

    private static void copySources(Path root, Path target) throws IOException {
        for (String part : List.of("CMakeLists.txt", "cmake", "c-lib", "rust-lib")) {
            try (Stream<Path> files = Files.walk(root.resolve(part))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path relative = root.relativize(file);
                    if (relative.toString().contains("target")) {
                        continue; // a developer's cargo output
                    }
                    Path copy = target.resolve(relative.toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.createDirectories(copy.getParent());
                        Files.copy(file, copy);
                    }
                }
            }
        }
    }

    private void editFooToReturn5(Path sources) throws IOException {
        Path source = sources.resolve(lang == Lang.C ? "c-lib/src/hotlib.c" : "rust-lib/src/lib.rs");
        String text = Files.readString(source);
        String edited = lang == Lang.C
                ? text.replace("int32_t foo(void) { return 4; }", "int32_t foo(void) { return 5; }")
                : text.replace("pub extern \"C\" fn foo() -> i32 {\n    4\n}",
                        "pub extern \"C\" fn foo() -> i32 {\n    5\n}");
        assertTrue(!edited.equals(text), "the demo source no longer has the foo() this test edits: " + source);
        Files.writeString(source, edited);
    }

    private static void assertFramesKeptCounting(List<String> output) {
        List<Long> frames = new ArrayList<>();
        for (String line : output) {
            Matcher m = FRAME.matcher(line);
            if (m.find()) {
                frames.add(Long.parseLong(m.group(1)));
            }
        }
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i + 1, frames.get(i), "frame counts on, one per tick, across the reload: " + frames);
        }
    }
}
