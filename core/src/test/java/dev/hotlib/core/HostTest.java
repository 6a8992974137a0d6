package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap and the pins with a fake backend, so that a version's calls or its unload can fail on demand. Each
 * "library" is a small text file; its text says what the fake version does: {@code foo=N}, and optionally
 * {@code abi-throws} (its first call fails) or {@code close-throws} (its unload fails).
 */
class HostTest {
    @TempDir
    Path dir;

    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final RecordingHooks hooks = new RecordingHooks();

    /** A version as the fake backend reads it from its file. */
    private final class FakeGuest implements Guest<FakeState> {
        private final String text;

        FakeGuest(String text) {
            this.text = text;
        }

        @Override
        public int abiVersion() {
            if (text.contains("abi-sleeps")) {
                sleep(SLOW);
            }
            if (text.contains("abi-throws")) {
                throw new IllegalStateException("abi_version() crashed on purpose");
            }
            return Abi.VERSION;
        }

        @Override
        public int foo() {
            return Integer.parseInt(text.replaceAll(".*foo=(\\d+).*", "$1"));
        }

        @Override
        public OptionalInt bar() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<String> greeting() {
            return Optional.empty();
        }

        @Override
        public void update(FakeState state) {
            state.frame++;
        }

        @Override
        public void close() {
            closed.add("foo=" + foo());
            if (text.contains("close-sleeps")) {
                sleep(SLOW);
            }
            if (text.contains("close-throws")) {
                throw new IllegalStateException("dlclose() failed on purpose");
            }
        }

        @Override
        public boolean stillLoaded() {
            return false;
        }
    }

    /** How long a fake version's slow abi_version() or close() takes: a lower bound the timing must show. */
    private static final Duration SLOW = Duration.ofMillis(30);

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class FakeState implements HotlibState {
        long frame;

        @Override
        public long frame() {
            return frame;
        }

        @Override
        public double value() {
            return 0;
        }

        @Override
        public void close() {}
    }

