package dev.manycore.dqdt.jcstress;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.numa.Topology;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * A core holds one thread; a start and an exit race on it. Whatever their order, the core ends with
 * one thread, one busy core and no core with two threads: the saturation counts follow the
 * per-core getAndAdd transitions exactly.
 */
@JCStressTest
@Description("Start and exit race on a core with one thread: counts and saturation levels stay exact")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "one thread, one busy core, none with two")
@Outcome(expect = Expect.FORBIDDEN, desc = "a transition was lost or counted twice")
@State
public class StartExitRaceStress {

    private final Dqdt dqdt = Dqdt.of(Topology.tsar(2, 2));
    private final Topology topology = dqdt.topology();

    public StartExitRaceStress() {
        dqdt.threadStarted(topology.core(0));
    }

    @Actor
    public void start() {
        dqdt.threadStarted(topology.core(0));
    }

    @Actor
    public void exit() {
        dqdt.threadExited(topology.core(0));
    }

    @Arbiter
    public void arbiter(JJJ_Result r) {
        int root = dqdt.shape().root();
        r.r1 = dqdt.threads(topology.core(0));
        r.r2 = dqdt.indicators().coresWithAtLeast(root, 1);
        r.r3 = dqdt.indicators().coresWithAtLeast(root, 2);
    }
}
