package dev.manycore.messaging;

import java.util.Arrays;
import java.util.List;

/**
 * A hierarchical, absolute service name such as {@code /sys/pages}: what a sender names instead of
 * an address, resolved through the per-core {@link NameCache} and the name service (fos paper 3.4,
 * fos report 4.7.1).
 *
 * <p>Rules, checked by {@link #of(String)}:
 * <ul>
 *   <li>absolute: the text starts with {@code /}; {@code /} alone is the root and has no segment;</li>
 *   <li>segments match {@code [a-z0-9][a-z0-9._-]*} and are at most {@value #MAX_SEGMENT_LENGTH}
 *       characters (so no empty segment, no trailing slash, no upper case);</li>
 *   <li>at most {@value #MAX_SEGMENTS} segments and {@value #MAX_LENGTH} characters in all.</li>
 * </ul>
 *
 * <p>Immutable value: equal texts give equal names; the hash is computed once, so a name is a cheap
 * map key. Thread-safe.
 */
public final class Name implements Comparable<Name> {

    /** The most characters in one segment. */
    public static final int MAX_SEGMENT_LENGTH = 64;
    /** The most segments in a name. */
    public static final int MAX_SEGMENTS = 16;
    /** The most characters in a whole name, slashes included. */
    public static final int MAX_LENGTH = 255;

    private static final Name ROOT = new Name("/", new String[0]);

    private final String text;
    private final String[] segments;
    private final int hash;

    private Name(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
        this.hash = text.hashCode();
    }

    /** @return the root name {@code /}, the parent of every other name */
    public static Name root() {
        return ROOT;
    }

    /**
     * Parses and validates a name.
     *
     * @param text an absolute name such as {@code /sys/pages}
     * @return the name
     * @throws NullPointerException     if {@code text} is null
     * @throws IllegalArgumentException naming the offending segment (or the whole text) and the rule it breaks
     */
    public static Name of(String text) {
        if (text == null) {
            throw new NullPointerException("name text is null: a name is an absolute path such as /sys/pages");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("name '" + abbreviate(text) + "' has " + text.length()
                    + " characters: a name has at most " + MAX_LENGTH);
        }
        if (text.isEmpty() || text.charAt(0) != '/') {
            throw new IllegalArgumentException("name '" + text + "' is not absolute: a name starts with '/'");
        }
        if (text.length() == 1) {
            return ROOT;
        }
        String[] parts = text.substring(1).split("/", -1);
        if (parts.length > MAX_SEGMENTS) {
            throw new IllegalArgumentException("name '" + text + "' has " + parts.length
                    + " segments: a name has at most " + MAX_SEGMENTS);
        }
        for (int i = 0; i < parts.length; i++) {
            checkSegment(text, i, parts[i]);
        }
        return new Name(text, parts);
    }

    private static void checkSegment(String text, int index, String segment) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("name '" + text + "' has an empty segment at position " + index
                    + ": segments are not empty (no '//' and no trailing '/')");
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("segment '" + segment + "' of name '" + abbreviate(text) + "' has "
                    + segment.length() + " characters: a segment has at most " + MAX_SEGMENT_LENGTH);
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            boolean allowed = alphanumeric || (i > 0 && (c == '.' || c == '_' || c == '-'));
            if (!allowed) {
                throw new IllegalArgumentException("segment '" + segment + "' of name '" + text
                        + "' has '" + c + "' at index " + i + ": a segment matches [a-z0-9][a-z0-9._-]*");
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * @param segment one more segment
     * @return this name with {@code segment} appended
     * @throws IllegalArgumentException if the segment or the resulting name breaks a rule
     */
    public Name child(String segment) {
        return of(this == ROOT ? "/" + segment : text + "/" + segment);
    }

    /** @return the name one level up; the root is its own parent */
    public Name parent() {
        if (segments.length <= 1) {
            return ROOT;
        }
        return new Name(text.substring(0, text.lastIndexOf('/')), Arrays.copyOf(segments, segments.length - 1));
    }

    /**
     * @param other another name
     * @return true when {@code other} equals this name or lies below it ({@code /sys} contains {@code /sys/pages})
     */
    public boolean contains(Name other) {
        if (other.segments.length < segments.length) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            if (!segments[i].equals(other.segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** @return the number of segments; 0 for the root */
    public int depth() {
        return segments.length;
    }

    /** @return the segments in order (an immutable list) */
    public List<String> segments() {
        return List.of(segments);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Name n && hash == n.hash && text.equals(n.text));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Name other) {
        return text.compareTo(other.text);
    }

    /** @return the text form, such as {@code /sys/pages} */
    @Override
    public String toString() {
        return text;
    }
}
