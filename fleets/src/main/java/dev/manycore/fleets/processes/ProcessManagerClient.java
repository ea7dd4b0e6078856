package dev.manycore.fleets.processes;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.names.NameServiceException;
import dev.manycore.fleets.internal.processes.ProcessRequests.Exit;
import dev.manycore.fleets.internal.processes.ProcessRequests.Kill;
import dev.manycore.fleets.internal.processes.ProcessRequests.Migrate;
import dev.manycore.fleets.internal.processes.ProcessRequests.MigrationPlan;
import dev.manycore.fleets.internal.processes.ProcessRequests.MoveNames;
import dev.manycore.fleets.internal.processes.ProcessRequests.PagesChanged;
import dev.manycore.fleets.internal.processes.ProcessRequests.Publish;
import dev.manycore.fleets.internal.processes.ProcessRequests.RegisterName;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawn;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawned;
import dev.manycore.fleets.internal.processes.ProcessRequests.StartThread;
import dev.manycore.fleets.internal.processes.ProcessRequests.Stats;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadExited;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadMoved;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadPlaced;
import dev.manycore.fleets.internal.processes.ProcessRequests.WaitFor;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The typed, blocking stub of the process manager fleet (the process calls of libfos): each method
 * is one request from the client's core to a member, answered when the member is done (name
 * updates included). {@link #spawn} goes to the member nearest to the client; every other call
 * goes to the member in the {@link ProcessRef}.
 *
 * <p>Errors: {@link NoSuchProcessException} (unknown or exited PID), {@link OutOfPidsException},
 * {@link IllegalStateException} (a killed or exiting process may start nothing),
 * {@link IllegalArgumentException} (bad argument), the name service's exceptions for
 * {@link #registerName} ({@code NameTakenException}, {@code NamespaceOwnedException}, ...),
 * {@link dev.manycore.fleets.CallTimeoutException} when no answer comes in time.
 *
 * <p>Thread-safe; meant for user threads (virtual threads block cheaply).
 */
public final class ProcessManagerClient {

    private final Client client;
    private final Fleet fleet;
    private final Duration timeout;
    private final Topology topology;

    ProcessManagerClient(Client client, Fleet fleet, Duration timeout, Topology topology) {
        this.client = client;
        this.topology = topology;
        this.fleet = fleet;
        this.timeout = timeout;
    }

    /**
     * Spawns a process: a PID, a core chosen by the DQDT (among user cores), a record.
     *
     * @param name   the program's name, not blank
     * @param parent the parent's PID, 0 for the kernel
     * @param near   a cluster to place near, or null to place anywhere (from the DQDT's root)
     * @return the process and its main thread's core
     */
    public ProcessPlacement spawn(String name, long parent, ClusterId near) {
        Objects.requireNonNull(name, "process name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("process name is blank: name the program");
        }
        Address member = nearestMember();
        Spawned s = call(member, new Spawn(name, parent, near == null ? -1 : near.index()));
        return new ProcessPlacement(new ProcessRef(s.pid(), member, s.inc()), s.core());
    }

    /**
     * Registers {@code /proc/<pid>} for the process's main mailbox.
     *
     * @param p    the process
     * @param host the mailbox host holding its main mailbox
     */
    public void publish(ProcessRef p, Address host) {
        call(p.manager(), new Publish(p.pid(), p.incarnation(), Objects.requireNonNull(host, "host is null")));
    }

    /**
     * Registers a name of the process (owner {@code pid-<pid>}); it is deleted when the process exits.
     *
     * @param p    the process
     * @param name the name
     * @param host the mailbox host holding the mailbox the name is bound to
     */
    public void registerName(ProcessRef p, Name name, Address host) {
        Objects.requireNonNull(name, "name is null");
        try {
            client.waitFor(client.call(p.manager(), new RegisterName(p.pid(), p.incarnation(), name,
                    Objects.requireNonNull(host, "host is null")), timeout));
        } catch (RemoteFailureException e) {
            NameServiceException n = NameServiceException.rebuild(e.remoteType(), name, e.remoteMessage());
            throw n != null ? n : RemoteErrors.translate(e);
        } catch (RuntimeException e) {
            throw RemoteErrors.translate(e);
        }
    }

    /**
     * Reports pages taken (positive) or given back (negative).
     *
     * @param p       the process
     * @param cluster the cluster whose bank holds them
     * @param pages   the change
     * @param local   how many of them were in the cluster of the thread that took or gave them
     */
    public void pagesChanged(ProcessRef p, ClusterId cluster, int pages, int local) {
        call(p.manager(), new PagesChanged(p.pid(), p.incarnation(), cluster.index(), pages, local));
    }

    /**
     * @param p          the process
     * @param parentCore the starting thread's core
     * @return the new thread's id and the core the DQDT chose near the parent
     */
    public ThreadPlacement startThread(ProcessRef p, CoreId parentCore) {
        ThreadPlaced t = call(p.manager(), new StartThread(p.pid(), p.incarnation(), Objects.requireNonNull(parentCore, "core is null")));
        return new ThreadPlacement(t.tid(), t.core());
    }

    /**
     * @param p   the process
     * @param tid a thread that ended
     */
    public void threadExited(ProcessRef p, int tid) {
        call(p.manager(), new ThreadExited(p.pid(), p.incarnation(), tid));
    }

    /**
     * @param p   the process
     * @param tid a thread that moved at a safe point
     * @param to  its new core
     */
    public void threadMoved(ProcessRef p, int tid, CoreId to) {
        call(p.manager(), new ThreadMoved(p.pid(), p.incarnation(), tid, Objects.requireNonNull(to, "core is null")));
    }

    /**
     * Plans a migration: a user core of the target cluster for every live thread, least loaded first.
     *
     * @param p      the process
     * @param target the cluster
     * @return thread id to its new core, in thread order
     */
    public Map<Integer, CoreId> planMigration(ProcessRef p, ClusterId target) {
        MigrationPlan plan = call(p.manager(), new Migrate(p.pid(), p.incarnation(), Objects.requireNonNull(target, "cluster is null").index()));
        Map<Integer, CoreId> result = new LinkedHashMap<>();
        for (int i = 0; i < plan.tids().size(); i++) {
            result.put(plan.tids().get(i), plan.cores().get(i));
        }
        return result;
    }

    /**
     * Moves the process's names from one mailbox host to another (name service moves, so cached
     * lookups are invalidated and letters follow).
     *
     * @param p    the process
     * @param from the old host
     * @param to   the new host
     */
    public void moveNames(ProcessRef p, Address from, Address to) {
        call(p.manager(), new MoveNames(p.pid(), p.incarnation(), from, to));
    }

    /**
     * Marks the process killed; its threads stop at their next safe point.
     *
     * @param p the process
     */
    public void kill(ProcessRef p) {
        call(p.manager(), new Kill(p.pid(), p.incarnation()));
    }

    /**
     * Reports the process's end, after its pages and mailboxes were freed: the member deletes its
     * names, gives back its DQDT charges and its PID, and answers its waiters.
     *
     * @param p    the process
     * @param code its exit code
     * @return the final status
     */
    public ExitStatus exit(ProcessRef p, int code) {
        return call(p.manager(), new Exit(p.pid(), p.incarnation(), code));
    }

    /**
     * @param p    the process
     * @param wait how long to wait
     * @return its final status, or {@link ExitStatus#running} if it was still alive
     * @throws NoSuchProcessException if it was reaped already
     */
    public ExitStatus waitFor(ProcessRef p, Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait " + wait + " is negative");
        }
        return call(p.manager(), new WaitFor(p.pid(), p.incarnation(), wait.toNanos()), wait.plus(timeout));
    }

    /**
     * @param p the process
     * @return what its manager knows of it
     */
    public ProcessStatistics statistics(ProcessRef p) {
        return call(p.manager(), new Stats(p.pid(), p.incarnation()));
    }

    private <R> R call(Address member, Request<R> request) {
        return call(member, request, timeout);
    }

    private <R> R call(Address member, Request<R> request, Duration limit) {
        try {
            return client.waitFor(client.call(member, request, limit));
        } catch (RuntimeException e) {
            throw RemoteErrors.translate(e);
        }
    }

    private Address nearestMember() {
        Address best = Nearest.among(topology, topology.clusterOf(client.core()), fleet.members());
        if (best == null) {
            throw new IllegalStateException("the process manager fleet has no member");
        }
        return best;
    }

    @Override
    public String toString() {
        return "ProcessManagerClient[" + client.address() + "]";
    }
}
