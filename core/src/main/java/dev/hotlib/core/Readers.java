package dev.hotlib.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who holds which version: one reader record per thread that pins (the memb flavour of userspace RCU). A pin
 * writes the version it takes into its thread's record, then reads the current version again; the host swaps
 * in a new version, then reads every record. Both are volatile accesses, so one of them sees the other: either
 * the pin sees the new version and takes it, or the host sees the pin on the old one and keeps it loaded.
 * Nothing is registered per pin: a pin costs one volatile store and no atomic read-modify-write, and closing it
 * a plain store.
 */
final class Readers<B> {

    /** A loaded version. */
    static final class LoadedVersion<B> {
        final Version version;
        final Guest<B> guest;
        final B binding;  // guest.binding(), one load away for a pin
        Instant retiredAt;   // the host's, under its lock
        boolean toldPinned;  // likewise

        /** What {@link #defines} answered so far: the names (compared by reference first) and the answers. */
        private volatile Answer[] answers = new Answer[0];

        LoadedVersion(Version version, Guest<B> guest) {
            this.version = version;
            this.guest = guest;
            this.binding = guest.binding();
        }

        /**
         * Whether this version exports {@code symbol}, asked of its library once per name: a tick that asks for
         * the same names (string constants) each time finds them by reference, without a dlsym().
         */
        boolean defines(String symbol) {
            for (Answer answer : answers) {
                if (answer.symbol == symbol) {
                    return answer.defined;
                }
            }
            return ask(symbol);
        }

        /** {@link #defines}, for a name not asked before by reference. */
        private boolean ask(String symbol) {
            for (Answer answer : answers) {
                if (answer.symbol.equals(symbol)) {
                    return answer.defined;
                }
            }
            boolean defined = guest.library().defines(symbol);
            synchronized (this) {
                Answer[] more = java.util.Arrays.copyOf(answers, answers.length + 1);
                more[more.length - 1] = new Answer(symbol, defined);
                answers = more;
            }
            return defined;
        }

        private record Answer(String symbol, boolean defined) {}
    }

    /**
     * One thread's record: the version it holds, how deeply, and the thread's pin, weakly. That pin is reused by
     * the thread's next outermost pin once closed, so a tick allocates nothing.
     */
    static final class Reader<B> {
        private static final VarHandle HOLDING;

        static {
            try {
                HOLDING = MethodHandles.lookup().findVarHandle(Reader.class, "holding", LoadedVersion.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread owner;
        volatile LoadedVersion<B> holding;  // written by its thread, read by the host
        int depth;                          // its thread's only
        /**
         * The thread's outermost pin, weakly: cleared once it was dropped unclosed (or dropped after its close,
         * when the next pin makes a new one). Its thread writes it before the volatile write of
         * {@link #holding}, which publishes it to a host that reads {@code holding} first.
         */
        WeakReference<Pin<B>> outer;
        volatile boolean toldLeaked;        // the host told of its dropped pin

        Reader(Thread owner) {
            this.owner = owner;
        }

        /** The thread's outermost pin, closed, to be taken again; a new one when the collector took the last. */
        Pin<B> spare() {
            Pin<B> pin = outer == null ? null : outer.get();
            if (pin == null) {
                pin = new Pin<>(this);
                outer = new WeakReference<>(pin);
            }
            return pin;
        }

        /**
         * Closes one pin; the outermost clears the record with a release store, no fence: a host that still
         * reads the old version there keeps it one poll longer, and never unloads early.
         */
        void unpin() {
            if (--depth == 0) {
                HOLDING.setRelease(this, (LoadedVersion<B>) null);
            }
        }
    }

    private final List<Reader<B>> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Reader<B>> mine = new ThreadLocal<>();
    private Reader<B> last;  // racy on purpose: a record's owner is final, and a miss only costs the lookup
    private volatile LoadedVersion<B> current;

    LoadedVersion<B> current() {
        return current;
    }

    /** The host's: the version new pins get (null: none). */
    void setCurrent(LoadedVersion<B> loaded) {
        current = loaded;
    }

    /** The calling thread's record: the last one used, or found through the ThreadLocal. */
    private Reader<B> mine() {
        Reader<B> reader = last;
        Thread me = Thread.currentThread();
        if (reader != null && reader.owner == me) {
            return reader;
        }
        reader = mine.get();
        if (reader == null) {
            reader = new Reader<>(me);
            all.add(reader);  // before its first write, so that a host that misses it is seen by its read below
            mine.set(reader);
        }
        last = reader;
        return reader;
    }

    /** Pins the current version for the calling thread; null when none is loaded. */
    Pin<B> pin() {
        Reader<B> reader = mine();
        if (reader.depth > 0) {
            if (reader.outer.get() != null) {
                reader.depth++;  // nested: the same version
                Pin<B> nested = new Pin<>(reader);
                nested.hold(reader.holding);
                return nested;
            }
            reader.depth = 0;  // its outermost pin was dropped unclosed: this thread is past every call of it
        }
        Pin<B> pin = reader.spare();  // published by the volatile write below
        LoadedVersion<B> now;
        do {
            now = current;
            if (now == null) {
                reader.holding = null;
                return null;
            }
            reader.holding = now;
        } while (current != now);
        reader.depth = 1;
        if (reader.toldLeaked) {
            reader.toldLeaked = false;
        }
        pin.hold(now);
        return pin;
    }

    /**
     * Drops the records of ended threads, and counts the pins that were dropped unclosed, per version: those
     * an ended thread still held, and, once each, an outermost pin the garbage collector has collected while
     * its live thread still holds the version (let go when that thread takes its next pin).
     */
    Map<LoadedVersion<B>, Integer> sweep() {
        Map<LoadedVersion<B>, Integer> dropped = new HashMap<>();
        List<Reader<B>> ended = new ArrayList<>();
        for (Reader<B> reader : all) {
            LoadedVersion<B> held = reader.holding;
            if (!reader.owner.isAlive()) {
                ended.add(reader);
                if (held != null && !reader.toldLeaked) {
                    dropped.merge(held, 1, Integer::sum);
                }
            } else if (held != null && !reader.toldLeaked) {
                WeakReference<Pin<B>> outer = reader.outer;
                if (outer != null && outer.get() == null && reader.holding == held) {
                    reader.toldLeaked = true;
                    dropped.merge(held, 1, Integer::sum);
                }
            }
        }
        all.removeAll(ended);
        if (ended.contains(last)) {
            last = null;
        }
        return dropped;
    }

    /** How many live threads hold {@code loaded}. */
    int holders(LoadedVersion<B> loaded) {
        int threads = 0;
        for (Reader<B> reader : all) {
            if (reader.holding == loaded && reader.owner.isAlive()) {
                threads++;
            }
        }
        return threads;
    }
}
