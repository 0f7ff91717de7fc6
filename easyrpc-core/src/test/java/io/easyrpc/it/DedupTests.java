package io.easyrpc.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.server.DedupStore;
import io.easyrpc.internal.server.ServerConnection;
import io.easyrpc.internal.server.ServerRuntime;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Idempotent calls over real sockets: the server runs a call once per idempotency key,
 * hands its outcome to re-sends, keeps it running when its connection is lost, and keeps
 * outcomes within a time to live and bounds; the client re-attaches and retries
 * idempotent calls only, within the deadline and the retry budget.
 */
@ExtendWith(LeakDetectionExtension.class)
class DedupTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final LedgerService service = new LedgerService();

	private final DedupEvents events = new DedupEvents();

	@AfterEach
	void close() {
		this.service.release.countDown();
		this.rpc.close();
	}

	private RpcServer server() {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.observer(this.events),
				ServiceDefinition.builder(this.service).name("Ledger").build());
	}

	private Ledger client(RpcServer server, RetryPolicy retry, Duration timeout) {
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.retry(retry));
		return this.rpc.client(ClientDefinition.of(Ledger.class, timeout), channel);
	}

	private static RetryPolicy fastRetry(int maxAttempts) {
		return RetryPolicy.builder()
			.maxAttempts(maxAttempts)
			.initialBackoff(Duration.ofMillis(1))
			.maxBackoff(Duration.ofMillis(2))
			.build();
	}

	@Test
	void reSentCallRunsOnceAndEveryReSendGetsItsResult() throws IOException {
		RpcServer server = server();
		try (RawConnection first = connect(server); RawConnection second = connect(server)) {
			first.sendRequest(1, "Ledger.add", key("k-1"), (out) -> {
				out.packArrayHeader(2);
				out.packString("a");
				out.packInt(5);
			});
			assertThat(readInt(first, 1)).isEqualTo(5);
			first.sendRequest(2, "Ledger.add", key("k-1"), (out) -> {
				out.packArrayHeader(2);
				out.packString("a");
				out.packInt(5);
			});
			assertThat(readInt(first, 2)).isEqualTo(5);
			// Another connection of the same host re-attaches by the key.
			second.sendRequest(1, "Ledger.add", key("k-1"), (out) -> {
				out.packArrayHeader(2);
				out.packString("a");
				out.packInt(5);
			});
			assertThat(readInt(second, 1)).isEqualTo(5);
		}
		assertThat(this.service.executions("add:a")).isEqualTo(1);
		assertThat(this.events.count("stored")).isEqualTo(1);
		assertThat(this.events.count("hit")).isEqualTo(2);
	}

	@Test
	void callWithoutKeyOrWithAnotherMethodRunsAgain() throws IOException {
		RpcServer server = server();
		try (RawConnection raw = connect(server)) {
			for (int id = 1; id <= 2; id++) {
				raw.sendRequest(id, "Ledger.add", Metadata.EMPTY, (out) -> {
					out.packArrayHeader(2);
					out.packString("b");
					out.packInt(1);
				});
				assertThat(readInt(raw, id)).isEqualTo(id);
			}
			raw.sendRequest(3, "Ledger.add", key("shared"), (out) -> {
				out.packArrayHeader(2);
				out.packString("c");
				out.packInt(1);
			});
			assertThat(readInt(raw, 3)).isEqualTo(1);
			// The same key on another method is another call.
			raw.sendRequest(4, "Ledger.plain", key("shared"), (out) -> {
				out.packArrayHeader(1);
				out.packString("c");
			});
			assertThat(readInt(raw, 4)).isEqualTo(1);
		}
		assertThat(this.service.executions("add:b")).isEqualTo(2);
		assertThat(this.service.executions("plain:c")).isEqualTo(1);
	}

	@Test
	void reSendWhileTheCallRunsJoinsIt() throws Exception {
		RpcServer server = server();
		try (RawConnection first = connect(server); RawConnection second = connect(server)) {
			first.sendRequest(1, "Ledger.slow", key("k-slow"), (out) -> {
				out.packArrayHeader(1);
				out.packString("s");
			});
			assertThat(this.service.started.await(10, TimeUnit.SECONDS)).isTrue();
			second.sendRequest(7, "Ledger.slow", key("k-slow"), (out) -> {
				out.packArrayHeader(1);
				out.packString("s");
			});
			await().atMost(WAIT).until(() -> this.events.count("joined") == 1);
			this.service.release.countDown();
			assertThat(readString(first, 1)).isEqualTo("done s");
			assertThat(readString(second, 7)).isEqualTo("done s");
		}
		assertThat(this.service.executions("slow:s")).isEqualTo(1);
	}

	@Test
	void callWhoseConnectionIsCutIsReAttachedAndRunsOnce() throws Exception {
		RpcServer server = server();
		Ledger ledger = client(server, RetryPolicy.disabled(), RpcFixture.TIMEOUT);
		CompletableFuture<String> result = ledger.slowAsync("r");
		assertThat(this.service.started.await(10, TimeUnit.SECONDS)).isTrue();
		for (ServerConnection connection : ServerRuntime.of(server).connections()) {
			connection.channel().close().syncUninterruptibly();
		}
		// The client re-sends the call with its key on a new connection and joins it.
		await().atMost(WAIT).until(() -> this.events.count("joined") == 1);
		assertThat(result).isNotDone();
		this.service.release.countDown();
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done r");
		assertThat(this.service.executions("slow:r")).isEqualTo(1);
		assertThat(this.service.keys).hasSize(1).allSatisfy((key) -> assertThat(key).hasSize(22));
	}

	@Test
	void outcomeOfACallWhoseCallerLeftIsKeptForItsReSend() throws Exception {
		RpcServer server = server();
		try (RawConnection first = connect(server)) {
			first.sendRequest(1, "Ledger.slow", key("k-left"), (out) -> {
				out.packArrayHeader(1);
				out.packString("l");
			});
			assertThat(this.service.started.await(10, TimeUnit.SECONDS)).isTrue();
		}
		// The connection is gone; the call runs on and its outcome is kept.
		this.service.release.countDown();
		await().atMost(WAIT).until(() -> this.events.count("stored") == 1);
		try (RawConnection second = connect(server)) {
			second.sendRequest(1, "Ledger.slow", key("k-left"), (out) -> {
				out.packArrayHeader(1);
				out.packString("l");
			});
			assertThat(readString(second, 1)).isEqualTo("done l");
		}
		assertThat(this.service.executions("slow:l")).isEqualTo(1);
		assertThat(this.service.cancelled.get()).isZero();
	}

	@Test
	void unclaimedOutcomesAreDroppedAfterTheTimeToLive() throws IOException {
		RpcServer server = server();
		AtomicLong clock = new AtomicLong();
		DedupStore store = new DedupStore(Duration.ofMinutes(1), 100, 1 << 20, clock::get);
		ServerRuntime.of(server).dedup(store);
		try (RawConnection raw = connect(server)) {
			sendAdd(raw, 1, "t", "k-ttl");
			assertThat(readInt(raw, 1)).isEqualTo(1);
			clock.addAndGet(TimeUnit.SECONDS.toNanos(59));
			sendAdd(raw, 2, "t", "k-ttl");
			assertThat(readInt(raw, 2)).isEqualTo(1);
			assertThat(store.size()).isEqualTo(1);
			clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
			assertThat(store.size()).isZero();
			sendAdd(raw, 3, "t", "k-ttl");
			assertThat(readInt(raw, 3)).isEqualTo(2);
		}
		assertThat(this.service.executions("add:t")).isEqualTo(2);
	}

	@Test
	void storeKeepsWithinItsEntriesAndBytes() throws IOException {
		RpcServer server = server();
		DedupStore byEntries = new DedupStore(Duration.ofMinutes(1), 3, 1 << 20, System::nanoTime);
		ServerRuntime.of(server).dedup(byEntries);
		try (RawConnection raw = connect(server)) {
			for (int id = 1; id <= 10; id++) {
				sendAdd(raw, id, "e" + id, "k-entries-" + id);
				assertThat(readInt(raw, id)).isEqualTo(1);
			}
			assertThat(byEntries.size()).isLessThanOrEqualTo(3);
			DedupStore byBytes = new DedupStore(Duration.ofMinutes(1), 1000, 10_000, System::nanoTime);
			ServerRuntime.of(server).dedup(byBytes);
			for (int id = 11; id <= 20; id++) {
				int call = id;
				raw.sendRequest(call, "Ledger.blob", key("k-bytes-" + id), (out) -> {
					out.packArrayHeader(1);
					out.packInt(4000);
				});
				assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.Response.class,
						(response) -> assertThat(response.callId()).isEqualTo(call));
			}
			assertThat(byBytes.weight()).isLessThanOrEqualTo(10_000);
			assertThat(byBytes.size()).isBetween(1L, 2L);
		}
	}

	@Test
	void retryStopsAtMaxAttempts() {
		RpcServer server = server();
		Ledger ledger = client(server, fastRetry(3), RpcFixture.TIMEOUT);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> ledger.flaky("m", 100))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		assertThat(this.service.executions("flaky:m")).isEqualTo(3);
		// Every attempt carried the same key.
		assertThat(this.service.keys).hasSize(1);
	}

	@Test
	void retrySucceedsWhenAFailureIsTransient() {
		RpcServer server = server();
		Ledger ledger = client(server, fastRetry(5), RpcFixture.TIMEOUT);
		assertThat(ledger.flaky("n", 2)).isEqualTo(3);
		assertThat(this.service.executions("flaky:n")).isEqualTo(3);
	}

	@Test
	void retryNeverOutlivesTheDeadline() {
		RpcServer server = server();
		RetryPolicy slow = RetryPolicy.builder()
			.maxAttempts(50)
			.initialBackoff(Duration.ofMillis(150))
			.maxBackoff(Duration.ofMillis(150))
			.build();
		Ledger ledger = client(server, slow, Duration.ofMillis(300));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> ledger.flaky("d", 100))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		// Each retry waits at least 75 ms and needs that much time left: at most four
		// attempts fit in 300 ms.
		assertThat(this.service.executions("flaky:d")).isBetween(1, 4);
	}

	@Test
	void budgetStopsRetriesWhenMostCallsFail() {
		RpcServer server = server();
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(5)
			.initialBackoff(Duration.ofMillis(1))
			.maxBackoff(Duration.ofMillis(1))
			.maxTokens(4)
			.tokenRatio(0.1)
			.build();
		Ledger ledger = client(server, policy, RpcFixture.TIMEOUT);
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> ledger.flaky("b", 100));
		}
		// 4 tokens: the first failure leaves 3 (> 2, retry), the second 2 (no retry);
		// from then on every call is tried once.
		assertThat(this.service.executions("flaky:b")).isEqualTo(11);
	}

	@Test
	void nonIdempotentMethodIsNeitherRetriedNorKeyed() {
		RpcServer server = server();
		Ledger ledger = client(server, fastRetry(5), RpcFixture.TIMEOUT);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> ledger.plainFlaky("p"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		assertThat(this.service.executions("plainFlaky:p")).isEqualTo(1);
		assertThat(ledger.plain("q")).isEqualTo(1);
		assertThat(ledger.plain("q")).isEqualTo(2);
		assertThat(this.service.keys).isEmpty();
		assertThat(this.events.total()).isZero();
	}

	private static RawConnection connect(RpcServer server) throws IOException {
		RawConnection raw = new RawConnection(server.port());
		raw.sendPreface(1024 * 1024);
		raw.readPreface();
		return raw;
	}

	private static Metadata key(String key) {
		return new Metadata(0, key, null, Map.of());
	}

	private static void sendAdd(RawConnection raw, int callId, String id, String key) throws IOException {
		raw.sendRequest(callId, "Ledger.add", key(key), (out) -> {
			out.packArrayHeader(2);
			out.packString(id);
			out.packInt(1);
		});
	}

	private static MessageUnpacker response(RawConnection raw, int callId) throws IOException {
		Frame frame = raw.readFrame();
		assertThat(frame).isInstanceOf(Frame.Response.class);
		Frame.Response response = (Frame.Response) frame;
		assertThat(response.callId()).isEqualTo(callId);
		return MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(response.payload()));
	}

	private static int readInt(RawConnection raw, int callId) throws IOException {
		return response(raw, callId).unpackInt();
	}

	private static String readString(RawConnection raw, int callId) throws IOException {
		return response(raw, callId).unpackString();
	}

	public interface Ledger {

		@RpcMethod(idempotent = true)
		int add(String id, int amount);

		@RpcMethod(idempotent = true)
		String slow(String id);

		@RpcMethod(name = "slow", idempotent = true)
		CompletableFuture<String> slowAsync(String id);

		@RpcMethod(idempotent = true)
		int flaky(String id, int failures);

		@RpcMethod(idempotent = true)
		byte[] blob(int size);

		int plain(String id);

		int plainFlaky(String id);

	}

	static class LedgerService {

		final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> totals = new ConcurrentHashMap<>();

		final List<String> keys = new CopyOnWriteArrayList<>();

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger cancelled = new AtomicInteger();

		int executions(String name) {
			AtomicInteger count = this.executions.get(name);
			return (count != null) ? count.get() : 0;
		}

		private int ran(String name) {
			String key = RpcContext.current().idempotencyKey();
			if (key != null && !this.keys.contains(key)) {
				this.keys.add(key);
			}
			return this.executions.computeIfAbsent(name, (k) -> new AtomicInteger()).incrementAndGet();
		}

		public int add(String id, int amount) {
			ran("add:" + id);
			return this.totals.computeIfAbsent(id, (k) -> new AtomicInteger()).addAndGet(amount);
		}

		public String slow(String id) throws InterruptedException {
			ran("slow:" + id);
			this.started.countDown();
			if (!this.release.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Never released");
			}
			if (RpcContext.current().isCancelled()) {
				this.cancelled.incrementAndGet();
			}
			return "done " + id;
		}

		public int flaky(String id, int failures) {
			int attempt = ran("flaky:" + id);
			if (attempt <= failures) {
				throw new RpcException(RpcStatus.UNAVAILABLE, "Attempt " + attempt + " fails");
			}
			return attempt;
		}

		public byte[] blob(int size) {
			return new byte[size];
		}

		public int plain(String id) {
			return ran("plain:" + id);
		}

		public int plainFlaky(String id) {
			ran("plainFlaky:" + id);
			throw new RpcException(RpcStatus.UNAVAILABLE, "Always fails");
		}

	}

	static class DedupEvents implements ServerCallObserver {

		private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		@Override
		public CallObservation start(CallInfo call) {
			return null;
		}

		@Override
		public void deduplicated(String methodKey, String outcome) {
			this.counts.computeIfAbsent(outcome, (k) -> new AtomicInteger()).incrementAndGet();
		}

		int count(String outcome) {
			AtomicInteger count = this.counts.get(outcome);
			return (count != null) ? count.get() : 0;
		}

		int total() {
			return this.counts.values().stream().mapToInt(AtomicInteger::get).sum();
		}

	}

}
