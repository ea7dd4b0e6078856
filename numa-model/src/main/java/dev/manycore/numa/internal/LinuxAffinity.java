package dev.manycore.numa.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Downcalls to glibc's {@code sched_setaffinity} and {@code sched_getcpu}. The affinity mask is a
 * {@code cpu_set_t}: an array of 64-bit words, CPU {@code n} at bit {@code n % 64} of word
 * {@code n / 64}.
 */
public final class LinuxAffinity {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxAffinity.class);

    private final MethodHandle setAffinity;
    private final MethodHandle getCpu;
    private final VarHandle errnoHandle;
    private final long captureSize;

    private LinuxAffinity(MethodHandle setAffinity, MethodHandle getCpu, VarHandle errnoHandle, long captureSize) {
        this.setAffinity = setAffinity;
        this.getCpu = getCpu;
        this.errnoHandle = errnoHandle;
        this.captureSize = captureSize;
    }

    /** @return the downcalls, or empty when not on Linux or libc lacks them */
    public static Optional<LinuxAffinity> load() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Optional<MemorySegment> set = libc.find("sched_setaffinity");
            Optional<MemorySegment> get = libc.find("sched_getcpu");
            if (set.isEmpty() || get.isEmpty()) {
                return Optional.empty();
            }
            StructLayout capture = Linker.Option.captureStateLayout();
            MethodHandle setHandle = linker.downcallHandle(set.get(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS),
                    Linker.Option.captureCallState("errno"));
            MethodHandle getHandle = linker.downcallHandle(get.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
            VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            return Optional.of(new LinuxAffinity(setHandle, getHandle, errno, capture.byteSize()));
        } catch (RuntimeException | LinkageError e) {
            LOG.info("native CPU affinity unavailable: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * @param cpu      the CPU
     * @param cpuLimit the number of possible CPUs, which sizes the mask
     * @return 0 on success, else the errno of the refusal
     */
    public int pin(int cpu, int cpuLimit) {
        long words = Math.max(16, (cpuLimit + 63) / 64);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, words);
            mask.setAtIndex(ValueLayout.JAVA_LONG, cpu / 64, 1L << (cpu % 64));
            MemorySegment state = arena.allocate(captureSize);
            int rc = (int) setAffinity.invokeExact(state, 0, words * Long.BYTES, mask);
            return rc == 0 ? 0 : (int) errnoHandle.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity downcall failed", t);
        }
    }

    /** @return the current CPU, or -1 when the call fails */
    public int currentCpu() {
        try {
            return (int) getCpu.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getcpu downcall failed", t);
        }
    }
}
