package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settle time on a clock of the test's own: time passes only while the watcher sleeps, and the writers' steps
 * that fall due meanwhile happen then, in order, on real files. So each interleaving of a writer and the watcher
 * is exact, whatever the machine's load.
 */
class LibraryWatcherTest {
    private static final Duration SETTLE = Duration.ofMillis(120);

    @TempDir
    Path dir;

    /** A file step: a write, a rename. */
    private interface Step {
        void run() throws IOException;
    }

    /** Time that passes only when the watcher sleeps; the steps due by the end of a sleep run during it. */
    private static final class FakeTime implements InstantSource, LibraryWatcher.Sleeper {
        private record Due(Instant at, long order, Step step) {}

        private final PriorityQueue<Due> due = new PriorityQueue<>(
                (a, b) -> a.at.equals(b.at) ? Long.compare(a.order, b.order) : a.at.compareTo(b.at));
        private final List<Duration> slept = new ArrayList<>();
        private Instant now = Instant.EPOCH;
        private long scheduled;

        @Override
        public Instant instant() {
            return now;
        }

        /** Runs {@code step} once {@code after} has passed from the start. */
        void at(Duration after, Step step) {
            due.add(new Due(Instant.EPOCH.plus(after), scheduled++, step));
        }

        /** Runs the steps due at time zero, before the first poll. */
        void start() throws IOException {
            runDueBy(now);
        }

        boolean stepsLeft() {
            return !due.isEmpty();
        }

        @Override
        public void sleep(Duration period) {
            slept.add(period);
            Instant until = now.plus(period);
            try {
                runDueBy(until);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            now = until;
        }

        private void runDueBy(Instant until) throws IOException {
            while (!due.isEmpty() && !due.peek().at.isAfter(until)) {
                Due next = due.poll();
                now = next.at;
                next.step.run();
            }
        }
    }

    private final FakeTime time = new FakeTime();

    private Path file() {
        return dir.resolve("libwatched.so");
    }

    private LibraryWatcher watcher(Duration settle) {
        return new LibraryWatcher(file(), settle, true, time);
    }

    /** A version the watcher reported, with what the file held then and when. */
    private record Reported(byte[] bytes, Instant at) {}

    /**
     * Polls as the host does, once per {@code interval} until no writer's step is left and the file has been
     * reported since: each version the watcher reports settled is read at once, as the host copies it, and taken.
     */
    private List<Reported> pollUntilWritersAreDone(LibraryWatcher watcher, Duration interval) throws Exception {
        List<Reported> reported = new ArrayList<>();
        time.start();
        for (int poll = 0; poll < 1000; poll++) {
            FileIdentity settled = watcher.settle(watcher.inspect());
            if (settled != null) {
                reported.add(new Reported(Files.readAllBytes(file()), time.instant()));
                watcher.take(settled);
            } else if (!time.stepsLeft() && !reported.isEmpty()) {
                return reported;
            }
            time.sleep(interval);
        }
        throw new AssertionError("the writers never ended");
    }

    private static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    /** Puts {@code bytes} at {@code target} the way an atomic build does: write beside it, then rename. */
    private static void renameIntoPlace(byte[] bytes, Path target) throws IOException {
        Path temp = Files.write(target.resolveSibling(target.getFileName() + ".tmp"), bytes);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aFileWrittenInChunksIsReportedOnlyWholeAndOnlyOnceItHeldStillForTheSettleTime() throws Exception {
        byte[] whole = bytes(12 * 1000, 7);
        Duration pause = SETTLE.dividedBy(4);
        for (int chunk = 0; chunk < 12; chunk++) {  // truncated, then rewritten in place, as GNU ld does
            byte[] part = Arrays.copyOfRange(whole, chunk * 1000, (chunk + 1) * 1000);
            StandardOpenOption how = chunk == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
            time.at(pause.multipliedBy(chunk),
                    () -> Files.write(file(), part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, how));
        }
        Instant lastWrite = Instant.EPOCH.plus(pause.multipliedBy(11));

        List<Reported> reported = pollUntilWritersAreDone(watcher(SETTLE), Duration.ofMillis(100));

        assertEquals(1, reported.size(), "reported once");
        assertArrayEquals(whole, reported.get(0).bytes(), "never half-written");
        assertTrue(!reported.get(0).at().isBefore(lastWrite.plus(SETTLE)),
                "held still for the settle time after the last write: reported at " + reported.get(0).at());
    }

    @Test
    void tenReplacementsWithinASettlePeriodEndOnTheLastAloneAndNoneBeforeIsReported() throws Exception {
        Duration settle = Duration.ofMillis(400);
        List<byte[]> builds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] build = bytes(1000 + i, i);  // each of another size: an inode number may be reused at once
            builds.add(build);
            time.at(Duration.ofMillis(5L * i), () -> renameIntoPlace(build, file()));
        }

        List<Reported> reported = pollUntilWritersAreDone(watcher(settle), Duration.ofMillis(100));

        assertEquals(1, reported.size(), "the settle time skipped all but the last");
        assertArrayEquals(builds.get(9), reported.get(0).bytes());
    }

    @Test
    void aFileThatNeverHoldsStillBlocksOnePollForTenSettlePeriodsAndIsReportedOnceItDoes() throws Exception {
        renameIntoPlace(bytes(100, 1), file());
        LibraryWatcher watcher = watcher(SETTLE);
        for (int i = 1; i <= 15; i++) {  // grows every 100 ms, for 1.5 s
            time.at(Duration.ofMillis(100L * i), () -> Files.write(file(), new byte[] {1}, StandardOpenOption.APPEND));
        }

        assertNull(watcher.settle(watcher.inspect()), "still changing after the longest wait: next poll");
        assertEquals(LibraryWatcher.MAX_SETTLE_ROUNDS, time.slept.size());
        assertTrue(time.slept.stream().allMatch(SETTLE::equals), time.slept.toString());
        assertEquals(Instant.EPOCH.plus(SETTLE.multipliedBy(LibraryWatcher.MAX_SETTLE_ROUNDS)), time.instant());

        FileIdentity settled = watcher.settle(watcher.inspect());
        assertNotNull(settled, "held still after its last write, at 1.5 s");
        assertEquals(100 + 15, Files.size(file()));
        assertEquals(watcher.current(), settled);
    }

    @Test
    void aZeroSettleTimeReportsAtOnceAndATakenVersionIsNotReportedAgain() throws Exception {
        Files.writeString(file(), "v1", StandardCharsets.US_ASCII);
        LibraryWatcher watcher = watcher(Duration.ZERO);
        FileIdentity settled = watcher.settle(watcher.inspect());
        assertEquals(watcher.current(), settled);
        watcher.take(settled);
        assertNull(watcher.settle(watcher.inspect()), "taken: not reported again");
        assertEquals(List.of(), time.slept, "nothing waited for");

        LibraryWatcher settling = watcher(SETTLE);
        settling.take(settling.current());
        assertNull(settling.settle(settling.inspect()));
        assertEquals(List.of(), time.slept, "a taken version is not waited for");
    }
}
