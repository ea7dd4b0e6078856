package dev.manycore.fleets.names;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.internal.names.NameReplica;
import dev.manycore.fleets.internal.names.PublishedNames;
import dev.manycore.messaging.NameResolver;
import dev.manycore.numa.Topology;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The name service fleet (fos paper 3.4, fos report 4.7.1): every member holds the whole table
 * (fos report 4.8.2), updates commit on all members with two-phase commit, reads are served by the
 * member nearest to the client, and the fleet registers its own members under
 * {@value #SELF_NAME}. {@code /sys} is claimed at boot by the owner {@code "sys"}.
 *
 * <p>Start it with {@link #builder(Engine)}; talk to it through a {@link NameServiceClient}.
 * Thread-safe.
 */
public final class NameService {

    /** The name of the fleet's own members. */
    public static final String SELF_NAME = "/sys/names";

    private final Engine engine;
    private final Fleet fleet;

    private NameService(Engine engine, Fleet fleet) {
        this.engine = engine;
        this.fleet = fleet;
    }

    /**
     * @param engine the engine the members run on
     * @return a builder
     */
    public static Builder builder(Engine engine) {
        return new Builder(Objects.requireNonNull(engine, "engine is null"));
    }

    /** @return the fleet of replicas (grow, shrink, views, loads) */
    public Fleet fleet() {
        return fleet;
    }

    /** @return the name the fleet registers its members under */
    public static Name selfName() {
        return NameReplica.SELF;
    }

    /**
     * Makes the engine-level resolver that the name service keeps current: give it to the engine
     * ({@code ThreadedEngine.Builder.nameResolver}) when building it, and to
     * {@link Builder#publishTo} when starting the service. Agents' sends by name
     * ({@code AgentContext.send(Name, ...)}) then resolve through it on a cache miss, and the
     * service invalidates their cores' caches when a name is deleted or moved.
     *
     * @param topology the engine's topology
     * @return the resolver, empty until the service publishes to it
     */
    public static NameResolver newResolver(Topology topology) {
        return new PublishedNames(Objects.requireNonNull(topology, "topology is null"));
    }

    /**
     * Opens a client on a core for an owner: its lookups are answered by the member nearest to
     * that core, fill that core's name cache, and its updates are made in the owner's name.
     *
     * @param core  the client's core
     * @param owner the owner of the names and namespaces it registers and claims, not blank
     * @return the client
     */
    public NameServiceClient client(CoreId core, String owner) {
        return new NameServiceClient(Client.open(engine, core), fleet, owner, Duration.ofMillis(500),
                Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return "NameService[" + fleet + "]";
    }

    /** Configures a name service fleet. Not thread-safe. */
    public static final class Builder {
        private final Engine engine;
        private final Fleet.Builder fleet;
        private PublishedNames published;
        private long retransmitNanos = NameReplica.DEFAULT_RETRANSMIT_NANOS;
        private int maxWatchersPerName = NameReplica.DEFAULT_MAX_WATCHERS;

        private Builder(Engine engine) {
            this.engine = engine;
            this.fleet = Fleet.builder(engine, "names",
                    () -> new NameReplica(published, retransmitNanos, maxWatchersPerName));
        }

        /**
         * Bounds the requesters a member remembers per name, to invalidate their name caches when
         * the name is deleted or moved. A lookup by a new requester beyond the bound fails with
         * {@link NameWatchersFullException} (the member cannot promise to invalidate its cache).
         *
         * @param max the bound per name and member, positive (default
         *            {@value dev.manycore.fleets.internal.names.NameReplica#DEFAULT_MAX_WATCHERS})
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxWatchersPerName(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxWatchersPerName " + max + " is not positive");
            }
            this.maxWatchersPerName = max;
            return this;
        }

        /**
         * Bounds the messages each member queues for one destination whose mailbox is full.
         *
         * @param max the bound, positive
         * @return this builder
         * @see Fleet.Builder#outboxBound(int)
         */
        public Builder outboxBound(int max) {
            fleet.outboxBound(max);
            return this;
        }

        /**
         * @param resolver a resolver made by {@link NameService#newResolver}, given to the engine
         * @return this builder
         * @throws IllegalArgumentException if the resolver was not made by {@link NameService#newResolver}
         */
        public Builder publishTo(NameResolver resolver) {
            if (!(resolver instanceof PublishedNames p)) {
                throw new IllegalArgumentException("resolver " + resolver + " was not made by NameService.newResolver:"
                        + " the name service can only keep its own resolver current");
            }
            this.published = p;
            return this;
        }

        /**
         * @param cores the first members' cores
         * @return this builder
         * @see Fleet.Builder#cores(List)
         */
        public Builder cores(List<CoreId> cores) {
            fleet.cores(cores);
            return this;
        }

        /**
         * @param dqdt the machine's DQDT
         * @param size the number of first members
         * @return this builder
         * @see Fleet.Builder#placement(Dqdt, int)
         */
        public Builder placement(Dqdt dqdt, int size) {
            fleet.placement(dqdt, size);
            return this;
        }

        /**
         * @param heartbeat    the heartbeat period; also the period at which a member sends an
         *                     unanswered message of the two-phase commit again (default 50 ms)
         * @param suspectAfter the silence after which a member is suspected
         * @return this builder
         * @see Fleet.Builder#failureDetection(Duration, Duration)
         */
        public Builder failureDetection(Duration heartbeat, Duration suspectAfter) {
            fleet.failureDetection(heartbeat, suspectAfter);
            this.retransmitNanos = heartbeat.toNanos();
            return this;
        }

        /**
         * @param seed the members' seed
         * @return this builder
         */
        public Builder seed(long seed) {
            fleet.seed(seed);
            return this;
        }

        /** @return the started service (its members serve once the engine runs) */
        public NameService start() {
            return new NameService(engine, fleet.start());
        }
    }
}
