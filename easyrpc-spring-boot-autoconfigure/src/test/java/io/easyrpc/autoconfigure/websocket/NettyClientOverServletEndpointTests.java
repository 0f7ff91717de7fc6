package io.easyrpc.autoconfigure.websocket;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The engine's WebSocket client ({@code ws://} addresses, Netty's WebSocket codec)
 * against the servlet WebSocket endpoint of a Spring Boot application over a real socket.
 */
class NettyClientOverServletEndpointTests {

	private ConfigurableApplicationContext context;

	private final List<RpcChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.channels.forEach(RpcChannel::close);
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void unaryCallsAndStreamsOverTheServletEndpoint() {
		int port = start();
		List<CallInfo> calls = new CopyOnWriteArrayList<>();
		RpcChannel channel = channel("ws://127.0.0.1:" + port + "/easyrpc", (builder) -> builder.observer((call) -> {
			calls.add(call);
			return null;
		}));
		Numbers numbers = client(channel);
		assertThat(numbers.hello("Ada")).isEqualTo("Hello, Ada");
		assertThat(numbers.hello("x".repeat(200_000))).hasSize(200_007);
		try (Stream<Integer> items = numbers.count(500)) {
			assertThat(items.mapToLong(Integer::longValue).sum()).isEqualTo(499L * 500 / 2);
		}
		assertThat(calls).isNotEmpty().allSatisfy((call) -> assertThat(call.transport()).isEqualTo("websocket"));
		RpcServer server = this.context.getBean(RpcServer.class);
		assertThat(server.connectionCount()).isOne();
		channel.close();
		await().until(() -> server.connectionCount() == 0);
	}

	@Test
	void configuredPathIsTakenFromTheAddress() {
		int port = start("easyrpc.server.websocket.path=/rpc/ws");
		Numbers numbers = client(channel("ws://127.0.0.1:" + port + "/rpc/ws", (builder) -> {
		}));
		assertThat(numbers.hello("Bo")).isEqualTo("Hello, Bo");
	}

	@Test
	void wrongPathFailsWithTheHttpStatus() {
		int port = start();
		RpcAddress address = RpcAddress.parse("ws://127.0.0.1:" + port + "/elsewhere");
		Numbers numbers = client(channel(address.toString(), (builder) -> {
		}));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> numbers.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("WebSocket handshake with " + address + " failed")
			.withMessageContaining("HTTP 404");
	}

	@Test
	void clientWithoutAnOriginPassesTheOriginCheck() {
		int port = start("easyrpc.server.websocket.allowed-origins=http://app.example");
		Numbers numbers = client(channel("ws://127.0.0.1:" + port + "/easyrpc", (builder) -> {
		}));
		assertThat(numbers.hello("Cy")).isEqualTo("Hello, Cy");
	}

	@Test
	void oversizedRequestIsRefusedByTheServer() {
		int port = start("easyrpc.server.max-frame-size=1KB");
		Numbers numbers = client(channel("ws://127.0.0.1:" + port + "/easyrpc", (builder) -> {
		}));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> numbers.hello("x".repeat(4096)))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
		assertThat(numbers.hello("small")).isEqualTo("Hello, small");
	}

	private int start(String... properties) {
		this.context = ServletApplications.run(WebApp.class, properties);
		return ServletApplications.port(this.context);
	}

	private RpcChannel channel(String address, java.util.function.Consumer<RpcChannel.Builder> customizer) {
		RpcChannel.Builder builder = RpcChannel.builder(RpcAddress.parse(address));
		customizer.accept(builder);
		RpcChannel channel = builder.build();
		this.channels.add(channel);
		return channel;
	}

	private static Numbers client(RpcChannel channel) {
		return new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Numbers.class, Duration.ofSeconds(10)), channel);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
			EasyRpcServerAutoConfiguration.class, EasyRpcWebSocketAutoConfiguration.class })
	@Import(NumbersService.class)
	static class WebApp {

	}

	public interface Numbers {

		String hello(String name);

		Stream<Integer> count(int count);

	}

	@RpcService
	static class NumbersService implements Numbers {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public Stream<Integer> count(int count) {
			return Stream.iterate(0, (i) -> i + 1).limit(count);
		}

	}

}
