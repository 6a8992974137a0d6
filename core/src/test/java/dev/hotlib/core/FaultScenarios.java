package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotlib.core.Natives.Lang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A developer rebuilds all day, sometimes with broken builds or tools that write in place. Each fault must
 * lead to: no crash; the previous version keeps answering; one line says what happened; the next good
 * version is picked up; frame keeps counting.
 */
public interface FaultScenarios<B, S extends AutoCloseable> extends Scenarios<B, S> {

    /** Loads v1 into a new host and runs update() once. */
    private Host<B> hostRunningV1(Lang lang, Path watched, Host.Settings options, RecordingHooks hooks)
            throws Exception {
        Host<B> host = host(options, hooks);
        renameIntoPlace(variant(lang, "v1"), watched);
        assertTrue(host.reloadIfChanged(), "v1 loads: " + hooks.refused);
        update(host);
        return host;
    }

    /** The last refusal line. */
    private static String lastRefusal(RecordingHooks hooks) {
        assertFalse(hooks.refused.isEmpty(), "a refusal was told");
        return hooks.refused.get(hooks.refused.size() - 1);
    }

    /** {@code bad} is refused with one line containing {@code why}, and v1 keeps answering. */
    private void assertRefused(Host<B> host, RecordingHooks hooks, Path watched, Path bad, String why)
            throws Exception {
        int before = hooks.refused.size();
        renameIntoPlace(bad, watched);
        assertFalse(host.reloadIfChanged(), bad.toString());
        assertEquals(before + 1, hooks.refused.size(), "one line for " + bad + ": " + hooks.refused);
        assertTrue(lastRefusal(hooks).contains(why), lastRefusal(hooks));
        assertEquals(1, foo(host), "the previous version keeps answering");
    }

    /** {@code bad} is refused as {@link #assertRefused} says, before the backend's loader was called: no dlopen. */
    private void assertRefusedBeforeDlopen(Host<B> host, RecordingHooks hooks, Path watched, Path bad, String why)
            throws Exception {
        int loads = hooks.loads.get();
        assertRefused(host, hooks, watched, bad, why);
        assertEquals(loads, hooks.loads.get(), "refused before dlopen: " + lastRefusal(hooks));
    }

