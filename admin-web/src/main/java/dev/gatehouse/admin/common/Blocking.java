package dev.gatehouse.admin.common;

import java.util.List;
import java.util.concurrent.Callable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs blocking work (JDBC, bcrypt) off the event loops, on Reactor's bounded elastic scheduler, so
 * the admin app never stalls a Netty thread.
 */
public final class Blocking {

    private Blocking() {
    }

    /** Calls {@code work} on a bounded-elastic thread; a null result completes empty. */
    public static <T> Mono<T> mono(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    /** Calls {@code work} on a bounded-elastic thread and emits the list's elements. */
    public static <T> Flux<T> flux(Callable<List<T>> work) {
        return mono(work).flatMapIterable(list -> list);
    }

    /** Runs {@code work} on a bounded-elastic thread. */
    public static Mono<Void> run(Runnable work) {
        return Mono.<Void>fromRunnable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
