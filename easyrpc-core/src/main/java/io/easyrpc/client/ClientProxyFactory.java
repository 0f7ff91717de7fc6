package io.easyrpc.client;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;

import io.easyrpc.RoutingKey;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.client.CallOptions;
import io.easyrpc.internal.client.CallRouter;
import io.easyrpc.internal.client.ClientStream;
import io.easyrpc.internal.client.ClientUpload;
import io.easyrpc.middleware.ClientInvocation;
import io.easyrpc.middleware.RpcClientMiddleware;
import io.easyrpc.internal.protocol.CallStyle;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.MethodKeys;
import io.easyrpc.internal.protocol.ReactorSupport;
import org.jspecify.annotations.Nullable;

/**
 * Creates proxies that turn calls of interface methods into remote calls over an
 * {@link RpcChannel}. Blocking methods wait for the result until the deadline; methods
 * returning {@code CompletableFuture}/{@code CompletionStage} return at once; methods
 * returning {@code Mono} start the call on subscription. Methods returning {@code Flux}
 * or {@code Flow.Publisher} are server streams that start on subscription; methods
 * returning {@code Stream} or {@code Iterator} start a server stream at once and block
 * while iterating. A method with a {@code Flux} or {@code Flow.Publisher} parameter (the
 * last one) streams that argument's items to the server: a client stream when it returns
 * a value, a bidirectional channel when it returns a stream. Default methods run locally.
 * <p>
 * Every proxy also implements {@link RpcClientControl}: its channel and a ping of its
 * target.
 */
public final class ClientProxyFactory {

	private final ExceptionFactory exceptionFactory;

	private final RpcClientMiddleware[] middleware;

	/**
	 * Create a factory.
	 * @param exceptionFactory re-creates remote exceptions where allowed
	 */
	public ClientProxyFactory(ExceptionFactory exceptionFactory) {
		this(exceptionFactory, List.of());
	}

	/**
	 * Create a factory whose proxies pass every call through middleware.
	 * @param exceptionFactory re-creates remote exceptions where allowed
	 * @param middleware the middleware, in order: each runs around the next
	 */
	public ClientProxyFactory(ExceptionFactory exceptionFactory, List<RpcClientMiddleware> middleware) {
		this.exceptionFactory = exceptionFactory;
		this.middleware = middleware.toArray(new RpcClientMiddleware[0]);
	}

	/**
	 * Create a proxy.
	 * @param <T> the interface type
	 * @param definition what the proxy calls
	 * @param channel the channel to call through
	 * @return the proxy
	 */
	@SuppressWarnings("unchecked")
	public <T> T createProxy(ClientDefinition definition, RpcChannel channel) {
		Map<Method, ClientMethod> methods = new HashMap<>();
		ObjectCodec codec = channel.codec();
		for (Method method : MethodKeys.exposedMethods(definition.type())) {
			if (method.isDefault()) {
				continue;
			}
			ClientMethodOptions options = definition.methodOptions().apply(method);
			methods.put(method,
					new ClientMethod(method, definition, (options != null) ? options : ClientMethodOptions.DEFAULT,
							codec, channel, this.exceptionFactory, this.middleware));
		}
		Class<?> type = definition.type();
		Class<?>[] interfaces = RpcClientControl.class.isAssignableFrom(type) ? new Class<?>[] { type }
				: new Class<?>[] { type, RpcClientControl.class };
		Duration pingTimeout = (definition.timeout() != null && !definition.timeout().isZero()
				&& !definition.timeout().isNegative()) ? definition.timeout() : RpcChannel.DEFAULT_PING_TIMEOUT;
		return (T) Proxy.newProxyInstance(type.getClassLoader(), interfaces,
				new Handler(type, channel, methods, pingTimeout));
	}

	private static final class Handler implements InvocationHandler {

		private final Class<?> type;

		private final RpcChannel channel;

		private final Map<Method, ClientMethod> methods;

		private final Duration pingTimeout;

