package dev.manycore.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.manycore.architecture.fixtures.bad.BlocksWithSynchronized;
import dev.manycore.architecture.fixtures.bad.CallsMathRandom;
import dev.manycore.architecture.fixtures.bad.MakesItsOwnRandom;
import dev.manycore.architecture.fixtures.bad.ReadsCurrentTimeMillis;
import dev.manycore.architecture.fixtures.bad.ReadsInstantNow;
import dev.manycore.architecture.fixtures.bad.ReadsNanoTime;
import dev.manycore.architecture.fixtures.bad.StartsAThread;
import dev.manycore.architecture.fixtures.bad.SynchronizedMethod;
import dev.manycore.architecture.fixtures.bad.UsesAReentrantLock;
import dev.manycore.architecture.fixtures.bad.UsesThreadLocalRandom;
import dev.manycore.architecture.fixtures.bad.WaitsOnAMonitor;
import dev.manycore.architecture.fixtures.good.ServerLikeCode;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fleet rules can fail: each catches the code it forbids and passes clean server-like code. */
class ServerCodeRulesTest {

    private static final String BAD = "dev.manycore.architecture.fixtures.bad..";

    private static void catches(Function<String, ArchRule> rule, Class<?> offender) {
        JavaClasses classes = new ClassFileImporter().importClasses(offender);
        EvaluationResult result = rule.apply(BAD).evaluate(classes);
        assertTrue(result.hasViolation(), rule.apply(BAD).getDescription() + " should reject " + offender.getSimpleName());
        assertTrue(result.getFailureReport().toString().contains(offender.getSimpleName()),
                result.getFailureReport().toString());
    }

    @Test
    void synchronizedMethodIsCaught() {
        catches(ServerCodeRules::noSynchronizedMethods, SynchronizedMethod.class);
    }

    @Test
    void synchronizedBlockIsCaughtInTheBytecode() {
        catches(ServerCodeRules::noMonitorBlocks, BlocksWithSynchronized.class);
    }

    @Test
    void lockIsCaught() {
        catches(ServerCodeRules::noLocks, UsesAReentrantLock.class);
    }

    @Test
    void threadIsCaught() {
        catches(ServerCodeRules::noForbiddenTypes, StartsAThread.class);
    }

    @Test
    void randomSourcesAreCaught() {
        catches(ServerCodeRules::noForbiddenTypes, MakesItsOwnRandom.class);
        catches(ServerCodeRules::noForbiddenTypes, UsesThreadLocalRandom.class);
        catches(ServerCodeRules::noMathRandom, CallsMathRandom.class);
    }

    @Test
    void clockReadsAreCaught() {
        catches(ServerCodeRules::noClockReads, ReadsNanoTime.class);
        catches(ServerCodeRules::noClockReads, ReadsCurrentTimeMillis.class);
        catches(ServerCodeRules::noClockReads, ReadsInstantNow.class);
    }

    @Test
    void monitorWaitIsCaught() {
        catches(ServerCodeRules::noMonitorWaits, WaitsOnAMonitor.class);
    }

    @Test
    void cleanServerCodePassesEveryRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(ServerLikeCode.class, ServerLikeCode.Request.class);
        for (ArchRule rule : ServerCodeRules.all("dev.manycore.architecture.fixtures.good..")) {
            EvaluationResult result = rule.evaluate(classes);
            assertFalse(result.hasViolation(), result.getFailureReport().toString());
        }
    }
}
