package dev.manycore.messaging.internal;

import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.Objects;

/** Checks that every engine's builder applies to its settings the same way. */
public final class EngineSettings {

    private EngineSettings() {
    }

    /**
     * @param topology  the engine's topology
     * @param costModel the cost model offered to the engine
     * @return {@code costModel}
     * @throws NullPointerException     if the model is null
     * @throws IllegalArgumentException if the model is for another topology (by {@link Topology#equals})
     */
    public static CostModel costModelFor(Topology topology, CostModel costModel) {
        if (!Objects.requireNonNull(costModel, "costModel is null").topology().equals(topology)) {
            throw new IllegalArgumentException("cost model for topology '" + costModel.topology().name()
                    + "' given to an engine on '" + topology.name() + "': use costModel.withTopology(topology)");
        }
        return costModel;
    }
}
