package dev.hotlib.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The example program's options, read from system properties (so they work as {@code -D} on the
 * {@code mvn ... exec:java} line).
 *
 * <ul>
 *   <li>{@code hotlib.lib}: {@code c} (default), {@code rust}, or the path of any library file;
 *   <li>{@code hotlib.interval}: milliseconds per tick (default 1000);
 *   <li>{@code hotlib.ticks}: stop after that many ticks (default: run until interrupted);
 *   <li>{@code hotlib.settle}: how long, in milliseconds, a changed file must hold still before it is
 *       loaded (default 200, at most 60000);
 *   <li>{@code hotlib.trustWritable}: {@code true} to load a library file that another user owns or can
 *       replace (default {@code false}: such a file is refused, since loading it runs its code);
 *   <li>{@code hotlib.release}: {@code true} for release mode: load the library once, from a private copy, and
 *       never watch it again, for use outside development (default {@code false});
 *   <li>{@code hotlib.shadowDir}: the folder under which the private copies are made (default: the JVM's
 *       {@code java.io.tmpdir}, {@code /tmp} on Linux; {@code $TMPDIR} does not change it);
 *   <li>{@code hotlib.root}: the repository root, where {@code build/lib/} is (set by the Maven build).
 * </ul>
 *
 * @param library the watched library file
 * @param waitingHint what to tell while the file is not there: the command that builds it, or what
 *     {@code hotlib.lib} accepts when its value looks mistyped; empty for an ordinary path
 * @param interval the time between ticks
 * @param ticks how many ticks to run
 * @param settings what the host needs: the file, settle, trust, release mode and the shadow folder
 */
public record Options(Path library, String waitingHint, Duration interval, long ticks, Host.Settings settings) {

    public static final long UNLIMITED_TICKS = Long.MAX_VALUE;
    /** The longest settle time: a minute is already longer than any build's final write. */
    public static final long MAX_SETTLE_MS = 60_000;

    /**
     * Reads the options from {@link System#getProperties()}; on a bad value prints one line that names the
     * option and what it accepts, and exits with status 2.
     */
    public static Options fromSystemProperties() {
        try {
            return from(System.getProperties());
        } catch (OptionException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            throw new AssertionError("unreachable");
        }
    }

    static Options from(Properties p) throws OptionException {
        Path root = root(p.getProperty("hotlib.root"));
        String lib = p.getProperty("hotlib.lib", "c").strip();
        String hint = "build it with  cmake -S " + root + " -B " + root.resolve("build")
                + " && cmake --build " + root.resolve("build");
        Path library;
        if (lib.equals("c")) {
            library = root.resolve("build/lib").resolve(System.mapLibraryName("hotlib_c"));
        } else if (lib.equals("rust")) {
            library = root.resolve("build/lib").resolve(System.mapLibraryName("hotlib_rust"));
        } else if (lib.isEmpty()) {
            throw new OptionException("hotlib.lib accepts c, rust, or the path of a library file; it was empty");
        } else {
            library = Path.of(lib).toAbsolutePath().normalize();
            hint = Files.exists(library) ? "" : "hotlib.lib accepts c, rust, or the path of a library file, and \""
                    + lib + "\" is neither c, rust nor an existing file";
        }
        Duration interval = Duration.ofMillis(number(p, "hotlib.interval", 1000, 1, Long.MAX_VALUE));
        long ticks = number(p, "hotlib.ticks", UNLIMITED_TICKS, 1, Long.MAX_VALUE);
        Duration settle = Duration.ofMillis(number(p, "hotlib.settle", 200, 0, MAX_SETTLE_MS));
        String shadowDir = p.getProperty("hotlib.shadowDir", p.getProperty("java.io.tmpdir", "/tmp")).strip();
        if (shadowDir.isEmpty()) {
            throw new OptionException("hotlib.shadowDir accepts the path of a folder; it was empty");
        }
        Host.Settings settings = Host.Settings.watching(library)
                .withSettle(settle)
                .withTrustWritable(bool(p, "hotlib.trustWritable"))
                .withReleaseMode(bool(p, "hotlib.release"))
                .withShadowParent(Path.of(shadowDir).toAbsolutePath().normalize());
        return new Options(library, hint, interval, ticks, settings);
    }

    private static boolean bool(Properties p, String name) throws OptionException {
        String text = p.getProperty(name, "false").strip();
        if (text.equals("true") || text.isEmpty()) {
            return true; // a bare -Dname means true
        }
        if (text.equals("false")) {
            return false;
        }
        throw new OptionException(name + " accepts true or false; got \"" + text + "\"");
    }

    private static long number(Properties p, String name, long fallback, long min, long max) throws OptionException {
        String text = p.getProperty(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with what the option accepts
        }
        String unit = name.equals("hotlib.ticks") ? "ticks" : "milliseconds";
        String range = max == Long.MAX_VALUE ? min + " or more" : "from " + min + " to " + max;
        throw new OptionException(
                name + " accepts a whole number of " + unit + ", " + range + "; got \"" + text + "\"");
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
