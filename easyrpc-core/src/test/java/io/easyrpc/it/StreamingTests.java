package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Server streams over a real socket: every server style with every client style, credit
 * that bounds the producer, cancellation, errors and deadlines mid-stream, many streams
 * on one connection, and observations of the stream as one call.
 */
@ExtendWith(LeakDetectionExtension.class)
class StreamingTests {

	// The client's credit window (ClientStream.DEFAULT_WINDOW).
	private static final int WINDOW = 32;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final NumbersService service = new NumbersService();

	@AfterEach
	void close() {
		this.service.gate.countDown();
		this.rpc.close();
	}

	static List<Arguments> styles() {
		List<Arguments> arguments = new ArrayList<>();
		for (String server : List.of("flux", "publisher", "stream", "iterator")) {
			for (String client : List.of("flux", "publisher", "stream", "iterator")) {
				arguments.add(Arguments.of(server, client));
			}
		}
		return arguments;
	}

	private <T> T client(Class<T> type, RpcChannel channel) {
		return client(type, channel, RpcFixture.TIMEOUT);
	}

	private <T> T client(Class<T> type, RpcChannel channel, Duration timeout) {
		return this.rpc.client(new ClientDefinition(type, "Numbers", null, timeout, null), channel);
	}

	@ParameterizedTest(name = "server {0}, client {1}")
	@MethodSource("styles")
	void everyServerStyleDeliversAllItemsInOrderToEveryClientStyle(String serverStyle, String clientStyle) {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		int count = 1000;
		List<Integer> expected = IntStream.range(0, count).boxed().toList();
		assertThat(collect(channel, serverStyle, clientStyle, count)).isEqualTo(expected);
		// Empty streams end at once.
		assertThat(collect(channel, serverStyle, clientStyle, 0)).isEmpty();
	}

	private List<Integer> collect(RpcChannel channel, String serverStyle, String clientStyle, int count) {
		return switch (clientStyle) {
			case "flux" -> {
				FluxNumbers numbers = client(FluxNumbers.class, channel);
				Function<Integer, Flux<Integer>> method = switch (serverStyle) {
					case "flux" -> numbers::flux;
					case "publisher" -> numbers::publisher;
					case "stream" -> numbers::stream;
					default -> numbers::iterator;
				};
				yield method.apply(count).collectList().block(WAIT);
			}
			case "publisher" -> {
				PublisherNumbers numbers = client(PublisherNumbers.class, channel);
				Function<Integer, Flow.Publisher<Integer>> method = switch (serverStyle) {
					case "flux" -> numbers::flux;
					case "publisher" -> numbers::publisher;
					case "stream" -> numbers::stream;
					default -> numbers::iterator;
				};
				yield JdkFlowAdapter.flowPublisherToFlux(method.apply(count)).collectList().block(WAIT);
			}
			case "stream" -> {
				StreamNumbers numbers = client(StreamNumbers.class, channel);
				Function<Integer, Stream<Integer>> method = switch (serverStyle) {
					case "flux" -> numbers::flux;
					case "publisher" -> numbers::publisher;
					case "stream" -> numbers::stream;
					default -> numbers::iterator;
				};
				try (Stream<Integer> items = method.apply(count)) {
					yield items.toList();
				}
			}
			default -> {
				IteratorNumbers numbers = client(IteratorNumbers.class, channel);
				Function<Integer, Iterator<Integer>> method = switch (serverStyle) {
					case "flux" -> numbers::flux;
					case "publisher" -> numbers::publisher;
					case "stream" -> numbers::stream;
					default -> numbers::iterator;
				};
				List<Integer> items = new ArrayList<>();
				method.apply(count).forEachRemaining(items::add);
				yield items;
			}
		};
	}

