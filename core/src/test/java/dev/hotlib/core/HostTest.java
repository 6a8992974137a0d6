package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap and the pins with a fake loader, so that a version's probe or its unload can fail on demand. Each
 * "library" is a small text file; its text says what the fake version does: {@code foo=N}, and optionally
 * {@code probe-throws} (the binding's probe fails), {@code probe-sleeps}, {@code close-throws} (its unload
 * fails) or {@code close-sleeps}.
 */
class HostTest {
    @TempDir
    Path dir;

    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();  // "foo:name": what defines() was asked
    private final RecordingHooks hooks = new RecordingHooks();

    /** The fake binding: what foo() of the version returns. */
    private record Fake(int foo) {}

    /** A version as the fake loader reads it from its file. */
    private final class FakeLibrary implements Library {
        private final Path path;
        private final String text;
        private boolean unloaded;

        FakeLibrary(Path path, String text) {
            this.path = path;
            this.text = text;
        }

        int foo() {
            return Integer.parseInt(text.replaceAll(".*foo=(\\d+).*", "$1"));
        }

        @Override
        public Path path() {
            return path;
        }

        /** foo, and each name the text lists as {@code +name}. */
        @Override
        public boolean defines(String symbol) {
            asked.add(foo() + ":" + symbol);
            return symbol.equals("foo") || List.of(text.split(" ")).contains("+" + symbol);
        }

