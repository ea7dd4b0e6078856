package dev.manycore.dqdt.jcstress;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.numa.Topology;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two placers ask for a core at once on a cluster with two idle cores. Both see core 0 as the
 * least loaded; the optimistic reservation (increment, verify, roll back, retry) sends the loser to
 * core 1, so they never share a core while another is idle.
 */
@JCStressTest
@Description("Concurrent placeThread on two idle cores: the reservation never piles both on one core")
@Outcome(id = {"0, 1", "1, 0"}, expect = Expect.ACCEPTABLE, desc = "one thread per core")
@Outcome(expect = Expect.FORBIDDEN, desc = "both threads on one core")
@State
public class ReservationStress {

    private final Dqdt dqdt = Dqdt.of(Topology.mesh(1, 1).coresPerCluster(2).build());
    private final Topology topology = dqdt.topology();

    @Actor
    public void first(II_Result r) {
        r.r1 = dqdt.placeThread(topology.cluster(0)).orElseThrow().index();
    }

    @Actor
    public void second(II_Result r) {
        r.r2 = dqdt.placeThread(topology.cluster(0)).orElseThrow().index();
    }
}
