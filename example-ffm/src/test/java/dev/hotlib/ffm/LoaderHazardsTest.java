package dev.hotlib.ffm;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Natives.Lang;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Why the host copies every version to a fresh path and checks ELF files before dlopen: the hazards it
 * guards against, shown here with FfmLibrary alone, without the host and its checks. The two that kill the JVM
 * run in a child JVM, whose death is the expected result. The cause is the loader and the kernel's mappings, not
 * the FFI, so every backend meets them alike.
 */
class LoaderHazardsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Lang.class)
    void dlopenOfAPathItHasSeenReturnsTheOldLibraryEvenAfterTheFileWasReplaced(Lang lang) throws Throwable {
        Path lib = dir.resolve("libsame.so");
        renameIntoPlace(variant(lang, "v1"), lib);
        FfmLibrary first = open(lib);
        try {
            assertEquals(1, foo(first));
            renameIntoPlace(variant(lang, "v2"), lib);
            FfmLibrary second = open(lib);
            try {
                assertEquals(1, foo(second), "the new file's foo() would return 2");
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void truncatingALoadedLibraryInPlaceKillsTheJvmAtItsNextCall(Lang lang) throws Exception {
        Path lib = Files.copy(variant(lang, "v1"), dir.resolve("libloaded.so"));
        assertDiesOfSigbus("overwrite", lib);
    }

    @Test
    void dlopenOfALibraryCutShortKillsTheJvm() throws Exception {
        byte[] whole = Files.readAllBytes(variant(Lang.C, "v2"));
        Path lib = Files.write(dir.resolve("libcut.so"), Arrays.copyOf(whole, whole.length / 2));
        assertDiesOfSigbus("open", lib);
    }

    private void assertDiesOfSigbus(String mode, Path lib) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode, lib.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, child.exitValue(), output);
        assertFalse(output.contains("survived"), output);
        try (Stream<Path> files = Files.list(dir)) {
            Path log = files.filter(f -> f.getFileName().toString().startsWith("hs_err_")).findFirst().orElseThrow();
            assertTrue(Files.readString(log).contains("SIGBUS"), "the JVM's crash log names SIGBUS");
        }
    }

    /** Opens {@code lib} with this module's loader, without the checks a host makes before dlopen(). */
    private static FfmLibrary open(Path lib) throws LoadException {
        return FfmLibrary.open(new LibraryFile(lib, Map.of()));
    }

    private static int foo(FfmLibrary library) throws Throwable {
        return (int) Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(library.address("foo")),
                FunctionDescriptor.of(JAVA_INT)).invokeExact();
    }

    /** The child JVM: "overwrite" loads the library, truncates it as cp does, and calls it; "open" loads it. */
    public static final class Child {
        public static void main(String[] args) throws Throwable {
            Path lib = Path.of(args[1]);
            FfmLibrary library = open(lib);
            if (args[0].equals("overwrite")) {
                System.out.println("foo() -> " + foo(library));
                try (FileChannel file = FileChannel.open(lib, StandardOpenOption.WRITE)) {
                    file.truncate(0); // cp over an existing file starts so: O_TRUNC on the same inode
                }
                System.out.println("foo() -> " + foo(library));
            }
            System.out.println("survived " + List.of(args));
        }
    }
}
