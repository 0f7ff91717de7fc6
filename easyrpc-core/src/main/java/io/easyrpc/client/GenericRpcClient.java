package io.easyrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.client.CallOptions;
import io.easyrpc.internal.protocol.Metadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Calls any method of a target by its key, without a shared interface: arguments are any
 * values the channel's codec can write (including Jackson trees), results come back as a
 * Jackson tree ({@link JsonNode}) or as a requested type. <pre class="code">
 * GenericRpcClient client = GenericRpcClient.create(channel);
 * JsonNode item = client.call("Inventory.find", "apple");
 * int count = client.call(Integer.class, "Inventory.count", "apple");
 * JsonNode named = client.callNamed("Inventory.find", Map.of("sku", "apple"));
 * </pre>
 * <p>
 * Arguments are sent by position ({@code call}) or as a map from parameter names to
 * values ({@code callNamed}); a server matches names to the parameter names of its
 * method. Every call has the client's timeout as its deadline unless
 * {@link #withTimeout(Duration)} gives another; failures are {@link RpcException}s with
 * the server's status.
 * <p>
 * With {@link Builder#validate(boolean) validation} on, the client fetches the server's
 * method signatures once through its reflection method ({@value #REFLECTION_KEY}) and
 * checks each call before sending it: the number of arguments, the names of named
 * arguments, and the JSON shape of each argument where the declared type fixes one
 * (string, number, integer, boolean, array, object, and {@code null} for primitives). A
 * call that does not fit fails with {@link RpcStatus#INVALID_ARGUMENT}, naming the
 * parameter, and nothing is sent. Methods that reflection does not list (for example
 * those a gateway forwards) are sent unchecked.
 * <p>
 * Calls do not pass through client middleware (it sees interface methods); the headers of
 * {@link RpcContext#withMetadata} scopes and the current session apply as for typed
 * clients. Instances are thread-safe; the client does not own the channel, closing it is
 * the caller's business.
 */
public final class GenericRpcClient {

	/** The default deadline of calls, as for typed clients. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/** The key of the reflection method every easyrpc server answers. */
	public static final String REFLECTION_KEY = "easyrpc/Reflection.describe";

	private static final TypeReference<List<RemoteService>> DESCRIPTORS = new TypeReference<>() {
	};

	private final RpcChannel channel;

	private final ObjectCodec codec;

	private final Duration timeout;

	private final boolean validate;

	private final ValueType objectType;

	private final ValueType treeType;

	// Shared by the copies of withTimeout: the signatures are the server's, not a copy's.
	private final AtomicReference<@Nullable CompletableFuture<Signatures>> signatures;

	private GenericRpcClient(RpcChannel channel, Duration timeout, boolean validate,
			AtomicReference<@Nullable CompletableFuture<Signatures>> signatures) {
		this.channel = channel;
		this.codec = channel.codec();
		this.timeout = timeout;
		this.validate = validate;
		this.objectType = this.codec.valueType(Object.class);
		this.treeType = this.codec.valueType(JsonNode.class);
		this.signatures = signatures;
	}

	/**
	 * Create a client with the {@link #DEFAULT_TIMEOUT default timeout} and no
	 * validation.
	 * @param channel the channel to call through
	 * @return the client
	 */
	public static GenericRpcClient create(RpcChannel channel) {
		return builder(channel).build();
	}

	/**
	 * Start building a client.
	 * @param channel the channel to call through
	 * @return a builder
	 */
	public static Builder builder(RpcChannel channel) {
		return new Builder(channel);
	}

	/**
	 * Return the channel the client calls through.
	 * @return the channel
	 */
	public RpcChannel channel() {
		return this.channel;
	}

	/**
	 * Return the deadline of each call.
	 * @return the timeout, zero for none
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Return whether calls are checked against the server's signatures before they are
	 * sent.
	 * @return whether validation is on
	 */
	public boolean isValidating() {
		return this.validate;
	}

	/**
	 * Return a client like this one whose calls have another deadline; it shares the
	 * channel and the fetched signatures.
	 * @param timeout the deadline of each call, zero for none
	 * @return the client
	 */
	public GenericRpcClient withTimeout(Duration timeout) {
		return new GenericRpcClient(this.channel, checkTimeout(timeout), this.validate, this.signatures);
	}

	/**
	 * Call a method with positional arguments and wait for its result.
	 * @param method the method key, such as {@code Inventory.find}
	 * @param arguments the arguments
	 * @return the result as a tree, {@link NullNode} for {@code null} or {@code void}
	 * @throws RpcException if the call fails
	 */
	public JsonNode call(String method, @Nullable Object... arguments) {
		return tree(await(callAsync(this.treeType, method, arguments), method));
	}

	/**
	 * Call a method with positional arguments and wait for its result as a given type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments
	 * @return the result
	 * @throws RpcException if the call fails or the result does not fit the type
	 */
	public <T> @Nullable T call(Class<T> resultType, String method, @Nullable Object... arguments) {
		return await(callAsync(this.codec.valueType(resultType), method, arguments), method);
	}

	/**
	 * Call a method with positional arguments and wait for its result as a given generic
	 * type.
	 * @param <T> the result type
	 * @param resultType the result type, such as {@code new TypeReference<List<Item>>()
	 * {}}
	 * @param method the method key
	 * @param arguments the arguments
	 * @return the result
	 * @throws RpcException if the call fails or the result does not fit the type
	 */
	public <T> @Nullable T call(TypeReference<T> resultType, String method, @Nullable Object... arguments) {
		return await(callAsync(this.codec.valueType(resultType.getType()), method, arguments), method);
	}

	/**
	 * Call a method with named arguments and wait for its result.
	 * @param method the method key
	 * @param arguments the arguments by parameter name; parameters left out are
	 * {@code null} on the server (primitives must be given)
	 * @return the result as a tree, {@link NullNode} for {@code null} or {@code void}
	 * @throws RpcException if the call fails
	 */
	public JsonNode callNamed(String method, Map<String, ?> arguments) {
		return tree(await(callNamedAsync(this.treeType, method, arguments), method));
	}

	/**
	 * Call a method with named arguments and wait for its result as a given type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return the result
	 * @throws RpcException if the call fails or the result does not fit the type
	 */
	public <T> @Nullable T callNamed(Class<T> resultType, String method, Map<String, ?> arguments) {
		return await(callNamedAsync(this.codec.valueType(resultType), method, arguments), method);
	}

	/**
	 * Call a method with named arguments and wait for its result as a given generic type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return the result
	 * @throws RpcException if the call fails or the result does not fit the type
	 */
	public <T> @Nullable T callNamed(TypeReference<T> resultType, String method, Map<String, ?> arguments) {
		return await(callNamedAsync(this.codec.valueType(resultType.getType()), method, arguments), method);
	}

	/**
	 * Start a call with positional arguments.
	 * @param method the method key
	 * @param arguments the arguments
	 * @return the future of the result as a tree; it fails with an {@link RpcException};
	 * cancelling it cancels the call
	 */
	public CompletableFuture<JsonNode> callAsync(String method, @Nullable Object... arguments) {
		return callAsync(this.treeType, method, arguments).thenApply(GenericRpcClient::tree);
	}

	/**
	 * Start a call with positional arguments whose result is decoded as a given type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments
	 * @return the future of the result
	 */
	public <T> CompletableFuture<@Nullable T> callAsync(Class<T> resultType, String method,
			@Nullable Object... arguments) {
		return callAsync(this.codec.valueType(resultType), method, arguments);
	}

	/**
	 * Start a call with positional arguments whose result is decoded as a given generic
	 * type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments
	 * @return the future of the result
	 */
	public <T> CompletableFuture<@Nullable T> callAsync(TypeReference<T> resultType, String method,
			@Nullable Object... arguments) {
		return callAsync(this.codec.valueType(resultType.getType()), method, arguments);
	}

	/**
	 * Start a call with named arguments.
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return the future of the result as a tree
	 */
	public CompletableFuture<JsonNode> callNamedAsync(String method, Map<String, ?> arguments) {
		return callNamedAsync(this.treeType, method, arguments).thenApply(GenericRpcClient::tree);
	}

	/**
	 * Start a call with named arguments whose result is decoded as a given type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return the future of the result
	 */
	public <T> CompletableFuture<@Nullable T> callNamedAsync(Class<T> resultType, String method,
			Map<String, ?> arguments) {
		return callNamedAsync(this.codec.valueType(resultType), method, arguments);
	}

	/**
	 * Start a call with named arguments whose result is decoded as a given generic type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return the future of the result
	 */
	public <T> CompletableFuture<@Nullable T> callNamedAsync(TypeReference<T> resultType, String method,
			Map<String, ?> arguments) {
		return callNamedAsync(this.codec.valueType(resultType.getType()), method, arguments);
	}

	/**
	 * Send a notification with positional arguments: the server runs the method and
	 * answers nothing.
	 * @param method the method key
	 * @param arguments the arguments
	 * @return a future completed once the notification is handed to the connection
	 */
	public CompletableFuture<Void> notify(String method, @Nullable Object... arguments) {
		return start(new Request(method, positional(arguments), null), null, true).thenApply((ignored) -> null);
	}

	/**
	 * Send a notification with named arguments.
	 * @param method the method key
	 * @param arguments the arguments by parameter name
	 * @return a future completed once the notification is handed to the connection
	 */
	public CompletableFuture<Void> notifyNamed(String method, Map<String, ?> arguments) {
		return start(named(method, arguments), null, true).thenApply((ignored) -> null);
	}

	/**
	 * Start a batch: calls collected first and then sent together, whose results come
	 * back in the order the calls were added.
	 * @return a new, empty batch
	 */
	public Batch batch() {
		return new Batch();
	}

	/**
	 * Describe the services, methods and signatures the server exposes, through its
	 * reflection method. The answer is also kept for validation.
	 * @return the services
	 * @throws RpcException if the server cannot be asked
	 */
	public List<RemoteService> describe() {
		List<RemoteService> services = call(DESCRIPTORS, REFLECTION_KEY);
		List<RemoteService> result = (services != null) ? services : List.of();
		this.signatures.set(CompletableFuture.completedFuture(new Signatures(result)));
		return result;
	}

	/**
	 * Return the names of the services the server exposes, with their group prefix.
	 * @return the names, in the server's order
	 * @throws RpcException if the server cannot be asked
	 */
	public List<String> list() {
		List<String> names = new ArrayList<>();
		for (RemoteService service : describe()) {
			names.add(service.name());
		}
		return names;
	}

	private <T> CompletableFuture<@Nullable T> callAsync(ValueType resultType, String method,
			@Nullable Object @Nullable [] arguments) {
		return start(new Request(method, positional(arguments), null), resultType, false);
	}

	private <T> CompletableFuture<@Nullable T> callNamedAsync(ValueType resultType, String method,
			Map<String, ?> arguments) {
		return start(named(method, arguments), resultType, false);
	}

	private static @Nullable Object[] positional(@Nullable Object @Nullable [] arguments) {
		// A single null passed as the varargs array means one null argument.
		return (arguments != null) ? arguments : new Object[] { null };
	}

	private static Request named(String method, Map<String, ?> arguments) {
		Objects.requireNonNull(arguments, "arguments must not be null");
		int size = arguments.size();
		String[] names = new String[size];
		Object[] values = new Object[size];
		int i = 0;
		for (Map.Entry<String, ?> entry : arguments.entrySet()) {
			names[i] = Objects.requireNonNull(entry.getKey(), "argument names must not be null");
			values[i++] = entry.getValue();
		}
		return new Request(method, values, names);
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<@Nullable T> start(Request request, @Nullable ValueType resultType, boolean oneWay) {
		Objects.requireNonNull(request.method, "method must not be null");
		if (!this.validate) {
			return (CompletableFuture<T>) send(request, resultType, oneWay);
		}
		CompletableFuture<Signatures> known = signatures();
		if (known.isDone() && !known.isCompletedExceptionally()) {
			try {
				known.join().check(request, this.codec);
			}
			catch (RpcException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return (CompletableFuture<T>) send(request, resultType, oneWay);
		}
		return known.thenCompose((signatures) -> {
			signatures.check(request, this.codec);
			return (CompletableFuture<T>) send(request, resultType, oneWay);
		}).exceptionallyCompose((failure) -> CompletableFuture.failedFuture(unwrap(failure)));
	}

	private CompletableFuture<?> send(Request request, @Nullable ValueType resultType, boolean oneWay) {
		ValueType[] types = new ValueType[request.values.length];
		Arrays.fill(types, this.objectType);
		CallOptions options = oneWay ? CallOptions.oneWay(request.method, types, null)
				: CallOptions.unary(request.method, types, resultType, this.timeout, null);
		if (request.names != null) {
			options = options.withArgumentNames(request.names);
		}
		Map<String, String> headers = RpcContext.outgoingHeaders();
		Metadata metadata = headers.isEmpty() ? Metadata.EMPTY : new Metadata(0, null, null, headers);
		return this.channel.router().start(options, request.values, metadata, null, null);
	}

	// The signatures, fetched once; a failed fetch is forgotten so the next call tries
	// again.
	private CompletableFuture<Signatures> signatures() {
		CompletableFuture<Signatures> current = this.signatures.get();
		if (current != null) {
			return current;
		}
		CompletableFuture<Signatures> fetch = new CompletableFuture<>();
		if (!this.signatures.compareAndSet(null, fetch)) {
			return Objects.requireNonNull(this.signatures.get());
		}
		ValueType type = this.codec.valueType(DESCRIPTORS.getType());
		send(new Request(REFLECTION_KEY, new Object[0], null), type, false).whenComplete((value, failure) -> {
			if (failure == null) {
				@SuppressWarnings("unchecked")
				List<RemoteService> services = (List<RemoteService>) value;
				fetch.complete(new Signatures((services != null) ? services : List.of()));
			}
			else if (unwrap(failure).getStatus() == RpcStatus.NOT_FOUND) {
				// A server without reflection: calls go unchecked.
				fetch.complete(new Signatures(List.of()));
			}
			else {
				this.signatures.compareAndSet(fetch, null);
				fetch.completeExceptionally(unwrap(failure));
			}
		});
		return fetch;
	}

	private static JsonNode tree(@Nullable Object value) {
		return (value instanceof JsonNode node) ? node : NullNode.getInstance();
	}

	private static Duration checkTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		return timeout;
	}

	static RpcException unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof RpcException ex) {
			return ex;
		}
		return new RpcException(RpcStatus.INTERNAL, String.valueOf(cause.getMessage()), cause);
	}

	private <T> @Nullable T await(CompletableFuture<@Nullable T> call, String method) {
		if (this.channel.inEventLoop()) {
			call.cancel(false);
			throw new IllegalStateException("Blocking easyrpc call to " + method
					+ " on the connection's I/O thread would never complete; use the *Async variant");
		}
		try {
			return call.get();
		}
		catch (ExecutionException ex) {
			RpcException failure = unwrap(ex);
			failure.fillInStackTrace();
			throw failure;
		}
		catch (InterruptedException ex) {
			call.cancel(false);
			Thread.currentThread().interrupt();
			throw new RpcException(RpcStatus.CANCELLED, "Interrupted while waiting for " + method);
		}
	}

	/**
	 * One call as given: its key, its values, and the names they are sent under, or
	 * {@code null} for positional arguments.
	 */
	record Request(String method, @Nullable Object[] values, String @Nullable [] names) {
	}

	/**
	 * Builder of {@link GenericRpcClient}.
	 */
	public static final class Builder {

		private final RpcChannel channel;

		private Duration timeout = DEFAULT_TIMEOUT;

		private boolean validate;

		private Builder(RpcChannel channel) {
			this.channel = Objects.requireNonNull(channel, "channel must not be null");
		}

		/**
		 * Set the deadline of each call. Defaults to {@link #DEFAULT_TIMEOUT}.
		 * @param timeout the deadline, zero for none
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = checkTimeout(timeout);
			return this;
		}

		/**
		 * Set whether calls are checked against the server's signatures before they are
		 * sent. The signatures are fetched once, on the first call. Defaults to
		 * {@code false}.
		 * @param validate whether to validate
		 * @return this builder
		 */
		public Builder validate(boolean validate) {
			this.validate = validate;
			return this;
		}

		/**
		 * Build the client.
		 * @return the client
		 */
		public GenericRpcClient build() {
			return new GenericRpcClient(this.channel, this.timeout, this.validate, new AtomicReference<>());
		}

	}

	/**
	 * Calls collected and then sent together: one after the other without waiting for
	 * answers, so that on a channel with one connection they go out pipelined, usually in
	 * one write. Not thread-safe; a batch may be executed once.
	 */
	public final class Batch {

		private final List<Request> requests = new ArrayList<>();

		private boolean executed;

		private Batch() {
		}

		/**
		 * Add a call with positional arguments.
		 * @param method the method key
		 * @param arguments the arguments
		 * @return this batch
		 */
		public Batch add(String method, @Nullable Object... arguments) {
			this.requests.add(new Request(Objects.requireNonNull(method, "method must not be null"),
					positional(arguments), null));
			return this;
		}

		/**
		 * Add a call with named arguments.
		 * @param method the method key
		 * @param arguments the arguments by parameter name
		 * @return this batch
		 */
		public Batch addNamed(String method, Map<String, ?> arguments) {
			this.requests.add(named(Objects.requireNonNull(method, "method must not be null"), arguments));
			return this;
		}

		/**
		 * Return the number of calls added.
		 * @return the size
		 */
		public int size() {
			return this.requests.size();
		}

		/**
		 * Send the calls and wait for all of them.
		 * @return one result per call, in the order added
		 * @throws RpcException with {@link RpcStatus#INVALID_ARGUMENT} if validation is
		 * on and a call does not fit its signature; then no call is sent
		 */
		public List<BatchResult> execute() {
			return Objects.requireNonNull(await(executeAsync(), "a batch"));
		}

		/**
		 * Send the calls.
		 * @return the future of one result per call, in the order added; it fails only
		 * when validation refuses a call, and then no call is sent
		 */
		public CompletableFuture<List<BatchResult>> executeAsync() {
			if (this.executed) {
				throw new IllegalStateException("A batch can be executed once");
			}
			this.executed = true;
			List<Request> requests = List.copyOf(this.requests);
			if (!GenericRpcClient.this.validate) {
				return sendAll(requests);
			}
			return signatures().thenCompose((signatures) -> {
				for (Request request : requests) {
					signatures.check(request, GenericRpcClient.this.codec);
				}
				return sendAll(requests);
			}).exceptionallyCompose((failure) -> CompletableFuture.failedFuture(unwrap(failure)));
		}

		private CompletableFuture<List<BatchResult>> sendAll(List<Request> requests) {
			List<CompletableFuture<BatchResult>> calls = new ArrayList<>(requests.size());
			for (Request request : requests) {
				calls.add(send(request, GenericRpcClient.this.treeType, false).handle(
						(value, failure) -> new BatchResult(request.method(), (failure != null) ? null : tree(value),
								(failure != null) ? unwrap(failure) : null, GenericRpcClient.this.codec)));
			}
			return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply((ignored) -> {
				List<BatchResult> results = new ArrayList<>(calls.size());
				for (CompletableFuture<BatchResult> call : calls) {
					results.add(call.join());
				}
				return Collections.unmodifiableList(results);
			});
		}

	}

	/**
	 * The outcome of one call of a {@link Batch}: its result or its failure.
	 */
	public static final class BatchResult {

		private final String method;

		private final @Nullable JsonNode value;

		private final @Nullable RpcException error;

		private final ObjectCodec codec;

		BatchResult(String method, @Nullable JsonNode value, @Nullable RpcException error, ObjectCodec codec) {
			this.method = method;
			this.value = value;
			this.error = error;
			this.codec = codec;
		}

		/**
		 * Return the key of the method called.
		 * @return the method key
		 */
		public String method() {
			return this.method;
		}

		/**
		 * Return whether the call succeeded.
		 * @return {@code true} if there is a result
		 */
		public boolean isSuccess() {
			return this.error == null;
		}

		/**
		 * Return the failure of the call.
		 * @return the failure, {@code null} if it succeeded
		 */
		public @Nullable RpcException error() {
			return this.error;
		}

		/**
		 * Return the result.
		 * @return the result as a tree
		 * @throws RpcException the call's failure, if it failed
		 */
		public JsonNode value() {
			if (this.error != null) {
				throw this.error;
			}
			return Objects.requireNonNull(this.value);
		}

		/**
		 * Return the result converted to a type.
		 * @param <T> the type
		 * @param type the type
		 * @return the result
		 * @throws RpcException the call's failure, or {@link RpcStatus#INTERNAL} if the
		 * result does not fit the type
		 */
		public <T> @Nullable T value(Class<T> type) {
			return convert(this.codec.valueType(type).javaType());
		}

		/**
		 * Return the result converted to a generic type.
		 * @param <T> the type
		 * @param type the type
		 * @return the result
		 * @throws RpcException the call's failure, or {@link RpcStatus#INTERNAL} if the
		 * result does not fit the type
		 */
		public <T> @Nullable T value(TypeReference<T> type) {
			return convert(this.codec.valueType(type.getType()).javaType());
		}

		private <T> @Nullable T convert(tools.jackson.databind.JavaType type) {
			JsonNode tree = value();
			try {
				return this.codec.mapper().treeToValue(tree, type);
			}
			catch (RuntimeException ex) {
				throw new RpcException(RpcStatus.INTERNAL,
						"The result of " + this.method + " is not a " + type + ": " + ex.getMessage(), ex);
			}
		}

		@Override
		public String toString() {
			return this.method + " -> " + ((this.error != null)
					? this.error.getStatus() + ": " + this.error.getMessage() : String.valueOf(this.value));
		}

	}

	/**
	 * The server's signatures by method key, for validation.
	 */
	static final class Signatures {

		private final Map<String, RemoteService.Method> methods = new LinkedHashMap<>();

		Signatures(List<RemoteService> services) {
			for (RemoteService service : services) {
				for (RemoteService.Method method : service.methods()) {
					this.methods.put(method.key(), method);
				}
			}
		}

		void check(Request request, ObjectCodec codec) {
			RemoteService.Method method = this.methods.get(request.method());
			if (method != null) {
				ArgumentValidator.check(method, request.values(), request.names(), codec.mapper());
			}
		}

	}

}
