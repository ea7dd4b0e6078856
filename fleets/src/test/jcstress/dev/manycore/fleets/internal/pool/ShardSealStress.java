package dev.manycore.fleets.internal.pool;

import dev.manycore.messaging.Address;
import dev.manycore.numa.CoreId;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The ownership guard of a dPool shard: the owner takes the one element while an adopter seals the
 * shard. Either the owner took it and the adopter sees it gone, or the adopter got it and the owner
 * is fenced, or the adopter found the owner busy and will retry; never both, never neither.
 */
@JCStressTest
@Description("Shard guard: an owner's change and an adopter's seal never both win, and the seal sees the change")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "owner took it; adopter sealed after and sees it gone")
@Outcome(id = "-1, 1", expect = Expect.ACCEPTABLE, desc = "adopter sealed first and got it; owner fenced")
@Outcome(id = "1, -2", expect = Expect.ACCEPTABLE, desc = "owner busy; adopter retries later")
@Outcome(expect = Expect.FORBIDDEN, desc = "duplicated, lost, or a fenced owner without a seal")
@State
public class ShardSealStress {

    private final Shard<Long> shard = new Shard<>(new Address(new CoreId(0), 1));

    public ShardSealStress() {
        shard.elements.add(7L);
    }

    @Actor
    public void owner(II_Result r) {
        if (shard.open()) {
            Long e = shard.elements.pollFirst();
            shard.close();
            r.r1 = e == null ? 0 : 1;
        } else {
            r.r1 = -1;
        }
    }

    @Actor
    public void adopter(II_Result r) {
        Shard.Seal seal = shard.trySeal(new Address(new CoreId(1), 1));
        r.r2 = switch (seal) {
            case SEALED_BY_CALLER -> shard.elements.size();
            case BUSY -> -2;
            case ALREADY_SEALED -> -3;
        };
    }
}
