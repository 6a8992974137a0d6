package dev.hotlib.ffm;

import dev.hotlib.core.Game;
import dev.hotlib.core.GameSuite;
import dev.hotlib.core.Loader;
import dev.hotlib.core.Pin;

/** The second ABI, game.h, through the same core, with its FFM binding. */
class FfmGameTest extends GameSuite<FfmGame, FfmGame.State> {
    @Override
    protected String backendName() {
        return "FFM";
    }

    @Override
    protected Loader<FfmGame> loader() {
        return FfmGame::load;
    }

    @Override
    protected FfmGame.State newState() {
        return new FfmGame.State();
    }

    @Override
    protected Game game(Pin<FfmGame> pin, FfmGame.State state) {
        FfmGame game = pin.binding();
        return Game.of(dt -> game.step(state, dt), () -> game.score(state), state::steps);
    }
}
