package dev.manycore.numa.internal;

/** Draws topologies as text for {@code Topology.describe()}. */
public final class TopologyPicture {

    private TopologyPicture() {
    }

    /**
     * Appends a grid, row y = 0 first, one cell per mesh position holding its core count, or
     * {@code --} for a dead cluster.
     *
     * @param out        where to write
     * @param width      columns
     * @param height     rows
     * @param coreCounts per position index {@code y * width + x}: cores, or -1 when dead
     */
    public static void mesh(StringBuilder out, int width, int height, int[] coreCounts) {
        int cell = Math.max(3, String.valueOf(width - 1).length() + 1);
        out.append(" ".repeat(5));
        for (int x = 0; x < width; x++) {
            out.append(pad(String.valueOf(x), cell));
        }
        out.append("   (x)\n");
        for (int y = 0; y < height; y++) {
            out.append(pad("y" + y, 5));
            for (int x = 0; x < width; x++) {
                int cores = coreCounts[y * width + x];
                out.append(pad(cores < 0 ? "--" : String.valueOf(cores), cell));
            }
            out.append('\n');
        }
        out.append("cells: cores per cluster; --: dead cluster; distance: Manhattan hops\n");
    }

    /**
     * Appends the relative distance table with each node's core count.
     *
     * @param out        where to write
     * @param matrix     the table
     * @param coreCounts cores per node
     */
    public static void matrix(StringBuilder out, SlitMatrix matrix, int[] coreCounts) {
        int n = matrix.size();
        int cell = 5;
        out.append(pad("node", 6)).append(pad("cores", 7));
        for (int j = 0; j < n; j++) {
            out.append(pad(String.valueOf(j), cell));
        }
        out.append('\n');
        for (int i = 0; i < n; i++) {
            out.append(pad(String.valueOf(i), 6)).append(pad(String.valueOf(coreCounts[i]), 7));
            for (int j = 0; j < n; j++) {
                out.append(pad(String.valueOf(matrix.relative(i, j)), cell));
            }
            out.append('\n');
        }
        out.append("cells: relative (SLIT) distance; hops = rank among distinct remote values, 0 to ")
           .append(matrix.maxHops()).append('\n');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : " ".repeat(width - s.length()) + s;
    }
}
