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
        assertTrue(out.contains("20000 round trips"), out);
        assertTrue(out.contains("30 hops: 20000 messages"), out);
        assertTrue(out.contains("0 hops: 20000 messages"), out);
        assertTrue(out.contains("looks it up from his nearest replica: core476/mb1000"), out);
        assertTrue(out.contains("after a move, bob sees core240/mb1000; the old address redirects to core240/mb1000"), out);
        assertTrue(out.contains("NamespaceOwnedException"), out);
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
