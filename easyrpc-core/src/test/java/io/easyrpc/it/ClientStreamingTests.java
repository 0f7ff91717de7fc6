package io.easyrpc.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Client streams and bidirectional channels over a real socket: items from client to
 * server within the server's credit, echo in order, cancellation and errors from each
 * side, the deadline over the whole call, many channels on one connection, and the call
 * type that observers see.
 */
@ExtendWith(LeakDetectionExtension.class)
class ClientStreamingTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	// The server's credit window for a client stream (ServerInput.WINDOW).
	private static final int WINDOW = 32;

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final RpcFixture rpc = new RpcFixture();

	private final UploadService service = new UploadService();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private <T> T client(Class<T> type, RpcChannel channel) {
		return client(type, channel, RpcFixture.TIMEOUT);
	}

	private <T> T client(Class<T> type, RpcChannel channel, Duration timeout) {
		return this.rpc.client(new ClientDefinition(type, "UploadService", null, timeout, null), channel);
	}

	@Test
	void serverSumsTenThousandItemsStreamedByTheClient() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel);
		long expected = IntStream.range(0, 10_000).asLongStream().sum();
		assertThat(uploads.sum("x", Flux.range(0, 10_000))).isEqualTo("x" + expected);
		// Other client styles of the same method.
		FutureUploads futures = client(FutureUploads.class, channel);
		assertThat(futures.sum("f", Flux.range(0, 10_000)).join()).isEqualTo("f" + expected);
		assertThat(client(MonoUploads.class, channel).sum("m", Flux.range(0, 100)).block(WAIT)).isEqualTo("m4950");
		PublisherUploads publishers = client(PublisherUploads.class, channel);
		assertThat(publishers.sum("p", new StreamingTests.RangePublisher(10_000)).join()).isEqualTo("p" + expected);
		// An empty stream.
		assertThat(uploads.sum("e", Flux.empty())).isEqualTo("e0");
		// A blocking method that blocks on its items on a worker thread.
		assertThat(uploads.blockingCount(Flux.range(0, 1000))).isEqualTo(1000);
	}

	@Test
	void reflectionNamesClientStreamsAndChannels() {
		ServiceRegistry registry = new ServiceRegistry(RpcFixture.CODEC);
		registry.register(RpcFixture.definitions(this.service)[0]);
		Map<String, String> styles = new HashMap<>();
		registry.describe()
			.forEach((service) -> service.methods().forEach((method) -> styles.put(method.key(), method.callStyle())));
		assertThat(styles).containsEntry("UploadService.sum", "client-stream")
			.containsEntry("UploadService.echo", "bidi-stream");
	}

	@Test
	void serverStreamWindowBoundsHowFarTheProducerRunsAhead() {
		int window = 100;
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.streamWindow(window),
				RpcFixture.definitions(this.service));
		assertThat(server.streamWindow()).isEqualTo(window);
		FutureUploads uploads = client(FutureUploads.class, this.rpc.channel(server));
		AtomicLong produced = new AtomicLong();
		AtomicLong maxAhead = new AtomicLong();
		AtomicBoolean producerCancelled = new AtomicBoolean();
		int take = 1000;
		Flux<Integer> producer = Flux.range(0, 1_000_000).doOnNext((item) -> {
			long ahead = produced.incrementAndGet() - this.service.consumed.get();
			maxAhead.accumulateAndGet(ahead, Math::max);
		}).doOnCancel(() -> producerCancelled.set(true));
		assertThat(uploads.takeOneByOne(take, producer).join()).isEqualTo(take);
		await().atMost(WAIT).untilTrue(producerCancelled);
		assertThat(maxAhead.get()).isLessThanOrEqualTo(window);
		assertThat(produced.get()).isLessThanOrEqualTo(take + window);
	}

	@Test
	void serverThatRequestsOneAtATimeKeepsTheProducerWithinItsCredit() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		FutureUploads uploads = client(FutureUploads.class, channel);
		AtomicLong produced = new AtomicLong();
		AtomicLong maxAhead = new AtomicLong();
		AtomicBoolean producerCancelled = new AtomicBoolean();
		int take = 3000;
		Flux<Integer> producer = Flux.range(0, 1_000_000).doOnNext((item) -> {
			long ahead = produced.incrementAndGet() - this.service.consumed.get();
			maxAhead.accumulateAndGet(ahead, Math::max);
		}).doOnCancel(() -> producerCancelled.set(true));
		assertThat(uploads.takeOneByOne(take, producer).join()).isEqualTo(take);
		await().atMost(WAIT).untilTrue(producerCancelled);
		// The server never granted more than its window beyond what it had consumed.
		assertThat(maxAhead.get()).isLessThanOrEqualTo(WINDOW);
		assertThat(produced.get()).isLessThanOrEqualTo(take + WINDOW);
	}

	@Test
	void channelEchoesTenThousandItemsInOrder() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		List<Integer> expected = IntStream.range(0, 10_000).boxed().toList();
		Uploads uploads = client(Uploads.class, channel);
		assertThat(uploads.echo(Flux.range(0, 10_000)).collectList().block(WAIT)).isEqualTo(expected);
		try (Stream<Integer> items = client(StreamUploads.class, channel).echo(Flux.range(0, 10_000))) {
			assertThat(items.toList()).isEqualTo(expected);
		}
		PublisherUploads publishers = client(PublisherUploads.class, channel);
		assertThat(
				JdkFlowAdapter.flowPublisherToFlux(publishers.echoPublisher(new StreamingTests.RangePublisher(10_000)))
					.collectList()
					.block(WAIT))
			.isEqualTo(expected);
	}

	@Test
	void clientCancellingAChannelStopsTheServerAndTheProducer() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel);
		AtomicBoolean producerCancelled = new AtomicBoolean();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> producerCancelled.set(true));
		assertThat(uploads.echo(endless).take(100).collectList().block(WAIT)).hasSize(100);
		await().atMost(WAIT).untilTrue(producerCancelled);
		await().atMost(WAIT).untilTrue(this.service.echoCancelled);
	}

	@Test
	void serverCancellingItsInputStopsTheClientsProducer() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel);
		AtomicBoolean producerCancelled = new AtomicBoolean();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> producerCancelled.set(true));
		// Client stream: the server takes the first item and answers.
		assertThat(uploads.first(endless)).isZero();
		await().atMost(WAIT).untilTrue(producerCancelled);
		// Channel: the server's output ends after three items, which ends the call.
		producerCancelled.set(false);
		assertThat(uploads.firstThree(endless).collectList().block(WAIT)).containsExactly(0, 1, 2);
		await().atMost(WAIT).untilTrue(producerCancelled);
	}

	@Test
	void serverCancellingItsInputKeepsTheCallOpenUntilItAnswers() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		FutureUploads uploads = client(FutureUploads.class, channel);
		AtomicBoolean producerCancelled = new AtomicBoolean();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> producerCancelled.set(true));
		CompletableFuture<Integer> result = uploads.cancelThenAnswer(endless);
		// The CANCEL from the server stops the producer while the call is still open.
		await().atMost(WAIT).untilTrue(producerCancelled);
		assertThat(result).isNotDone();
		this.service.answer.complete(42);
		assertThat(result.join()).isEqualTo(42);
	}

	@Test
	void clientProducerErrorReachesTheServerAsCancelled() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel);
		Flux<Integer> failing = Flux.concat(Flux.range(0, 10), Flux.error(new IllegalStateException("boom")));
		String outcome = uploads.describeFailure(failing);
		assertThat(outcome).startsWith("10 CANCELLED").contains("IllegalStateException").contains("boom");
	}

	@Test
	void serverErrorMidStreamReachesTheClientAndStopsTheProducer() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method UploadService.sum threw an unexpected exception");
		this.logs.expect(RpcServer.class, Level.WARN,
				"easyrpc method UploadService.failAtFive threw an unexpected exception");
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel);
		AtomicBoolean producerCancelled = new AtomicBoolean();
		List<Integer> received = new CopyOnWriteArrayList<>();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> producerCancelled.set(true));
		// The client re-creates the server's IllegalArgumentException.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> uploads.failAtFive(endless).doOnNext(received::add).blockLast(WAIT))
			.withMessageContaining("five");
		assertThat(received).containsExactly(0, 1, 2, 3, 4);
		await().atMost(WAIT).untilTrue(producerCancelled);
		// A client stream whose method fails.
		assertThatIllegalArgumentException().isThrownBy(() -> uploads.sum("fail", Flux.range(0, 10)))
			.withMessageContaining("no sum for fail");
	}

	@Test
	void deadlineCoversTheWholeCall() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		Uploads uploads = client(Uploads.class, channel, Duration.ofMillis(300));
		AtomicBoolean producerCancelled = new AtomicBoolean();
		Flux<Integer> never = Flux.<Integer>never().doOnCancel(() -> producerCancelled.set(true));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> uploads.sum("slow", never))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		await().atMost(WAIT).untilTrue(producerCancelled);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.service.sumFailure.get()).isNotNull()
				.satisfies((ex) -> assertThat(((RpcException) ex).getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED)));
		producerCancelled.set(false);
		assertThatExceptionOfType(RpcException.class).isThrownBy(
				() -> uploads.echo(Flux.<Integer>never().doOnCancel(() -> producerCancelled.set(true))).blockLast(WAIT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		await().atMost(WAIT).untilTrue(producerCancelled);
	}

	@Test
	void clientThatSendsMoreThanItsCreditIsCancelledAndTheMethodSeesInternal() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.service);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.sendRequest(1, "UploadService.stall", Metadata.EMPTY, (packer) -> {
				packer.packArrayHeader(1);
				packer.packNil();
			});
			assertThat(raw.readFrame()).isEqualTo(new Frame.RequestN(1, WINDOW));
			for (int i = 0; i <= WINDOW; i++) {
				int item = i;
				raw.send(FrameCodec.encodeNext(UnpooledByteBufAllocator.DEFAULT, 1, (packer) -> packer.packInt(item)));
			}
			List<Frame> frames = new java.util.ArrayList<>();
			Frame frame;
			do {
				frame = raw.readFrame();
				frames.add(frame);
			}
			while (!(frame instanceof Frame.Response));
			assertThat(frames).contains(new Frame.Cancel(1));
			String answer = org.msgpack.core.MessagePack
				.newDefaultUnpacker(io.netty.buffer.ByteBufUtil.getBytes(((Frame.Response) frame).payload()))
				.unpackString();
			assertThat(answer).startsWith("INTERNAL").contains("more items");
		}
	}

	@Test
	void fiftyConcurrentChannelsShareOneConnection() {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(this.service));
		// Paranoid leak detection makes every frame slow: a generous deadline.
		Uploads uploads = client(Uploads.class, channel, Duration.ofSeconds(60));
		int channels = 50;
		int items = 500;
		List<List<Integer>> results = Flux.range(0, channels)
			.flatMap((n) -> uploads.echo(Flux.range(n * items, items)).collectList(), channels)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(results).hasSize(channels);
		for (List<Integer> result : results) {
			int first = result.get(0);
			assertThat(result).isEqualTo(IntStream.range(first, first + items).boxed().toList());
		}
		assertThat(results.stream().map((result) -> result.get(0))).doesNotHaveDuplicates();
	}

	@Test
	void observersSeeClientStreamsAndChannels() {
		List<String> serverEvents = new CopyOnWriteArrayList<>();
		List<String> clientEvents = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.observer((call) -> observation(call, serverEvents)),
				RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.observer((call) -> observation(call, clientEvents)));
		Uploads uploads = client(Uploads.class, channel);
		assertThat(uploads.sum("o", Flux.range(0, 3))).isEqualTo("o3");
		assertThat(uploads.echo(Flux.range(0, 3)).collectList().block(WAIT)).hasSize(3);
		await().atMost(WAIT).until(() -> serverEvents.size() == 2 && clientEvents.size() == 2);
		assertThat(serverEvents).containsExactlyInAnyOrder("UploadService.sum client_stream OK",
				"UploadService.echo bidi_stream OK");
		assertThat(clientEvents).containsExactlyInAnyOrder("UploadService.sum client_stream OK",
				"UploadService.echo bidi_stream OK");
	}

	@Test
	void clientStreamAndChannelObservationsCountTheItemsEachSideSentAndReceived() {
		List<String> serverEvents = new CopyOnWriteArrayList<>();
		List<String> clientEvents = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.observer((call) -> counting(call, serverEvents)),
				RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.observer((call) -> counting(call, clientEvents)));
		Uploads uploads = client(Uploads.class, channel);
		assertThat(uploads.sum("o", Flux.range(0, 3))).isEqualTo("o3");
		assertThat(uploads.echo(Flux.range(0, 4)).collectList().block(WAIT)).hasSize(4);
		await().atMost(WAIT).until(() -> serverEvents.size() == 2 && clientEvents.size() == 2);
		assertThat(serverEvents).containsExactlyInAnyOrder("UploadService.sum sent 0 received 3",
				"UploadService.echo sent 4 received 4");
		assertThat(clientEvents).containsExactlyInAnyOrder("UploadService.sum sent 3 received 0",
				"UploadService.echo sent 4 received 4");
	}

	private static CallObservation counting(CallInfo call, List<String> events) {
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
				events.add(call.methodKey() + " " + this.counts);
			}

		};
	}

	private static CallObservation observation(CallInfo call, List<String> events) {
		return new CallObservation() {

			@Override
			public Scope openScope() {
				return () -> {
				};
			}

			@Override
			public void stop(RpcStatus status, Throwable error) {
				events.add(call.methodKey() + " " + call.type() + " " + status);
			}

		};
	}

	/**
	 * The client interface, with Reactor types.
	 */
	interface Uploads {

		String sum(String prefix, Flux<Integer> items);

		int first(Flux<Integer> items);

		int blockingCount(Flux<Integer> items);

		String describeFailure(Flux<Integer> items);

		Flux<Integer> echo(Flux<Integer> items);

		Flux<Integer> firstThree(Flux<Integer> items);

		Flux<Integer> failAtFive(Flux<Integer> items);

	}

	/**
	 * Asynchronous client styles of the same methods.
	 */
	interface FutureUploads {

		CompletableFuture<String> sum(String prefix, Flux<Integer> items);

		CompletableFuture<Integer> takeOneByOne(int take, Flux<Integer> items);

		CompletableFuture<Integer> cancelThenAnswer(Flux<Integer> items);

	}

	/**
	 * A lazy client stream.
	 */
	interface MonoUploads {

		Mono<String> sum(String prefix, Flux<Integer> items);

	}

	/**
	 * Blocking iteration of a channel's answers.
	 */
	interface StreamUploads {

		Stream<Integer> echo(Flux<Integer> items);

	}

	/**
	 * The same methods with {@code Flow.Publisher}.
	 */
	interface PublisherUploads {

		CompletableFuture<String> sum(String prefix, Flow.Publisher<Integer> items);

		Flow.Publisher<Integer> echoPublisher(Flow.Publisher<Integer> items);

	}

	/**
	 * The served methods.
	 */
	public static class UploadService {

		final AtomicLong consumed = new AtomicLong();

		final AtomicBoolean echoCancelled = new AtomicBoolean();

		final AtomicReference<Throwable> sumFailure = new AtomicReference<>();

		final CompletableFuture<Integer> answer = new CompletableFuture<>();

		public Mono<String> sum(String prefix, Flux<Integer> items) {
			if (prefix.equals("fail")) {
				throw new IllegalArgumentException("no sum for fail");
			}
			return items.reduce(0L, (sum, item) -> sum + item)
				.map((sum) -> prefix + sum)
				.doOnError(this.sumFailure::set);
		}

		public CompletableFuture<Integer> takeOneByOne(int take, Flux<Integer> items) {
			CompletableFuture<Integer> result = new CompletableFuture<>();
			items.subscribe(new BaseSubscriber<>() {

				private int count;

				@Override
				protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
					request(1);
				}

				@Override
				protected void hookOnNext(Integer item) {
					UploadService.this.consumed.incrementAndGet();
					if (++this.count == take) {
						cancel();
						result.complete(this.count);
					}
					else {
						request(1);
					}
				}

				@Override
				protected void hookOnError(Throwable failure) {
					result.completeExceptionally(failure);
				}

				@Override
				protected void hookOnComplete() {
					result.complete(this.count);
				}

			});
			return result;
		}

		public CompletableFuture<Integer> cancelThenAnswer(Flux<Integer> items) {
			items.take(1).subscribe();
			return this.answer;
		}

		public int blockingCount(Flux<Integer> items) {
			int count = 0;
			for (Integer item : items.toIterable()) {
				count++;
			}
			return count;
		}

		// Takes one item and asks for no more; answers with the input's failure.
		public CompletableFuture<String> stall(Flux<Integer> items) {
			CompletableFuture<String> result = new CompletableFuture<>();
			items.subscribe(new BaseSubscriber<>() {

				@Override
				protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
					request(1);
				}

				@Override
				protected void hookOnError(Throwable failure) {
					RpcException error = (RpcException) failure;
					result.complete(error.getStatus() + " " + error.getMessage());
				}

				@Override
				protected void hookOnComplete() {
					result.complete("completed");
				}

			});
			return result;
		}

		public Mono<Integer> first(Flux<Integer> items) {
			return items.next();
		}

		public Mono<String> describeFailure(Flux<Integer> items) {
			AtomicLong count = new AtomicLong();
			return items.doOnNext((item) -> count.incrementAndGet())
				.then(Mono.just("completed"))
				.onErrorResume(RpcException.class,
						(ex) -> Mono.just(count.get() + " " + ex.getStatus() + " " + ex.getMessage()));
		}

		public Flux<Integer> echo(Flux<Integer> items) {
			return items.doOnCancel(() -> this.echoCancelled.set(true));
		}

		public Flow.Publisher<Integer> echoPublisher(Flow.Publisher<Integer> items) {
			return items;
		}

		public Flux<Integer> firstThree(Flux<Integer> items) {
			return items.take(3);
		}

		public Flux<Integer> failAtFive(Flux<Integer> items) {
			return items.map((item) -> {
				if (item == 5) {
					throw new IllegalArgumentException("five");
				}
				return item;
			});
		}

	}

}
