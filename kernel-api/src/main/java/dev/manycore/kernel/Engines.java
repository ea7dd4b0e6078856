package dev.manycore.kernel;

/**
 * The engines a kernel can run on, for {@link KernelBuilder#engine(KernelEngine)}:
 * {@code KernelBuilder.create().topology(t).engine(Engines.simulated(7)).start()}. Thread-safe (no
 * state).
 */
public final class Engines {

    private Engines() {
    }

    /** @return the threaded engine (the default): host threads, the host's clock */
    public static KernelEngine.Threaded threaded() {
        return new KernelEngine.Threaded();
    }

    /**
     * @param seed the simulated engine's seed: the same seed, topology, settings and programs give
     *             the same run (the same {@link KernelReport}, the same trace hash)
     * @return the simulated engine: deterministic virtual time, user threads one at a time
     */
    public static KernelEngine.Simulated simulated(long seed) {
        return new KernelEngine.Simulated(seed, KernelEngine.Simulated.DEFAULT_HAND_OFF_TIMEOUT);
    }
}
