package io.easyrpc.internal.transport;

import java.util.List;
import java.util.Set;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NettyTransportTests {

	private static final TransportProbe ALL_AVAILABLE = (transport) -> null;

	private static final TransportProbe NONE_AVAILABLE = (transport) -> "its classes are not on the class path";

	private static final List<IoTransport> EPOLL_THEN_IO_URING = List.of(IoTransport.EPOLL, IoTransport.IO_URING);

	@Test
	void autoUsesNioWhileNoNativeTransportIsPreferred() {
		assertThat(NettyTransport.AUTO_ORDER).isEmpty();
		assertThat(NettyTransport.choose(IoTransport.AUTO, ALL_AVAILABLE)).isEqualTo(IoTransport.NIO);
		assertThat(NettyTransport.choose(null, ALL_AVAILABLE)).isEqualTo(IoTransport.NIO);
	}

	@Test
	void autoTakesTheFirstAvailableNativeTransportInItsOrder() {
		assertThat(NettyTransport.choose(IoTransport.AUTO, ALL_AVAILABLE, EPOLL_THEN_IO_URING))
			.isEqualTo(IoTransport.EPOLL);
		TransportProbe onlyIoUring = (transport) -> (transport == IoTransport.IO_URING) ? null : "absent";
		assertThat(NettyTransport.choose(null, onlyIoUring, EPOLL_THEN_IO_URING)).isEqualTo(IoTransport.IO_URING);
	}

	@Test
	void autoFallsBackToNioWithoutNativeJars() {
		assertThat(NettyTransport.choose(IoTransport.AUTO, NONE_AVAILABLE, EPOLL_THEN_IO_URING))
			.isEqualTo(IoTransport.NIO);
	}

	@Test
	void forcedTransportIsUsedWhenAvailable() {
		assertThat(NettyTransport.choose(IoTransport.IO_URING, ALL_AVAILABLE)).isEqualTo(IoTransport.IO_URING);
		assertThat(NettyTransport.choose(IoTransport.EPOLL, ALL_AVAILABLE)).isEqualTo(IoTransport.EPOLL);
		assertThat(NettyTransport.choose(IoTransport.NIO, ALL_AVAILABLE)).isEqualTo(IoTransport.NIO);
		assertThat(NettyTransport.choose(IoTransport.NIO, NONE_AVAILABLE)).isEqualTo(IoTransport.NIO);
	}

	@Test
	void forcingAnAbsentTransportNamesThePropertyAndTheJar() {
		assertThatIllegalStateException().isThrownBy(() -> NettyTransport.choose(IoTransport.EPOLL, NONE_AVAILABLE))
			.withMessageContaining("easyrpc.netty.transport=epoll")
			.withMessageContaining("io.netty:netty-transport-native-epoll")
			.withMessageContaining("linux-x86_64")
			.withMessageContaining("its classes are not on the class path");
		assertThatIllegalStateException().isThrownBy(() -> NettyTransport.choose(IoTransport.IO_URING, NONE_AVAILABLE))
			.withMessageContaining("easyrpc.netty.transport=io-uring")
			.withMessageContaining("io.netty:netty-transport-native-io_uring");
	}

	@Test
	void probeReportsClassesHiddenFromItsClassLoader() {
		TransportProbe probe = TransportProbe
			.of(new HidingClassLoader(Set.of("io.netty.channel.epoll.", "io.netty.channel.uring."),
					NettyTransportTests.class.getClassLoader()));
		assertThat(probe.unavailability(IoTransport.EPOLL)).contains("io.netty.channel.epoll.Epoll")
			.contains("not on the class path");
		assertThat(probe.unavailability(IoTransport.IO_URING)).contains("io.netty.channel.uring.IoUring")
			.contains("not on the class path");
		assertThat(NettyTransport.choose(IoTransport.AUTO, probe, EPOLL_THEN_IO_URING)).isEqualTo(IoTransport.NIO);
		assertThatIllegalStateException().isThrownBy(() -> NettyTransport.choose(IoTransport.EPOLL, probe))
			.withMessageContaining("easyrpc.netty.transport=epoll");
	}

	@Test
	void nioResolvesToNioChannels() {
		NettyTransport transport = NettyTransport.resolve(IoTransport.NIO);
		assertThat(transport.kind()).isEqualTo(IoTransport.NIO);
		assertThat(transport.serverChannelClass()).isEqualTo(NioServerSocketChannel.class);
		assertThat(transport.socketChannelClass()).isEqualTo(NioSocketChannel.class);
	}

	@Test
	void epollResolvesToEpollChannelsWhenTheNativeJarLoads() {
		assumeTrue(Epoll.isAvailable(), () -> "epoll does not load here: " + Epoll.unavailabilityCause());
		NettyTransport transport = NettyTransport.resolve(IoTransport.EPOLL);
		assertThat(transport.kind()).isEqualTo(IoTransport.EPOLL);
		assertThat(transport.serverChannelClass()).isEqualTo(EpollServerSocketChannel.class);
		assertThat(transport.socketChannelClass()).isEqualTo(EpollSocketChannel.class);
	}

	@Test
	void autoResolvesToNioChannelsEvenWithTheNativeJars() {
		NettyTransport transport = NettyTransport.resolve(IoTransport.AUTO);
		assertThat(transport.kind()).isEqualTo(IoTransport.NIO);
		assertThat(transport.serverChannelClass()).isEqualTo(NioServerSocketChannel.class);
	}

	/**
	 * A class loader that does not see some packages, as if their jar were absent.
	 */
	private static final class HidingClassLoader extends ClassLoader {

		private final Set<String> hiddenPrefixes;

		HidingClassLoader(Set<String> hiddenPrefixes, ClassLoader parent) {
			super(parent);
			this.hiddenPrefixes = hiddenPrefixes;
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (this.hiddenPrefixes.stream().anyMatch(name::startsWith)) {
				throw new ClassNotFoundException(name);
			}
			return super.loadClass(name, resolve);
		}

	}

}
