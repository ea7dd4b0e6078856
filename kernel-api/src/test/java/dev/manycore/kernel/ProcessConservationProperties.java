package dev.manycore.kernel;

import dev.manycore.numa.Topology;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a group of processes does (pages taken and freed, threads, names, exit codes), once they
 * have all ended every kernel counter is where it was, and no two live processes shared a PID.
 */
class ProcessConservationProperties {

    private static Kernel threaded;
    private static Kernel simulated;

    @BeforeContainer
    static void boot() {
        threaded = boot(Engines.threaded());
        simulated = boot(Engines.simulated(17));
    }

    private static Kernel boot(KernelEngine engine) {
        return KernelBuilder.create().topology(Topology.tsar(2, 2)).processManagers(2).maxProcesses(16).engine(engine)
                .start();
    }

    @AfterContainer
    static void shutdown() {
        threaded.close();
        simulated.close();
    }

    /**
     * One process's script, from one int per step: 0 take pages, 1 free the last pages taken, 2 run
     * a thread that takes a page, 3 register a name, 4 exit with a code.
     */
    private static Program script(List<Integer> steps, int id) {
        return ctx -> {
            Syscalls sys = ctx.syscalls();
            List<Pages> held = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                int step = steps.get(i);
                switch (step % 5) {
                    case 0 -> held.add(sys.allocPages(1 + step % 7));
                    case 1 -> {
                        if (!held.isEmpty()) {
                            sys.freePages(held.removeLast());
                        }
                    }
                    case 2 -> ctx.startThread(() -> ctx.syscalls().allocPages(1)).join();
                    case 3 -> sys.register("/prop/p" + id + "/n" + i);
                    default -> sys.exit(step % 100);
                }
            }
        };
    }

    private static int expectedCode(List<Integer> steps) {
        for (int step : steps) {
            if (step % 5 == 4) {
                return step % 100;
            }
        }
        return 0;
    }

    @Property(tries = 15)
    void everyCounterReturnsAfterAnyScripts(
            @ForAll @Size(min = 1, max = 6) List<@Size(max = 8) List<@IntRange(min = 0, max = 99) Integer>> scripts)
            throws Exception {
        check(threaded, scripts);
    }

    @Property(tries = 15)
    void everyCounterReturnsAfterAnyScriptsInVirtualTime(
            @ForAll @Size(min = 1, max = 6) List<@Size(max = 8) List<@IntRange(min = 0, max = 99) Integer>> scripts)
            throws Exception {
        check(simulated, scripts);
    }

    private static void check(Kernel kernel, List<List<Integer>> scripts) throws Exception {
        KernelCensus before = kernel.census();
        List<UserProcess> ps = new ArrayList<>();
        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < scripts.size(); i++) {
            UserProcess p = kernel.spawn(ProcessSpec.of("script-" + i, script(scripts.get(i), i)));
            assertTrue(pids.add(p.pid()), "PID " + p.pid() + " given twice among live processes");
            ps.add(p);
        }
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(expectedCode(scripts.get(i)), ps.get(i).waitFor(Duration.ofSeconds(60)));
        }
        KernelCensus after = kernel.census();
        // PIDs may still be moving between dPool partitions: let a few milliseconds of the kernel's time pass
        for (int tick = 0; tick < 6000 && after.pidsInTransit() > 0; tick++) {
            kernel.spawn(ProcessSpec.of("tick", ctx -> ctx.syscalls().sleep(Duration.ofMillis(5))))
                    .waitFor(Duration.ofSeconds(10));
            after = kernel.census();
        }
        assertEquals(before, after);
    }
}
