package io.easyrpc.it;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The deadlines of server streams over a real socket: a stream outlives the unary
 * deadline unless it has its own, and a stream whose server falls silent fails after the
 * idle timeout.
 */
@ExtendWith(LeakDetectionExtension.class)
@Timeout(60)
class StreamTimeoutTests {

	private final RpcFixture rpc = new RpcFixture();

	private final Ticks service = new Ticks();

	@AfterEach
	void close() {
		this.service.gate.countDown();
		this.rpc.close();
	}

	private TicksClient client(RpcChannel channel, Duration timeout, Duration streamTimeout,
			Duration streamIdleTimeout) {
		return this.rpc.client(
				new ClientDefinition(TicksClient.class, "Ticks", null, timeout, null, streamTimeout, streamIdleTimeout),
				channel);
	}

	@Test
	void aStreamWithoutItsOwnDeadlineOutlivesTheUnaryDeadline() {
		RpcServer server = this.rpc.tcpServer(this.service);
		// Each item waits for the previous one to be taken, then for the unary deadline.
		TicksClient client = client(this.rpc.channel(server), Duration.ofMillis(100), Duration.ZERO,
				Duration.ofSeconds(30));
		try (Stream<Integer> ticks = client.ticks(4, 150)) {
			assertThat(ticks).containsExactly(0, 1, 2, 3);
		}
		assertThat(client.unary(1)).isEqualTo(1);
	}

	@Test
	void aStreamTimeoutOfItsOwnStillEndsTheStream() {
		RpcServer server = this.rpc.tcpServer(this.service);
		TicksClient client = client(this.rpc.channel(server), Duration.ofSeconds(30), Duration.ofMillis(200),
				Duration.ZERO);
		try (Stream<Integer> ticks = client.silent()) {
			Iterator<Integer> iterator = ticks.iterator();
			assertThat(iterator.next()).isEqualTo(0);
			assertThatExceptionOfType(RpcException.class).isThrownBy(iterator::hasNext)
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		}
	}

	@Test
	void aSilentStreamFailsWithDeadlineExceededAfterTheIdleTimeout() {
		RpcServer server = this.rpc.tcpServer(this.service);
		TicksClient client = client(this.rpc.channel(server), Duration.ofMillis(100), Duration.ZERO,
				Duration.ofMillis(300));
		try (Stream<Integer> ticks = client.silent()) {
			Iterator<Integer> iterator = ticks.iterator();
			assertThat(iterator.next()).isEqualTo(0);
			assertThatExceptionOfType(RpcException.class).isThrownBy(iterator::hasNext).satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED);
				assertThat(ex.getMessage()).contains("idle timeout of 300 ms");
			});
		}
	}

	@Test
	void theIdleTimeoutIsOffWhenZero() {
		RpcServer server = this.rpc.tcpServer(this.service);
		TicksClient client = client(this.rpc.channel(server), Duration.ofMillis(100), Duration.ZERO, Duration.ZERO);
		try (Stream<Integer> ticks = client.ticks(3, 150)) {
			assertThat(ticks.toList()).isEqualTo(List.of(0, 1, 2));
		}
	}

	/**
	 * The client view of {@link Ticks}.
	 */
	public interface TicksClient {

		Stream<Integer> ticks(int count, int pauseMillis);

		Stream<Integer> silent();

		int unary(int value);

	}

	/**
	 * Streams that pause between items, or fall silent after the first.
	 */
	public static class Ticks {

		final CountDownLatch gate = new CountDownLatch(1);

		public Stream<Integer> ticks(int count, int pauseMillis) {
			return Stream.iterate(0, (i) -> i + 1).limit(count).peek((i) -> {
				if (i > 0) {
					pause(pauseMillis);
				}
			});
		}

		public Stream<Integer> silent() {
			return Stream.iterate(0, (i) -> i + 1).limit(2).peek((i) -> {
				if (i > 0) {
					pause(30_000);
				}
			});
		}

		public int unary(int value) {
			return value;
		}

		private void pause(long millis) {
			try {
				this.gate.await(millis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
