package dev.manycore.kernel;

import dev.manycore.fleets.names.NameTableImage;
import dev.manycore.fleets.processes.MailboxCensus;
import dev.manycore.fleets.processes.ProcessCensus;
import dev.manycore.kernel.internal.KernelRuntime;
import dev.manycore.messaging.Address;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A running kernel (fos paper 3): a topology, an engine, the fleets on their dedicated cores, and
 * the user processes. Built by {@link KernelBuilder}. {@link #close()} stops the processes, then the
 * fleets and the engine's threads; after it every method but {@code close} throws
 * {@link IllegalStateException}.
 *
 * <p>Thread-safe.
 */
public final class Kernel implements AutoCloseable {

    private final KernelRuntime runtime;

    Kernel(KernelRuntime runtime) {
        this.runtime = runtime;
    }

    /** @return the machine */
    public Topology topology() {
        runtime.checkOpen();
        return runtime.topology();
    }

    /**
     * Spawns a process: the process manager fleet gives it a PID and a core (DQDT process
     * placement, never a fleet core), a mailbox registered as {@code /proc/<pid>}, its initial pages
     * near that core, and its main thread starts there.
     *
     * @param spec the program
     * @return the running process
     * @throws IllegalStateException if the kernel is closed
     */
    public UserProcess spawn(ProcessSpec spec) {
        Objects.requireNonNull(spec, "process spec is null");
        runtime.checkOpen();
        return runtime.spawn(spec, 0, runtime.spawnOrigin(spec.near()));
    }

    /** @return a report of what happened so far (fleets, traffic, pages, threads) */
    public KernelReport report() {
        runtime.checkOpen();
        return KernelReport.of(runtime);
    }

    /** @return each fleet's member cores, by fleet name ({@code names}, {@code pages}, {@code processes}) */
    public Map<String, List<CoreId>> fleetLayout() {
        runtime.checkOpen();
        return runtime.fleetLayout();
    }

    /** @return every core a fleet occupies: no user thread runs there */
    public Set<CoreId> fleetCores() {
        runtime.checkOpen();
        return runtime.fleetCores();
    }

    /**
     * Reads every process counter of the kernel and its fleets (blocking requests to each fleet
     * member and mailbox host).
     *
     * @return the counters
     */
    public KernelCensus census() {
        runtime.checkOpen();
        ProcessCensus pc = runtime.processManager().census(runtime.kernelClient());
        MailboxCensus mc = runtime.mailboxes().census(runtime.kernelClient());
        Address replica = runtime.names().fleet().members().getFirst();
        NameTableImage image = runtime.kernelNames().image(replica);
        long threads = 0;
        for (var c : runtime.topology().clusters()) {
            threads += runtime.dqdt().threads(c);
        }
        return new KernelCensus(runtime.processesAlive(), pc.processes(), pc.threads(), pc.freePids(),
                pc.pidsInTransit(), mc.open(), mc.forwards(), image.entries().size(), threads,
                runtime.pages().allocatedPages());
    }

    /**
     * Stops every process (killed, then waited for up to the exit grace each), drains the fleets and
     * stops the engine, releasing its threads. Idempotent.
     *
     * @throws IllegalStateException if called from a thread of a user process (it would wait for itself)
     */
    @Override
    public void close() {
        if (runtime.isClosed()) {
            return;
        }
        runtime.shutdown(runtime.exitGraceForClose());
    }

    @Override
    public String toString() {
        return "Kernel[" + runtime.topology().name() + (runtime.isClosed() ? ", closed" : "") + "]";
    }

}
