package dev.manycore.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.MonitorInstruction;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The rules that keep server code runnable on both engines (ARCHITECTURE.md, "Keeping both honest"):
 * code under a package holds no monitor or lock, starts no thread, reads no clock and makes no
 * randomness of its own; it gets all of these from its ServerContext. Parameterised by package so a
 * test can prove each rule fails on code that breaks it.
 */
final class ServerCodeRules {

    /** Types whose use means owning a thread, a clock or a random source (locks: {@link #noLocks}). */
    private static final Set<String> FORBIDDEN_TYPES = Set.of(
            "java.lang.Thread", "java.lang.Thread$Builder", "java.lang.Thread$Builder$OfPlatform",
            "java.lang.Thread$Builder$OfVirtual", "java.util.concurrent.ThreadFactory",
            "java.util.concurrent.Executors", "java.util.concurrent.ExecutorService",
            "java.util.concurrent.ScheduledExecutorService", "java.util.concurrent.ForkJoinPool",
            "java.util.Random", "java.util.SplittableRandom", "java.security.SecureRandom",
            "java.util.concurrent.ThreadLocalRandom", "java.time.Clock", "java.util.Timer");

    private ServerCodeRules() {
    }

    /** @return every rule, for code under {@code pkg} (an ArchUnit package pattern such as {@code "dev.manycore.fleets.."}) */
    static List<ArchRule> all(String pkg) {
        return List.of(noSynchronizedMethods(pkg), noMonitorBlocks(pkg), noLocks(pkg), noForbiddenTypes(pkg),
                noClockReads(pkg), noMathRandom(pkg), noMonitorWaits(pkg));
    }

    static ArchRule noSynchronizedMethods(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should(new ArchCondition<>("declare synchronized methods") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (JavaMethod m : item.getMethods()) {
                    if (m.getModifiers().contains(JavaModifier.SYNCHRONIZED)) {
                        events.add(SimpleConditionEvent.satisfied(m, m.getFullName() + " is synchronized"));
                    }
                }
            }
        }).allowEmptyShould(true).because("server code is single-threaded; a monitor means shared state");
    }

    /** ArchUnit does not see synchronized blocks, so read the bytecode with the JDK's ClassFile API. */
    static ArchRule noMonitorBlocks(String pkg) {
        return classes().that().resideInAPackage(pkg).should(new ArchCondition<>("contain no synchronized block") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                ClassModel model = ClassFile.of().parse(bytes(item));
                for (MethodModel method : model.methods()) {
                    method.code().ifPresent(code -> checkCode(item, method, code, events));
                }
            }
        }).allowEmptyShould(true).because("server code is single-threaded; a monitor means shared state");
    }

    private static void checkCode(JavaClass item, MethodModel method, CodeModel code, ConditionEvents events) {
        boolean monitor = code.elementStream().anyMatch(e -> e instanceof MonitorInstruction);
        if (monitor) {
            events.add(SimpleConditionEvent.violated(item, item.getName() + "." + method.methodName().stringValue()
                    + " has a synchronized block"));
        }
    }

    static ArchRule noLocks(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat()
                .resideInAPackage("java.util.concurrent.locks..").allowEmptyShould(true)
                .because("server code holds no locks");
    }

    static ArchRule noForbiddenTypes(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat(
                DescribedPredicate.describe("are threads, executors, clocks or random sources",
                        (JavaClass c) -> FORBIDDEN_TYPES.contains(c.getName()))).allowEmptyShould(true)
                .because("threads, time and randomness come from the ServerContext, so the simulated engine can replay them");
    }

    static ArchRule noClockReads(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should(accessTo("read the wall clock", a ->
                (owner(a, "java.lang.System") && (name(a, "nanoTime") || name(a, "currentTimeMillis")))
                        || (name(a, "now") && a.getTargetOwner().getPackageName().equals("java.time"))))
                .allowEmptyShould(true).because("time comes from ServerContext.now()");
    }

    static ArchRule noMathRandom(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should(accessTo("call Math.random",
                a -> (owner(a, "java.lang.Math") || owner(a, "java.lang.StrictMath")) && name(a, "random")))
                .allowEmptyShould(true).because("randomness comes from the context's seeded source");
    }

    static ArchRule noMonitorWaits(String pkg) {
        return noClasses().that().resideInAPackage(pkg).should(accessTo("wait or notify on a monitor",
                a -> owner(a, "java.lang.Object") && (name(a, "wait") || name(a, "notify") || name(a, "notifyAll"))))
                .allowEmptyShould(true).because("server code never blocks its thread");
    }

    private static boolean owner(JavaAccess<?> a, String type) {
        return a.getTargetOwner().getName().equals(type);
    }

    private static boolean name(JavaAccess<?> a, String method) {
        return a.getName().equals(method);
    }

    private static ArchCondition<JavaClass> accessTo(String description, java.util.function.Predicate<JavaAccess<?>> bad) {
        return new ArchCondition<>(description) {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (JavaAccess<?> access : item.getAccessesFromSelf()) {
                    if (bad.test(access)) {
                        events.add(SimpleConditionEvent.satisfied(access, access.getDescription()));
                    }
                }
            }
        };
    }

    private static byte[] bytes(JavaClass item) {
        Source source = item.getSource().orElseThrow(() -> new IllegalStateException("no class file for " + item.getName()));
        try (InputStream in = source.getUri().toURL().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.getUri(), e);
        }
    }
}
