package dev.manycore.fleets.internal;

/**
 * The envelope payload of a failed request (fos report 4.3): the handler's exception type and
 * message, so the caller can rebuild a specific exception.
 *
 * @param type    the exception's binary class name
 * @param message its message, may be null
 */
public record ErrorReply(String type, String message) {
}
