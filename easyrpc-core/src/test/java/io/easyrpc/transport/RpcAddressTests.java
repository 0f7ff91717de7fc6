package io.easyrpc.transport;

import java.net.InetSocketAddress;
import java.net.URI;

import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RpcAddress}.
 */
class RpcAddressTests {

	@Test
	void tcpAndInProcessAddressesAreUnchanged() {
		RpcAddress tcp = RpcAddress.parse("tcp://localhost:7070");
		assertThat(tcp).isEqualTo(RpcAddress.tcp("localhost", 7070));
		assertThat(tcp.path()).isNull();
		assertThat(tcp.isWebSocket()).isFalse();
		assertThat(tcp).hasToString("tcp://localhost:7070");
		assertThat(RpcAddress.parse("inproc://orders")).isEqualTo(RpcAddress.inProcess("orders"))
			.hasToString("inproc://orders");
		assertThat(RpcAddress.tcp("::1", 7070)).hasToString("tcp://[::1]:7070");
	}

	@Test
	void webSocketAddressKeepsHostPortAndPath() {
		RpcAddress address = RpcAddress.parse("ws://localhost:8080/api/rpc");
		assertThat(address.scheme()).isEqualTo("ws");
		assertThat(address.host()).isEqualTo("localhost");
		assertThat(address.port()).isEqualTo(8080);
		assertThat(address.path()).isEqualTo("/api/rpc");
		assertThat(address.isWebSocket()).isTrue();
		assertThat(address.isSecureWebSocket()).isFalse();
		assertThat(address.isInProcess()).isFalse();
		assertThat(address).hasToString("ws://localhost:8080/api/rpc");
		assertThat(address.toUri()).isEqualTo(URI.create("ws://localhost:8080/api/rpc"));
		assertThat(address.toSocketAddress()).isEqualTo(new InetSocketAddress("localhost", 8080));
	}

	@Test
	void webSocketAddressDefaultsPortAndPath() {
		assertThat(RpcAddress.parse("ws://example.com")).hasToString("ws://example.com:80/easyrpc");
		assertThat(RpcAddress.parse("ws://example.com/")).hasToString("ws://example.com:80/");
		RpcAddress secure = RpcAddress.parse("wss://example.com");
		assertThat(secure.port()).isEqualTo(443);
		assertThat(secure.path()).isEqualTo(RpcAddress.DEFAULT_WEBSOCKET_PATH);
		assertThat(secure.isSecureWebSocket()).isTrue();
		assertThat(secure).hasToString("wss://example.com:443/easyrpc");
	}

	@Test
	void webSocketAddressKeepsItsQueryAndIpv6Host() {
		assertThat(RpcAddress.parse("wss://[::1]:8443/rpc?tenant=a%20b"))
			.hasToString("wss://[::1]:8443/rpc?tenant=a%20b")
			.satisfies((address) -> assertThat(address.path()).isEqualTo("/rpc?tenant=a%20b"));
	}

	@Test
	void webSocketAddressesBuiltInCodeGetTheDefaultPath() {
		assertThat(new RpcAddress("ws", "localhost", 8080, null)).hasToString("ws://localhost:8080/easyrpc");
		assertThat(new RpcAddress("tcp", "localhost", 7070, "/ignored").path()).isNull();
	}

