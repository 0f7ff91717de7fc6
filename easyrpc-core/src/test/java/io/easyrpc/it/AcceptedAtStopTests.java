package io.easyrpc.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportOptions;
import io.easyrpc.transport.TransportResources;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection a server accepts as it stops, whose registration with its event loop runs
 * only once that loop has begun to shut down (after the loop closed the channels it had),
 * is closed all the same: over a unix domain socket and over TCP, from a peer that closes
 * at once without a word (like the probe of a stale socket file) and from one that stays
 * connected; whether the server stops first or its shared event loops shut down under it.
 * So is one registered before the stop that becomes active only after the stop went
 * through its connections, on an event loop asked to shut down while it still runs that
 * registration (such a loop ends without closing its channels). Without that, the
 * connection would never close and the preface held for it would leak.
 * <p>
 * The races are made certain: the connection is accepted while the event loop it goes to
 * is held inside its I/O by a channel of the test, or its registration is held by a
 * handler of the test; either is let go only once the loop's shutdown has begun.
 */
class AcceptedAtStopTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	// The server stops before its event loops shut down, as a server with its own loops
	// does; or the shared loops shut down while the server still runs.
	@ParameterizedTest(name = "{0}, peer closes at once: {1}, server stopped first: {2}")
	@CsvSource({ "unix, true, true", "unix, false, true", "tcp, true, true", "tcp, false, true", "unix, true, false",
			"tcp, false, false" })
	void connectionRegisteredWhileItsEventLoopShutsDownIsClosed(String transport, boolean peerClosesAtOnce,
			boolean serverStoppedFirst) throws Exception {
		boolean unix = "unix".equals(transport);
		Path socketFile = this.directory.resolve("accepted-at-stop.sock");
		RpcAddress address = unix ? RpcAddress.unix(socketFile.toString()) : RpcAddress.tcp("127.0.0.1", 0);
		TransportResources resources = new TransportResources("accepted-at-stop", 2, IoTransport.NIO);
		List<Channel> accepted = new CopyOnWriteArrayList<>();
		CompletableFuture<EventLoop> acceptingLoop = new CompletableFuture<>();
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RpcServer server = RpcServer.builder()
			.address(address)
			.transportOptions(TransportOptions.builder().transportResources(resources).build())
			.bootstrapCustomizer((bootstrap) -> bootstrap.handler(new AcceptRecorder(accepted, acceptingLoop)))
			.build();
		try (ServerSocket blockerPeer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			server.start();
			EventLoop serverLoop = acceptingLoop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			EventLoop other;
			do {
				other = (EventLoop) resources.scheduler();
			}
			while (other == serverLoop);
			// A channel of the test on the other loop holds that loop inside its I/O.
			Channel blocker = new Bootstrap().group(other)
				.channel(NioSocketChannel.class)
				.handler(new Blocker(held, release))
				.connect(blockerPeer.getLocalSocketAddress())
				.syncUninterruptibly()
				.channel();
			try (Socket blockerSide = blockerPeer.accept()) {
				blockerSide.getOutputStream().write(1);
				assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				// The group hands out its two loops in turn: the next connection goes to
				// the held one.
				while (resources.scheduler() != serverLoop) {
					// turn the group to the server's loop
				}
				try (AutoCloseable peer = connect(unix, socketFile, server.port(), peerClosesAtOnce)) {
					await().atMost(WAIT).until(() -> accepted.size() == 1);
					await().atMost(WAIT)
						.until(() -> ((SingleThreadEventExecutor) blocker.eventLoop()).pendingTasks() > 0);
					if (serverStoppedFirst) {
						server.stop(Duration.ZERO);
					}
					CompletableFuture<Void> closing = CompletableFuture.runAsync(resources::close);
					await().atMost(WAIT).until(other::isShuttingDown);
					release.countDown();
					Channel connection = accepted.get(0);
					await().atMost(WAIT).until(() -> !connection.isOpen());
					closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
					assertThat(connection.eventLoop()).isSameAs(other);
				}
			}
		}
		finally {
			release.countDown();
			server.stop(Duration.ZERO);
			resources.close();
		}
	}

	// The connection is registered before the stop begins but becomes active only after
	// the stop went through its connections, and the server's own event loops are asked
	// to shut down while that loop still runs the registration: such a loop ends without
	// closing its channels, so the stop must have closed it.
	@ParameterizedTest(name = "{0}, peer closes at once: {1}")
	@CsvSource({ "unix, true", "unix, false", "tcp, true", "tcp, false" })
	void connectionActiveOnlyAfterTheStopWentThroughItsConnectionsIsClosed(String transport, boolean peerClosesAtOnce)
			throws Exception {
		boolean unix = "unix".equals(transport);
		Path socketFile = this.directory.resolve("active-after-stop.sock");
		RpcAddress address = unix ? RpcAddress.unix(socketFile.toString()) : RpcAddress.tcp("127.0.0.1", 0);
		CompletableFuture<Channel> initialized = new CompletableFuture<>();
		RpcServer server = RpcServer.builder()
			.address(address)
			.transportOptions(TransportOptions.builder().ioThreads(2).ioTransport(IoTransport.NIO).build())
			.bootstrapCustomizer((bootstrap) -> {
				ChannelHandler serverInitializer = bootstrap.config().childHandler();
				bootstrap.childHandler(new ChannelInitializer<>() {

					@Override
					protected void initChannel(Channel channel) {
						channel.pipeline().addLast(serverInitializer, new HoldUntilShutdown(initialized));
					}

				});
			})
			.build();
		server.start();
		CompletableFuture<Void> stopped = null;
		try (AutoCloseable peer = connect(unix, socketFile, server.port(), peerClosesAtOnce)) {
			Channel connection = initialized.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(connection.eventLoop()).isNotSameAs(connection.parent().eventLoop());
			stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ZERO));
			await().atMost(WAIT).until(() -> !connection.isOpen());
			stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			if (stopped == null) {
				server.stop(Duration.ZERO);
			}
		}
	}

	private static AutoCloseable connect(boolean unix, Path socketFile, int port, boolean closeAtOnce)
			throws Exception {
		AutoCloseable peer;
		if (unix) {
			SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.connect(UnixDomainSocketAddress.of(socketFile));
			peer = channel;
		}
		else {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			peer = socket;
		}
		if (closeAtOnce) {
			peer.close();
		}
		return peer;
	}

	// Sees every connection the server accepts, before the server registers it.
	@ChannelHandler.Sharable
	private static final class AcceptRecorder extends ChannelInboundHandlerAdapter {

		private final List<Channel> accepted;

		private final CompletableFuture<EventLoop> loop;

		AcceptRecorder(List<Channel> accepted, CompletableFuture<EventLoop> loop) {
			this.accepted = accepted;
			this.loop = loop;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.loop.complete(ctx.channel().eventLoop());
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.accepted.add((Channel) msg);
			ctx.fireChannelRead(msg);
		}

	}

	// Holds the registration of an accepted channel, after the server set it up and
	// before it becomes active, until its event loop is shutting down.
	private static final class HoldUntilShutdown extends ChannelInboundHandlerAdapter {

		private final CompletableFuture<Channel> initialized;

		HoldUntilShutdown(CompletableFuture<Channel> initialized) {
			this.initialized = initialized;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			EventLoop loop = ctx.channel().eventLoop();
			this.initialized.complete(ctx.channel());
			await().atMost(WAIT).until(loop::isShuttingDown);
		}

	}

	// Holds its event loop on the first bytes it reads, until released.
	private static final class Blocker extends ChannelInboundHandlerAdapter {

		private final CountDownLatch held;

		private final CountDownLatch release;

		Blocker(CountDownLatch held, CountDownLatch release) {
			this.held = held;
			this.release = release;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
			ReferenceCountUtil.release(msg);
			this.held.countDown();
			this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

	}

}
