package io.easyrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.transport.FrameDecoder;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.Tls;
import io.easyrpc.transport.TransportResources;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's link to one server address: one connection that multiplexes any number of
 * concurrent calls.
 * <p>
 * The connection is made lazily, on the first call, so that an application starts even
 * when its server is down. It counts as made once the server's preface has arrived, so
 * that calls are checked against the server's frame size limit from the first one on.
 * When a connection attempt fails, the calls waiting for it fail with
 * {@link RpcStatus#UNAVAILABLE}, and so does every call until the back-off period has
 * passed; the next call after it tries again. The back-off doubles with each failure up
 * to a maximum and resets once a connection succeeds. A lost connection fails its pending
 * calls at once and is re-made by the next call.
 * <p>
 * With a TLS context ({@link Builder#sslContext(SslContext)}) TCP connections are made
 * over TLS, checking the server's certificate against the host name of the address or
 * {@link Builder#sslServerName(String)}; a failed handshake fails the attempt with
 * {@link RpcStatus#UNAVAILABLE} and a message that starts with "TLS handshake ...
 * failed". In-process connections never use TLS.
 * <p>
 * A {@code ws://} or {@code wss://} address connects to a WebSocket endpoint and sends
 * the same frames, one per binary WebSocket message ({@link WebSocketFraming}), over TLS
 * for {@code wss://}: with the given context, else with the JDK's default trust. A failed
 * upgrade (an HTTP error such as {@code 404} or {@code 403}, a peer that does not speak
 * HTTP, a timeout) fails the attempt with {@link RpcStatus#UNAVAILABLE} and a message
 * naming the URI and the HTTP status, and the back-off applies as after a refused
 * connection.
 * <p>
 * With a {@link Builder#sharedSecret(byte[]) shared secret}, a connection counts as made
 * only once the server has accepted the secret and proven that it knows it too. A refusal
 * fails the waiting calls with {@link RpcStatus#UNAUTHENTICATED} and is a failed attempt
 * like any other: the back-off applies before the next one.
 */
public final class RpcChannel implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RpcChannel.class);

	private final RpcAddress address;

	private final ObjectCodec codec;

	private final TransportResources resources;

	private final boolean ownsResources;

	private final int maxFrameSize;

	private final int connectTimeoutMillis;

	private final Duration keepAlive;

	private final long initialBackoffNanos;

	private final long maxBackoffNanos;

	private final List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers;

	private final List<ClientCallObserver> observers;

	private final ProcessorChain processors;

	private final SharedSecret sharedSecret;

	private final int streamWindow;

	private final String addressText;

	private final String transport;

	private final Supplier<? extends SslContext> sslContexts;

	private final String sslServerName;

	private final Object lock = new Object();

	// Read without the lock on the call path, written under it.
	private volatile ClientConnection connection;

	private ChannelFuture connecting;

	private List<ClientCall> waiting = new ArrayList<>();

	private long backoffNanos;

	private long retryAt;

	private Throwable lastFailure;

	private volatile State state = State.IDLE;

	private volatile boolean closed;

	private RpcChannel(Builder builder) {
		this.address = builder.address;
		this.codec = (builder.codec != null) ? builder.codec : ObjectCodec.createDefault();
		this.ownsResources = builder.resources == null;
		this.resources = this.ownsResources ? new TransportResources("easyrpc-client", 1) : builder.resources;
		this.maxFrameSize = builder.maxFrameSize;
		this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.connectTimeout.toMillis());
		this.keepAlive = builder.keepAlive;
		this.initialBackoffNanos = builder.initialBackoff.toNanos();
		this.maxBackoffNanos = Math.max(builder.maxBackoff.toNanos(), this.initialBackoffNanos);
		this.customizers = List.copyOf(builder.customizers);
		this.observers = List.copyOf(builder.observers);
		this.processors = ProcessorChain.of(builder.processors);
		this.sharedSecret = builder.sharedSecret;
		this.streamWindow = builder.streamWindow;
		this.addressText = this.address.toString();
		this.transport = this.address.isInProcess() ? CallInfo.IN_PROCESS
				: this.address.isWebSocket() ? CallInfo.WEBSOCKET : CallInfo.TCP;
		this.sslContexts = sslContexts(this.address, builder.sslContexts);
		this.sslServerName = (builder.sslServerName != null) ? builder.sslServerName : this.address.host();
	}

	// In-process addresses never use TLS; ws:// is plain text by its scheme, wss://
	// always uses TLS, with the JDK's default trust when no context is given.
	private static Supplier<? extends SslContext> sslContexts(RpcAddress address,
			Supplier<? extends SslContext> configured) {
		if (address.isInProcess()) {
			return null;
		}
		if (address.isWebSocket() && !address.isSecureWebSocket()) {
			if (configured != null) {
				throw new IllegalArgumentException("A TLS context is configured for " + address
						+ ", which is a plain-text WebSocket address: use wss:// for WebSocket over TLS");
			}
			return null;
		}
		if (address.isSecureWebSocket() && configured == null) {
			return Tls.fixed(Tls.defaultClientContext());
		}
		return configured;
	}

	/**
	 * Start building a channel to an address.
	 * @param address the server address
	 * @return a builder
	 */
	public static Builder builder(RpcAddress address) {
		return new Builder(address);
	}

	/**
	 * Return the server address.
	 * @return the address
	 */
	public RpcAddress address() {
		return this.address;
	}

	/**
	 * Return whether connections to the server use TLS.
	 * @return {@code true} for TCP addresses with a TLS context and for {@code wss://}
	 * addresses
	 */
	public boolean isTls() {
		return this.sslContexts != null;
	}

	/**
	 * Return the codec used for arguments and results.
	 * @return the codec
	 */
	public ObjectCodec codec() {
		return this.codec;
	}

	/**
	 * Return the connection state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Return the number of calls waiting for a response.
	 * @return the pending call count
	 */
	public int pendingCalls() {
		synchronized (this.lock) {
			ClientConnection current = this.connection;
			return this.waiting.size() + ((current != null) ? current.pendingCount() : 0);
		}
	}

	/**
	 * Return whether the current thread is the event loop of this channel's connection.
	 * Blocking there for a result would deadlock, since the result arrives on that
	 * thread.
	 * @return {@code true} on the connection's I/O thread
	 */
	public boolean inEventLoop() {
		ClientConnection current = this.connection;
		return current != null && current.inEventLoop();
	}

	/**
	 * Start a call.
	 * @param method the method key
	 * @param arguments the arguments
	 * @param argumentTypes the declared argument types
	 * @param resultType the declared result type
	 * @param timeout the deadline relative to now, or {@code null}/zero for none
	 * @param metadata the metadata; its timeout is replaced by {@code timeout}
	 * @return the future of the result; failures are {@link io.easyrpc.RpcException}s;
	 * cancelling it cancels the call
	 */
	public CompletableFuture<Object> call(String method, Object[] arguments, ValueType[] argumentTypes,
			ValueType resultType, Duration timeout, Metadata metadata) {
		return start(method, arguments, argumentTypes, resultType, timeout, metadata, false, null);
	}

	/**
	 * Send a notification: a one-way call without a response.
	 * @param method the method key
	 * @param arguments the arguments
	 * @param argumentTypes the declared argument types
	 * @param metadata the metadata
	 * @return a future completed once the notification is handed to the connection
	 */
	public CompletableFuture<Object> notify(String method, Object[] arguments, ValueType[] argumentTypes,
			Metadata metadata) {
		return start(method, arguments, argumentTypes, null, null, metadata, true, null);
	}

	ClientCall start(String method, Object[] arguments, ValueType[] argumentTypes, ValueType resultType,
			Duration timeout, Metadata metadata, boolean oneWay, Function<RpcException, Throwable> errorMapper) {
		return start(method, arguments, argumentTypes, resultType, timeout, metadata, oneWay, errorMapper, 0, null,
				null);
	}

	/**
	 * Start a call whose argument at one position is a stream of items.
	 * @param upload sends the items once the call has started; {@code null} for none
	 */
	ClientCall start(String method, Object[] arguments, ValueType[] argumentTypes, ValueType resultType,
			Duration timeout, Metadata metadata, Function<RpcException, Throwable> errorMapper, ClientUpload upload) {
		return start(method, arguments, argumentTypes, resultType, timeout, metadata, false, errorMapper, 0, null,
				upload);
	}

	/**
	 * Start a server stream.
	 * @param signal called when items or the end arrive, set before the call starts
	 */
	ClientStream startStream(String method, Object[] arguments, ValueType[] argumentTypes, ValueType itemType,
			Duration timeout, Metadata metadata, Function<RpcException, Throwable> errorMapper, Runnable signal) {
		return startStream(method, arguments, argumentTypes, itemType, timeout, metadata, errorMapper, signal, null);
	}

	/**
	 * Start a server stream or, with an upload, a bidirectional channel.
	 * @param signal called when items or the end arrive, set before the call starts
	 * @param upload sends the client's items once the call has started; {@code null} for
	 * none
	 */
	ClientStream startStream(String method, Object[] arguments, ValueType[] argumentTypes, ValueType itemType,
			Duration timeout, Metadata metadata, Function<RpcException, Throwable> errorMapper, Runnable signal,
			ClientUpload upload) {
		return (ClientStream) start(method, arguments, argumentTypes, itemType, timeout, metadata, false, errorMapper,
				this.streamWindow, signal, upload);
	}

	private ClientCall start(String method, Object[] arguments, ValueType[] argumentTypes, ValueType resultType,
			Duration timeout, Metadata metadata, boolean oneWay, Function<RpcException, Throwable> errorMapper,
			int streamWindow, Runnable signal, ClientUpload upload) {
		long timeoutNanos = (timeout != null && !timeout.isNegative()) ? timeout.toNanos() : 0;
		long timeoutMillis = (timeoutNanos > 0) ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)) : 0;
		Metadata effective = (metadata != null) ? metadata : Metadata.EMPTY;
		RpcSession session = RpcSession.current();
		if (session != null && effective.sessionId() == null) {
			effective = new Metadata(timeoutMillis, effective.idempotencyKey(), session.id(), effective.headers());
		}
		else if (effective.timeoutMillis() != timeoutMillis) {
			effective = new Metadata(timeoutMillis, effective.idempotencyKey(), effective.sessionId(),
					effective.headers());
		}
		CallObservation observation = null;
		if (!this.observers.isEmpty()) {
			Map<String, String> headers = new LinkedHashMap<>(effective.headers());
			observation = observe(new CallInfo(method, this.addressText, headers, oneWay, streamWindow > 0,
					upload != null, this.transport));
			effective = new Metadata(effective.timeoutMillis(), effective.idempotencyKey(), effective.sessionId(),
					headers);
		}
		long deadline = (timeoutNanos > 0) ? System.nanoTime() + timeoutNanos : 0;
		Object[] args = (arguments != null) ? arguments : new Object[0];
		ClientCall call;
		if (streamWindow > 0) {
			ClientStream stream = new ClientStream(this, method, args, argumentTypes, resultType, effective, deadline,
					errorMapper, streamWindow);
			stream.signal(signal);
			call = stream;
		}
		else {
			call = new ClientCall(this, method, args, argumentTypes, resultType, effective, deadline, oneWay,
					errorMapper);
		}
		call.observation = observation;
		if (upload != null) {
			call.upload = upload;
			upload.attach(call);
		}
		if (session != null) {
			call.session = session;
			if (session.isClosed()) {
				call.fail(RpcStatus.INVALID_ARGUMENT, "Cannot call " + method + " in " + session + ": it is closed");
				return call;
			}
			if (session.binding(this) instanceof SessionBinding binding) {
				startPinned(binding, call);
				return call;
			}
		}
		ClientConnection current = this.connection;
		if (current != null && current.isUsable() && !this.closed) {
			startOn(current, call);
			return call;
		}
		synchronized (this.lock) {
			if (this.closed) {
				call.fail(RpcStatus.UNAVAILABLE, "Client for " + this.address + " is closed");
				return call;
			}
			current = this.connection;
			if (current == null || !current.isUsable()) {
				this.connection = null;
				ChannelFuture attempt = this.connecting;
				if (attempt == null) {
					long wait = this.retryAt - System.nanoTime();
					if (this.lastFailure != null && wait > 0) {
						call.fail(status(this.lastFailure), failureMessage(this.lastFailure) + " (next attempt in "
								+ TimeUnit.NANOSECONDS.toMillis(wait) + " ms)");
						return call;
					}
					this.waiting.add(call);
					attempt = connect();
				}
				else {
					this.waiting.add(call);
				}
				if (deadline != 0 && !call.isDone()) {
					call.timer = attempt.channel()
						.eventLoop()
						.schedule(() -> waitTimedOut(call), timeoutNanos, TimeUnit.NANOSECONDS);
				}
				return call;
			}
		}
		startOn(current, call);
		return call;
	}

	// A call of a session goes to the connection the session is bound to on this
	// channel, binding it to this one if it is the session's first call here.
	private void startOn(ClientConnection connection, ClientCall call) {
		RpcSession session = call.session;
		if (session != null) {
			RpcSession.Binding bound = session.bind(this, new SessionBinding(this, connection));
			if (bound instanceof SessionBinding binding && binding.connection() != connection) {
				startPinned(binding, call);
				return;
			}
			connection.start(call);
			if (session.isClosed()) {
				// The session closed while its first call here waited for the connection:
				// end it after that call, so that the server does not keep it.
				endSession(connection, session);
			}
			return;
		}
		connection.start(call);
	}

	private void startPinned(SessionBinding binding, ClientCall call) {
		ClientConnection pinned = binding.connection();
		if (this.closed) {
			call.fail(RpcStatus.UNAVAILABLE, "Client for " + this.address + " is closed");
		}
		else if (!pinned.isUsable()) {
			call.fail(RpcStatus.UNAVAILABLE,
					"The session's connection closed: " + call.session + " was bound to a connection to " + this.address
							+ " that is gone, and its calls do not move to another one; " + "open a new session");
		}
		else {
			pinned.start(call);
		}
	}

	// Sends the end of a session on the connection it was bound to, if still open.
	void endSession(ClientConnection connection, RpcSession session) {
		if (this.closed || !connection.isUsable()) {
			return;
		}
		ClientCall end = new ClientCall(this, RpcSession.END_METHOD, new Object[0], new ValueType[0], null,
				new Metadata(0, null, session.id(), null), 0, true, null);
		connection.start(end);
	}

	private CallObservation observe(CallInfo info) {
		if (this.observers.size() == 1) {
			return this.observers.get(0).start(info);
		}
		List<CallObservation> observations = new ArrayList<>(this.observers.size());
		for (ClientCallObserver observer : this.observers) {
			observations.add(observer.start(info));
		}
		return CallObservation.of(observations);
	}

	String addressText() {
		return this.addressText;
	}

	private ChannelFuture connect() {
		this.state = State.CONNECTING;
		long keepAliveNanos = (this.keepAlive != null && !this.keepAlive.isNegative()) ? this.keepAlive.toNanos() : 0;
		ClientConnection handler = new ClientConnection(this, this.codec, this.processors, this.maxFrameSize,
				Math.max(1, this.connectTimeoutMillis), keepAliveNanos, this.sharedSecret);
		ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {

			@Override
			protected void initChannel(Channel channel) {
				if (RpcChannel.this.sslContexts != null) {
					// Each connection takes the context current when it is made.
					Tls.addClientHandler(channel, RpcChannel.this.sslContexts.get(), RpcChannel.this.sslServerName,
							RpcChannel.this.address.port());
				}
				if (RpcChannel.this.address.isWebSocket()) {
					WebSocketFraming framing = WebSocketFraming.addClientHandlers(channel.pipeline(),
							RpcChannel.this.address.toUri(), RpcChannel.this.maxFrameSize,
							Math.max(1, RpcChannel.this.connectTimeoutMillis));
					// A failed upgrade is a failed connection attempt, like a refused
					// connect.
					framing.handshakeFuture().addListener((upgrade) -> {
						if (!upgrade.isSuccess()) {
							handler.connectFailed(upgrade.cause());
						}
					});
				}
				else {
					channel.pipeline().addLast("frameDecoder", new FrameDecoder(RpcChannel.this.maxFrameSize));
				}
				channel.pipeline().addLast("easyrpc", handler);
			}

		};
		ChannelFuture future = this.resources.connect(this.address, initializer, this.connectTimeoutMillis,
				(bootstrap) -> this.customizers.forEach((customizer) -> customizer.customize(bootstrap)));
		this.connecting = future;
		future.addListener((done) -> {
			if (!done.isSuccess()) {
				handler.connectFailed(done.cause());
			}
		});
		handler.ready().whenComplete((ready, failure) -> connected(future, handler, failure));
		return future;
	}

	// Called once the server's preface has arrived, or the attempt failed.
	private void connected(ChannelFuture future, ClientConnection handler, Throwable failure) {
		List<ClientCall> calls;
		boolean success = failure == null;
		synchronized (this.lock) {
			this.connecting = null;
			calls = this.waiting;
			this.waiting = new ArrayList<>();
			if (success && !this.closed) {
				this.connection = handler;
				this.lastFailure = null;
				this.backoffNanos = 0;
				this.state = State.READY;
			}
			else if (!success) {
				this.lastFailure = failure;
				this.backoffNanos = (this.backoffNanos == 0) ? this.initialBackoffNanos
						: Math.min(this.backoffNanos * 2, this.maxBackoffNanos);
				this.retryAt = System.nanoTime() + this.backoffNanos;
				this.state = State.TRANSIENT_FAILURE;
			}
		}
		if (success && this.closed) {
			future.channel().close();
		}
		if (success && !this.closed) {
			logger.debug("Connected to easyrpc server {}", this.address);
			for (ClientCall call : calls) {
				startOn(handler, call);
			}
			return;
		}
		String message = this.closed ? "Client for " + this.address + " is closed" : failureMessage(failure);
		RpcStatus status = this.closed ? RpcStatus.UNAVAILABLE : status(failure);
		if (!this.closed) {
			if (status == RpcStatus.UNAUTHENTICATED) {
				logger.warn("{}; retrying after {} ms at the next call", message,
						TimeUnit.NANOSECONDS.toMillis(this.backoffNanos));
			}
			else {
				logger.debug("{}; retrying after {} ms at the next call", message,
						TimeUnit.NANOSECONDS.toMillis(this.backoffNanos));
			}
		}
		for (ClientCall call : calls) {
			call.fail(status, message);
		}
	}

	// A refusal by the server (or of the server) carries its own status and a message
	// that names the server; anything else is a failure to connect.
	private static RpcStatus status(Throwable failure) {
		return (failure instanceof RpcException rpc) ? rpc.getStatus() : RpcStatus.UNAVAILABLE;
	}

	private String failureMessage(Throwable failure) {
		if (failure instanceof RpcException rpc && rpc.getDescription() != null) {
			return rpc.getDescription();
		}
		return "Cannot connect to " + this.address + ": " + describe(failure);
	}

	private void waitTimedOut(ClientCall call) {
		boolean removed;
		synchronized (this.lock) {
			removed = this.waiting.remove(call);
		}
		if (removed) {
			call.deadlineExceeded();
		}
	}

	void cancelled(ClientCall call) {
		ClientConnection current = call.connection;
		if (current != null) {
			current.cancel(call);
			return;
		}
		synchronized (this.lock) {
			this.waiting.remove(call);
		}
	}

	void connectionGoingAway(ClientConnection closing) {
		synchronized (this.lock) {
			if (this.connection == closing) {
				this.connection = null;
				this.state = State.IDLE;
			}
		}
	}

	void connectionClosed(ClientConnection closed) {
		synchronized (this.lock) {
			if (this.connection == closed) {
				this.connection = null;
				this.state = this.closed ? State.SHUTDOWN : State.IDLE;
			}
		}
	}

	private static String describe(Throwable failure) {
		if (failure == null) {
			return "unknown error";
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null) ? message : root.getClass().getSimpleName();
	}

	/**
	 * Close the connection; pending calls fail with {@link RpcStatus#UNAVAILABLE} and new
	 * calls are refused.
	 */
	@Override
	public void close() {
		ClientConnection current;
		List<ClientCall> calls;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.state = State.SHUTDOWN;
			current = this.connection;
			this.connection = null;
			calls = this.waiting;
			this.waiting = new ArrayList<>();
		}
		for (ClientCall call : calls) {
			call.fail(RpcStatus.UNAVAILABLE, "Client for " + this.address + " is closed");
		}
		if (current != null && current.channel() != null) {
			current.closeAfterFlush().awaitUninterruptibly(2, TimeUnit.SECONDS);
		}
		if (this.ownsResources) {
			this.resources.close();
		}
	}

	/**
	 * The state of a channel's connection.
	 */
	public enum State {

		/** No connection; the next call makes one. */
		IDLE,

		/** A connection attempt is under way. */
		CONNECTING,

		/** Connected. */
		READY,

		/**
		 * The last connection attempt failed; calls fail until the back-off has passed.
		 */
		TRANSIENT_FAILURE,

		/** Closed for good. */
		SHUTDOWN

	}

	/**
	 * Builder of {@link RpcChannel}.
	 */
	public static final class Builder {

		private final RpcAddress address;

		private ObjectCodec codec;

		private TransportResources resources;

		private int maxFrameSize = 8 * 1024 * 1024;

		private int streamWindow = 32;

		private Duration connectTimeout = Duration.ofSeconds(3);

		private Duration keepAlive = Duration.ofSeconds(30);

		private Duration initialBackoff = Duration.ofMillis(200);

		private Duration maxBackoff = Duration.ofSeconds(5);

		private final List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers = new ArrayList<>();

		private final List<ClientCallObserver> observers = new ArrayList<>();

		private Supplier<? extends SslContext> sslContexts;

		private String sslServerName;

		private final List<RpcProcessor> processors = new ArrayList<>();

		private SharedSecret sharedSecret;

		private Builder(RpcAddress address) {
			this.address = Objects.requireNonNull(address, "address must not be null");
		}

		/**
		 * Set the codec. Defaults to {@link ObjectCodec#createDefault()}.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ObjectCodec codec) {
			this.codec = codec;
			return this;
		}

		/**
		 * Set the event loops. Defaults to one event loop the channel owns.
		 * @param resources the transport resources, not closed by the channel
		 * @return this builder
		 */
		public Builder transportResources(TransportResources resources) {
			this.resources = resources;
			return this;
		}

		/**
		 * Set how many items of a server stream the client grants ahead of its consumer:
		 * the initial credit, topped up by half of it each time the consumer has taken
		 * half of it. At most this many items wait on the client per stream. Defaults to
		 * 32.
		 * @param streamWindow the window, at least 2
		 * @return this builder
		 */
		public Builder streamWindow(int streamWindow) {
			if (streamWindow < 2) {
				throw new IllegalArgumentException("The stream window must be at least 2 items, not " + streamWindow);
			}
			this.streamWindow = streamWindow;
			return this;
		}

		/**
		 * Set the largest frame accepted from the server, in bytes. Default 8 MiB.
		 * @param maxFrameSize the maximum frame size
		 * @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * Set the connect timeout. Default 3 seconds.
		 * @param connectTimeout the connect timeout
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = Objects.requireNonNull(connectTimeout);
			return this;
		}

		/**
		 * Set how long the connection may stay at most without outgoing traffic: a ping
		 * is sent when nothing else went out for half of it. Default 30 seconds; zero
		 * disables pings.
		 * @param keepAlive the keep-alive interval
		 * @return this builder
		 */
		public Builder keepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
			return this;
		}

		/**
		 * Set the back-off after the first failed connection attempt. Default 200 ms.
		 * @param initialBackoff the initial back-off
		 * @return this builder
		 */
		public Builder initialBackoff(Duration initialBackoff) {
			this.initialBackoff = Objects.requireNonNull(initialBackoff);
			return this;
		}

		/**
		 * Set the longest back-off between connection attempts. Default 5 seconds.
		 * @param maxBackoff the maximum back-off
		 * @return this builder
		 */
		public Builder maxBackoff(Duration maxBackoff) {
			this.maxBackoff = Objects.requireNonNull(maxBackoff);
			return this;
		}

		/**
		 * Add a processor of request and response payloads; outgoing payloads pass
		 * through processors in the order added, incoming ones in reverse order. The
		 * server must use the same processors.
		 * @param processor the processor
		 * @return this builder
		 */
		public Builder processor(RpcProcessor processor) {
			this.processors.add(Objects.requireNonNull(processor, "processor must not be null"));
			return this;
		}

		/**
		 * Authenticate to the server with a shared secret. The server must ask for it: a
		 * server whose preface does not is refused with
		 * {@link RpcStatus#UNAUTHENTICATED}, so that a server started without its secret
		 * is noticed rather than trusted. The secret never crosses the wire; see
		 * {@link SharedSecret}.
		 * @param secret the secret, at least one byte; the array is copied; {@code null}
		 * for none
		 * @return this builder
		 */
		public Builder sharedSecret(byte[] secret) {
			this.sharedSecret = (secret != null) ? SharedSecret.of(secret) : null;
			return this;
		}

		/**
		 * Authenticate to the server with a shared secret given as text, whose UTF-8
		 * bytes are the key. See {@link #sharedSecret(byte[])}.
		 * @param secret the secret, not blank; {@code null} for none
		 * @return this builder
		 */
		public Builder sharedSecret(String secret) {
			this.sharedSecret = (secret != null) ? SharedSecret.of(secret) : null;
			return this;
		}

		/**
		 * Add an observer of the calls made through the channel, for metrics, tracing or
		 * logging.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(ClientCallObserver observer) {
			this.observers.add(Objects.requireNonNull(observer, "observer must not be null"));
			return this;
		}

		/**
		 * Add a customizer of the Netty bootstrap.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder bootstrapCustomizer(TransportResources.BootstrapCustomizer<Bootstrap> customizer) {
			this.customizers.add(Objects.requireNonNull(customizer));
			return this;
		}

		/**
		 * Connect over TLS with a fixed client context, for example from
		 * {@code SslContextBuilder.forClient().trustManager(...).build()}. Ignored for
		 * in-process addresses; refused when the channel is built for a {@code ws://}
		 * address, which is plain text by its scheme.
		 * @param sslContext a client context
		 * @return this builder
		 */
		public Builder sslContext(SslContext sslContext) {
			Objects.requireNonNull(sslContext, "sslContext must not be null");
			if (!sslContext.isClient()) {
				throw new IllegalArgumentException("An easyrpc client needs a client TLS context "
						+ "(SslContextBuilder.forClient()), not a server context");
			}
			this.sslContexts = Tls.fixed(sslContext);
			return this;
		}

		/**
		 * Connect over TLS with the client context the supplier gives when a connection
		 * is made, so that a context replaced at run time (a renewed client certificate
		 * or trust store) applies to the next connection while the current one keeps its
		 * own. Ignored for in-process addresses; refused when the channel is built for a
		 * {@code ws://} address.
		 * @param sslContexts the supplier of the current client context, called on an I/O
		 * thread for every new connection: it must be fast and must not block
		 * @return this builder
		 */
		public Builder sslContextSupplier(Supplier<? extends SslContext> sslContexts) {
			this.sslContexts = Objects.requireNonNull(sslContexts, "sslContexts must not be null");
			return this;
		}

		/**
		 * Set the host name sent to the server (SNI) and matched against its certificate.
		 * Defaults to the host of the address. Useful when the address is an IP address
		 * or a name the certificate does not list.
		 * @param sslServerName the server name
		 * @return this builder
		 */
		public Builder sslServerName(String sslServerName) {
			this.sslServerName = sslServerName;
			return this;
		}

		/**
		 * Build the channel. It connects on the first call.
		 * @return the channel
		 */
		public RpcChannel build() {
			return new RpcChannel(this);
		}

	}

}
