package io.easyrpc.test.autoconfigure;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServerMethod;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;

/**
 * A real easyrpc server in the test's JVM, on an in-process address, that answers the
 * calls of {@code @RpcClient} proxies from expectations a test declares, the way Spring's
 * {@code MockRestServiceServer} answers a {@code RestClient}:
 *
 * <pre class="code">
 * server.expect("Inventory.find").withArguments("BK-1").andRespond(item);
 * // ... exercise the code that calls the client ...
 * server.verify();
 * </pre>
 *
 * Calls travel the whole client and server path: the proxy encodes the arguments with the
 * application's codec, the server decodes them into the parameter types of the client
 * interface, and the response is encoded and decoded again. Expected arguments are
 * therefore compared with the decoded ones by {@link Objects#deepEquals} (records and
 * other values by their {@code equals}, arrays element by element), in the types of the
 * method's parameters: give a record, not a map of its components.
 * <p>
 * A call that no expectation matches (or that comes after its expectations have been used
 * up) is answered with {@link RpcStatus#NOT_FOUND} and a message naming the call and the
 * declared expectations, and {@link #verify()} reports it. Expectations are matched in
 * the order they were declared, each until its {@link ExpectedCount#max() maximum} is
 * reached. {@link #reset()} forgets everything; the {@link RpcClientTest @RpcClientTest}
 * slice calls it after each test method.
 * <p>
 * Thread-safe: clients may call from any thread.
 */
public final class MockRpcServer implements AutoCloseable {

	private final ObjectCodec codec;

	private final RpcAddress address;

	private final ServiceRegistry registry;

	private final RpcServer server;

	private final Map<Method, String> keys = new ConcurrentHashMap<>();

	private final List<Expectation> expectations = new ArrayList<>();

	private final List<String> unexpectedCalls = new ArrayList<>();

	private @Nullable RpcChannel channel;

	/**
	 * Create and start a mock server on a new in-process address.
	 * @param codec the codec of the calls, the same as the clients'
	 */
	public MockRpcServer(ObjectCodec codec) {
		this.codec = codec;
		this.address = RpcAddress.inProcess("easyrpc-mock-" + UUID.randomUUID());
		this.registry = new ServiceRegistry(codec);
		this.server = RpcServer.builder()
			.address(this.address)
			.registry(this.registry)
			.codec(codec)
			.exceptionResolver(MockRpcServer::resolve)
			.build();
		this.server.start();
	}

	/**
	 * Return the in-process address the server listens on.
	 * @return the address
	 */
	public RpcAddress address() {
		return this.address;
	}

	/**
	 * Return a channel to this server, created on first use and closed with the server.
	 * It never retries, so that every call of a client reaches the expectations once,
	 * whatever status they answer.
	 * @return the channel
	 */
	public synchronized RpcChannel channel() {
		if (this.channel == null) {
			this.channel = RpcChannel.builder(this.address).codec(this.codec).retry(RetryPolicy.disabled()).build();
		}
		return this.channel;
	}

