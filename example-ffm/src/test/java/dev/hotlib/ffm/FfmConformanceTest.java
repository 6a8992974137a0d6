package dev.hotlib.ffm;

import dev.hotlib.core.Backend;
import dev.hotlib.core.ConformanceSuite;

/** The whole conformance suite, against the C and the Rust library, with the FFM backend. */
class FfmConformanceTest extends ConformanceSuite<FfmState> {
    @Override
    public Backend<FfmState> backend() {
        return new Backend<>("FFM", FfmState::new, FfmHotlib::load, FfmHotlib::loadForGood);
    }

    /** loadForGood binds into process-wide constants: one version at a time. */
    @Override
    public boolean bindsOneVersionForGoodAtATime() {
        return true;
    }

    @Override
    protected Class<?> mainClass() {
        return Main.class;
    }
}
