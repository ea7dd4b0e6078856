package dev.manycore.messaging;

/**
 * Something an engine runs on a simulated core: a fleet server, a client generator, a test probe.
 * The engine calls {@link #doWork()} in a duty cycle, in the Agrona style, and decides how to wait
 * when no agent of a worker did any work. An agent gets everything it may use (time, sending,
 * receiving, names) from the {@link AgentContext} its factory received; it holds no lock, starts no
 * thread and reads no wall clock, so the same agent runs on the threaded and the simulated engine.
 *
 * <p>Thread-safety: the engine calls an agent's methods from one thread at a time, with
 * happens-before between calls, so an agent needs no synchronisation of its own.
 */
public interface Agent {

    /**
     * Does a bounded amount of work: receive some messages, handle them, send replies.
     * <b>Return a positive count whenever work was done or is pending</b> (for example a send that
     * answered FULL and must be retried): an engine may park a worker whose agents all return 0
     * until a message arrives or a requested {@link AgentContext#wakeAt(long) wake-up time} passes.
     *
     * @return the amount of work done, 0 when idle
     */
    int doWork();

    /** Called once, on the agent's thread, after the engine stops calling {@link #doWork()}. */
    default void onClose() {
    }

    /** @return a short name for logs and reports */
    default String roleName() {
        return getClass().getSimpleName();
    }
}
