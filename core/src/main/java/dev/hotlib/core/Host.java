package dev.hotlib.core;

import dev.hotlib.core.FileIdentity.Inspection;
import dev.hotlib.core.FileIdentity.Missing;
import dev.hotlib.core.FileIdentity.Unusable;
import dev.hotlib.core.CopyAndCheck.Prepared;
import dev.hotlib.core.CopyAndCheck.Ready;
import dev.hotlib.core.CopyAndCheck.Refused;
import dev.hotlib.core.CopyAndCheck.Unchanged;
import dev.hotlib.core.Readers.LoadedVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host side of hot reloading (cr.h's vocabulary): watches the library file, loads each new version
 * from a private copy, swaps it in, unloads the old one. It knows no backend and no function of the library:
 * a {@link Loader} opens and binds each version, and the binding, of any type {@code B}, is the user's.
 *
 * <p>The swap: the new version is loaded and bound while the old one keeps answering; it is refused (and
 * the old one kept) if it fails to load, lacks a function its binding requires, fails the binding's probe or
 * throws. Callers {@link #pin} the current version for a span of calls; a swap only changes which version the
 * next pin gets, and an old version is unloaded once no pin holds it, by {@link #reloadIfChanged} (at once if
 * none holds it, else at its first poll after its last pin is closed).
 *
 * <p>The state that survives reloads is the user's: {@link #own} hands it to the host, which closes it after
 * the last version, and never while a pin may still hand it to a version.
 *
 * @param <B> the binding's type
 */
public final class Host<B> implements AutoCloseable {

    /**
     * What the host needs to know.
     *
     * @param library the watched library file
     * @param settle how long a changed file must hold still before it is loaded
     * @param trustWritable whether a file, or a folder, that other users can write may be loaded
     * @param releaseMode load the file once, from a private copy, and never watch it again
     * @param shadowParent the folder under which the private copies' folder is made
     * @param pinPatience how long an old version may stay pinned before the host reports it
     */
    public record Settings(Path library, Duration settle, boolean trustWritable, boolean releaseMode,
                           Path shadowParent, Duration pinPatience) {

        /** Watch {@code library} with the defaults: settle 200 ms, untrusted writable files, java.io.tmpdir. */
        public static Settings watching(Path library) {
            return new Settings(library, Duration.ofMillis(200), false, false,
                    Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(5));
        }

        public Settings withSettle(Duration settle) {
            return new Settings(library, settle, trustWritable, releaseMode, shadowParent, pinPatience);
        }

        public Settings withTrustWritable(boolean trustWritable) {
            return new Settings(library, settle, trustWritable, releaseMode, shadowParent, pinPatience);
        }

        public Settings withReleaseMode(boolean releaseMode) {
            return new Settings(library, settle, trustWritable, releaseMode, shadowParent, pinPatience);
        }

        public Settings withShadowParent(Path shadowParent) {
            return new Settings(library, settle, trustWritable, releaseMode, shadowParent, pinPatience);
        }

        public Settings withPinPatience(Duration pinPatience) {
            return new Settings(library, settle, trustWritable, releaseMode, shadowParent, pinPatience);
        }
    }

    private final Loader<B> loader;
    private final Settings settings;
    private final Hooks hooks;
    private final LibraryWatcher watcher;
    private final CopyAndCheck copyAndCheck;
    private final Readers<B> readers = new Readers<>();
    private final List<LoadedVersion<B>> pinned = new ArrayList<>();  // retired, still pinned; under this
    private final List<AutoCloseable> owned = new ArrayList<>();  // under this
    private int versionsSeen;
    private String told;  // the problem with the file last told to the hooks
    private boolean closed;

    public Host(Loader<B> loader, Settings settings, Hooks hooks) {
        this.loader = loader;
        this.settings = settings;
        this.hooks = hooks;
        this.watcher = new LibraryWatcher(settings.library(), settings.settle(), settings.trustWritable());
        this.copyAndCheck = CopyAndCheck.withShadowCopies(settings.shadowParent(), settings.trustWritable());
    }

    /**
     * Hands {@code state} to the host, which closes it at {@link #close} after the last version is unloaded, and
     * not at all while another thread still holds a pin (a version could still be handed the state).
     */
    public synchronized <S extends AutoCloseable> S own(S state) {
        if (closed) {
            throw new IllegalStateException("the host is closed");
        }
        owned.add(state);
        return state;
    }

    /** Whether a version is loaded: {@link #pin} needs one. */
    public boolean loaded() {
        return readers.current() != null;
    }

    /** The version that new pins get, or empty before the first one is loaded. */
    public Optional<Version> version() {
        LoadedVersion<B> now = readers.current();
        return now == null ? Optional.empty() : Optional.of(now.version);
    }

    /** The private folder of the shadow copies. */
    public Optional<Path> shadowDirectory() {
        return copyAndCheck.shadowDirectory();
    }

    /**
     * Pins the current version: every call through the pin's binding reaches that version, which stays loaded
     * until the pin is closed. Safe from any thread; close it on the thread that took it.
     *
     * @throws IllegalStateException when no version is loaded (see {@link #loaded}), or the host is closed
     */
    public Pin<B> pin() {
        Pin<B> pin = readers.pin();
        if (pin == null) {
            throw new IllegalStateException("no version of " + settings.library() + " is loaded"
                    + (isClosed() ? ": the host is closed" : " yet"));
        }
        return pin;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Unloads the old versions whose last pin was closed, reports those pinned too long, then polls the
     * watched file; if a new version has settled, loads it, swaps it in and unloads the old one. In release
     * mode, loads the file once and then never looks at it again.
     *
     * <p>Any thread may call it; calls are serialized, and the hooks run on the calling thread.
     *
     * @return whether a new version now answers
     * @throws IllegalStateException after {@link #close}
     */
    public synchronized boolean reloadIfChanged() throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the host is closed");
        }
        unloadUnpinned();
        if (settings.releaseMode() && readers.current() != null) {
            return false;
        }
        long looking = System.nanoTime();
        Inspection seen = watcher.inspect();
        long look = System.nanoTime() - looking;
        if (seen instanceof Missing) {
            if (settings.releaseMode()) {
                hooks.releaseModeCannotStart(watcher.file(), "it is not there");
                return false;
            }
            if (tellOnce("missing")) {
                hooks.waitingForLibrary(watcher.file(), version());
            }
            return false;
        }
        if (seen instanceof Unusable) {
            String why = ((Unusable) seen).why();
            if (settings.releaseMode()) {
                hooks.releaseModeCannotStart(watcher.file(), why);
                return false;
            }
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
        Prepared prepared = copyAndCheck.prepare(watcher.file(), versionsSeen + 1, running);
        if (prepared instanceof Unchanged) {
            watcher.take(identity);
            return false;
        }
        if (prepared instanceof Refused) {
            return refuse(identity, ((Refused) prepared).reason());
        }
        Ready ready = (Ready) prepared;
        if (!identity.equals(watcher.current())) {
            copyAndCheck.discard(ready.file());
            return false;  // changed while we copied it: not settled after all, look again next tick
        }
        Version next = new Version(versionsSeen + 1, watcher.file(), ready.file(), settings.releaseMode());
        long copied = System.nanoTime();
        Guest<B> fresh;
        try {
            fresh = loader.load(new LibraryFile(ready.file(), ready.notFunctions()));
            if (fresh == null || fresh.library() == null) {
                throw new IllegalStateException("the loader returned no version");
            }
        } catch (LoadException | RuntimeException | LinkageError e) {
            copyAndCheck.discard(ready.file());
            return refuse(identity, reason(e));
        }
        long loaded = System.nanoTime();
        versionsSeen++;
        watcher.take(identity);
        hooks.beforeSwap(running, next);
        LoadedVersion<B> old = readers.current();
        readers.setCurrent(new LoadedVersion<>(next, fresh));
        long unloading = 0;
        if (old != null) {
            old.retiredAt = Instant.now();
            if (readers.holders(old) == 0) {
                long unloadStart = System.nanoTime();
                unload(old);
                unloading = System.nanoTime() - unloadStart;
            } else {
                pinned.add(old);
            }
        }
        hooks.afterSwap(running, next, new SwapTimes(Duration.ofNanos(look), Duration.ofNanos(copied - start),
                Duration.ofNanos(loaded - copied), Duration.ofNanos(unloading)));
        ready.warnings().forEach(warning -> hooks.warning(next, warning));
        return true;
    }

    /**
     * Unloads the old versions no pin holds any more, tells of dropped pins, and tells once per version of
     * those still pinned after the patience.
     */
    private void unloadUnpinned() {
        for (Map.Entry<LoadedVersion<B>, Integer> dropped : readers.sweep().entrySet()) {
            hooks.pinsLeaked(dropped.getKey().version, dropped.getValue());
        }
        Instant patience = Instant.now().minus(settings.pinPatience());
        for (Iterator<LoadedVersion<B>> it = pinned.iterator(); it.hasNext(); ) {
            LoadedVersion<B> old = it.next();
            int holders = readers.holders(old);
            if (holders == 0) {
                it.remove();
                unload(old);
            } else if (!old.toldPinned && !old.retiredAt.isAfter(patience)) {
                old.toldPinned = true;
                hooks.pinnedTooLong(old.version, holders, old.retiredAt);
            }
        }
    }

    /**
     * dlclose()s a version, deletes its copy, and checks that the loader let it go; reports, never throws. The
     * copy goes first: the loader finds a library it still has by its path name, without opening the file, while
     * for one it let go, dlopen(RTLD_NOLOAD) would open and read the file to compare it with what it has.
     */
    private void unload(LoadedVersion<B> old) {
        Library library = old.guest.library();
        Version version = old.version;
        boolean unloaded = false;
        try {
            library.close();
            unloaded = true;
        } catch (RuntimeException | LinkageError e) {
            hooks.unloadFailed(version, e);
        }
        try {
            copyAndCheck.discard(version.copy());
        } catch (RuntimeException e) {
            hooks.unloadFailed(version, e);
        }
        if (!unloaded) {
            return;
        }
        try {
            boolean stillLoaded = library.stillLoaded();
            hooks.unloaded(version, stillLoaded, stillLoaded ? STILL_LOADED : "");
        } catch (RuntimeException | LinkageError e) {
            hooks.unloadFailed(version, e);
        }
    }

    static final String STATIC_TLS = "; the loader has no static TLS left for an initial-exec thread-local, and"
            + " every version loaded since the program started took some: restart the program, and build the library"
            + " with -ftls-model=global-dynamic so that reloads stop taking it";

    static final String STILL_LOADED = "the loader keeps it mapped after dlclose(), so its code and data stay"
            + " (and a unique symbol's value answers in later versions): the usual causes are a C++ inline"
            + " function's static local, emitted as STB_GNU_UNIQUE (build with -fno-gnu-unique), a Rust"
            + " thread_local! whose value needs Drop (make it a plain value, or drop it before the reload), and a"
            + " library linked with -z nodelete (link it without)";

    private boolean refuse(FileIdentity identity, String why) {
        watcher.take(identity); // not retried until the file changes again
        String reason = why.contains("static TLS block") ? why + STATIC_TLS : why;
        if (settings.releaseMode()) {
            hooks.releaseModeCannotStart(watcher.file(), reason);
        } else {
            hooks.refused(watcher.file(), reason, version());
        }
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
     * thread is left mapped rather than pulled from under its calls, and then so is the owned state, which
     * that thread may still hand to it. Then deletes the copies no version needs. Twice is harmless.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LoadedVersion<B> last = readers.current();
        readers.setCurrent(null);
        if (last != null) {
            last.retiredAt = Instant.now();
            pinned.add(last);
        }
        unloadUnpinned();
        for (LoadedVersion<B> still : pinned) {
            if (!still.toldPinned) {
                still.toldPinned = true;
                hooks.pinnedTooLong(still.version, readers.holders(still), still.retiredAt);
            }
        }
        if (pinned.isEmpty()) {
            for (AutoCloseable state : owned) {
                try {
                    state.close();
                } catch (Exception | LinkageError e) {
                    hooks.stateCloseFailed(state, e);
                }
            }
            owned.clear();
            copyAndCheck.close();
        }
    }
}
