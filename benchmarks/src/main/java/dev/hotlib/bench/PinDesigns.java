package dev.hotlib.bench;

import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.ffm.FfmDemo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What a tick pays once, whatever its calls: a pin on the current version and its release, with no call, ns per
 * pin. {@code core} is {@code host.pin()} and {@code close()} (a per-thread reader record, found through the last
 * one used or a ThreadLocal; a volatile store of the version; the thread's pin taken again, held weakly for
 * dropped-pin detection; no allocation); {@code defines} is a tick's three {@code pin.defines} on a pin held
 * for the iteration. The others are designs written here, each returning the binding as core's pin does:
 * <ul>
 *   <li>{@code counterCleaner}: a count of pins per version, taken with a compare-and-set unless the version
 *       was retired, and a {@link Cleaner} registration per pin that catches a pin dropped unreleased;
 *       {@code counter} the same without the Cleaner;
 *   <li>{@code threadRecord}: one reader record per thread, found through a ThreadLocal and reused: a volatile
 *       store of the version, a volatile read to check it is still current, a release store at release; no
 *       allocation. A forgotten pin leaves the record holding its version: the host sees it as a pin held too
 *       long, not as a dropped one;
 *   <li>{@code ownRecord}: the same record kept by the caller (the loop thread's own), with no ThreadLocal;
 *   <li>{@code onlineRecord}: the caller's record as QSBR keeps it, on its version between spans: a pin reads the
 *       current version and stores only when it changed, a release stores nothing. The version stays mapped
 *       until the thread pins again or is taken offline.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PinDesigns {

    /** core's pin, on a watching FFM host (a pin does not depend on the backend). */
    @State(Scope.Thread)
    public static class Core extends OpenHost<FfmDemo> {
        @Override
        Host<FfmDemo> open() throws Exception {
            return Hosts.watching(FfmDemo::load, Libs.library("c"));
        }
    }

    /** A loaded version as the designs below hold it: a binding, and what the counting designs count. */
    static final class Version {
        private static final int RETIRED = 1;
        private static final int ONE_PIN = 2;
        final Object binding = new Object();
        final AtomicInteger pinsAndRetired = new AtomicInteger();

        boolean tryPin() {
            for (int s = pinsAndRetired.get(); (s & RETIRED) == 0; s = pinsAndRetired.get()) {
                if (pinsAndRetired.compareAndSet(s, s + ONE_PIN)) {
                    return true;
                }
            }
            return false;
        }

        void unpin() {
            pinsAndRetired.addAndGet(-ONE_PIN);
        }
    }

    /** The current version, as a host publishes it. */
    @State(Scope.Thread)
    public static class Current {
        volatile Version current = new Version();
        final ThreadLocal<Record> records = ThreadLocal.withInitial(Record::new);
        final Record own = new Record();
        final Online online = new Online();
    }

    /** A counted pin, with or without a Cleaner registration. */
    static final class CountedPin implements AutoCloseable {
        private static final Cleaner CLEANER = Cleaner.create();
        private final Version version;
        private final Unpin unpin;
        private final Cleaner.Cleanable cleanable;
        private boolean released;

        CountedPin(Version version, boolean cleaned) {
            this.version = version;
            this.unpin = cleaned ? new Unpin(version) : null;
            this.cleanable = cleaned ? CLEANER.register(this, unpin) : null;
        }

        static CountedPin take(Current c, boolean cleaned) {
            while (true) {
                Version now = c.current;
                if (now.tryPin()) {
                    return new CountedPin(now, cleaned);
                }
            }
        }

        Object binding() {
            if (released) {
                throw new IllegalStateException("released");
            }
            return version.binding;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                if (cleanable != null) {
                    unpin.byOwner = true;
                    cleanable.clean();
                } else {
                    version.unpin();
                }
            }
        }
    }

    /** The cleaning action: holds the version, never the pin. */
    private static final class Unpin implements Runnable {
        private final Version version;
        boolean byOwner;

        Unpin(Version version) {
            this.version = version;
        }

        @Override
        public void run() {
            version.unpin();
        }
    }

    /**
     * A reader record that is itself the pin: the version it holds, read by the host before it unloads, and how
     * deeply its thread has pinned. The two designs below differ only in what a pin and a release store.
     */
    abstract static class Span implements AutoCloseable {
        volatile Version holding;
        int depth;

        Object binding() {
            Version held = holding;
            if (depth == 0 || held == null) {
                throw new IllegalStateException("released");
            }
            return held.binding;
        }
    }

    /** One thread's reader record, reused by every pin the thread takes. */
    static final class Record extends Span {
        private static final VarHandle HOLDING;

        static {
            try {
                HOLDING = MethodHandles.lookup().findVarHandle(Span.class, "holding", Version.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        Record take(Current c) {
            if (depth++ > 0) {
                return this;  // nested: the same version
            }
            Version now;
            do {
                now = c.current;
                holding = now;  // a volatile store, then a volatile read: the host's scan sees it, or we see its swap
            } while (c.current != now);
            return this;
        }

        @Override
        public void close() {
            if (depth > 0 && --depth == 0) {
                HOLDING.setRelease(this, null);
            }
        }
    }

    /**
     * The caller's record as QSBR's reader keeps it: it stays on its version between spans (online), and a pin
     * stores only when the current version changed. The version a thread last used stays mapped until that
     * thread pins again or goes offline, which the host must be told of.
     */
    static final class Online extends Span {
        Online take(Current c) {
            if (depth++ > 0) {
                return this;
            }
            Version now = c.current;
            while (holding != now) {  // announced once per version: a volatile store, then a re-read
                holding = now;
                now = c.current;
            }
            return this;
        }

        @Override
        public void close() {
            if (depth > 0) {
                depth--;
            }
        }
    }

    @Benchmark
    public Object core(Core h, CpuShare cpu) {
        try (Pin<FfmDemo> pin = h.host.pin()) {
            return pin.binding();
        }
    }

    /** A tick's three {@code pin.defines}, as Main asks them (the C library defines no bar), on a held pin. */
    @Benchmark
    public int defines(FfmCalls.Held h, CpuShare cpu) {
        Pin<FfmDemo> pin = h.pin;
        return (pin.defines("bar") ? 1 : 0) + (pin.defines("greeting") ? 2 : 0) + (pin.defines("update") ? 4 : 0);
    }

    @Benchmark
    public Object counterCleaner(Current c, CpuShare cpu) {
        try (CountedPin pin = CountedPin.take(c, true)) {
            return pin.binding();
        }
    }

    @Benchmark
    public Object counter(Current c, CpuShare cpu) {
        try (CountedPin pin = CountedPin.take(c, false)) {
            return pin.binding();
        }
    }

    @Benchmark
    public Object threadRecord(Current c, CpuShare cpu) {
        try (Record pin = c.records.get().take(c)) {
            return pin.binding();
        }
    }

    @Benchmark
    public Object ownRecord(Current c, CpuShare cpu) {
        try (Record pin = c.own.take(c)) {
            return pin.binding();
        }
    }

    @Benchmark
    public Object onlineRecord(Current c, CpuShare cpu) {
        try (Online pin = c.online.take(c)) {
            return pin.binding();
        }
    }
}
