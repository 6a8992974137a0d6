package dev.hotlib.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The example program's options, read from system properties (so they work as {@code -D} on the
 * {@code mvn ... exec:java} line).
 *
 * <ul>
 *   <li>{@code hotlib.lib}: {@code c} (default), {@code rust}, or the path of any library file (a name
 *       without a {@code /} must be an existing file: a path to wait for has a {@code /}, such as
 *       {@code ./libx.so});
 *   <li>{@code hotlib.interval}: milliseconds per tick (default 1000);
 *   <li>{@code hotlib.ticks}: stop after that many ticks (default: run until interrupted);
 *   <li>{@code hotlib.settle}: how long, in milliseconds, a changed file must hold still before it is
 *       loaded (default 200, at most 60000);
 *   <li>{@code hotlib.trustWritable}: {@code true} to load a library file, or a library it needs, that another
 *       user owns or can replace (default {@code false}: such a file is refused, since loading it runs its code);
 *   <li>{@code hotlib.release}: {@code true} for release mode: load the library once, from a private copy, and
 *       never watch it again, for use outside development (default {@code false});
 *   <li>{@code hotlib.shadowDir}: the folder under which the private copies are made (default: the JVM's
 *       {@code java.io.tmpdir}, {@code /tmp} on Linux; {@code $TMPDIR} does not change it); made if missing,
 *       and refused at the first copy if another user could rename a folder on its path (the rule of
 *       {@code hotlib.trustWritable}, with no opt-out);
 *   <li>{@code hotlib.root}: the repository root, where {@code build/lib/} is (set by the Maven build).
 * </ul>
 * Any other {@code hotlib.*} property is a warning that names the closest of these, except the build's own
 * ({@code hotlib.skipNatives}, {@code hotlib.jvm.flags}, {@code hotlib.fuzzInputs}), which a {@code -D} on the
 * {@code mvn} line also sets in the program's JVM.
 *
 * @param library the watched library file
 * @param waitingHint what to tell while the file is not there: the command that builds it for {@code c} and
 *     {@code rust}; empty for a path
 * @param interval the time between ticks
 * @param ticks how many ticks to run
 * @param settings what the host needs: the file, settle, trust, release mode and the shadow folder
 * @param warnings one line each, to print after {@code warning: } before the program starts: each
 *     {@code hotlib.*} property that is no option, with the option it most likely meant
 */
public record Options(Path library, String waitingHint, Duration interval, long ticks, Host.Settings settings,
                      List<String> warnings) {

    public static final long UNLIMITED_TICKS = Long.MAX_VALUE;
    /** The longest settle time: a minute is already longer than any build's final write. */
    public static final long MAX_SETTLE_MS = 60_000;
    /** The options, in the order the class comment lists them. */
    static final List<String> NAMES = List.of("hotlib.lib", "hotlib.interval", "hotlib.ticks", "hotlib.settle",
            "hotlib.trustWritable", "hotlib.release", "hotlib.shadowDir", "hotlib.root");
    /** The build's properties: not options, but set in the program's JVM by a -D on the mvn line. */
    private static final List<String> BUILD_NAMES = List.of("hotlib.skipNatives", "hotlib.jvm.flags",
            "hotlib.fuzzInputs");
    /** The most edits (a letter added, removed, changed, or two swapped) between a typo and what it meant. */
    private static final int MAX_TYPO = 2;

    public Options {
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads the options from {@link System#getProperties()}; on a bad value prints one line that names the
     * option and what it accepts, and exits with status 2.
     */
    public static Options fromSystemProperties() {
        try {
            Options options = from(System.getProperties());
            options.warnings().forEach(warning -> System.err.println("warning: " + warning));
            return options;
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
            if (!lib.contains("/") && !Files.exists(library)) {
                String meant = closest(lib, List.of("c", "rust"));
                throw new OptionException("hotlib.lib accepts c, rust, or the path of a library file; \"" + lib
                        + "\" is neither (" + (meant != null ? "did you mean " + meant + "?)"
                        : "for a file that does not exist yet, write a path with a /, such as ./" + lib + ")"));
            }
            hint = "";
        }
        Duration interval = Duration.ofMillis(number(p, "hotlib.interval", 1000, 1, Long.MAX_VALUE));
        long ticks = number(p, "hotlib.ticks", UNLIMITED_TICKS, 1, Long.MAX_VALUE);
        Duration settle = Duration.ofMillis(number(p, "hotlib.settle", 200, 0, MAX_SETTLE_MS));
        String shadowDir = p.getProperty("hotlib.shadowDir", p.getProperty("java.io.tmpdir", "/tmp")).strip();
        if (shadowDir.isEmpty()) {
            throw new OptionException("hotlib.shadowDir accepts the path of a folder; it was empty");
        }
        Path shadowParent = Path.of(shadowDir).toAbsolutePath().normalize();
        Path notAFolder = notAFolder(shadowParent);
        if (notAFolder != null) {
            throw new OptionException("hotlib.shadowDir accepts the path of a folder; " + notAFolder
                    + " is a file, not a folder");
        }
        Host.Settings settings = Host.Settings.watching(library)
                .withSettle(settle)
                .withTrustWritable(bool(p, "hotlib.trustWritable"))
                .withReleaseMode(bool(p, "hotlib.release"))
                .withShadowParent(shadowParent);
        return new Options(library, hint, interval, ticks, settings, unknown(p));
    }

    /** The file on the way to {@code folder}, itself included, that is there but is not a folder, or null. */
    private static Path notAFolder(Path folder) {
        for (Path at = folder; at != null; at = at.getParent()) {
            if (Files.exists(at)) {
                return Files.isDirectory(at) ? null : at;
            }
        }
        return null;
    }

    /** A warning for each {@code hotlib.*} property that is neither an option nor the build's, sorted. */
    private static List<String> unknown(Properties p) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(p.stringPropertyNames())) {
            if (!name.startsWith("hotlib.") || NAMES.contains(name) || BUILD_NAMES.contains(name)) {
                continue;
            }
            String meant = meant(name);
            warnings.add("unknown option " + name + "; " + (meant != null ? "did you mean " + meant + "?"
                    : "the options are " + String.join(", ", NAMES)));
        }
        return warnings;
    }

    /** The option that {@code name} most likely meant: a typo of it, or its start or its start plus more; or null. */
    private static String meant(String name) {
        String typo = closest(name, NAMES);
        if (typo != null) {
            return typo;
        }
        String typed = name.substring("hotlib.".length()).toLowerCase(Locale.ROOT);
        for (String option : NAMES) {
            String known = option.substring("hotlib.".length()).toLowerCase(Locale.ROOT);
            if (typed.length() >= 3 && (known.startsWith(typed) || typed.startsWith(known))) {
                return option;
            }
        }
        return null;
    }

    /** The one of {@code known} that {@code typed} is a typo of (case aside, at most two edits), or null. */
    static String closest(String typed, List<String> known) {
        String best = null;
        int bestDistance = MAX_TYPO + 1;
        for (String name : known) {
            int d = distance(typed.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The optimal string alignment distance: letters inserted, deleted, replaced, or two neighbours swapped. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
