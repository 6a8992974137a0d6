package dev.hotlib.core;

/**
 * The second ABI (c-lib/game/game.h: {@code step} and {@code score} on a {@code game_state}), run through the
 * same core as the demo: a backend's test extends it with its own binding of that header.
 *
 * @param <B> the backend's binding of game.h, such as {@code FfmGame}
 * @param <S> the backend's mapping of {@code game_state}
 */
public abstract class GameSuite<B, S extends AutoCloseable> {
    /** The backend's name, for messages. */
    protected abstract String backendName();

    /** Loads and binds one version of game.h: {@code FfmGame::load}. */
    protected abstract Loader<B> loader();

    /** A zeroed {@code game_state}. */
    protected abstract S newState();

    /** The game's calls through {@code pin}'s binding, with {@code state}. */
    protected abstract Game game(Pin<B> pin, S state);
}
