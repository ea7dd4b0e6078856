package dev.manycore.fleets.internal;

/**
 * The envelope payload of a successful reply; its correlation id is the request's.
 *
 * @param value the handler's reply
 */
public record Reply(Object value) {
}
