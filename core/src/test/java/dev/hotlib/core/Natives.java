package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test libraries: the variants CMake builds from c-lib/variants and rust-lib/variants, and those of the second
 * ABI from c-lib/game and rust-lib/game (cmake/variants.cmake).
 */
public final class Natives {
    /** The two guests the suite runs against. */
    public enum Lang {
        C("c"), RUST("rust");

        final String dir;

        Lang(String dir) {
            this.dir = dir;
        }
    }

    private static boolean built;

    private Natives() {}

    /** The repository root, as the Maven build passes it, else found from the working directory. */
    public static Path root() {
        String configured = System.getProperty("hotlib.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("c-lib/include/hotlib.h"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root: set -Dhotlib.root");
    }

    /**
     * The built variant {@code name} of {@code lang} (cmake/variants.cmake lists them: v1, v2, v3, abi2, nofoo,
     * needsdep, undef, nullgreeting, foodata, bardata, sibling, tlsdrop); builds the variants once per JVM.
     */
    public static synchronized Path variant(Lang lang, String name) {
        build();
        Path file = root().resolve("build/test-variants").resolve(lang.dir).resolve(System.mapLibraryName(name));
        assertTrue(Files.isRegularFile(file), "the build did not produce " + file);
        return file;
    }

    /**
     * The built variant {@code name} of the second ABI, c-lib/game/game.h, in {@code lang} (HOTLIB_GAME_VARIANTS
     * in cmake/variants.cmake lists them: v1, v2, v3 move 1, 2, 3 per second and score x * 10 plus 0, 1000, 2000;
     * noscore, nostep and neither lack score, step or both; scoredata exports score as data); builds the
     * variants once per JVM.
     */
    public static synchronized Path gameVariant(Lang lang, String name) {
        build();
        Path file = root().resolve("build/test-variants/game").resolve(lang.dir)
                .resolve(System.mapLibraryName(name));
        assertTrue(Files.isRegularFile(file), "the build did not produce " + file);
        return file;
    }

    /**
     * A C++ variant (unique: an inline function's static local, STB_GNU_UNIQUE), built only where CMake
     * found a C++ compiler: the test is skipped, saying so, where there is none.
     */
    public static synchronized Path cxxVariant(String name) {
        build();
        Path file = root().resolve("build/test-variants/c").resolve(System.mapLibraryName(name));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(file),
                "no C++ compiler was found by CMake, so " + file + " was not built");
        return file;
    }

    /** The dependency of the "sibling" variant, found beside it through RUNPATH $ORIGIN: build a (41) or b (42). */
    public static synchronized Path sibling(String build) {
        build();
        Path file = root().resolve("build/test-variants/sibling").resolve(build)
                .resolve(System.mapLibraryName("hotlib_sibling"));
        assertTrue(Files.isRegularFile(file), "the build did not produce " + file);
        return file;
    }

    private static void build() {
        if (!built) {
            Path build = root().resolve("build");
            if (!Files.exists(build.resolve("CMakeCache.txt"))) {
                run(root(), "cmake", "-S", root().toString(), "-B", build.toString());
            }
            run(root(), "cmake", "--build", build.toString(), "--parallel");
            run(root(), "cmake", "--build", build.toString(), "--target", "test-variants", "--parallel");
            built = true;
        }
    }

    /** Puts {@code source} at {@code target} the way an atomic build does: copy beside it, then rename. */
    public static void renameIntoPlace(Path source, Path target) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** As {@link #renameIntoPlace(Path, Path)}, with the file's permissions set first, such as "rw-rw-rw-". */
    public static void renameIntoPlace(Path source, Path target, String permissions) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs a build command in {@code dir}, failing the test with its output if it fails. */
    public static void run(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), "timed out: " + String.join(" ", command));
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** ELF e_machine of AArch64: a library for another architecture. */
    public static final int EM_AARCH64 = 183;
    /** ELF e_type of a relocatable object: an ELF file that is not a library. */
    public static final int ET_REL = 1;

    /** A copy of an ELF file with its e_machine field (offset 18, little-endian) set to {@code machine}. */
    public static byte[] withElfMachine(byte[] elf, int machine) {
        return withHalfWord(elf, 18, machine);
    }

    /** A copy of an ELF file with its e_type field (offset 16, little-endian) set to {@code type}. */
    public static byte[] withElfType(byte[] elf, int type) {
        return withHalfWord(elf, 16, type);
    }

    /** A copy of an ELF file with the 16-bit field at {@code offset} set to {@code value}. */
    public static byte[] withHalfWordAt(byte[] elf, int offset, int value) {
        return withHalfWord(elf, offset, value);
    }

    /** A copy of an ELF file with the 64-bit field at {@code offset} set to {@code value}. */
    public static byte[] withLongAt(byte[] elf, int offset, long value) {
        byte[] copy = elf.clone();
        java.nio.ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        return copy;
    }

    /**
     * Mounts a tmpfs with {@code options} (such as "size=256k" or "noexec") at {@code at}; false where this
     * user may not (not root, or no CAP_SYS_ADMIN): the caller skips, saying why. Unmount it with umount.
     */
    public static boolean mountTmpfs(Path at, String options) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        return mount.waitFor() == 0;
    }

    private static byte[] withHalfWord(byte[] elf, int offset, int value) {
        assertEquals(0x7f, elf[0], "an ELF file");
        byte[] copy = elf.clone();
        copy[offset] = (byte) value;
        copy[offset + 1] = (byte) (value >> 8);
        return copy;
    }

    /** How many distinct files under {@code dir} are mapped into this process now. */
    public static long mappedFilesUnder(Path dir) throws IOException {
        String prefix = " " + dir + "/";
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains(prefix))
                .map(line -> line.substring(line.indexOf(prefix) + 1).replace(" (deleted)", ""))
                .distinct()
                .count();
    }

    /** The lines of /proc/self/maps that map {@code file}: empty once it is unloaded. */
    public static List<String> mappingsOf(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith(" " + file) || line.endsWith(" " + file + " (deleted)")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
