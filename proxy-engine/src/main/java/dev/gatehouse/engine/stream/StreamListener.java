package dev.gatehouse.engine.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One bound stream port: its server channel and the {@link StreamTarget} new connections go to,
 * swapped by an apply that changes the stream or its backend (the listener itself stays bound).
 * Sets up each accepted connection with a {@link StreamConnection} of the target read at that
 * moment, so a connection keeps the target it started with.
 */
final class StreamListener extends ChannelInitializer<Channel> {

    final String host;
    final int port;
    private final StreamListeners streams;
    private volatile StreamTarget target;
    private volatile Channel serverChannel;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final ChannelFutureListener onClose = closed -> active.decrementAndGet();

    StreamListener(StreamListeners streams, String host, int port, StreamTarget target) {
        this.streams = streams;
        this.host = host;
        this.port = port;
        this.target = target;
    }

    @Override
    protected void initChannel(Channel channel) {
        accepted.increment();
        active.incrementAndGet();
        channel.closeFuture().addListener(onClose);
        streams.track(channel);
        channel.pipeline().addLast("gatehouse-stream", new StreamConnection(target));
    }

    StreamTarget target() {
        return target;
    }

    void target(StreamTarget next) {
        target = next;
    }

    void bound(Channel channel) {
        serverChannel = channel;
    }

    Channel serverChannel() {
        return serverChannel;
    }

    int activeConnections() {
        return active.get();
    }

    long acceptedConnections() {
        return accepted.sum();
    }
}
