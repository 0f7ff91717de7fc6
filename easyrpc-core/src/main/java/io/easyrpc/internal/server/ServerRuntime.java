package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.logging.RateLimitedLog;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.Forwarding;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What the connections of one {@link RpcServer} share: its settings, its open
 * connections, its {@link CallAccounting call accounting} and its observers. The server
 * owns one and keeps only lifecycle and transports itself.
 */
public final class ServerRuntime {

	private static volatile Function<RpcServer, ServerRuntime> access;

	private final RateLimitedLog warnings = new RateLimitedLog();

	private final ServiceRegistry registry;

	private final ObjectCodec codec;

	private final SharedSecret sharedSecret;

	private final Duration authTimeout;

	private final int maxSessionsPerConnection;

	private final int streamWindow;

	private final ExceptionMapper exceptionMapper;

	private final RpcMiddleware[] middleware;

	private final ProcessorChain processors;

	private final List<ConnectionMiddleware> connectionMiddleware;

	private final ServerObservers observers;

	private final CallAccounting calls;

	private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();

	// The de-duplication of calls by idempotency key; null when off.
	private volatile @Nullable DedupStore dedup;

	// The codec of JSON connections; null when the server refuses them.
	private volatile @Nullable ObjectCodec jsonCodec;

	// Gateway routes by prefix; null when the server has none.
	private final @Nullable Map<String, Forwarding.Target> routes;

	/**
	 * Create the runtime of a server.
	 * @param registry the served methods
	 * @param codec the codec
	 * @param sharedSecret the secret clients must prove, or {@code null}
	 * @param authTimeout how long a client has to authenticate
	 * @param maxSessionsPerConnection the most open sessions per connection
	 * @param streamWindow the credit granted to a client stream
	 * @param exceptionResolvers the user's exception resolvers
	 * @param exposeStackTraces whether errors carry the server's stack trace
	 * @param observers the call observers
	 * @param middleware the global call middleware
	 * @param processors the payload processors
	 * @param connectionMiddleware the connection middleware
	 * @param routes the gateway routes by key prefix, may be empty
	 */
	public ServerRuntime(ServiceRegistry registry, ObjectCodec codec, SharedSecret sharedSecret, Duration authTimeout,
			int maxSessionsPerConnection, int streamWindow, List<RpcExceptionResolver> exceptionResolvers,
			boolean exposeStackTraces, List<ServerCallObserver> observers, RpcMiddleware[] middleware,
			ProcessorChain processors, List<ConnectionMiddleware> connectionMiddleware,
			Map<String, Forwarding.Target> routes) {
		this.registry = registry;
		this.codec = codec;
		this.sharedSecret = sharedSecret;
		this.authTimeout = authTimeout;
		this.maxSessionsPerConnection = maxSessionsPerConnection;
		this.streamWindow = streamWindow;
		this.exceptionMapper = new ExceptionMapper(exceptionResolvers, exposeStackTraces);
		this.middleware = middleware;
		this.processors = processors;
		this.connectionMiddleware = List.copyOf(connectionMiddleware);
		this.observers = new ServerObservers(observers);
		this.calls = new CallAccounting(this.observers);
		this.routes = routes.isEmpty() ? null : Map.copyOf(routes);
	}

	/**
	 * Let {@link RpcServer} hand out its runtime without a public method on the API
	 * class. Only the first registration counts.
	 * @param accessor returns a server's runtime
	 */
	public static void registerAccess(Function<RpcServer, ServerRuntime> accessor) {
		synchronized (ServerRuntime.class) {
			if (access != null) {
				throw new IllegalStateException("Server runtime access is already registered");
			}
			access = accessor;
		}
	}

	/**
	 * Return the runtime of a server.
	 * @param server the server
	 * @return its runtime
	 */
	public static ServerRuntime of(RpcServer server) {
		return access.apply(server);
	}

	/**
	 * Return the call accounting.
	 * @return the call accounting
	 */
	public CallAccounting calls() {
		return this.calls;
	}

	/**
	 * Return the open connections, a live view.
	 * @return the connections
	 */
	public Set<ServerConnection> connections() {
		return this.connections;
	}

	ServiceRegistry registry() {
		return this.registry;
	}

	ObjectCodec codec() {
		return this.codec;
	}

	/**
	 * Return the codec of connections whose client announces JSON payloads.
	 * @return the codec, or {@code null} when the server does not accept JSON
	 */
	public @Nullable ObjectCodec jsonCodec() {
		return this.jsonCodec;
	}

