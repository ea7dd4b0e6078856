package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;

import java.nio.charset.StandardCharsets;

/**
 * The arithmetic of the simulation's trace hash: a running 64-bit hash folded over the fields of
 * every hand-over and fault transition (the multiply-rotate step of MurmurHash3's 64-bit mixing),
 * with class and address codes that are the same on every JVM and machine (no identity hash codes):
 * a class by the FNV-1a hash of its name, an address by its core and mailbox numbers.
 *
 * <p>Thread-safe; stateless apart from a per-class cache.
 */
final class TraceHash {

    private static final ClassValue<Long> CLASS_CODES = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            long h = 0xcbf29ce484222325L;
            for (byte b : type.getName().getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
            return h;
        }
    };

    private TraceHash() {
    }

    /**
     * @param hash  the hash so far
     * @param value the next field
     * @return the hash with the field folded in
     */
    static long mix(long hash, long value) {
        long k = value * 0x87c37b91114253d5L;
        k = Long.rotateLeft(k, 31) * 0x4cf5ad432745937fL;
        hash ^= k;
        return Long.rotateLeft(hash, 27) * 5 + 0x52dce729;
    }

    /** @return a machine-independent code for a class */
    static long of(Class<?> type) {
        return CLASS_CODES.get(type);
    }

    /** @return a machine-independent code for an address */
    static long of(Address address) {
        return (long) address.core().index() << 32 | address.mailbox();
    }
}
