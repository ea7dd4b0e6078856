package dev.manycore.examples;

import dev.manycore.fleets.processes.UserPlacement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelJacobiTest {

    @Test
    void bothPlacementsRelaxTheSamePlateAndTheDqdtMovesFewerHopBytes() throws Exception {
        ParallelJacobi.Outcome dqdt = ParallelJacobi.run(UserPlacement.DQDT);
        ParallelJacobi.Outcome blind = ParallelJacobi.run(UserPlacement.ROUND_ROBIN);
        assertEquals(dqdt.mean(), blind.mean(), "the placement does not change the result");
        assertTrue(dqdt.mean() > 0.05 && dqdt.mean() < 0.5, "heat spread from the hot edge: " + dqdt.mean());
        assertEquals(1.0, dqdt.localShare(), "each strip's pages are in its thread's cluster");
        assertTrue(dqdt.meanHops() < blind.meanHops(), dqdt + " vs " + blind);
        assertTrue(dqdt.haloHopBytes() < blind.haloHopBytes(), dqdt + " vs " + blind);
    }
}
