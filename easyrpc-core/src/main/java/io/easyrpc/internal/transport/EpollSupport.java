package io.easyrpc.internal.transport;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * The epoll transport. Only loaded once its classes are known to be on the class path.
 */
final class EpollSupport {

	private EpollSupport() {
	}

	static Throwable unavailabilityCause() {
		return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
	}

	static NettyTransport transport() {
		return new NettyTransport(IoTransport.EPOLL, EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
				EpollSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class,
				DomainSocketAddress::new);
	}

}
