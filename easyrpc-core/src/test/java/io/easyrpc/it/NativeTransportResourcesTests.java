package io.easyrpc.it;

import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportResources;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Event loops forced to a native transport bind that transport's server channels.
 */
class NativeTransportResourcesTests {

	@Test
	void resourcesBindEpollChannels() {
		assumeTrue(Epoll.isAvailable(), () -> "epoll does not load here: " + Epoll.unavailabilityCause());
		try (TransportResources resources = new TransportResources("epoll-test", 1, IoTransport.EPOLL)) {
			assertThat(resources.transport()).isEqualTo(IoTransport.EPOLL);
			Channel channel = resources.bind(RpcAddress.tcp("127.0.0.1", 0), new ChannelInboundHandlerAdapter(), null)
				.syncUninterruptibly()
				.channel();
			assertThat(channel).isInstanceOf(EpollServerSocketChannel.class);
			channel.close().syncUninterruptibly();
		}
	}

	@Test
	void resourcesBindIoUringChannels() {
		assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
		try (TransportResources resources = new TransportResources("io-uring-test", 1, IoTransport.IO_URING)) {
			assertThat(resources.transport()).isEqualTo(IoTransport.IO_URING);
			Channel channel = resources.bind(RpcAddress.tcp("127.0.0.1", 0), new ChannelInboundHandlerAdapter(), null)
				.syncUninterruptibly()
				.channel();
			assertThat(channel).isInstanceOf(IoUringServerSocketChannel.class);
			channel.close().syncUninterruptibly();
		}
	}

}
