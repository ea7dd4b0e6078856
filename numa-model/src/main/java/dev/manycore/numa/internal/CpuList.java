package dev.manycore.numa.internal;

import java.util.Arrays;

/** Parses Linux CPU lists such as {@code 0-3,8,10-11} (sysfs {@code cpulist} files). */
public final class CpuList {

    private CpuList() {
    }

    /**
     * @param text a cpulist; blank means no CPU
     * @return the CPUs in increasing order, without duplicates
     * @throws IllegalArgumentException if the text is not a cpulist
     */
    public static int[] parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return new int[0];
        }
        int[] out = new int[8];
        int n = 0;
        for (String part : s.split(",")) {
            String[] ends = part.strip().split("-", -1);
            if (ends.length > 2) {
                throw new IllegalArgumentException("cpulist '" + text + "' has a malformed range '" + part + "'");
            }
            int lo = number(text, ends[0]);
            int hi = ends.length == 2 ? number(text, ends[1]) : lo;
            if (hi < lo) {
                throw new IllegalArgumentException("cpulist '" + text + "' has a decreasing range '" + part + "'");
            }
            for (int c = lo; c <= hi; c++) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = c;
            }
        }
        return Arrays.stream(out, 0, n).distinct().sorted().toArray();
    }

    private static int number(String text, String s) {
        try {
            int v = Integer.parseInt(s.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cpulist '" + text + "' has a bad CPU number '" + s + "'", e);
        }
    }
}
