package io.easyrpc.middleware;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConnectionLimit}, with a clock the test moves.
 */
class ConnectionLimitTests {

	private static final ConnectionInfo PEER = new ConnectionInfo(new InetSocketAddress("10.0.0.1", 4000),
			new InetSocketAddress("10.0.0.2", 7070), null);

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	@Test
	void acceptsUpToTheLimitAndRefusesTheNextWithResourceExhausted() {
		ConnectionLimit limit = new ConnectionLimit(2, Duration.ZERO, this.now::get);
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		ConnectionDecision refused = limit.onConnect(PEER);
		assertThat(refused.isAccepted()).isFalse();
		assertThat(refused.status()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(refused.reason()).isEqualTo("connection-limit");
		assertThat(refused.message()).contains("limit of 2 connections");
		assertThat(limit.openConnections()).isEqualTo(2);
	}

	@Test
	void withoutBlockTimeASlotIsFreeAsSoonAsAConnectionCloses() {
		ConnectionLimit limit = new ConnectionLimit(1);
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		assertThat(limit.onConnect(PEER).isAccepted()).isFalse();
		limit.onClose(PEER);
		assertThat(limit.openConnections()).isZero();
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
	}

	@Test
	void blockTimeRefusesEveryConnectionUntilItEndsEvenWithFreeSlots() {
		ConnectionLimit limit = new ConnectionLimit(1, Duration.ofSeconds(10), this.now::get);
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		assertThat(limit.onConnect(PEER).isAccepted()).isFalse();
		limit.onClose(PEER);
		this.now.addAndGet(Duration.ofSeconds(4).toNanos());
		ConnectionDecision blocked = limit.onConnect(PEER);
		assertThat(blocked.status()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(blocked.reason()).isEqualTo("connection-limit");
		assertThat(blocked.message()).contains("for another 6000 ms");
		assertThat(limit.openConnections()).isZero();
		this.now.addAndGet(Duration.ofSeconds(6).toNanos());
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
	}

	@Test
	void refusalsDuringABlockDoNotExtendIt() {
		ConnectionLimit limit = new ConnectionLimit(1, Duration.ofSeconds(10), this.now::get);
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		assertThat(limit.onConnect(PEER).isAccepted()).isFalse();
		limit.onClose(PEER);
		for (int i = 0; i < 9; i++) {
			this.now.addAndGet(Duration.ofSeconds(1).toNanos());
			assertThat(limit.onConnect(PEER).isAccepted()).isFalse();
		}
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
	}

	@Test
	void aFullServerAfterTheBlockStartsANewBlock() {
		ConnectionLimit limit = new ConnectionLimit(1, Duration.ofSeconds(10), this.now::get);
		assertThat(limit.onConnect(PEER).isAccepted()).isTrue();
		assertThat(limit.onConnect(PEER).isAccepted()).isFalse();
		this.now.addAndGet(Duration.ofSeconds(11).toNanos());
		assertThat(limit.onConnect(PEER).message()).contains("try again later");
		limit.onClose(PEER);
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
		assertThat(limit.onConnect(PEER).message()).contains("for another 5000 ms");
	}

	@Test
	void concurrentConnectionsNeverExceedTheLimit() throws Exception {
		ConnectionLimit limit = new ConnectionLimit(10);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> attempts = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				attempts.add(pool.submit(() -> {
					start.await();
					return limit.onConnect(PEER).isAccepted();
				}));
			}
			start.countDown();
			int accepted = 0;
			for (Future<Boolean> attempt : attempts) {
				if (attempt.get(10, TimeUnit.SECONDS)) {
					accepted++;
				}
			}
			assertThat(accepted).isEqualTo(10);
			assertThat(limit.openConnections()).isEqualTo(10);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void invalidSettingsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionLimit(0))
			.withMessageContaining("at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionLimit(1, Duration.ofSeconds(-1)))
			.withMessageContaining("negative");
	}

}
