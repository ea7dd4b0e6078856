package dev.manycore.fleets.internal;

import dev.manycore.fleets.Caller;

/**
 * A request handed on by one server to another, which answers the original caller directly.
 *
 * @param caller  the original caller
 * @param request the request
 */
public record Forwarded(Caller caller, Object request) {
}
