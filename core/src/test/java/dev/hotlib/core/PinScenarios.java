package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Natives.Lang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins: a span of calls holds one version; an old version goes only after its last pin is closed, and
 * never before, nor while a binding taken from a dropped pin may still be in a call.
 */
public interface PinScenarios<B, S extends AutoCloseable> extends Scenarios<B, S> {
    int RELOADS_WHILE_PINNED = 100;

    /** A version its loader opened and closed is unmapped, and the loader says it let it go. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aVersionItsLoaderClosedIsUnmapped(Lang lang, @TempDir Path dir) throws Exception {
        Path copy = Files.copy(variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        Guest<B> guest = loader().load(LibraryFile.inspect(copy));
        assertFalse(Natives.mappingsOf(copy).isEmpty(), "mapped once loaded");
        assertTrue(guest.library().defines("foo") && guest.library().defines("bar"));
        assertFalse(guest.library().defines("hotlib_nowhere"));
        guest.library().close();
        guest.library().close();  // twice is harmless
        assertFalse(guest.library().stillLoaded(), "the loader let it go");
        assertEquals(List.of(), Natives.mappingsOf(copy), "dlclose() unmapped it");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aClosedPinThrowsIllegalStateException(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        try (Host<B> host = host(options(watched), new RecordingHooks())) {
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            Pin<B> pin = host.pin();
            assertEquals(2, demo(pin, state(host)).foo());
            pin.close();
            pin.close(); // twice is harmless
            IllegalStateException thrown = assertThrows(IllegalStateException.class, pin::binding);
            assertEquals("this pin on version 1 was closed: take a new one", thrown.getMessage());
            assertThrows(IllegalStateException.class, () -> pin.defines("foo"));
            assertThrows(IllegalStateException.class, () -> demo(pin, state(host)).update());
            assertEquals(0, frame(state(host)), "the refused update() never ran");
        }
    }

    /**
     * Another thread holds a pin on v1 while the loop reloads a hundred times: v1 answers that thread after every
     * reload and stays mapped; once the pin is closed, the next poll unloads it, and not before.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aPinHeldAcrossAHundredReloadsKeepsItsVersionUntilClosed(Lang lang, @TempDir Path dir)
            throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO).withPinPatience(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            Path v1 = host.version().orElseThrow().copy();
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "v1 is mapped");
            SynchronousQueue<Integer> ask = new SynchronousQueue<>();
            SynchronousQueue<List<Integer>> answer = new SynchronousQueue<>();
            CountDownLatch pinned = new CountDownLatch(1);
            CompletableFuture<Void> holder = Scenarios.inBackground(() -> {
                try (Pin<B> pin = host.pin()) {
                    pinned.countDown();
                    Demo v = demo(pin, state(host));
                    for (int reload = ask.take(); reload >= 0; reload = ask.take()) {
                        answer.put(List.of(v.foo(), v.bar().orElse(-1), pin.version().number()));
                    }
                }
                return null;
            });
            pinned.await();  // the pin holds v1 before the first reload
            List<List<Integer>> answers = new ArrayList<>();
            for (int i = 1; i <= RELOADS_WHILE_PINNED; i++) {
                renameIntoPlace(variant(lang, i % 2 == 1 ? "v2" : "v3"), watched);
                assertTrue(host.reloadIfChanged(), "reload " + i);
                assertFalse(Natives.mappingsOf(v1).isEmpty(), "v1 stays mapped while pinned, reload " + i);
                ask.put(i);
                answers.add(answer.take());
            }
            assertEquals(List.of(List.of(1, -1, 1)), answers.stream().distinct().toList(),
                    "the pinned span was answered by v1 after each of the reloads");
            assertEquals(List.of("1: 1"), hooks.pinned, "the host told once that v1 is still pinned, by one thread");
            assertFalse(hooks.unloaded.contains(1), "v1 was not unloaded while pinned");
            ask.put(-1);
            holder.get();
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "closed, but the loop has not polled yet");
            host.reloadIfChanged();
            assertEquals(List.of(), Natives.mappingsOf(v1), "unmapped at the first poll after the close");
            assertTrue(hooks.unloaded.contains(1));
            assertEquals(List.of(), hooks.stillLoaded);
            assertEquals(List.of(), hooks.leaked);
            assertEquals(RELOADS_WHILE_PINNED % 2 == 1 ? 2 : 3, foo(host));
        }
    }

    /** A pin whose thread ended without closing it is told of and let go at the next poll. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aPinWhoseThreadEndedUnclosedIsToldAndLetGo(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            Path v1 = host.version().orElseThrow().copy();
            Thread forgetful = new Thread(() -> host.pin());  // takes a pin and ends without closing it
            forgetful.start();
            forgetful.join();
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of("1: 1"), hooks.leaked, "the host told of the dropped pin");
            assertTrue(hooks.unloaded.contains(1), "and unloaded v1, which nothing holds");
            assertEquals(List.of(), Natives.mappingsOf(v1));
            assertEquals(2, foo(host));
        }
    }

    /**
     * A pin dropped while its binding is still in use ({@code host.pin().binding().foo()}, a call the garbage
     * collector may overtake): the host tells of it once collected, but keeps its version mapped while the
     * thread lives, and lets go of it when that thread takes its next pin.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aDroppedPinsVersionIsNeverUnloadedUnderItsThread(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            Path v1 = host.version().orElseThrow().copy();
            CountDownLatch inTheCall = new CountDownLatch(1);
            CountDownLatch collected = new CountDownLatch(1);
            CountDownLatch pinAgain = new CountDownLatch(1);
            CompletableFuture<List<Integer>> caller = Scenarios.inBackground(() -> {
                B binding = host.pin().binding();  // the pin is unreachable from here on
                Demo v1Calls = demo(binding, symbol -> !symbol.equals("bar"), state(host));  // v1 has no bar
                inTheCall.countDown();
                collected.await();
                int during = v1Calls.foo();  // the "slow call", after a GC and a reload
                pinAgain.await();
                try (Pin<B> next = host.pin()) {
                    return List.of(during, demo(next, state(host)).foo());
                }
            });
            inTheCall.await();
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            for (int i = 0; i < 100 && hooks.leaked.isEmpty(); i++) {
                System.gc();
                Thread.sleep(10);
                host.reloadIfChanged();
            }
            assertEquals(List.of("1: 1"), hooks.leaked, "the dropped pin was told of");
            assertFalse(hooks.unloaded.contains(1), "but v1 was not unloaded: its thread may be in a call");
            assertFalse(Natives.mappingsOf(v1).isEmpty());
            collected.countDown();
            Thread.sleep(50);
            host.reloadIfChanged();
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "still mapped while the thread has not pinned again");
            pinAgain.countDown();
            assertEquals(List.of(1, 2), caller.get(), "v1 answered the late call; the next pin got v2");
            host.reloadIfChanged();
            assertEquals(List.of(), Natives.mappingsOf(v1), "unmapped once its thread pinned again");
        }
    }

    /** Pins nest: a pin taken while the thread holds one holds the same version, even across a reload. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aNestedPinHoldsTheSameVersion(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), new RecordingHooks())) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            try (Pin<B> outer = host.pin()) {
                renameIntoPlace(variant(lang, "v2"), watched);
                assertTrue(host.reloadIfChanged());
                try (Pin<B> inner = host.pin()) {
                    assertEquals(1, inner.version().number());
                    assertEquals(1, demo(inner, state(host)).foo());
                }
                assertEquals(1, demo(outer, state(host)).foo(), "closing the inner one kept the outer's version");
            }
            host.reloadIfChanged();
            assertEquals(2, foo(host));
        }
    }

    /**
     * Closing the host while another thread holds a pin leaves that version and the state to the pin: its calls
     * answer, none reaches unmapped code or freed memory. A second close is harmless; after close, new pins and
     * polls are refused.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aPinHeldPastTheHostsCloseKeepsItsVersionAndTheState(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        renameIntoPlace(variant(lang, "v1"), watched);
        RecordingHooks hooks = new RecordingHooks();
        Host<B> host = host(options(watched), hooks);
        S state = state(host);
        assertTrue(host.reloadIfChanged());
        Path v1 = host.version().orElseThrow().copy();
        CountDownLatch pinned = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        CompletableFuture<Long> holder = Scenarios.inBackground(() -> {
            try (Pin<B> pin = host.pin()) {
                pinned.countDown();
                closed.await();
                Demo v = demo(pin, state);
                v.update();
                return frame(state);
            }
        });
        pinned.await();
        host.close();
        host.close();  // twice is harmless
        closed.countDown();
        assertEquals(1L, holder.get(), "the pin's update ran on the live state after close");
        assertFalse(Natives.mappingsOf(v1).isEmpty(), "left mapped rather than pulled from under the pin");
        assertEquals(List.of("1: 1"), hooks.pinned, "told at close");
        IllegalStateException pin = assertThrows(IllegalStateException.class, host::pin);
        assertTrue(pin.getMessage().endsWith("is loaded: the host is closed"), pin.getMessage());
        assertThrows(IllegalStateException.class, host::reloadIfChanged);
    }

    /** Release mode loads once, from a private copy: overwriting the file in place, as cp does, is harmless. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void releaseModeSurvivesTheFileOverwrittenInPlace(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        Path copy;
        try (Host<B> host = host(options(watched).withReleaseMode(true), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            copy = host.version().orElseThrow().copy();
            assertTrue(host.version().orElseThrow().releaseMode());
            assertEquals(List.of(), Natives.mappingsOf(watched), "the watched file itself is never mapped");
            Scenarios.writeInPlace(Files.readAllBytes(variant(lang, "v3")), watched, 4, Duration.ZERO);
            assertFalse(host.reloadIfChanged(), "not watched");
            try (Pin<B> pin = host.pin()) {
                Demo v2 = demo(pin, state(host));
                assertEquals(2, v2.foo());
                assertEquals(OptionalInt.of(20), v2.bar());
            }
        }
        assertEquals(List.of(), hooks.pinned);
        assertEquals(List.of(), Natives.mappingsOf(copy), "close() unloaded it");
        assertFalse(Files.exists(copy), "and deleted its copy");
    }

    /** Two release-mode hosts in one program, of two files: each answers its own. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void releaseModeTwoHostsInOneProgram(Lang lang, @TempDir Path dir) throws Exception {
        Path first = dir.resolve(System.mapLibraryName("first"));
        Path second = dir.resolve(System.mapLibraryName("second"));
        renameIntoPlace(variant(lang, "v1"), first);
        renameIntoPlace(variant(lang, "v2"), second);
        try (Host<B> one = host(options(first).withReleaseMode(true), new RecordingHooks());
             Host<B> two = host(options(second).withReleaseMode(true), new RecordingHooks())) {
            assertTrue(one.reloadIfChanged());
            assertTrue(two.reloadIfChanged());
            assertEquals(1, foo(one));
            assertEquals(2, foo(two));
        }
    }

    /** Concurrent polls from several threads: each version is loaded and retired once, none is refused. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void pollsFromTwoThreadsRetireEachVersionOnce(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withSettle(Duration.ZERO), hooks)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int i = 0; i < 20; i++) {
                renameIntoPlace(variant(lang, i % 2 == 0 ? "v1" : "v2"), watched);
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> pollers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Thread poller = new Thread(() -> {
                        try {
                            go.await();
                            host.reloadIfChanged();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    });
                    poller.start();
                    pollers.add(poller);
                }
                go.countDown();
                for (Thread poller : pollers) {
                    poller.join();
                }
            }
            assertEquals(null, failure.get());
            assertEquals(List.of(), hooks.refused);
            assertEquals(List.of(), hooks.pinned);
            assertEquals(20, hooks.swapped.size(), "each version loaded once");
            assertEquals(19, hooks.unloaded.size(), "and each old one unloaded once");
            assertEquals(1, Natives.mappedFilesUnder(host.shadowDirectory().orElseThrow()));
        }
    }
}
