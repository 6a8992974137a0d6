package dev.hotlib.bench;

import static java.lang.foreign.FunctionDescriptor.of;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.ffm.FfmBinding;
import dev.hotlib.ffm.FfmDemo;
import dev.hotlib.ffm.FfmLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * FFM's ways to call into one loaded version, ns per foo(), beside FfmCalls:
 * <ul>
 *   <li>{@code demo_}: FfmDemo's call with no pin: one static final handle for every version, this version's
 *       address of the function as its first argument, checked by {@code at()} (missing, or unloaded);
 *       {@code byAddress_} the same handle and address without the check;
 *   <li>{@code guarded_}: a handle per version in a final field, bound to the address and guarded by a
 *       SwitchPoint that the unload invalidates before dlclose(): its target is pointed at a refusal, and the call
 *       checks nothing;
 *   <li>{@code site_}: {@link SiteDemo}, for release mode alone, where one version is loaded: a handle bound to
 *       the address is the target of a process-wide {@link MutableCallSite} whose invoker is a static final, pointed at a refusal
 *       before dlclose(); {@code siteRelease_} calls it through a release-mode host's pin, as
 *       {@code FfmCalls.release_foo} calls FfmDemo.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmDesigns {

    /** foo() bound to this version's address, guarded by a SwitchPoint the unload invalidates first. */
    public static final class GuardedDemo extends FfmBinding {
        private static final MethodHandle REFUSED = MethodHandles.insertArguments(
                MethodHandles.throwException(int.class, IllegalStateException.class), 0,
                new IllegalStateException("foo() was unloaded"));
        private final SwitchPoint mapped = new SwitchPoint();  // valid while this version is mapped
        private final MethodHandle foo;  // int32_t foo(void);

        private GuardedDemo(FfmLibrary library) throws LoadException {
            super(library);
            foo = mapped.guardWithTest(fooAt(library), REFUSED);
        }

        public int foo() {
            try {
                return (int) foo.invokeExact();
            } catch (Throwable t) {
                throw fail(t);
            }
        }

        static Guest<GuardedDemo> load(LibraryFile file) throws LoadException {
            Guest<GuardedDemo> guest = FfmLibrary.load(file, GuardedDemo::new);
            SwitchPoint mapped = guest.binding().mapped;
            return new Guest<>(new Refusing(guest.library(), () -> SwitchPoint.invalidateAll(
                    new SwitchPoint[] {mapped})), guest.binding());
        }
    }

    /** A downcall handle bound to this version's address of foo(). */
    static MethodHandle fooAt(FfmLibrary library) throws LoadException {
        long address = library.address("foo");
        if (address == 0) {
            throw LoadException.missing(List.of("foo"));
        }
        return Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(address), of(JAVA_INT));
    }

    /** A version's library whose close runs {@code first} before it unloads. */
    private record Refusing(Library library, Runnable first) implements Library {
        @Override
        public Path path() {
            return library.path();
        }

        @Override
        public boolean defines(String symbol) {
            return library.defines(symbol);
        }

        @Override
        public void close() {
            first.run();
            library.close();
        }

        @Override
        public boolean stillLoaded() {
            return library.stillLoaded();
        }
    }

    /**
     * foo() bound by {@code FfmLibrary.function}, then made the target of one process-wide call site whose
     * invoker the JIT inlines as it inlines a static final handle. Before the version is dlclose()d the site is
     * pointed at a refusal (IllegalStateException), so a call made after the unload, through a binding kept
     * past its pin, throws rather than jumping into unmapped code. One version at a time: release mode.
     */
    public static final class SiteDemo extends FfmBinding {
        private static final MutableCallSite FOO_SITE = new MutableCallSite(MethodType.methodType(int.class));
        private static final MethodHandle FOO = FOO_SITE.dynamicInvoker();
        private static final MethodHandle REFUSED = MethodHandles.insertArguments(
                MethodHandles.throwException(int.class, IllegalStateException.class), 0,
                new IllegalStateException("foo() was unloaded"));

        private final MethodHandle foo;  // int32_t foo(void);

        private SiteDemo(FfmLibrary library) throws LoadException {
            super(library);
            foo = fooAt(library);
        }

        public int foo() {
            try {
                return (int) FOO.invokeExact();
            } catch (Throwable t) {
                throw fail(t);
            }
        }

        /** Binds the version and points the site at it; its unload points the site at the refusal first. */
        static Guest<SiteDemo> load(LibraryFile file) throws LoadException {
            Guest<SiteDemo> guest = FfmLibrary.load(file, SiteDemo::new);
            point(guest.binding().foo);
            return new Guest<>(new Refusing(guest.library(), () -> point(REFUSED)), guest.binding());
        }

        private static void point(MethodHandle target) {
            FOO_SITE.setTarget(target);
            MutableCallSite.syncAll(new MutableCallSite[] {FOO_SITE});
        }
    }

    /** Release mode over {@link SiteDemo}. */
    @State(Scope.Thread)
    public static class SiteRelease extends PinnedHost<SiteDemo> {
        @Override
        Host<SiteDemo> open() throws Exception {
            return Hosts.release(SiteDemo::load, Libs.library("c"));
        }
    }

    /** One version of each kind, loaded for the trial, called with no pin. */
    @State(Scope.Thread)
    public static class Loaded {
        private static final MethodHandle BY_ADDRESS = Linker.nativeLinker().downcallHandle(of(JAVA_INT));
        Guest<FfmDemo> demo;
        Guest<GuardedDemo> guarded;
        Guest<SiteDemo> site;
        MemorySegment address;

        @Setup(Level.Trial)
        public void load() throws Exception {
            demo = FfmDemo.load(LibraryFile.inspect(Libs.library("c")));
            guarded = GuardedDemo.load(LibraryFile.inspect(Libs.library("c")));
            site = SiteDemo.load(LibraryFile.inspect(Libs.library("c")));
            SymbolLookup library = SymbolLookup.libraryLookup(Libs.library("c"), Arena.global());
            address = MemorySegment.ofAddress(library.find("foo").orElseThrow().address());
        }

        @TearDown(Level.Trial)
        public void unload() {
            demo.library().close();
            guarded.library().close();
            site.library().close();
        }
    }

    @Benchmark
    public int demo_foo(Loaded v, CpuShare cpu) {
        return v.demo.binding().foo();
    }

    @Benchmark
    public int byAddress_foo(Loaded v, CpuShare cpu) throws Throwable {
        return (int) Loaded.BY_ADDRESS.invokeExact(v.address);
    }

    @Benchmark
    public int guarded_foo(Loaded v, CpuShare cpu) {
        return v.guarded.binding().foo();
    }

    @Benchmark
    public int site_foo(Loaded v, CpuShare cpu) {
        return v.site.binding().foo();
    }

    @Benchmark
    public int siteRelease_foo(SiteRelease p, CpuShare cpu) {
        return p.pin.binding().foo();
    }
}