		Handler(Class<?> type, RpcChannel channel, Map<Method, ClientMethod> methods, Duration pingTimeout) {
			this.type = type;
			this.channel = channel;
			this.methods = methods;
			this.pingTimeout = pingTimeout;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
				throws Throwable {
			ClientMethod target = this.methods.get(method);
			if (target != null) {
				return target.invoke(args);
			}
			if (method.getDeclaringClass() == RpcClientControl.class) {
				return switch (method.getName()) {
					case "rpcChannel" -> this.channel;
					case "rpcMethods" -> rpcMethods();
					case "rpcPing" ->
						this.channel.ping((args != null && args.length == 1) ? (Duration) args[0] : this.pingTimeout);
					default -> throw new UnsupportedOperationException("Method " + method + " is not supported");
				};
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "easyrpc client " + this.type.getName() + " -> " + this.channel.address();
				default -> throw new UnsupportedOperationException("Method " + method + " is not a remote method");
			};
		}

		private Map<String, Integer> rpcMethods() {
			Map<String, Integer> keys = new HashMap<>();
			this.methods.values().forEach((method) -> keys.put(method.key, method.argumentTypes.length));
			return Map.copyOf(keys);
		}

	}

	/**
	 * A client interface method, prepared once: key, resolved types, deadline, style, and
	 * from them the options of its calls.
	 */
	static final class ClientMethod {

		private final Method method;

		private final String key;

		private final CallStyle style;

		private final boolean oneWay;

		// The index of the Flux or Flow.Publisher parameter, or -1.
		private final int streamParameter;

		private final Duration timeout;

		private final ValueType[] argumentTypes;

		private final ValueType resultType;

		private final RpcChannel channel;

		private final CallRouter router;

		private final CallOptions options;

		private final RpcClientMiddleware[] middleware;

		ClientMethod(Method method, ClientDefinition definition, ClientMethodOptions options, ObjectCodec codec,
				RpcChannel channel, ExceptionFactory exceptionFactory, RpcClientMiddleware[] middleware) {
			this.method = method;
			this.middleware = middleware;
			String service = (definition.serviceName() != null && !definition.serviceName().isEmpty())
					? definition.serviceName() : MethodKeys.defaultServiceName(method);
			String name = (options.name() != null && !options.name().isEmpty()) ? options.name() : method.getName();
			// A plain MessagePack-RPC server knows its methods by their bare names.
			this.key = channel.isMsgpackRpc() ? name : MethodKeys.key(definition.group(), service, name);
			this.streamParameter = CallStyle.streamParameter(method);
			if (channel.isMsgpackRpc()) {
				checkMsgpackRpc(method, options, this.streamParameter, channel);
			}
			this.oneWay = options.oneWay();
			if (this.oneWay && this.streamParameter >= 0) {
				throw new IllegalStateException("One-way method " + method + " cannot take a stream parameter");
			}
			if (this.oneWay && method.getReturnType() != void.class) {
				throw new IllegalStateException(
						"One-way method " + method + " must return void, not " + method.getReturnType().getName());
			}
			this.style = CallStyle.of(method);
			this.timeout = (options.timeout() != null) ? options.timeout()
					: this.style.isStreaming() ? definition.effectiveStreamTimeout() : definition.timeout();
			Type[] parameters = method.getGenericParameterTypes();
			this.argumentTypes = new ValueType[parameters.length];
			for (int i = 0; i < parameters.length; i++) {
				this.argumentTypes[i] = (i == this.streamParameter)
						? codec.valueType(CallStyle.streamItemType(method, i)) : codec.valueType(parameters[i]);
			}
			this.resultType = codec.valueType(this.style.valueType(method));
			this.channel = channel;
			this.router = channel.router();
			Function<RpcException, Throwable> errorMapper = (error) -> exceptionFactory.toException(error, method);
			CallOptions callOptions;
			if (this.oneWay) {
				callOptions = CallOptions.oneWay(this.key, this.argumentTypes, errorMapper);
			}
			else if (this.style.isStreaming()) {
				callOptions = CallOptions
					.stream(this.key, this.argumentTypes, this.resultType, this.timeout, errorMapper)
					.withIdleTimeout(definition.effectiveStreamIdleTimeout());
			}
			else {
				callOptions = CallOptions.unary(this.key, this.argumentTypes, this.resultType, this.timeout,
						errorMapper);
			}
			if (options.idempotent() && !this.oneWay && !this.style.isStreaming() && this.streamParameter < 0) {
				callOptions = callOptions.withIdempotent();
			}
			if (options.namedArguments()) {
				callOptions = callOptions.withArgumentNames(parameterNames(method));
			}
			int routingKey = routingKeyIndex(method, this.streamParameter);
			this.options = (routingKey >= 0) ? callOptions.withRoutingKey(routingKey) : callOptions;
		}

