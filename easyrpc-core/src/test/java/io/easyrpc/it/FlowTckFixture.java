package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.transport.RpcAddress;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An in-process server and a client for the Reactive Streams TCK tests of the publishers
 * and subscribers that only exist inside a call: it starts the calls and hands out the
 * engine's own object that each call creates (the publisher a service reads a client
 * stream from, the subscriber that writes a service's publisher to the wire, the
 * subscriber that uploads a caller's publisher). Calls still running when a test ends are
 * ended by {@link #endCalls()}.
 */
final class FlowTckFixture implements AutoCloseable {

	private static final long WAIT_SECONDS = 10;

	private final RpcFixture rpc = new RpcFixture();

	private final TckService service = new TckService();

	private final TckClient client;

	private final List<CompletableFuture<?>> calls = new CopyOnWriteArrayList<>();

	FlowTckFixture() {
		RpcAddress address = RpcAddress.inProcess("flow-tck-" + UUID.randomUUID());
		this.rpc.server(address, (builder) -> {
		}, RpcFixture.definitions(this.service));
		RpcChannel channel = this.rpc.channel(address, (builder) -> {
		});
		this.client = this.rpc
			.client(new ClientDefinition(TckClient.class, "TckService", null, Duration.ofMinutes(1), null), channel);
	}

	/**
	 * The publisher a service gets for a client stream of {@code elements} numbers. The
	 * call stays open until {@link #endCalls()}.
	 * @param elements how many items the client streams
	 * @return the service's publisher of the client's items
	 */
	Flow.Publisher<Object> serverInput(long elements) {
		return serverInput(Flux.fromStream(() -> LongStream.range(0, elements).boxed()));
	}

	/**
	 * The publisher a service gets for a client stream that fails at once.
	 * @return the service's publisher of the client's items
	 */
	Flow.Publisher<Object> failedServerInput() {
		return serverInput(Flux.error(new IllegalStateException("no numbers today")));
	}

	private Flow.Publisher<Object> serverInput(Flux<Long> items) {
		this.client.hold(items);
		return take(this.service.inputs);
	}

	/**
	 * The subscriber that a server stream subscribes to the publisher its method
	 * returned. The client reads whatever it sends.
	 * @return the engine's subscriber, not yet subscribed
	 */
	Flow.Subscriber<Object> serverStreamSubscriber() {
		this.calls.add(JdkFlowAdapter.flowPublisherToFlux(this.client.capture()).then().toFuture());
		return take(this.service.subscribers);
	}

	/**
	 * The subscriber that uploads a caller's stream argument. The service counts the
	 * items.
	 * @return the engine's subscriber, not yet subscribed
	 */
	Flow.Subscriber<Object> uploadSubscriber() {
		BlockingQueue<Flow.Subscriber<Object>> uploads = new LinkedBlockingQueue<>();
		Flow.Publisher<Long> capturing = (subscriber) -> {
			@SuppressWarnings("unchecked")
			Flow.Subscriber<Object> upload = (Flow.Subscriber<Object>) subscriber;
			uploads.add(upload);
		};
		this.calls.add(this.client.count(capturing));
		return take(uploads);
	}

	/**
	 * End the calls still running: the service answers those that hold their input (so
	 * that the input ends without a signal, as when a method returns early) and the
	 * client cancels the others.
	 */
	void endCalls() {
		this.service.release();
		for (CompletableFuture<?> call : this.calls) {
			call.cancel(false);
		}
		this.calls.clear();
	}

	@Override
	public void close() {
		endCalls();
		this.rpc.close();
	}

	private static <T> T take(BlockingQueue<T> queue) {
		try {
			T item = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
			if (item == null) {
				throw new IllegalStateException("The call did not reach the service");
			}
			return item;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The service as the client sees it.
	 */
	public interface TckClient {

		CompletableFuture<Void> hold(Flux<Long> items);

		Flow.Publisher<Long> capture();

		CompletableFuture<Long> count(Flow.Publisher<Long> items);

	}

	/**
	 * Hands the engine's publishers and subscribers to the test.
	 */
	public static final class TckService {

		final BlockingQueue<Flow.Publisher<Object>> inputs = new LinkedBlockingQueue<>();

		final BlockingQueue<Flow.Subscriber<Object>> subscribers = new LinkedBlockingQueue<>();

		private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();

		/**
		 * Keeps the call open and hands its input to the test.
		 * @param items the client's stream
		 * @return a result that comes when the test ends
		 */
		public CompletableFuture<Void> hold(Flow.Publisher<Object> items) {
			CompletableFuture<Void> result = new CompletableFuture<>();
			this.held.add(result);
			this.inputs.add(items);
			return result;
		}

		void release() {
			for (CompletableFuture<Void> result : this.held) {
				result.complete(null);
			}
			this.held.clear();
		}

		/**
		 * A publisher that hands its subscriber to the test instead of publishing.
		 * @return the publisher
		 */
		public Flow.Publisher<Long> capture() {
			return (subscriber) -> {
				@SuppressWarnings("unchecked")
				Flow.Subscriber<Object> captured = (Flow.Subscriber<Object>) subscriber;
				this.subscribers.add(captured);
			};
		}

		/**
		 * Counts the client's items.
		 * @param items the client's stream
		 * @return the count
		 */
		public Mono<Long> count(Flux<Long> items) {
			return items.count();
		}

	}

}
