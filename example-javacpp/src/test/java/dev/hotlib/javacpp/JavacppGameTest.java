package dev.hotlib.javacpp;

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
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The second ABI, c-lib/game/game.h, through the same core, with the JavaCPP binding of it. */
class JavacppGameTest extends GameSuite<JavacppGame, JavacppGame.State> {
    @Override
    protected String backendName() {
        return "JavaCPP";
    }

    @Override
    protected Loader<JavacppGame> loader() {
        return JavacppGame::load;
    }

    @Override
    protected JavacppGame.State newState() {
        return new JavacppGame.State();
    }

    @Override
    protected Game game(Pin<JavacppGame> pin, JavacppGame.State state) {
        JavacppGame game = pin.binding();
        return Game.of(dt -> game.step(state, dt), () -> game.score(state), state::steps);
    }

    /** A freed game_state is never handed to C, and a version's calls throw once it is unloaded. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFreedStateAndAnUnloadedVersionThrowInsteadOfReachingC(Lang lang, @TempDir Path dir) throws Exception {
        Path copy = Files.copy(Natives.gameVariant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        Guest<JavacppGame> guest = JavacppGame.load(LibraryFile.inspect(copy));
        JavacppGame game = guest.binding();
        try (JavacppGame.State state = new JavacppGame.State()) {
            game.step(state, 0.5);
            assertEquals(1.0, state.x());
            assertEquals(1, state.steps());
            assertEquals(1010, game.score(state));
            guest.library().close();
            assertEquals(List.of(), Natives.mappingsOf(copy), "unloaded");
            IllegalStateException unloaded = assertThrows(IllegalStateException.class, () -> game.step(state, 1));
            assertEquals("step() of libv2.so was unloaded", unloaded.getMessage());
            assertThrows(IllegalStateException.class, () -> game.score(state));
            state.close();
            state.close();  // twice is harmless: deleted once
        } finally {
            guest.library().close();
        }
        Guest<JavacppGame> again = JavacppGame.load(LibraryFile.inspect(copy));
        try {
            JavacppGame.State freed = new JavacppGame.State();
            freed.close();
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> again.binding().score(freed));
            assertEquals("the state was freed", thrown.getMessage());
            assertThrows(IllegalStateException.class, () -> again.binding().step(freed, 1));
        } finally {
            again.library().close();
        }
    }
}
