package dev.manycore.messaging.internal;

import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.NameNotBoundException;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SendStatus;

import java.util.Optional;

/**
 * A send to a name, the same on every engine (fos paper 3.4: names are resolved through a per-core
 * cache): resolve through the core's {@link NameCache}, asking the {@link NameResolver} on a miss;
 * when the cached address answers CLOSED (the mailbox moved or died), invalidate that entry and
 * resolve once more. Runs on the sending agent's thread; holds no state of its own.
 */
public final class NameRouting {

    private NameRouting() {
    }

    /**
     * @param sender        the sending agent's context, which sends to the resolved address
     * @param cache         the sender's core's name cache
     * @param resolver      the resolver behind the cache
     * @param to            the destination name
     * @param payload       the message
     * @param correlationId the correlation id
     * @return the status of the send to the resolved address
     * @throws NameNotBoundException if the resolver knows no binding for the name
     */
    public static SendStatus send(AgentContext sender, NameCache cache, NameResolver resolver, Name to, Object payload,
                                  long correlationId) {
        NameBinding binding = cache.lookup(to);
        if (binding == null) {
            binding = resolve(sender, cache, resolver, to);
        }
        SendStatus status = sender.send(binding.address(), payload, correlationId);
        if (status != SendStatus.CLOSED) {
            return status;
        }
        cache.invalidate(to, binding.version());
        NameBinding fresh = resolve(sender, cache, resolver, to);
        return fresh.equals(binding) ? status : sender.send(fresh.address(), payload, correlationId);
    }

    private static NameBinding resolve(AgentContext sender, NameCache cache, NameResolver resolver, Name name) {
        Optional<NameBinding> found = resolver.resolve(name, sender.address());
        if (found.isEmpty()) {
            throw new NameNotBoundException(name);
        }
        cache.put(found.get());
        return found.get();
    }
}
