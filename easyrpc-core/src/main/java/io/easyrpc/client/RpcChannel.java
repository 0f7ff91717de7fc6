package io.easyrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.client.CallOptions;
import io.easyrpc.internal.client.CallRouter;
import io.easyrpc.internal.client.RetrySettings;
import io.easyrpc.internal.client.ClientTransports;
import io.easyrpc.internal.client.ExponentialBackoffPolicy;
import io.easyrpc.internal.client.MsgpackRpcNotifications;
import io.easyrpc.internal.client.Balancer;
import io.easyrpc.internal.client.RouterAccess;
import io.easyrpc.internal.client.Subchannel;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportBuilder;
import io.easyrpc.transport.TransportOptions;
import io.easyrpc.transport.TransportResources;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's link to a target: one server address, a list of instances, or instances an
 * {@link AddressResolver} finds; one connection per instance, each multiplexing any
 * number of concurrent calls.
 * <p>
 * The connection is made lazily, on the first call, so that an application starts even
 * when its server is down. It counts as made once the server's preface has arrived, so
 * that calls are checked against the server's frame size limit from the first one on.
 * When a connection attempt fails, the calls waiting for it fail with
 * {@link RpcStatus#UNAVAILABLE}, and so does every call until the back-off period has
 * passed; the next call after it tries again. The back-off grows 1.6 times with each
 * failure up to a maximum, spread at random by up to 20% either way, and resets once a
 * connection succeeds. A lost connection fails its pending calls at once and is re-made
 * by the next call.
 * <p>
 * Inside, a balancer picks the instance of each call by the channel's
 * {@link LoadBalancing} policy, from the first {@link Builder#fallback(AddressResolver)
 * group} that has a usable one; a subchannel keeps the connection to one instance, its
 * back-off, its state and its ejection after calls failed with
 * {@link RpcStatus#UNAVAILABLE} several times in a row. A call that never reached a
 * server (the connection attempt failed, the connection closed before the request was
 * written, the server refused it as not started while shutting down) is sent to another
 * usable instance; a call whose request was written is never sent again. The calls of a
 * session and the items of a stream stay on the connection they started on.
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
 * <p>
 * A {@code msgpack-rpc://host:port} or {@code msgpack-rpc+unix:/path/to.sock} address
 * names a plain MessagePack-RPC server (Neovim, for example), which the channel calls
 * with bare MessagePack-RPC messages: each call is a request
 * {@code [0, msgid, method, params]} with its arguments as positional params, each
 * notification {@code [2, method, params]}; responses are matched by their msgid in any
 * order, and a non-nil error fails the call, by default with
 * {@link RpcStatus#APPLICATION_ERROR} and the error's text. Deadlines are enforced on
 * this side; a cancelled or timed-out call is forgotten (its late response is dropped).
 * Balancing, back-off and reconnects work as for easyrpc servers; sessions, streams,
 * idempotency keys, payload processors, shared secrets and TLS are not available there.
 * Requests the server sends are answered with an error; its notifications go to the
 * {@link Builder#msgpackRpcNotificationListener(MsgpackRpcNotificationListener)
 * notification listener}. The addresses of one channel must all be MessagePack-RPC
 * addresses or none, and a channel whose instances a resolver finds calls easyrpc
 * servers.
 */
public final class RpcChannel implements AutoCloseable {

	/** The timeout of {@link #ping()}. */
	public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The method {@link #warmUp(int, Duration)} calls: the reflection method every
	 * easyrpc server answers.
	 */
	public static final String WARM_UP_METHOD = "easyrpc/Reflection.describe";

	private static final Logger logger = LoggerFactory.getLogger(RpcChannel.class);

	private final @Nullable RpcAddress address;

	private final String target;

	private final ObjectCodec codec;

	private final TransportResources resources;

	private final boolean ownsResources;

	private final boolean tls;

	private final CallRouter router;

	private final RetryPolicy retryPolicy;

	private final List<AddressResolver> resolvers;

	private final boolean msgpackRpc;

	static {
		RouterAccess.register((channel) -> ((RpcChannel) channel).router);
	}

	private RpcChannel(Builder builder) {
		this.address = builder.address;
		this.target = builder.target;
		this.codec = (builder.codec != null) ? builder.codec : ObjectCodec.createDefault();
		TransportOptions transport = builder.transport();
		this.ownsResources = transport.transportResources() == null;
		this.resources = this.ownsResources ? new TransportResources("easyrpc-client",
				(transport.ioThreads() > 0) ? transport.ioThreads() : 1, transport.ioTransport())
				: transport.transportResources();
		int connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.connectTimeout.toMillis());
		long keepAliveNanos = (builder.keepAlive != null && !builder.keepAlive.isNegative())
				? builder.keepAlive.toNanos() : 0;
		List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers = customizers(builder, transport);
		MsgpackRpcNotificationListener listener = builder.notificationListener;
		MsgpackRpcNotifications notifications = (listener != null) ? listener::onNotification : null;
		ObjectCodec codec = this.codec;
		Function<RpcAddress, ClientTransports> transports = (address) -> new ClientTransports(address, this.resources,
				transport.maxFrameSize(), connectTimeoutMillis, customizers, transport.sslContextSupplier(),
				builder.sslServerName, notifications, codec);
		boolean tls;
		try {
			this.msgpackRpc = checkMsgpackRpc(builder);
			// Addresses known now are checked now: a wrong combination of scheme and TLS
			// fails the build, not the first call.
			tls = transport.sslContextSupplier() != null;
			for (RpcAddress address : builder.knownAddresses) {
				tls = transports.apply(address).isTls();
			}
		}
		catch (RuntimeException ex) {
			if (this.ownsResources) {
				this.resources.close();
			}
			throw ex;
		}
		this.tls = tls;
		Subchannel.ConnectionSettings settings = new Subchannel.ConnectionSettings(this.codec,
				ProcessorChain.of(builder.processors), transport.maxFrameSize(), connectTimeoutMillis, keepAliveNanos,
				builder.secret());
		long initialBackoffNanos = builder.initialBackoff.toNanos();
		long maxBackoffNanos = builder.maxBackoff.toNanos();
		Function<RpcAddress, Subchannel> subchannels = (address) -> new Subchannel(address, transports.apply(address),
				settings, new ExponentialBackoffPolicy(initialBackoffNanos, maxBackoffNanos), System::nanoTime);
		RpcAddress first = builder.knownAddresses.isEmpty() ? null : builder.knownAddresses.get(0);
		String transportName = (first == null) ? CallInfo.TCP : first.isInProcess() ? CallInfo.IN_PROCESS
				: first.isWebSocket() ? CallInfo.WEBSOCKET : first.isUnixSocket() ? CallInfo.UNIX : CallInfo.TCP;
		Balancer balancer = new Balancer(this.target, Balancer.Policy.valueOf(builder.loadBalancing.name()),
				builder.resolvers.size(), subchannels, System::nanoTime);
		this.router = new CallRouter(balancer, builder.observers, builder.streamWindow, transportName,
				this.resources::scheduler, settings(builder.retryPolicy));
		this.retryPolicy = builder.retryPolicy;
		this.resolvers = List.copyOf(builder.resolvers);
		for (int i = 0; i < this.resolvers.size(); i++) {
			this.resolvers.get(i).start(new GroupListener(balancer, i));
		}
	}

	// Whether the channel calls plain MessagePack-RPC servers, refusing what they cannot
	// do.
	private static boolean checkMsgpackRpc(Builder builder) {
		long count = builder.knownAddresses.stream().filter(RpcAddress::isMsgpackRpc).count();
		if (count == 0) {
			return false;
		}
		if (count != builder.knownAddresses.size()) {
			throw new IllegalArgumentException("The addresses of " + builder.target
					+ " mix MessagePack-RPC and easyrpc servers: a channel calls either msgpack-rpc:// and "
					+ "msgpack-rpc+unix: addresses only, or none");
		}
		if (builder.secret() != null) {
			throw new IllegalArgumentException("A shared secret is configured for " + builder.target
					+ ", but MessagePack-RPC servers have no easyrpc handshake: remove the shared secret of this target");
		}
		if (!builder.processors.isEmpty()) {
			throw new IllegalArgumentException("Payload processors are configured for " + builder.target
					+ ", but a MessagePack-RPC server would not understand the processed payloads: remove them");
		}
		return true;
	}

	// Tells the balancer what the resolver of one group finds.
	private record GroupListener(Balancer balancer, int group) implements AddressResolver.Listener {

		@Override
		public void onAddresses(List<RpcAddress> addresses) {
			this.balancer.addresses(this.group, addresses);
		}

		@Override
		public void onError(Throwable error) {
			this.balancer.failed(this.group, error);
		}

	}

	private static List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers(Builder builder,
			TransportOptions transport) {
		ByteBufAllocator allocator = transport.allocator();
		if (allocator == null) {
			return builder.customizers;
		}
		List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers = new ArrayList<>();
		customizers.add((bootstrap) -> bootstrap.option(ChannelOption.ALLOCATOR, allocator));
		customizers.addAll(builder.customizers);
		return customizers;
	}

	/**
	 * Start building a channel to an address.
	 * @param address the server address
	 * @return a builder
	 */
	public static Builder builder(RpcAddress address) {
		Objects.requireNonNull(address, "address must not be null");
		return new Builder(address.toString(), address, List.of(address), AddressResolver.of(List.of(address)));
	}

	/**
	 * Start building a channel to the instances of a target at fixed addresses.
	 * @param addresses the addresses of the instances, at least one, no duplicates
	 * @return a builder
	 */
	public static Builder builder(List<RpcAddress> addresses) {
		AddressResolver resolver = AddressResolver.of(addresses);
		if (addresses.size() == 1) {
			return builder(addresses.get(0));
		}
		return new Builder(addresses.toString(), null, addresses, resolver);
	}

	/**
	 * Start building a channel to the instances of a target that a resolver finds, for
	 * example in a service registry.
	 * @param target the target's name, used in messages and observations
	 * @param resolver finds the instances
	 * @return a builder
	 */
	public static Builder builder(String target, AddressResolver resolver) {
		return new Builder(Objects.requireNonNull(target, "target must not be null"), null, List.of(),
				Objects.requireNonNull(resolver, "resolver must not be null"));
	}

	/**
	 * Return the server address of a channel built for one address.
	 * @return the address, or {@code null} for a channel to several instances
	 */
	public @Nullable RpcAddress address() {
		return this.address;
	}

	/**
	 * Return what the channel calls: its address, its list of addresses, or the name
	 * given with its resolver.
	 * @return the target
	 */
	public String target() {
		return this.target;
	}

	/**
	 * Return the instances the channel knows now, with their state: those of every group,
	 * in order.
	 * @return the instances
	 */
	public List<Instance> instances() {
		Balancer balancer = this.router.balancer();
		long now = System.nanoTime();
		List<Instance> instances = new ArrayList<>();
		for (Subchannel subchannel : balancer.subchannels()) {
			instances.add(new Instance(subchannel.address(), balancer.groupOf(subchannel),
					State.valueOf(subchannel.state().name()), subchannel.outstandingCalls(), subchannel.isEjected(now),
					subchannel.ejections()));
		}
		return instances;
	}

	/**
	 * Return the balancing policy.
	 * @return the policy
	 */
	public LoadBalancing loadBalancing() {
		return LoadBalancing.valueOf(this.router.balancer().policy().name());
	}

	/**
	 * Return whether connections to the server use TLS.
	 * @return {@code true} for TCP addresses with a TLS context and for {@code wss://}
	 * addresses
	 */
	public boolean isTls() {
		return this.tls;
	}

	/**
	 * Return whether the channel calls plain MessagePack-RPC servers: its addresses are
	 * {@code msgpack-rpc://} or {@code msgpack-rpc+unix:} addresses. Clients of such a
	 * channel use method names as they are, without a service name in front.
	 * @return {@code true} for a channel to MessagePack-RPC servers
	 */
	public boolean isMsgpackRpc() {
		return this.msgpackRpc;
	}

	/**
	 * Return the codec used for arguments and results.
	 * @return the codec
	 */
	public ObjectCodec codec() {
		return this.codec;
	}

	/**
	 * Return the connection state: {@link State#READY} if a subchannel is connected, else
	 * {@link State#CONNECTING} if one is connecting, else {@link State#IDLE} if one is
	 * idle or no instance is known yet, else {@link State#TRANSIENT_FAILURE};
	 * {@link State#SHUTDOWN} once closed.
	 * @return the state
	 */
	public State state() {
		if (this.router.isClosed()) {
			return State.SHUTDOWN;
		}
		State state = null;
		for (Subchannel subchannel : this.router.subchannels()) {
			if (subchannel.isDraining()) {
				continue;
			}
			State current = State.valueOf(subchannel.state().name());
			if (state == null || current.rank > state.rank) {
				state = current;
			}
		}
		if (state == null) {
			return this.router.balancer().isResolved() ? State.TRANSIENT_FAILURE : State.IDLE;
		}
		return state;
	}

	/**
	 * Return when calls of idempotent methods are retried.
	 * @return the retry policy
	 */
	public RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	private static RetrySettings settings(RetryPolicy policy) {
		return new RetrySettings(policy.maxAttempts(), policy.initialBackoff().toNanos(), policy.maxBackoff().toNanos(),
				policy.multiplier(), policy.retryableStatuses(), policy.maxTokens(), policy.tokenRatio());
	}

	/**
	 * Return the number of calls waiting for a response.
	 * @return the pending call count
	 */
	public int pendingCalls() {
		return this.router.pendingCalls();
	}

	/**
	 * Return whether the current thread is the event loop of this channel's connection.
	 * Blocking there for a result would deadlock, since the result arrives on that
	 * thread.
	 * @return {@code true} on the connection's I/O thread
	 */
	public boolean inEventLoop() {
		return this.router.inEventLoop();
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
	public CompletableFuture<@Nullable Object> call(String method, @Nullable Object[] arguments,
			ValueType[] argumentTypes, ValueType resultType, @Nullable Duration timeout, Metadata metadata) {
		return this.router.start(CallOptions.unary(method, argumentTypes, resultType, timeout, null), arguments,
				metadata, null, null);
	}

	/**
	 * Send a notification: a one-way call without a response.
	 * @param method the method key
	 * @param arguments the arguments
	 * @param argumentTypes the declared argument types
	 * @param metadata the metadata
	 * @return a future completed once the notification is handed to the connection
	 */
	public CompletableFuture<@Nullable Object> notify(String method, @Nullable Object[] arguments,
			ValueType[] argumentTypes, Metadata metadata) {
		return this.router.start(CallOptions.oneWay(method, argumentTypes, null), arguments, metadata, null, null);
	}

	/**
	 * Ping the target with the {@link #DEFAULT_PING_TIMEOUT default timeout}.
	 * @return the round trip
	 * @see #ping(Duration)
	 */
	public CompletableFuture<Duration> ping() {
		return ping(DEFAULT_PING_TIMEOUT);
	}

	/**
	 * Check that the target answers: send a {@code PING} frame to one usable instance
	 * (chosen as a call without a routing key would be), connecting first if there is no
	 * connection, and time the server's {@code PONG}. Nothing runs on the server but its
	 * I/O thread, so a ping measures the network and the server's event loop, not its
	 * workers.
	 * @param timeout how long the connection and the pong may take together
	 * @return the round trip from sending the ping to receiving the pong; it fails with
	 * an {@link RpcException} of status {@link RpcStatus#UNAVAILABLE} when no instance is
	 * usable, the connection cannot be made or closes first, and
	 * {@link RpcStatus#DEADLINE_EXCEEDED} when the timeout passes first
	 */
	public CompletableFuture<Duration> ping(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		CompletableFuture<Duration> result = new CompletableFuture<>();
		if (this.router.isClosed()) {
			result.completeExceptionally(
					new RpcException(RpcStatus.UNAVAILABLE, "Client for " + this.target + " is closed"));
			return result;
		}
		Subchannel subchannel = this.router.balancer().pick(0, false, null);
		if (subchannel == null) {
			result.completeExceptionally(
					new RpcException(RpcStatus.UNAVAILABLE, "No usable instance of " + this.target + " to ping"));
			return result;
		}
		return ping(subchannel, timeout);
	}

	private CompletableFuture<Duration> ping(Subchannel subchannel, Duration timeout) {
		long timeoutNanos = Math.max(1, timeout.toNanos());
		CompletableFuture<Duration> result = new CompletableFuture<>();
		ScheduledFuture<?> timer = this.resources.scheduler()
			.schedule(
					() -> result
						.completeExceptionally(new RpcException(RpcStatus.DEADLINE_EXCEEDED, "No answer to a ping of "
								+ subchannel.address() + " within " + timeout.toMillis() + " ms")),
					timeoutNanos, TimeUnit.NANOSECONDS);
		subchannel.ping(timeoutNanos).whenComplete((roundTrip, failure) -> {
			timer.cancel(false);
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				result.completeExceptionally(cause);
			}
			else {
				result.complete(roundTrip);
			}
		});
		return result;
	}

	/**
	 * Prepare the channel for traffic, so that the first calls of an application do not
	 * pay for connection set-up, class loading and the first compilation of the call path
	 * while other calls queue behind them: connect to every instance known now (each is
	 * pinged, connecting first), then make {@code calls} calls one after the other of the
	 * server's built-in, read-only reflection method ({@value #WARM_UP_METHOD}). Nothing
	 * of the application runs on the server.
	 * <p>
	 * A fresh client JVM offering 1 000 calls per second straight away loses a large part
	 * of its first seconds' calls to their deadlines; one that warms up first does not
	 * (docs/reliability/overload.md measures both). The warm-up never fails a later call:
	 * an instance that cannot be reached goes into back-off as after any failed attempt.
	 * @param calls how many reflection calls to make after the connections are ready
	 * ({@code 0} for none)
	 * @param timeout how long the whole warm-up may take
	 * @return completed once the connections are ready and the calls answered (an answer
	 * that is an error, such as a server whose reflection is hidden by a middleware,
	 * counts as answered); it fails with an {@link RpcException} of status
	 * {@link RpcStatus#UNAVAILABLE} when no instance could be reached and
	 * {@link RpcStatus#DEADLINE_EXCEEDED} when the timeout passes first
	 */
	public CompletableFuture<Void> warmUp(int calls, Duration timeout) {
		if (calls < 0) {
			throw new IllegalArgumentException("calls must not be negative, was " + calls);
		}
		Objects.requireNonNull(timeout, "timeout must not be null");
		long deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
		List<CompletableFuture<Duration>> pings = new ArrayList<>();
		for (Subchannel subchannel : this.router.subchannels()) {
			if (!subchannel.isDraining()) {
				pings.add(ping(subchannel, timeout));
			}
		}
		if (pings.isEmpty()) {
			// Nothing resolved yet: the balancer's pick waits for nothing, so ping as a
			// call would.
			pings.add(ping(timeout));
		}
		CompletableFuture<Void> result = new CompletableFuture<>();
		CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
			Throwable firstFailure = null;
			for (CompletableFuture<Duration> ping : pings) {
				if (!ping.isCompletedExceptionally()) {
					warmUpCalls(calls, deadline, result);
					return;
				}
				if (firstFailure == null) {
					firstFailure = ping.handle((value, error) -> error).join();
				}
			}
			result.completeExceptionally(unwrap(firstFailure));
		});
		return result;
	}

	private void warmUpCalls(int remaining, long deadline, CompletableFuture<Void> result) {
		long left = deadline - System.nanoTime();
		if (remaining == 0) {
			result.complete(null);
			return;
		}
		if (left <= 0) {
			result.completeExceptionally(
					new RpcException(RpcStatus.DEADLINE_EXCEEDED, "Warm-up of " + this.target + " took too long"));
			return;
		}
		call(WARM_UP_METHOD, new Object[0], new ValueType[0], this.codec.valueType(Object.class),
				Duration.ofNanos(left), Metadata.EMPTY)
			.whenComplete((value, failure) -> {
				Throwable cause = unwrap(failure);
				if (cause instanceof RpcException ex && (ex.getStatus() == RpcStatus.UNAVAILABLE
						|| ex.getStatus() == RpcStatus.DEADLINE_EXCEEDED || ex.getStatus() == RpcStatus.CANCELLED)) {
					result.completeExceptionally(ex);
				}
				else {
					warmUpCalls(remaining - 1, deadline, result);
				}
			});
	}

	private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	// The proxies of this package start their calls on the router directly.
	CallRouter router() {
		return this.router;
	}

	/**
	 * Close the connection; pending calls fail with {@link RpcStatus#UNAVAILABLE} and new
	 * calls are refused.
	 */
	@Override
	public void close() {
		if (this.router.isClosed()) {
			return;
		}
		for (AddressResolver resolver : this.resolvers) {
			try {
				resolver.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Closing the address resolver of {} failed", this.target, ex);
			}
		}
		this.router.close();
		if (this.ownsResources) {
			this.resources.close();
		}
	}

	/**
	 * The state of a channel's connection.
	 */
	public enum State {

		/** No connection; the next call makes one. */
		IDLE(2),

		/** A connection attempt is under way. */
		CONNECTING(3),

		/** Connected. */
		READY(4),

		/**
		 * The last connection attempt failed; calls fail until the back-off has passed.
		 */
		TRANSIENT_FAILURE(1),

		/** Closed for good. */
		SHUTDOWN(0);

		// How much better than the others a subchannel in this state serves calls.
		private final int rank;

		State(int rank) {
			this.rank = rank;
		}

	}

	/**
	 * One instance of the channel's target as the channel sees it.
	 *
	 * @param address the instance's address
	 * @param group the index of its group: 0, or the position of the fall-back group
	 * @param state the state of its connection
	 * @param outstandingCalls the calls sent to it that have not ended
	 * @param ejected whether it is ejected after failing calls in a row
	 * @param ejections how often it was ejected
	 */
	public record Instance(RpcAddress address, int group, State state, int outstandingCalls, boolean ejected,
			long ejections) {
	}

	/**
	 * Builder of {@link RpcChannel}.
	 */
	public static final class Builder extends TransportBuilder<Builder> {

		private final String target;

		private final @Nullable RpcAddress address;

		private final List<RpcAddress> knownAddresses = new ArrayList<>();

		private final List<AddressResolver> resolvers = new ArrayList<>();

		private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;

		private @Nullable ObjectCodec codec;

		private int streamWindow = 32;

		private RetryPolicy retryPolicy = RetryPolicy.defaults();

		private Duration connectTimeout = Duration.ofSeconds(3);

		private @Nullable Duration keepAlive = Duration.ofSeconds(30);

		private Duration initialBackoff = Duration.ofMillis(200);

		private Duration maxBackoff = Duration.ofSeconds(5);

		private final List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers = new ArrayList<>();

		private final List<ClientCallObserver> observers = new ArrayList<>();

		private @Nullable String sslServerName;

		private final List<RpcProcessor> processors = new ArrayList<>();

		private @Nullable MsgpackRpcNotificationListener notificationListener;

		private Builder(String target, @Nullable RpcAddress address, List<RpcAddress> addresses,
				AddressResolver resolver) {
			super(false);
			this.target = target;
			this.address = address;
			this.knownAddresses.addAll(addresses);
			this.resolvers.add(resolver);
		}

		/**
		 * Set how calls are spread over the instances. Defaults to
		 * {@link LoadBalancing#ROUND_ROBIN}.
		 * @param loadBalancing the policy
		 * @return this builder
		 */
		public Builder loadBalancing(LoadBalancing loadBalancing) {
			this.loadBalancing = Objects.requireNonNull(loadBalancing, "loadBalancing must not be null");
			return this;
		}

		/**
		 * Add a group of instances that takes the calls when no instance of the groups
		 * before it is usable (none known, all failing or ejected). Groups are tried in
		 * the order added, after the channel's own instances.
		 * @param resolver finds the instances of the group
		 * @return this builder
		 */
		public Builder fallback(AddressResolver resolver) {
			this.resolvers.add(Objects.requireNonNull(resolver, "resolver must not be null"));
			return this;
		}

		/**
		 * Add a group of instances at fixed addresses that takes the calls when no
		 * instance of the groups before it is usable.
		 * @param addresses the addresses of the group
		 * @return this builder
		 * @see #fallback(AddressResolver)
		 */
		public Builder fallback(List<RpcAddress> addresses) {
			fallback(AddressResolver.of(addresses));
			this.knownAddresses.addAll(addresses);
			return this;
		}

		private TransportOptions transport() {
			return transportSettings();
		}

		private @Nullable SharedSecret secret() {
			return sharedSecretSetting();
		}

		/**
		 * Set the codec. Defaults to {@link ObjectCodec#createDefault()}, MessagePack. A
		 * {@link io.easyrpc.codec.JsonObjectCodec} makes the channel announce JSON
		 * payloads in its preface; a server that does not accept them fails the
		 * connection with {@code INVALID_ARGUMENT}.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ObjectCodec codec) {
			this.codec = codec;
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
		 * Set when calls of idempotent methods are retried after a failure. Defaults to
		 * {@link RetryPolicy#defaults()}: up to 3 attempts after {@code UNAVAILABLE}.
		 * Calls of methods that are not idempotent are never retried once they may have
		 * reached a server.
		 * @param retryPolicy the policy, {@link RetryPolicy#disabled()} for none
		 * @return this builder
		 */
		public Builder retry(RetryPolicy retryPolicy) {
			this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
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
		public Builder keepAlive(@Nullable Duration keepAlive) {
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
		 * Return whether the channel will call plain MessagePack-RPC servers: the
		 * addresses known so far are {@code msgpack-rpc://} or {@code msgpack-rpc+unix:}
		 * addresses. Customizers use it to leave out what such servers cannot take, such
		 * as payload processors.
		 * @return {@code true} if every known address is a MessagePack-RPC address
		 */
		public boolean isMsgpackRpc() {
			return !this.knownAddresses.isEmpty() && this.knownAddresses.stream().allMatch(RpcAddress::isMsgpackRpc);
		}

		/**
		 * Set the listener of the notifications that plain MessagePack-RPC servers
		 * ({@code msgpack-rpc://} and {@code msgpack-rpc+unix:} addresses) send to this
		 * client. Without one they are dropped. Easyrpc servers never send any.
		 * @param listener the listener, or {@code null} for none
		 * @return this builder
		 */
		public Builder msgpackRpcNotificationListener(@Nullable MsgpackRpcNotificationListener listener) {
			this.notificationListener = listener;
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
