package io.easyrpc.benchmark.driver;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.easyrpc.autoconfigure.EasyRpcServerProperties;
import io.easyrpc.autoconfigure.websocket.EasyRpcWebSocketAutoConfiguration;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Times round trips of one large string (2 MiB by default) over TCP, over WebSocket
 * (Netty's WebSocket codec on both sides: the client on a {@code ws://} address, the
 * server's port speaking WebSocket through the server side of {@link WebSocketFraming}),
 * over the servlet WebSocket endpoint (Tomcat, the Spring module's handler, the same
 * {@code ws://} client) and in process. Each transport gets its own server and channel, a
 * warm-up, then sequential calls; the best and the mean time are printed. Not a test:
 * nothing is asserted.
 * <p>
 * Arguments: payload characters (2097152), calls per transport (20), rounds (2).
 */
public final class LargeMessageRoundTrip {

	private static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private LargeMessageRoundTrip() {
	}

	/**
	 * Run the measurement.
	 * @param args payload characters, calls per transport, rounds
	 * @throws Exception if a call fails
	 */
	public static void main(String[] args) throws Exception {
		int characters = (args.length > 0) ? Integer.parseInt(args[0]) : 2 * 1024 * 1024;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 2;
		String payload = "y".repeat(characters);
		for (int round = 1; round <= rounds; round++) {
			for (String transport : List.of("tcp", "ws", "servlet", "inproc")) {
				measure(round, transport, payload, calls);
			}
		}
	}

	private static void measure(int round, String transport, String payload, int calls) {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new EchoService()).build());
		RpcServer.Builder builder = RpcServer.builder()
			.address(transport.equals("inproc") ? RpcAddress.inProcess("large-message-round-trip")
					: RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.maxFrameSize(MAX_FRAME_SIZE);
		if (transport.equals("ws")) {
			servesWebSocket(builder, "/easyrpc");
		}
		RpcServer server = builder.build();
		server.start();
		ConfigurableApplicationContext web = null;
		try {
			if (transport.equals("servlet")) {
				web = servletEndpoint(server);
			}
			RpcAddress address = switch (transport) {
				case "ws" -> RpcAddress.parse("ws://127.0.0.1:" + server.port() + "/easyrpc");
				case "servlet" -> RpcAddress.parse(
						"ws://127.0.0.1:" + ((WebServerApplicationContext) web).getWebServer().getPort() + "/easyrpc");
				case "inproc" -> RpcAddress.inProcess("large-message-round-trip");
				default -> RpcAddress.tcp("127.0.0.1", server.port());
			};
			try (RpcChannel channel = RpcChannel.builder(address).codec(CODEC).maxFrameSize(MAX_FRAME_SIZE).build()) {
				Echo echo = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
					.createProxy(new ClientDefinition(Echo.class, "Echo", null, Duration.ofMinutes(1), null), channel);
				for (int i = 0; i < 3; i++) {
					echo.echo(payload);
				}
				long best = Long.MAX_VALUE;
				long total = 0;
				for (int i = 0; i < calls; i++) {
					long start = System.nanoTime();
					echo.echo(payload);
					long took = System.nanoTime() - start;
					best = Math.min(best, took);
					total += took;
				}
				System.out.printf(Locale.ROOT, "round %d %-6s %,d chars: best %.1f ms, mean %.1f ms over %d calls%n",
						round, transport, payload.length(), best / 1e6, total / 1e6 / calls, calls);
			}
		}
		finally {
			if (web != null) {
				web.close();
			}
			server.stop(Duration.ZERO);
		}
	}

	// A Tomcat application that serves the server's services on its WebSocket endpoint.
	private static ConfigurableApplicationContext servletEndpoint(RpcServer server) {
		SpringApplication application = new SpringApplication(ServletEndpoint.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("rpcServer", server));
		return application.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--logging.level.root=warn", "--spring.lifecycle.timeout-per-shutdown-phase=1s");
	}

	// Every accepted connection gets the server side of the WebSocket framing in place of
	// the TCP frame decoder, in front of the engine's connection handler.
	private static void servesWebSocket(RpcServer.Builder builder, String path) {
		builder.bootstrapCustomizer((bootstrap) -> {
			ChannelHandler tcp = bootstrap.config().childHandler();
			bootstrap.childHandler(new ChannelInitializer<>() {

				@Override
				protected void initChannel(Channel channel) {
					ChannelPipeline pipeline = channel.pipeline();
					pipeline.addLast(tcp);
					StreamFraming.removeHandlers(pipeline);
					String next = (pipeline.get("idle") != null) ? "idle" : "easyrpc";
					WebSocketFraming.addServerHandlers(pipeline, next, path, MAX_FRAME_SIZE, 10_000);
				}

			});
		});
	}

	/**
	 * The service: answers with what it was sent.
	 */
	public interface Echo {

		/**
		 * Return the text.
		 * @param text any text
		 * @return the same text
		 */
		String echo(String text);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EasyRpcServerProperties.class)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, EasyRpcWebSocketAutoConfiguration.class })
	static class ServletEndpoint {

	}

	static final class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

}
