package dev.hotlib.core;

import static dev.hotlib.core.Natives.gameVariant;
import static dev.hotlib.core.Natives.renameIntoPlace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Natives.Lang;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The second ABI (c-lib/game/game.h: {@code step} and {@code score} on a {@code game_state}), run through the
 * same core as the demo, unchanged: reload with the state carried on, refusals, pins, unload and a soak. A
 * backend's test extends it with its own binding of that header. The variants (cmake/variants.cmake,
 * HOTLIB_GAME_VARIANTS): v1, v2 and v3 step at speed 1, 2 and 3 and score {@code x * 10} plus 0, 1000 and 2000.
 *
 * @param <B> the backend's binding of game.h, such as {@code FfmGame}
 * @param <S> the backend's mapping of {@code game_state}
 */
@ExtendWith(SkipsFailInCi.class)
public abstract class GameSuite<B, S extends AutoCloseable> {
    /** The backend's name, for messages. */
    protected abstract String backendName();

    /** Loads and binds one version of game.h: {@code FfmGame::load}. */
    protected abstract Loader<B> loader();

    /** A zeroed {@code game_state}. */
    protected abstract S newState();

    /** The game's calls through {@code pin}'s binding, with {@code state}. */
    protected abstract Game game(Pin<B> pin, S state);

    @TempDir
    protected Path dir;

    private Path watched() {
        return dir.resolve(System.mapLibraryName("game"));
    }

    private Host<B> host(RecordingHooks hooks) {
        return new Host<>(loader(), Host.Settings.watching(watched()).withSettle(Duration.ZERO), hooks);
    }

    private <R> R call(Host<B> host, S state, Function<Game, R> calls) {
        try (Pin<B> pin = host.pin()) {
            return calls.apply(game(pin, state));
        }
    }

    private void load(Host<B> host, Lang lang, String variant, RecordingHooks hooks) throws Exception {
        renameIntoPlace(gameVariant(lang, variant), watched());
        assertTrue(host.reloadIfChanged(), variant + " was not loaded: " + hooks.refused);
    }

    /** Each version steps the same state its own way; the state survives every reload. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void theStateCarriesOnAcrossReloads(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            S state = host.own(newState());
            load(host, lang, "v1", hooks);
            call(host, state, game -> { game.step(1.0); game.step(1.0); return null; });
            assertEquals(20, (int) call(host, state, Game::score), "v1: x = 2, score x * 10");
            load(host, lang, "v2", hooks);
            call(host, state, game -> { game.step(1.0); return null; });
            assertEquals(1040, (int) call(host, state, Game::score), "v2 went on from x = 2: x = 4, bonus 1000");
            assertEquals(3L, (long) call(host, state, Game::steps), "three steps, in two versions");
            assertEquals(List.of(1), hooks.unloaded);
        }
    }

    /** A version that lacks a required function, or exports it as data, is refused in one line; v1 answers on. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionMissingAFunctionIsRefusedNamingEveryOneMissing(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            S state = host.own(newState());
            load(host, lang, "v1", hooks);
            List<String> expected = List.of("it does not export score()", "it does not export step() and score()",
                    "score is data (STT_OBJECT), not a function: calling it would crash the JVM");
            List<String> variants = List.of("noscore", "neither", "scoredata");
            for (int i = 0; i < variants.size(); i++) {
                renameIntoPlace(gameVariant(lang, variants.get(i)), watched());
                assertFalse(host.reloadIfChanged(), variants.get(i));
                assertEquals(expected.get(i), hooks.refused.get(hooks.refused.size() - 1));
                call(host, state, game -> { game.step(0.5); return null; });
                assertEquals(5 * (i + 1), (int) call(host, state, Game::score), "v1 keeps answering");
            }
            load(host, lang, "v3", hooks);
            assertEquals(2015, (int) call(host, state, Game::score), "the next good version is picked up");
        }
    }

    /** A pin held on v1 by another thread keeps v1 mapped and answering across reloads; released, it goes. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aPinHoldsItsVersionAcrossReloadsAndTheOldOneIsUnmappedAfter(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            S state = host.own(newState());
            load(host, lang, "v1", hooks);
            Path v1 = host.version().orElseThrow().copy();
            CountDownLatch pinned = new CountDownLatch(1);
            CountDownLatch reloaded = new CountDownLatch(1);
            CompletableFuture<Integer> holder = Scenarios.inBackground(() -> {
                try (S mine = newState(); Pin<B> pin = host.pin()) {
                    pinned.countDown();
                    reloaded.await();
                    Game game = game(pin, mine);
                    game.step(1.0);
                    return game.score();
                }
            });
            pinned.await();
            for (String next : List.of("v2", "v3", "v2")) {
                load(host, lang, next, hooks);
                assertFalse(Natives.mappingsOf(v1).isEmpty(), "v1 stays mapped while pinned");
            }
            reloaded.countDown();
            assertEquals(10, holder.get(), "the pinned span stepped and scored with v1");
            host.reloadIfChanged();
            assertEquals(List.of(), Natives.mappingsOf(v1), "unmapped at the poll after the release");
            call(host, state, game -> { game.step(1.0); return null; });
            assertEquals(1020, (int) call(host, state, Game::score), "v2 answers");
        }
    }

    /** Two hundred reloads leave one version mapped, one copy on disk, and every step counted. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void twoHundredReloadsStayBounded(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            S state = host.own(newState());
            Path shadows = host.shadowDirectory().orElseThrow();
            for (int i = 0; i < 200; i++) {
                load(host, lang, i % 2 == 0 ? "v1" : "v2", hooks);
                call(host, state, game -> { game.step(0.0); return null; });
            }
            assertEquals(200L, (long) call(host, state, Game::steps));
            assertEquals(1, Natives.mappedFilesUnder(shadows), "only the current version is mapped");
            assertEquals(199, hooks.unloaded.size());
            assertEquals(List.of(), hooks.stillLoaded);
            System.out.printf("game %s %s: 200 reloads, 1 version mapped%n", backendName(), lang);
        }
    }
}
