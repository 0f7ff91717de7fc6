package io.easyrpc.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.server.CallAccounting;
import io.easyrpc.internal.server.DedupStore;
import io.easyrpc.internal.server.MessageConnection;
import io.easyrpc.internal.server.ServerInput;
import io.easyrpc.internal.server.ServerConnection;
import io.easyrpc.internal.server.ServerRuntime;
import io.easyrpc.internal.transport.InboundMemory;
import io.easyrpc.internal.transport.MessageChannel;
import io.easyrpc.internal.transport.SocketAddresses;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.Tls;
import io.easyrpc.transport.TransportBuilder;
import io.easyrpc.transport.TransportOptions;
import io.easyrpc.transport.TransportResources;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An easyrpc server: binds its addresses, accepts connections and serves the methods of a
 * {@link ServiceRegistry}. Blocking methods run on the worker executor, methods marked
 * non-blocking on the I/O thread.
 * <p>
 * {@link #stop(Duration)} shuts down in order: new calls are answered
 * {@link RpcStatus#UNAVAILABLE} and clients are told to go away, the listening sockets
 * close, calls in flight drain for up to the given time, then connections close.
 * <p>
 * With a TLS context ({@link Builder#sslContext(SslContext)}) every TCP address is served
 * over TLS only: a client that connects without TLS is told so in a {@code GOAWAY} frame
 * and disconnected. A context given by a supplier may change at run time; each new
 * connection takes the current one. In-process addresses never use TLS.
 * <p>
 * {@link ConnectionMiddleware} decides on each new connection before any of its calls is
 * dispatched: on a TLS connection once the handshake is done, otherwise as soon as it is
 * accepted. A refused connection receives a {@code GOAWAY} frame with the refusal's
 * status and message and is closed.
 */
public final class RpcServer {

	// How long a stopping server waits at most for clients to close their connections
	// after the calls in flight finished.
	private static final long CLIENT_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Logger logger = LoggerFactory.getLogger(RpcServer.class);

	private static final long DEFAULT_MAX_OUTBOUND_PER_CONNECTION = 32L * 1024 * 1024;

	private final List<RpcAddress> addresses;

	private final ServiceRegistry registry;

	private final ObjectCodec codec;

	private final @Nullable Executor sharedExecutor;

	private volatile Executor executor;

	private final @Nullable TransportResources sharedResources;

	private final int ioThreads;

	private final IoTransport ioTransport;

	private TransportResources resources;

	private final int maxFrameSize;

	private final @Nullable Duration idleTimeout;

	private final InboundMemory inboundMemory;

	private final long frameTimeoutNanos;

	private final long maxOutboundPerConnection;

	private final @Nullable Boolean msgpackRpc;

	private final List<TransportResources.BootstrapCustomizer<ServerBootstrap>> customizers;

	private final @Nullable ByteBufAllocator allocator;

	private final @Nullable Supplier<? extends SslContext> sslContexts;

	static {
		ServerRuntime.registerAccess((server) -> server.runtime);
	}

	private final ServerRuntime runtime;

	private final Set<ServerConnection> connections;

	// Every accepted channel until it closes, also before it is active and in
	// connections.
	private final Set<Channel> acceptedChannels = ConcurrentHashMap.newKeySet();

	private final CallAccounting calls;

	private final List<Channel> serverChannels = new ArrayList<>();

	private final Map<String, Forwarding.Target> routes;

	private final List<RpcServerListener> listeners;

	// The socket files this server created, removed when it stops.
	private final List<Path> socketFiles = new ArrayList<>();

	private volatile boolean running;

	private volatile int port = -1;

	private RpcServer(Builder builder) {
		this.addresses = List.copyOf(builder.addresses);
		this.codec = (builder.codec != null) ? builder.codec : ObjectCodec.createDefault();
		if (this.codec.format() != CodecFormat.MSGPACK) {
			throw new IllegalArgumentException("The server's codec must be a MessagePack codec, not " + this.codec
					+ "; the codec of JSON connections is set with jsonCodec(...)");
		}
		this.registry = (builder.registry != null) ? builder.registry : new ServiceRegistry(this.codec);
		this.sharedExecutor = builder.executor;
		TransportOptions transport = builder.transport();
		this.sharedResources = transport.transportResources();
		this.ioThreads = transport.ioThreads();
		this.ioTransport = transport.ioTransport();
		this.maxFrameSize = transport.maxFrameSize();
		this.idleTimeout = builder.idleTimeout;
		// The default always has room for one frame of the maximum size.
		this.inboundMemory = new InboundMemory((builder.maxInboundMemory > 0) ? builder.maxInboundMemory
				: Math.max(InboundMemory.defaultLimit(), (long) this.maxFrameSize + StreamFraming.LENGTH_PREFIX));
		this.frameTimeoutNanos = (builder.frameTimeout != null) ? builder.frameTimeout.toNanos() : 0;
		this.maxOutboundPerConnection = builder.maxOutboundPerConnection;
		this.msgpackRpc = builder.msgpackRpc;
		this.runtime = new ServerRuntime(this.registry, this.codec, builder.secret(), builder.authTimeout,
				builder.maxSessionsPerConnection, builder.streamWindow, builder.exceptionResolvers,
				builder.exposeStackTraces, builder.observers, builder.middleware.toArray(new RpcMiddleware[0]),
				ProcessorChain.of(builder.processors), builder.connectionMiddleware, builder.routes);
		this.runtime.jsonCodec(builder.jsonEnabled
				? ((builder.jsonCodec != null) ? builder.jsonCodec : JsonObjectCodec.createDefault()) : null);
		if (builder.dedupTtl != null) {
			this.runtime.dedup(new DedupStore(builder.dedupTtl, builder.dedupMaxEntries, builder.dedupMaxBytes,
					Ticker.systemTicker()));
		}
		this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.routes));
		this.connections = this.runtime.connections();
		this.calls = this.runtime.calls();
		this.calls.limit(builder.concurrencyLimit);
		this.customizers = List.copyOf(builder.customizers);
		this.allocator = transport.allocator();
		this.sslContexts = transport.sslContextSupplier();
		this.listeners = listeners(builder);
		if (this.registry.lookup(Reflection.DESCRIBE_KEY) == null) {
			registerReflection();
		}
		for (ServerMethod method : this.registry.methods()) {
			int slash = method.key().indexOf('/');
			if (slash > 0 && this.routes.containsKey(method.key().substring(0, slash))) {
				throw new IllegalStateException("easyrpc method key '" + method.key()
						+ "' starts with the prefix of a gateway route: give the service another group or the "
						+ "route another prefix");
			}
		}
	}

	// Listeners first, then the middleware, processors and observers that listen too,
	// each once.
	private static List<RpcServerListener> listeners(Builder builder) {
		Map<RpcServerListener, Boolean> listeners = new IdentityHashMap<>();
		List<RpcServerListener> ordered = new ArrayList<>();
		List<Object> candidates = new ArrayList<>(builder.listeners);
		candidates.addAll(builder.middleware);
		candidates.addAll(builder.connectionMiddleware);
		candidates.addAll(builder.processors);
		candidates.addAll(builder.observers);
		for (Object candidate : candidates) {
			if (candidate instanceof RpcServerListener listener && listeners.put(listener, Boolean.TRUE) == null) {
				ordered.add(listener);
			}
		}
		return List.copyOf(ordered);
	}

	/**
	 * Start building a server.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Create the default worker executor: a bounded pool of platform threads.
	 * @param maxThreads the number of threads
	 * @param queueCapacity the number of calls that may wait for a thread; more are
	 * refused with {@link RpcStatus#RESOURCE_EXHAUSTED}
	 * @return the executor
	 */
	public static ExecutorService defaultExecutor(int maxThreads, int queueCapacity) {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(queueCapacity), new DefaultThreadFactory("easyrpc-worker", true));
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private void registerReflection() {
		Reflection reflection = this.registry::describe;
		try {
			this.registry.register(ServiceDefinition.builder(reflection)
				.type(Reflection.class)
				.group(Reflection.GROUP)
				.name("Reflection")
				.method(Reflection.class.getMethod("describe"))
				.methodOptions((method) -> new MethodOptions(null, false, true))
				.build());
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Bind every address and start serving.
	 * @throws IllegalStateException if an address cannot be bound; addresses already
	 * bound are released
	 */
	public void start() {
		List<SocketAddress> bound = bind();
		if (bound == null) {
			return;
		}
		// outside the lock: a listener may call back into the server, from any thread
		for (RpcServerListener listener : this.listeners) {
			try {
				listener.serverStarted(this, bound);
			}
			catch (RuntimeException ex) {
				logger.warn("easyrpc server listener {} failed on start", listener, ex);
			}
		}
	}

	private synchronized @Nullable List<SocketAddress> bind() {
		if (this.running) {
			return null;
		}
		this.resources = (this.sharedResources != null) ? this.sharedResources
				: new TransportResources("easyrpc-server", this.ioThreads, this.ioTransport);
		this.executor = (this.sharedExecutor != null) ? this.sharedExecutor : defaultExecutor(200, 100_000);
		this.calls.open(this.executor);
		try {
			for (RpcServerListener listener : this.listeners) {
				listener.serverStarting(this);
			}
			for (RpcAddress address : this.addresses) {
				if (address.isUnixSocket()) {
					removeStaleSocketFile(address);
				}
				ChannelFuture bind = this.resources.bind(address, new ChannelInitializer<>() {

					@Override
					protected void initChannel(Channel channel) {
						initConnection(channel, address);
					}

				}, this::customize).awaitUninterruptibly();
				if (!bind.isSuccess()) {
					throw new RpcServerBindException(address, bind.cause());
				}
				this.serverChannels.add(bind.channel());
				if (address.isUnixSocket()) {
					this.socketFiles.add(Path.of(address.host()));
				}
				SocketAddress local = bind.channel().localAddress();
				if (local instanceof InetSocketAddress inet && this.port < 0) {
					this.port = inet.getPort();
				}
			}
		}
		catch (RuntimeException ex) {
			closeServerChannels();
			removeSocketFiles();
			if (this.sharedResources == null) {
				this.resources.close();
			}
			shutdownOwnedExecutor();
			throw ex;
		}
		this.running = true;
		List<SocketAddress> bound = this.serverChannels.stream().map(Channel::localAddress).toList();
		List<String> described = new ArrayList<>();
		for (int i = 0; i < bound.size(); i++) {
			described.add(SocketAddresses.describe(bound.get(i), this.addresses.get(i)));
		}
		logger.info("easyrpc server listens on {} with the Netty {} transport", String.join(", ", described),
				this.resources.transport().propertyValue());
		startAwaitThread();
		return bound;
	}

	// A socket file left by a process that died is removed; one that a live server
	// still accepts on, or a file that is not a socket, is left alone and the bind
	// fails.
	private static void removeStaleSocketFile(RpcAddress address) {
		Path file = Path.of(address.host());
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return;
		}
		if (!attributes.isOther()) {
			throw new RpcServerBindException(address,
					new IOException(file + " exists and is not a socket file; remove it or choose another path"));
		}
		try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			probe.connect(UnixDomainSocketAddress.of(file));
		}
		catch (IOException ex) {
			try {
				Files.deleteIfExists(file);
				logger.info("Removed the stale socket file {} (nothing accepted on it)", file);
			}
			catch (IOException deleteFailure) {
				throw new RpcServerBindException(address, deleteFailure);
			}
			return;
		}
		throw new RpcServerBindException(address, new IOException("Another server accepts connections on " + file));
	}

	private void removeSocketFiles() {
		for (Path file : this.socketFiles) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				logger.warn("Could not remove the socket file {}: {}", file, ex.toString());
			}
		}
		this.socketFiles.clear();
	}

	// Netty's threads are daemons; like an embedded web server, a running RPC server
	// keeps the JVM alive with one non-daemon thread until it is stopped.
	private void startAwaitThread() {
		Thread thread = new Thread(() -> {
			synchronized (this) {
				while (this.running) {
					try {
						wait();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
		}, "easyrpc-server-await");
		thread.setDaemon(false);
		thread.start();
	}

	private void customize(ServerBootstrap bootstrap) {
		customizeAllocator(bootstrap);
		for (TransportResources.BootstrapCustomizer<ServerBootstrap> customizer : this.customizers) {
			customizer.customize(bootstrap);
		}
	}

	private void customizeAllocator(ServerBootstrap bootstrap) {
		if (this.allocator != null) {
			bootstrap.option(ChannelOption.ALLOCATOR, this.allocator)
				.childOption(ChannelOption.ALLOCATOR, this.allocator);
		}
	}

	// The idle handler comes first: any bytes read count as traffic, also those of a
	// frame that is still arriving.
	//
	// A connection accepted just before the server stops is registered with its event
	// loop by a task of that loop, and becomes active (and one of the connections) only
	// at the end of that task. The stop may go through its connections before that, and
	// an event loop whose shutdown is asked for while it runs tasks ends without closing
	// its channels: such a connection would never close, keeping its socket and what it
	// wrote. So every accepted channel is known until it closes, and the stop closes
	// those left; one registered once the stop has begun, or once its event loop is
	// shutting down, is closed before it gets any handler.
	private void initConnection(Channel channel, RpcAddress address) {
		this.acceptedChannels.add(channel);
		channel.closeFuture().addListener((future) -> this.acceptedChannels.remove(channel));
		if (channel.eventLoop().isShuttingDown() || this.calls.isRefusing()) {
			channel.close();
			return;
		}
		addIdleHandler(channel);
		if (this.sslContexts != null && !address.isInProcess()) {
			// Each connection takes the context current when it is accepted.
			Tls.addServerHandlers(channel, this.sslContexts.get());
		}
		String transport = address.isInProcess() ? CallInfo.IN_PROCESS
				: address.isUnixSocket() ? CallInfo.UNIX : CallInfo.TCP;
		ServerConnection connection = new ServerConnection(this, this.maxFrameSize, transport, null, null);
		if (!address.isInProcess()) {
			// MessagePack-RPC peers are told apart by their first bytes, after TLS.
			channel.pipeline()
				.addLast(ServerConnection.DETECTION,
						connection.protocolDetection(this.msgpackRpc, this.maxFrameSize, this.inboundMemory));
		}
		StreamFraming.addHandlers(channel.pipeline(), this.maxFrameSize, this.inboundMemory, this.frameTimeoutNanos);
		addConnectionHandler(channel, connection);
	}

	private void addIdleHandler(Channel channel) {
		if (this.idleTimeout != null && !this.idleTimeout.isZero() && !this.idleTimeout.isNegative()) {
			channel.pipeline()
				.addLast("idle", new IdleStateHandler(this.idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
		}
	}

	private void addConnectionHandler(Channel channel, ServerConnection connection) {
		connection.limitOutbound(this.maxOutboundPerConnection);
		channel.pipeline().addLast("easyrpc", connection);
	}

	/**
	 * Open a connection whose messages arrive over a message-oriented transport that this
	 * server does not accept itself, such as a WebSocket session of a web server. Each
	 * message in either direction carries the preface or one frame body
	 * ({@link MessageConnection}); the connection runs on one of the server's event
	 * loops, without an in-process hop. It is served like one accepted on a socket
	 * (connection middleware, authentication, limits, observations), with the given
	 * addresses and transport name.
	 * @param transport the transport name observations report, for example
	 * {@link CallInfo#WEBSOCKET}
	 * @param remoteAddress the peer's address
	 * @param localAddress this side's address, may be {@code null}
	 * @param sink where the server's messages go
	 * @return the connection, open
	 * @throws IllegalStateException if the server is not running or the connection cannot
	 * be opened
	 */
	public MessageConnection openMessageConnection(String transport, SocketAddress remoteAddress,
			@Nullable SocketAddress localAddress, MessageChannel.Sink sink) {
		Objects.requireNonNull(transport, "transport must not be null");
		Objects.requireNonNull(sink, "sink must not be null");
		TransportResources transportResources = this.resources;
		if (!this.running || this.calls.isRefusing()) {
			throw new IllegalStateException("The easyrpc server is not running");
		}
		MessageChannel channel = new MessageChannel(sink, remoteAddress, localAddress,
				(this.allocator != null) ? this.allocator : TransportResources.ALLOCATOR);
		addIdleHandler(channel);
		ServerConnection connection = new ServerConnection(this, this.maxFrameSize, transport, remoteAddress,
				localAddress);
		channel.pipeline()
			.addLast(ServerConnection.DETECTION,
					connection.protocolDetection(this.msgpackRpc, this.maxFrameSize, this.inboundMemory));
		addConnectionHandler(channel, connection);
		ChannelFuture registration = transportResources.register(channel).awaitUninterruptibly();
		if (!registration.isSuccess()) {
			throw new IllegalStateException("Could not open an easyrpc connection: " + registration.cause(),
					registration.cause());
		}
		if (!this.running) {
			// stop() ran while the channel registered and may have missed it: a channel
			// without a socket is not closed by its event loop's shutdown.
			channel.close();
			throw new IllegalStateException("The easyrpc server is not running");
		}
		return new MessageConnection(channel, this.maxFrameSize);
	}

	/**
	 * Stop serving: refuse new calls, stop accepting connections, wait for calls in
	 * flight to finish for up to {@code drainTimeout}, then close every connection.
	 * @param drainTimeout how long calls in flight may take to finish
	 */
	public void stop(Duration drainTimeout) {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			for (RpcServerListener listener : this.listeners) {
				try {
					listener.serverStopping(this);
				}
				catch (RuntimeException ex) {
					logger.warn("easyrpc server listener {} failed on stopping", listener, ex);
				}
			}
			this.running = false;
			this.calls.refuse();
			notifyAll();
		}
		long stopStarted = System.nanoTime();
		int atStop = this.calls.active();
		logger.info("easyrpc server stopping: draining {} call(s) in flight for up to {} ms", atStop,
				drainTimeout.toMillis());
		for (ServerConnection connection : this.connections) {
			connection.goAway(RpcStatus.UNAVAILABLE, "Server is shutting down");
		}
		closeServerChannels();
		int inFlight = this.calls.awaitIdle(drainTimeout);
		if (inFlight > 0) {
			logger.warn("easyrpc server stopped with {} calls still in flight after {}", inFlight, drainTimeout);
		}
		awaitClientsClosing(stopStarted + drainTimeout.toNanos());
		for (ServerConnection connection : this.connections) {
			connection.closeAfterFlush().awaitUninterruptibly(1, TimeUnit.SECONDS);
		}
		for (Channel channel : this.acceptedChannels) {
			channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
		}
		this.port = -1;
		removeSocketFiles();
		shutdownOwnedExecutor();
		if (this.sharedResources == null) {
			this.resources.close();
		}
		RpcServerListener.Drain drain = new RpcServerListener.Drain(Math.max(0, atStop - inFlight), inFlight,
				Duration.ofNanos(System.nanoTime() - stopStarted));
		logger.info("easyrpc server stopped: drained {} call(s) in {} ms", drain.drainedCalls(),
				drain.duration().toMillis());
		this.calls.drained();
		for (RpcServerListener listener : this.listeners) {
			try {
				listener.serverStopped(this, drain);
			}
			catch (RuntimeException ex) {
				logger.warn("easyrpc server listener {} failed on stop", listener, ex);
			}
		}
	}

	// A request the client sent before it saw the GOAWAY may still be on its way: it is
	// answered as not started, and the client closes the connection once its calls are
	// answered. Give clients a moment to do so, within the drain timeout.
	private void awaitClientsClosing(long drainDeadline) {
		long deadline = Math.min(drainDeadline, System.nanoTime() + CLIENT_CLOSE_GRACE_NANOS);
		for (ServerConnection connection : this.connections) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			Channel channel = connection.channel();
			if (channel != null) {
				channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
			}
		}
	}

	private void shutdownOwnedExecutor() {
		if (this.sharedExecutor == null && this.executor instanceof ExecutorService service) {
			service.shutdown();
		}
	}

	private void closeServerChannels() {
		for (Channel channel : this.serverChannels) {
			channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
		this.serverChannels.clear();
	}

	/**
	 * Return whether TCP connections use TLS.
	 * @return {@code true} if the server has a TLS context
	 */
	public boolean isTls() {
		return this.sslContexts != null;
	}

	/**
	 * Return whether the server is started and not stopped.
	 * @return {@code true} while serving
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return whether the server is shutting down: refusing new calls while those in
	 * flight finish. Turns {@code false} once {@link #stop(Duration)} has returned.
	 * @return {@code true} while draining
	 */
	public boolean isDraining() {
		return this.calls.isDraining();
	}

	/**
	 * Return the bound TCP port.
	 * @return the port, or {@code -1} if the server has no bound TCP address
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the addresses the server binds.
	 * @return the configured addresses
	 */
	public List<RpcAddress> addresses() {
		return this.addresses;
	}

	/**
	 * Return the registry of served methods.
	 * @return the registry
	 */
	public ServiceRegistry registry() {
		return this.registry;
	}

	/**
	 * Return the gateway routes: the key prefixes whose calls the server forwards, and
	 * where to.
	 * @return the targets by prefix, in the order added
	 */
	public Map<String, Forwarding.Target> routes() {
		return this.routes;
	}

	/**
	 * Return the codec.
	 * @return the codec
	 */
	public ObjectCodec codec() {
		return this.codec;
	}

	/**
	 * Return the codec of connections whose client announces JSON payloads.
	 * @return the codec, or {@code null} when the server refuses such connections
	 */
	public @Nullable ObjectCodec jsonCodec() {
		return this.runtime.jsonCodec();
	}

	/**
	 * Return the number of open connections.
	 * @return the connection count
	 */
	public int connectionCount() {
		return this.connections.size();
	}

	/**
	 * Return the number of calls being served.
	 * @return the active call count
	 */
	public int activeCalls() {
		return this.calls.active();
	}

	/**
	 * Return the number of open sessions over all connections: sessions that clients
	 * started with {@link io.easyrpc.RpcSession} and have not ended yet.
	 * @return the session count
	 */
	public int sessionCount() {
		int count = 0;
		for (ServerConnection connection : this.connections) {
			count += connection.sessionCount();
		}
		return count;
	}

	/**
	 * Return how many sessions one connection may have open at once.
	 * @return the limit
	 */
	public int maxSessionsPerConnection() {
		return this.runtime.maxSessionsPerConnection();
	}

	/**
	 * Return the credit, in items, that the server grants a client stream ahead of the
	 * method that consumes it.
	 * @return the window
	 */
	public int streamWindow() {
		return this.runtime.streamWindow();
	}

	/**
	 * Return a snapshot of the open connections.
	 * @return the connections
	 */
	public List<ConnectionInfo> connections() {
		List<ConnectionInfo> result = new ArrayList<>();
		for (ServerConnection connection : this.connections) {
			SocketAddress peer = connection.remoteAddress();
			result.add(new ConnectionInfo(SocketAddresses.describePeer(peer, connection.localAddress()),
					connection.createdAt(), connection.calls(), connection.transport()));
		}
		return result;
	}

	/**
	 * Return whether clients must prove that they know a shared secret before they may
	 * call.
	 * @return {@code true} if the server has a shared secret
	 */
	public boolean requiresAuthentication() {
		return this.runtime.sharedSecret() != null;
	}

	/**
	 * Return whether the server serves MessagePack-RPC peers on its ports.
	 * @return {@code true} or {@code false} as set, or {@code null} for the default:
	 * served unless the server {@link #requiresAuthentication() requires authentication}
	 * @see Builder#msgpackRpc(Boolean)
	 */
	public @Nullable Boolean msgpackRpc() {
		return this.msgpackRpc;
	}

	/**
	 * Return how long a client has to authenticate after connecting, when the server
	 * {@link #requiresAuthentication() requires authentication}.
	 * @return the authentication timeout
	 */
	public Duration authTimeout() {
		return this.runtime.authTimeout();
	}

	/**
	 * Return the connection middleware, in the order they are asked about a new
	 * connection.
	 * @return the connection middleware
	 */
	public List<ConnectionMiddleware> connectionMiddleware() {
		return this.runtime.connectionMiddleware();
	}

	/**
	 * A snapshot of one open connection.
	 *
	 * @param peer the peer address
	 * @param since when the connection was opened, in epoch milliseconds
	 * @param calls how many calls the peer made on it
	 * @param transport how the peer is connected: {@code tcp}, {@code unix},
	 * {@code inproc} or {@code websocket}
	 */
	public record ConnectionInfo(String peer, long since, long calls, String transport) {
	}

	/**
	 * Builder of {@link RpcServer}.
	 */
	public static final class Builder extends TransportBuilder<Builder> {

		private final List<RpcAddress> addresses = new ArrayList<>();

		private @Nullable ServiceRegistry registry;

		private @Nullable ObjectCodec codec;

		private @Nullable JsonObjectCodec jsonCodec;

		private boolean jsonEnabled = true;

		private @Nullable Executor executor;

		private @Nullable ConcurrencyLimit concurrencyLimit;

		private @Nullable Duration idleTimeout = Duration.ofSeconds(60);

		private long maxInboundMemory;

		private @Nullable Duration frameTimeout = Duration.ofSeconds(30);

		private long maxOutboundPerConnection = DEFAULT_MAX_OUTBOUND_PER_CONNECTION;

		private boolean exposeStackTraces;

		private Duration authTimeout = Duration.ofSeconds(10);

		private @Nullable Boolean msgpackRpc;

		private int maxSessionsPerConnection = 1000;

		private @Nullable Duration dedupTtl = Duration.ofMinutes(5);

		private int dedupMaxEntries = 100_000;

		private long dedupMaxBytes = 64L * 1024 * 1024;

		private int streamWindow = ServerInput.DEFAULT_WINDOW;

		private final List<RpcExceptionResolver> exceptionResolvers = new ArrayList<>();

		private final List<ServerCallObserver> observers = new ArrayList<>();

		private final List<RpcMiddleware> middleware = new ArrayList<>();

		private final List<RpcProcessor> processors = new ArrayList<>();

		private final List<ConnectionMiddleware> connectionMiddleware = new ArrayList<>();

		private final List<TransportResources.BootstrapCustomizer<ServerBootstrap>> customizers = new ArrayList<>();

		private final Map<String, Forwarding.Target> routes = new LinkedHashMap<>();

		private final List<RpcServerListener> listeners = new ArrayList<>();

		private Builder() {
			super(true);
		}

		private TransportOptions transport() {
			return transportSettings();
		}

		private @Nullable SharedSecret secret() {
			return sharedSecretSetting();
		}

		/**
		 * Add an address to bind, for example {@code RpcAddress.tcp("0.0.0.0", 7070)} or
		 * {@code RpcAddress.unix("/run/app/rpc.sock")}. A unix domain socket file left
		 * behind by a process that died is replaced; the file is removed when the server
		 * stops.
		 * @param address the address
		 * @return this builder
		 * @throws IllegalArgumentException for a WebSocket address, which a server does
		 * not bind
		 */
		public Builder address(RpcAddress address) {
			Objects.requireNonNull(address, "address must not be null");
			if (address.isWebSocket()) {
				throw new IllegalArgumentException("An easyrpc server cannot bind " + address
						+ ": it listens on tcp:// and inproc:// addresses; WebSocket clients are served by the "
						+ "application's web server (easyrpc.server.websocket.*)");
			}
			this.addresses.add(address);
			return this;
		}

		/**
		 * Set the registry of served methods. Defaults to an empty registry.
		 * @param registry the registry
		 * @return this builder
		 */
		public Builder registry(ServiceRegistry registry) {
			this.registry = registry;
			return this;
		}

		/**
		 * Set the codec. Must be the codec the registry was created with.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ObjectCodec codec) {
			this.codec = codec;
			return this;
		}

		/**
		 * Set the codec of connections whose client announces JSON payloads in its
		 * preface ({@code easyrpc.client.targets.<name>.codec: json}). Defaults to
		 * {@link JsonObjectCodec#createDefault()}. The method types the registry resolved
		 * with {@link #codec(ObjectCodec) the codec} serve these connections too.
		 * @param jsonCodec the codec
		 * @return this builder
		 */
		public Builder jsonCodec(JsonObjectCodec jsonCodec) {
			this.jsonCodec = jsonCodec;
			return this;
		}

		/**
		 * Set whether the server accepts connections whose client announces JSON
		 * payloads. When it does not, its preface says so and such clients fail to
		 * connect with {@code INVALID_ARGUMENT}. Defaults to {@code true}.
		 * @param jsonEnabled whether JSON connections are accepted
		 * @return this builder
		 */
		public Builder jsonEnabled(boolean jsonEnabled) {
			this.jsonEnabled = jsonEnabled;
			return this;
		}

		/**
		 * Set the executor for blocking methods. Defaults to a pool of 200 threads that
		 * the server creates when it starts and shuts down when it stops.
		 * @param executor the executor, not shut down by the server
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = executor;
			return this;
		}

		/**
		 * Limit the unary calls in flight on the whole server: calls beyond the limit are
		 * refused at once with {@code RESOURCE_EXHAUSTED} and a retry hint instead of
		 * waiting for a worker past their deadline. Off by default.
		 * @param concurrencyLimit the limit, for example
		 * {@link ConcurrencyLimit#DEFAULT}, or {@code null} for none
		 * @return this builder
		 */
		public Builder concurrencyLimit(@Nullable ConcurrencyLimit concurrencyLimit) {
			this.concurrencyLimit = concurrencyLimit;
			return this;
		}

		/**
		 * Set how long a connection may stay silent before it is closed. Default 60
		 * seconds; zero disables the check.
		 * @param idleTimeout the idle timeout
		 * @return this builder
		 */
		public Builder idleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Set the most bytes that all connections of the server together may hold in
		 * frames that have not fully arrived yet. A frame that does not arrive in one
		 * read reserves its whole length; when the limit is reached, the connections
		 * waiting for room stop reading until memory is released, and are not closed. A
		 * frame larger than the limit is refused with a {@code GOAWAY} frame
		 * ({@link RpcStatus#RESOURCE_EXHAUSTED}). Defaults to a quarter of the JVM's
		 * direct memory limit ({@code -XX:MaxDirectMemorySize}, by default the maximum
		 * heap size), and at least one frame of the maximum frame size.
		 * @param bytes the limit in bytes, {@code 0} for the default
		 * @return this builder
		 */
		public Builder maxInboundMemory(long bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("maxInboundMemory must not be negative, not " + bytes);
			}
			this.maxInboundMemory = bytes;
			return this;
		}

		/**
		 * Set how long a frame may take to arrive, counted from its first byte (or from
		 * the moment the server had memory for it). A connection whose frame is not
		 * complete by then is closed with a {@code GOAWAY} frame
		 * ({@link RpcStatus#RESOURCE_EXHAUSTED}). Default 30 seconds; zero disables the
		 * check. The {@link #idleTimeout(Duration) idle timeout} counts bytes and is not
		 * reset by a frame that trickles in: this is the limit for that.
		 * @param frameTimeout the frame timeout
		 * @return this builder
		 */
		public Builder frameTimeout(@Nullable Duration frameTimeout) {
			if (frameTimeout != null && frameTimeout.isNegative()) {
				throw new IllegalArgumentException("frameTimeout must not be negative, not " + frameTimeout);
			}
			this.frameTimeout = frameTimeout;
			return this;
		}

		/**
		 * Set the most bytes that may wait to be sent to one client that does not read.
		 * Streams pause while a connection is not writable; results that keep coming for
		 * a client that has stopped reading are dropped once this much waits, and the
		 * connection is closed with a {@code GOAWAY} frame
		 * ({@link RpcStatus#RESOURCE_EXHAUSTED}) and a warning. Default 32 MiB; zero
		 * disables the limit.
		 * @param bytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxOutboundPerConnection(long bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("maxOutboundPerConnection must not be negative, not " + bytes);
			}
			this.maxOutboundPerConnection = bytes;
			return this;
		}

		/**
		 * Set how long a client of a server with a {@link #sharedSecret(byte[]) shared
		 * secret} has to authenticate after connecting before it is disconnected. Default
		 * 10 seconds.
		 * @param authTimeout the authentication timeout, positive
		 * @return this builder
		 */
		public Builder authTimeout(Duration authTimeout) {
			Objects.requireNonNull(authTimeout, "authTimeout must not be null");
			if (authTimeout.isZero() || authTimeout.isNegative()) {
				throw new IllegalArgumentException("authTimeout must be positive");
			}
			this.authTimeout = authTimeout;
			return this;
		}

		/**
		 * Set whether the server serves MessagePack-RPC peers on its TCP and unix ports
		 * and WebSocket sessions: a connection that starts with a MessagePack-RPC request
		 * or notification instead of the easyrpc preface is served by the MessagePack-RPC
		 * spec, with the same services, middleware and limits. MessagePack-RPC has no
		 * authentication handshake, so such peers skip the shared-secret handshake: only
		 * TLS, connection middleware (such as IP filters) and call middleware protect the
		 * services from them.
		 * @param enabled {@code true} to serve them even when the server has a
		 * {@link #sharedSecret(byte[]) shared secret}, {@code false} to refuse them, or
		 * {@code null} (the default) to serve them unless the server has a shared secret
		 * @return this builder
		 */
		public Builder msgpackRpc(@Nullable Boolean enabled) {
			this.msgpackRpc = enabled;
			return this;
		}

		/**
		 * Set how many {@link io.easyrpc.RpcSession sessions} one connection may have
		 * open at once. A call that would open one more fails with
		 * {@link RpcStatus#RESOURCE_EXHAUSTED}; calls of sessions already open go on.
		 * Default 1000.
		 * @param maxSessionsPerConnection the limit, at least 1
		 * @return this builder
		 */
		public Builder maxSessionsPerConnection(int maxSessionsPerConnection) {
			if (maxSessionsPerConnection < 1) {
				throw new IllegalArgumentException(
						"maxSessionsPerConnection must be at least 1, not " + maxSessionsPerConnection);
			}
			this.maxSessionsPerConnection = maxSessionsPerConnection;
			return this;
		}

		/**
		 * Set how long the server keeps the outcome of a call that carries an idempotency
		 * key (calls of {@link io.easyrpc.RpcMethod#idempotent() idempotent} methods): a
		 * request that comes again with the same key, method and caller host within this
		 * time gets the kept outcome, or joins the call while it runs, instead of running
		 * the method again; such a call also runs on when its connection closes, so that
		 * its caller can re-attach. Only unary calls outside sessions are de-duplicated.
		 * Default 5 minutes; {@code null} turns de-duplication off.
		 * @param ttl a positive duration, or {@code null}
		 * @return this builder
		 */
		public Builder dedupTtl(@Nullable Duration ttl) {
			if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
				throw new IllegalArgumentException("dedupTtl must be positive, not " + ttl);
			}
			this.dedupTtl = ttl;
			return this;
		}

		/**
		 * Set the most calls the de-duplication keeps, running or ended; the oldest
		 * outcomes make room first. Default 100 000.
		 * @param maxEntries at least 1
		 * @return this builder
		 */
		public Builder dedupMaxEntries(int maxEntries) {
			if (maxEntries < 1) {
				throw new IllegalArgumentException("dedupMaxEntries must be at least 1, not " + maxEntries);
			}
			this.dedupMaxEntries = maxEntries;
			return this;
		}

		/**
		 * Set the most bytes of kept outcomes (encoded results and errors, with their
		 * keys). Default 64 MiB.
		 * @param maxBytes at least 1
		 * @return this builder
		 */
		public Builder dedupMaxBytes(long maxBytes) {
			if (maxBytes < 1) {
				throw new IllegalArgumentException("dedupMaxBytes must be at least 1, not " + maxBytes);
			}
			this.dedupMaxBytes = maxBytes;
			return this;
		}

		/**
		 * Set the credit, in items, that the server grants a client stream (a method's
		 * {@code Flux} or {@code Flow.Publisher} parameter) ahead of the method: at most
		 * this many of the client's items wait on the server however slowly the method
		 * takes them. It is topped up by half a window as the method takes items. Default
		 * 32; larger windows help fast methods on high-latency links, smaller ones bound
		 * the memory of large items.
		 * @param streamWindow the window, at least 1
		 * @return this builder
		 */
		public Builder streamWindow(int streamWindow) {
			if (streamWindow < 1) {
				throw new IllegalArgumentException("streamWindow must be at least 1, not " + streamWindow);
			}
			this.streamWindow = streamWindow;
			return this;
		}

		/**
		 * Set whether errors carry the server's stack trace. Default {@code false}.
		 * @param exposeStackTraces whether to send stack traces
		 * @return this builder
		 */
		public Builder exposeStackTraces(boolean exposeStackTraces) {
			this.exposeStackTraces = exposeStackTraces;
			return this;
		}

		/**
		 * Add an exception resolver, consulted in the order added.
		 * @param resolver the resolver
		 * @return this builder
		 */
		public Builder exceptionResolver(RpcExceptionResolver resolver) {
			this.exceptionResolvers.add(Objects.requireNonNull(resolver, "resolver must not be null"));
			return this;
		}

		/**
		 * Add an observer of the calls the server receives, for metrics, tracing or
		 * logging.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(ServerCallObserver observer) {
			this.observers.add(Objects.requireNonNull(observer, "observer must not be null"));
			return this;
		}

		/**
		 * Add middleware that wraps every call the server runs; several run in the order
		 * added, each around the next, and around the middleware of the service itself.
		 * @param middleware the middleware
		 * @return this builder
		 */
		public Builder middleware(RpcMiddleware middleware) {
			this.middleware.add(Objects.requireNonNull(middleware, "middleware must not be null"));
			return this;
		}

		/**
		 * Add a middleware that decides on every new connection. Middleware are asked in
		 * the order added; the first refusal wins.
		 * @param middleware the middleware
		 * @return this builder
		 */
		public Builder connectionMiddleware(ConnectionMiddleware middleware) {
			this.connectionMiddleware.add(Objects.requireNonNull(middleware, "middleware must not be null"));
			return this;
		}

		/**
		 * Add a processor of request and response payloads; outgoing payloads pass
		 * through processors in the order added, incoming ones in reverse order. Clients
		 * must use the same processors.
		 * @param processor the processor
		 * @return this builder
		 */
		public Builder processor(RpcProcessor processor) {
			this.processors.add(Objects.requireNonNull(processor, "processor must not be null"));
			return this;
		}

		/**
		 * Add middleware that decide on every new connection, in the order of the list,
		 * after those added before. The first refusal wins.
		 * @param middleware the middleware, in order
		 * @return this builder
		 */
		public Builder connectionMiddleware(List<? extends ConnectionMiddleware> middleware) {
			middleware.forEach(this::connectionMiddleware);
			return this;
		}

		/**
		 * Add a listener told when the server starts and stops. Middleware, processors
		 * and observers that implement {@link RpcServerListener} are told without being
		 * added here.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(RpcServerListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Add a customizer of the Netty server bootstrap.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder bootstrapCustomizer(TransportResources.BootstrapCustomizer<ServerBootstrap> customizer) {
			this.customizers.add(Objects.requireNonNull(customizer, "customizer must not be null"));
			return this;
		}

		/**
		 * Add a gateway route: the server re-exports the target's methods under a key
		 * prefix. A call to {@code <prefix>/Inventory.find} that no method of this server
		 * answers is forwarded to the target as {@code Inventory.find}, frame by frame:
		 * unary calls, notifications, streams in either direction with their credit,
		 * cancellation, the remaining deadline, metadata headers and sessions. Payloads
		 * are never decoded here. The server's own connection middleware, shared secret,
		 * {@link RpcMiddleware} and processors apply to forwarded calls as to local ones;
		 * errors of the target come back unchanged. Usually the target is
		 * {@code io.easyrpc.gateway.GatewayTarget.of(channel)}.
		 * @param prefix the key prefix: one segment, without {@code /} or {@code .}, not
		 * {@code easyrpc}
		 * @param target where the calls go
		 * @return this builder
		 * @throws IllegalArgumentException for an invalid or repeated prefix
		 */
		public Builder route(String prefix, Forwarding.Target target) {
			Objects.requireNonNull(target, "target must not be null");
			checkPrefix(prefix);
			if (this.routes.putIfAbsent(prefix, target) != null) {
				throw new IllegalArgumentException("The gateway route prefix '" + prefix + "' is given twice");
			}
			return this;
		}

		/**
		 * Check a gateway route prefix.
		 * @param prefix the prefix
		 * @throws IllegalArgumentException if it cannot be a route's prefix
		 */
		public static void checkPrefix(@Nullable String prefix) {
			if (prefix == null || prefix.isEmpty()) {
				throw new IllegalArgumentException("A gateway route prefix must not be empty");
			}
			for (int i = 0; i < prefix.length(); i++) {
				char c = prefix.charAt(i);
				if (c == '/' || c == '.' || Character.isWhitespace(c) || Character.isISOControl(c)) {
					throw new IllegalArgumentException("Invalid gateway route prefix '" + prefix
							+ "': one key segment without '/', '.' or white space, such as 'inventory'");
				}
			}
			if (Reflection.GROUP.equals(prefix)) {
				throw new IllegalArgumentException(
						"Invalid gateway route prefix '" + prefix + "': the group '" + prefix + "' is easyrpc's own");
			}
		}

		/**
		 * Build the server. It is not started.
		 * @return the server
		 */
		public RpcServer build() {
			if (this.addresses.isEmpty()) {
				throw new IllegalStateException("An easyrpc server needs at least one address");
			}
			return new RpcServer(this);
		}

	}

}
