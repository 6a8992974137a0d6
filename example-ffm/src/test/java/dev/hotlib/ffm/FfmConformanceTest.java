package dev.hotlib.ffm;

import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Loader;
import java.util.Optional;
import java.util.OptionalInt;
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
        return new Demo() {
            @Override
            public OptionalInt abiVersion() {
                return defines.test("abi_version") ? OptionalInt.of(binding.abiVersion()) : OptionalInt.empty();
            }

            @Override
            public int foo() {
                return binding.foo();
            }

            @Override
            public OptionalInt bar() {
                return defines.test("bar") ? OptionalInt.of(binding.bar()) : OptionalInt.empty();
            }

            @Override
            public Optional<String> greeting() {
                return Optional.ofNullable(binding.greeting());
            }

            @Override
            public void update() {
                binding.update(state);
            }
        };
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }
}