	/**
	 * Set the codec of connections whose client announces JSON payloads, before the
	 * server takes connections.
	 * @param jsonCodec the codec, or {@code null} to refuse such connections
	 */
	public void jsonCodec(@Nullable ObjectCodec jsonCodec) {
		this.jsonCodec = jsonCodec;
	}

	/**
	 * Return the secret clients must prove, or {@code null}.
	 * @return the value
	 */
	public SharedSecret sharedSecret() {
		return this.sharedSecret;
	}

	/**
	 * Return how long a client has to authenticate.
	 * @return the value
	 */
	public Duration authTimeout() {
		return this.authTimeout;
	}

	/**
	 * Return the most open sessions per connection.
	 * @return the value
	 */
	public int maxSessionsPerConnection() {
		return this.maxSessionsPerConnection;
	}

	/**
	 * Return the credit granted to a client stream.
	 * @return the value
	 */
	public int streamWindow() {
		return this.streamWindow;
	}

	ExceptionMapper exceptionMapper() {
		return this.exceptionMapper;
	}

	RpcMiddleware[] middleware() {
		return this.middleware;
	}

	ProcessorChain processors() {
		return this.processors;
	}

	/**
	 * Return the connection middleware.
	 * @return the value
	 */
	public List<ConnectionMiddleware> connectionMiddleware() {
		return this.connectionMiddleware;
	}

	Executor executor() {
		return this.calls.executor();
	}

	boolean isRefusingCalls() {
		return this.calls.isRefusing();
	}

	void connectionOpened(ServerConnection connection) {
		this.connections.add(connection);
	}

	void connectionClosed(ServerConnection connection) {
		this.connections.remove(connection);
	}

	CallObservation observe(String methodKey, String peer, Map<String, String> headers, boolean oneWay,
			boolean serverStream, boolean clientStream, String transport, String protocol) {
		return this.observers.observe(methodKey, peer, headers, oneWay, serverStream, clientStream, transport,
				protocol);
	}

	void rejected(String methodKey, String reason) {
		this.observers.rejected(methodKey, reason);
	}

	void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
		this.observers.connectionRejected(connection, decision);
	}

	/**
	 * Return the de-duplication of calls by idempotency key.
	 * @return the store, or {@code null} when calls are not de-duplicated
	 */
	public @Nullable DedupStore dedup() {
		return this.dedup;
	}

	/**
	 * Set the de-duplication of calls by idempotency key, before the server takes calls
	 * (tests replace it to drive its clock).
	 * @param dedup the store, or {@code null} to de-duplicate nothing
	 */
	public void dedup(@Nullable DedupStore dedup) {
		this.dedup = dedup;
	}

	void deduplicated(String methodKey, String outcome) {
		this.observers.deduplicated(methodKey, outcome);
	}

	boolean hasRoutes() {
		return this.routes != null;
	}

	/**
	 * Return the route of a method key that no local method has: the one whose prefix is
	 * the key's first segment.
	 * @param methodKey the method key
	 * @return the prefix's length, the target and its prefix, or {@code null}
	 */
	@Nullable Route route(String methodKey) {
		Map<String, Forwarding.Target> current = this.routes;
		if (current == null) {
			return null;
		}
		int slash = methodKey.indexOf('/');
		if (slash <= 0 || slash == methodKey.length() - 1) {
			return null;
		}
		String prefix = methodKey.substring(0, slash);
		Forwarding.Target target = current.get(prefix);
		return (target != null) ? new Route(prefix, target) : null;
	}

	void forwardStarted() {
		this.calls.forwardStarted();
	}

	void forwardFinished() {
		this.calls.callFinished();
	}

	void dispatch(ServerCall call) {
		this.calls.dispatch(call);
	}

	void callFinished(ServerCall call) {
		this.calls.callFinished();
	}

	/**
	 * A gateway route.
	 *
	 * @param prefix the key prefix, without the slash
	 * @param target where its calls go
	 */
	record Route(String prefix, Forwarding.Target target) {

		String describe() {
			return "gateway route '" + this.prefix + "' to " + this.target.describe();
		}

	}

	/**
	 * Return the limiter of this server's repeated warnings (unknown methods, refused
	 * notifications, session limits): one line per kind and interval.
	 * @return the rate-limited log
	 */
	public RateLimitedLog warnings() {
		return this.warnings;
	}

}
