package dev.hotlib.ffm;

import dev.hotlib.core.Backend;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/** Loads one version with {@link SymbolLookup#libraryLookup}, into an arena of its own. */
public final class FfmBackend implements Backend<FfmState> {

    @Override
    public String name() {
        return "FFM";
    }

    @Override
    public FfmState newState() {
        return new FfmState();
    }

    /** dlopen()s the copy into a new arena: closing that arena (in {@link FfmGuest#close}) dlclose()s it. */
    @Override
    public FfmGuest load(Path copy) throws LoadException {
        // Shared, not confined: the host's other threads may call into this version too.
        Arena arena = Arena.ofShared();
        try {
            return new FfmGuest(arena, SymbolLookup.libraryLookup(copy, arena));
        } catch (IllegalArgumentException notALibrary) {
            arena.close();
            throw new LoadException("it could not be loaded (" + notALibrary.getMessage() + ")", notALibrary);
        } catch (LoadException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
