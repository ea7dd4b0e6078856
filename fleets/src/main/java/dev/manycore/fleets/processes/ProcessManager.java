package dev.manycore.fleets.processes;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.internal.processes.ProcessManagerMember;
import dev.manycore.fleets.internal.processes.ProcessRequests.Census;
import dev.manycore.fleets.internal.processes.ProcessRequests.MemberCensus;
import dev.manycore.fleets.internal.processes.UserCores;
import dev.manycore.fleets.names.NameService;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.fleets.pool.DPoolScheme;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process manager fleet (fos report 4.7.5, the Process Management Service): members on
 * dedicated cores hand out PIDs, place processes and threads with the DQDT on user cores only (space
 * sharing), keep each process's record (threads and their cores, pages by cluster, names), register
 * {@code /proc/<pid>} and the processes' own names in the name service, plan migrations, answer
 * waiters and free what they charged when a process exits. A process is managed by the member that
 * spawned it; its {@link ProcessRef} carries that member's address.
 *
 * <p>PIDs {@code 1..maxProcesses} live in a {@link dev.manycore.fleets.pool.DPool} (fos report
 * 4.7.5), split evenly between the first members; a member with none left takes from the others as
 * the pool's scheme says. A member added later by {@code fleet().grow()} starts with an empty
 * partition. A member that leaves ({@code fleet().shrink}) is frozen at a quiescent point and hands
 * its records and its PID partition to the coordinator of the next view; requests that still name
 * it are forwarded there, so its processes live on. A member that <em>fails</em> loses its records
 * (they are not replicated): its processes can no longer be reaped.
 *
 * <p>Talk to it through {@link #client(Client)}. Thread-safe.
 */
public final class ProcessManager {

    /** The owner of {@code /proc} and of every {@code /proc/<pid>} name. */
    public static final String OWNER = "processes";
    /** The namespace of process names. */
    public static final Name PROC = Name.of("/proc");

    private final Fleet fleet;
    private final int maxProcesses;
    private final Set<CoreId> reserved;
    private final Duration timeout;
    private final Topology topology;

    private ProcessManager(Fleet fleet, int maxProcesses, Set<CoreId> reserved, Duration timeout, Topology topology) {
        this.fleet = fleet;
        this.topology = topology;
        this.maxProcesses = maxProcesses;
        this.reserved = reserved;
        this.timeout = timeout;
    }

    /**
     * @param pid a PID
     * @return {@code /proc/<pid>}
     */
    public static Name procName(long pid) {
        return PROC.child(Long.toString(pid));
    }

    /**
     * @param engine the engine, started
     * @param dqdt   the machine's DQDT
     * @param names  the name service
     * @return a builder
     */
    public static Builder builder(Engine engine, Dqdt dqdt, NameService names) {
        return new Builder(engine, dqdt, names);
    }

    /** @return the fleet of members */
    public Fleet fleet() {
        return fleet;
    }

    /** @return the size of the PID space */
    public int maxProcesses() {
        return maxProcesses;
    }

    /** @return the cores user threads never run on (every fleet's cores) */
    public Set<CoreId> reservedCores() {
        return reserved;
    }

    /**
     * @param client the gateway of the requesting core
     * @return a stub whose requests come from that core
     */
    public ProcessManagerClient client(Client client) {
        return new ProcessManagerClient(Objects.requireNonNull(client, "client is null"), fleet, timeout, topology);
    }

    /**
     * Sums every member's counters (blocking).
     *
     * @param client a gateway to ask from
     * @return the census
     */
    public ProcessCensus census(Client client) {
        int processes = 0;
        int threads = 0;
        int free = 0;
        int transit = 0;
        long spawned = 0;
        long exited = 0;
        for (Address m : fleet.members()) {
            MemberCensus c = client.waitFor(client.call(m, new Census(), timeout));
            processes += c.processes();
            threads += c.threads();
            free += c.freePids();
            transit += c.pidsInTransit();
            spawned += c.spawned();
            exited += c.exited();
        }
        return new ProcessCensus(processes, threads, free, transit, spawned, exited);
    }

    @Override
    public String toString() {
        return "ProcessManager[" + fleet + "]";
    }

    /** Configures the fleet. Not thread-safe. */
    public static final class Builder {
        private final Engine engine;
        private final Dqdt dqdt;
        private final NameService names;
        private List<CoreId> cores;
        private final Set<CoreId> reserved = new LinkedHashSet<>();
        private int maxProcesses = 65_536;
        private Duration timeout = Duration.ofSeconds(30);
        private long seed = 7;
        private DPoolConfig pidPool = DPoolConfig.of(DPoolScheme.ON_DEMAND);
        private UserPlacement placement = UserPlacement.DQDT;

        private Builder(Engine engine, Dqdt dqdt, NameService names) {
            this.engine = Objects.requireNonNull(engine, "engine is null");
            this.dqdt = Objects.requireNonNull(dqdt, "dqdt is null");
            this.names = Objects.requireNonNull(names, "name service is null");
            if (!dqdt.topology().equals(engine.topology())) {
                throw new IllegalArgumentException("the DQDT covers " + dqdt.topology().name() + " but the engine runs "
                        + engine.topology().name() + ": both must describe the same machine");
            }
        }

        /**
         * @param cores the members' cores (they are reserved: no user thread runs there)
         * @return this builder
         * @throws IllegalArgumentException if empty or repeated (see {@link Fleet.Builder#cores})
         */
        public Builder cores(List<CoreId> cores) {
            if (cores.isEmpty() || Set.copyOf(cores).size() != cores.size()) {
                throw new IllegalArgumentException("process manager cores " + cores + ": at least one, none repeated");
            }
            for (CoreId c : cores) {
                engine.topology().core(c.index());
            }
            this.cores = List.copyOf(cores);
            return this;
        }

        /**
         * @param cores the cores of the other fleets, which user threads must not use either
         * @return this builder
         */
        public Builder reservedCores(Collection<CoreId> cores) {
            for (CoreId c : cores) {
                engine.topology().core(c.index());
            }
            reserved.addAll(cores);
            return this;
        }

        /**
         * @param max the size of the PID space, at least the number of members
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxProcesses(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxProcesses = " + max + " must be at least 1");
            }
            this.maxProcesses = max;
            return this;
        }

        /**
         * @param timeout how long a request (or a member's name update) may take, positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("process manager timeout " + timeout + " must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param config the PID pool's dPool scheme and settings (default: on demand, so PIDs move
         *               between members only when a member has none left)
         * @return this builder
         */
        public Builder pidPool(DPoolConfig config) {
            this.pidPool = Objects.requireNonNull(config, "PID pool config is null");
            return this;
        }

        /**
         * @param placement how processes and threads are placed on user cores (default {@link UserPlacement#DQDT})
         * @return this builder
         */
        public Builder placement(UserPlacement placement) {
            this.placement = Objects.requireNonNull(placement, "placement is null");
            return this;
        }

        /**
         * @param seed the members' seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Starts the members and claims {@code /proc} for {@value #OWNER} (blocking: the engine must
         * run and the name service must answer).
         *
         * @return the fleet
         * @throws IllegalStateException if no cores were given
         */
        public ProcessManager start() {
            if (cores == null) {
                throw new IllegalStateException("process manager: give cores(...)");
            }
            if (maxProcesses < cores.size()) {
                throw new IllegalArgumentException("maxProcesses = " + maxProcesses + " is below the " + cores.size()
                        + " members: each member needs a share of the PID space");
            }
            Set<CoreId> all = new LinkedHashSet<>(reserved);
            all.addAll(cores);
            UserCores user = new UserCores(dqdt, all, placement);
            int members = cores.size();
            long share = maxProcesses / members;
            AtomicInteger next = new AtomicInteger();
            DPoolDirectory<Long> directory = DPoolDirectory.create("pids");
            Fleet fleet = Fleet.builder(engine, "processes", () -> {
                int i = next.getAndIncrement();
                long first = 1 + i * share;
                long count = i >= members ? 0 : (i == members - 1 ? maxProcesses - i * share : share);
                List<Long> initial = new ArrayList<>();
                for (long p = first; p < first + count; p++) {
                    initial.add(p);
                }
                return new ProcessManagerMember(dqdt, user, names.fleet(), timeout, directory, pidPool, initial);
            }).cores(cores).seed(seed).start();
            names.client(cores.get(0), OWNER).withTimeouts(Duration.ofSeconds(5), timeout).blocking().claim(PROC);
            return new ProcessManager(fleet, maxProcesses, Set.copyOf(all), timeout, engine.topology());
        }
    }
}
