package io.easyrpc.autoconfigure.websocket;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationAutoConfiguration;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.server.RpcServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket endpoint of a servlet application over a real socket, driven message by
 * message the way a browser drives it.
 */
class EasyRpcWebSocketTests {

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private URI start(String... properties) {
		this.context = ServletApplications.run(WebApp.class, properties);
		int port = ServletApplications.port(this.context);
		String path = this.context.getEnvironment().getProperty("easyrpc.server.websocket.path", "/easyrpc");
		return URI.create("ws://127.0.0.1:" + port + path);
	}

	@Test
	void unaryCallIsServedOneFramePerMessage() throws Exception {
		URI uri = start();
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			Preface preface = peer.readPreface();
			assertThat(preface.version()).isEqualTo(Preface.CURRENT_VERSION);
			peer.sendRequest(1, "Greeter.hello", "Ada");
			Frame frame = peer.readFrame();
			assertThat(frame).isInstanceOfSatisfying(Frame.Response.class, (response) -> {
				assertThat(response.callId()).isEqualTo(1);
				assertThat(string(response)).isEqualTo("Hello, Ada");
			});
		}
	}

	@Test
	void serviceSeesTheBrowsersAddressNotAnInProcessOne() throws Exception {
		URI uri = start();
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			peer.sendRequest(7, "Greeter.peer");
			Frame frame = peer.readFrame();
			assertThat(frame).isInstanceOfSatisfying(Frame.Response.class,
					(response) -> assertThat(string(response)).startsWith("/127.0.0.1:"));
		}
	}

	@Test
	void callsAreObservedWithTheWebSocketTransport() throws Exception {
		URI uri = start();
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			peer.sendRequest(1, "Greeter.hello", "Ada");
			assertThat(peer.readFrame()).isInstanceOf(Frame.Response.class);
		}
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		await().untilAsserted(() -> {
			Timer timer = registry.get("easyrpc.server.requests").tag("rpc.method", "hello").timer();
			assertThat(timer.getId().getTag("rpc.transport")).isEqualTo("websocket");
			assertThat(timer.count()).isOne();
		});
	}

	@Test
	void closingTheSessionClosesTheConnection() throws Exception {
		URI uri = start();
		RpcServer server = this.context.getBean(RpcServer.class);
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			await().until(() -> server.connectionCount() == 1);
			assertThat(server.connections()).singleElement().satisfies((connection) -> {
				assertThat(connection.transport()).isEqualTo("websocket");
				assertThat(connection.peer()).startsWith("/127.0.0.1:");
			});
		}
		await().until(() -> server.connectionCount() == 0);
	}

	@Test
	void pageFromAnotherOriginIsRefusedByDefault() {
		URI uri = start();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> WebSocketPeer.connect(uri, "http://elsewhere.example"));
	}

	@Test
	void allowedOriginMayConnect() throws Exception {
		URI uri = start("easyrpc.server.websocket.allowed-origins=http://app.example");
		try (WebSocketPeer peer = WebSocketPeer.connect(uri, "http://app.example")) {
			peer.sendPreface(1024 * 1024);
			assertThat(peer.readPreface().version()).isEqualTo(Preface.CURRENT_VERSION);
		}
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> WebSocketPeer.connect(uri, "http://elsewhere.example"));
	}

	@Test
	void messageLargerThanTheWebServersBufferIsJoinedFromItsParts() throws Exception {
		URI uri = start();
		String name = "x".repeat(200_000);
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			peer.sendRequest(1, "Greeter.hello", name);
			peer.sendRequest(2, "Greeter.hello", "Ada");
			// Calls run concurrently: the answers may arrive in either order.
			Map<Integer, String> answers = new HashMap<>();
			for (int i = 0; i < 2; i++) {
				Frame.Response response = (Frame.Response) peer.readFrame();
				answers.put(response.callId(), string(response));
			}
			assertThat(answers.get(1)).hasSize(name.length() + 7).startsWith("Hello, xxx").endsWith("xxx");
			assertThat(answers.get(1).equals("Hello, " + name)).isTrue();
			assertThat(answers.get(2)).isEqualTo("Hello, Ada");
		}
	}

	@Test
	void pathIsConfigurable() throws Exception {
		URI uri = start("easyrpc.server.websocket.path=/rpc/ws");
		assertThat(uri.getPath()).isEqualTo("/rpc/ws");
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			peer.sendRequest(1, "Greeter.hello", "Bo");
			assertThat(peer.readFrame()).isInstanceOfSatisfying(Frame.Response.class,
					(response) -> assertThat(string(response)).isEqualTo("Hello, Bo"));
		}
	}

	@Test
	void textMessageClosesTheSessionWithUnsupportedData() throws Exception {
		URI uri = start();
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendText("[0, 1, \"Greeter.hello\", [\"Ada\"]]");
			assertThat(peer.awaitClosed().getCode()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());
		}
	}

	@Test
	void firstMessageThatIsNotAPrefaceClosesTheSessionWithProtocolError() throws Exception {
		URI uri = start();
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.send(new byte[] { 1, 2, 3 });
			CloseStatus status = peer.awaitClosed();
			assertThat(status.getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
			assertThat(status.getReason()).contains("preface");
		}
	}

	@Test
	void oversizedMessageIsRefusedWithGoAway() throws Exception {
		URI uri = start("easyrpc.server.max-frame-size=1KB");
		try (WebSocketPeer peer = WebSocketPeer.connect(uri)) {
			peer.sendPreface(1024 * 1024);
			peer.readPreface();
			peer.sendRequest(1, "Greeter.hello", "x".repeat(4096));
			Frame frame = peer.readFrame();
			assertThat(frame).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
				assertThat(goAway.statusCode()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED.code());
				assertThat(goAway.message()).contains("exceeds the maximum frame size");
			});
			assertThat(peer.awaitClosed()).isNotNull();
		}
	}

	@Test
	void endpointCanBeSwitchedOff() {
		start("easyrpc.server.websocket.enabled=false");
		assertThat(this.context.getBeanNamesForType(RpcWebSocketHandler.class)).isEmpty();
	}

	private static String string(Frame.Response response) {
		try {
			return WebSocketPeer.string(response.payload());
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class, ObservationAutoConfiguration.class,
			MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
			EasyRpcServerAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class,
			EasyRpcWebSocketAutoConfiguration.class })
	@Import(GreeterService.class)
	static class WebApp {

	}

	interface Greeter {

		String hello(String name);

		String peer();

	}

	@RpcService
	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public String peer() {
			return String.valueOf(RpcContext.current().peerAddress());
		}

	}

}
