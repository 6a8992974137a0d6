package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reload cost, microseconds, one shot per iteration (SingleShotTime), through the public API:
 * <ul>
 *   <li>swap: Host.reloadIfChanged() after a new version was renamed into place, settle 0: the whole reload
 *       (read, check, copy, load, bind, abi_version(), swap, unload the old version, delete its copy);
 *   <li>loadBind: the backend's loader on a fresh copy of the file (dlopen and every symbol bound);
 *   <li>unload: Guest.close() of a loaded version (dlclose).
 * </ul>
 * The C harness does the same cycle in C (copy, dlopen, dlsym, dlclose) for the ratio; {@link BigReload} is
 * the swap of the 200 MB library, with fewer shots.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Reload {

    /**
     * A host over a watched file in a temporary folder, and the next version renamed into place before each
     * shot. JMH runs a state's inherited @Setup and @TearDown methods: subclasses only say which library.
     */
    @State(Scope.Thread)
    public abstract static class WatchedHost {
        @Param({"FFM", "JNA", "JNR", "JavaCPP"})
        String backend;
        Path dir;
        Path watched;
        Host<?> host;
        int n;

        abstract String lib();

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("hotlib-bench-");
            watched = dir.resolve(System.mapLibraryName("watched"));
            Host.Settings settings = Host.Settings.watching(watched).withSettle(Duration.ZERO);
            host = new Host<>(Backends.of(backend), settings, new Hooks() {});
            placeNext();
            if (!host.reloadIfChanged()) {
                throw new IllegalStateException("the first version did not load");
            }
        }

        /** The next version renamed into place like an atomic build (see {@link Versions}). */
        @Setup(Level.Iteration)
        public void placeNext() throws Exception {
            Versions.place(watched, lib(), ++n);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            host.close();
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }

        boolean swap() throws Exception {
            if (!host.reloadIfChanged()) {
                throw new IllegalStateException("version " + n + " was not swapped in");
            }
            return true;
        }
    }

    /** The published C or Rust library. */
    @State(Scope.Thread)
    public static class Swapping extends WatchedHost {
        @Param({"c", "rust"})
        String lib;

        @Override
        String lib() {
            return lib;
        }
    }

    /** A backend and a fresh copy of the library written before each shot: what loadBind starts from. */
    @State(Scope.Thread)
    public static class Loading {
        @Param({"FFM", "JNA", "JNR", "JavaCPP"})
        String backend;
        @Param({"c", "rust"})
        String lib;
        Backend<?> impl;
        Path dir;
        Path copy;
        Guest<?> guest;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            impl = Backends.of(backend);
            dir = Files.createTempDirectory("hotlib-bench-");
        }

        @Setup(Level.Iteration)
        public void writeCopy() throws Exception {
            copy = Files.copy(Libs.library(lib), dir.resolve("v" + ++n + ".so"));
            beforeShot();
        }

        /** What else a shot starts from. Not a @Setup of its own: JMH would run an overriding one twice. */
        void beforeShot() throws Exception {}

        @TearDown(Level.Iteration)
        public void unloadAndDelete() throws Exception {
            if (guest != null) {
                guest.close();
                guest = null;
            }
            Files.deleteIfExists(copy);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            Files.deleteIfExists(dir);
        }
    }

    /** The same, with the copy loaded before each shot: what unload starts from. */
    @State(Scope.Thread)
    public static class Unloading extends Loading {
        @Override
        void beforeShot() throws Exception {
            guest = impl.loader().load(copy);
        }
    }

    @Benchmark
    public boolean swap(Swapping s) throws Exception {
        return s.swap();
    }

    @Benchmark
    public Guest<?> loadBind(Loading s) throws Exception {
        return s.guest = s.impl.loader().load(s.copy);
    }

    @Benchmark
    public void unload(Unloading s) {
        s.guest.close();
        s.guest = null;
    }
}
