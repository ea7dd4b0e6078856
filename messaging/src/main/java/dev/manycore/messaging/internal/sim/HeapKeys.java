package dev.manycore.messaging.internal.sim;

/**
 * The comparison shared by the simulation's two 4-ary heaps ({@link EventQueue}, {@link RunQueue}, the
 * far future of the {@link EventWheel}),
 * whose keys are (time, sequence) pairs side by side in one {@code long[]}: slot i's time at
 * {@code 2i}, its sequence at {@code 2i + 1}.
 *
 * <p>Choosing the least of four children is where a heap spends its branch mispredictions: which
 * child wins is a coin toss. When the four times differ pairwise where it matters, the choice is
 * made by two independent minimum-of-two selections and one final one, written so that the JIT can
 * compile them to conditional moves; equal times (decided by sequence) take the exact loop.
 *
 * <p>Stateless.
 */
final class HeapKeys {

    private HeapKeys() {
    }

    /**
     * @param k     the keys
     * @param first the first child's slot, below {@code n}
     * @param n     the heap's size
     * @return the slot of the least child, by time then sequence
     */
    static int minChild(long[] k, int first, int n) {
        if (first + 4 <= n) {
            int f = 2 * first;
            long t0 = k[f];
            long t1 = k[f + 2];
            long t2 = k[f + 4];
            long t3 = k[f + 6];
            long m01 = Math.min(t0, t1);
            long m23 = Math.min(t2, t3);
            if (t0 != t1 && t2 != t3 && m01 != m23) {
                int b01 = t1 < t0 ? first + 1 : first;
                int b23 = t3 < t2 ? first + 3 : first + 2;
                return m23 < m01 ? b23 : b01;
            }
        }
        int best = first;
        long bt = k[2 * first];
        long bs = k[2 * first + 1];
        int last = Math.min(first + 4, n);
        for (int c = first + 1; c < last; c++) {
            long ct = k[2 * c];
            if (ct < bt || (ct == bt && k[2 * c + 1] < bs)) {
                best = c;
                bt = ct;
                bs = k[2 * c + 1];
            }
        }
        return best;
    }

    /** @return true when (t1, s1) comes before (t2, s2) */
    static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }
}
