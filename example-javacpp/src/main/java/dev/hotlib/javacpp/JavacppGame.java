package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.*;

/** c-lib/game/game.h with JavaCPP: a FunctionPointer type per C signature, and a typed dlsym() of each. */
@Properties(inherit = JavacppLibrary.Dlfcn.class, value = @Platform(include = "game.h"))
public final class JavacppGame extends JavacppLibrary.Binding {
    static { Loader.load(); }
    @Opaque static final class Step extends FunctionPointer { native void call(State s, double dt); }
    @Opaque static final class Score extends FunctionPointer { native int call(@Const State s); }
    @Name("(void (*)(game_state *, double))dlsym") static native Step step(Pointer handle, String name);
    @Name("(int32_t (*)(const game_state *))dlsym") static native Score score(Pointer handle, String name);

    private final Step step = required("step", JavacppGame::step);      // void step(game_state *s, double dt);
    private final Score score = required("score", JavacppGame::score);  // int32_t score(const game_state *s);

    private JavacppGame(JavacppLibrary library) throws LoadException { super(library); }
    public static Guest<JavacppGame> load(LibraryFile file) throws LoadException {
        return JavacppLibrary.load(file, JavacppGame::new);
    }
    public void step(State s, double dt) { live(step).call(s.live(), dt); }
    public int score(State s) { return live(score).call(s.live()); }

    /** {@code game_state}, allocated zeroed with C++ {@code new}, freed by {@link #close} only. */
    @Name("game_state") public static final class State extends Pointer implements AutoCloseable {
        static { Loader.load(); }
        public State() { allocate(); deallocate(false); }
        private native void allocate();
        public native @MemberGetter double x();                         // double x;
        public native @MemberGetter @Cast("int64_t") long steps();      // int64_t steps;
        @Override public void close() { deallocate(); }                 // twice is harmless
        State live() { if (isNull()) throw new IllegalStateException("the state was freed"); return this; }
    }
}
