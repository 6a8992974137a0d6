package dev.hotlib.core;

import dev.hotlib.bench.Backends;
import dev.hotlib.bench.Libs;
import dev.hotlib.bench.Versions;
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
 * Reload cost, microseconds, one shot per iteration (SingleShotTime): each phase of a reload, measured alone,
 * with the step before it done in the iteration's setup. In package dev.hotlib.core for {@link ShadowCopies}.
 * <ul>
 *   <li>shadowCopy: the fresh private copy the host writes (backend-neutral);
 *   <li>loadBind: the backend loads that copy and binds every symbol (Backend.load);
 *   <li>unload: closing the guest (dlclose, or what the backend does instead);
 *   <li>swap: Host.reloadIfChanged() after a new version was renamed into place: read, check, copy, load,
 *       bind, abi_version(), swap under the write lock, unload the old one, delete its copy.
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Reload {

    @State(Scope.Thread)
    public static class Copying {
        @Param({"c", "rust"})
        String lib;
        ShadowCopies copies;
        byte[] bytes;
        Path copy;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            copies = new ShadowCopies(Path.of(System.getProperty("java.io.tmpdir")));
            bytes = Files.readAllBytes(Libs.library(lib));
        }

        @TearDown(Level.Iteration)
        public void deleteCopy() {
            copies.delete(copy);
        }

        @TearDown(Level.Trial)
        public void close() {
            copies.close();
        }
    }

    /**
     * A backend and a copy of the library: what loadBind and unload start from. JMH runs the @Setup and
     * @TearDown methods of a state's superclass too, so the subclasses only say what comes before a shot.
     */
    @State(Scope.Thread)
    public abstract static class WithBackend {
        @Param({"FFM", "JNA", "JNR", "JavaCPP"})
        String backend;
        @Param({"c", "rust"})
        String lib;
        Backend<?> impl;
        ShadowCopies copies;
        byte[] bytes;
        Path copy;
        Guest<?> guest;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            impl = Backends.of(backend);
            copies = new ShadowCopies(Path.of(System.getProperty("java.io.tmpdir")));
            bytes = Files.readAllBytes(Libs.library(lib));
        }

        void writeCopy() throws Exception {
            copy = copies.write(bytes, "libbench.so", ++n);
        }

        @TearDown(Level.Iteration)
        public void unloadAndDelete() {
            if (guest != null) {
                guest.close();
                guest = null;
            }
            copies.delete(copy);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            copies.close();
        }
    }

    /** A fresh copy written before each shot. */
    @State(Scope.Thread)
    public static class Loading extends WithBackend {
        @Setup(Level.Iteration)
        public void beforeShot() throws Exception {
            writeCopy();
        }
    }

    /** A fresh copy written and loaded before each shot. */
    @State(Scope.Thread)
    public static class Unloading extends WithBackend {
        @Setup(Level.Iteration)
        public void beforeShot() throws Exception {
            writeCopy();
            guest = impl.load(copy);
        }
    }

    /** A host over a watched file in a temporary folder, and the next version renamed into place before each shot. */
    @State(Scope.Thread)
    public static class Swapping {
        @Param({"FFM", "JNA", "JNR", "JavaCPP"})
        String backend;
        @Param({"c", "rust"})
        String lib;
        Path dir;
        Path watched;
        Host<?> host;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("hotlib-bench-");
            watched = dir.resolve(System.mapLibraryName("watched"));
            host = new Host<>(Backends.of(backend), Options.forLibrary(watched).withSettle(Duration.ZERO), new Hooks() {});
            placeNext();
            if (!host.reloadIfChanged()) {
                throw new IllegalStateException("the first version did not load");
            }
        }

        /** The next version renamed into place like an atomic build (see {@link Versions}). */
        @Setup(Level.Iteration)
        public void placeNext() throws Exception {
            Versions.place(watched, lib, ++n);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            host.close();
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }
    }

    @Benchmark
    public Path shadowCopy(Copying s) throws Exception {
        return s.copy = s.copies.write(s.bytes, "libbench.so", ++s.n);
    }

    @Benchmark
    public Guest<?> loadBind(Loading s) throws Exception {
        return s.guest = s.impl.load(s.copy);
    }

    @Benchmark
    public void unload(Unloading s) {
        s.guest.close();
        s.guest = null;
    }

    @Benchmark
    public boolean swap(Swapping s) throws Exception {
        if (!s.host.reloadIfChanged()) {
            throw new IllegalStateException("version " + s.n + " was not swapped in");
        }
        return true;
    }
}
