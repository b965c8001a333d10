package dev.gatehouse.engine.forward;

import io.netty.channel.EventLoop;

/**
 * One of the engine's event loops and its index: per-loop state (backend connection pools) lives in
 * arrays indexed by it, touched only from that loop, so it needs no lock.
 */
record LoopContext(EventLoop loop, int index) {
}
