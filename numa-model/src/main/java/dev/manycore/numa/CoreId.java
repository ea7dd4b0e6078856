package dev.manycore.numa;

/**
 * The id of a core: a dense index from 0 to {@link Topology#coreCount()} - 1. Cores are numbered
 * cluster by cluster, so the cores of one cluster have consecutive indexes.
 *
 * <p>On the host topology a core also maps to a host CPU number ({@link Topology#hostCpu(CoreId)}),
 * which need not equal the index.
 *
 * @param index the dense index, zero or more
 */
public record CoreId(int index) implements Comparable<CoreId> {

    /**
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public CoreId {
        if (index < 0) {
            throw new IllegalArgumentException("core index " + index + " is negative: indexes start at 0");
        }
    }

    @Override
    public int compareTo(CoreId other) {
        return Integer.compare(index, other.index);
    }

    @Override
    public String toString() {
        return "core" + index;
    }
}
