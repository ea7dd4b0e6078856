package dev.manycore.numa;

import java.util.Objects;

/**
 * Turns hops and bytes into time and energy on one {@link Topology}: what a message or a memory
 * access costs. The simulated engine charges these costs in virtual time; reports use them to put
 * energy on traffic ("energy by moved bit").
 *
 * <p>The model is linear, as in transaction-level NoC models: a message costs
 * {@code fixed + hops * perHop + bytes * perByte} nanoseconds and {@code 8 * bytes * hops * energyPerBitHop}
 * picojoules; a memory access costs {@code local + hops * remotePerHop} nanoseconds. A message that
 * stays in its cluster (0 hops) moves no bit across the mesh and is charged no network energy.
 *
 * <p>Immutable and thread-safe.
 *
 * @see #tsar()
 * @see #host()
 */
public final class CostModel {

    private final Topology topology;
    private final double messageFixedNanos;
    private final double perHopNanos;
    private final double perByteNanos;
    private final double localMemoryNanos;
    private final double remoteMemoryPerHopNanos;
    private final double energyPerBitHopPicojoules;

    private CostModel(Builder b) {
        this.topology = b.topology;
        this.messageFixedNanos = b.messageFixedNanos;
        this.perHopNanos = b.perHopNanos;
        this.perByteNanos = b.perByteNanos;
        this.localMemoryNanos = b.localMemoryNanos;
        this.remoteMemoryPerHopNanos = b.remoteMemoryPerHopNanos;
        this.energyPerBitHopPicojoules = b.energyPerBitHopPicojoules;
    }

    /**
     * TSAR-like costs on {@link Topology#tsar()}. Sources and assumptions:
     * <ul>
     *   <li>fixed 400 ns per message: a software send and receive through kernel mailboxes, in the
     *       range of Barrelfish URPC (180 to 618 cycles) and L4 IPC (424 cycles) quoted in
     *       {@code reference/anchors.md}, at TSAR's clock of about 1 GHz;</li>
     *   <li>3 ns per hop: a DSPIN mesh router adds a few cycles per hop;</li>
     *   <li>0.25 ns per byte: 32-bit flits, one flit per cycle per link;</li>
     *   <li>memory 40 ns in the cluster plus 6 ns per hop (a request and a response cross every
     *       hop), since ALMOS notes that access time grows with the Manhattan distance;</li>
     *   <li>0.5 pJ per bit per hop: an assumed figure for a 2D-mesh link and router at 40 nm.</li>
     * </ul>
     * Use {@link #withTopology(Topology)} for another mesh.
     *
     * @return the model
     */
    public static CostModel tsar() {
        return builder(Topology.tsar()).messageFixedNanos(400).perHopNanos(3).perByteNanos(0.25)
                .localMemoryNanos(40).remoteMemoryPerHopNanos(6).energyPerBitHopPicojoules(0.5).build();
    }

    /**
     * Costs of the host on {@link Topology#host()}, from the figures of {@code reference/anchors.md}:
     * <ul>
     *   <li>fixed 220 ns per message: three cache-line transfers of 73 ns (the one-way latency
     *       measured with two Java threads on a virtualised Xeon), the floor for a mailbox send and
     *       receive;</li>
     *   <li>85 ns per hop: a cross-socket line transfer costs 108-136 ns against 20-51 ns in a socket;</li>
     *   <li>0.1 ns per byte: about 10 GB/s of copy bandwidth per core;</li>
     *   <li>memory 90 ns local plus 50 ns per hop, typical DRAM figures for two-socket servers;</li>
     *   <li>1 pJ per bit per hop: an assumed figure for an off-chip socket link.</li>
     * </ul>
     * These are starting points; the simulated engine's calibration refits them from threaded-engine
     * measurements.
     *
     * @return the model
     */
    public static CostModel host() {
        return builder(Topology.host()).messageFixedNanos(220).perHopNanos(85).perByteNanos(0.1)
                .localMemoryNanos(90).remoteMemoryPerHopNanos(50).energyPerBitHopPicojoules(1.0).build();
    }

    /**
     * @param topology the topology whose distances the model uses
     * @return a builder with every cost zero
     */
    public static Builder builder(Topology topology) {
        return new Builder(Objects.requireNonNull(topology, "topology"));
    }

    /**
     * @param other another topology
     * @return the same costs over {@code other}'s distances
     */
    public CostModel withTopology(Topology other) {
        return toBuilder(other).build();
    }

    /**
     * @param other the topology of the copy
     * @return a builder holding these costs
     */
    public Builder toBuilder(Topology other) {
        return builder(other).messageFixedNanos(messageFixedNanos).perHopNanos(perHopNanos)
                .perByteNanos(perByteNanos).localMemoryNanos(localMemoryNanos)
                .remoteMemoryPerHopNanos(remoteMemoryPerHopNanos).energyPerBitHopPicojoules(energyPerBitHopPicojoules);
    }

    /** @return the topology whose distances this model uses */
    public Topology topology() {
        return topology;
    }

