package dev.gatehouse.engine.stream;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.forward.NettyForwarder;
import dev.gatehouse.engine.forward.Upstream;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.LoopResources;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's TCP stream listeners: one bound port per enabled stream, keyed by its address, each
 * handing its connections to a {@link StreamConnection}.
 *
 * <p>Event loops: the engine's {@link LoopResources}, with the JDK (NIO) transport. Where the engine
 * itself runs on NIO these are the very loops its HTTP listeners use; where it runs on native epoll
 * they are a group of the same size from the same resources, started with the first stream. Netty
 * 4.2.18's epoll transport cannot carry a half-closed connection: once the peer's FIN is read the
 * channel's interest set empties, the fd is removed from the epoll set but still marked as added, and
 * the next wait for writability fails ({@code epoll_ctl ... No such file or directory}), so Netty shuts
 * the output and drops what was not sent yet. A stream must keep sending after a FIN (a client that
 * shuts its output and then reads the whole answer), so it does not use epoll.
 *
 * <p>An apply goes in two steps so that it stays a transaction: {@link #prepare} binds the ports of
 * new streams off to the side (any failure closes what it bound and the apply is rejected, the old
 * configuration untouched), then, once the engine has swapped in the new configuration,
 * {@link Plan#commit} points kept listeners at their (possibly changed) stream and backend, closes the
 * listeners of removed streams (their open connections carry on to their end) and binds the ports
 * that only a removed listener held. Only that last bind can fail after the swap; it is reported in
 * the apply's result and the stream's status while everything else runs. An unchanged stream keeps
 * its listener and its target object.
 *
 * <p>Threads: prepare and commit run under the engine's apply lock, never on an event loop (they
 * wait for binds); status may be read from any thread.
 */
public final class StreamListeners {

    private static final Logger log = LoggerFactory.getLogger(StreamListeners.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final LoopResources loopResources;
    private final String defaultHost;
    /** Created with the first listener; read by connections on the loops (published before any exists). */
    private volatile Loops loops;
    /** Every stream connection from a client, to close them when the engine stops. */
    private final ChannelGroup connections = new DefaultChannelGroup("gatehouse-streams", GlobalEventExecutor.INSTANCE);
    /** By listen address; written under the apply lock, read by status from any thread. */
    private final Map<String, StreamListener> listeners = new ConcurrentHashMap<>();
    /** Why enabled streams of the live configuration are not listening, by stream id. */
    private volatile Map<String, String> problems = Map.of();
    private volatile List<StreamDefinition> definitions = List.of();

    /**
     * The loops stream connections run on, their channel classes, and a DNS resolver on them.
     *
     * @param indexes each loop's index: per-loop state lives in arrays indexed by it
     */
    private record Loops(EventLoopGroup group, Map<EventExecutor, Integer> indexes,
                         Class<? extends ServerSocketChannel> serverChannelClass,
                         Class<? extends SocketChannel> socketChannelClass,
                         AddressResolverGroup<InetSocketAddress> resolver) {

        static Loops of(LoopResources resources) {
            EventLoopGroup group = resources.onServer(false);
            Map<EventExecutor, Integer> indexes = new IdentityHashMap<>();
            for (EventExecutor executor : group) {
                indexes.put(executor, indexes.size());
            }
            Class<? extends SocketChannel> socketClass = resources.onChannelClass(SocketChannel.class, group);
            // Non-blocking DNS for backends named by host name (IP literals skip it).
            AddressResolverGroup<InetSocketAddress> resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                    .datagramChannelType(resources.onChannelClass(DatagramChannel.class, group))
                    .socketChannelType(socketClass));
            return new Loops(group, indexes, resources.onChannelClass(ServerSocketChannel.class, group), socketClass,
                    resolver);
        }
    }

    /**
     * @param loopResources the engine's loop resources (see the class comment for which loops)
     * @param defaultHost the address a stream without a bind host listens on (the engine's host)
     */
    public StreamListeners(LoopResources loopResources, String defaultHost) {
        this.loopResources = loopResources;
        this.defaultHost = defaultHost;
    }

    /** The stream loops, created on first use; called under the apply lock only. */
    private Loops loops() {
        Loops current = loops;
        if (current == null) {
            current = Loops.of(loopResources);
            loops = current;
        }
        return current;
    }

    /**
     * Tries to bind, for a moment, each enabled stream's port that no listener of this engine holds
     * yet, so a port that is in use, privileged or on an address this machine does not have is
     * reported when the configuration is validated rather than when it is applied.
     */
    public List<ConfigError> checkBindable(List<StreamDefinition> streams) {
        List<ConfigError> errors = new ArrayList<>();
        Set<Integer> held = heldPorts();
        for (StreamDefinition stream : streams) {
            if (!stream.enabled() || stream.listenPort() < 1 || stream.listenPort() > 65535
                    || held.contains(stream.listenPort())) {
                continue;
            }
            String host = hostOf(stream);
            try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
                probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                probe.bind(new InetSocketAddress(host, stream.listenPort()));
            } catch (IOException | RuntimeException e) {
                errors.add(bindError(stream, host, e));
            }
        }
        return errors;
    }

    /**
     * Binds the ports of the enabled streams that have no listener yet (except those only a listener
     * about to be removed holds: {@link Plan#commit} binds them). Changes nothing live.
     *
     * @param backends the live upstreams of the configuration being applied, by name; every enabled
     *     stream's backend must be among them (the snapshot was validated)
     * @return a plan to commit after the swap, or one with errors (then nothing stayed bound)
     */
    public Plan prepare(List<StreamDefinition> streams, Map<String, Upstream> backends) {
        if (streams.stream().anyMatch(StreamDefinition::enabled)) {
            loops();
        }
        Map<String, StreamTarget> wanted = new LinkedHashMap<>();
        for (StreamDefinition stream : streams) {
            if (!stream.enabled()) {
                continue;
            }
            Upstream upstream = backends.get(stream.backend());
            if (upstream == null) {
                throw new IllegalStateException("stream " + stream.id() + " refers to backend '" + stream.backend()
                        + "', which is not in the configuration being applied");
            }
            StreamListener existing = listeners.get(address(hostOf(stream), stream.listenPort()));
            StreamTarget current = existing == null ? null : existing.target();
            wanted.put(address(hostOf(stream), stream.listenPort()),
                    current != null && current.definition.equals(stream) && current.upstream == upstream
                            ? current : new StreamTarget(stream, upstream, this));
        }
        Set<Integer> releasing = new HashSet<>();
        listeners.forEach((key, listener) -> {
            if (!wanted.containsKey(key)) {
                releasing.add(listener.port);
            }
        });
        Map<String, StreamListener> bound = new LinkedHashMap<>();
        Map<String, StreamTarget> later = new LinkedHashMap<>();
        List<ConfigError> errors = new ArrayList<>();
        for (Map.Entry<String, StreamTarget> entry : wanted.entrySet()) {
            String key = entry.getKey();
            StreamDefinition stream = entry.getValue().definition;
            if (listeners.containsKey(key)) {
                continue;
            }
            if (releasing.contains(stream.listenPort())) {
                later.put(key, entry.getValue());
                continue;
            }
            try {
                bound.put(key, bind(hostOf(stream), stream.listenPort(), entry.getValue()));
            } catch (BindFailure failure) {
                errors.add(failure.error);
            }
        }
        if (!errors.isEmpty()) {
            bound.values().forEach(StreamListeners::unbind);
            return new Plan(streams, Map.of(), Map.of(), Map.of(), errors);
        }
        return new Plan(streams, wanted, bound, later, List.of());
    }

    /** What {@link #prepare} made ready: commit it after the swap, or abort it. */
    public final class Plan {
        private final List<StreamDefinition> streams;
        private final Map<String, StreamTarget> wanted;
        private final Map<String, StreamListener> bound;
        private final Map<String, StreamTarget> later;
        private final List<ConfigError> errors;

        private Plan(List<StreamDefinition> streams, Map<String, StreamTarget> wanted, Map<String, StreamListener> bound,
                     Map<String, StreamTarget> later, List<ConfigError> errors) {
            this.streams = streams;
            this.wanted = wanted;
            this.bound = bound;
            this.later = later;
            this.errors = errors;
        }

        /** Why the streams cannot start: ports that could not be bound; empty when the plan may be committed. */
        public List<ConfigError> errors() {
            return errors;
        }

        /** Closes what {@link #prepare} bound: the apply is not going ahead. */
        public void abort() {
            bound.values().forEach(StreamListeners::unbind);
        }

        /**
         * Makes the streams live: call once the engine serves the configuration they belong to.
         *
         * @return streams that should listen but could not bind a port freed by a removed stream
         */
        public List<ConfigError> commit() {
            wanted.forEach((key, target) -> {
                StreamListener listener = listeners.get(key);
                if (listener != null) {
                    listener.target(target);
                }
            });
            listeners.putAll(bound);
            for (Iterator<Map.Entry<String, StreamListener>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, StreamListener> entry = it.next();
                if (!wanted.containsKey(entry.getKey())) {
                    it.remove();
                    unbind(entry.getValue());
                    log.info("stream {} stopped listening on {}; its {} open connection(s) carry on",
                            entry.getValue().target().definition.id(), entry.getKey(), entry.getValue().activeConnections());
                }
            }
            List<ConfigError> failed = new ArrayList<>();
            Map<String, String> notListening = new HashMap<>();
            Map<String, StreamListener> started = new LinkedHashMap<>(bound);
            for (Map.Entry<String, StreamTarget> entry : later.entrySet()) {
                StreamDefinition stream = entry.getValue().definition;
                try {
                    StreamListener listener = bind(hostOf(stream), stream.listenPort(), entry.getValue());
                    listeners.put(entry.getKey(), listener);
                    started.put(entry.getKey(), listener);
                } catch (BindFailure failure) {
                    failed.add(failure.error);
                    notListening.put(stream.id(), failure.error.message());
                    log.warn("stream {} is not listening: {}", stream.id(), failure.error.message());
                }
            }
            started.forEach((key, listener) -> log.info("stream {} listening on {} for backend {}",
                    listener.target().definition.id(), key, listener.target().definition.backend()));
            problems = Map.copyOf(notListening);
            definitions = List.copyOf(streams);
            return failed;
        }
    }

    /** Each stream of the live configuration, enabled or not, with its listener's state. */
    public List<StreamStatus> status() {
        Map<String, String> notListening = problems;
        List<StreamStatus> status = new ArrayList<>();
        for (StreamDefinition stream : definitions) {
            String host = hostOf(stream);
            StreamListener listener = stream.enabled() ? listeners.get(address(host, stream.listenPort())) : null;
            status.add(new StreamStatus(stream.id(), host, stream.listenPort(), stream.backend(), stream.enabled(),
                    listener != null, listener == null ? 0 : listener.activeConnections(),
                    listener == null ? 0 : listener.acceptedConnections(),
                    stream.enabled() && listener == null ? notListening.get(stream.id()) : null));
        }
        return status;
    }

    /** Stops accepting stream connections; those already open carry on until {@link #close}. */
    public void stopAccepting() {
        for (Iterator<StreamListener> it = listeners.values().iterator(); it.hasNext(); ) {
            unbind(it.next());
            it.remove();
        }
    }

    /**
     * Stops accepting and closes every stream connection (a raw TCP stream has no point at which it
     * could be ended gracefully), then frees the resolver. The loops are the loop resources' to stop.
     * Blocks; never call it from an event loop.
     */
    public void close() {
        stopAccepting();
        connections.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        Loops current = loops;
        if (current != null) {
            current.resolver().close();
        }
    }

    private StreamListener bind(String host, int port, StreamTarget target) throws BindFailure {
        StreamListener listener = new StreamListener(this, host, port, target);
        Loops current = loops();
        ChannelFuture binding;
        try {
            binding = new ServerBootstrap()
                    .group(current.group())
                    .channel(current.serverChannelClass())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Reads start once the backend is connected, so nothing waits in memory meanwhile.
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyForwarder.WRITE_BUFFER)
                    .childHandler(listener)
                    .bind(new InetSocketAddress(host, port));
        } catch (RuntimeException e) {
            throw new BindFailure(bindError(target.definition, host, e));
        }
        if (!binding.awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
            binding.channel().close();
            throw new BindFailure(new ConfigError("stream " + target.definition.id(), "listenPort",
                    "binding port " + port + " on " + host + " did not finish within " + BIND_TIMEOUT.toSeconds() + " s"));
        }
        if (!binding.isSuccess()) {
            throw new BindFailure(bindError(target.definition, host, binding.cause()));
        }
        listener.bound(binding.channel());
        return listener;
    }

    /**
     * Closes a listener and waits until its port is free: the JDK closes a listening socket that is
     * registered with a selector only when that selector next runs, and until then it still accepts.
     * So when an apply returns, a removed stream's port refuses connections and can be bound again.
     */
    private static void unbind(StreamListener listener) {
        Channel channel = listener.serverChannel();
        if (channel == null) {
            return;
        }
        channel.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        while (!bindable(listener.host, listener.port) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean bindable(String host, int port) {
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Why a port cannot be bound, in words an operator can act on; on {@code bindHost} when the address is the problem. */
    static ConfigError bindError(StreamDefinition stream, String host, Throwable e) {
        String where = "port " + stream.listenPort() + " on " + host;
        String reason = rootMessage(e);
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        String object = "stream " + stream.id();
        if (lower.contains("in use")) {
            return new ConfigError(object, "listenPort", where + " is already in use; stop the program using it or "
                    + "choose another port");
        }
        if (lower.contains("permission") || lower.contains("access")) {
            return new ConfigError(object, "listenPort", "permission denied binding " + where
                    + "; ports below 1024 need root or CAP_NET_BIND_SERVICE, or choose a port above 1024");
        }
        if (lower.contains("assign") || e instanceof java.nio.channels.UnresolvedAddressException) {
            return new ConfigError(object, "bindHost", "cannot listen on " + where + ": " + host
                    + " is not an address of this machine");
        }
        return new ConfigError(object, "listenPort", "cannot listen on " + where + ": " + reason);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private Set<Integer> heldPorts() {
        Set<Integer> ports = new HashSet<>();
        listeners.values().forEach(listener -> ports.add(listener.port));
        return ports;
    }

    private String hostOf(StreamDefinition stream) {
        return stream.bindHost() != null ? stream.bindHost() : defaultHost;
    }

    private static String address(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    int loopIndex(EventLoop loop) {
        Integer index = loops.indexes().get(loop);
        if (index == null) {
            throw new IllegalStateException("stream connection on " + loop + ", which is not one of the stream loops");
        }
        return index;
    }

    int loopCount() {
        return loops().indexes().size();
    }

    Class<? extends SocketChannel> socketChannelClass() {
        return loops.socketChannelClass();
    }

    AddressResolverGroup<InetSocketAddress> resolver() {
        return loops.resolver();
    }

    void track(Channel connection) {
        connections.add(connection);
    }

    private static final class BindFailure extends Exception {
        final ConfigError error;

        BindFailure(ConfigError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
