package dev.hotlib.core;

import dev.hotlib.core.FileIdentity.Inspection;
import dev.hotlib.core.FileIdentity.Missing;
import dev.hotlib.core.FileIdentity.Unusable;
import dev.hotlib.core.Preparer.Prepared;
import dev.hotlib.core.Preparer.Ready;
import dev.hotlib.core.Preparer.Refused;
import dev.hotlib.core.Preparer.Unchanged;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The host side of hot reloading (cr.h's vocabulary): watches the library file, loads each new version
 * from a private copy, swaps it in, unloads the old one, and owns the state that survives every reload.
 *
 * <p>The swap: the new version is loaded and bound while the old one keeps answering; it is refused (and
 * the old one kept) if it fails to load, lacks a required symbol, reports another ABI version or throws.
 * Callers {@link #pin} the current version for a span of calls; a swap only changes which version the
 * next pin gets, and an old version is unloaded once no pin holds it, on the thread that calls
 * {@link #reloadIfChanged} (at once if none holds it, else at its first poll after the last release).
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public final class Host<S extends HotlibState> implements AutoCloseable {

    /**
     * What the host needs to know.
     *
     * @param library the watched library file
     * @param settle how long a changed file must hold still before it is loaded
     * @param trustWritable whether a file, or a folder, that other users can write may be loaded
     * @param release load the file once, from its own path, and never watch or copy it
     * @param shadowParent the folder under which the private copies' folder is made
     * @param pinPatience how long an old version may stay pinned before the host reports it
     */
    public record Settings(Path library, Duration settle, boolean trustWritable, boolean release,
                           Path shadowParent, Duration pinPatience) {

        /** Watch {@code library} with the defaults: settle 200 ms, untrusted writable files, java.io.tmpdir. */
        public static Settings watching(Path library) {
            return new Settings(library, Duration.ofMillis(200), false, false,
                    Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(5));
        }

        public Settings withSettle(Duration settle) {
            return new Settings(library, settle, trustWritable, release, shadowParent, pinPatience);
        }

        public Settings withTrustWritable(boolean trustWritable) {
            return new Settings(library, settle, trustWritable, release, shadowParent, pinPatience);
        }

        public Settings withRelease(boolean release) {
            return new Settings(library, settle, trustWritable, release, shadowParent, pinPatience);
        }

        public Settings withShadowParent(Path shadowParent) {
            return new Settings(library, settle, trustWritable, release, shadowParent, pinPatience);
        }

        public Settings withPinPatience(Duration pinPatience) {
            return new Settings(library, settle, trustWritable, release, shadowParent, pinPatience);
        }
    }

    private final Backend<S> backend;
    private final Settings settings;
    private final Hooks hooks;
    private final LibraryWatcher watcher;
    private final Preparer preparer;
    private final S state;
    private volatile Loaded<S> current;
    private final Queue<Loaded<?>> unloadable = new ConcurrentLinkedQueue<>();  // retired, last pin released
    private final List<Loaded<S>> pinned = new ArrayList<>();                   // retired, still pinned
    private int versionsSeen;
    private String told;  // the problem with the file last told to the hooks

    public Host(Backend<S> backend, Settings settings, Hooks hooks) {
        this.backend = backend;
        this.settings = settings;
        this.hooks = hooks;
        this.watcher = new LibraryWatcher(settings.library(), settings.settle(), settings.trustWritable());
        this.preparer = settings.release() ? Preparer.inPlace() : Preparer.withShadowCopies(settings.shadowParent());
        this.state = backend.newState().get();
    }

    /** The host-owned state to pass to every version's update(). */
    public S state() {
        return state;
    }

    /** Whether a version is loaded: {@link #pin} needs one. */
    public boolean loaded() {
        return current != null;
    }

    /** The version that new pins get, or empty before the first one is loaded. */
    public Optional<Version> version() {
        Loaded<S> now = current;
        return now == null ? Optional.empty() : Optional.of(now.version());
    }

    /** The private folder of the shadow copies (none in release mode). */
    public Optional<Path> shadowDirectory() {
        return preparer.shadowDirectory();
    }

    /**
     * Pins the current version: every call through the pin reaches that version, which stays loaded until
     * the pin is released. Safe from any thread; release it on the thread that took it.
     *
     * @throws IllegalStateException when no version is loaded yet (see {@link #loaded})
     */
    public Pin<S> pin() {
        for (;;) {
            Loaded<S> now = current;
            if (now == null) {
                throw new IllegalStateException("no version of " + settings.library() + " is loaded yet");
            }
            if (settings.release()) {
                return new Pin<>(now, false);  // never replaced, unloaded only by close()
            }
            if (now.tryPin()) {
                return new Pin<>(now, true);
            }
            // retired between the read and the pin: the next read sees its successor
        }
    }

    /**
     * Unloads the old versions whose last pin was released, reports those pinned too long, then polls the
     * watched file; if a new version has settled, loads it, swaps it in and unloads the old one. In release
     * mode, loads the file once, from its path, and then never looks at it again.
     *
     * @return whether a new version now answers
     */
    public boolean reloadIfChanged() throws InterruptedException {
        unloadReleased();
        reportPinned();
        if (settings.release() && current != null) {
            return false;
        }
        long looking = System.nanoTime();
        Inspection seen = watcher.inspect();
        long look = System.nanoTime() - looking;
        if (seen instanceof Missing) {
            if (tellOnce("missing")) {
                hooks.waitingForLibrary(watcher.file(), version());
            }
            return false;
        }
        if (seen instanceof Unusable) {
            String why = ((Unusable) seen).why();
            if (tellOnce(why)) {
                hooks.refused(watcher.file(), why, version());
            }
            return false;
        }
        told = null;
        FileIdentity settled = watcher.settle(seen);
        return settled != null && load(settled, look);
    }

    /** Whether {@code problem} is new, so that each one is told once, not every tick. */
    private boolean tellOnce(String problem) {
        boolean isNew = !problem.equals(told);
        told = problem;
        return isNew;
    }

    /**
     * Copies and checks a settled file, loads and binds it while the running version keeps answering, swaps;
     * {@code look} is how long the poll that found it took, in nanoseconds.
     */
    private boolean load(FileIdentity identity, long look) {
        long start = System.nanoTime();
        Optional<Version> running = version();
        Prepared prepared = preparer.prepare(watcher.file(), versionsSeen + 1, running);
        if (prepared instanceof Unchanged) {
            watcher.take(identity);
            return false;
        }
        if (prepared instanceof Refused) {
            return refuse(identity, ((Refused) prepared).reason());
        }
        Ready ready = (Ready) prepared;
        if (!identity.equals(watcher.current())) {
            preparer.discard(ready.file());
            return false;  // changed while we copied it: not settled after all, look again next tick
        }
        Version next = new Version(versionsSeen + 1, watcher.file(),
                settings.release() ? Optional.empty() : Optional.of(ready.file()));
        long copied = System.nanoTime();
        Guest<S> fresh;
        try {
            // Release mode's one version is bound for good: into constants the JIT folds, where a backend can.
            Backend.Loader<S> loader = settings.release() ? backend.loaderForGood() : backend.loader();
            fresh = loader.load(ready.file());
        } catch (LoadException | RuntimeException | LinkageError e) {
            preparer.discard(ready.file());
            return refuse(identity, reason(e));
        }
        try {
            int abi = fresh.abiVersion();
            if (abi != Abi.VERSION) {
                throw new LoadException("abi_version() returned " + abi + ", this host needs " + Abi.VERSION);
            }
        } catch (LoadException | RuntimeException | LinkageError e) {
            discard(fresh, next);
            return refuse(identity, reason(e));
        }
        long loaded = System.nanoTime();
        versionsSeen++;
        watcher.take(identity);
        hooks.beforeSwap(running, next);
        Loaded<S> old = current;
        current = new Loaded<>(next, fresh, unloadable);
        long unloading = 0;
        if (old != null && old.retire()) {
            long unloadStart = System.nanoTime();
            unload(old.guest(), old.version());
            unloading = System.nanoTime() - unloadStart;
        } else if (old != null) {
            pinned.add(old);
        }
        hooks.afterSwap(running, next, new SwapTimes(Duration.ofNanos(look), Duration.ofNanos(copied - start),
                Duration.ofNanos(loaded - copied), Duration.ofNanos(unloading)));
        ready.warnings().forEach(warning -> hooks.warning(next, warning));
        return true;
    }

    /** Unloads the versions whose last pin was released since the last poll. */
    private void unloadReleased() {
        for (Loaded<?> done; (done = unloadable.poll()) != null; ) {
            pinned.remove(done);
            reportLeaks(done);
            unload(done.guest(), done.version());
        }
    }

    /** Tells, once per version, of old versions still pinned after the patience, and of leaked pins. */
    private void reportPinned() {
        Loaded<S> now = current;
        if (now != null) {
            reportLeaks(now);
        }
        Instant patience = Instant.now().minus(settings.pinPatience());
        for (Loaded<S> old : pinned) {
            reportLeaks(old);
            int pins = old.pins();
            if (!old.toldPinned && pins > 0 && !old.retiredAt().isAfter(patience)) {
                old.toldPinned = true;
                hooks.pinnedTooLong(old.version(), pins, old.retiredAt());
            }
        }
    }

    private void reportLeaks(Loaded<?> loaded) {
        int leaked = loaded.takeLeaked();
        if (leaked > 0) {
            hooks.pinsLeaked(loaded.version(), leaked);
        }
    }

    /**
     * dlclose()s a version, deletes its copy, and checks that the loader let it go; reports, never throws. The
     * copy goes first: the loader finds a library it still has by its path name, without opening the file, while
     * for one it let go, dlopen(RTLD_NOLOAD) would open and read the file to compare it with what it has.
     */
    private void unload(Guest<?> guest, Version version) {
        boolean closed = false;
        try {
            guest.close();
            closed = true;
        } catch (RuntimeException | LinkageError e) {
            hooks.unloadFailed(version, e);
        }
        try {
            version.copy().ifPresent(preparer::discard);
        } catch (RuntimeException e) {
            hooks.unloadFailed(version, e);
        }
        if (!closed) {
            return;
        }
        try {
            boolean stillLoaded = guest.stillLoaded();
            if (!version.release() || stillLoaded) {
                hooks.unloaded(version, stillLoaded, stillLoaded ? STILL_LOADED : "");
            }
        } catch (RuntimeException | LinkageError e) {
            hooks.unloadFailed(version, e);
        }
    }

    /** Unloads a version that was loaded but refused: its failures are reported, the loop goes on. */
    private void discard(Guest<S> refused, Version version) {
        try {
            refused.close();
        } catch (RuntimeException | LinkageError e) {
            hooks.unloadFailed(version, e);
        }
        try {
            version.copy().ifPresent(preparer::discard);
        } catch (RuntimeException e) {
            hooks.unloadFailed(version, e);
        }
    }

    static final String STILL_LOADED = "the loader keeps it mapped after dlclose(), so its code and data stay"
            + " (and a unique symbol's value answers in later versions): the usual causes are a C++ inline"
            + " function's static local, emitted as STB_GNU_UNIQUE (build with -fno-gnu-unique), and a Rust"
            + " thread_local! whose value needs Drop (make it a plain value, or drop it before the reload)";

    private boolean refuse(FileIdentity identity, String reason) {
        watcher.take(identity); // not retried until the file changes again
        hooks.refused(watcher.file(), reason, version());
        return false;
    }

    private static String reason(Throwable e) {
        if (e instanceof LoadException) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "it could not be loaded (" + message.lines().findFirst().orElse("").strip() + ")";
    }

    /**
     * Retires the current version and unloads every version no pin holds; a version still pinned by another
     * thread is left mapped rather than pulled from under its calls. Then frees the state and the copies.
     */
    @Override
    public void close() {
        Loaded<S> last = current;
        current = null;
        if (last != null && last.retire()) {
            unload(last.guest(), last.version());
        } else if (last != null) {
            pinned.add(last);
        }
        unloadReleased();
        for (Loaded<S> still : pinned) {
            hooks.pinnedTooLong(still.version(), still.pins(), still.retiredAt());
        }
        state.close();
        preparer.close();
    }
}
