package dev.hotlib.ffm;

import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Loader;
import java.util.function.Predicate;

/** The whole conformance suite, against the C and the Rust library, with the FFM binding of the demo ABI. */
class FfmConformanceTest extends ConformanceSuite<FfmDemo, FfmState> {
    @Override
    public String backendName() {
        return "FFM";
    }

    @Override
    public Loader<FfmDemo> loader() {
        return FfmDemo::load;
    }

    @Override
    public FfmState newState() {
        return new FfmState();
    }

    @Override
    public long frame(FfmState state) {
        return state.frame();
    }

    @Override
    public double value(FfmState state) {
        return state.value();
    }

    @Override
    public Demo demo(FfmDemo binding, Predicate<String> defines, FfmState state) {
        return Demo.of(defines, binding::abiVersion, binding::foo, binding::bar, binding::greeting,
                () -> binding.update(state));
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }
}
