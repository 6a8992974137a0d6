package dev.hotlib.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.ffm.FfmState;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Two designs of FFM's reloadable call, measured beside FfmCalls to choose between them and to see where a
 * pinned call's time goes (ns per foo()):
 * <ul>
 *   <li>FfmHotlib's: one static downcall handle per function, the version's address passed as its first
 *       argument ({@code unchecked_} calls it so, with no check: the design's floor);
 *   <li>bound: a handle per version, bound to the symbol's address rewrapped in the global scope and kept in
 *       an instance field ({@link Bound}; {@code boundUnchecked_} calls it with no check).
 * </ul>
 * {@code bound_} and {@code boundRelease_} call {@link Bound} through a pin of a watching and a release-mode
 * host, like FfmCalls' pinned_ and release_; {@code siteRelease_} and {@code siteUnchecked_} measure a design
 * for release mode alone, {@link Site}, and {@code sitePinOnly_} the same through a release host's pin without
 * the version's closed check: what one plain field read less on the call path would give.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmDesigns {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor INT = FunctionDescriptor.of(JAVA_INT);

    /** A version bound the other way: a downcall handle per function and version, bound to its address. */
    static final class Bound implements Guest<FfmState> {
        private final Arena arena = Arena.ofShared();
        private final MethodHandle abiVersion;  // int32_t abi_version(void);
        private final MethodHandle foo;         // int32_t foo(void);
        private boolean closed;

        Bound(Path file) {
            SymbolLookup library = SymbolLookup.libraryLookup(file, arena);
            abiVersion = bind(library, "abi_version");
            foo = bind(library, "foo");
        }

        /** The address rewrapped in the global scope, so that no call acquires the arena: the pin guards it. */
        private static MethodHandle bind(SymbolLookup library, String name) {
            MemorySegment symbol = library.find(name).orElseThrow();
            return LINKER.downcallHandle(MemorySegment.ofAddress(symbol.address()), INT);
        }

        @Override
        public int abiVersion() {
            return call(abiVersion);
        }

        @Override
        public int foo() {
            return call(foo);
        }

        private int call(MethodHandle handle) {
            if (closed) {
                throw new IllegalStateException("unloaded");
            }
            try {
                return (int) handle.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public OptionalInt bar() {
            return OptionalInt.empty();  // only foo() is measured
        }

        @Override
        public Optional<String> greeting() {
            return Optional.empty();
        }

        @Override
        public void update(FfmState state) {
            throw new UnsupportedOperationException("a benchmark design: only foo() is bound");
        }

        @Override
        public void close() {
            closed = true;
            arena.close();
        }

        @Override
        public boolean stillLoaded() {
            return false;  // the arena's close unmaps it; not checked here
        }
    }

    /**
     * A third design, for release mode only, where one version is loaded for good: the handle bound to the
     * address becomes the target of a process-wide {@link MutableCallSite}, whose invoker sits in a static final
     * field, so that the JIT inlines it as it inlines a static final handle. Every call still passes the pin's
     * check and this closed check. Only one version can be bound at a time.
     */
    static class Site implements Guest<FfmState> {
        private static final MutableCallSite FOO_SITE = new MutableCallSite(MethodType.methodType(int.class));
        static final MethodHandle FOO = FOO_SITE.dynamicInvoker();  // int32_t foo(void);
        private final Bound bound;
        private boolean closed;

        Site(Path file) {
            bound = new Bound(file);
            FOO_SITE.setTarget(bound.foo);
            MutableCallSite.syncAll(new MutableCallSite[] {FOO_SITE});
        }

        @Override
        public int abiVersion() {
            return bound.abiVersion();
        }

        @Override
        public int foo() {
            if (closed) {
                throw new IllegalStateException("unloaded");
            }
            try {
                return (int) FOO.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public OptionalInt bar() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<String> greeting() {
            return Optional.empty();
        }

        @Override
        public void update(FfmState state) {
            throw new UnsupportedOperationException("a benchmark design: only foo() is bound");
        }

        @Override
        public void close() {
            closed = true;
            bound.close();
        }

        @Override
        public boolean stillLoaded() {
            return false;
        }
    }

    /** {@link Site} without its closed check: only the pin's check stays on the call path. */
    static final class SitePinOnly extends Site {
        SitePinOnly(Path file) {
            super(file);
        }

        @Override
        public int foo() {
            try {
                return (int) FOO.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Release mode over {@link SitePinOnly}. */
    @State(Scope.Thread)
    public static class SitePinOnlyRelease extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.release(new Backend<>("FFM site, pin only", FfmState::new, SitePinOnly::new),
                    Libs.library("c"));
        }
    }

    /** Release mode over {@link Site}. */
    @State(Scope.Thread)
    public static class SiteRelease extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.release(new Backend<>("FFM site", FfmState::new, Site::new), Libs.library("c"));
        }
    }

    /** FfmCalls' Pinned, over {@link Bound}. */
    @State(Scope.Thread)
    public static class BoundPinned extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("FFM bound", FfmState::new, Bound::new), Libs.library("c"));
        }
    }

    /** The same in release mode. */
    @State(Scope.Thread)
    public static class BoundRelease extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.release(new Backend<>("FFM bound", FfmState::new, Bound::new), Libs.library("c"));
        }
    }

    /** The two kinds of handle, with no pin and no check: each design's floor. */
    @State(Scope.Thread)
    public static class Handles {
        private static final MethodHandle BY_ADDRESS = LINKER.downcallHandle(INT);  // int32_t foo(void);
        MemorySegment address;
        MethodHandle bound;

        @Setup
        public void bind() {
            SymbolLookup library = SymbolLookup.libraryLookup(Libs.library("c"), Arena.global());
            address = MemorySegment.ofAddress(library.find("foo").orElseThrow().address());
            bound = LINKER.downcallHandle(address, INT);
        }
    }

    @Benchmark
    public int unchecked_foo(Handles h, CpuShare cpu) throws Throwable {
        return (int) Handles.BY_ADDRESS.invokeExact(h.address);
    }

    @Benchmark
    public int boundUnchecked_foo(Handles h, CpuShare cpu) throws Throwable {
        return (int) h.bound.invokeExact();
    }

    @Benchmark
    public int siteRelease_foo(SiteRelease p, CpuShare cpu) {
        return p.pin.foo();
    }

    /** Site's invoker called directly, after a release host bound it: the design without any check. */
    @Benchmark
    public int siteUnchecked_foo(SiteRelease p, CpuShare cpu) throws Throwable {
        return (int) Site.FOO.invokeExact();
    }

    @Benchmark
    public int sitePinOnly_foo(SitePinOnlyRelease p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int bound_foo(BoundPinned p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int boundRelease_foo(BoundRelease p, CpuShare cpu) {
        return p.pin.foo();
    }
}
