package dev.manycore.dqdt.jcstress;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.dqdt.Indicators;
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
 * With coarse quanta (every level-1 node passes changes on in steps of 16), two threads add and
 * remove threads in two blocks at once. Once they finish, the root is within its documented slack
 * of the exact total, and after {@code flush()} it is exact.
 */
@JCStressTest
@Description("Quantised propagation under concurrent updates: root within slack, exact after flush")
@Outcome(id = "1, 5", expect = Expect.ACCEPTABLE, desc = "within slack, then exact")
@Outcome(expect = Expect.FORBIDDEN, desc = "the staleness bound or flush is broken")
@State
public class QuantisedPropagationStress {

    private final Dqdt dqdt = Dqdt.builder(Topology.tsar(4, 4)).countDivisor(1).build();
    private final Topology topology = dqdt.topology();

    @Actor
    public void left() {
        for (int i = 0; i < 4; i++) {
            dqdt.threadStarted(topology.core(i));
        }
        dqdt.threadExited(topology.core(1));
    }

    @Actor
    public void right() {
        dqdt.threadStarted(topology.core(40));
        dqdt.threadStarted(topology.core(41));
        dqdt.threadExited(topology.core(40));
        dqdt.threadStarted(topology.core(63));
    }

    @Arbiter
    public void arbiter(JJ_Result r) {
        Indicators v = dqdt.indicators();
        int root = dqdt.shape().root();
        r.r1 = Math.abs(v.threads(root) - 5) <= v.threadSlack(root) ? 1 : 0;
        dqdt.flush();
        r.r2 = v.threads(root);
    }
}