        @Override
        public void close() {
            if (unloaded) {
                return;
            }
            unloaded = true;
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

    /** Loads a fake version, and runs its probe: a probe that throws refuses it, and unloads it first. */
    private Guest<Fake> load(LibraryFile file) {
        FakeLibrary library;
        try {
            library = new FakeLibrary(file.path(), Files.readString(file.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (library.text.contains("probe-sleeps")) {
            sleep(SLOW);
        }
        if (library.text.contains("probe-throws")) {
            library.close();
            throw new IllegalStateException("the probe crashed on purpose");
        }
        return new Guest<>(library, new Fake(library.foo()));
    }

    /** How long a fake version's slow probe or close() takes: a lower bound the timing must show. */
    private static final Duration SLOW = Duration.ofMillis(30);

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Host<Fake> host() {
        return host(Duration.ofSeconds(5));
    }

    private Host<Fake> host(Duration pinPatience) {
        return new Host<>(this::load, Host.Settings.watching(dir.resolve("libfake.so")).withSettle(Duration.ZERO)
                .withShadowParent(dir.resolve("shadow")).withPinPatience(pinPatience), hooks);
    }

    private void publish(String text) throws IOException {
        Path temp = Files.writeString(dir.resolve("next.tmp"), text);
        Files.move(temp, dir.resolve("libfake.so"),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private int foo(Host<Fake> host) {
        try (Pin<Fake> pin = host.pin()) {
            return pin.binding().foo();
        }
    }

    @Test
    void aNewVersionWhoseFirstCallThrowsIsRefusedAndTheOldKeepsRunning() throws Exception {
        try (Host<Fake> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            publish("foo=2 probe-throws");
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size());
            assertEquals("it could not be loaded (the probe crashed on purpose)", hooks.refused.get(0));
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
        try (Host<Fake> host = host()) {
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
        try (Host<Fake> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            Pin<Fake> first = host.pin();
            Pin<Fake> second = host.pin();
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of(), closed, "pinned twice: not unloaded");
            assertEquals(1, first.binding().foo(), "a pinned span keeps its version after the swap");
            assertEquals(2, Scenarios.inBackground(() -> foo(host)).get(), "a new pin elsewhere gets the new version");
            assertEquals(1, foo(host), "a pin nested in this thread's holds its version");
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

    /**
     * A thread's next pin is its last one, closed, taken again (a tick allocates nothing); dropping it unclosed
     * is still caught: told once collected, its version kept until the thread pins again.
     */
    @Test
    void aThreadsPinIsTakenAgainOnceClosedAndStillCaughtWhenDropped() throws Exception {
        try (Host<Fake> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            Pin<Fake> first = host.pin();
            first.close();
            Pin<Fake> again = host.pin();
            assertSame(first, again, "the closed pin was taken again");
            assertEquals(1, first.version().number());
            first = null;
            again = null;  // dropped unclosed
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            for (int i = 0; i < 100 && hooks.leaked.isEmpty(); i++) {
                System.gc();
                host.reloadIfChanged();
            }
            assertEquals(List.of("1: 1"), hooks.leaked, "the dropped pin was told of");
            assertEquals(List.of(), closed, "its version stays while its thread has not pinned again");
            assertEquals(2, foo(host), "the next pin gets the new version");
            host.reloadIfChanged();
            assertEquals(List.of("foo=1"), closed, "let go once its thread pinned again");
        }
    }

    /**
     * A pin's {@code defines} answers for the version it holds, from its own memory of the names asked (four) or
     * from the version's (the library asked once per name), and forgets them when it is taken again on another.
     */
    @Test
    void definesAnswersForThePinsVersionAndAsksItOncePerName() throws Exception {
        List<String> four = List.of("foo", "bar", "baz", "qux");                          // what a pin keeps
        List<String> six = List.of("foo", "bar", "baz", "qux", "quux", "corge");          // more
        try (Host<Fake> host = host()) {
            publish("foo=1 +bar +quux");
            assertTrue(host.reloadIfChanged());
            Pin<Fake> first = host.pin();
            first.close();
            for (List<String> names : List.of(four, four, six, six, four)) {  // a tick each
                try (Pin<Fake> pin = host.pin()) {
                    assertSame(first, pin);
                    for (String name : names) {
                        assertEquals(Set.of("foo", "bar", "quux").contains(name), pin.defines(name),
                                "version 1, " + name);
                    }
                }
            }
            assertEquals(six.stream().map(name -> "1:" + name).toList(), asked, "the library asked once per name");
            publish("foo=2 +baz +corge");
            assertTrue(host.reloadIfChanged());
            for (List<String> names : List.of(four, six)) {
                try (Pin<Fake> pin = host.pin()) {
                    assertSame(first, pin, "the thread's pin, taken again on version 2");
                    for (String name : names) {
                        assertEquals(Set.of("foo", "baz", "corge").contains(name), pin.defines(name),
                                "version 2, " + name);
                    }
                }
            }
        }
    }

    /** A pin whose thread ended unclosed: told of once, and its version unloaded at the next poll. */
    @Test
    void aPinWhoseThreadEndedUnclosedIsToldOnceAndLetGo() throws Exception {
        try (Host<Fake> host = host()) {
            publish("foo=1");
            assertTrue(host.reloadIfChanged());
            Thread forgetful = new Thread(host::pin);  // takes a pin and ends without closing it
            forgetful.start();
            forgetful.join();
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of("1: 1"), hooks.leaked, "told of the dropped pin");
            assertEquals(List.of("foo=1"), closed, "and let go of its version");
            host.reloadIfChanged();
            assertEquals(List.of("1: 1"), hooks.leaked, "told once");
        }
    }

    @Test
    void anUnpinnedOldVersionIsUnloadedDuringTheSwap() throws Exception {
        try (Host<Fake> host = host()) {
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
        try (Host<Fake> host = host()) {
            publish("foo=1 probe-sleeps");
            assertTrue(host.reloadIfChanged());
            SwapTimes first = hooks.times.get(0);
            assertTrue(first.loadAndProbe().compareTo(SLOW) >= 0, "the probe is timed with the load: " + first);
            assertEquals(Duration.ZERO, first.unloadOld(), "nothing to unload on the first load");
            publish("foo=2 close-sleeps");
            assertTrue(host.reloadIfChanged());
            try (Pin<Fake> pinned = host.pin()) {
                publish("foo=3");
                assertTrue(host.reloadIfChanged());
                assertEquals(Duration.ZERO, hooks.times.get(2).unloadOld(), "a pinned old version is not unloaded");
            }
            host.reloadIfChanged();  // unloads version 2, which sleeps in close(): not part of any swap
            publish("foo=4");
            assertTrue(host.reloadIfChanged());
            SwapTimes fourth = hooks.times.get(3);
            assertTrue(fourth.unloadOld().compareTo(Duration.ZERO) > 0, "version 3 was unloaded: " + fourth);
            for (SwapTimes t : hooks.times) {
                assertFalse(t.look().isNegative() || t.copyAndCheck().isNegative() || t.loadAndProbe().isNegative(),
                        t.toString());
            }
        }
    }

    @Test
    void anOldVersionPinnedLongerThanThePatienceIsToldOnce() throws Exception {
        try (Host<Fake> host = host(Duration.ZERO); Pin<Fake> held = heldPin(host)) {
            publish("foo=2");
            assertTrue(host.reloadIfChanged());
            host.reloadIfChanged();
            host.reloadIfChanged();
            assertEquals(List.of("1: 1"), hooks.pinned);
            assertEquals(1, held.binding().foo());
        }
    }

    @Test
    void aStateHandedToTheHostIsClosedAtCloseOnce() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Host<Fake> host = host();
        host.own(() -> events.add("state closed"));
        publish("foo=1");
        assertTrue(host.reloadIfChanged());
        host.close();
        host.close();
        assertEquals(List.of("state closed"), events, "closed once, after the version");
        assertEquals(List.of("foo=1"), closed);
        assertThrows(IllegalStateException.class, () -> host.own(() -> { }));
    }

    @Test
    void releaseModeWithNothingToLoadSaysSoInsteadOfWaiting() throws Exception {
        Host.Settings release = Host.Settings.watching(dir.resolve("libfake.so")).withSettle(Duration.ZERO)
                .withShadowParent(dir.resolve("shadow")).withReleaseMode(true);
        try (Host<Fake> host = new Host<>(this::load, release, hooks)) {
            assertFalse(host.reloadIfChanged());
            publish("foo=1 probe-throws");
            assertFalse(host.reloadIfChanged());
            assertEquals(List.of("it is not there", "it could not be loaded (the probe crashed on purpose)"),
                    hooks.cannotStart);
            assertEquals(List.of(), hooks.waiting, "never a silent wait");
            assertEquals(List.of(), hooks.refused);
        }
    }

    private Pin<Fake> heldPin(Host<Fake> host) throws Exception {
        publish("foo=1");
        assertTrue(host.reloadIfChanged());
        return host.pin();
    }
}