    /** v1 still answers, then v2 is picked up and frame goes on from {@code frames}. */
    private void assertRecovers(Lang lang, Host<B> host, Path watched, long frames) throws Exception {
        assertEquals(1, foo(host), "the previous version keeps answering");
        renameIntoPlace(variant(lang, "v2"), watched);
        assertTrue(host.reloadIfChanged(), "the next good version is picked up");
        assertEquals(2, foo(host));
        update(host);
        assertEquals(frames + 1, frame(state(host)), "frame keeps counting");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void overwrittenInPlaceWhileCallsRun(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Long> caller = Scenarios.inBackground(() -> {
                long calls = 0;
                while (!stop.get()) {
                    call(host, guest -> { guest.foo(); guest.greeting(); return guest.bar(); });
                    calls++;
                }
                return calls;
            });
            byte[] v2 = Files.readAllBytes(variant(lang, "v2"));
            Scenarios.pollAsItWrites(host, wrote -> Scenarios.writeInPlace(v2, watched, 8, SETTLE.dividedBy(4), wrote),
                    () -> { });
            stop.set(true);
            assertTrue(caller.join() > 0);
            Scenarios.assertOnlyCutShortRefused(hooks);
            assertEquals(2, foo(host));
            update(host);
            assertEquals(2, frame(state(host)));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void brokenFilesAreRefusedOneLineEach(Lang lang, @TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(variant(lang, "v2"));
        Map<String, byte[]> broken = new LinkedHashMap<>();
        broken.put("truncated", java.util.Arrays.copyOf(good, good.length / 2));
        broken.put("empty", new byte[0]);
        byte[] random = new byte[64 * 1024];
        new Random(42).nextBytes(random);
        broken.put("random bytes", random);
        broken.put("another architecture", Natives.withElfMachine(good, Natives.EM_AARCH64));
        broken.put("an ELF that is not a library", Natives.withElfType(good, Natives.ET_REL));

        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            List<String> reasons = new ArrayList<>();
            for (Map.Entry<String, byte[]> bad : broken.entrySet()) {
                Path temp = dir.resolve("next.tmp");
                Files.write(temp, bad.getValue());
                Files.move(temp, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                int loads = hooks.loads.get();
                assertFalse(host.reloadIfChanged(), bad.getKey());
                if (bad.getKey().equals("truncated") || bad.getKey().equals("empty")) {
                    assertEquals(loads, hooks.loads.get(), bad.getKey() + " is refused before dlopen");
                }
                assertEquals(reasons.size() + 1, hooks.refused.size(), "one line for " + bad.getKey());
                reasons.add(bad.getKey() + ": " + lastRefusal(hooks));
                assertEquals(1, foo(host), bad.getKey());
            }
            assertEquals("it is empty", hooks.refused.get(1), reasons.toString());
            assertTrue(hooks.refused.get(0).startsWith("it is cut short: " + good.length / 2 + " bytes where its ELF"
                    + " headers describe "), hooks.refused.get(0));
            assertTrue(hooks.refused.get(0).endsWith(" (still being written, or a broken copy)"), hooks.refused.get(0));
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aDirectoryOrADanglingSymlinkWhereTheFileWasIsRefused(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Files.delete(watched);
            Files.createDirectory(watched);
            assertFalse(host.reloadIfChanged());
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size(), "told once");
            assertTrue(lastRefusal(hooks).contains("directory"), lastRefusal(hooks));
            assertEquals(1, foo(host));

            Files.delete(watched);
            Files.createSymbolicLink(watched, dir.resolve("nowhere.so"));
            assertFalse(host.reloadIfChanged());
            assertEquals(2, hooks.refused.size());
            assertTrue(lastRefusal(hooks).contains("symbolic link to " + dir.resolve("nowhere.so")),
                    lastRefusal(hooks));
            Files.delete(watched);
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    @SkipsFailInCi.CannotRunAsRoot("root may read any file")
    default void aFileWeMayNotReadIsRefused(Lang lang, @TempDir Path dir) throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may read any file: nothing to refuse");
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched, "---------");
            assertFalse(host.reloadIfChanged());
            assertTrue(lastRefusal(hooks).contains("cannot be read"), lastRefusal(hooks));
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void deletedThenRestored(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Files.delete(watched);
            assertFalse(host.reloadIfChanged());
            assertFalse(host.reloadIfChanged());
            assertEquals(List.of(watched.toString()), hooks.waiting, "told once that it is gone");
            update(host);
            assertRecovers(lang, host, watched, 2);
        }
    }

    /**
     * Ten builds, 5 ms apart, against a 400 ms settle time, the host polling after each. How many of them the
     * settle time skips depends on the machine's load; LibraryWatcherTest shows, on a clock of its own, that within
     * a settle period it skips all but the last.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void replacedTenTimesWithinASettlePeriodEndsOnTheLast(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Duration settle = Duration.ofMillis(400);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched).withSettle(settle), hooks)) {
            Scenarios.pollAsItWrites(host, wrote -> {
                for (int i = 0; i < 10; i++) {
                    renameIntoPlace(variant(lang, i % 2 == 0 ? "v2" : "v3"), watched); // ends on v3
                    wrote.run();
                    Thread.sleep(5);
                }
            }, () -> { });
            assertEquals(3, foo(host), "ends on the last version");
            assertEquals(List.of(), hooks.refused, "each build was whole when it was renamed into place");
            update(host);
            assertEquals(2, frame(state(host)));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void wrongAbiAndMissingFooAndAMissingDependencyAreRefused(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Map<String, String> expected = Map.of("abi2", "abi_version() returned 2", "nofoo", "foo()",
                    "needsdep", System.mapLibraryName("hotlib_gone"));
            for (String bad : List.of("abi2", "nofoo", "needsdep")) {
                renameIntoPlace(variant(lang, bad), watched);
                assertFalse(host.reloadIfChanged(), bad);
                assertTrue(lastRefusal(hooks).contains(expected.get(bad)), bad + ": " + lastRefusal(hooks));
                assertEquals(1, foo(host));
            }
            assertEquals(3, hooks.refused.size());
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aChangeOfTheSymlinksTargetIsANewVersion(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Path a = Files.copy(variant(lang, "v1"), dir.resolve("a.so"));
        Path b = Files.copy(variant(lang, "v2"), dir.resolve("b.so"));
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched), hooks)) {
            Files.createSymbolicLink(watched, a);
            assertTrue(host.reloadIfChanged());
            assertEquals(1, foo(host));
            Path link = dir.resolve("link.tmp");
            Files.createSymbolicLink(link, b);
            Files.move(link, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(host.reloadIfChanged());
            assertEquals(2, foo(host));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFileOrFolderOtherUsersCanWriteIsRefusedUnlessTrusted(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched, "rw-rw-rw-");
            assertFalse(host.reloadIfChanged());
            assertTrue(lastRefusal(hooks).contains("other users can write"), lastRefusal(hooks));
            assertTrue(lastRefusal(hooks).contains("hotlib.trustWritable"), "says how to opt in");
            assertEquals(1, foo(host));

            Files.setPosixFilePermissions(watched, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertFalse(host.reloadIfChanged());
            assertTrue(lastRefusal(hooks).contains("its folder"), lastRefusal(hooks));
        }
        try (Host<B> trusting = host(options(watched).withTrustWritable(true), new RecordingHooks())) {
            assertTrue(trusting.reloadIfChanged(), "loaded when the user opts in");
            assertEquals(2, foo(trusting));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    // Every backend resolves everything at load (RTLD_NOW), so the call never dies.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void anUndefinedFunctionIsRefusedAtLoadNotAtTheFirstCall(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            assertRefused(host, hooks, watched, variant(lang, "undef"), "hotlib_nowhere");
            assertRecovers(lang, host, watched, 1);
        }
    }

    // The version loads, and its greeting is empty: no crash, no "null" string.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aNullGreetingLoadsAndIsEmpty(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "nullgreeting"), watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(Optional.empty(), call(host, Demo::greeting));
            assertEquals(4, foo(host));
            update(host);
            assertEquals(2, frame(state(host)));
        }
    }

    // A function the binding looks up, exported as data, is refused before anything calls it.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFunctionExportedAsDataIsRefusedNamingIt(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            assertRefused(host, hooks, watched, variant(lang, "foodata"), "foo is data (STT_OBJECT), not a function");
            assertRefused(host, hooks, watched, variant(lang, "bardata"), "bar is data (STT_OBJECT), not a function");
            assertRecovers(lang, host, watched, 1);
        }
    }

    // The checks read what the loader reads: with its section headers gone (what sstrip does), a library's data
    // symbols are still found, through the dynamic segment.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFunctionExportedAsDataIsRefusedEvenWithoutSectionHeaders(Lang lang, @TempDir Path dir)
            throws Exception {
        byte[] stripped = Natives.withLongAt(Files.readAllBytes(variant(lang, "foodata")), 40, 0);  // e_shoff
        stripped = Natives.withHalfWordAt(Natives.withHalfWordAt(stripped, 60, 0), 62, 0);        // e_shnum, e_shstrndx
        Path file = dir.resolve("stripped.tmp");
        Files.write(file, stripped);
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            assertRefused(host, hooks, watched, file, "foo is data (STT_OBJECT), not a function");
            assertRecovers(lang, host, watched, 1);
        }
    }

    // Malformed ELF headers are one line each, never an exception out of the host.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void malformedElfHeadersAreRefusedOneLineEach(Lang lang, @TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(variant(lang, "v2"));
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Map<String, byte[]> bad = new LinkedHashMap<>();
            bad.put("e_phentsize 1", Natives.withHalfWordAt(good, 54, 1));
            bad.put("e_phoff overflowing", Natives.withLongAt(good, 32, Long.MAX_VALUE - 8));
            for (Map.Entry<String, byte[]> each : bad.entrySet()) {
                Path temp = dir.resolve("next.tmp");
                Files.write(temp, each.getValue());
                assertRefusedBeforeDlopen(host, hooks, watched, temp, "its ELF headers are malformed (");
                assertTrue(lastRefusal(hooks).endsWith("): not a library a linker wrote"), lastRefusal(hooks));
                assertEquals(1, lastRefusal(hooks).lines().count(), each.getKey());
            }
            assertRecovers(lang, host, watched, 1);
        }
    }

    // A C++ guest with a STB_GNU_UNIQUE symbol is warned of when loaded, and reported still loaded.
    @Test
    default void aUniqueSymbolIsWarnedOfAndTheUnloadIsReported(@TempDir Path dir) throws Exception {
        Path unique = Natives.cxxVariant("unique");
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(Lang.C, watched, options(watched), hooks)) {
            renameIntoPlace(unique, watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(11, foo(host));
            assertTrue(hooks.warnings.stream().anyMatch(w -> w.contains("STB_GNU_UNIQUE")
                    && w.contains("-fno-gnu-unique")), "warned before it is unloaded: " + hooks.warnings);
            renameIntoPlace(variant(Lang.C, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            assertEquals(2, foo(host));
            assertEquals(List.of(2), hooks.stillLoaded, "the loader kept it: told");
        }
    }

    // A C guest with an initial-exec thread-local is warned of at load, with the fix; each reload takes static TLS
    // that is never given back, and when the loader refuses a version for it, the line says a restart is needed.
    @Test
    default void aStaticTlsGuestIsWarnedOfAndTheLoadersLimitAsksForARestart(@TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(Lang.C, watched, options(watched), hooks)) {
            renameIntoPlace(variant(Lang.C, "statictls"), watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(12, foo(host));
            assertTrue(hooks.warnings.stream().anyMatch(w -> w.contains("-ftls-model=global-dynamic")),
                    "warned at its first load: " + hooks.warnings);
            for (int i = 0; i < 60 && hooks.refused.isEmpty(); i++) {
                renameIntoPlace(variant(Lang.C, i % 2 == 0 ? "statictls2" : "statictls"), watched);
                host.reloadIfChanged();
            }
            assertEquals(1, hooks.refused.size(), "the loader ran out of static TLS: " + hooks.refused);
            assertTrue(lastRefusal(hooks).contains("static TLS") && lastRefusal(hooks).contains("restart the program"),
                    lastRefusal(hooks));
            assertTrue(foo(host) >= 12, "the running version keeps answering");
        }
    }

    // A guest linked with -z nodelete is warned of at load, and its unload names the cause.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aNodeleteGuestIsWarnedOfAndItsUnloadNamesTheCause(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "nodelete"), watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(14, foo(host));
            assertTrue(hooks.warnings.stream().anyMatch(w -> w.contains("-z nodelete")),
                    "warned at load: " + hooks.warnings);
            renameIntoPlace(variant(lang, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            assertEquals(List.of(2), hooks.stillLoaded, "the loader kept it: told");
            assertTrue(Host.STILL_LOADED.contains("-z nodelete"));
        }
    }

    // A Rust thread_local! with Drop cannot be seen before loading (every Rust cdylib imports
    // __cxa_thread_atexit_impl); the host reports it after dlclose.
    @Test
    default void aRustThreadLocalWithDropIsReportedStillLoaded(@TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(Lang.RUST, watched, options(watched), hooks)) {
            renameIntoPlace(variant(Lang.RUST, "tlsdrop"), watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(4, foo(host), "touches the thread-local on this long-lived thread");
            renameIntoPlace(variant(Lang.RUST, "v2"), watched);
            assertTrue(host.reloadIfChanged());
            assertEquals(2, foo(host));
            assertEquals(List.of(2), hooks.stillLoaded, "the loader kept it: told");
        }
    }

    // A guest that finds its own library through RUNPATH $ORIGIN loads from its private copy; an
    // In-place cp over that library cannot crash it; a changed library needs a restart, and says so.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aGuestWithASiblingLibraryLoadsAndAChangedSiblingAsksForARestart(Lang lang, @TempDir Path dir)
            throws Exception {
        Path watched = watchedIn(dir);
        Path sibling = dir.resolve(System.mapLibraryName("hotlib_sibling"));
        Files.copy(Natives.sibling("a"), sibling);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "sibling"), watched);
            assertTrue(host.reloadIfChanged(), "$ORIGIN works from the copy: " + hooks.refused);
            assertEquals(41, foo(host));
            Scenarios.writeInPlace(Files.readAllBytes(Natives.sibling("b")), sibling, 4, Duration.ZERO);
            assertEquals(41, foo(host), "the loaded library is the private copy: overwriting the user's is harmless");
            renameIntoPlace(variant(lang, "sibling2"), watched);
            assertTrue(host.reloadIfChanged(), "loads: " + hooks.refused);
            assertEquals(41, foo(host), "glibc reuses the loaded library by its name");
            assertTrue(hooks.warnings.stream().anyMatch(w -> w.contains("restart")), hooks.warnings.toString());
            assertRecovers2(lang, host, watched);
        }
    }

    private void assertRecovers2(Lang lang, Host<B> host, Path watched) throws Exception {
        renameIntoPlace(variant(lang, "v2"), watched);
        assertTrue(host.reloadIfChanged(), "the next good version is picked up");
        assertEquals(2, foo(host));
    }

    // A version that does not fit in the shadow file system is refused before anything is written, and one that
    // fits is loaded next.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFullShadowFileSystemIsRefusedAndCleanedUp(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Path small = Files.createDirectory(dir.resolve("small"));
        long room = Files.size(variant(lang, "v1")) * 9 / 4 + 64 * 1024;  // v1 and v2 fit together
        assumeTrue(Natives.mountTmpfs(small, "size=" + room), "cannot mount a tmpfs here (needs root)");
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched).withShadowParent(small), hooks)) {
            Path big = dir.resolve("big.so");
            byte[] padded = java.util.Arrays.copyOf(Files.readAllBytes(variant(lang, "v2")), (int) room);
            Files.write(big, padded);  // a valid library followed by zeros, too big for what is left
            assertRefusedBeforeDlopen(host, hooks, watched, big,
                    "so it was not copied; free space there, or move the copies"
                    + " with -Dhotlib.shadowDir=<folder>");
            try (java.util.stream.Stream<Path> left = Files.list(host.shadowDirectory().orElseThrow())) {
                assertEquals(1, left.count(), "only v1's copy: nothing was written for the refused one");
            }
            assertRecovers(lang, host, watched, 1);
        } finally {
            Natives.run(dir, "umount", small.toString());
        }
    }

    // A small library padded to a terabyte (sparse, as truncate makes it) is refused before it is copied: it
    // never fills the shadow file system.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aLibraryPaddedToATerabyteIsRefusedWithoutBeingCopied(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Path sparse = Files.copy(variant(lang, "v2"), dir.resolve("sparse.tmp"));
            try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
                file.setLength(1L << 40);  // a hole: nothing is written
            }
            int loads = hooks.loads.get();
            Files.move(sparse, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertFalse(host.reloadIfChanged());
            assertEquals(loads, hooks.loads.get(), "refused before dlopen");
            assertTrue(lastRefusal(hooks).startsWith("it is 1099511627776 bytes, far more than the "),
                    lastRefusal(hooks));
            assertTrue(lastRefusal(hooks).endsWith("so it was not copied; rebuild it"), lastRefusal(hooks));
            try (java.util.stream.Stream<Path> left = Files.list(host.shadowDirectory().orElseThrow())) {
                assertEquals(1, left.count(), "only v1's copy: nothing of it was written");
            }
            assertRecovers(lang, host, watched, 1);
        }
    }

    // The copies must lie where no other user can swap them between their check and dlopen: a shadow folder
    // under a folder others can write is refused before anything is made in it.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aShadowFolderOthersCanWriteIsRefusedNamingTheOption(Lang lang, @TempDir Path dir) throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withShadowParent(open), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertFalse(host.reloadIfChanged());
            assertEquals(0, hooks.loads.get(), "refused before dlopen");
            assertTrue(lastRefusal(hooks).contains("other users can write the folder " + open)
                    && lastRefusal(hooks).endsWith("move the copies with -Dhotlib.shadowDir=<folder>"),
                    lastRefusal(hooks));
            try (java.util.stream.Stream<Path> made = Files.list(open)) {
                assertEquals(0, made.count(), "nothing was made in it");
            }
        }
    }

    // Every file the loader opens for a version is trusted or refused: a library it needs from a RUNPATH folder
    // that others can write is refused, naming both.
    @Test
    default void aDependencyFromAFolderOthersCanWriteIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path deps = Files.createDirectory(dir.resolve("deps"));
        Path source = Files.writeString(dir.resolve("guest.c"), "int dep(void) { return 7; }\n");
        Natives.run(dir, "cc", "-shared", "-fPIC", "-o", deps.resolve("libdep.so").toString(), source.toString());
        Path guest = dir.resolve("guest.so");
        Files.writeString(source, "int dep(void);\nint foo(void) { return dep(); }\n");
        Natives.run(dir, "cc", "-shared", "-fPIC", "-o", guest.toString(), source.toString(), "-L" + deps, "-ldep",
                "-Wl,-rpath," + deps, "-Wl,--enable-new-dtags");
        Files.setPosixFilePermissions(deps, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(Lang.C, watched, options(watched), hooks)) {
            assertRefusedBeforeDlopen(host, hooks, watched, guest,
                    "it needs libdep.so, which the loader looks for in " + deps
                    + " (named in its RUNPATH or RPATH): other users can write the folder " + deps);
            assertRecovers(Lang.C, host, watched, 1);
        }
    }

    // A /tmp cleaner removes the shadow folder: it is made again at the next version.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void theShadowFolderRemovedWhileRunningIsMadeAgain(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched).withShadowParent(dir.resolve("tmp")),
                hooks)) {
            Natives.run(dir, "rm", "-rf", dir.resolve("tmp").toString());
            assertEquals(1, foo(host), "the loaded version does not need its file");
            assertRecovers(lang, host, watched, 1);
            assertTrue(Files.isDirectory(host.shadowDirectory().orElseThrow()));
        }
    }

    // A noexec shadow folder is named, with the option that moves it.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aNoexecShadowFolderIsNamedWithTheOptionThatMovesIt(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Path noexec = Files.createDirectory(dir.resolve("noexec"));
        assumeTrue(Natives.mountTmpfs(noexec, "size=64m,noexec"), "cannot mount a tmpfs here (needs root)");
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched).withShadowParent(noexec), hooks)) {
            renameIntoPlace(variant(lang, "v1"), watched);
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size());
            assertTrue(lastRefusal(hooks).contains(noexec.toString()) && lastRefusal(hooks).contains("noexec")
                    && lastRefusal(hooks).contains("-Dhotlib.shadowDir"), lastRefusal(hooks));
        } finally {
            Natives.run(dir, "umount", noexec.toString());
        }
    }

    // A file another user owns is refused, naming it.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFileAnotherUserOwnsIsRefusedNamingIt(Lang lang, @TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away");
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Path theirs = dir.resolve("theirs.tmp");
            Files.copy(variant(lang, "v2"), theirs);
            Natives.run(dir, "chown", "nobody", theirs.toString());
            Files.move(theirs, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertFalse(host.reloadIfChanged());
            assertTrue(lastRefusal(hooks).contains(watched + " is owned by nobody")
                    && lastRefusal(hooks).contains("-Dhotlib.trustWritable=true"), lastRefusal(hooks));
            assertEquals(1, foo(host));
            assertRecovers(lang, host, watched, 1);
        }
    }

    // Content rewritten in place at the same size, with its mtime restored, is a new version.
    @ParameterizedTest
    @EnumSource(Lang.class)
    default void rewrittenInPlaceAtTheSameSizeWithItsMtimeRestoredIsReloaded(Lang lang, @TempDir Path dir)
            throws Exception {
        byte[] v1 = Files.readAllBytes(variant(lang, "v1"));
        byte[] v3 = Files.readAllBytes(variant(lang, "v3"));
        int size = Math.max(v1.length, v3.length);  // zeros after the section headers change nothing
        Path watched = watchedIn(dir);
        Files.write(watched, java.util.Arrays.copyOf(v1, size));
        RecordingHooks hooks = new RecordingHooks();
        try (Host<B> host = host(options(watched), hooks)) {
            assertTrue(host.reloadIfChanged(), "v1 loads: " + hooks.refused);
            Path stamp = Files.createFile(dir.resolve("stamp"));
            Natives.run(dir, "touch", "-r", watched.toString(), stamp.toString());
            Thread.sleep(20);  // past a ctime step of the file system
            Scenarios.writeInPlace(java.util.Arrays.copyOf(v3, size), watched, 1, Duration.ZERO);
            Natives.run(dir, "touch", "-r", stamp.toString(), watched.toString());
            assertTrue(host.reloadIfChanged(), "ctime tells the new content from the old");
            assertEquals(3, foo(host));
        }
    }
}
