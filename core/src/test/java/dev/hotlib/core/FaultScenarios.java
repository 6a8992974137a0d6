package dev.hotlib.core;

import static dev.hotlib.core.Natives.renameIntoPlace;
import static dev.hotlib.core.Natives.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A developer rebuilds all day, sometimes with broken builds or tools that write in place. Each fault must
 * lead to: no crash; the previous version keeps answering; one line says what happened; the next good
 * version is picked up; frame keeps counting.
 */
public interface FaultScenarios<S extends HotlibState> extends Scenarios<S> {

    /** Loads v1 into a new host and runs update() once. */
    private Host<S> hostRunningV1(Lang lang, Path watched, Host.Settings options, RecordingHooks hooks) throws Exception {
        Host<S> host = host(options, hooks);
        renameIntoPlace(variant(lang, "v1"), watched);
        assertTrue(host.reloadIfChanged(), "v1 loads: " + hooks.refused);
        update(host);
        return host;
    }

    /** v1 still answers, then v2 is picked up and frame goes on from {@code frames}. */
    private void assertRecovers(Lang lang, Host<S> host, Path watched, long frames) throws Exception {
        assertEquals(1, foo(host), "the previous version keeps answering");
        renameIntoPlace(variant(lang, "v2"), watched);
        assertTrue(host.reloadIfChanged(), "the next good version is picked up");
        assertEquals(2, foo(host));
        update(host);
        assertEquals(frames + 1, host.state().frame(), "frame keeps counting");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void overwrittenInPlaceWhileCallsRun(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
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
            CompletableFuture<Void> cp = Scenarios.inBackground(() -> {
                Scenarios.writeInPlace(v2, watched, 8, SETTLE.dividedBy(4));
                return null;
            });
            while (!cp.isDone()) {
                host.reloadIfChanged();
            }
            cp.join();
            host.reloadIfChanged();
            stop.set(true);
            assertTrue(caller.join() > 0);
            assertEquals(List.of(), hooks.refused, "nothing half-written was tried");
            assertEquals(2, foo(host));
            update(host);
            assertEquals(2, host.state().frame());
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
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            List<String> reasons = new ArrayList<>();
            for (Map.Entry<String, byte[]> bad : broken.entrySet()) {
                Path temp = dir.resolve("next.tmp");
                Files.write(temp, bad.getValue());
                Files.move(temp, watched, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                assertFalse(host.reloadIfChanged(), bad.getKey());
                assertEquals(reasons.size() + 1, hooks.refused.size(), "one line for " + bad.getKey());
                reasons.add(bad.getKey() + ": " + hooks.refused.get(hooks.refused.size() - 1));
                assertEquals(1, foo(host), bad.getKey());
            }
            assertTrue(hooks.refused.get(1).contains("empty"), reasons.toString());
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aDirectoryOrADanglingSymlinkWhereTheFileWasIsRefused(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Files.delete(watched);
            Files.createDirectory(watched);
            assertFalse(host.reloadIfChanged());
            assertFalse(host.reloadIfChanged());
            assertEquals(1, hooks.refused.size(), "told once");
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("directory"), hooks.refused.get(hooks.refused.size() - 1));
            assertEquals(1, foo(host));

            Files.delete(watched);
            Files.createSymbolicLink(watched, dir.resolve("nowhere.so"));
            assertFalse(host.reloadIfChanged());
            assertEquals(2, hooks.refused.size());
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("symbolic link to " + dir.resolve("nowhere.so")), hooks.refused.get(hooks.refused.size() - 1));
            Files.delete(watched);
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void aFileWeMayNotReadIsRefused(Lang lang, @TempDir Path dir) throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may read any file: nothing to refuse");
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched, "---------");
            assertFalse(host.reloadIfChanged());
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("cannot be read"), hooks.refused.get(hooks.refused.size() - 1));
            assertRecovers(lang, host, watched, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void deletedThenRestored(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Files.delete(watched);
            assertFalse(host.reloadIfChanged());
            assertFalse(host.reloadIfChanged());
            assertEquals(List.of(watched.toString()), hooks.waiting, "told once that it is gone");
            update(host);
            assertRecovers(lang, host, watched, 2);
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void replacedTenTimesWithinASettlePeriodEndsOnTheLast(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        Duration settle = Duration.ofMillis(400);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched).withSettle(settle), hooks)) {
            CompletableFuture<Void> builds = Scenarios.inBackground(() -> {
                for (int i = 0; i < 10; i++) {
                    renameIntoPlace(variant(lang, i % 2 == 0 ? "v2" : "v3"), watched); // ends on v3
                    Thread.sleep(5);
                }
                return null;
            });
            while (!builds.isDone()) {
                host.reloadIfChanged();
            }
            builds.join();
            host.reloadIfChanged();
            assertEquals(3, foo(host), "ends on the last version");
            assertTrue(hooks.swapped.size() <= 3, "the settle time skipped most of the ten: " + hooks.order);
            update(host);
            assertEquals(2, host.state().frame());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    default void wrongAbiAndMissingFooAndAMissingDependencyAreRefused(Lang lang, @TempDir Path dir) throws Exception {
        Path watched = watchedIn(dir);
        RecordingHooks hooks = new RecordingHooks();
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            Map<String, String> expected = Map.of("abi2", "abi_version() returned 2", "nofoo", "foo()",
                    "needsdep", System.mapLibraryName("hotlib_gone"));
            for (String bad : List.of("abi2", "nofoo", "needsdep")) {
                renameIntoPlace(variant(lang, bad), watched);
                assertFalse(host.reloadIfChanged(), bad);
                assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains(expected.get(bad)), bad + ": " + hooks.refused.get(hooks.refused.size() - 1));
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
        try (Host<S> host = host(options(watched), hooks)) {
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
        try (Host<S> host = hostRunningV1(lang, watched, options(watched), hooks)) {
            renameIntoPlace(variant(lang, "v2"), watched, "rw-rw-rw-");
            assertFalse(host.reloadIfChanged());
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("other users can write"), hooks.refused.get(hooks.refused.size() - 1));
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("hotlib.trustWritable"), "says how to opt in");
            assertEquals(1, foo(host));

            Files.setPosixFilePermissions(watched, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertFalse(host.reloadIfChanged());
            assertTrue(hooks.refused.get(hooks.refused.size() - 1).contains("its folder"), hooks.refused.get(hooks.refused.size() - 1));
        }
        try (Host<S> trusting = host(options(watched).withTrustWritable(true), new RecordingHooks())) {
            assertTrue(trusting.reloadIfChanged(), "loaded when the user opts in");
            assertEquals(2, foo(trusting));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
