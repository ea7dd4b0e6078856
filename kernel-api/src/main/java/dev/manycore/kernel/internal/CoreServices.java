package dev.manycore.kernel.internal;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.fleets.processes.ProcessManagerClient;
import dev.manycore.numa.CoreId;

/**
 * The libfos stubs of one core: its gateway, the name service and process manager stubs whose
 * requests leave from it. Immutable; the stubs are thread-safe.
 *
 * @param core   the core
 * @param client its gateway
 * @param names  the name service, blocking
 * @param pm     the process manager
 */
record CoreServices(CoreId core, Client client, NameServiceClient.Blocking names, ProcessManagerClient pm) {
}
