package io.easyrpc.it;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer that takes a whole stream of a million items one at a time keeps the
 * producer within the stream window the whole way, so what waits in memory between them
 * stays flat however long the stream. Without the paranoid leak detection of the other
 * streaming tests, which would make a million items take minutes.
 */
class MillionItemStreamTests {

	private static final int TOTAL = 1_000_000;

	private static final int WINDOW = 32;

	private final RpcFixture rpc = new RpcFixture();

	private final MillionService service = new MillionService();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void subscriberTakingAMillionItemsOneAtATimeNeverLetsTheProducerRunAheadOfTheWindow() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.service);
		// The deadline covers the whole stream: long enough for a million items even on a
		// busy machine (40 to 75 s on an idle 2-core one, one credit round trip per
		// window).
		Million million = this.rpc.client(ClientDefinition.of(Million.class, Duration.ofMinutes(10)),
				this.rpc.channel(server));
		AtomicLong received = new AtomicLong();
		AtomicLong furthestAhead = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		million.items(TOTAL).subscribe(new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(Integer value) {
				long count = received.incrementAndGet();
				// What the producer made beyond what this subscriber took waits somewhere
				// between the two, in buffers or on the wire.
				furthestAhead.accumulateAndGet(MillionItemStreamTests.this.service.produced.get() - count, Math::max);
				request(1);
			}

			@Override
			protected void hookOnComplete() {
				done.countDown();
			}

			@Override
			protected void hookOnError(Throwable error) {
				failure.set(error);
				done.countDown();
			}

		});
		assertThat(done.await(590, TimeUnit.SECONDS))
			.as("completed after %d items, producer at %d", received.get(), this.service.produced.get())
			.isTrue();
		assertThat(failure.get()).isNull();
		assertThat(received.get()).isEqualTo(TOTAL);
		assertThat(this.service.produced.get()).isEqualTo(TOTAL);
		assertThat(furthestAhead.get()).isLessThanOrEqualTo(WINDOW);
		assertThat(this.service.cancelled).isFalse();
	}

	/**
	 * The client's view.
	 */
	public interface Million {

		Flux<Integer> items(int count);

	}

	static final class MillionService implements Million {

		final AtomicLong produced = new AtomicLong();

		final AtomicBoolean cancelled = new AtomicBoolean();

		@Override
		public Flux<Integer> items(int count) {
			return Flux.range(0, count)
				.doOnNext((item) -> this.produced.incrementAndGet())
				.doOnCancel(() -> this.cancelled.set(true));
		}

	}

}
