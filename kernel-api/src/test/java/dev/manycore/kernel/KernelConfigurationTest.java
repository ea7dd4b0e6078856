package dev.manycore.kernel;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every invalid setting fails at start() with a message that names the setting. */
class KernelConfigurationTest {

    private static void failsNaming(String setting, UnaryOperator<KernelBuilder> settings) {
        KernelBuilder b = settings.apply(KernelBuilder.create().topology(Topology.tsar(2, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::start);
        assertTrue(e.getMessage().contains(setting), "message should name " + setting + ": " + e.getMessage());
    }

    @Test
    void missingTopologyIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelBuilder.create().start());
        assertTrue(e.getMessage().contains("topology"), e.getMessage());
    }

    @Test
    void eachBadSettingIsNamed() {
        failsNaming("workers", b -> b.workers(0));
        failsNaming("nameServers", b -> b.nameServers(0));
        failsNaming("processManagers", b -> b.processManagers(0));
        failsNaming("pageClustersPerMember", b -> b.pageClustersPerMember(0));
        failsNaming("pageClustersPerMember", b -> b.pageClustersPerMember(5));
        failsNaming("pagePolicy", b -> b.pagePolicy(null));
        failsNaming("pageClientCache", b -> b.pageClientCache(-1));
        failsNaming("maxProcesses", b -> b.maxProcesses(0));
        failsNaming("pidPool", b -> b.pidPool(null));
        failsNaming("mailboxCapacity", b -> b.mailboxCapacity(0));
        failsNaming("callTimeout", b -> b.callTimeout(Duration.ZERO));
        failsNaming("exitGrace", b -> b.exitGrace(Duration.ofSeconds(-1)));
        failsNaming("fleetCores", b -> b.fleetCores(3));
        failsNaming("costModel", b -> b.costModel(dev.manycore.numa.CostModel.tsar()));
        failsNaming("engine", b -> b.engine(null));
        failsNaming("costModel", b -> b.engine(Engines.simulated(1)).costModel(dev.manycore.numa.CostModel.tsar()));
    }

    @Test
    void aHandOffTimeoutOutOfRangeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Engines.simulated(1).withHandOffTimeout(Duration.ZERO));
        assertTrue(e.getMessage().contains("handOffTimeout"), e.getMessage());
    }

    @Test
    void fleetsThatLeaveNoUserCoreAreRefused() {
        // tsar(1, 1): 4 cores; 2 name servers + 1 process manager + 1 page member would take them all.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelBuilder.create().topology(Topology.tsar(1, 1)).pageClustersPerMember(1).start());
        assertTrue(e.getMessage().contains("need 4 cores") && e.getMessage().contains("user threads"), e.getMessage());
    }
}
