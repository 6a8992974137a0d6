package dev.hotlib.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The share of an iteration's wall-clock time that the benchmark thread spent on a CPU, reported by JMH as a
 * secondary result of each iteration. The cores are shared with other work: a thread that waits for a core
 * makes every call look slower by the time it waited. The score times this share is the CPU time per call,
 * which such waits do not inflate. Call benchmarks take it as a parameter; it costs nothing per call.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuShare {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long wallStart;
    private long cpuStart;

    @Setup(Level.Iteration)
    public void start() {
        wallStart = System.nanoTime();
        cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Read by JMH at the end of the iteration's measured calls, on the benchmark thread. */
    public double cpuShare() {
        long wall = System.nanoTime() - wallStart;
        return wall <= 0 ? 1 : Math.min(1, (double) (THREADS.getCurrentThreadCpuTime() - cpuStart) / wall);
    }
}
