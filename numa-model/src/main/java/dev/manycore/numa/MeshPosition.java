package dev.manycore.numa;

/**
 * The coordinates of a cluster in a 2D mesh. {@code x} is the column and {@code y} the row; the
 * mesh position index used by {@link Topology.MeshBuilder#without(int...)} is {@code y * width + x}.
 *
 * @param x the column, from 0
 * @param y the row, from 0
 */
public record MeshPosition(int x, int y) {

    /**
     * @throws IllegalArgumentException if a coordinate is negative
     */
    public MeshPosition {
        if (x < 0 || y < 0) {
            throw new IllegalArgumentException("mesh position (" + x + ", " + y + ") has a negative coordinate");
        }
    }

    /**
     * Manhattan distance in hops, the distance TSAR and ALMOS use.
     *
     * @param other another position
     * @return {@code |x - other.x| + |y - other.y|}
     */
    public int hopsTo(MeshPosition other) {
        return Math.abs(x - other.x) + Math.abs(y - other.y);
    }

    @Override
    public String toString() {
        return "(" + x + ", " + y + ")";
    }
}
