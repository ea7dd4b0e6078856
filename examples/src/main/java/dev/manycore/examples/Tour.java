package dev.manycore.examples;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;

/**
 * The tour that the README runs first: what a 1024-core TSAR-like chip looks like to manycore,
 * how far apart its clusters are, and what a message between them costs. Later stages of the
 * project extend it to fleets, the DQDT and user processes.
 */
public final class Tour {

    private Tour() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Topology chip = Topology.tsar();
        System.out.println("== manycore tour: the machine ==");
        System.out.print(chip.describe());

        CostModel cost = CostModel.tsar();
        ClusterId corner = chip.clusterAt(0, 0).orElseThrow();
        System.out.println();
        System.out.println("From " + corner + " at " + chip.position(corner) + ", a 64-byte message costs:");
        for (int[] xy : new int[][] {{0, 0}, {1, 0}, {1, 1}, {4, 3}, {8, 8}, {15, 15}}) {
            ClusterId to = chip.clusterAt(xy[0], xy[1]).orElseThrow();
            System.out.printf("  to %-11s at %-8s %2d hops  %4d ns  %7.1f pJ%n", to, new MeshPosition(xy[0], xy[1]),
                    chip.distance(corner, to), cost.messageLatency(corner, to, 64), cost.messageEnergy(corner, to, 64));
        }

        Topology opteron = Topology.opteron64();
        System.out.println();
        System.out.println("== a socket machine for comparison ==");
        System.out.print(opteron.describe());

        Topology host = Topology.host();
        System.out.println();
        System.out.println("== this host ==");
        System.out.print(host.describe());
    }
}
