package dev.hotlib.core;

import java.time.Duration;

/**
 * Where one swap's time went, timed by the host with {@code System.nanoTime()} around each phase; told by
 * {@link Hooks#afterSwap}. The settle time, when the file is made to hold still, is not part of it, nor is the
 * hooks' own time.
 *
 * @param look the poll that found the new version: the file's stat, and the trust walk of its path
 * @param copyAndCheck the private copy, the comparison with the running version's copy, {@code ElfCheck}, and
 *     the stat that makes sure the file did not change while it was copied
 * @param loadAndProbe the loader's dlopen, the binding's lookups, and any probe the binding makes (an ABI
 *     version check, say)
 * @param unloadOld the old version's dlclose, the deletion of its copy, and the question to the loader whether
 *     it let the old version go; zero on the first load, and when a pin still holds the old version
 */
public record SwapTimes(Duration look, Duration copyAndCheck, Duration loadAndProbe, Duration unloadOld) {

    /** The whole swap: the four phases. */
    public Duration total() {
        return look.plus(copyAndCheck).plus(loadAndProbe).plus(unloadOld);
    }
}
