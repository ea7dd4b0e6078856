package dev.manycore.kernel;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine a kernel runs on, chosen with {@link KernelBuilder#engine(KernelEngine)}; build one
 * with {@link Engines}. Immutable.
 */
public sealed interface KernelEngine permits KernelEngine.Threaded, KernelEngine.Simulated {

    /**
     * The threaded engine (the default): fleets on {@link KernelBuilder#workers(int) host threads},
     * user threads on virtual threads, time from the host's clock.
     */
    record Threaded() implements KernelEngine {
    }

    /**
     * The simulated engine: fleets and user threads in deterministic virtual time on the thread that
     * calls the kernel, one at a time (see {@link KernelBuilder}, "Engines").
     *
     * @param seed           the engine's seed (the fleets' seed is {@link KernelBuilder#seed(long)})
     * @param handOffTimeout the host time a user thread may run without reaching a syscall before
     *                       the engine stops it as blocked outside its syscalls, positive
     */
    record Simulated(long seed, Duration handOffTimeout) implements KernelEngine {

        /** The default hand-off timeout. */
        public static final Duration DEFAULT_HAND_OFF_TIMEOUT = Duration.ofSeconds(10);

        /**
         * @throws IllegalArgumentException if the timeout is not 1 ms to one day
         */
        public Simulated {
            Objects.requireNonNull(handOffTimeout, "handOffTimeout is null");
            if (handOffTimeout.toMillis() < 1 || handOffTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("handOffTimeout = " + handOffTimeout + ": must be 1 ms to one day");
            }
        }

        /**
         * @param timeout the host time a user thread may run between two syscalls before it is
         *                stopped, 1 ms to one day (default 10 s)
         * @return this choice with that timeout
         */
        public Simulated withHandOffTimeout(Duration timeout) {
            return new Simulated(seed, timeout);
        }
    }
}
