package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.server.MethodOptions;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Notifications, where methods run (I/O thread or worker), and the guard against blocking
 * on the connection's own I/O thread.
 */
@ExtendWith(LeakDetectionExtension.class)
class CallStyleTests {

	private final RpcFixture rpc = new RpcFixture();

	private final JournalService journal = new JournalService();

	@AfterEach
	void close() {
		this.journal.gate.countDown();
		this.rpc.close();
	}

	private RpcServer server() {
		ServiceDefinition definition = ServiceDefinition.builder(this.journal)
			.methodOptions((method) -> switch (method.getName()) {
				case "log" -> new MethodOptions(null, true, false);
				case "ioThread" -> new MethodOptions(null, false, true);
				default -> null;
			})
			.build();
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, definition);
	}

	private Journal client(RpcChannel channel) {
		return this.rpc.client(
				new ClientDefinition(Journal.class, null, null, RpcFixture.TIMEOUT,
						(method) -> method.getName().equals("log") ? new ClientMethodOptions(null, true, null) : null),
				channel);
	}

	@Test
	void notificationsAreDelivered() {
		RpcServer server = server();
		Journal journal = client(this.rpc.channel(server));
		journal.log("first");
		journal.log("second");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.journal.entries.size() == 2);
		assertThat(this.journal.entries).containsExactlyInAnyOrder("first", "second");
	}

	@Test
	void notificationGetsNoResponse() throws Exception {
		RpcServer server = server();
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.sendNotification("Journal.log", (packer) -> {
				packer.packArrayHeader(1);
				packer.packString("raw");
			});
			raw.sendNotification("Journal.missing", (packer) -> packer.packArrayHeader(0));
			raw.sendPing(5);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(5));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.journal.entries.contains("raw"));
	}

	@Test
	void notificationSentRightBeforeTheChannelClosesIsDelivered() {
		RpcServer server = server();
		RpcChannel channel = this.rpc.channel(server);
		Journal journal = client(channel);
		assertThat(journal.workerThread()).isNotEmpty();
		journal.log("last words");
		channel.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.journal.entries.contains("last words"));
	}

	@Test
	void nonBlockingMethodRunsOnTheIoThreadAndBlockingMethodOnAWorker() {
		RpcServer server = server();
		Journal journal = client(this.rpc.channel(server));
		assertThat(journal.ioThread()).contains("-io-");
		assertThat(journal.workerThread()).contains("easyrpc-worker").doesNotContain("-io-");
	}

	@Test
	void blockingCallOnTheConnectionsIoThreadFailsInsteadOfDeadlocking() throws Exception {
		RpcServer server = server();
		Journal journal = client(this.rpc.channel(server));
		CompletableFuture<String> nested = journal.gated().thenApply((value) -> value + journal.workerThread());
		this.journal.gate.countDown();
		assertThatThrownBy(() -> nested.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("I/O thread");
		assertThat(this.journal.workerCalls).hasValue(0);
		CompletableFuture<String> async = journal.gated().thenApplyAsync((value) -> value + journal.workerThread());
		assertThat(async.get(5, TimeUnit.SECONDS)).startsWith("open").contains("easyrpc-worker");
	}

	public interface Journal {

		void log(String entry);

		String ioThread();

		String workerThread();

		CompletableFuture<String> gated();

	}

	static class JournalService implements Journal {

		final List<String> entries = new CopyOnWriteArrayList<>();

		final CountDownLatch gate = new CountDownLatch(1);

		final AtomicInteger workerCalls = new AtomicInteger();

		@Override
		public void log(String entry) {
			this.entries.add(entry);
		}

		@Override
		public String ioThread() {
			return Thread.currentThread().getName();
		}

		@Override
		public String workerThread() {
			this.workerCalls.incrementAndGet();
			return Thread.currentThread().getName();
		}

		@Override
		public CompletableFuture<String> gated() {
			try {
				this.gate.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("open");
		}

	}

}
