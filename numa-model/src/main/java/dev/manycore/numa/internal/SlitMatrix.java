package dev.manycore.numa.internal;

import java.util.Arrays;

/**
 * A validated SLIT-style (ACPI System Locality Information Table) distance table, flattened, with
 * the hop count of every pair: the rank of its value among the distinct off-diagonal values, so a
 * table of 10/16/22 gives 0/1/2 hops. Immutable.
 */
public final class SlitMatrix {

    private final int n;
    private final int[] relative;
    private final int[] hops;
    private final int maxHops;

    private SlitMatrix(int n, int[] relative, int[] hops, int maxHops) {
        this.n = n;
        this.relative = relative;
        this.hops = hops;
        this.maxHops = maxHops;
    }

    /**
     * Checks that a table is non-empty, square, symmetric, non-negative, within size, and that
     * each diagonal entry is strictly the smallest of its row.
     *
     * @param d        the table
     * @param maxNodes the largest accepted size
     * @return {@code d}
     * @throws IllegalArgumentException naming the entry and the rule it breaks
     */
    public static int[][] validate(int[][] d, int maxNodes) {
        if (d == null || d.length == 0) {
            throw new IllegalArgumentException("distance matrix is empty: it needs at least one node");
        }
        Checks.range("distance matrix size", d.length, 1, maxNodes);
        for (int i = 0; i < d.length; i++) {
            if (d[i] == null || d[i].length != d.length) {
                throw new IllegalArgumentException("distance matrix is not square: row " + i + " has "
                        + (d[i] == null ? 0 : d[i].length) + " entries, expected " + d.length);
            }
        }
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (d[i][j] < 0) {
                    throw new IllegalArgumentException("distance [" + i + "][" + j + "] = " + d[i][j] + " is negative");
                }
                if (d[i][j] != d[j][i]) {
                    throw new IllegalArgumentException("distance matrix is not symmetric: [" + i + "][" + j + "] = "
                            + d[i][j] + " but [" + j + "][" + i + "] = " + d[j][i]);
                }
                if (i != j && d[i][j] <= d[i][i]) {
                    throw new IllegalArgumentException("distance [" + i + "][" + j + "] = " + d[i][j]
                            + " is not larger than the diagonal [" + i + "][" + i + "] = " + d[i][i]
                            + ": a node must be nearest to itself");
                }
            }
        }
        return d;
    }

    /**
     * @param d a table that passed {@link #validate(int[][], int)}
     * @return the matrix with hop ranks
     */
    public static SlitMatrix of(int[][] d) {
        int n = d.length;
        int[] relative = new int[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(d[i], 0, relative, i * n, n);
        }
        int[] remote = new int[n * n - n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    remote[k++] = d[i][j];
                }
            }
        }
        int[] distinct = Arrays.stream(remote).distinct().sorted().toArray();
        int[] hops = new int[n * n];
        int maxHops = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    int h = Arrays.binarySearch(distinct, d[i][j]) + 1;
                    hops[i * n + j] = h;
                    maxHops = Math.max(maxHops, h);
                }
            }
        }
        return new SlitMatrix(n, relative, hops, maxHops);
    }

    /** @return the number of nodes */
    public int size() {
        return n;
    }

    /**
     * @param a a node
     * @param b a node
     * @return the hop rank between them, 0 when {@code a == b}
     */
    public int hops(int a, int b) {
        return hops[a * n + b];
    }

    /**
     * @param a a node
     * @param b a node
     * @return the table value between them
     */
    public int relative(int a, int b) {
        return relative[a * n + b];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlitMatrix m && Arrays.equals(relative, m.relative);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(relative);
    }

    /** @return the largest hop rank */
    public int maxHops() {
        return maxHops;
    }
}
