package dev.manycore.messaging.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * An estimate of the bytes a message moves, for traffic accounting: a fixed envelope header plus
 * the payload's shallow size (object header and fields, compressed references), computed once per
 * class with a {@link ClassValue}; strings add their characters. The estimate is what a
 * message-passing machine would copy for the message, not the Java heap footprint of the object
 * graph: referenced objects are shared, not copied, between threads of one host.
 *
 * <p>Thread-safe.
 */
public final class PayloadSize {

    /** Sender, receiver, correlation id, send time, hops: the header every message carries. */
    public static final int ENVELOPE_HEADER_BYTES = 32;

    private static final ClassValue<Integer> SHALLOW = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return shallowSize(type);
        }
    };

    private PayloadSize() {
    }

    /**
     * @param payload a non-null payload
     * @return the bytes the message is charged for, header included
     */
    public static int bytes(Object payload) {
        int size = ENVELOPE_HEADER_BYTES + SHALLOW.get(payload.getClass());
        if (payload instanceof String s) {
            size += s.length();
        }
        return size;
    }

    private static int shallowSize(Class<?> type) {
        int size = 12;
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType();
                if (t == long.class || t == double.class) {
                    size += 8;
                } else if (t == int.class || t == float.class) {
                    size += 4;
                } else if (t == short.class || t == char.class) {
                    size += 2;
                } else if (t == byte.class || t == boolean.class) {
                    size += 1;
                } else {
                    size += 4;
                }
            }
        }
        return (size + 7) & ~7;
    }
}
