package io.easyrpc.internal.transport;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.function.Function;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A resolved Netty I/O transport: the I/O handler of its event loops and the classes of
 * its TCP and unix domain socket channels.
 *
 * @param kind the transport, never {@link IoTransport#AUTO}
 * @param ioHandlerFactory the factory of the event loops' I/O handlers
 * @param serverChannelClass the class of listening TCP channels
 * @param socketChannelClass the class of connected TCP channels
 * @param domainServerChannelClass the class of listening unix domain socket channels
 * @param domainSocketChannelClass the class of connected unix domain socket channels
 * @param domainSocketAddress makes the socket address of a unix domain socket path that
 * this transport's channels take
 */
public record NettyTransport(IoTransport kind, IoHandlerFactory ioHandlerFactory,
		Class<? extends ServerChannel> serverChannelClass, Class<? extends io.netty.channel.Channel> socketChannelClass,
		Class<? extends ServerChannel> domainServerChannelClass,
		Class<? extends io.netty.channel.Channel> domainSocketChannelClass,
		Function<String, SocketAddress> domainSocketAddress) {

	/**
	 * The configuration property that chooses the transport in a Spring Boot application.
	 */
	public static final String PROPERTY = "easyrpc.netty.transport";

	/**
	 * The native transports {@link IoTransport#AUTO} tries, in order, before falling back
	 * to NIO. None for now: the benchmark in docs/performance.md measured no reliable
	 * gain of either native transport over NIO.
	 */
	static final List<IoTransport> AUTO_ORDER = List.of();

	/**
	 * Resolve a transport against the class path and the platform.
	 * @param requested the transport asked for, {@code null} for {@link IoTransport#AUTO}
	 * @return the transport to use
	 * @throws IllegalStateException if a native transport was asked for and is not
	 * available
	 */
	public static NettyTransport resolve(IoTransport requested) {
		return create(choose(requested, TransportProbe.of(NettyTransport.class.getClassLoader())));
	}

	/**
	 * Choose the transport to use.
	 * @param requested the transport asked for, {@code null} for {@link IoTransport#AUTO}
	 * @param probe tells whether a native transport is available
	 * @return the chosen transport, never {@link IoTransport#AUTO}
	 * @throws IllegalStateException if a native transport was asked for and is not
	 * available
	 */
	static IoTransport choose(IoTransport requested, TransportProbe probe) {
		return choose(requested, probe, AUTO_ORDER);
	}

	/**
	 * Choose the transport to use.
	 * @param requested the transport asked for, {@code null} for {@link IoTransport#AUTO}
	 * @param probe tells whether a native transport is available
	 * @param autoOrder the native transports {@link IoTransport#AUTO} tries, in order
	 * @return the chosen transport, never {@link IoTransport#AUTO}
	 * @throws IllegalStateException if a native transport was asked for and is not
	 * available
	 */
	static IoTransport choose(IoTransport requested, TransportProbe probe, List<IoTransport> autoOrder) {
		if (requested == null || requested == IoTransport.AUTO) {
			for (IoTransport candidate : autoOrder) {
				if (probe.unavailability(candidate) == null) {
					return candidate;
				}
			}
			return IoTransport.NIO;
		}
		if (requested == IoTransport.NIO) {
			return IoTransport.NIO;
		}
		String reason = probe.unavailability(requested);
		if (reason != null) {
			throw new IllegalStateException("The Netty transport " + requested.propertyValue() + " was requested ("
					+ PROPERTY + "=" + requested.propertyValue() + " or IoTransport." + requested.name()
					+ " on a builder) but is not available: " + reason + ". Add " + requested.artifact()
					+ " with the classifier of this platform (for example linux-x86_64) to the class path, or set "
					+ PROPERTY + " to auto or nio");
		}
		return requested;
	}

	private static NettyTransport create(IoTransport kind) {
		return switch (kind) {
			case EPOLL -> EpollSupport.transport();
			case IO_URING -> IoUringSupport.transport();
			// Java NIO serves unix domain sockets since JDK 16.
			default -> new NettyTransport(IoTransport.NIO, NioIoHandler.newFactory(), NioServerSocketChannel.class,
					NioSocketChannel.class, NioServerDomainSocketChannel.class, NioDomainSocketChannel.class,
					UnixDomainSocketAddress::of);
		};
	}

}
