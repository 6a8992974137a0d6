package dev.hotlib.core;

/**
 * The second ABI the suite runs (core/src/test/game/game.h), as the suite calls it: one version's binding,
 * reached through a pin, with the test's {@code game_state}. It proves that core knows no ABI: nothing of it is
 * shared with the demo's.
 */
public interface Game {
    /** {@code void step(game_state *s, double dt);} */
    void step(double dt);

    /** {@code int32_t score(const game_state *s);} */
    int score();

    /** The state's {@code int64_t steps}. */
    long steps();
}