		// What MessagePack-RPC cannot carry fails the proxy's creation.
		private static void checkMsgpackRpc(Method method, ClientMethodOptions options, int streamParameter,
				RpcChannel channel) {
			String unavailable = null;
			if (streamParameter >= 0 || CallStyle.of(method).isStreaming()) {
				unavailable = "streams are";
			}
			else if (options.idempotent()) {
				unavailable = "idempotency keys (idempotent methods) are";
			}
			if (unavailable != null) {
				throw new IllegalStateException("Cannot call " + method + " on the MessagePack-RPC server "
						+ channel.target() + ": " + unavailable + " available on easyrpc servers only");
			}
		}

		// The Java parameter names, which only a class compiled with -parameters keeps.
		private static String[] parameterNames(Method method) {
			java.lang.reflect.Parameter[] parameters = method.getParameters();
			String[] names = new String[parameters.length];
			for (int i = 0; i < parameters.length; i++) {
				if (!parameters[i].isNamePresent()) {
					throw new IllegalStateException("Method " + method + " sends named arguments (@RpcMethod("
							+ "namedArguments = true)), but its class was compiled without parameter names: "
							+ "compile it with javac -parameters (maven-compiler-plugin <parameters>true</parameters>)");
				}
				names[i] = parameters[i].getName();
			}
			return names;
		}

		// The parameter annotated with @RoutingKey, or -1.
		private static int routingKeyIndex(Method method, int streamParameter) {
			int index = -1;
			Annotation[][] annotations = method.getParameterAnnotations();
			for (int i = 0; i < annotations.length; i++) {
				for (Annotation annotation : annotations[i]) {
					if (annotation instanceof RoutingKey) {
						if (index >= 0) {
							throw new IllegalArgumentException(
									"Only one parameter of " + method + " may be annotated with @RoutingKey");
						}
						if (i == streamParameter) {
							throw new IllegalArgumentException("The stream parameter of " + method
									+ " cannot be a @RoutingKey: the key must be known when the call starts");
						}
						index = i;
					}
				}
			}
			return index;
		}

		@Nullable Object invoke(@Nullable Object @Nullable [] args) throws Throwable {
			Object[] arguments = (args != null) ? args : new Object[0];
			if (this.middleware.length == 0) {
				return call(arguments, metadata(RpcContext.outgoingHeaders()));
			}
			return new Invocation(arguments).proceed();
		}

		private @Nullable Object call(@Nullable Object[] arguments, Metadata metadata) throws Throwable {
			if (this.oneWay) {
				this.router.start(this.options, arguments, metadata, null, null);
				return null;
			}
			// Lazy calls start when subscribed, perhaps on another thread, but belong to
			// the session current when the method was called.
			RpcSession session = RpcSession.current();
			return switch (this.style) {
				case FUTURE -> start(arguments, metadata);
				case MONO -> ReactorSupport.fromFuture(() -> inSession(session, () -> start(arguments, metadata)));
				case PUBLISHER -> publisher(arguments, metadata, session);
				case FLUX -> ReactorSupport.toFlux(publisher(arguments, metadata, session));
				case ITERATOR -> iterator(arguments, metadata);
				case STREAM -> {
					ClientStream.BlockingIterator items = iterator(arguments, metadata);
					yield StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false)
						.onClose(items::close);
				}
				default -> await(arguments, metadata);
			};
		}

		// The arguments as sent in the request: nil in place of the stream argument,
		// whose items follow in NEXT frames.
		private Object[] requestArguments(Object[] arguments) {
			if (this.streamParameter < 0) {
				return arguments;
			}
			if (arguments[this.streamParameter] == null) {
				throw new IllegalArgumentException("The stream argument of " + this.key + " must not be null");
			}
			Object[] sent = arguments.clone();
			sent[this.streamParameter] = null;
			return sent;
		}

