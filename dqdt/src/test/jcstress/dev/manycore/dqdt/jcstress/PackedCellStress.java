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
 * A start and an exit race on an idle core, two levels below the root. When the exit's climb gets
 * ahead of the start's, the packed cells (busy * 2^32 + threads) go below zero on the way and must
 * borrow and carry back exactly; an exit that finds the core idle is refused and undone. Either way
 * the root's threads and busy cores end equal to the core's count.
 */
@JCStressTest
@Description("Start and exit race on an idle core: the packed thread and busy counts borrow and carry back exactly")
@Outcome(id = {"0, 0, 0", "1, 1, 1"}, expect = Expect.ACCEPTABLE, desc = "the root agrees with the core")
@Outcome(expect = Expect.FORBIDDEN, desc = "a packed count was corrupted or lost")
@State
public class PackedCellStress {

    private final Dqdt dqdt = Dqdt.of(Topology.tsar(4, 4));
    private final Topology topology = dqdt.topology();

    @Actor
    public void start() {
        dqdt.threadStarted(topology.core(0));
    }

    @Actor
    public void exit() {
        try {
            dqdt.threadExited(topology.core(0));
        } catch (IllegalStateException refused) {
            // The exit came first: the core held no thread, and the refusal undid its count.
        }
    }

    @Arbiter
    public void arbiter(JJJ_Result r) {
        int root = dqdt.shape().root();
        r.r1 = dqdt.threads(topology.core(0));
        r.r2 = dqdt.indicators().threads(root);
        r.r3 = dqdt.indicators().busyCores(root);
    }
}
