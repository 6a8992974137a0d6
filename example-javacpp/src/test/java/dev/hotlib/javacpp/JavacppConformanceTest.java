package dev.hotlib.javacpp;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;
import java.util.List;

/** The whole conformance suite, against the C and the Rust library, with the JavaCPP backend. */
class JavacppConformanceTest extends ConformanceSuite<JavacppState> {
    @Override
    public Backend<JavacppState> backend() {
        return new Backend<>("JavaCPP", JavacppState::new, JavacppHotlib::load, JavacppHotlib::loadForGood);
    }

    /** loadForGood binds into process-wide function pointers: one version at a time. */
    @Override
    public boolean bindsOneVersionForGoodAtATime() {
        return true;
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
