package dev.manycore.numa;

/**
 * The id of a cluster (a NUMA node, or a tile of a mesh): a dense index from 0 to
 * {@link Topology#clusterCount()} - 1, so that per-cluster tables are arrays.
 *
 * <p>An id is only meaningful together with the {@link Topology} that issued it; a topology
 * validates the range of every id it is given.
 *
 * @param index the dense index, zero or more
 */
public record ClusterId(int index) implements Comparable<ClusterId> {

    /**
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public ClusterId {
        if (index < 0) {
            throw new IllegalArgumentException("cluster index " + index + " is negative: indexes start at 0");
        }
    }

    @Override
    public int compareTo(ClusterId other) {
        return Integer.compare(index, other.index);
    }

    @Override
    public String toString() {
        return "cluster" + index;
    }
}
