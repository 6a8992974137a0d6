package dev.hotlib.jnr;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;

/** The binding of c-lib/game/game.h with JNR-FFI: the user's interface, both functions required. */
public interface JnrGame {
    void step(State s, double dt);  // void step(game_state *s, double dt);
    int score(State s);             // int32_t score(const game_state *s);

    static Guest<JnrGame> load(LibraryFile file) throws LoadException {
        JnrLibrary library = JnrLibrary.open(file);
        return Guest.bind(library, () -> library.bind(JnrGame.class, "step", "score"));  // both required
    }

    /** {@code typedef struct game_state { double x; int64_t steps; } game_state;} zeroed; close() frees it. */
    public static final class State extends JnrBinding.NativeStruct {
        private final Double x = new Double();
        private final Signed64 steps = new Signed64();

        public State() {
            allocate();
        }

        public double x() {
            return x.get();
        }

        public long steps() {
            return steps.get();
        }
    }
}
