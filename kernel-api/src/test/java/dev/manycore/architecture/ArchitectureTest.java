package dev.manycore.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency rules of ARCHITECTURE.md, checked on the production classes of every library
 * module (kernel-api sees them all on its test class path).
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.manycore");
    }

    @Test
    void theImportSeesTheLibraryModules() {
        assertTrue(production.containPackage("dev.manycore.numa"), "numa-model classes are on the class path");
        assertTrue(production.contain(dev.manycore.numa.Topology.class));
    }

    @Test
    void numaModelDependsOnNoOtherModule() {
        classes().that().resideInAPackage("dev.manycore.numa..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.manycore.numa..", "java..", "org.slf4j..")
                .check(production);
    }

    @Test
    void dqdtDependsOnNumaModelOnly() {
        classes().that().resideInAPackage("dev.manycore.dqdt..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.manycore.dqdt..", "dev.manycore.numa..", "java..", "org.slf4j..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void messagingDependsOnNumaModelAndQueueLibrariesOnly() {
        classes().that().resideInAPackage("dev.manycore.messaging..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.manycore.messaging..", "dev.manycore.numa..", "java..", "org.slf4j..",
                        "org.jctools..", "org.agrona..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void fleetsNeverDependOnTheKernel() {
        noClasses().that().resideInAPackage("dev.manycore.fleets..")
                .should().dependOnClassesThat().resideInAPackage("dev.manycore.kernel..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void noLibraryModuleDependsOnExamplesOrBenchmarks() {
        noClasses().that().resideInAnyPackage("dev.manycore.numa..", "dev.manycore.messaging..",
                        "dev.manycore.dqdt..", "dev.manycore.fleets..", "dev.manycore.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.manycore.examples..", "dev.manycore.benchmarks..")
                .check(production);
    }

    @Test
    void internalPackagesAreUsedOnlyByTheirOwnModule() {
        for (String module : new String[] {"numa", "messaging", "dqdt", "fleets", "kernel"}) {
            noClasses().that().resideOutsideOfPackage("dev.manycore." + module + "..")
                    .should().dependOnClassesThat().resideInAPackage("dev.manycore." + module + ".internal..")
                    .allowEmptyShould(true)
                    .because("module-info exports API packages only")
                    .check(production);
        }
    }

    @Test
    void libraryCodeLogsInsteadOfPrinting() {
        noClasses().that().resideInAnyPackage("dev.manycore.numa..", "dev.manycore.messaging..",
                        "dev.manycore.dqdt..", "dev.manycore.fleets..", "dev.manycore.kernel..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .orShould().callMethod(Throwable.class, "printStackTrace")
                .because("library code logs through SLF4J only (CONVENTIONS.md)")
                .check(production);
    }

    /** Fleet code runs unchanged on the threaded and the simulated engine. */
    @TestFactory
    Stream<DynamicTest> fleetCodeUsesNoLocksThreadsClocksOrRandomness() {
        return ServerCodeRules.all("dev.manycore.fleets..").stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(production)));
    }
}
