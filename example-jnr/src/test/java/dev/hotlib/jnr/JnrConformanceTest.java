package dev.hotlib.jnr;

import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Loader;
import java.util.function.Predicate;

/**
 * The whole conformance suite, against the C and the Rust library, with the JNR-FFI binding of the demo
 * ({@link JnrDemo}); what is particular to JNR-FFI's loading is in {@link JnrLibraryTest}.
 */
class JnrConformanceTest extends ConformanceSuite<JnrDemo, JnrState> {

    @Override
    public String backendName() {
        return "JNR-FFI";
    }

    @Override
    public Loader<JnrDemo> loader() {
        return JnrDemo::load;
    }

    @Override
    public JnrState newState() {
        return new JnrState();
    }

    @Override
    public long frame(JnrState state) {
        return state.frame();
    }

    @Override
    public double value(JnrState state) {
        return state.value();
    }

    @Override
    public Demo demo(JnrDemo binding, Predicate<String> defines, JnrState state) {
        return Demo.of(defines, binding::abiVersion, binding::foo, binding::bar, binding::greeting,
                () -> binding.update(state));
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }
}
