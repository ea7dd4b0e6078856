package dev.manycore.fleets.internal.pages;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.messaging.Address;
import dev.manycore.fleets.MembershipView;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which member serves which banks (fos report 4.7.2: "each member owns the banks of its clusters";
 * ALMOS DQDT: 2x2 blocks of the mesh). The clusters are cut into groups of {@code K} nearby
 * clusters: on a mesh, consecutive runs of the Morton (Z) order of the cluster coordinates, which
 * for {@code K = 4} are exactly the DQDT's level-1 subtrees (2x2 blocks), for {@code K = 16} its
 * level-2 subtrees; on other topologies, greedily, each group the lowest unassigned cluster and
 * its {@code K - 1} nearest unassigned ones. Each group gets a home core inside it: the last core
 * of the group's most central cluster.
 *
 * <p>Assignment is a pure function of a membership view, so every member and every client derive
 * the same table from the same view without messages: a group is served by its home member when
 * that member is in the view, else by the live member nearest to the group (ties by address).
 *
 * <p>Immutable and thread-safe.
 */
public final class BankGroups {

    private final Topology topology;
    private final int[] groupOf;
    private final List<List<ClusterId>> groups;
    private final List<CoreId> homes;

    private BankGroups(Topology topology, int[] groupOf, List<List<ClusterId>> groups, List<CoreId> homes) {
        this.topology = topology;
        this.groupOf = groupOf;
        this.groups = groups;
        this.homes = homes;
    }

    /**
     * @param topology the machine
     * @param k        clusters per group, 1 or more
     * @return the groups
     */
    public static BankGroups of(Topology topology, int k) {
        List<ClusterId> order = new ArrayList<>(topology.clusters());
        if (topology.isMesh()) {
            order.sort(Comparator.comparingLong(c -> morton(topology.position(c))));
        }
        boolean[] taken = new boolean[topology.clusterCount()];
        int[] groupOf = new int[topology.clusterCount()];
        List<List<ClusterId>> groups = new ArrayList<>();
        if (topology.isMesh()) {
            for (int i = 0; i < order.size(); i += k) {
                groups.add(List.copyOf(order.subList(i, Math.min(order.size(), i + k))));
            }
        } else {
            for (ClusterId seed : order) {
                if (taken[seed.index()]) {
                    continue;
                }
                List<ClusterId> near = new ArrayList<>();
                for (ClusterId c : order) {
                    if (!taken[c.index()]) {
                        near.add(c);
                    }
                }
                near.sort(Comparator.comparingInt((ClusterId c) -> topology.distance(seed, c))
                        .thenComparingInt(ClusterId::index));
                List<ClusterId> group = List.copyOf(near.subList(0, Math.min(k, near.size())));
                for (ClusterId c : group) {
                    taken[c.index()] = true;
                }
                groups.add(group);
            }
        }
        List<CoreId> homes = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (ClusterId c : groups.get(g)) {
                groupOf[c.index()] = g;
            }
            homes.add(home(topology, groups.get(g)));
        }
        return new BankGroups(topology, groupOf, List.copyOf(groups), List.copyOf(homes));
    }

    private static CoreId home(Topology topology, List<ClusterId> group) {
        ClusterId best = group.getFirst();
        long bestSum = Long.MAX_VALUE;
        for (ClusterId c : group) {
            long sum = 0;
            for (ClusterId d : group) {
                sum += topology.distance(c, d);
            }
            if (sum < bestSum) {
                best = c;
                bestSum = sum;
            }
        }
        return topology.coresOf(best).getLast();
    }

    private static long morton(MeshPosition p) {
        long z = 0;
        for (int bit = 0; bit < 16; bit++) {
            z |= (long) ((p.x() >> bit) & 1) << (2 * bit);
            z |= (long) ((p.y() >> bit) & 1) << (2 * bit + 1);
        }
        return z;
    }

    /** @return the number of groups, which is the number of members */
    public int size() {
        return groups.size();
    }

    /** @return the groups, each a list of clusters */
    public List<List<ClusterId>> groups() {
        return groups;
    }

    /** @return the home core of each group, in group order */
    public List<CoreId> homes() {
        return homes;
    }

    /**
     * @param cluster a cluster
     * @return its group's index
     */
    public int groupOf(ClusterId cluster) {
        return groupOf[cluster.index()];
    }

    /**
     * The member that serves each cluster in a view.
     *
     * @param view a membership view (not empty)
     * @return per cluster index, the serving member's address; all null for an empty view
     */
    public Address[] assign(MembershipView view) {
        Address[] byCluster = new Address[topology.clusterCount()];
        if (view.members().isEmpty()) {
            return byCluster;
        }
        for (int g = 0; g < groups.size(); g++) {
            Address server = null;
            CoreId home = homes.get(g);
            for (Address a : view.members()) {
                if (a.core().equals(home)) {
                    server = a;
                    break;
                }
            }
            if (server == null) {
                server = nearest(view, topology.clusterOf(home));
            }
            for (ClusterId c : groups.get(g)) {
                byCluster[c.index()] = server;
            }
        }
        return byCluster;
    }

    /**
     * @param view    a view
     * @param cluster a cluster
     * @return the member of the view nearest to the cluster (ties: the lowest address), or null
     */
    public Address nearest(MembershipView view, ClusterId cluster) {
        return Nearest.among(topology, cluster, view.members());
    }

    /**
     * @param origin a cluster
     * @return every cluster, nearest to {@code origin} first (ties by index)
     */
    public ClusterId[] byDistance(ClusterId origin) {
        ClusterId[] all = topology.clusters().toArray(ClusterId[]::new);
        Arrays.sort(all, Comparator.comparingInt((ClusterId c) -> topology.distance(origin, c))
                .thenComparingInt(ClusterId::index));
        return all;
    }
}
