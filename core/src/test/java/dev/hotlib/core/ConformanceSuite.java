package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every backend must do, written once, against the demo ABI (c-lib/include/hotlib.h). A backend module runs
 * it by extending it with its binding of the demo and its state:
 * <pre>
 * class FfmConformanceTest extends ConformanceSuite&lt;FfmDemo, FfmState&gt; {
 *     public String backendName() { return "FFM"; }
 *     public Loader&lt;FfmDemo&gt; loader() { return FfmDemo::load; }
 *     public FfmState newState() { return new FfmState(); }
 *     public long frame(FfmState state) { return state.frame(); }
 *     public double value(FfmState state) { return state.value(); }
 *     public Demo demo(FfmDemo binding, Predicate&lt;String&gt; defines, FfmState state) { ... }
 *     protected Class&lt;?&gt; mainClass() { return Main.class; }
 * }
 * </pre>
 * Every scenario runs against the C and the Rust library. The watched file lives in a temporary folder and
 * is replaced the way builds replace it; the variants are built by CMake from the repository's templates.
 * {@link GameSuite} runs a second ABI through the same core.
 *
 * @param <B> the backend's binding of the demo ABI
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public abstract class ConformanceSuite<B, S extends AutoCloseable>
        implements FaultScenarios<B, S>, LongRunScenarios<B, S>, ConcurrentCallerScenarios<B, S>, PinScenarios<B, S> {

    @TempDir
    protected Path dir;

    /** The example's main class, run as a separate program by the end-to-end test. */
    protected abstract Class<?> mainClass();

    /** JVM options the backend needs in that separate program, besides --enable-native-access. */
    protected List<String> programJvmOptions() {
        return List.of();
    }

    /** The watched library file of each test. */
    protected Path watched() {
        return watchedIn(dir);
    }

    protected Host<B> host(RecordingHooks hooks) {
        return host(options(watched()), hooks);
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void eachFunctionReturnsWhatTheVariantBuilt(Lang lang) throws Exception {
        renameIntoPlace(variant(lang, "v2"), watched());
        try (Host<B> host = host(new RecordingHooks())) {
            assertTrue(host.reloadIfChanged());
            call(host, guest -> {
                assertEquals(OptionalInt.of(1), guest.abiVersion());
                assertEquals(2, guest.foo());
                assertEquals(OptionalInt.of(20), guest.bar());
                assertEquals(Optional.of("variant v2"), guest.greeting());
                guest.update();
                guest.update();
                return null;
            });
            assertEquals(2, frame(state(host)));
            assertEquals(4.0, value(state(host))); // update() adds foo() to value
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void barAbsentThenPresentThenAbsentAgain(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            int frame = 0;
            for (String name : List.of("v1", "v2", "v3")) {
                renameIntoPlace(variant(lang, name), watched());
                assertTrue(host.reloadIfChanged(), name + " was not loaded: " + hooks.refused);
                OptionalInt expectedBar = name.equals("v2") ? OptionalInt.of(20) : OptionalInt.empty();
                assertEquals(expectedBar, call(host, Demo::bar), "bar() of " + name);
                update(host);
                assertEquals(++frame, frame(state(host)));
            }
            assertEquals(List.of(1, 2, 3), hooks.swapped.stream().map(Version::number).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void replacingTheFileByRenameIsPickedUpAndFrameKeepsCounting(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            for (int i = 0; i < 3; i++) {
                assertFalse(host.reloadIfChanged(), "an unchanged file is not reloaded");
                update(host);
            }
            renameIntoPlace(variant(lang, "v2"), watched());
            assertTrue(host.reloadIfChanged());
            assertEquals(2, foo(host));
            update(host);
            assertEquals(4, frame(state(host)), "the state survived the reload");
            assertEquals(3 * 1 + 2, value(state(host)));
            assertEquals(List.of("before 0 -> 1", "after 0 -> 1", "before 1 -> 2", "after 1 -> 2"), hooks.order);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFileWrittenSlowlyInChunksIsNeverLoadedHalfWritten(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            byte[] v2 = Files.readAllBytes(variant(lang, "v2"));
            Scenarios.pollAsItWrites(host,
                    wrote -> Scenarios.writeInPlace(v2, watched(), 12, SETTLE.dividedBy(4), wrote), () -> foo(host));
            Scenarios.assertOnlyCutShortRefused(hooks);
            assertTrue(hooks.swapped.size() >= 2, "v1, then v2 (twice if its section headers came last)");
            assertEquals(2, foo(host));
        }
    }

    /**
     * With no settle time, each poll meets the file as one more chunk left it: the check, not the wait, refuses
     * every state of it that is cut short, and the loader never sees one.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void withNoSettleTimeEveryFileCutShortIsRefusedByTheCheck(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched()).withSettle(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            byte[] v2 = Files.readAllBytes(variant(lang, "v2"));
            Semaphore polled = new Semaphore(0);
            Scenarios.pollAsItWrites(host, wrote -> Scenarios.writeInPlace(v2, watched(), 12, Duration.ZERO, () -> {
                wrote.run();
                polled.acquireUninterruptibly();  // the next chunk waits for the poll of this one
            }), () -> {
                foo(host);
                polled.release();
            });
            Scenarios.assertOnlyCutShortRefused(hooks);
            assertFalse(hooks.refused.isEmpty(), "the files cut short were refused by the check");
            assertEquals(2, foo(host));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aWrongAbiVersionIsRefusedAndTheOldVersionKeepsAnswering(Lang lang) throws Exception {
        assertRefusedThenRecovered(lang, "abi2", "abi_version() returned 2, this host needs 1");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aVersionWithoutFooIsRefusedAndTheOldVersionKeepsAnswering(Lang lang) throws Exception {
        assertRefusedThenRecovered(lang, "nofoo", "it does not export foo()");
    }

    private void assertRefusedThenRecovered(Lang lang, String bad, String reason) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            update(host);

            renameIntoPlace(variant(lang, bad), watched());
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size());
            assertEquals(reason, hooks.refused.get(0));
            assertEquals(1, host.version().orElseThrow().number());
            assertEquals(1, foo(host), "the old version keeps answering");
            assertFalse(host.reloadIfChanged(), "a refused file is not retried until it changes");
            assertEquals(1, hooks.refused.size());
            assertEquals(1, Files.list(host.shadowDirectory().orElseThrow()).count(), "the refused copy was deleted");

            renameIntoPlace(variant(lang, "v2"), watched());
            assertTrue(host.reloadIfChanged(), "the next good version is picked up");
            update(host);
            assertEquals(2, frame(state(host)));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aLibraryMissingAtStartIsWaitedFor(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            for (int i = 0; i < 3; i++) {
                assertFalse(host.reloadIfChanged());
            }
            assertEquals(List.of(watched().toString()), hooks.waiting, "said once where the file is expected");
            assertFalse(host.loaded());
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            assertEquals(1, foo(host));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void sameBytesAreNotReloaded(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            Files.setLastModifiedTime(watched(), FileTime.from(Instant.now().plusSeconds(5))); // touch
            assertFalse(host.reloadIfChanged());
            renameIntoPlace(variant(lang, "v1"), watched()); // a relink that changed nothing
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.swapped.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theOldVersionIsUnmappedAndItsCopyDeleted(Lang lang) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
        RecordingHooks hooks = new RecordingHooks();
        Path shadows;
        try (Host<B> host = host(hooks)) {
            shadows = host.shadowDirectory().orElseThrow();
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            Path first = host.version().orElseThrow().copy();
            assertFalse(Natives.mappingsOf(first).isEmpty(), "v1 is mapped from its private copy");
            assertTrue(Natives.mappingsOf(watched()).isEmpty(), "the watched file itself is never mapped");

            renameIntoPlace(variant(lang, "v2"), watched());
            assertTrue(host.reloadIfChanged());
            assertFalse(Files.exists(first), "the old copy is deleted");
            assertEquals(List.of(), Natives.mappingsOf(first), "the old version is unmapped");
        }
        assertFalse(Files.exists(shadows), "the shadow directory is deleted at close");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void releaseModeLoadsOnceFromAPrivateCopyAndNeverWatches(Lang lang) throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched()).withReleaseMode(true), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched());
            assertTrue(host.reloadIfChanged());
            Version v1 = host.version().orElseThrow();
            assertTrue(v1.releaseMode());
            assertEquals(host.shadowDirectory().orElseThrow(), v1.copy().getParent(), "loaded from a private copy");
            assertTrue(Natives.mappingsOf(watched()).isEmpty(), "the watched file itself is never mapped");
            renameIntoPlace(variant(lang, "v2"), watched());
            assertFalse(host.reloadIfChanged(), "not watched");
            assertEquals(1, foo(host));
            assertEquals(1, hooks.swapped.size());
        }
    }

    /** A 200 MB library loads and reloads in a program whose heap is 64 MB: a reload streams the file. */
    @Test
    void aLibraryOf200MbReloadsInA64MbHeap() throws Exception {
        Duration took = new LargeLibrary(dir, mainClass(), programJvmOptions()).loadAndReload();
        System.out.printf("large %s: %d MB library reloaded with -Xmx64m, rename to first call %d ms%n",
                backendName(), LargeLibrary.MEGABYTES, took.toMillis());
    }

    /**
     * The classic C-library autoreload sample, built by its own CMakeLists.txt and unchanged (it exports foo, and
     * bar once uncommented; nothing else of this project's ABI): the example runs it, and picks up its edit.
     */
    @Test
    void theClassicSamplesOwnLibraryRunsAndItsEditIsPickedUp() throws Exception {
        ClassicSample sample = ClassicSample.buildIn(dir);
        try (ExampleProgram program = new ExampleProgram(mainClass(), sample.library(), programJvmOptions(),
                List.of())) {
            program.awaitLine("foo() -> 4");
            program.awaitLine("bar() is not defined");
            program.awaitLine("greeting() is not defined");
            program.awaitLine("update() is not defined");
            sample.edit();
            program.awaitLine("reloaded ");
            program.awaitLine("foo() -> 5");
            program.awaitLine("bar() -> 10");
            assertTrue(program.output().stream().noneMatch(line -> line.startsWith("not loaded")),
                    String.join("\n", program.output()));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void endToEndEditRebuildAndWatchTheRunningProgram(Lang lang) throws Exception {
        new EndToEnd(dir, lang, mainClass(), programJvmOptions()).run();
    }
}
