package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.internal.processes.MailboxRequests.Adopt;
import dev.manycore.fleets.internal.processes.MailboxRequests.Bind;
import dev.manycore.fleets.internal.processes.MailboxRequests.Close;
import dev.manycore.fleets.internal.processes.MailboxRequests.Deliver;
import dev.manycore.fleets.internal.processes.MailboxRequests.HostCensus;
import dev.manycore.fleets.internal.processes.MailboxRequests.HostCounts;
import dev.manycore.fleets.internal.processes.MailboxRequests.MoveOut;
import dev.manycore.fleets.internal.processes.MailboxRequests.Open;
import dev.manycore.fleets.internal.processes.MailboxRequests.Receive;
import dev.manycore.fleets.internal.processes.MailboxRequests.Received;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxClosedException;
import dev.manycore.fleets.processes.MailboxFullException;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The process mailboxes of one core (fos paper 3.1: the microkernel keeps each core's mailboxes;
 * fos report 4.7.1: a name indirects to a mailbox so that migration can re-route messages). Every
 * process mailbox on the core lives here, numbered by a counter that is never reused; letters
 * arrive by number or by a name bound here, and a receive waits (its reply held back, with a timer)
 * until a letter comes or its time is up. Moving a mailbox hands its letters, names and waiting
 * receivers to the target core's host and leaves a forwarding entry, so letters still addressed to
 * the old place follow until the owner closes it.
 *
 * <p>Thread-safety: a server, confined to its engine thread.
 */
public final class MailboxHost implements Server {

    private static final Duration ADOPT_TIMEOUT = Duration.ofSeconds(30);

    private final int capacity;
    private final Map<Long, Box> boxes = new HashMap<>();
    private final Map<Name, Long> byName = new HashMap<>();
    private final Map<Long, MailboxRef> forwards = new HashMap<>();
    private final Map<Name, MailboxRef> nameForwards = new HashMap<>();
    private final Map<Long, List<Name>> forwardedNames = new HashMap<>();
    private ServerContext ctx;
    private long nextId = 1;
    private long delivered;

    /** @param capacity the most unread letters one mailbox keeps */
    public MailboxHost(int capacity) {
        this.capacity = capacity;
    }

    private static final class Box {
        final long id;
        final long pid;
        final ArrayDeque<Letter> letters = new ArrayDeque<>();
        final ArrayDeque<Waiting> receivers = new ArrayDeque<>();
        final Set<Name> names = new LinkedHashSet<>();
        boolean moving;
        boolean closed;

        Box(long id, long pid) {
            this.id = id;
            this.pid = pid;
        }
    }

    private record Waiting(Caller caller, long deadline, ScheduledTimer timer) {
    }

    @Override
    public void start(ServerContext context, Handlers handlers) {
        this.ctx = context;
        handlers.on(Open.class, (r, c) -> open(r.pid(), List.of(), List.of()))
                .on(Bind.class, (r, c) -> bind(r))
                .on(Deliver.class, this::deliver)
                .on(Receive.class, this::receive)
                .on(Close.class, (r, c) -> close(r.id()))
                .on(MoveOut.class, this::moveOut)
                .on(Adopt.class, (r, c) -> open(r.pid(), r.letters(), r.names()))
                .on(HostCensus.class, (r, c) -> new HostCounts(boxes.size(), forwards.size(), delivered));
    }

    private MailboxRef open(long pid, List<Letter> letters, List<Name> names) {
        Box box = new Box(nextId++, pid);
        box.letters.addAll(letters);
        for (Name n : names) {
            box.names.add(n);
            byName.put(n, box.id);
            nameForwards.remove(n);
        }
        boxes.put(box.id, box);
        return new MailboxRef(ctx.address(), box.id);
    }

    private MailboxRef bind(Bind r) {
        Box box = box(r.id());
        if (box.moving) {
            throw new IllegalStateException("mailbox " + box.id + " of " + ctx.address() + " is moving: bind "
                    + r.name() + " once the move is done");
        }
        Long other = byName.get(r.name());
        if (other != null && other != box.id) {
            throw new IllegalArgumentException("name " + r.name() + " is already bound to mailbox " + other + " of "
                    + ctx.address());
        }
        byName.put(r.name(), box.id);
        box.names.add(r.name());
        return new MailboxRef(ctx.address(), box.id);
    }

