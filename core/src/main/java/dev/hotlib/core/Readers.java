package dev.hotlib.core;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who holds which version: one reader record per thread that pins (the memb flavour of userspace RCU). A pin
 * writes the version it takes into its thread's record, then reads the current version again; the host swaps
 * in a new version, then reads every record. Both are volatile accesses, so one of them sees the other: either
 * the pin sees the new version and takes it, or the host sees the pin on the old one and keeps it loaded.
 * Nothing is registered per pin, so a pin costs no atomic read-modify-write and no garbage-collector hook.
 */
final class Readers<B> {

    /** A loaded version. */
    static final class Loaded<B> {
        final Version version;
        final Guest<B> guest;
        Instant retiredAt;   // the host's, under its lock
        boolean toldPinned;  // likewise

        Loaded(Version version, Guest<B> guest) {
            this.version = version;
            this.guest = guest;
        }
    }

    /** One thread's record: the version it holds, how deeply, and its outermost pin, weakly. */
    static final class Reader<B> {
        final WeakReference<Thread> thread;
        volatile Loaded<B> holding;  // written by its thread, read by the host
        int depth;                   // its thread's only
        volatile WeakReference<Pin<B>> outer; // its thread writes it; cleared once the outermost pin was dropped unreleased
        volatile boolean toldLeaked; // the host told of its dropped pin

        Reader(Thread thread) {
            this.thread = new WeakReference<>(thread);
        }

        void release() {
            if (--depth == 0) {
                outer = null;
                holding = null;
            }
        }
    }

    private final List<Reader<B>> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Reader<B>> mine = new ThreadLocal<>();
    private volatile Loaded<B> current;

    Loaded<B> current() {
        return current;
    }

    /** The host's: the version new pins get (null: none). */
    void setCurrent(Loaded<B> loaded) {
        current = loaded;
    }

    /** Pins the current version for the calling thread; null when none is loaded. */
    Pin<B> pin() {
        Reader<B> reader = mine.get();
        if (reader == null) {
            reader = new Reader<>(Thread.currentThread());
            all.add(reader);  // before its first write, so that a host that misses it is seen by its read below
            mine.set(reader);
        }
        if (reader.depth > 0) {
            if (reader.outer.get() != null) {
                reader.depth++;  // nested: the same version
                return new Pin<>(reader, reader.holding);
            }
            reader.depth = 0;  // its outermost pin was dropped unreleased: this thread is past every call of it
        }
        Loaded<B> now;
        do {
            now = current;
            if (now == null) {
                reader.holding = null;
                return null;
            }
            reader.holding = now;
        } while (current != now);
        reader.depth = 1;
        reader.toldLeaked = false;
        Pin<B> pin = new Pin<>(reader, now);
        reader.outer = pin.weakly();
        return pin;
    }

    /** What the host learns from one pass over the records, for one version. */
    record Holders(int threads, int dropped) {}

    /**
     * Which threads hold {@code loaded}: records of ended threads are dropped on the way (a pin they held was
     * never released: it is counted as dropped), and a pin that was dropped unreleased is counted once.
     */
    Holders holders(Loaded<B> loaded) {
        int threads = 0;
        int dropped = 0;
        List<Reader<B>> ended = null;
        for (Reader<B> reader : all) {
            Thread thread = reader.thread.get();
            Loaded<B> held = reader.holding;
            if (thread == null || !thread.isAlive()) {
                if (ended == null) {
                    ended = new ArrayList<>();
                }
                ended.add(reader);
                if (held == loaded && !reader.toldLeaked) {
                    dropped++;
                }
                continue;
            }
            if (held == loaded) {
                threads++;
                WeakReference<Pin<B>> outer = reader.outer;
                if (outer != null && outer.get() == null && !reader.toldLeaked) {
                    reader.toldLeaked = true;
                    dropped++;
                }
            }
        }
        if (ended != null) {
            all.removeAll(ended);
        }
        return new Holders(threads, dropped);
    }
}
