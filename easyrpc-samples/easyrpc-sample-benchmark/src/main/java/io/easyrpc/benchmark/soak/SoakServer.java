package io.easyrpc.benchmark.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;

/**
 * The soak server: a plain-Java easyrpc server with the {@link Ledger} service on a fixed
 * loopback port. Every execution appends its call id to an execution log before the call
 * completes, so the log survives the process being killed. A call completes after a
 * random delay of up to {@code maxDelayMillis}, so that calls are in flight whenever the
 * server stops or a connection is cut. On SIGTERM it drains: calls in flight complete,
 * new ones are refused as not started.
 * <p>
 * Arguments: {@code PORT LOG-FILE MAX-DELAY-MILLIS}. Prints {@code READY <port>} once it
 * serves.
 */
public final class SoakServer {

	private SoakServer() {
	}

	/**
	 * Start the server.
	 * @param args port, execution log, maximum delay in milliseconds
	 * @throws IOException if the log cannot be opened
	 */
	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		Path log = Path.of(args[1]);
		int maxDelayMillis = Integer.parseInt(args[2]);
		FileChannel file = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND);
		ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
		RpcServer server = RpcServer.builder().address(RpcAddress.tcp("127.0.0.1", port)).build();
		server.registry()
			.register(ServiceDefinition.builder(new LedgerService(file, timer, maxDelayMillis))
				.type(Ledger.class)
				.name(Ledger.NAME)
				.build());
		server.start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.stop(Duration.ofSeconds(10));
			timer.shutdownNow();
		}));
		System.out.println("READY " + server.port());
		System.out.flush();
	}

	static final class LedgerService implements Ledger {

		private final FileChannel log;

		private final ScheduledExecutorService timer;

		private final int maxDelayMillis;

		LedgerService(FileChannel log, ScheduledExecutorService timer, int maxDelayMillis) {
			this.log = log;
			this.timer = timer;
			this.maxDelayMillis = maxDelayMillis;
		}

		@Override
		public CompletableFuture<Long> credit(String callId, long amount) {
			return execute("I " + callId, amount);
		}

		@Override
		public CompletableFuture<Long> creditOnce(String callId, long amount) {
			return execute("O " + callId, amount);
		}

		private CompletableFuture<Long> execute(String entry, long amount) {
			record(entry);
			CompletableFuture<Long> result = new CompletableFuture<>();
			int delay = ThreadLocalRandom.current().nextInt(this.maxDelayMillis + 1);
			this.timer.schedule(() -> result.complete(amount), delay, TimeUnit.MILLISECONDS);
			return result;
		}

		// One write per execution: the bytes are in the kernel once write returns, so a
		// killed process loses none of them.
		private void record(String entry) {
			ByteBuffer line = ByteBuffer.wrap((entry + "\n").getBytes(StandardCharsets.US_ASCII));
			synchronized (this.log) {
				try {
					while (line.hasRemaining()) {
						this.log.write(line);
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException("Cannot write the execution log", ex);
				}
			}
		}

	}

}