    private Object deliver(Deliver r, Caller caller) {
        Box box;
        if (r.id() > 0) {
            box = boxes.get(r.id());
            if (box == null) {
                MailboxRef to = forwards.get(r.id());
                if (to != null) {
                    ctx.forward(to.host(), new Deliver(to.id(), r.name(), r.letter()), caller);
                    return null;
                }
                throw new MailboxClosedException("mailbox " + r.id() + " of " + ctx.address() + " is closed");
            }
        } else {
            Long id = r.name() == null ? null : byName.get(r.name());
            if (id == null) {
                MailboxRef to = r.name() == null ? null : nameForwards.get(r.name());
                if (to != null) {
                    ctx.forward(to.host(), new Deliver(0, r.name(), r.letter()), caller);
                    return null;
                }
                throw new MailboxClosedException("no mailbox of " + ctx.address() + " holds the name " + r.name());
            }
            box = boxes.get(id);
        }
        Waiting w = box.receivers.poll();
        if (w != null) {
            w.timer().cancel();
            ctx.reply(w.caller(), new Received(r.letter()));
        } else {
            if (box.letters.size() >= capacity) {
                throw new MailboxFullException("mailbox " + box.id + " of " + ctx.address() + " (process " + box.pid
                        + ") holds " + capacity + " unread letters, its capacity: retry later");
            }
            box.letters.add(r.letter());
        }
        delivered++;
        return new MailboxRef(ctx.address(), box.id);
    }

    private Object receive(Receive r, Caller caller) {
        Box box = boxes.get(r.id());
        if (box == null) {
            MailboxRef to = forwards.get(r.id());
            if (to != null) {
                ctx.forward(to.host(), new Receive(to.id(), r.waitNs()), caller);
                return null;
            }
            throw new MailboxClosedException("mailbox " + r.id() + " of " + ctx.address() + " is closed");
        }
        Letter next = box.letters.poll();
        if (next != null || r.waitNs() <= 0) {
            return new Received(next);
        }
        long deadline = ctx.now() + r.waitNs();
        Waiting[] self = new Waiting[1];
        ScheduledTimer timer = ctx.schedule(r.waitNs(), () -> {
            if (box.receivers.remove(self[0])) {
                ctx.reply(caller, new Received(null));
            }
        });
        self[0] = new Waiting(caller, deadline, timer);
        box.receivers.add(self[0]);
        return null;
    }

    private int close(long id) {
        Box box = boxes.remove(id);
        if (box == null) {
            if (forwards.remove(id) == null) {
                throw new MailboxClosedException("mailbox " + id + " of " + ctx.address() + " is not open");
            }
            for (Name n : forwardedNames.getOrDefault(id, List.of())) {
                nameForwards.remove(n);
            }
            forwardedNames.remove(id);
            return 0;
        }
        box.closed = true;
        for (Name n : box.names) {
            byName.remove(n);
        }
        for (Waiting w : box.receivers) {
            w.timer().cancel();
            ctx.replyError(w.caller(), new MailboxClosedException("mailbox " + id + " of " + ctx.address()
                    + " closed while a receive waited"));
        }
        return box.letters.size();
    }

    private CompletionStage<MailboxRef> moveOut(MoveOut r, Caller caller) {
        Box box = box(r.id());
        if (r.to().equals(ctx.address())) {
            return CompletableFuture.completedFuture(new MailboxRef(ctx.address(), box.id));
        }
        if (box.moving) {
            throw new IllegalStateException("mailbox " + box.id + " of " + ctx.address() + " is already moving");
        }
        // The box stays open here until the target has adopted it: letters and receives that arrive
        // meanwhile are served here, and what is left follows once the forward is known.
        box.moving = true;
        List<Letter> snapshot = new ArrayList<>(box.letters);
        box.letters.clear();
        Adopt adopt = new Adopt(box.pid, snapshot, new ArrayList<>(box.names));
        return ctx.call(r.to(), adopt, ADOPT_TIMEOUT).handle((moved, failure) -> {
            box.moving = false;
            if (failure != null) {
                for (int i = snapshot.size() - 1; i >= 0; i--) {
                    box.letters.addFirst(snapshot.get(i));
                }
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            if (box.closed) {
                ctx.send(moved.host(), new Close(moved.id()));
                return moved;
            }
            boxes.remove(box.id);
            forwards.put(box.id, moved);
            forwardedNames.put(box.id, List.copyOf(box.names));
            for (Name n : box.names) {
                byName.remove(n);
                nameForwards.put(n, moved);
            }
            for (Letter l : box.letters) {
                ctx.send(moved.host(), new Deliver(moved.id(), null, l));
            }
            box.letters.clear();
            for (Waiting w : box.receivers) {
                w.timer().cancel();
                ctx.forward(moved.host(), new Receive(moved.id(), Math.max(0, w.deadline() - ctx.now())), w.caller());
            }
            box.receivers.clear();
            return moved;
        });
    }

    private Box box(long id) {
        Box box = boxes.get(id);
        if (box == null) {
            throw new MailboxClosedException("mailbox " + id + " of " + ctx.address() + " is not open here");
        }
        return box;
    }

    @Override
    public String role() {
        return "mailboxes";
    }
}
