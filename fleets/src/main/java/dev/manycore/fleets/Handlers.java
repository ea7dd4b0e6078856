package dev.manycore.fleets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The message-type-to-handler table of one server (fos paper 3.2, Figure 3: "the server dispatches
 * each incoming message to the handler of its type"). Filled in {@link Server#start}; dispatch
 * looks up the message's class, then its superclasses and interfaces, and caches the result.
 *
 * <p>Thread-safety: confined to the server's thread.
 */
public final class Handlers {

    private final Map<Class<?>, RequestHandler<Object>> byType = new LinkedHashMap<>();
    private final Map<Class<?>, RequestHandler<Object>> resolved = new java.util.HashMap<>();

    /** Creates an empty table. */
    public Handlers() {
    }

    /**
     * Registers the handler of a message type.
     *
     * @param type    the message class (a record, or an interface its messages implement)
     * @param handler handles messages of that type
     * @param <Q>     the message type
     * @return this table
     * @throws IllegalStateException if the type already has a handler
     */
    @SuppressWarnings("unchecked")
    public <Q> Handlers on(Class<Q> type, RequestHandler<? super Q> handler) {
        Objects.requireNonNull(type, "message type is null");
        Objects.requireNonNull(handler, "handler of " + type.getName() + " is null");
        if (byType.putIfAbsent(type, (RequestHandler<Object>) handler) != null) {
            throw new IllegalStateException("message type " + type.getName()
                    + " already has a handler: one handler per message type");
        }
        resolved.clear();
        return this;
    }

    /**
     * @param type a message class
     * @return its handler (or that of its nearest registered supertype), or null
     */
    public RequestHandler<Object> find(Class<?> type) {
        RequestHandler<Object> h = resolved.get(type);
        if (h == null && !resolved.containsKey(type)) {
            h = search(type);
            resolved.put(type, h);
        }
        return h;
    }

    private RequestHandler<Object> search(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            RequestHandler<Object> h = byType.get(c);
            if (h != null) {
                return h;
            }
            for (Class<?> i : c.getInterfaces()) {
                h = byType.get(i);
                if (h != null) {
                    return h;
                }
            }
        }
        return null;
    }

    /** @return the number of registered types */
    public int size() {
        return byType.size();
    }
}
