package dev.hotlib.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotlib.core.Game;
import dev.hotlib.core.GameSuite;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.Loader;
import dev.hotlib.core.Natives;
import dev.hotlib.core.Natives.Lang;
import dev.hotlib.core.Pin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The second ABI (game.h) through core, with the JNA binding of it. */
class JnaGameTest extends GameSuite<JnaGame, JnaGame.State> {
    @Override
    protected String backendName() {
        return "JNA";
    }

    @Override
    protected Loader<JnaGame> loader() {
        return JnaGame::load;
    }

    @Override
    protected JnaGame.State newState() {
        return new JnaGame.State();
    }

    @Override
    protected Game game(Pin<JnaGame> pin, JnaGame.State state) {
        JnaGame game = pin.binding();
        return Game.of(dt -> game.step(state, dt), () -> game.score(state), state::steps);
    }

    /** A closed game_state is refused before C gets its address (0 once freed); closing it twice is harmless. */
    @Test
    void aClosedStateThrowsInsteadOfPassingNull() throws Exception {
        Path copy = Files.copy(Natives.gameVariant(Lang.C, "v1"), dir.resolve(System.mapLibraryName("v1")));
        Guest<JnaGame> v1 = JnaGame.load(LibraryFile.inspect(copy));
        try {
            JnaGame.State state = new JnaGame.State();
            assertEquals(0.0, state.x(), "allocated zeroed");
            v1.binding().step(state, 2.0);
            assertEquals(2.0, state.x());
            assertEquals(1, state.steps());
            assertEquals(20, v1.binding().score(state));
            state.close();
            assertThrows(IllegalStateException.class, state::x);
            assertThrows(IllegalStateException.class, state::steps);
            assertThrows(IllegalStateException.class, () -> v1.binding().step(state, 1.0));
            assertThrows(IllegalStateException.class, () -> v1.binding().score(state));
            state.close();
        } finally {
            v1.library().close();
        }
    }
}
