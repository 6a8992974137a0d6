package dev.hotlib.ffm;

import static java.lang.foreign.FunctionDescriptor.of;
import static java.lang.foreign.FunctionDescriptor.ofVoid;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** The binding of c-lib/game/game.h with FFM, a library with another API: both functions required. */
public final class FfmGame extends FfmLibrary.Binding {
    // void step(game_state *s, double dt);
    private final MethodHandle step = required("step", ofVoid(ADDRESS, JAVA_DOUBLE));
    // int32_t score(const game_state *s);
    private final MethodHandle score = required("score", of(JAVA_INT, ADDRESS));

    public void step(State s, double dt) { try { step.invokeExact(s.at, dt); } catch (Throwable t) { throw fail(t); } }
    public int score(State s) { try { return (int) score.invokeExact(s.at); } catch (Throwable t) { throw fail(t); } }

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
