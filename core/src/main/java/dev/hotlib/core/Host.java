package dev.hotlib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import dev.hotlib.core.FileIdentity.Inspection;
import dev.hotlib.core.FileIdentity.Loadable;
import dev.hotlib.core.FileIdentity.Missing;
import dev.hotlib.core.FileIdentity.Unusable;

/**
 * The host side of hot reloading (cr.h's vocabulary): watches the library file, loads each new version
 * from a private copy, swaps it in, unloads the old one, and owns the state that survives every reload.
 *
 * <p>The swap: the new version is loaded and bound while the old one keeps answering; it is refused (and
 * the old one kept) if it fails to load, lacks a required symbol or reports another ABI version; only after
 * it is bound does the old version go. Calls go through {@link #call}, which holds a read lock, and the old
 * version is unloaded only once the write lock has shown that no call is still inside it.
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public final class Host<S extends HotlibState> implements AutoCloseable {
    private final Backend<S> backend;
    private final Options options;
    private final Hooks hooks;
    private final LibraryWatcher watcher;
    private final ShadowCopies copies;
    private final S state;
    private final ReadWriteLock swapLock = new ReentrantReadWriteLock();
    private Guest<S> guest;          // guarded by swapLock
    private Version version;         // guarded by swapLock
    private int versionsSeen;
    private String told;             // the problem with the file last told to the hooks

    public Host(Backend<S> backend, Options options, Hooks hooks) throws IOException {
        this.backend = backend;
        this.options = options;
        this.hooks = hooks;
        this.watcher = new LibraryWatcher(options.library(), options.settle(), options.trustWritable());
        this.copies = options.release() ? null : new ShadowCopies(Path.of(System.getProperty("java.io.tmpdir")));
        this.state = backend.newState();
    }

    /** The host-owned state passed to every version's update(). */
    public S state() {
        return state;
    }

    /** The version answering calls now, or empty before the first one is loaded. */
    public Optional<Version> version() {
        swapLock.readLock().lock();
        try {
            return Optional.ofNullable(version);
        } finally {
            swapLock.readLock().unlock();
        }
    }

    /** The private directory of the shadow copies (none in release mode). */
    public Optional<Path> shadowDirectory() {
        return Optional.ofNullable(copies).map(ShadowCopies::dir);
    }

    /**
     * Polls the watched file; if a new version has settled, loads it, swaps it in and unloads the old one.
     * In release mode, loads the file once, from its path, and then never looks at it again.
     *
     * @return whether a new version now answers
     */
    public boolean reloadIfChanged() throws InterruptedException {
        if (options.release() && version().isPresent()) {
            return false;
        }
        Inspection seen = watcher.inspect();
        switch (seen) {
            case Missing missing -> {
                if (tellOnce("missing")) {
                    hooks.waitingForLibrary(watcher.file(), options.buildHint(), version());
                }
                return false;
            }
            case Unusable unusable -> {
                if (tellOnce(unusable.why())) {
                    hooks.refused(watcher.file(), unusable.why(), version());
                }
                return false;
            }
            case Loadable loadable -> told = null;
        }
        FileIdentity settled = watcher.settle(seen);
        return settled != null && load(settled);
    }

    /** Whether {@code problem} is new, so that each one is told once, not every tick. */
    private boolean tellOnce(String problem) {
        boolean isNew = !problem.equals(told);
        told = problem;
        return isNew;
    }

    /**
     * Runs {@code calls} against the current version; the version cannot be unloaded while they run.
     * Safe from any thread.
     *
     * @return what {@code calls} returned, or empty when no version is loaded yet
     */
    public <R> Optional<R> call(Function<? super Guest<S>, R> calls) {
        swapLock.readLock().lock();
        try {
            return guest == null ? Optional.empty() : Optional.ofNullable(calls.apply(guest));
        } finally {
            swapLock.readLock().unlock();
        }
    }

    /** Reads, checks and copies a settled file, then loads it; in release mode loads the file itself. */
    private boolean load(FileIdentity identity) {
        long start = System.nanoTime();
        Path file = watcher.file();
        if (options.release()) {
            return loadAndSwap(identity, new Version(versionsSeen + 1, file, file, ""), start);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return refuse(identity, "it cannot be read (" + e + ")");
        }
        if (!identity.equals(watcher.current())) {
            return false; // changed while we read it: not settled after all, look again next tick
        }
        if (bytes.length == 0) {
            return refuse(identity, "it is empty");
        }
        Optional<String> unsafe = ElfCheck.problem(bytes);
        if (unsafe.isPresent()) {
            return refuse(identity, unsafe.get());
        }
        String sha256 = sha256(bytes);
        Optional<Version> running = version();
        if (running.isPresent() && running.get().sha256().equals(sha256)) {
            watcher.take(identity); // same bytes (touch, a relink that changed nothing): nothing to reload
            return false;
        }
        Version next;
        try {
            next = new Version(versionsSeen + 1, file, copies.write(bytes, file.getFileName().toString(), versionsSeen + 1), sha256);
        } catch (IOException e) {
            return refuse(identity, "its private copy could not be written (" + e + ")");
        }
        return loadAndSwap(identity, next, start);
    }

    /**
     * Loads and binds {@code next} while the running version keeps answering, refuses it if it reports another
     * ABI version, and otherwise swaps it in and unloads the old one.
     */
    private boolean loadAndSwap(FileIdentity identity, Version next, long start) {
        Guest<S> fresh;
        try {
            fresh = backend.load(next.copy());
        } catch (LoadException | RuntimeException | LinkageError e) {
            discardCopy(next);
            return refuse(identity, reason(e));
        }
        int abi = fresh.abiVersion();
        if (abi != Abi.VERSION) {
            fresh.close();
            discardCopy(next);
            return refuse(identity, "abi_version() returned " + abi + ", this host needs " + Abi.VERSION);
        }
        versionsSeen++;
        watcher.take(identity);
        Optional<Version> running = version();
        hooks.beforeSwap(running, next);
        Guest<S> old = swap(fresh, next);
        if (old != null) {
            old.close();
            discardCopy(running.get());
        }
        hooks.afterSwap(running, next, Duration.ofNanos(System.nanoTime() - start));
        return true;
    }

    /** Deletes a version's private copy; a release-mode version has none: it ran from its own file. */
    private void discardCopy(Version v) {
        if (!v.copy().equals(v.source())) {
            copies.delete(v.copy());
        }
    }

    /** Makes {@code fresh} the version every call sees, and returns the old one, which no call is using. */
    private Guest<S> swap(Guest<S> fresh, Version next) {
        swapLock.writeLock().lock();
        try {
            Guest<S> old = guest;
            guest = fresh;
            version = next;
            return old;
        } finally {
            swapLock.writeLock().unlock();
        }
    }

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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** Unloads the current version, frees the state and deletes the private copies. */
    @Override
    public void close() {
        Guest<S> last = swap(null, null);
        if (last != null) {
            last.close();
        }
        state.close();
        if (copies != null) {
            copies.close();
        }
    }
}
