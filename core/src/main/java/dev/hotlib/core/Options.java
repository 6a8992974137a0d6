package dev.hotlib.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The program's options, read from system properties (so they work as {@code -D} on the
 * {@code mvn ... exec:java} line).
 *
 * <ul>
 *   <li>{@code hotlib.lib}: {@code c} (default), {@code rust}, or the path of any library file;
 *   <li>{@code hotlib.interval}: milliseconds per tick (default 1000);
 *   <li>{@code hotlib.ticks}: stop after that many ticks (default: run until interrupted);
 *   <li>{@code hotlib.settle}: how long, in milliseconds, a changed file must hold still before it is
 *       loaded (default 200);
 *   <li>{@code hotlib.trustWritable}: {@code true} to load a library file, or one in a folder, that other
 *       users can write (default {@code false}: such a file is refused, since loading it runs its code);
 *   <li>{@code hotlib.release}: {@code true} to load the library once, from its path, without watching or
 *       copying it, for use outside development (default {@code false});
 *   <li>{@code hotlib.root}: the repository root, where {@code build/lib/} is (set by the Maven build).
 * </ul>
 *
 * @param library the watched library file
 * @param buildHint the command that builds it, or empty for a user-given path
 */
public record Options(Path library, String buildHint, Duration interval, long ticks, Duration settle,
                      boolean trustWritable, boolean release) {

    public static final long UNLIMITED_TICKS = Long.MAX_VALUE;

    /** Options for tests and embedders: the given file, default timings, no tick limit. */
    public static Options forLibrary(Path library) {
        return new Options(library, "", Duration.ofSeconds(1), UNLIMITED_TICKS, Duration.ofMillis(200), false, false);
    }

    public Options withSettle(Duration settle) {
        return new Options(library, buildHint, interval, ticks, settle, trustWritable, release);
    }

    public Options withTrustWritable(boolean trustWritable) {
        return new Options(library, buildHint, interval, ticks, settle, trustWritable, release);
    }

    public Options withRelease(boolean release) {
        return new Options(library, buildHint, interval, ticks, settle, trustWritable, release);
    }

    /** Reads the options from {@link System#getProperties()}. */
    public static Options fromSystemProperties() throws OptionException {
        return from(System.getProperties());
    }

    static Options from(Properties p) throws OptionException {
        Path root = root(p.getProperty("hotlib.root"));
        String lib = p.getProperty("hotlib.lib", "c").strip();
        String hint = "cmake -S " + root + " -B " + root.resolve("build") + " && cmake --build " + root.resolve("build");
        Path library = switch (lib) {
            case "c" -> root.resolve("build/lib").resolve(System.mapLibraryName("hotlib_c"));
            case "rust" -> root.resolve("build/lib").resolve(System.mapLibraryName("hotlib_rust"));
            case "" -> throw new OptionException("hotlib.lib accepts c, rust, or the path of a library file; it was empty");
            default -> {
                hint = "";
                yield Path.of(lib).toAbsolutePath().normalize();
            }
        };
        Duration interval = Duration.ofMillis(positive(p, "hotlib.interval", 1000, 1));
        long ticks = positive(p, "hotlib.ticks", UNLIMITED_TICKS, 1);
        Duration settle = Duration.ofMillis(positive(p, "hotlib.settle", 200, 0));
        return new Options(library, hint, interval, ticks, settle, bool(p, "hotlib.trustWritable"), bool(p, "hotlib.release"));
    }

    private static boolean bool(Properties p, String name) throws OptionException {
        String text = p.getProperty(name, "false").strip();
        return switch (text) {
            case "true", "" -> true; // a bare -Dname means true
            case "false" -> false;
            default -> throw new OptionException(name + " accepts true or false; got \"" + text + "\"");
        };
    }

    private static long positive(Properties p, String name, long fallback, long min) throws OptionException {
        String text = p.getProperty(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with what the option accepts
        }
        String accepted = min == 0 ? "a whole number of milliseconds, 0 or more" : "a whole number, 1 or more";
        if (name.equals("hotlib.ticks")) {
            accepted = "a whole number of ticks, 1 or more";
        } else if (min > 0) {
            accepted = "a whole number of milliseconds, 1 or more";
        }
        throw new OptionException(name + " accepts " + accepted + "; got \"" + text + "\"");
    }

    /** The repository root: hotlib.root, else the nearest folder up from here that holds the ABI header. */
    private static Path root(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("c-lib/include/hotlib.h"))) {
                return dir;
            }
        }
        return here;
    }

    /** A bad option value; the message is one line naming the option and what it accepts. */
    public static final class OptionException extends Exception {
        public OptionException(String message) {
            super(message);
        }
    }
}
