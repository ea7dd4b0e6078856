package dev.manycore.fleets.internal.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.List;

/**
 * The engine resolver's invalidation handshake against a miss's clean-up. The name is not bound
 * yet. One requester resolves it. Meanwhile a second requester probes it (a miss, after which it
 * takes itself off the watchers, which may empty and unlink the set) and then a replica binds it.
 * Afterwards a replica deletes it (publish, then take the watchers). A requester that was handed
 * the binding must be among the watchers the delete took, and one that missed must have left no
 * watcher behind. Fails when the requester is added outside the map's atomic compute: it can land
 * in the set the probe's clean-up just unlinked, then read the new binding, and never be
 * invalidated. Outcome: (first requester got a binding, the delete took it).
 */
@JCStressTest
@Description("PublishedNames: a handed-out binding is always invalidated by the delete, despite a concurrent miss")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "resolved after the bind, invalidated by the delete")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "resolved before the bind: a miss, no watcher left")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "stale binding never invalidated")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "a miss left a watcher behind")
@State
public class PublishedNamesWatchStress {

    private static final Topology TOPOLOGY = Topology.mesh(2, 2).coresPerCluster(1).build();
    private static final Name NAME = Name.of("/svc");
    private static final Address SERVER = new Address(new CoreId(0), 1);
    private static final Address FIRST = new Address(new CoreId(1), 1);
    private static final Address SECOND = new Address(new CoreId(2), 1);

    private final PublishedNames names = new PublishedNames(TOPOLOGY);

    @Actor
    public void first(II_Result r) {
        r.r1 = names.resolve(NAME, FIRST).isPresent() ? 1 : 0;
    }

    @Actor
    public void probeThenBind() {
        names.resolve(NAME, SECOND);
        names.publish(NAME, List.of(SERVER), 1);
    }

    @Arbiter
    public void deleteAndTake(II_Result r) {
        names.publish(NAME, List.of(), 2);
        r.r2 = names.takeWatchers(NAME).contains(FIRST) ? 1 : 0;
    }
}