	@Test
	void badWebSocketAddressesAreRefusedClearly() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("ws:///easyrpc"))
			.withMessage("Invalid easyrpc address 'ws:///easyrpc': expected ws://host[:port][/path] with a host name");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("wss:localhost"))
			.withMessageContaining("expected wss://host[:port][/path] with a host name");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("ws://user:pw@localhost/easyrpc"))
			.withMessageContaining("user information is not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("ws://localhost/easyrpc#top"))
			.withMessageContaining("cannot have a fragment");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("ws://local host/easyrpc"))
			.withMessageStartingWith("Invalid easyrpc address 'ws://local host/easyrpc'");
	}

	@Test
	void unsupportedSchemeListsTheSupportedOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("http://localhost:8080/easyrpc"))
			.withMessageContaining("the scheme must be tcp, ws, wss, unix or inproc");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse(" "))
			.withMessageContaining("ws://host:port/path");
	}

	@Test
	void unixAddressNamesTheSocketFile() {
		RpcAddress address = RpcAddress.parse("unix:/run/app/rpc.sock");
		assertThat(address.isUnixSocket()).isTrue();
		assertThat(address.host()).isEqualTo("/run/app/rpc.sock");
		assertThat(address.port()).isEqualTo(-1);
		assertThat(address.path()).isNull();
		assertThat(address).hasToString("unix:/run/app/rpc.sock").isEqualTo(RpcAddress.unix("/run/app/rpc.sock"));
		assertThat(RpcAddress.parse("unix:///run/app/rpc.sock")).isEqualTo(address);
		assertThat(RpcAddress.parse("unix:rpc.sock").host()).isEqualTo("rpc.sock");
		assertThat(address.toSocketAddress()).isEqualTo(java.net.UnixDomainSocketAddress.of("/run/app/rpc.sock"));
	}

	@Test
	void badUnixAddressesAreRefusedClearly() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("unix:"))
			.withMessageStartingWith("Invalid easyrpc address 'unix:'");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("unix://host/rpc.sock"))
			.withMessageContaining("expected unix:/path/to.sock");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.unix(""));
	}

	@Test
	void msgpackRpcAddressNamesAPlainMessagePackRpcServerOverTcp() {
		RpcAddress address = RpcAddress.parse("msgpack-rpc://localhost:6666");
		assertThat(address).isEqualTo(RpcAddress.msgpackRpc("localhost", 6666))
			.hasToString("msgpack-rpc://localhost:6666");
		assertThat(address.scheme()).isEqualTo(RpcAddress.MSGPACK_RPC);
		assertThat(address.isMsgpackRpc()).isTrue();
		assertThat(address.isUnixSocket()).isFalse();
		assertThat(address.isWebSocket()).isFalse();
		assertThat(address.path()).isNull();
		assertThat(address.toSocketAddress()).isEqualTo(new InetSocketAddress("localhost", 6666));
		assertThat(RpcAddress.msgpackRpc("::1", 6666)).hasToString("msgpack-rpc://[::1]:6666");
		assertThat(RpcAddress.tcp("localhost", 6666).isMsgpackRpc()).isFalse();
	}

	@Test
	void msgpackRpcUnixAddressNamesTheSocketFile() {
		RpcAddress address = RpcAddress.parse("msgpack-rpc+unix:/run/nvim.sock");
		assertThat(address).isEqualTo(RpcAddress.msgpackRpcUnix("/run/nvim.sock"))
			.hasToString("msgpack-rpc+unix:/run/nvim.sock");
		assertThat(address.isMsgpackRpc()).isTrue();
		assertThat(address.isUnixSocket()).isTrue();
		assertThat(address.host()).isEqualTo("/run/nvim.sock");
		assertThat(address.port()).isEqualTo(-1);
		assertThat(RpcAddress.parse("msgpack-rpc+unix:///run/nvim.sock")).isEqualTo(address);
		assertThat(address.toSocketAddress()).isEqualTo(java.net.UnixDomainSocketAddress.of("/run/nvim.sock"));
		assertThat(RpcAddress.unix("/run/nvim.sock").isMsgpackRpc()).isFalse();
	}

	@Test
	void badMsgpackRpcAddressesSayWhatIsExpected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("msgpack-rpc://localhost"))
			.withMessage("Invalid easyrpc address 'msgpack-rpc://localhost': expected msgpack-rpc://host:port "
					+ "with a host and a port");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("msgpack-rpc+unix:"))
			.withMessageStartingWith("Invalid easyrpc address 'msgpack-rpc+unix:'");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("msgpack-rpc+unix://host/n.sock"))
			.withMessageContaining("expected msgpack-rpc+unix:/path/to.sock");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.parse("msgpackrpc://localhost:1"))
			.withMessageContaining("msgpack-rpc or msgpack-rpc+unix for a plain MessagePack-RPC server");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcAddress.msgpackRpcUnix(""));
	}

	@Test
	void serverRefusesToBindAMsgpackRpcAddress() {
		try (TransportResources resources = new TransportResources("test", 1)) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> resources.bind(RpcAddress.parse("msgpack-rpc://localhost:6666"), null, null))
				.withMessageContaining("Cannot bind msgpack-rpc://localhost:6666")
				.withMessageContaining("a server binds tcp://, unix: or inproc:// addresses");
		}
	}

	@Test
	void toUriOfANonWebSocketAddressFails() {
		assertThatIllegalStateException().isThrownBy(() -> RpcAddress.tcp("localhost", 1).toUri())
			.withMessage("tcp://localhost:1 is not a WebSocket address");
	}

	@Test
	void serverRefusesToBindAWebSocketAddress() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcServer.builder().address(RpcAddress.parse("ws://localhost:8080/easyrpc")))
			.withMessageContaining("cannot bind ws://localhost:8080/easyrpc")
			.withMessageContaining("easyrpc.server.websocket");
		try (TransportResources resources = new TransportResources("test", 1)) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> resources.bind(RpcAddress.parse("wss://localhost/easyrpc"), null, null))
				.withMessageContaining("Cannot bind wss://localhost:443/easyrpc");
		}
	}

}
