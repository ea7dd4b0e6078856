package dev.manycore.examples;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TourTest {

    @Test
    void tourPrintsTheChipTheDecisionsAndTheTraffic() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Tour.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("tsar 16x16: 256 clusters, 1024 cores"), out);
        assertTrue(out.contains("30 hops"), out);
        assertTrue(out.contains("opteron64: 8 clusters, 64 cores"), out);
        assertTrue(out.contains("This host:"), out);
        assertTrue(out.contains("thread 19 -> "), out);
        assertTrue(out.contains("pages       64 members"), out);
        assertTrue(out.contains("names        2 members"), out);
        assertTrue(out.contains("processes    1 members"), out);
        assertTrue(out.contains("User threads never run on these 67 cores"), out);
        assertTrue(out.contains("24 of 24 took their pages in their own cluster"), out);
        assertTrue(out.contains("40005 primes below 480000"), out);
        assertTrue(out.contains("exited with code 0"), out);
        assertTrue(out.contains("kernel report: tsar 16x16"), out);
        assertTrue(out.contains("processes alive: 0"), out);
        assertTrue(out.contains("local share of pages taken by user threads: 1.000"), out);
        assertTrue(out.contains("== 6. the same program in virtual time"), out);
        assertTrue(out.contains("run 2, seed 7: exit code 0"), out);
        assertTrue(out.contains("Same seed, same run: equal virtual time and trace hash"), out);
    }

    @Test
    void examplesUseOnlyExportedApi() {
        noClasses().that().resideInAPackage("dev.manycore.examples..")
                .should().dependOnClassesThat().resideInAPackage("dev.manycore..internal..")
                .because("examples show what an embedding program can do with the public API")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.manycore.examples"));
    }
}
