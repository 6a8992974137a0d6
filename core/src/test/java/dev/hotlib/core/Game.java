package dev.hotlib.core;

import java.util.function.DoubleConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The second ABI the suite runs (c-lib/game/game.h), as the suite calls it: one version's binding,
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

    /** The view of a binding's calls, each already given the test's state. */
    static Game of(DoubleConsumer step, IntSupplier score, LongSupplier steps) {
        return new Game() {
            @Override
            public void step(double dt) {
                step.accept(dt);
            }

            @Override
            public int score() {
                return score.getAsInt();
            }

            @Override
            public long steps() {
                return steps.getAsLong();
            }
        };
    }
}
