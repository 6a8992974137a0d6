package dev.hotlib.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.hotlib.core.Backend;
import dev.hotlib.core.Host;
import dev.hotlib.jna.JnaHotlib;
import dev.hotlib.jna.JnaState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JNA, ns per foo() call. static_ is JNA's fastest static binding, direct mapping ({@code Native.register}) of
 * the library loaded for good, with JnaHotlib's options (RTLD_NOW | RTLD_LOCAL, UTF-8); staticInterface_ the
 * interface mapping (a proxy; JnaHotlib calls Functions instead), loaded once. pinned_, release_ and pinRelease
 * as in {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaCalls {
    private static final int RTLD_NOW = 0x2;    // <dlfcn.h> on Linux
    private static final int RTLD_LOCAL = 0;
    static final Map<String, Object> OPTIONS = Map.of(
            Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_LOCAL,
            Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());

    /** Direct mapping: JNA binds this class's native method to the symbol once, for good. */
    public static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(Libs.library("c").toString(), OPTIONS));
        }

        private Direct() {}

        public static native int foo();  // int32_t foo(void);
    }

    /** Interface mapping, the kind JnaHotlib uses, loaded once into a static final. */
    public interface Binding extends Library {
        Binding LIB = Native.load(Libs.library("c").toString(), Binding.class, OPTIONS);

        int foo();  // int32_t foo(void);
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("JNA", JnaState::new, JnaHotlib::load), Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            Backend<JnaState> backend = new Backend<>("JNA", JnaState::new, JnaHotlib::load,
                    JnaHotlib::loadForGood);  // release mode binds for good
            return Hosts.release(backend, Libs.library("c"));
        }
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return Direct.foo();
    }

    @Benchmark
    public int staticInterface_foo(CpuShare cpu) {
        return Binding.LIB.foo();
    }

    @Benchmark
    public int pinned_foo(Pinned p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int release_foo(Release p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int pinRelease(Pinned p, CpuShare cpu) {
        return p.pinAndRelease();
    }
}