	@Test
	void itemsStayInOrderWhenAPublisherEmitsFromAWorkerAndThenFromTheIoThread() {
		// Flux.range emits its first items on the worker that subscribes and later ones
		// on
		// the I/O thread that delivers the next credit.
		RpcServer server = this.rpc.tcpServer(this.service);
		IteratorNumbers numbers = client(IteratorNumbers.class, this.rpc.channel(server));
		List<Integer> expected = IntStream.range(0, 2000).boxed().toList();
		for (int round = 0; round < 20; round++) {
			List<Integer> items = new ArrayList<>();
			numbers.flux(2000).forEachRemaining(items::add);
			assertThat(items).isEqualTo(expected);
		}
	}

	@Test
	void streamPausesWhileTheConnectionIsNotWritableAndResumes() {
		// Tiny write-buffer water marks make the channel unwritable after almost every
		// item, and a large window leaves the pause to writability alone: pulls pause,
		// and publishers are asked for no more items until the channel drains.
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.bootstrapCustomizer((bootstrap) -> bootstrap
					.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8, 16))),
				RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.streamWindow(100_000));
		for (String style : List.of("stream", "iterator", "flux", "publisher")) {
			assertThat(collect(channel, style, "iterator", 20_000))
				.isEqualTo(IntStream.range(0, 20_000).boxed().toList());
		}
	}

	@Test
	void slowIteratingConsumerBoundsTheStreamProducerAndClosingTheStreamClosesIt() {
		RpcServer server = this.rpc.tcpServer(this.service);
		StreamNumbers numbers = client(StreamNumbers.class, this.rpc.channel(server));
		int consumed = 2000;
		Stream<Integer> items = numbers.endless();
		Iterator<Integer> iterator = items.iterator();
		for (int i = 0; i < consumed; i++) {
			assertThat(iterator.next()).isEqualTo(i);
		}
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
		assertThat(this.service.closed).isFalse();
		items.close();
		await().atMost(WAIT).untilTrue(this.service.closed);
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
	}

	@Test
	void subscriberRequestingOneAtATimeBoundsTheFluxProducerAndCancelStopsIt() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.service);
		FluxNumbers numbers = client(FluxNumbers.class, this.rpc.channel(server));
		int consumed = 2000;
		CountDownLatch received = new CountDownLatch(consumed);
		List<Integer> items = new CopyOnWriteArrayList<>();
		BaseSubscriber<Integer> subscriber = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(Integer value) {
				items.add(value);
				received.countDown();
				if (items.size() < consumed) {
					request(1);
				}
			}

		};
		numbers.endlessFlux().subscribe(subscriber);
		assertThat(received.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(items).isEqualTo(IntStream.range(0, consumed).boxed().toList());
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
		subscriber.cancel();
		await().atMost(WAIT).untilTrue(this.service.cancelled);
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
	}

	@Test
	void cancellingAnIteratorThroughCloseStopsAnIteratorProducer() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.service);
		IteratorNumbers numbers = client(IteratorNumbers.class, this.rpc.channel(server));
		Iterator<Integer> items = numbers.endless();
		assertThat(items.next()).isZero();
		((AutoCloseable) items).close();
		await().atMost(WAIT).untilTrue(this.service.closed);
	}

	@Test
	void closingTheChannelStopsTheProducer() {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		Iterator<Integer> items = client(IteratorNumbers.class, channel).endless();
		assertThat(items.next()).isZero();
		channel.close();
		await().atMost(WAIT).untilTrue(this.service.closed);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> {
			while (items.hasNext()) {
				items.next();
			}
		}).satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
	}

	static List<Arguments> failingStyles() {
		List<Arguments> arguments = new ArrayList<>();
		for (String server : List.of("flux", "iterator")) {
			for (String client : List.of("flux", "iterator")) {
				arguments.add(Arguments.of(server, client));
			}
		}
		return arguments;
	}

	@ParameterizedTest(name = "server {0}, client {1}")
	@MethodSource("failingStyles")
	void errorMidStreamArrivesWithItsStatusAfterTheItemsBeforeIt(String serverStyle, String clientStyle) {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		List<Integer> items = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		if (clientStyle.equals("flux")) {
			FluxNumbers numbers = client(FluxNumbers.class, channel);
			Flux<Integer> stream = serverStyle.equals("flux") ? numbers.failingFlux() : numbers.failingIterator();
			stream.doOnNext(items::add).onErrorResume((ex) -> {
				failure.set(ex);
				return Flux.empty();
			}).blockLast(WAIT);
		}
		else {
			IteratorNumbers numbers = client(IteratorNumbers.class, channel);
			Iterator<Integer> iterator = serverStyle.equals("flux") ? numbers.failingFlux() : numbers.failingIterator();
			try {
				iterator.forEachRemaining(items::add);
			}
			catch (RpcException ex) {
				failure.set(ex);
			}
		}
		assertThat(items).containsExactly(0, 1, 2);
		assertThat(failure.get()).isInstanceOfSatisfying(RpcException.class, (ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED);
			assertThat(ex.getMessage()).contains("no more for you");
		});
	}

	@Test
	void deadlineEndsAStreamWithDeadlineExceededAndCancelsTheProducer() {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		FluxNumbers numbers = client(FluxNumbers.class, channel, Duration.ofMillis(300));
		List<Integer> items = new CopyOnWriteArrayList<>();
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> numbers.stalled().doOnNext(items::add).blockLast(WAIT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(items).containsExactly(0, 1);
		await().atMost(WAIT).untilTrue(this.service.cancelled);
	}

	@Test
	void serverDeadlineEndsAStreamWhoseProducerIsStuck() {
		RpcServer server = this.rpc.tcpServer(this.service);
		IteratorNumbers numbers = client(IteratorNumbers.class, this.rpc.channel(server), Duration.ofMillis(300));
		Iterator<Integer> items = numbers.stuck();
		assertThat(items.next()).isZero();
		assertThatExceptionOfType(RpcException.class).isThrownBy(items::next)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
	}

	@Test
	void hundredConcurrentStreamsOnOneConnectionAllComplete() {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		// About 35 000 items in 100 streams: 3 s on an idle 2-core machine with the
		// tests'
		// leak tracking, over 10 s with a load average of 10. The test is about every
		// stream
		// completing, not about how fast, so its deadline leaves room for a busy machine.
		FluxNumbers numbers = client(FluxNumbers.class, channel, Duration.ofMinutes(2));
		List<CompletableFuture<List<Integer>>> results = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			Flux<Integer> items = switch (i % 4) {
				case 0 -> numbers.flux(300 + i);
				case 1 -> numbers.publisher(300 + i);
				case 2 -> numbers.stream(300 + i);
				default -> numbers.iterator(300 + i);
			};
			results.add(items.collectList().toFuture());
		}
		for (int i = 0; i < 100; i++) {
			assertThat(results.get(i).join()).isEqualTo(IntStream.range(0, 300 + i).boxed().toList());
		}
	}

	@Test
	void publisherSendingANullItemFailsTheStreamWithInternal() {
		RpcServer server = this.rpc.tcpServer(this.service);
		FluxNumbers numbers = client(FluxNumbers.class, this.rpc.channel(server));
		List<Integer> received = new CopyOnWriteArrayList<>();
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> numbers.nullItem().doOnNext(received::add).blockLast(WAIT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL))
			.withMessageContaining("sent a null item");
		assertThat(received).containsExactly(7);
		// The publisher learns of the NullPointerException on the server's thread, which
		// may still be on its way when the client has the error.
		await().atMost(WAIT).untilTrue(this.service.cancelled);
	}

	@Test
	void unaryCallAnswersWhileASlowStreamIsOpenOnTheSameConnection() {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		Iterator<Integer> slow = client(IteratorNumbers.class, channel).stuck();
		assertThat(slow.next()).isZero();
		FluxNumbers numbers = client(FluxNumbers.class, channel);
		assertThat(numbers.echo("still here")).isEqualTo("still here");
		this.service.gate.countDown();
		assertThat(slow.hasNext()).isFalse();
	}

	@Test
	void aStreamIsObservedOnceAsAServerStreamOnBothSides() {
		List<String> serverEvents = new CopyOnWriteArrayList<>();
		List<String> clientEvents = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.observer((call) -> observation(call, serverEvents)),
				RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.observer((call) -> observation(call, clientEvents)));
		FluxNumbers numbers = client(FluxNumbers.class, channel);
		assertThat(numbers.flux(5).collectList().block(WAIT)).hasSize(5);
		assertThat(numbers.failingFlux().onErrorResume((ex) -> Flux.empty()).collectList().block(WAIT)).hasSize(3);
		assertThat(numbers.echo("unary")).isEqualTo("unary");
		await().atMost(WAIT).until(() -> serverEvents.size() == 3);
		assertThat(serverEvents).containsExactly("Numbers.flux server_stream OK",
				"Numbers.failingFlux server_stream PERMISSION_DENIED", "Numbers.echo unary OK");
		assertThat(clientEvents).containsExactly("Numbers.flux server_stream OK",
				"Numbers.failingFlux server_stream PERMISSION_DENIED", "Numbers.echo unary OK");
	}

	@Test
	void streamObservationsCountTheItemsEachSideSentAndReceived() {
		List<String> serverEvents = new CopyOnWriteArrayList<>();
		List<String> clientEvents = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.observer((call) -> counting(serverEvents)), RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.observer((call) -> counting(clientEvents)));
		FluxNumbers numbers = client(FluxNumbers.class, channel);
		assertThat(numbers.flux(5).collectList().block(WAIT)).hasSize(5);
		assertThat(numbers.echo("unary")).isEqualTo("unary");
		await().atMost(WAIT).until(() -> serverEvents.size() == 2);
		assertThat(serverEvents).containsExactly("sent 5 received 0", "no counts");
		assertThat(clientEvents).containsExactly("sent 0 received 5", "no counts");
	}

	@Test
	void cancelledStreamIsObservedAsCancelledOnBothSides() {
		List<String> serverEvents = new CopyOnWriteArrayList<>();
		List<String> clientEvents = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.observer((call) -> observation(call, serverEvents)),
				RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.observer((call) -> observation(call, clientEvents)));
		try (Stream<Integer> items = client(StreamNumbers.class, channel).endless()) {
			assertThat(items.limit(10).count()).isEqualTo(10);
		}
		await().atMost(WAIT).untilTrue(this.service.closed);
		await().atMost(WAIT).until(() -> serverEvents.size() == 1);
		assertThat(serverEvents).containsExactly("Numbers.endless server_stream CANCELLED");
		assertThat(clientEvents).containsExactly("Numbers.endless server_stream CANCELLED");
	}

	@Test
	void processorsSeeEveryItemLikeAResult() {
		List<String> serverOut = new CopyOnWriteArrayList<>();
		List<String> clientIn = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.processor(new XorProcessor(serverOut)), RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.processor(new XorProcessor(clientIn)));
		assertThat(client(FluxNumbers.class, channel).flux(3).collectList().block(WAIT)).containsExactly(0, 1, 2);
		assertThat(serverOut).containsExactly("RESPONSE Numbers.flux", "RESPONSE Numbers.flux",
				"RESPONSE Numbers.flux");
		assertThat(clientIn).containsExactly("RESPONSE Numbers.flux", "RESPONSE Numbers.flux", "RESPONSE Numbers.flux");
	}

	@Test
	void streamClientOfAUnaryMethodGetsOneItem() {
		RpcServer server = this.rpc.tcpServer(this.service);
		Iterator<String> items = client(IteratorNumbers.class, this.rpc.channel(server)).echo("once");
		assertThat(items.next()).isEqualTo("once");
		assertThat(items.hasNext()).isFalse();
	}

	/**
	 * Flips the bits of every payload both ways and records the results and items it
	 * sees.
	 */
	private record XorProcessor(List<String> seen) implements RpcProcessor {

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			if (message.kind() == MessageInfo.Kind.RESPONSE) {
				this.seen.add(message.kind() + " " + message.methodKey());
			}
			return xor(payload);
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			if (message.kind() == MessageInfo.Kind.RESPONSE) {
				this.seen.add(message.kind() + " " + message.methodKey());
			}
			return xor(payload);
		}

		private static byte[] xor(byte[] payload) {
			byte[] result = new byte[payload.length];
			for (int i = 0; i < payload.length; i++) {
				result[i] = (byte) (payload[i] ^ 0x5a);
			}
			return result;
		}

	}

	// Records "key sent received" once per observed streaming call.
	private static CallObservation counting(List<String> events) {
		return new CallObservation() {

			private String counts = "no counts";

			@Override
			public Scope openScope() {
				return () -> {
				};
			}

			@Override
			public void messages(long sent, long received) {
				this.counts = "sent " + sent + " received " + received;
			}

			@Override
			public void stop(RpcStatus status, Throwable error) {
				events.add(this.counts);
			}

		};
	}

	private static CallObservation observation(CallInfo call, List<String> events) {
		AtomicInteger stops = new AtomicInteger();
		return new CallObservation() {

			@Override
			public Scope openScope() {
				return () -> {
				};
			}

			@Override
			public void stop(RpcStatus status, Throwable error) {
				if (stops.incrementAndGet() == 1) {
					events.add(call.methodKey() + " " + call.type() + " " + status);
				}
				else {
					events.add("stopped twice: " + call.methodKey());
				}
			}

		};
	}

	public interface Numbers {

		Flux<Integer> flux(int count);

		Flow.Publisher<Integer> publisher(int count);

		Stream<Integer> stream(int count);

		Iterator<Integer> iterator(int count);

		Stream<Integer> endless();

		Flux<Integer> endlessFlux();

		Flux<Integer> failingFlux();

		Iterator<Integer> failingIterator();

		Flux<Integer> stalled();

		Iterator<Integer> stuck();

		Flow.Publisher<Integer> nullItem();

		String echo(String text);

	}

	public interface FluxNumbers {

		Flux<Integer> flux(int count);

		Flux<Integer> nullItem();

		Flux<Integer> publisher(int count);

		Flux<Integer> stream(int count);

		Flux<Integer> iterator(int count);

		Flux<Integer> endlessFlux();

		Flux<Integer> failingFlux();

		Flux<Integer> failingIterator();

		Flux<Integer> stalled();

		String echo(String text);

	}

	public interface PublisherNumbers {

		Flow.Publisher<Integer> flux(int count);

		Flow.Publisher<Integer> publisher(int count);

		Flow.Publisher<Integer> stream(int count);

		Flow.Publisher<Integer> iterator(int count);

	}

	public interface StreamNumbers {

		Stream<Integer> flux(int count);

		Stream<Integer> publisher(int count);

		Stream<Integer> stream(int count);

		Stream<Integer> iterator(int count);

		Stream<Integer> endless();

	}

	public interface IteratorNumbers {

		Iterator<Integer> flux(int count);

		Iterator<Integer> publisher(int count);

		Iterator<Integer> stream(int count);

		Iterator<Integer> iterator(int count);

		Iterator<Integer> endless();

		Iterator<Integer> failingFlux();

		Iterator<Integer> failingIterator();

		Iterator<Integer> stuck();

		Iterator<String> echo(String text);

	}

	static class NumbersService implements Numbers {

		final AtomicLong produced = new AtomicLong();

		final AtomicBoolean closed = new AtomicBoolean();

		final AtomicBoolean cancelled = new AtomicBoolean();

		final CountDownLatch gate = new CountDownLatch(1);

		@Override
		public Flux<Integer> flux(int count) {
			return Flux.range(0, count);
		}

		@Override
		public Flow.Publisher<Integer> publisher(int count) {
			return new RangePublisher(count);
		}

		@Override
		public Stream<Integer> stream(int count) {
			return IntStream.range(0, count).boxed();
		}

		@Override
		public Iterator<Integer> iterator(int count) {
			return IntStream.range(0, count).iterator();
		}

		@Override
		public Stream<Integer> endless() {
			return Stream.iterate(0, (i) -> i + 1)
				.limit(1_000_000)
				.peek((i) -> this.produced.incrementAndGet())
				.onClose(() -> this.closed.set(true));
		}

		@Override
		public Flux<Integer> endlessFlux() {
			return Flux.range(0, 1_000_000)
				.doOnNext((i) -> this.produced.incrementAndGet())
				.doOnCancel(() -> this.cancelled.set(true));
		}

		@Override
		public Flux<Integer> failingFlux() {
			return Flux.concat(Flux.range(0, 3),
					Flux.error(new RpcException(RpcStatus.PERMISSION_DENIED, "no more for you")));
		}

		@Override
		public Iterator<Integer> failingIterator() {
			return new Iterator<>() {

				private int next;

				@Override
				public boolean hasNext() {
					return true;
				}

				@Override
				public Integer next() {
					if (this.next == 3) {
						throw new RpcException(RpcStatus.PERMISSION_DENIED, "no more for you");
					}
					return this.next++;
				}

			};
		}

		@Override
		public Flow.Publisher<Integer> nullItem() {
			// Breaks rule 2.13 of Reactive Streams on purpose: an item, then null.
			return (subscriber) -> subscriber.onSubscribe(new Flow.Subscription() {

				private boolean sent;

				@Override
				public void request(long n) {
					if (!this.sent) {
						this.sent = true;
						subscriber.onNext(7);
						try {
							subscriber.onNext(null);
						}
						catch (NullPointerException expected) {
							NumbersService.this.cancelled.set(true);
						}
					}
				}

				@Override
				public void cancel() {
				}

			});
		}

		@Override
		public Flux<Integer> stalled() {
			return Flux.concat(Flux.range(0, 2), Flux.<Integer>never()).doOnCancel(() -> this.cancelled.set(true));
		}

		@Override
		public Iterator<Integer> stuck() {
			return new Iterator<>() {

				private int next;

				@Override
				public boolean hasNext() {
					if (this.next == 0) {
						return true;
					}
					try {
						NumbersService.this.gate.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return false;
				}

				@Override
				public Integer next() {
					return this.next++;
				}

			};
		}

		@Override
		public String echo(String text) {
			return text;
		}

	}

	/**
	 * A plain {@link Flow.Publisher} of {@code 0..count-1} that emits only what was
	 * requested, on the requesting thread.
	 */
	static final class RangePublisher implements Flow.Publisher<Integer> {

		private final int count;

		RangePublisher(int count) {
			this.count = count;
		}

		@Override
		public void subscribe(Flow.Subscriber<? super Integer> subscriber) {
			subscriber.onSubscribe(new Flow.Subscription() {

				private final AtomicLong requested = new AtomicLong();

				private final AtomicInteger work = new AtomicInteger();

				private int next;

				private volatile boolean cancelled;

				@Override
				public void request(long n) {
					this.requested.getAndAdd(n);
					if (this.work.getAndIncrement() != 0) {
						return;
					}
					int missed = 1;
					while (true) {
						while (this.requested.get() > 0 && this.next < RangePublisher.this.count && !this.cancelled) {
							this.requested.decrementAndGet();
							subscriber.onNext(this.next++);
						}
						if (this.next == RangePublisher.this.count && !this.cancelled) {
							this.cancelled = true;
							subscriber.onComplete();
						}
						missed = this.work.addAndGet(-missed);
						if (missed == 0) {
							return;
						}
					}
				}

				@Override
				public void cancel() {
					this.cancelled = true;
				}

			});
		}

	}

}
