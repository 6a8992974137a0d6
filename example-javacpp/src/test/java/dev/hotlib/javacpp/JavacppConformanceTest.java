package dev.hotlib.javacpp;

import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Loader;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/** The whole conformance suite, against the C and the Rust library, with the JavaCPP binding of the demo. */
class JavacppConformanceTest extends ConformanceSuite<JavacppDemo, JavacppState> {
    @Override
    public String backendName() {
        return "JavaCPP";
    }

    @Override
    public Loader<JavacppDemo> loader() {
        return JavacppDemo::load;
    }

    @Override
    public JavacppState newState() {
        return new JavacppState();
    }

    @Override
    public long frame(JavacppState state) {
        return state.frame();
    }

    @Override
    public double value(JavacppState state) {
        return state.value();
    }

    @Override
    public Demo demo(JavacppDemo binding, Predicate<String> defines, JavacppState state) {
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

    /** Keeps JavaCPP's cache (which its Loader creates) in target/, not in ~/.javacpp, as the pom does. */
    @Override
    protected List<String> programJvmOptions() {
        return List.of("-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir"));
    }
}
