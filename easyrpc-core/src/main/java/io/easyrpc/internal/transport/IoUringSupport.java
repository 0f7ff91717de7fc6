package io.easyrpc.internal.transport;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The io_uring transport. Only loaded once its classes are known to be on the class path.
 */
final class IoUringSupport {

	private IoUringSupport() {
	}

	static Throwable unavailabilityCause() {
		return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
	}

	static NettyTransport transport() {
		return new NettyTransport(IoTransport.IO_URING, IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
				IoUringSocketChannel.class, IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class,
				DomainSocketAddress::new);
	}

}
