package io.easyrpc.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many calls in flight at once on one connection over TCP loopback: every result must
 * reach the call that asked for it.
 */
@ExtendWith(LeakDetectionExtension.class)
class ConcurrentCallTests {

	private static final int CALLS = 10_000;

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void tenThousandConcurrentAsyncCallsOnOneConnectionGetTheirOwnResults() throws Exception {
		RpcServer server = this.rpc.tcpServer(new EchoService());
		RpcChannel channel = this.rpc.channel(server);
		Echo echo = this.rpc.client(Echo.class, channel);
		Random random = new Random(42);
		List<byte[]> payloads = new ArrayList<>(CALLS);
		List<CompletableFuture<Reply>> replies = new ArrayList<>(CALLS);
		for (int i = 0; i < CALLS; i++) {
			byte[] payload = new byte[1 + random.nextInt(64)];
			random.nextBytes(payload);
			payloads.add(payload);
			replies.add(echo.echoAsync(i, payload));
		}
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		for (int i = 0; i < CALLS; i++) {
			Reply reply = replies.get(i).get();
			assertThat(reply.id()).isEqualTo(i);
			assertThat(reply.payload()).isEqualTo(payloads.get(i));
		}
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.connections().get(0).calls()).isEqualTo(CALLS);
		assertThat(channel.pendingCalls()).isZero();
	}

	@Test
	void tenThousandCallsFromSixtyFourBlockingThreadsGetTheirOwnResults() throws Exception {
		RpcServer server = this.rpc.tcpServer(new EchoService());
		RpcChannel channel = this.rpc.channel(server);
		Echo echo = this.rpc.client(Echo.class, channel);
		ExecutorService callers = Executors.newFixedThreadPool(64);
		this.rpc.onClose(callers::shutdownNow);
		List<Future<?>> results = new ArrayList<>(CALLS);
		for (int i = 0; i < CALLS; i++) {
			long id = i;
			results.add(callers.submit(() -> {
				byte[] payload = new byte[1 + ThreadLocalRandom.current().nextInt(64)];
				ThreadLocalRandom.current().nextBytes(payload);
				Reply reply = echo.echo(id, payload);
				assertThat(reply.id()).isEqualTo(id);
				assertThat(reply.payload()).isEqualTo(payload);
				return null;
			}));
		}
		for (Future<?> result : results) {
			result.get(60, TimeUnit.SECONDS);
		}
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.connections().get(0).calls()).isEqualTo(CALLS);
		assertThat(channel.pendingCalls()).isZero();
	}

	public interface Echo {

		Reply echo(long id, byte[] payload);

		CompletableFuture<Reply> echoAsync(long id, byte[] payload);

	}

	public record Reply(long id, byte[] payload) {
	}

	static class EchoService implements Echo {

		@Override
		public Reply echo(long id, byte[] payload) {
			return new Reply(id, payload);
		}

		@Override
		public CompletableFuture<Reply> echoAsync(long id, byte[] payload) {
			return CompletableFuture.completedFuture(new Reply(id, payload));
		}

	}

}