	/**
	 * Serve the methods of a client interface, under the keys its proxy calls. Methods
	 * whose keys are already served (an interface shared by two clients) are skipped.
	 * @param type the client interface
	 * @param serviceName the service name of its keys, {@code null} or empty for the
	 * simple name of each method's declaring interface
	 * @param group the group of its keys, {@code null} or empty for none
	 */
	public synchronized void register(Class<?> type, @Nullable String serviceName, @Nullable String group) {
		if (!type.isInterface()) {
			throw new IllegalArgumentException("Not an interface: " + type.getName());
		}
		Object target = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, new Answering());
		ServiceDefinition all = ServiceDefinition.builder(target).type(type).name(serviceName).group(group).build();
		ServiceDefinition.Builder fresh = ServiceDefinition.builder(target).type(type).name(serviceName).group(group);
		int count = 0;
		for (ServiceDefinition.Entry entry : all.methods()) {
			if (this.registry.lookup(entry.key()) == null) {
				fresh.method(entry.method());
				this.keys.put(entry.method(), entry.key());
				count++;
			}
		}
		if (count > 0) {
			this.registry.register(fresh.build());
		}
	}

	/**
	 * Expect one call of a method.
	 * @param methodKey the method key, for example {@code Inventory.find} or
	 * {@code group/Inventory.find}
	 * @return the actions to say which arguments are expected and what to answer
	 */
	public ResponseActions expect(String methodKey) {
		return expect(ExpectedCount.once(), methodKey);
	}

	/**
	 * Expect a method to be called a number of times, all answered the same way.
	 * @param count how many calls
	 * @param methodKey the method key, for example {@code Inventory.find}
	 * @return the actions to say which arguments are expected and what to answer
	 */
	public ResponseActions expect(ExpectedCount count, String methodKey) {
		Objects.requireNonNull(count, "count must not be null");
		Objects.requireNonNull(methodKey, "methodKey must not be null");
		Expectation expectation = new Expectation(methodKey, count);
		synchronized (this) {
			this.expectations.add(expectation);
		}
		return expectation;
	}

	/**
	 * Check that every expectation got at least as many calls as it asked for and that no
	 * call was unexpected.
	 * @throws AssertionError listing the unmet expectations and the unexpected calls
	 */
	public synchronized void verify() {
		List<String> problems = new ArrayList<>();
		for (Expectation expectation : this.expectations) {
			if (expectation.calls < expectation.count.min()) {
				problems.add("unmet expectation: " + expectation + ", called " + expectation.calls + " times");
			}
		}
		for (String call : this.unexpectedCalls) {
			problems.add("unexpected call: " + call);
		}
		if (!problems.isEmpty()) {
			throw new AssertionError("MockRpcServer verification failed:\n  " + String.join("\n  ", problems));
		}
	}

	/**
	 * Forget every expectation and every recorded call.
	 */
	public synchronized void reset() {
		this.expectations.clear();
		this.unexpectedCalls.clear();
	}

	/**
	 * Stop the server and close the channel to it.
	 */
	@Override
	public void close() {
		RpcChannel channel;
		synchronized (this) {
			channel = this.channel;
			this.channel = null;
		}
		if (channel != null) {
			channel.close();
		}
		this.server.stop(Duration.ZERO);
	}

	private @Nullable Object answer(Method method, @Nullable Object[] arguments) throws Throwable {
		String key = this.keys.get(method);
		String call = key + describe(arguments);
		Expectation match = null;
		synchronized (this) {
			for (Expectation expectation : this.expectations) {
				if (expectation.calls < expectation.count.max() && expectation.matches(key, arguments)) {
					expectation.calls++;
					match = expectation;
					break;
				}
			}
			if (match == null) {
				this.unexpectedCalls.add(call);
				String declared = this.expectations.isEmpty() ? "none"
						: this.expectations.stream()
							.map((expectation) -> expectation + " (called " + expectation.calls + " times)")
							.collect(Collectors.joining(", "));
				throw new RpcException(RpcStatus.NOT_FOUND,
						"MockRpcServer has no expectation for the call " + call + "; declared: " + declared);
			}
		}
		Function<Invocation, @Nullable Object> response = match.response;
		if (response == null) {
			throw new RpcException(RpcStatus.INTERNAL,
					"MockRpcServer expectation " + match + " has no response: call andRespond...");
		}
		return response.apply(new Invocation(method, arguments));
	}

	private static String describe(@Nullable Object[] arguments) {
		String text = Arrays.deepToString(arguments);
		return "(" + text.substring(1, text.length() - 1) + ")";
	}

	// What the client receives for a failure thrown by a response, without the server's
	// log line for unexpected exceptions: the test asked for it.
	private static @Nullable RpcException resolve(Throwable exception, @Nullable ServerMethod method) {
		Throwable thrown = (exception instanceof UndeclaredThrowableException undeclared
				&& undeclared.getUndeclaredThrowable() != null) ? undeclared.getUndeclaredThrowable() : exception;
		if (method == null || thrown instanceof Error) {
			return null;
		}
		if (thrown instanceof RpcException rpcException) {
			return rpcException;
		}
		return new RpcException(RpcStatus.APPLICATION_ERROR, thrown.getMessage(), thrown.getClass().getName(), null,
				null);
	}

	// Adapts a single value to the method's return type.
	private static @Nullable Object single(Method method, @Nullable Object value) {
		Class<?> type = method.getReturnType();
		if (type == void.class || type == Void.class) {
			return null;
		}
		if (type == Optional.class) {
			return (value instanceof Optional<?>) ? value : Optional.ofNullable(value);
		}
		if (type == CompletableFuture.class || type == CompletionStage.class) {
			return (value instanceof CompletionStage<?>) ? value : CompletableFuture.completedFuture(value);
		}
		if (isReactor(type) || type == Flow.Publisher.class) {
			return ReactorResponses.single(type, value);
		}
		if (type == Stream.class) {
			return (value instanceof Stream<?>) ? value : Stream.ofNullable(value);
		}
		return value;
	}

	// Adapts a list of items to a stream-returning method.
	private static Object stream(Method method, List<@Nullable Object> items) {
		Class<?> type = method.getReturnType();
		if (type == Stream.class) {
			return items.stream();
		}
		if (isReactor(type) || type == Flow.Publisher.class) {
			return ReactorResponses.stream(type, items);
		}
		throw new RpcException(RpcStatus.INTERNAL, "MockRpcServer cannot answer " + method.getName()
				+ " with a stream: it returns " + type.getName() + ", not a Flux, Flow.Publisher or Stream");
	}

	private static boolean isReactor(Class<?> type) {
		String name = type.getName();
		return name.equals("reactor.core.publisher.Mono") || name.equals("reactor.core.publisher.Flux");
	}

	/**
	 * What a test declares about one expected method: the arguments it must be called
	 * with, and the response. Call one of the {@code andRespond...} methods last.
	 */
	public interface ResponseActions {

		/**
		 * Expect the call to have exactly these arguments, compared after decoding by
		 * {@link Objects#deepEquals}.
		 * @param arguments the expected arguments, one per parameter
		 * @return these actions
		 */
		ResponseActions withArguments(@Nullable Object... arguments);

		/**
		 * Expect the call's decoded arguments to match a predicate.
		 * @param predicate tested with the arguments, one per parameter
		 * @return these actions
		 */
		ResponseActions withArgumentsMatching(Predicate<@Nullable Object[]> predicate);

		/**
		 * Answer with a value. It is adapted to the method's return type: wrapped in an
		 * {@link Optional}, a completed {@link CompletableFuture}, a {@code Mono} or a
		 * one-item stream when the method returns one and the value is not one already.
		 * Methods returning {@code void} ignore it.
		 * @param result the result, may be {@code null}
		 */
		void andRespond(@Nullable Object result);

		/**
		 * Answer with the result of a function of the decoded arguments, adapted like
		 * {@link #andRespond(Object)}.
		 * @param answer computes the result from the arguments
		 */
		void andAnswer(Function<@Nullable Object[], @Nullable Object> answer);

		/**
		 * Answer with these items, for a method that returns a {@code Flux},
		 * {@link Flow.Publisher} or {@link Stream}.
		 * @param items the items, in order
		 */
		void andRespondWithStream(@Nullable Object... items);

		/**
		 * Fail the call with a status; the client throws an {@link RpcException} with it.
		 * @param status the status
		 */
		void andRespondWithStatus(RpcStatus status);

		/**
		 * Fail the call with a status and a message.
		 * @param status the status
		 * @param message the message the client's exception carries
		 */
		void andRespondWithStatus(RpcStatus status, @Nullable String message);

		/**
		 * Fail the call with an exception, as if the service method had thrown it: the
		 * client throws an exception of the same type when it can re-create it (a type
		 * the method declares, or one in {@code easyrpc.client.exception-packages}),
		 * otherwise an {@link RpcException} with status {@code APPLICATION_ERROR}. An
		 * {@link RpcException} is sent with its own status.
		 * @param exception the exception
		 */
		void andRespondWithError(Throwable exception);

	}

	private record Invocation(Method method, @Nullable Object[] arguments) {
	}

	private static final class Expectation implements ResponseActions {

		private final String key;

		private final ExpectedCount count;

		private @Nullable Object @Nullable [] arguments;

		private @Nullable Predicate<@Nullable Object[]> predicate;

		private volatile @Nullable Function<Invocation, @Nullable Object> response;

		private int calls;

		Expectation(String key, ExpectedCount count) {
			this.key = key;
			this.count = count;
		}

		boolean matches(String key, @Nullable Object[] actual) {
			if (!this.key.equals(key)) {
				return false;
			}
			if (this.arguments != null && !Objects.deepEquals(this.arguments, actual)) {
				return false;
			}
			return this.predicate == null || this.predicate.test(actual);
		}

		@Override
		public ResponseActions withArguments(@Nullable Object... arguments) {
			this.arguments = arguments.clone();
			return this;
		}

		@Override
		public ResponseActions withArgumentsMatching(Predicate<@Nullable Object[]> predicate) {
			this.predicate = Objects.requireNonNull(predicate, "predicate must not be null");
			return this;
		}

		@Override
		public void andRespond(@Nullable Object result) {
			this.response = (invocation) -> single(invocation.method(), result);
		}

		@Override
		public void andAnswer(Function<@Nullable Object[], @Nullable Object> answer) {
			Objects.requireNonNull(answer, "answer must not be null");
			this.response = (invocation) -> single(invocation.method(), answer.apply(invocation.arguments()));
		}

		@Override
		public void andRespondWithStream(@Nullable Object... items) {
			List<@Nullable Object> copy = Arrays.asList(items.clone());
			this.response = (invocation) -> stream(invocation.method(), copy);
		}

		@Override
		public void andRespondWithStatus(RpcStatus status) {
			andRespondWithStatus(status, null);
		}

		@Override
		public void andRespondWithStatus(RpcStatus status, @Nullable String message) {
			Objects.requireNonNull(status, "status must not be null");
			this.response = (invocation) -> {
				throw new RpcException(status, message);
			};
		}

		@Override
		public void andRespondWithError(Throwable exception) {
			Objects.requireNonNull(exception, "exception must not be null");
			this.response = (invocation) -> {
				throw new Failure(exception);
			};
		}

		@Override
		public String toString() {
			String text = this.key;
			if (this.arguments != null) {
				text += describe(this.arguments);
			}
			else if (this.predicate != null) {
				text += "(matching a predicate)";
			}
			return text + " " + this.count;
		}

	}

	// Carries an exception a response throws out of a Function.
	private static final class Failure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Failure(Throwable exception) {
			super(exception);
		}

	}

	private final class Answering implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
				throws Throwable {
			if (method.getDeclaringClass() == Object.class) {
				return switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					default -> "MockRpcServer service " + Arrays.toString(proxy.getClass().getInterfaces());
				};
			}
			try {
				return answer(method, (args != null) ? args : new Object[0]);
			}
			catch (Failure failure) {
				throw failure.getCause();
			}
		}

	}

	// Reactor types, loaded only when a client method returns one.
	private static final class ReactorResponses {

		static Object single(Class<?> type, @Nullable Object value) {
			if (type.isInstance(value)) {
				return value;
			}
			if (type == reactor.core.publisher.Mono.class) {
				return reactor.core.publisher.Mono.justOrEmpty(value);
			}
			return stream(type, (value != null) ? List.of(value) : List.of());
		}

		static Object stream(Class<?> type, List<?> items) {
			reactor.core.publisher.Flux<?> flux = reactor.core.publisher.Flux.fromIterable(items);
			if (type == Flow.Publisher.class) {
				return reactor.adapter.JdkFlowAdapter.publisherToFlowPublisher(flux);
			}
			return flux;
		}

	}

}
