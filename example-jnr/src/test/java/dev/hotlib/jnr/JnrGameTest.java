package dev.hotlib.jnr;

import dev.hotlib.core.Game;
import dev.hotlib.core.GameSuite;
import dev.hotlib.core.Loader;
import dev.hotlib.core.Pin;

/** The second ABI, c-lib/game/game.h, through the same core, with the JNR-FFI binding {@link JnrGame}. */
class JnrGameTest extends GameSuite<JnrGame, JnrGame.State> {

    @Override
    protected String backendName() {
        return "JNR-FFI";
    }

    @Override
    protected Loader<JnrGame> loader() {
        return JnrGame::load;
    }

    @Override
    protected JnrGame.State newState() {
        return new JnrGame.State();
    }

    @Override
    protected Game game(Pin<JnrGame> pin, JnrGame.State state) {
        JnrGame game = pin.binding();
        return Game.of(dt -> game.step(state, dt), () -> game.score(state), state::steps);
    }
}
