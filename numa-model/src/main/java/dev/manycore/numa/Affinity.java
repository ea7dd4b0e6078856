package dev.manycore.numa;

import dev.manycore.numa.internal.CpuList;
import dev.manycore.numa.internal.LinuxAffinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pins the calling platform thread to one host CPU and reads the CPU it runs on, through the
 * Foreign Function and Memory API ({@code sched_setaffinity(2)}, {@code sched_getcpu(3)} in libc).
 *
 * <p>On a system without those calls (not Linux) every method is a no-op that reports failure, and
 * that is logged once. The native calls are restricted methods: run with
 * {@code --enable-native-access=dev.manycore.numa} (or {@code ALL-UNNAMED} on the class path) to
 * avoid the JDK's warning.
 *
 * <p>Thread-safe: each call acts on the calling thread only.
 */
public final class Affinity {

    private static final Logger LOG = LoggerFactory.getLogger(Affinity.class);
    private static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");
    private static final Optional<LinuxAffinity> NATIVE = LinuxAffinity.load();
    private static final int CPU_LIMIT = cpuLimit();

    static {
        if (NATIVE.isEmpty()) {
            LOG.info("CPU affinity is not available on {} {}: pinning is a no-op",
                    System.getProperty("os.name"), System.getProperty("os.arch"));
        }
    }

    private Affinity() {
    }

    /** @return true when pinning and reading the CPU work on this system */
    public static boolean isSupported() {
        return NATIVE.isPresent();
    }

    /**
     * @return the number of CPU numbers this host may have (the highest possible CPU + 1); a CPU
     *         to pin to must be below it
     */
    public static int cpuLimit() {
        try {
            int[] cpus = CpuList.parse(Files.readString(POSSIBLE_CPUS));
            if (cpus.length > 0) {
                return cpus[cpus.length - 1] + 1;
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("cannot read {}: {}", POSSIBLE_CPUS, e.toString());
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Pins the calling thread to one CPU. Returns false, logged, when affinity is not supported or
     * the system refuses (the CPU is offline or outside this process's cpuset, or the call is not
     * permitted).
     *
     * @param cpu a host CPU number, 0 to {@link #cpuLimit()} - 1
     * @return true when the thread is now pinned to {@code cpu}
     * @throws IllegalArgumentException if no such CPU can exist on this host
     * @throws IllegalStateException    if called from a virtual thread, whose carrier is not its own
     */
    public static boolean pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_LIMIT) {
            throw new IllegalArgumentException("cpu " + cpu + " does not exist: this host has CPUs 0 to "
                    + (CPU_LIMIT - 1));
        }
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("cannot pin virtual thread " + Thread.currentThread()
                    + ": pin the platform thread that runs it");
        }
        if (NATIVE.isEmpty()) {
            return false;
        }
        int errno = NATIVE.get().pin(cpu, CPU_LIMIT);
        if (errno != 0) {
            LOG.warn("sched_setaffinity to CPU {} refused (errno {}): thread {} stays unpinned",
                    cpu, errno, Thread.currentThread().getName());
            return false;
        }
        return true;
    }

    /**
     * @return the host CPU the calling thread runs on at this instant, or -1 when unknown
     */
    public static int currentCpu() {
        return NATIVE.map(LinuxAffinity::currentCpu).orElse(-1);
    }
}
