package io.easyrpc.it;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerBindException;
import io.easyrpc.server.RpcServerListener;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The start and stop of a server as its listeners and its log see them, over loopback and
 * unix domain sockets: listeners are told in order, the log names every bound address and
 * how many calls the stop drained, and socket files are cleaned up.
 */
class ServerLifecycleListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger serverLogger = (Logger) LoggerFactory.getLogger(RpcServer.class);

	@TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
	Path directory;

	@BeforeEach
	void captureLog() {
		this.log.start();
		this.serverLogger.addAppender(this.log);
	}

	@AfterEach
	void close() {
		this.rpc.close();
		this.serverLogger.detachAppender(this.log);
	}

	@Test
	void listenersAreToldOfStartAndStopInOrderWithTheDrainedCalls() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		RecordingListener listener = new RecordingListener("listener", events);
		ListeningMiddleware middleware = new ListeningMiddleware(events);
		SlowService service = new SlowService();
		Path socket = this.directory.resolve("rpc.sock");
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.address(RpcAddress.unix(socket.toString()))
					.listener(listener)
					.middleware(middleware)
					.listener(middleware),
				RpcFixture.definitions(service));
		assertThat(events).containsExactly("listener starting", "middleware starting", "listener started 2",
				"middleware started 2");
		assertThat(listener.addresses.get(1)).isInstanceOf(UnixDomainSocketAddress.class);
		assertThat(messages(Level.INFO)).anySatisfy((line) -> assertThat(line)
			.startsWith("easyrpc server listens on tcp://127.0.0.1:" + server.port() + ", unix:" + socket)
			.endsWith("with the Netty nio transport"));

		Slow slow = this.rpc.client(Slow.class, this.rpc.channel(server));
		CompletableFuture<String> inFlight = slow.slow();
		assertThat(service.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		events.clear();
		CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(WAIT));
		await().atMost(WAIT).until(() -> events.size() == 2);
		assertThat(events).containsExactly("listener stopping", "middleware stopping");
		service.release.countDown();
		stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
		assertThat(events).containsExactly("listener stopping", "middleware stopping", "listener stopped 1 0",
				"middleware stopped 1 0");
		assertThat(messages(Level.INFO))
			.anySatisfy((line) -> assertThat(line).matches("easyrpc server stopped: drained 1 call\\(s\\) in \\d+ ms"));
		assertThat(socket).doesNotExist();
	}

	@Test
	void listenerFailingOnStartingFailsTheStartBeforeAnythingIsBound() {
		Path socket = this.directory.resolve("failed.sock");
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.unix(socket.toString()))
			.listener(new RpcServerListener() {

				@Override
				public void serverStarting(RpcServer server) {
					throw new IllegalStateException("key store not readable");
				}

			})
			.build();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(server::start)
			.withMessage("key store not readable");
		assertThat(server.isRunning()).isFalse();
		assertThat(socket).doesNotExist();
	}

	@Test
	void listenerToldOfTheStartMayHaveAnotherThreadStopTheServer() throws Exception {
		CompletableFuture<Void> stoppedByAnotherThread = new CompletableFuture<>();
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.listener(new RpcServerListener() {

				@Override
				public void serverStarted(RpcServer server, List<SocketAddress> addresses) {
					// waits for a thread that needs the server: it must not hold its lock
					Thread stopper = new Thread(() -> {
						server.stop(Duration.ZERO);
						stoppedByAnotherThread.complete(null);
					});
					stopper.start();
					stoppedByAnotherThread.join();
				}

			})
			.build();
		CompletableFuture.runAsync(server::start).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(stoppedByAnotherThread).isDone();
		assertThat(server.isRunning()).isFalse();
	}

	@Test
	void staleSocketFileIsReplacedAndLiveOneOrOtherFileIsLeftAlone() throws IOException {
		Path socket = this.directory.resolve("stale.sock");
		try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			dead.bind(UnixDomainSocketAddress.of(socket));
		}
		assertThat(socket).exists();
		RpcServer server = this.rpc.server(RpcAddress.unix(socket.toString()), (builder) -> {
		}, RpcFixture.definitions(new SlowService()));
		assertThat(server.isRunning()).isTrue();
		assertThat(messages(Level.INFO))
			.contains("Removed the stale socket file " + socket + " (nothing accepted on it)");

		RpcServer second = RpcServer.builder().address(RpcAddress.unix(socket.toString())).build();
		assertThatExceptionOfType(RpcServerBindException.class).isThrownBy(second::start)
			.withStackTraceContaining("Another server accepts connections on " + socket);
		assertThat(server.isRunning()).isTrue();

		Path file = Files.writeString(this.directory.resolve("notes.txt"), "keep me");
		RpcServer third = RpcServer.builder().address(RpcAddress.unix(file.toString())).build();
		assertThatExceptionOfType(RpcServerBindException.class).isThrownBy(third::start)
			.withStackTraceContaining("is not a socket file");
		assertThat(file).hasContent("keep me");
	}

	private List<String> messages(Level level) {
		return this.log.list.stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	public interface Slow {

		CompletableFuture<String> slow();

	}

	static class SlowService implements Slow {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public CompletableFuture<String> slow() {
			this.started.countDown();
			try {
				this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("done");
		}

	}

	static class RecordingListener implements RpcServerListener {

		private final String name;

		private final List<String> events;

		volatile List<SocketAddress> addresses = List.of();

		RecordingListener(String name, List<String> events) {
			this.name = name;
			this.events = events;
		}

		@Override
		public void serverStarting(RpcServer server) {
			this.events.add(this.name + " starting");
		}

		@Override
		public void serverStarted(RpcServer server, List<SocketAddress> addresses) {
			this.addresses = addresses;
			this.events.add(this.name + " started " + addresses.size());
		}

		@Override
		public void serverStopping(RpcServer server) {
			this.events.add(this.name + " stopping");
		}

		@Override
		public void serverStopped(RpcServer server, Drain drain) {
			this.events.add(this.name + " stopped " + drain.drainedCalls() + " " + drain.abandonedCalls());
		}

	}

	// Middleware with start and stop hooks: told once although it is added twice.
	static class ListeningMiddleware extends RecordingListener implements RpcMiddleware {

		ListeningMiddleware(List<String> events) {
			super("middleware", events);
		}

		@Override
		public Object invoke(io.easyrpc.middleware.ServerInvocation invocation, Chain chain) throws Throwable {
			return chain.proceed();
		}

	}

}
