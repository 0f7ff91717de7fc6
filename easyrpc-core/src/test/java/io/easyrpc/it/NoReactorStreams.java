package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;

/**
 * Serves and calls streams without Reactor: {@link ReactorAbsentStreamingTests} loads
 * this class where no Reactor class can be found. It must not refer to Reactor.
 */
public final class NoReactorStreams implements Supplier<List<Object>> {

	@Override
	public List<Object> get() {
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new CounterService()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec)
			.build();
		server.start();
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(codec).build()) {
			Counter counter = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Counter.class, Duration.ofSeconds(10)), channel);
			List<Object> results = new ArrayList<>();
			try (Stream<Integer> items = counter.stream(5)) {
				results.add(items.toList());
			}
			List<Integer> fromIterator = new ArrayList<>();
			counter.iterator(5).forEachRemaining(fromIterator::add);
			results.add(fromIterator);
			results.add(collect(counter.publisher(5)));
			results.add(counter.sum(new StreamingTests.RangePublisher(100)).get(10, TimeUnit.SECONDS));
			results.add(collect(counter.echo(new StreamingTests.RangePublisher(5))));
			return results;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			server.stop(Duration.ZERO);
		}
	}

	private static List<Integer> collect(Flow.Publisher<Integer> publisher) {
		CompletableFuture<List<Integer>> result = new CompletableFuture<>();
		List<Integer> items = new ArrayList<>();
		publisher.subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(Integer item) {
				items.add(item);
			}

			@Override
			public void onError(Throwable failure) {
				result.completeExceptionally(failure);
			}

			@Override
			public void onComplete() {
				result.complete(items);
			}

		});
		try {
			return result.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The served interface.
	 */
	public interface Counter {

		Stream<Integer> stream(int count);

		Iterator<Integer> iterator(int count);

		Flow.Publisher<Integer> publisher(int count);

		CompletableFuture<Integer> sum(Flow.Publisher<Integer> items);

		Flow.Publisher<Integer> echo(Flow.Publisher<Integer> items);

	}

	static final class CounterService implements Counter {

		@Override
		public Stream<Integer> stream(int count) {
			return IntStream.range(0, count).boxed();
		}

		@Override
		public Iterator<Integer> iterator(int count) {
			return IntStream.range(0, count).iterator();
		}

		@Override
		public Flow.Publisher<Integer> publisher(int count) {
			return new StreamingTests.RangePublisher(count);
		}

		@Override
		public CompletableFuture<Integer> sum(Flow.Publisher<Integer> items) {
			CompletableFuture<Integer> result = new CompletableFuture<>();
			items.subscribe(new Flow.Subscriber<>() {

				private int sum;

				@Override
				public void onSubscribe(Flow.Subscription subscription) {
					subscription.request(Long.MAX_VALUE);
				}

				@Override
				public void onNext(Integer item) {
					this.sum += item;
				}

				@Override
				public void onError(Throwable failure) {
					result.completeExceptionally(failure);
				}

				@Override
				public void onComplete() {
					result.complete(this.sum);
				}

			});
			return result;
		}

		@Override
		public Flow.Publisher<Integer> echo(Flow.Publisher<Integer> items) {
			return items;
		}

	}

}
