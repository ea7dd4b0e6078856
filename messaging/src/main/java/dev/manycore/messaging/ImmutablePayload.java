package dev.manycore.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class that is not a record but is deeply immutable, so that checked mode lets its
 * instances cross a mailbox. Checked mode verifies that every instance field, up the hierarchy, is
 * final; it cannot verify that the referenced objects are immutable, so the annotation is a promise
 * by the class's author.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ImmutablePayload {
}
