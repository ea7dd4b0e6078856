package dev.manycore.messaging;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A fault the {@link SimulatedEngine} injects at a virtual time (fos report 3.2.4, fault
 * tolerance: servers and fleets must survive the failure of a core, slow links and overload). Each
 * kind says what senders and receivers observe; none ever loses a message silently.
 *
 * <ul>
 *   <li>{@link CrashAgent}, {@link CrashCore}: the agent (every agent of the core) stops at once,
 *       without {@link Agent#onClose()}. Its mailbox closes: later sends to it answer
 *       {@link SendStatus#CLOSED}; the messages queued in it or still in flight to it are counted as
 *       lost to the crash, per address, in {@link SimulationReport#lostToCrash()} (the contract of
 *       DELIVERED: "received exactly once unless the mailbox closes first"). Messages it sent before
 *       the crash are in the network and still arrive. Permanent; a crashed core takes no new agent.</li>
 *   <li>{@link DelayLink}: every message sent between the two clusters (both directions) while the
 *       fault lasts takes {@code extraNanos} longer; per-sender order is kept.</li>
 *   <li>{@link HoldMailboxFull}: while it lasts every send to the agent answers
 *       {@link SendStatus#FULL} (nothing enqueued; the sender may retry); messages already in flight
 *       still arrive.</li>
 *   <li>{@link Partition}: while it lasts, clusters in different groups cannot reach each other
 *       (clusters named in no group form one more group). A send across answers
 *       {@link SendStatus#CLOSED} at once, as for an unreachable mailbox (the sender's name cache
 *       re-resolves, a fleet suspects the member); a message already in flight across the cut when
 *       it opens is <em>held</em> at the cut and delivered when the partition heals, in its
 *       sender's order (it was accepted with DELIVERED, so it is not dropped).</li>
 * </ul>
 *
 * <p>Immutable values; validated at construction (times and durations) and again when scheduled
 * (ids must belong to the engine's topology, times must not be in the past).
 */
public sealed interface Fault permits Fault.CrashAgent, Fault.CrashCore, Fault.DelayLink, Fault.HoldMailboxFull,
        Fault.Partition {

    /** @return the virtual time, in nanoseconds, when the fault begins */
    long at();

    /** @return how long it lasts in nanoseconds; {@link Long#MAX_VALUE} for a permanent fault */
    long duration();

    /**
     * The agent at an address crashes.
     *
     * @param agent the agent's address
     * @param at    when, 0 or more
     */
    record CrashAgent(Address agent, long at) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public CrashAgent {
            Objects.requireNonNull(agent, "agent of a crash is null");
            checkTime(at);
        }

        @Override
        public long duration() {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Every agent on a core crashes, and the core takes no new agent.
     *
     * @param core the core
     * @param at   when, 0 or more
     */
    record CrashCore(CoreId core, long at) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public CrashCore {
            Objects.requireNonNull(core, "core of a crash is null");
            checkTime(at);
        }

        @Override
        public long duration() {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Messages between two clusters, in both directions, are slower for a while.
     *
     * @param a          one end of the link
     * @param b          the other end (may equal {@code a}: traffic inside one cluster)
     * @param extraNanos the added latency, 1 or more
     * @param at         when it begins, 0 or more
     * @param duration   how long it lasts, 1 or more
     */
    record DelayLink(ClusterId a, ClusterId b, long extraNanos, long at, long duration) implements Fault {
        /** @throws IllegalArgumentException if a time or the delay is out of range */
        public DelayLink {
            Objects.requireNonNull(a, "cluster a of a link delay is null");
            Objects.requireNonNull(b, "cluster b of a link delay is null");
            if (extraNanos < 1) {
                throw new IllegalArgumentException("link delay of " + extraNanos + " ns is not positive");
            }
            checkTime(at);
            checkDuration(duration);
        }
    }

    /**
     * An agent's mailbox refuses every send with FULL for a while.
     *
     * @param agent    the agent's address
     * @param at       when it begins, 0 or more
     * @param duration how long it lasts, 1 or more
     */
    record HoldMailboxFull(Address agent, long at, long duration) implements Fault {
        /** @throws IllegalArgumentException if a time is out of range */
        public HoldMailboxFull {
            Objects.requireNonNull(agent, "agent of a full mailbox is null");
            checkTime(at);
            checkDuration(duration);
        }
    }

    /**
     * Groups of clusters cut off from each other for a while.
     *
     * @param groups   disjoint, non-empty sets of clusters; clusters in no group form one more group
     * @param at       when it begins, 0 or more
     * @param duration how long it lasts, 1 or more
     */
    record Partition(List<Set<ClusterId>> groups, long at, long duration) implements Fault {
        /** @throws IllegalArgumentException if there is no group, a group is empty, groups overlap, or a time is out of range */
        public Partition {
            Objects.requireNonNull(groups, "groups of a partition are null");
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("partition with no group: name at least one group of clusters to cut off");
            }
            Set<ClusterId> seen = new HashSet<>();
            for (Set<ClusterId> g : groups) {
                if (g == null || g.isEmpty()) {
                    throw new IllegalArgumentException("partition group " + g + " is empty: every group holds a cluster");
                }
                for (ClusterId c : g) {
                    if (!seen.add(Objects.requireNonNull(c, "a cluster of a partition group is null"))) {
                        throw new IllegalArgumentException("cluster " + c + " is in two partition groups: groups are disjoint");
                    }
                }
            }
            groups = groups.stream().map(Set::copyOf).toList();
            checkTime(at);
            checkDuration(duration);
        }
    }

    private static void checkTime(long at) {
        if (at < 0) {
            throw new IllegalArgumentException("fault time " + at + " ns is negative: virtual time starts at 0");
        }
    }

    private static void checkDuration(long duration) {
        if (duration < 1) {
            throw new IllegalArgumentException("fault duration " + duration + " ns is not positive");
        }
    }
}
