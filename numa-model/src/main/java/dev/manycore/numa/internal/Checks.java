package dev.manycore.numa.internal;

/**
 * Argument checks whose messages name the value and the rule it breaks. Shared by the modules'
 * internal code; not an API.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * @param what  the name of the argument, as the caller knows it
     * @param value the value
     * @param min   the smallest accepted value
     * @param max   the largest accepted value
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is outside {@code [min, max]}
     */
    public static int range(String what, int value, int min, int max) {
        if (value < min || value > max) {
            String rule = max == Integer.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max;
            throw new IllegalArgumentException(what + " = " + value + " " + rule);
        }
        return value;
    }
}
