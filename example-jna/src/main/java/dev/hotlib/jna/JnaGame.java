package dev.hotlib.jna;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;

/** The binding of c-lib/game/game.h with JNA: a {@link Function} per function, both required. */
public final class JnaGame extends JnaBinding {
    private final Function step = required("step");    // void step(game_state *s, double dt);
    private final Function score = required("score");  // int32_t score(const game_state *s);

    private JnaGame(JnaLibrary library) throws LoadException { super(library); }

    public static Guest<JnaGame> load(LibraryFile file) throws LoadException {
        return JnaLibrary.bind(file, JnaGame::new);
    }

    public void step(State s, double dt) { live(step).invokeVoid(new Object[] {s.live(), dt}); }
    public int score(State s) { return live(score).invokeInt(new Object[] {s.live()}); }

    /** {@code typedef struct game_state { double x; int64_t steps; } game_state;} zeroed; close() frees it. */
    public static final class State extends Memory {
        public State() {
            super(16);
            clear();
        }

        public double x() { return live().getDouble(0); }   // double x;
        public long steps() { return live().getLong(8); }   // int64_t steps;

        State live() {  // a freed Memory's address is 0: C would write through NULL
            if (!valid()) {
                throw new IllegalStateException("the game_state was freed");
            }
            return this;
        }
    }
}