    /**
     * @param from  the sender's cluster
     * @param to    the receiver's cluster
     * @param bytes the message size, 0 or more
     * @return the one-way latency in nanoseconds, rounded to the nearest
     * @throws IllegalArgumentException if a cluster is not in the topology or bytes is negative
     */
    public long messageLatency(ClusterId from, ClusterId to, int bytes) {
        return messageLatency(topology.distance(from, to), bytes);
    }

    /**
     * @param hops  the distance, 0 or more
     * @param bytes the message size, 0 or more
     * @return the one-way latency in nanoseconds, rounded to the nearest
     * @throws IllegalArgumentException if hops or bytes is negative
     */
    public long messageLatency(int hops, int bytes) {
        checkNonNegative("hops", hops);
        checkNonNegative("bytes", bytes);
        return Math.round(messageFixedNanos + hops * perHopNanos + bytes * perByteNanos);
    }

    /**
     * @param from  the sender's cluster
     * @param to    the receiver's cluster
     * @param bytes the message size, 0 or more
     * @return the network energy in picojoules
     * @throws IllegalArgumentException if a cluster is not in the topology or bytes is negative
     */
    public double messageEnergy(ClusterId from, ClusterId to, int bytes) {
        return messageEnergy(topology.distance(from, to), bytes);
    }

    /**
     * @param hops  the distance, 0 or more
     * @param bytes the message size, 0 or more
     * @return the network energy in picojoules
     * @throws IllegalArgumentException if hops or bytes is negative
     */
    public double messageEnergy(int hops, int bytes) {
        checkNonNegative("hops", hops);
        checkNonNegative("bytes", bytes);
        return 8.0 * bytes * hops * energyPerBitHopPicojoules;
    }

    /**
     * @param core    the core that reads or writes
     * @param cluster the cluster whose bank holds the memory
     * @return the access time in nanoseconds, rounded to the nearest
     * @throws IllegalArgumentException if an id is not in the topology
     */
    public long memoryAccess(CoreId core, ClusterId cluster) {
        int hops = topology.distance(topology.clusterOf(core), cluster);
        return Math.round(localMemoryNanos + hops * remoteMemoryPerHopNanos);
    }

    /** @return the fixed cost of a message, in nanoseconds */
    public double messageFixedNanos() {
        return messageFixedNanos;
    }

    /** @return the cost of one hop, in nanoseconds */
    public double perHopNanos() {
        return perHopNanos;
    }

    /** @return the cost of one byte, in nanoseconds */
    public double perByteNanos() {
        return perByteNanos;
    }

    /** @return a memory access in the requester's cluster, in nanoseconds */
    public double localMemoryNanos() {
        return localMemoryNanos;
    }

    /** @return what each hop adds to a memory access, in nanoseconds */
    public double remoteMemoryPerHopNanos() {
        return remoteMemoryPerHopNanos;
    }

    /** @return the energy to move one bit over one hop, in picojoules */
    public double energyPerBitHopPicojoules() {
        return energyPerBitHopPicojoules;
    }

    @Override
    public String toString() {
        return "CostModel[" + topology.name() + ": message " + messageFixedNanos + " ns + " + perHopNanos
                + " ns/hop + " + perByteNanos + " ns/B; memory " + localMemoryNanos + " ns + "
                + remoteMemoryPerHopNanos + " ns/hop; " + energyPerBitHopPicojoules + " pJ/bit/hop]";
    }

    private static void checkNonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " = " + value + " must not be negative");
        }
    }

    /** Builds a cost model; every cost must be finite and not negative. Not thread-safe. */
    public static final class Builder {
        private final Topology topology;
        private double messageFixedNanos;
        private double perHopNanos;
        private double perByteNanos;
        private double localMemoryNanos;
        private double remoteMemoryPerHopNanos;
        private double energyPerBitHopPicojoules;

        private Builder(Topology topology) {
            this.topology = topology;
        }

        /** @param ns fixed cost of any message @return this builder */
        public Builder messageFixedNanos(double ns) {
            this.messageFixedNanos = cost("messageFixedNanos", ns);
            return this;
        }

        /** @param ns cost of each hop @return this builder */
        public Builder perHopNanos(double ns) {
            this.perHopNanos = cost("perHopNanos", ns);
            return this;
        }

        /** @param ns cost of each byte @return this builder */
        public Builder perByteNanos(double ns) {
            this.perByteNanos = cost("perByteNanos", ns);
            return this;
        }

        /** @param ns a memory access in the local bank @return this builder */
        public Builder localMemoryNanos(double ns) {
            this.localMemoryNanos = cost("localMemoryNanos", ns);
            return this;
        }

        /** @param ns what each hop adds to a memory access @return this builder */
        public Builder remoteMemoryPerHopNanos(double ns) {
            this.remoteMemoryPerHopNanos = cost("remoteMemoryPerHopNanos", ns);
            return this;
        }

        /** @param pj energy per bit per hop @return this builder */
        public Builder energyPerBitHopPicojoules(double pj) {
            this.energyPerBitHopPicojoules = cost("energyPerBitHopPicojoules", pj);
            return this;
        }

        /** @return the model */
        public CostModel build() {
            return new CostModel(this);
        }

        private static double cost(String what, double value) {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException(what + " = " + value + " must be finite and not negative");
            }
            return value;
        }
    }
}
