package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Deadlines: the caller gives up at its deadline, the server learns that the result is no
 * longer wanted, and queued work whose deadline has passed is never started.
 */
@ExtendWith(LeakDetectionExtension.class)
class DeadlineTests {

	private final RpcFixture rpc = new RpcFixture();

	private final Worker worker = new Worker();

	@AfterEach
	void close() {
		this.worker.release.countDown();
		this.rpc.close();
	}

	private Work client(RpcServer server, Duration timeout) {
		return client(this.rpc.channel(server), timeout);
	}

	// The first call on a channel connects and warms the codec up; it is made without a
	// short deadline, so that the call under test reaches the server before its deadline.
	private Work client(RpcChannel channel, Duration timeout) {
		assertThat(this.rpc.client(Work.class, channel).record("warm-up")).isEqualTo("warm-up");
		return this.rpc.client(new ClientDefinition(Work.class, null, null, RpcFixture.TIMEOUT,
				(method) -> method.getName().equals("sleep") || method.getName().equals("record")
						? new ClientMethodOptions(null, false, timeout) : null),
				channel);
	}

	@Test
	void callFailsAtItsDeadlineAndTheServerSeesTheCancellation() {
		RpcServer server = this.rpc.tcpServer(this.worker);
		Work work = client(server, Duration.ofMillis(300));
		// The server would answer only after a minute, so an answer before that can only
		// be the deadline's.
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> work.sleep(WORK_MILLIS))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		await().atMost(Duration.ofSeconds(5)).untilTrue(this.worker.cancellationSeen);
		assertThat(this.worker.sleptFully).isFalse();
	}

	@Test
	void asyncCallFailsAtItsDeadline() {
		RpcServer server = this.rpc.tcpServer(this.worker);
		RpcChannel channel = this.rpc.channel(server);
		assertThat(this.rpc.client(Work.class, channel).record("warm-up")).isEqualTo("warm-up");
		Work work = this.rpc.client(ClientDefinition.of(Work.class, Duration.ofMillis(300)), channel);
		CompletableFuture<String> result = work.sleepAsync(WORK_MILLIS);
		assertThatThrownBy(() -> result.get(WORK_MILLIS / 2, TimeUnit.MILLISECONDS)).cause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		await().atMost(Duration.ofSeconds(5)).untilTrue(this.worker.cancellationSeen);
		assertThat(channel.pendingCalls()).isZero();
	}

	@Test
	void queuedCallWhoseDeadlinePassedIsNeverStarted() throws Exception {
		ExecutorService singleThread = Executors.newSingleThreadExecutor();
		this.rpc.onClose(singleThread::shutdownNow);
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.executor(singleThread),
				RpcFixture.definitions(this.worker));
		Work patient = this.rpc.client(Work.class, this.rpc.channel(server));
		CompletableFuture<String> blocker = patient.block();
		assertThat(this.worker.blocking.await(5, TimeUnit.SECONDS)).isTrue();
		// A bare connection never sends CANCEL, so only the server's own deadline can
		// keep the queued call from starting.
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			byte[] arguments = { (byte) 0x91, (byte) 0xa4, 'l', 'a', 't', 'e' };
			raw.sendRequest(1, "Work.record", new Metadata(1, null, null, Map.of()),
					(out) -> out.writePayload(arguments));
			// Frames are handled in order: once the PONG is read, the request has been
			// queued and its deadline, one millisecond after its arrival, fixed on this
			// JVM's clock.
			raw.sendPing(7);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(7));
			long queuedBefore = System.nanoTime();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - queuedBefore > TimeUnit.MILLISECONDS.toNanos(2));
			this.worker.release.countDown();
			assertThat(blocker.get(5, TimeUnit.SECONDS)).isEqualTo("released");
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.Error.class, (error) -> {
				assertThat(error.callId()).isEqualTo(1);
				assertThat(RpcStatus.fromCode(error.statusCode())).isEqualTo(RpcStatus.DEADLINE_EXCEEDED);
			});
		}
		assertThat(patient.record("after")).isEqualTo("after");
		assertThat(this.worker.recorded).containsExactly("after");
	}

	@Test
	void cancellingTheFutureCancelsTheCallOnTheServer() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.worker);
		RpcChannel channel = this.rpc.channel(server);
		Work work = this.rpc.client(Work.class, channel);
		CompletableFuture<String> started = work.sleepAsync(10_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.worker.running.get() == 1);
		assertThat(started.cancel(true)).isTrue();
		await().atMost(Duration.ofSeconds(5)).untilTrue(this.worker.cancellationSeen);
		for (int i = 0; i < 200; i++) {
			work.sleepAsync(10_000).cancel(true);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.worker.running.get() == 0);
		assertThat(channel.pendingCalls()).isZero();
		assertThat(this.worker.sleptFully).isFalse();
	}

	@Test
	void callWithoutDeadlineFromTheServerSideHasNone() {
		RpcServer server = this.rpc.tcpServer(this.worker);
		RpcChannel channel = this.rpc.channel(server);
		Work work = this.rpc.client(ClientDefinition.of(Work.class, null), channel);
		assertThat(work.timeRemaining()).isEqualTo("none");
		Work bounded = this.rpc.client(ClientDefinition.of(Work.class, Duration.ofSeconds(30)), channel);
		assertThat(Duration.parse(bounded.timeRemaining())).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
	}

	// How long the service works unless the call is cancelled: far longer than any
	// deadline of these tests.
	private static final long WORK_MILLIS = 60_000;

	public interface Work {

		String sleep(long millis);

		CompletableFuture<String> sleepAsync(long millis);

		CompletableFuture<String> block();

		String record(String id);

		String timeRemaining();

	}

	static class Worker implements Work {

		final AtomicBoolean cancellationSeen = new AtomicBoolean();

		final AtomicBoolean sleptFully = new AtomicBoolean();

		final AtomicInteger running = new AtomicInteger();

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> recorded = new CopyOnWriteArrayList<>();

		@Override
		public String sleep(long millis) {
			this.running.incrementAndGet();
			try {
				RpcContext context = RpcContext.current();
				await().pollInterval(Duration.ofMillis(10))
					.atMost(Duration.ofMillis(millis))
					.until(context::isCancelled);
				this.cancellationSeen.set(true);
				return "cancelled";
			}
			catch (ConditionTimeoutException ex) {
				this.sleptFully.set(true);
				return "slept";
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		@Override
		public CompletableFuture<String> sleepAsync(long millis) {
			return CompletableFuture.completedFuture(sleep(millis));
		}

		@Override
		public CompletableFuture<String> block() {
			this.blocking.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("released");
		}

		@Override
		public String record(String id) {
			this.recorded.add(id);
			return id;
		}

		@Override
		public String timeRemaining() {
			Duration remaining = RpcContext.current().timeRemaining();
			return (remaining != null) ? remaining.toString() : "none";
		}

	}

}
