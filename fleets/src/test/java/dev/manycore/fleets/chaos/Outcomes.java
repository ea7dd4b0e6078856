package dev.manycore.fleets.chaos;

import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.UndeliverableException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Every request a chaos run sends, with its future: at the end each must be answered or failed
 * with an error to its caller; one still pending is lost. It also checks that failures are of the
 * kinds the service documents (an undocumented failure, say a NullPointerException from a
 * handler, is a bug even though it reached the caller).
 */
final class Outcomes {

    private final List<CompletableFuture<?>> requests = new ArrayList<>();
    private final List<String> what = new ArrayList<>();

    /** Records a request sent. */
    <T> CompletableFuture<T> sent(String description, CompletableFuture<T> future) {
        requests.add(future);
        what.add(description);
        return future;
    }

    int sentCount() {
        return requests.size();
    }

    long answered() {
        return requests.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    long failed() {
        return requests.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    }

    /** @return descriptions of the requests with no outcome */
    List<String> lost() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (!requests.get(i).isDone()) {
                out.add(what.get(i));
            }
        }
        return out;
    }

    /** @return true when every request has an outcome */
    boolean allDone() {
        for (CompletableFuture<?> f : requests) {
            if (!f.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** @return descriptions of failures whose cause the predicate does not accept */
    List<String> unexpectedFailures(Predicate<Throwable> expected) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            CompletableFuture<?> f = requests.get(i);
            if (f.isCompletedExceptionally()) {
                Throwable t = cause(f.exceptionNow());
                if (!expected.test(t)) {
                    out.add(what.get(i) + " failed with " + t);
                }
            }
        }
        return out;
    }

    /**
     * @param failure a request's failure
     * @return true when the request got no answer in time or could not be delivered (locally or,
     *         forwarded, at a member)
     */
    static boolean isTimeout(Throwable failure) {
        Throwable t = cause(failure);
        return t instanceof CallTimeoutException || t instanceof UndeliverableException
                || t instanceof RemoteFailureException r && r.remoteType().equals(UndeliverableException.class.getName());
    }

    static Throwable cause(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return sentCount() + " requests: " + answered() + " answered, " + failed() + " failed with an error, "
                + lost().size() + " lost";
    }
}
