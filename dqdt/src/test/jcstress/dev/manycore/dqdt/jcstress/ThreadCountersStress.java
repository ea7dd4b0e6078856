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
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * Two threads start on two cores of one cluster at the same time: no update is lost on the way to
 * the root, for the thread count and for the busy-core count derived from the per-core counters.
 */
@JCStressTest
@Description("Concurrent thread starts on one cluster: the root counts both threads and both busy cores")
@Outcome(id = "2, 2", expect = Expect.ACCEPTABLE, desc = "both starts reached the root")
@Outcome(expect = Expect.FORBIDDEN, desc = "an update was lost")
@State
public class ThreadCountersStress {

    private final Dqdt dqdt = Dqdt.of(Topology.tsar(2, 2));
    private final Topology topology = dqdt.topology();

    @Actor
    public void first() {
        dqdt.threadStarted(topology.core(0));
    }

    @Actor
    public void second() {
        dqdt.threadStarted(topology.core(1));
    }

    @Arbiter
    public void arbiter(JJ_Result r) {
        int root = dqdt.shape().root();
        r.r1 = dqdt.indicators().threads(root);
        r.r2 = dqdt.indicators().busyCores(root);
    }
}
