package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.server.ServerRuntime;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.ConcurrencyLimit;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The server-wide concurrency limit over a real socket: calls beyond it are refused at
 * once, never started, with a retry hint; streams are not counted; slots come back when
 * calls end.
 */
@ExtendWith(LeakDetectionExtension.class)
class ConcurrencyLimitTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final Blocking service = new Blocking();

	private final Map<String, AtomicInteger> rejections = new ConcurrentHashMap<>();

	@AfterEach
	void close() {
		this.service.gate.countDown();
		this.rpc.close();
	}

	private RpcServer server(@Nullable ConcurrencyLimit limit) {
		ServerCallObserver observer = new ServerCallObserver() {

			@Override
			public @Nullable CallObservation start(CallInfo call) {
				return null;
			}

			@Override
			public void rejected(String methodKey, String reason) {
				ConcurrencyLimitTests.this.rejections.computeIfAbsent(reason, (key) -> new AtomicInteger())
					.incrementAndGet();
			}

		};
		return this.rpc.server(io.easyrpc.transport.RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.concurrencyLimit(limit).observer(observer),
				ServiceDefinition.builder(this.service).build());
	}

	private BlockingClient client(RpcChannel channel) {
		return this.rpc.client(new ClientDefinition(BlockingClient.class, "Blocking", null, WAIT, null), channel);
	}

	@Test
	void callsBeyondAFixedLimitAreRefusedAtOnceWithARetryHintAndNeverStarted() {
		RpcServer server = server(
				new ConcurrencyLimit(ConcurrencyLimit.Algorithm.FIXED, 2, 2, 2, Duration.ofMillis(75)));
		BlockingClient client = client(this.rpc.channel(server));
		List<CompletableFuture<Integer>> held = new ArrayList<>();
		held.add(client.hold(1));
		held.add(client.hold(2));
		await().atMost(WAIT).until(() -> this.service.started.get() == 2);

		CompletableFuture<Integer> refused = client.hold(3);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> refused.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class, (ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(ex.getRetryAfterMillis()).isEqualTo(75);
				assertThat(ex.getDescription()).contains("concurrency limit of 2");
			});
		assertThat(this.service.started).hasValue(2);
		assertThat(this.rejections.get("overload")).hasValue(1);
		assertThat(ServerRuntime.of(server).calls().concurrencyLimit()).isEqualTo(2);

		// The held calls were not disturbed; once they end, their slots are free again.
		this.service.gate.countDown();
		assertThat(held).allSatisfy((call) -> assertThat(call).succeedsWithin(WAIT));
		assertThat(client.hold(4)).succeedsWithin(WAIT).isEqualTo(4);
	}

	@Test
	void retryOfAnIdempotentCallWaitsAtLeastForTheServersHintAndNotPastTheDeadline() {
		RpcServer server = server(
				new ConcurrencyLimit(ConcurrencyLimit.Algorithm.FIXED, 1, 1, 1, Duration.ofMinutes(1)));
		BlockingClient holder = client(this.rpc.channel(server));
		CompletableFuture<Integer> held = holder.hold(1);
		await().atMost(WAIT).until(() -> this.service.started.get() == 1);
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(5)
			.initialBackoff(Duration.ofMillis(1))
			.maxBackoff(Duration.ofMillis(2))
			.retryableStatuses(Set.of(RpcStatus.UNAVAILABLE, RpcStatus.RESOURCE_EXHAUSTED))
			.build();
		IdempotentBlockingClient client = this.rpc.client(
				new ClientDefinition(IdempotentBlockingClient.class, "Blocking", null, WAIT, null),
				this.rpc.channel(RpcFixture.address(server), (builder) -> builder.retry(retry)));

		// Its own back-off would retry within milliseconds; the server asked for a
		// minute,
		// which is past the deadline: the refusal is final.
		assertThat(client.hold(2)).failsWithin(WAIT)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
		assertThat(this.rejections.get("overload")).hasValue(1);
		this.service.gate.countDown();
		assertThat(held).succeedsWithin(WAIT);
	}

	@Test
	void streamsAreNotCountedByTheLimit() {
		RpcServer server = server(ConcurrencyLimit.fixed(1));
		BlockingClient client = client(this.rpc.channel(server));
		CompletableFuture<Integer> held = client.hold(1);
		await().atMost(WAIT).until(() -> this.service.started.get() == 1);

		try (Stream<Integer> items = client.items(3)) {
			assertThat(items).containsExactly(0, 1, 2);
		}
		this.service.gate.countDown();
		assertThat(held).succeedsWithin(WAIT);
	}

	@Test
	void anAdaptiveLimitAdmitsCallsWithinItsInitialLimit() {
		for (ConcurrencyLimit.Algorithm algorithm : ConcurrencyLimit.Algorithm.values()) {
			RpcServer server = server(new ConcurrencyLimit(algorithm, 20, 1, 50, Duration.ofMillis(10)));
			BlockingClient client = client(this.rpc.channel(server));
			this.service.gate.countDown();
			List<CompletableFuture<Integer>> calls = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				calls.add(client.hold(i));
			}
			assertThat(calls).allSatisfy((call) -> assertThat(call).succeedsWithin(WAIT));
			assertThat(ServerRuntime.of(server).calls().concurrencyLimit()).isBetween(1, 50);
		}
		assertThat(this.rejections).doesNotContainKey("overload");
	}

	@Test
	void withoutALimitNothingIsRefused() {
		RpcServer server = server(null);
		BlockingClient client = client(this.rpc.channel(server));
		List<CompletableFuture<Integer>> held = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			held.add(client.hold(i));
		}
		await().atMost(WAIT).until(() -> this.service.started.get() == 20);
		this.service.gate.countDown();
		assertThat(held).allSatisfy((call) -> assertThat(call).succeedsWithin(WAIT));
		assertThat(ServerRuntime.of(server).calls().concurrencyLimit()).isEqualTo(-1);
	}

	/**
	 * The client view of {@link Blocking}.
	 */
	public interface BlockingClient {

		CompletableFuture<Integer> hold(int value);

		Stream<Integer> items(int count);

	}

	/**
	 * {@link BlockingClient#hold(int)} declared idempotent.
	 */
	public interface IdempotentBlockingClient {

		@RpcMethod(idempotent = true)
		CompletableFuture<Integer> hold(int value);

	}

	/**
	 * Calls wait for the gate on a worker thread.
	 */
	public static class Blocking {

		final CountDownLatch gate = new CountDownLatch(1);

		final AtomicInteger started = new AtomicInteger();

		public int hold(int value) throws InterruptedException {
			this.started.incrementAndGet();
			this.gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return value;
		}

		public Stream<Integer> items(int count) {
			return Stream.iterate(0, (i) -> i + 1).limit(count);
		}

	}

}