    private Host<FakeState> host() {
        Backend<FakeState> fake = new Backend<>("fake", FakeState::new, file -> {
            try {
                return new FakeGuest(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new Host<>(fake, Host.Settings.watching(dir.resolve("libfake.so")).withSettle(Duration.ZERO)
                .withShadowParent(dir.resolve("shadow")), hooks);
    }

    private void publish(String text) throws IOException {
        Path temp = Files.writeString(dir.resolve("next.tmp"), text);
        Files.move(temp, dir.resolve("libfake.so"),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private int foo(Host<FakeState> host) {
        try (Pin<FakeState> pin = host.pin()) {
            return pin.foo();
        }
    }

    @Test
    void aNewVersionWhoseFirstCallThrowsIsRefusedAndTheOldKeepsRunning() throws Exception {
        try (Host<FakeState> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            publish("foo=2 abi-throws");
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size());
            assertTrue(hooks.refused.get(0).contains("abi_version() crashed on purpose"), hooks.refused.get(0));
            assertEquals(List.of("foo=2"), closed, "the refused version was unloaded");
            assertEquals(1, foo(host), "the old version keeps answering");
            try (var copies = Files.list(host.shadowDirectory().orElseThrow())) {
                assertEquals(1, copies.filter(p -> p.getFileName().toString().contains("libfake")).count(),
                        "the refused version's copy was deleted");
            }
            publish("foo=3");
            assertTrue(host.reloadIfChanged(), "the next good version is picked up");
            assertEquals(3, foo(host));
        }
    }

    @Test
    void anOldVersionWhoseUnloadThrowsIsReportedAndTheLoopGoesOn() throws Exception {
        try (Host<FakeState> host = host()) {
            publish("foo=1 close-throws");
            assertTrue(host.reloadIfChanged());
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of("1: dlclose() failed on purpose"), hooks.unloadFailed);
            assertEquals(2, foo(host));
            publish("foo=3");
            assertTrue(host.reloadIfChanged());
            assertEquals(3, foo(host));
        }
    }

    @Test
    void anOldVersionIsUnloadedAtThePollAfterItsLastPinIsReleasedAndNotBefore() throws Exception {
        try (Host<FakeState> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            Pin<FakeState> first = host.pin();
            Pin<FakeState> second = host.pin();
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of(), closed, "pinned twice: not unloaded");
            assertEquals(1, first.foo(), "a pinned span keeps its version after the swap");
            assertEquals(2, foo(host), "a new pin gets the new version");
            first.close();
            host.reloadIfChanged();
            assertEquals(List.of(), closed, "one pin still holds it");
            second.close();
            assertEquals(List.of(), closed, "released, but unloaded on the loop's thread, at its next poll");
            host.reloadIfChanged();
            assertEquals(List.of("foo=1"), closed);
            assertEquals(List.of(1), hooks.unloaded);
        }
        assertEquals(List.of("foo=1", "foo=2"), closed, "close() unloads the current version");
    }

    @Test
    void anUnpinnedOldVersionIsUnloadedDuringTheSwap() throws Exception {
        try (Host<FakeState> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            assertEquals(1, foo(host));
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of("foo=1"), closed);
            assertEquals(List.of("before 0 -> 1", "after 0 -> 1", "before 1 -> 2", "after 1 -> 2"), hooks.order);
        }
    }

    @Test
    void eachSwapSaysWhereItsTimeWent() throws Exception {
        try (Host<FakeState> host = host()) {
            publish("foo=1 abi-sleeps");
            assertTrue(host.reloadIfChanged());
            SwapTimes first = hooks.times.get(0);
            assertTrue(first.loadAndProbe().compareTo(SLOW) >= 0, "abi_version() is timed as the probe: " + first);
            assertEquals(Duration.ZERO, first.unloadOld(), "nothing to unload on the first load");
            publish("foo=2 close-sleeps");
            assertTrue(host.reloadIfChanged());
            assertTrue(hooks.times.get(1).loadAndProbe().compareTo(SLOW) < 0, hooks.times.get(1).toString());
            try (Pin<FakeState> pinned = host.pin()) {
                publish("foo=3");
                assertTrue(host.reloadIfChanged());
                assertEquals(Duration.ZERO, hooks.times.get(2).unloadOld(), "a pinned old version is not unloaded");
            }
            host.reloadIfChanged();  // unloads version 2, which sleeps in close(): not part of any swap
            publish("foo=4");
            assertTrue(host.reloadIfChanged());
            SwapTimes fourth = hooks.times.get(3);
            assertTrue(fourth.unloadOld().compareTo(Duration.ZERO) > 0, "version 3 was unloaded: " + fourth);
            assertTrue(fourth.unloadOld().compareTo(SLOW) < 0, "version 2's slow close was not this swap's");
            for (SwapTimes t : hooks.times) {
                assertFalse(t.look().isNegative() || t.copyAndCheck().isNegative(), t.toString());
                assertEquals(t.look().plus(t.copyAndCheck()).plus(t.loadAndProbe()).plus(t.unloadOld()), t.total());
            }
        }
    }

    @Test
    void anOldVersionPinnedLongerThanThePatienceIsToldOnce() throws Exception {
        Backend<FakeState> fake = new Backend<>("fake", FakeState::new, file -> {
            try {
                return new FakeGuest(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Host.Settings settings = Host.Settings.watching(dir.resolve("libfake.so")).withSettle(Duration.ZERO)
                .withShadowParent(dir.resolve("shadow")).withPinPatience(Duration.ZERO);
        try (Host<FakeState> host = new Host<>(fake, settings, hooks); Pin<FakeState> held = heldPin(host)) {
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            host.reloadIfChanged();
            host.reloadIfChanged();
            assertEquals(List.of("1: 1"), hooks.pinned);
            assertEquals(1, held.foo());
        }
    }

    private Pin<FakeState> heldPin(Host<FakeState> host) throws Exception {
        publish("foo=1");
        assertTrue(host.reloadIfChanged());
        return host.pin();
    }
}
