package io.easyrpc.transport;

import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.easyrpc.internal.transport.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The Netty event loops shared by the servers and clients of one application, and the
 * bootstraps that bind and connect over them. Event loops are created on first use and
 * shut down by {@link #close()}.
 * <p>
 * Channels use pooled buffers: heap buffers in process, direct buffers on sockets.
 * msgpack-core itself only ever touches heap memory (direct memory would need extra JVM
 * flags): frames are encoded on the heap and copied once into the channel's buffer, and
 * inbound frames are copied once to the heap by the frame decoder.
 * <p>
 * TCP and unix domain socket channels use the {@link IoTransport} chosen at construction:
 * native epoll or io_uring when asked for, Java NIO otherwise (unix domain sockets need
 * JDK 16 or later on NIO).
 */
public final class TransportResources implements AutoCloseable {

	/**
	 * The allocator of in-process channels: heap buffers, which pass from one side to the
	 * other and are read there without a copy.
	 */
	public static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(false);

	/**
	 * The allocator of socket channels: direct buffers where the platform allows, so that
	 * an encoded frame goes to the socket without another copy.
	 */
	public static final ByteBufAllocator SOCKET_ALLOCATOR = new PooledByteBufAllocator(true);

	private final String name;

	private final int ioThreads;

	private final NettyTransport transport;

	// How long the in-process event loops keep accepting tasks once shutting down.
	private static final long LOCAL_QUIET_PERIOD_MILLIS = 50;

	private @Nullable EventLoopGroup tcpGroup;

	private @Nullable EventLoopGroup localGroup;

	private boolean closed;

	/**
	 * Create resources.
	 * @param name a name for the event loop threads, for example {@code easyrpc-server}
	 * @param ioThreads the number of TCP event loop threads, {@code 0} for one per CPU
	 */
	public TransportResources(String name, int ioThreads) {
		this(name, ioThreads, IoTransport.AUTO);
	}

	/**
	 * Create resources whose TCP channels use a chosen Netty transport.
	 * @param name a name for the event loop threads, for example {@code easyrpc-server}
	 * @param ioThreads the number of TCP event loop threads, {@code 0} for one per CPU
	 * @param transport the transport, {@code null} or {@link IoTransport#AUTO} for the
	 * preferred one
	 * @throws IllegalStateException if a native transport is asked for and its jar is not
	 * on the class path or does not load on this platform
	 */
	public TransportResources(String name, int ioThreads, @Nullable IoTransport transport) {
		this.name = name;
		this.ioThreads = (ioThreads > 0) ? ioThreads : Runtime.getRuntime().availableProcessors();
		this.transport = NettyTransport.resolve(transport);
	}

	/**
	 * Return the transport of TCP channels.
	 * @return the transport in use, never {@link IoTransport#AUTO}
	 */
	public IoTransport transport() {
		return this.transport.kind();
	}

	/**
	 * Bind a server channel.
	 * @param address the address to bind to
	 * @param childHandler the handler that initializes accepted channels
	 * @param customizer a customizer for the bootstrap, may be {@code null}
	 * @return the bind future
	 * @throws IllegalArgumentException for a WebSocket address: WebSocket endpoints are
	 * served by a web server, not bound here; and for a MessagePack-RPC address, which
	 * names a server to call
	 */
	public ChannelFuture bind(RpcAddress address, ChannelHandler childHandler,
			@Nullable BootstrapCustomizer<ServerBootstrap> customizer) {
		if (address.isWebSocket()) {
			throw new IllegalArgumentException("Cannot bind " + address
					+ ": easyrpc binds tcp:// and inproc:// addresses; a WebSocket endpoint is served by a web server");
		}
		if (address.isMsgpackRpc()) {
			throw new IllegalArgumentException("Cannot bind " + address
					+ ": msgpack-rpc:// and msgpack-rpc+unix: name MessagePack-RPC servers for clients to call; "
					+ "a server binds tcp://, unix: or inproc:// addresses");
		}
		ServerBootstrap bootstrap = new ServerBootstrap().childHandler(childHandler);
		if (address.isInProcess()) {
			EventLoopGroup group = localGroup();
			bootstrap.group(group, group)
				.channel(LocalServerChannel.class)
				.option(ChannelOption.ALLOCATOR, ALLOCATOR)
				.childOption(ChannelOption.ALLOCATOR, ALLOCATOR);
		}
		else if (address.isUnixSocket()) {
			EventLoopGroup group = tcpGroup();
			bootstrap.group(group, group)
				.channel(this.transport.domainServerChannelClass())
				.option(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR)
				.childOption(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR);
		}
		else {
			EventLoopGroup group = tcpGroup();
			bootstrap.group(group, group)
				.channel(this.transport.serverChannelClass())
				.option(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR)
				.childOption(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR)
				.option(ChannelOption.SO_REUSEADDR, true)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childOption(ChannelOption.SO_KEEPALIVE, true);
		}
		if (customizer != null) {
			customizer.customize(bootstrap);
		}
		return bootstrap.bind(socketAddress(address));
	}

	/**
	 * Connect a client channel. A WebSocket address is connected over TCP; the caller's
	 * handler adds the WebSocket handlers.
	 * @param address the address to connect to
	 * @param handler the handler that initializes the channel
	 * @param connectTimeoutMillis the connect timeout
	 * @param customizer a customizer for the bootstrap, may be {@code null}
	 * @return the connect future
	 */
	public ChannelFuture connect(RpcAddress address, ChannelHandler handler, int connectTimeoutMillis,
			@Nullable BootstrapCustomizer<Bootstrap> customizer) {
		Bootstrap bootstrap = new Bootstrap().handler(handler);
		if (address.isInProcess()) {
			bootstrap.group(localGroup()).channel(LocalChannel.class).option(ChannelOption.ALLOCATOR, ALLOCATOR);
		}
		else if (address.isUnixSocket()) {
			bootstrap.group(tcpGroup())
				.channel(this.transport.domainSocketChannelClass())
				.option(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
		}
		else {
			bootstrap.group(tcpGroup())
				.channel(this.transport.socketChannelClass())
				.option(ChannelOption.ALLOCATOR, SOCKET_ALLOCATOR)
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.SO_KEEPALIVE, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
		}
		if (customizer != null) {
			customizer.customize(bootstrap);
		}
		return bootstrap.connect(socketAddress(address));
	}

	// Each transport has its own type of unix domain socket address.
	private SocketAddress socketAddress(RpcAddress address) {
		return address.isUnixSocket() ? this.transport.domainSocketAddress().apply(address.host())
				: address.toSocketAddress();
	}

	/**
	 * Register a channel that does no I/O of its own, fed by a transport that Netty does
	 * not drive (a WebSocket session of a web server), on one of the event loops of TCP
	 * channels.
	 * @param channel the channel, with its handlers added
	 * @return the registration future
	 */
	public ChannelFuture register(Channel channel) {
		return tcpGroup().register(channel);
	}

	/**
	 * Return an event loop of TCP channels to run timers on, made on first use.
	 * @return the event loop
	 */
	public ScheduledExecutorService scheduler() {
		return tcpGroup().next();
	}

	private synchronized EventLoopGroup tcpGroup() {
		checkOpen();
		if (this.tcpGroup == null) {
			this.tcpGroup = new MultiThreadIoEventLoopGroup(this.ioThreads,
					new DefaultThreadFactory(this.name + "-io", true), this.transport.ioHandlerFactory());
		}
		return this.tcpGroup;
	}

	private synchronized EventLoopGroup localGroup() {
		checkOpen();
		if (this.localGroup == null) {
			this.localGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(this.name + "-local", true),
					LocalIoHandler.newFactory());
		}
		return this.localGroup;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("Transport resources '" + this.name + "' are closed");
		}
	}

	/**
	 * Shut the event loops down and wait briefly for them to terminate.
	 */
	@Override
	public void close() {
		EventLoopGroup tcp;
		EventLoopGroup local;
		synchronized (this) {
			this.closed = true;
			tcp = this.tcpGroup;
			local = this.localGroup;
			this.tcpGroup = null;
			this.localGroup = null;
		}
		shutdown(tcp, 0);
		// An in-process peer may still hand this side a task (the last write of a client
		// that has not yet seen the close): a short quiet period lets it run instead of
		// being rejected, which Netty would report as an error.
		shutdown(local, LOCAL_QUIET_PERIOD_MILLIS);
	}

	private static void shutdown(@Nullable EventLoopGroup group, long quietPeriodMillis) {
		if (group != null) {
			group.shutdownGracefully(quietPeriodMillis, 2000, TimeUnit.MILLISECONDS)
				.awaitUninterruptibly(3, TimeUnit.SECONDS);
		}
	}

	/**
	 * Callback that customizes a Netty bootstrap before it binds or connects.
	 *
	 * @param <B> the bootstrap type
	 */
	@FunctionalInterface
	public interface BootstrapCustomizer<B> {

		/**
		 * Customize the bootstrap.
		 * @param bootstrap the bootstrap
		 */
		void customize(B bootstrap);

	}

}
