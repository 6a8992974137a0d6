package dev.hotlib.ffm;

import static java.lang.foreign.FunctionDescriptor.*;
import static java.lang.foreign.ValueLayout.*;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The binding of c-lib/game/game.h with FFM, a library with another API: both functions required. */
public final class FfmGame extends FfmBinding {
    // void step(game_state *s, double dt);
    private static final Function STEP = required("step", ofVoid(ADDRESS, JAVA_DOUBLE));
    // int32_t score(const game_state *s);
    private static final Function SCORE = required("score", of(JAVA_INT, ADDRESS));

    public void step(State s, double dt) {
        try { STEP.handle().invokeExact(at(STEP), s.at, dt); } catch (Throwable t) { throw fail(t); }
    }
    public int score(State s) {
        try { return (int) SCORE.handle().invokeExact(at(SCORE), s.at); } catch (Throwable t) { throw fail(t); }
    }
    private FfmGame(FfmLibrary library) throws LoadException { super(library); }
    public static Guest<FfmGame> load(LibraryFile file) throws LoadException {
        return FfmLibrary.load(file, FfmGame::new);
    }

    /** {@code typedef struct game_state { double x; int64_t steps; } game_state;} zeroed, in an arena of its own. */
    public static final class State implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment at = arena.allocate(16, 8);
        public double x() { return at.get(JAVA_DOUBLE, 0); }
        public long steps() { return at.get(JAVA_LONG, 8); }
        @Override public synchronized void close() { if (arena.scope().isAlive()) arena.close(); }
    }
}