		// A new upload of the stream argument for one call, or null.
		@SuppressWarnings("unchecked")
		private ClientUpload upload(Object[] arguments) {
			if (this.streamParameter < 0) {
				return null;
			}
			Object items = arguments[this.streamParameter];
			Flow.Publisher<Object> publisher = (items instanceof Flow.Publisher<?> flow) ? (Flow.Publisher<Object>) flow
					: ReactorSupport.toFlowPublisher(items);
			return new ClientUpload(publisher, this.argumentTypes[this.streamParameter]);
		}

		private Flow.Publisher<Object> publisher(Object[] arguments, Metadata metadata, RpcSession session) {
			Object[] sent = requestArguments(arguments);
			return new ClientStream.Publisher((signal) -> inSession(session,
					() -> (ClientStream) this.router.start(this.options, sent, metadata, upload(arguments), signal)));
		}

		private static <T> T inSession(RpcSession session, Supplier<T> start) {
			if (session == null || session == RpcSession.current()) {
				return start.get();
			}
			try (RpcContext.Scope scope = session.enter()) {
				return start.get();
			}
		}

		private ClientStream.BlockingIterator iterator(Object[] arguments, Metadata metadata) {
			ClientStream.BlockingIterator[] holder = new ClientStream.BlockingIterator[1];
			ClientStream stream = (ClientStream) this.router.start(this.options, requestArguments(arguments), metadata,
					upload(arguments), () -> {
						ClientStream.BlockingIterator items = holder[0];
						if (items != null) {
							items.wake();
						}
					});
			holder[0] = new ClientStream.BlockingIterator(stream);
			return holder[0];
		}

		private CompletableFuture<Object> start(Object[] arguments, Metadata metadata) {
			if (this.streamParameter >= 0) {
				return this.router.start(this.options, requestArguments(arguments), metadata, upload(arguments), null);
			}
			return this.router.start(this.options, arguments, metadata, null, null);
		}

		private Object await(Object[] arguments, Metadata metadata) throws Throwable {
			if (this.channel.inEventLoop()) {
				throw new IllegalStateException("Blocking easyrpc call to " + this.key
						+ " on the connection's I/O thread would never complete; declare the method with a "
						+ "CompletableFuture result or continue with an *Async stage");
			}
			CompletableFuture<Object> call = start(arguments, metadata);
			try {
				return call.get();
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				cause.fillInStackTrace();
				throw cause;
			}
			catch (InterruptedException ex) {
				call.cancel(false);
				Thread.currentThread().interrupt();
				throw new RpcException(RpcStatus.CANCELLED, "Interrupted while waiting for " + this.key);
			}
		}

		private static Metadata metadata(Map<String, String> headers) {
			return headers.isEmpty() ? Metadata.EMPTY : new Metadata(0, null, null, headers);
		}

		/**
		 * The middleware chain of one call, ending with sending it.
		 */
		private final class Invocation implements ClientInvocation, RpcClientMiddleware.Chain {

			private final @Nullable Object[] arguments;

			private final Map<String, String> headers;

			private int next;

			Invocation(@Nullable Object[] arguments) {
				this.arguments = arguments;
				this.headers = new LinkedHashMap<>(RpcContext.outgoingHeaders());
			}

			@Override
			public @Nullable Object proceed() throws Throwable {
				int index = this.next++;
				if (index < ClientMethod.this.middleware.length) {
					return ClientMethod.this.middleware[index].invoke(this, this);
				}
				if (index > ClientMethod.this.middleware.length) {
					throw new RpcException(RpcStatus.INTERNAL,
							"A client middleware of " + methodKey() + " called proceed() twice");
				}
				return call(this.arguments, metadata(new LinkedHashMap<>(this.headers)));
			}

			@Override
			public String methodKey() {
				return ClientMethod.this.key;
			}

			@Override
			public Method method() {
				return ClientMethod.this.method;
			}

			@Override
			public @Nullable Object[] arguments() {
				return this.arguments;
			}

			@Override
			public String target() {
				return ClientMethod.this.channel.address().toString();
			}

			@Override
			public Map<String, String> headers() {
				return this.headers;
			}

		}

		@Override
		public String toString() {
			return this.key + " <- " + this.method;
		}

	}

}
