package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.Request;
import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.fleets.processes.ProcessStatistics;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;

import java.util.List;

/**
 * The protocol of the process manager fleet (fos report 4.7.5): typed request and response
 * records, all immutable. Every request about a process goes to the member that spawned it (the
 * one whose address the {@link dev.manycore.fleets.processes.ProcessRef} carries) and names the
 * process by PID and incarnation, so a request about an ended process never reaches a newer
 * process that reuses its PID.
 */
public final class ProcessRequests {

    private ProcessRequests() {
    }

    /** Generic acknowledgement. */
    public record Done(long pid) {
    }

    /**
     * Spawns a process: a PID from the pool, a core from the DQDT (process placement), a record.
     *
     * @param name   the program's name
     * @param parent the parent's PID, 0 for the kernel
     * @param near   the cluster index to place near, or -1 for the whole machine
     */
    public record Spawn(String name, long parent, int near) implements Request<Spawned> {
    }

    /** A process was spawned: its PID and the core charged with its main thread. */
    public record Spawned(long pid, long inc, CoreId core) {
    }

    /** Registers {@code /proc/<pid>} for the process's main mailbox (kept on its core's host). */
    public record Publish(long pid, long inc, Address host) implements Request<Done> {
    }

    /** Registers a user name of a process, in the process's own name. */
    public record RegisterName(long pid, long inc, Name name, Address host) implements Request<Done> {
    }

    /** Pages were taken (positive) or given back (negative) in a cluster; {@code local} pages of them near the taker. */
    public record PagesChanged(long pid, long inc, int cluster, int pages, int local) implements Request<Done> {
    }

    /** Places a thread near its parent's core (thread placement) and charges it. */
    public record StartThread(long pid, long inc, CoreId parentCore) implements Request<ThreadPlaced> {
    }

    /** A thread's id and core. */
    public record ThreadPlaced(long pid, int tid, CoreId core) {
    }

    /** A thread ended. */
    public record ThreadExited(long pid, long inc, int tid) implements Request<Done> {
    }

    /** A thread reached a safe point and now runs on {@code to}. */
    public record ThreadMoved(long pid, long inc, int tid, CoreId to) implements Request<Done> {
    }

    /** Plans a migration of every thread of a process to a cluster. */
    public record Migrate(long pid, long inc, int cluster) implements Request<MigrationPlan> {
    }

    /** Where each thread goes (tid, core), in thread order. */
    public record MigrationPlan(long pid, List<Integer> tids, List<CoreId> cores) {
        /** Copies the lists. */
        public MigrationPlan {
            tids = List.copyOf(tids);
            cores = List.copyOf(cores);
        }
    }

    /** Moves every name of a process from one mailbox host to another. */
    public record MoveNames(long pid, long inc, Address from, Address to) implements Request<Done> {
    }

    /** Marks a process killed: its threads stop at their next safe point. */
    public record Kill(long pid, long inc) implements Request<Done> {
    }

    /** The process ended: free its names, DQDT charges and PID; answer its waiters. */
    public record Exit(long pid, long inc, int code) implements Request<ExitStatus> {
    }

    /** Waits up to {@code timeoutNs} for a process to exit. */
    public record WaitFor(long pid, long inc, long timeoutNs) implements Request<ExitStatus> {
    }

    /** Asks for a process's statistics. */
    public record Stats(long pid, long inc) implements Request<ProcessStatistics> {
    }

    /** Asks a member for its counters. */
    public record Census() implements Request<MemberCensus> {
    }

    /** One member's counters. */
    public record MemberCensus(int processes, int threads, int freePids, int pidsInTransit, long spawned, long exited) {
    }
}
