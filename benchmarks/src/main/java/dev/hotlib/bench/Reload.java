package dev.hotlib.bench;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.Loader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 *   <li>loadBind: the demo binding's loader on a fresh copy of the file, its symbol table read before the
 *       shot (dlopen, every symbol bound, abi_version());
 *   <li>unload: the loaded version's Library.close() (dlclose);
 *   <li>jvmCycle: the C harness's cycle, the same libc calls in the same order, made from this JVM through FFM.
 * </ul>
 * The swap's goal is against jvmCycle, timed alike (single shots, same run); the C harness's cycle in C is
 * reported beside it. {@link BigReload} is the swap of the 200 MB library, with fewer shots.
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
            host = new Host<>(Backends.loader(backend), settings, new Hooks() {});
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
        Loader<?> loader;
        Path dir;
        Path copy;
        LibraryFile file;
        Guest<?> guest;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            loader = Backends.loader(backend);
            dir = Files.createTempDirectory("hotlib-bench-");
        }

        @Setup(Level.Iteration)
        public void writeCopy() throws Exception {
            copy = Files.copy(Libs.library(lib), dir.resolve("v" + ++n + ".so"));
            file = LibraryFile.inspect(copy);
            beforeShot();
        }

        /** What else a shot starts from. Not a @Setup of its own: JMH would run an overriding one twice. */
        void beforeShot() throws Exception {}

        @TearDown(Level.Iteration)
        public void unloadAndDelete() throws Exception {
            if (guest != null) {
                guest.library().close();
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
            guest = loader.load(file);
        }
    }

    /**
     * The C harness's reload cycle (native_bench.c's reload_cycle), call for call, through FFM downcalls:
     * open + open(O_CREAT|O_EXCL) + copy_file_range + close (the size is read once, where C calls fstat),
     * dlopen(RTLD_NOW|RTLD_LOCAL), dlsym
     * of the five functions, abi_version(), dlclose, unlink. A fresh file name per shot, as in C.
     */
    @State(Scope.Thread)
    public abstract static class JvmCycle {
        static final Linker LINKER = Linker.nativeLinker();
        static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
        static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
        static final ValueLayout PTR = ValueLayout.ADDRESS;
        // int open(const char *path, int flags, mode_t mode);
        static final MethodHandle OPEN = libc("open", FunctionDescriptor.of(INT, PTR, INT, INT));
        // int close(int fd);
        static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(INT, INT));
        // ssize_t copy_file_range(int in, off_t *in_off, int out, off_t *out_off, size_t len, unsigned flags);
        static final MethodHandle COPY_FILE_RANGE = libc("copy_file_range",
                FunctionDescriptor.of(LONG, INT, PTR, INT, PTR, LONG, INT));
        // void *dlopen(const char *file, int mode);
        static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(PTR, PTR, INT));
        // void *dlsym(void *handle, const char *name);
        static final MethodHandle DLSYM = libc("dlsym", FunctionDescriptor.of(PTR, PTR, PTR));
        // int dlclose(void *handle);
        static final MethodHandle DLCLOSE = libc("dlclose", FunctionDescriptor.of(INT, PTR));
        // int unlink(const char *path);
        static final MethodHandle UNLINK = libc("unlink", FunctionDescriptor.of(INT, PTR));
        // int32_t abi_version(void); through the address dlsym returned
        static final MethodHandle ABI_VERSION = LINKER.downcallHandle(FunctionDescriptor.of(INT));
        static final int O_WRONLY_CREAT_EXCL = 01 | 0100 | 0200;
        static final int RTLD_NOW_LOCAL = 0x2;
        static final String[] SYMBOLS = {"abi_version", "foo", "bar", "greeting", "update"};

        Arena arena;
        Path dir;
        MemorySegment source;
        MemorySegment[] symbols = new MemorySegment[SYMBOLS.length];
        MemorySegment target;
        long size;
        int n;

        /** The library: "c", "rust" or "big". */
        abstract String lib();

        static MethodHandle libc(String name, FunctionDescriptor signature) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), signature);
        }

        @Setup(Level.Trial)
        public void open() throws Exception {
            arena = Arena.ofConfined();
            dir = Files.createTempDirectory("hotlib-bench-");
            Path file = Libs.library(lib());
            source = arena.allocateFrom(file.toString());
            size = Files.size(file);
            for (int i = 0; i < SYMBOLS.length; i++) {
                symbols[i] = arena.allocateFrom(SYMBOLS[i]);
            }
        }

        /** The next shot's file name, outside the timed shot (C formats its name inside: a few ns). */
        @Setup(Level.Iteration)
        public void name() {
            target = arena.allocateFrom(dir.resolve("jvm-" + ++n + ".so").toString());
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            arena.close();
            Files.deleteIfExists(dir);
        }

        int cycle() throws Throwable {
            int in = (int) OPEN.invokeExact(source, 0, 0);
            int out = (int) OPEN.invokeExact(target, O_WRONLY_CREAT_EXCL, 0700);
            if (in < 0 || out < 0) {
                throw new IllegalStateException("open failed");
            }
            for (long left = size; left > 0; ) {
                long n = (long) COPY_FILE_RANGE.invokeExact(in, MemorySegment.NULL, out, MemorySegment.NULL, left, 0);
                if (n <= 0) {
                    throw new IllegalStateException("copy_file_range failed");
                }
                left -= n;
            }
            int closed = (int) CLOSE.invokeExact(out) | (int) CLOSE.invokeExact(in);
            MemorySegment library = (MemorySegment) DLOPEN.invokeExact(target, RTLD_NOW_LOCAL);
            if (library.address() == 0 || closed != 0) {
                throw new IllegalStateException("dlopen failed");
            }
            MemorySegment abi = MemorySegment.NULL;
            for (int i = 0; i < symbols.length; i++) {
                MemorySegment found = (MemorySegment) DLSYM.invokeExact(library, symbols[i]);
                abi = i == 0 ? found : abi;
            }
            int version = (int) ABI_VERSION.invokeExact(abi);
            if ((int) DLCLOSE.invokeExact(library) != 0 | (int) UNLINK.invokeExact(target) != 0) {
                throw new IllegalStateException("dlclose or unlink failed");
            }
            return version;
        }
    }

    /** {@link JvmCycle} on the published C or Rust library. */
    @State(Scope.Thread)
    public static class Cycling extends JvmCycle {
        @Param({"c", "rust"})
        String lib;

        @Override
        String lib() {
            return lib;
        }
    }

    @Benchmark
    public int jvmCycle(Cycling s) throws Throwable {
        return s.cycle();
    }

    @Benchmark
    public boolean swap(Swapping s) throws Exception {
        return s.swap();
    }

    @Benchmark
    public Guest<?> loadBind(Loading s) throws Exception {
        return s.guest = s.loader.load(s.file);
    }

    @Benchmark
    public void unload(Unloading s) {
        s.guest.library().close();
        s.guest = null;
    }
}
