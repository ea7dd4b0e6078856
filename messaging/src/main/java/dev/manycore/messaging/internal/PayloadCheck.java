package dev.manycore.messaging.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Set;

/**
 * Decides, once per class, whether instances of a class may cross a mailbox: nothing mutable
 * crosses, which is what isolates fleet servers from each other (ARCHITECTURE.md, "Payloads are
 * immutable"). The verdict is cached in a {@link ClassValue}, so after the first message of a class
 * the check is one lookup that the JIT reduces to a few loads.
 *
 * <p>Accepted: strings, boxed primitives, enums, the immutable value types of this module, and
 * records whose component types are all accepted, primitive, or interfaces/abstract types (whose
 * runtime values are checked when they themselves are sent, not deeply: the check is per class).
 * Refused: arrays, and every other class, including records with an array or a mutable concrete
 * class among their components. Also accepted: classes marked with
 * {@link dev.manycore.messaging.ImmutablePayload} whose instance fields, up the hierarchy, are all
 * final.
 *
 * <p>Thread-safe and stateless apart from the cache.
 */
public final class PayloadCheck {

    private static final Set<Class<?>> VALUE_TYPES = Set.of(
            String.class, Boolean.class, Byte.class, Short.class, Character.class, Integer.class, Long.class,
            Float.class, Double.class, java.math.BigInteger.class, java.math.BigDecimal.class,
            java.time.Instant.class, java.time.Duration.class, java.util.UUID.class,
            dev.manycore.messaging.Address.class, dev.manycore.messaging.Name.class,
            dev.manycore.numa.CoreId.class, dev.manycore.numa.ClusterId.class);

    /** null means accepted; otherwise the reason for refusing. */
    private static final ClassValue<String> VERDICTS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return verdict(type, 0);
        }
    };

    private PayloadCheck() {
    }

    /**
     * @param payload a non-null payload
     * @throws IllegalArgumentException naming the class and why it is refused
     */
    public static void requireImmutable(Object payload) {
        String reason = VERDICTS.get(payload.getClass());
        if (reason != null) {
            throw new IllegalArgumentException("payload class " + payload.getClass().getName()
                    + " is not immutable (" + reason + "): payloads are records, enums, strings or boxed primitives");
        }
    }

    /**
     * @param type a class
     * @return true when instances may cross a mailbox in checked mode
     */
    public static boolean isImmutable(Class<?> type) {
        return VERDICTS.get(type) == null;
    }

    private static String verdict(Class<?> type, int depth) {
        if (type.isPrimitive() || VALUE_TYPES.contains(type) || type.isEnum()
                || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
            return null;
        }
        if (type.isArray()) {
            return "an array is mutable";
        }
        if (type.getName().startsWith("dev.manycore.messaging.internal.") && type.isRecord()) {
            return null;
        }
        if (depth > 16) {
            return "nesting deeper than 16 levels";
        }
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                Class<?> componentType = component.getType();
                if (componentType.isInterface() || (Modifier.isAbstract(componentType.getModifiers())
                        && !componentType.isArray() && !componentType.isPrimitive())
                        || componentType == Object.class || componentType == type) {
                    continue;
                }
                String reason = verdict(componentType, depth + 1);
                if (reason != null) {
                    return "component " + component.getName() + " of type " + componentType.getName() + ": " + reason;
                }
            }
            return null;
        }
        if (type.isAnnotationPresent(dev.manycore.messaging.ImmutablePayload.class)) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    int modifiers = field.getModifiers();
                    if (!Modifier.isStatic(modifiers) && !Modifier.isFinal(modifiers)) {
                        return "field " + c.getSimpleName() + "." + field.getName() + " is not final";
                    }
                }
            }
            return null;
        }
        return "not a record, enum, string or boxed primitive";
    }
}
