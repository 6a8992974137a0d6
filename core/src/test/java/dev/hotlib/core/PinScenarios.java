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
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins: a span of calls holds one version; an old version goes only after its last pin is released, and
 * never before; nothing after a release or an unload reaches unmapped code.
 */
public interface PinScenarios<S extends HotlibState> extends Scenarios<S> {
    int RELOADS_WHILE_PINNED = 100;

    /**
     * Whether the backend's {@link Backend#loaderForGood} binds into process-wide constants, and so refuses a
     * second version while the first is still loaded; false when it binds as {@link Backend#loader} does.
     */
    default boolean bindsOneVersionForGoodAtATime() {
        return false;
    }

    /** The one policy after an unload, the same in every backend: each call throws IllegalStateException. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aClosedVersionThrowsIllegalStateExceptionFromEveryCall(Lang lang, @TempDir Path dir) throws Exception {
        Path copy = Files.copy(variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        Guest<S> guest = backend().loader().load(copy);
        assertEquals(2, guest.foo());
        guest.close();
        assertFalse(guest.stillLoaded(), "the loader let it go");
        assertEquals(List.of(), Natives.mappingsOf(copy), "dlclose() unmapped it");
        assertThrows(IllegalStateException.class, guest::abiVersion);
        assertThrows(IllegalStateException.class, guest::foo);
        assertThrows(IllegalStateException.class, guest::bar);
        assertThrows(IllegalStateException.class, guest::greeting);
        try (S state = backend().newState().get()) {
            assertThrows(IllegalStateException.class, () -> guest.update(state));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aReleasedPinThrowsIllegalStateExceptionFromEveryCall(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        try (Host<S> host = host(options(watched), new RecordingHooks())) {
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            Pin<S> pin = host.pin();
            assertEquals(2, pin.foo());
            pin.close();
            pin.close(); // twice is harmless
            assertThrows(IllegalStateException.class, pin::abiVersion);
            assertThrows(IllegalStateException.class, pin::foo);
            assertThrows(IllegalStateException.class, pin::bar);
            assertThrows(IllegalStateException.class, pin::greeting);
            assertThrows(IllegalStateException.class, () -> pin.update(host.state()));
            assertEquals(0, host.state().frame(), "the refused update() never ran");
        }
    }

    /**
     * Another thread holds a pin on v1 while the loop reloads a hundred times: v1 keeps answering and stays
     * mapped; once the pin is released, the next poll unloads it, and not before.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aPinHeldAcrossAHundredReloadsKeepsItsVersionUntilReleased(Lang lang, @TempDir Path dir)
            throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = host(options(watched).withSettle(Duration.ZERO).withPinPatience(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            Path v1 = host.version().orElseThrow().copy().orElseThrow();
            CountDownLatch pinned = new CountDownLatch(1);
            CountDownLatch reloaded = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            CompletableFuture<List<Integer>> holder = Scenarios.inBackground(() -> {
                try (Pin<S> pin = host.pin()) {
                    pinned.countDown();
                    reloaded.await();
                    List<Integer> answers = List.of(pin.foo(), pin.bar().orElse(-1), pin.version().number());
                    checked.await();  // the loop checks v1 is still mapped while this pin holds it
                    return answers;
                }
            });
            pinned.await();
            for (int i = 1; i <= RELOADS_WHILE_PINNED; i++) {
                renameIntoPlace(variant(lang, i % 2 == 1 ? "v2" : "v3"), watched);
                assertTrue(host.reloadIfChanged(), "reload " + i);
                assertFalse(Natives.mappingsOf(v1).isEmpty(), "v1 stays mapped while pinned, reload " + i);
            }
            assertEquals(List.of("1: 1"), hooks.pinned, "the host told once that v1 is still pinned, by one pin");
            assertFalse(hooks.unloaded.contains(1), "v1 was not unloaded while pinned");
            reloaded.countDown();
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "v1 is still mapped before the release");
            checked.countDown();
            assertEquals(List.of(1, -1, 1), holder.get(), "the pinned span was answered by v1 throughout");
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "released, but the loop has not polled yet");
            host.reloadIfChanged();
            assertEquals(List.of(), Natives.mappingsOf(v1), "unmapped within one tick of the release");
            assertTrue(hooks.unloaded.contains(1));
            assertEquals(List.of(), hooks.stillLoaded);
            assertEquals(RELOADS_WHILE_PINNED % 2 == 1 ? 2 : 3, foo(host));
        }
    }

    /** A pin dropped without release (its thread forgot it) is released by the garbage collector, and told. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aPinNeverReleasedIsCaughtAndReleased(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = host(options(watched).withSettle(Duration.ZERO), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertTrue(host.reloadIfChanged());
            Path v1 = host.version().orElseThrow().copy().orElseThrow();
            AtomicReference<Pin<S>> forgotten = new AtomicReference<>(Scenarios.inBackground(host::pin).get());
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            assertFalse(Natives.mappingsOf(v1).isEmpty(), "the pin still holds v1");
            assertEquals(1, forgotten.get().foo());
            forgotten.set(null); // dropped, never released: its thread died or forgot it
            for (int i = 0; i < 100 && !hooks.unloaded.contains(1); i++) {
                System.gc();
                Thread.sleep(20);
                host.reloadIfChanged();
            }
            assertEquals(List.of("1: 1"), hooks.leaked, "the host told of the leaked pin");
            assertTrue(hooks.unloaded.contains(1), "then unloaded v1");
            assertEquals(List.of(), Natives.mappingsOf(v1));
            assertEquals(2, foo(host));
        }
    }

    /** Release mode never replaces its version: a pin there counts nothing, and calls answer as ever. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void releaseModePinsAnswerWithoutHoldingAnything(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = host(options(watched).withRelease(true), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            try (Pin<S> pin = host.pin()) {
                assertEquals(OptionalInt.of(20), pin.bar());
            }
        }
        assertEquals(List.of(), hooks.pinned);
        assertEquals(List.of(), hooks.stillLoaded);
        assertEquals(List.of(), Natives.mappingsOf(watched), "close() unloaded it");
    }

    /** Release mode's binding for good keeps the one policy after an unload: each call throws, none crashes. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aVersionBoundForGoodThrowsIllegalStateExceptionFromEveryCallAfterClose(Lang lang, @TempDir Path dir)
            throws Exception {
        Path file = Files.copy(variant(lang, "v2"), dir.resolve(System.mapLibraryName("v2")));
        Guest<S> guest = backend().loaderForGood().load(file);
        assertEquals(2, guest.foo());
        assertEquals(OptionalInt.of(20), guest.bar());
        guest.close();
        assertFalse(guest.stillLoaded(), "the loader let it go");
        assertEquals(List.of(), Natives.mappingsOf(file), "dlclose() unmapped it");
        assertThrows(IllegalStateException.class, guest::abiVersion);
        assertThrows(IllegalStateException.class, guest::foo);
        assertThrows(IllegalStateException.class, guest::bar);
        assertThrows(IllegalStateException.class, guest::greeting);
        try (S state = backend().newState().get()) {
            assertThrows(IllegalStateException.class, () -> guest.update(state));
        }
        // Once closed, another version may be bound (from a path of its own: jffi opens each path once).
        Path another = Files.copy(variant(lang, "v1"), dir.resolve(System.mapLibraryName("v1")));
        Guest<S> next = backend().loaderForGood().load(another);
        try {
            assertEquals(1, next.foo());
            assertThrows(IllegalStateException.class, guest::foo, "the closed one does not reach its successor");
        } finally {
            next.close();
        }
    }

    /** A pin of release mode, still held when its host closes, throws from then on rather than crash. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void releaseModeAPinHeldPastTheHostsCloseThrowsIllegalStateException(Lang lang, @TempDir Path dir)
            throws Exception {
        Path watched = watchedIn(dir);
        renameIntoPlace(variant(lang, "v1"), watched);
        Pin<S> pin;
        try (Host<S> host = host(options(watched).withRelease(true), new RecordingHooks())) {
            assertTrue(host.reloadIfChanged());
            pin = host.pin();
            assertEquals(1, pin.foo());
        }
        assertEquals(List.of(), Natives.mappingsOf(watched), "close() unloaded it");
        assertThrows(IllegalStateException.class, pin::foo);
        assertThrows(IllegalStateException.class, pin::bar);
        assertThrows(IllegalStateException.class, pin::greeting);
        pin.close();
    }

    /**
     * Two release-mode hosts in one program: where the backend binds for good into process-wide constants, the
     * second is refused, with a message that says why, until the first closes; elsewhere each answers its own.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void releaseModeASecondHostWhileTheFirstIsLoaded(Lang lang, @TempDir Path dir) throws Exception {
        Path first = dir.resolve(System.mapLibraryName("first"));
        Path second = dir.resolve(System.mapLibraryName("second"));
        renameIntoPlace(variant(lang, "v1"), first);
        renameIntoPlace(variant(lang, "v2"), second);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> other = host(options(second).withRelease(true), hooks)) {
            try (Host<S> host = host(options(first).withRelease(true), new RecordingHooks())) {
                assertTrue(host.reloadIfChanged());
                if (bindsOneVersionForGoodAtATime()) {
                    assertFalse(other.reloadIfChanged(), "refused while the first is bound");
                    assertEquals(1, hooks.refused.size(), hooks.refused.toString());
                    assertTrue(hooks.refused.get(0).contains("release mode binds one version")
                            && hooks.refused.get(0).contains(first.toString()), hooks.refused.get(0));
                } else {
                    assertTrue(other.reloadIfChanged(), "refused: " + hooks.refused);
                    assertEquals(2, foo(other));
                }
                assertEquals(1, foo(host), "the first answers as before");
            }
            if (bindsOneVersionForGoodAtATime()) {
                renameIntoPlace(variant(lang, "v2"), second);  // a refused file is tried again once it changes
                assertTrue(other.reloadIfChanged(), "bound once the first closed: " + hooks.refused);
            }
            assertEquals(2, foo(other));
        }
    }
}
