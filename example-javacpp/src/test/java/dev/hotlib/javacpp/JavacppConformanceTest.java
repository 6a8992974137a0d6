package dev.hotlib.javacpp;

import dev.hotlib.core.ConformanceSuite;
import dev.hotlib.core.Demo;
import dev.hotlib.core.Loader;
import java.util.List;
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
        return Demo.of(defines, binding::abiVersion, binding::foo, binding::bar, binding::greeting,
                () -> binding.update(state));
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
