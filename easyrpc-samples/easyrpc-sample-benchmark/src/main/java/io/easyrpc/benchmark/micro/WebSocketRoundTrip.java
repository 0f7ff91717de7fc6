package io.easyrpc.benchmark.micro;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.websocket.EasyRpcWebSocketAutoConfiguration;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Measures unary calls by hand. First against one Spring Boot application that serves its
 * services on a TCP port and on its servlet WebSocket endpoint: the easyrpc client over
 * {@code tcp://}, the easyrpc client over {@code ws://} (Netty's WebSocket codec), and,
 * for comparison, raw request frames sent through Spring's
 * {@link StandardWebSocketClient} to the same endpoint. Then the same three against
 * servers of the engine alone, one over TCP and one whose port speaks WebSocket through
 * the server side of {@link WebSocketFraming}, so that the WebSocket framing is compared
 * without the servlet container in the way. Sequential calls give the round trip latency
 * (median and 99th percentile); calls kept in flight give the throughput. Not a test; no
 * timing is asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh WebSocketRoundTrip [arguments]}.
 * <p>
 * Arguments: seconds per run (5), rounds (3), calls in flight (16), payload characters
 * (16).
 */
public final class WebSocketRoundTrip {

	private static final int MAX_SAMPLES = 2_000_000;

	private WebSocketRoundTrip() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 16;
		int payload = (args.length > 3) ? Integer.parseInt(args[3]) : 16;
		String text = "x".repeat(payload);
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		RpcServer engineTcp = engineServer(false);
		RpcServer engineWs = engineServer(true);
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--easyrpc.server.host=127.0.0.1", "--easyrpc.server.port=0", "--logging.level.root=warn",
				"--spring.main.banner-mode=off", "--spring.lifecycle.timeout-per-shutdown-phase=1s")) {
			int webPort = ((WebServerApplicationContext) context).getWebServer().getPort();
			int tcpPort = context.getBean(RpcServer.class).port();
			RpcAddress servletWs = RpcAddress.parse("ws://127.0.0.1:" + webPort + "/easyrpc");
			RpcAddress nettyWs = RpcAddress.parse("ws://127.0.0.1:" + engineWs.port() + "/easyrpc");
			System.out.printf("%d s per run, %d rounds, %d calls in flight, %d-character payload, Java %s%n", seconds,
					rounds, inFlight, payload, System.getProperty("java.version"));
			try (RpcChannel appTcp = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", tcpPort)).build();
					RpcChannel appWs = RpcChannel.builder(servletWs).build();
					SpringClient appSpring = new SpringClient(servletWs.toUri());
					RpcChannel nettyTcp = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", engineTcp.port())).build();
					RpcChannel nettyWsChannel = RpcChannel.builder(nettyWs).build();
					SpringClient nettySpring = new SpringClient(nettyWs.toUri())) {
				Target[] targets = { new Target("servlet app, tcp://", client(appTcp), null),
						new Target("servlet app, ws://", client(appWs), null),
						new Target("servlet app, Spring client raw frames", null, appSpring),
						new Target("engine, tcp://", client(nettyTcp), null),
						new Target("engine, ws://", client(nettyWsChannel), null),
						new Target("engine ws, Spring client raw frames", null, nettySpring) };
				Duration warmUp = Duration.ofSeconds(2);
				for (Target target : targets) {
					sequential(target.call(), text, warmUp);
					if (target.echo() != null) {
						concurrent(target.echo(), text, inFlight, warmUp);
					}
				}
				Duration run = Duration.ofSeconds(seconds);
				for (int round = 1; round <= rounds; round++) {
					for (Target target : targets) {
						System.out.printf("round %d, %-38s sequential: %s%n", round, target.name(),
								sequential(target.call(), text, run));
					}
					for (Target target : targets) {
						if (target.echo() != null) {
							System.out.printf("round %d, %-38s %d in flight: %,.0f calls/s%n", round, target.name(),
									inFlight, concurrent(target.echo(), text, inFlight, run));
						}
					}
				}
			}
		}
		finally {
			engineTcp.stop(Duration.ZERO);
			engineWs.stop(Duration.ZERO);
		}
	}

	// A server without Spring; with webSocket, its port speaks WebSocket through the
	// server side of WebSocketFraming instead of TCP framing.
	private static RpcServer engineServer(boolean webSocket) {
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new EchoService()).build());
		RpcServer.Builder builder = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec);
		if (webSocket) {
			builder.bootstrapCustomizer((bootstrap) -> {
				ChannelHandler tcp = bootstrap.config().childHandler();
				bootstrap.childHandler(new ChannelInitializer<>() {

					@Override
					protected void initChannel(Channel channel) {
						channel.pipeline().addLast(tcp);
						StreamFraming.removeHandlers(channel.pipeline());
						String next = (channel.pipeline().get("idle") != null) ? "idle" : "easyrpc";
						WebSocketFraming.addServerHandlers(channel.pipeline(), next, "/easyrpc", 8 * 1024 * 1024,
								10_000);
					}

				});
			});
		}
		RpcServer server = builder.build();
		server.start();
		return server;
	}

	private record Target(String name, Echo echo, SpringClient spring) {

		Call call() {
			return (this.echo != null) ? this.echo::echo : this.spring::echo;
		}

	}

	private static Echo client(RpcChannel channel) {
		return new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Echo.class, Duration.ofSeconds(30)), channel);
	}

	// One call at a time: the round trip of a call.
	private static String sequential(Call call, String text, Duration duration) throws Exception {
		long[] samples = new long[MAX_SAMPLES];
		int count = 0;
		long end = System.nanoTime() + duration.toNanos();
		long start = System.nanoTime();
		long now = start;
		while (now < end && count < samples.length) {
			String answer = call.echo(text);
			long after = System.nanoTime();
			if (answer.length() != text.length()) {
				throw new IllegalStateException("Unexpected answer of " + answer.length() + " characters");
			}
			samples[count++] = after - now;
			now = after;
		}
		double seconds = (now - start) / 1e9;
		Arrays.sort(samples, 0, count);
		return String.format("%,.0f calls/s, median %.1f µs, p99 %.1f µs", count / seconds, samples[count / 2] / 1e3,
				samples[(int) (count * 0.99)] / 1e3);
	}

	// A fixed number of calls in flight: each answer starts the next call.
	private static double concurrent(Echo echo, String text, int inFlight, Duration duration) throws Exception {
		LongAdder done = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch stopped = new CountDownLatch(inFlight);
		long start = System.nanoTime();
		for (int i = 0; i < inFlight; i++) {
			next(echo, text, done, running, stopped);
		}
		Thread.sleep(duration.toMillis());
		running.set(false);
		long elapsed = System.nanoTime() - start;
		long count = done.sum();
		if (!stopped.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Calls still in flight 30 s after the run");
		}
		return count / (elapsed / 1e9);
	}

	private static void next(Echo echo, String text, LongAdder done, AtomicBoolean running, CountDownLatch stopped) {
		echo.echoAsync(text).whenComplete((answer, failure) -> {
			if (failure != null) {
				failure.printStackTrace();
				stopped.countDown();
				return;
			}
			done.increment();
			if (running.get()) {
				next(echo, text, done, running, stopped);
			}
			else {
				stopped.countDown();
			}
		});
	}

	@FunctionalInterface
	interface Call {

		String echo(String text) throws Exception;

	}

	/**
	 * The service, as client and server see it.
	 */
	public interface Echo {

		String echo(String text);

		CompletableFuture<String> echoAsync(String text);

	}

	@RpcService
	static class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

		@Override
		public CompletableFuture<String> echoAsync(String text) {
			return CompletableFuture.completedFuture(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
			EasyRpcServerAutoConfiguration.class, EasyRpcWebSocketAutoConfiguration.class })
	@Import(EchoService.class)
	static class App {

	}

	// Sends request frames through Spring's WebSocket client (the JDK's JSR-356
	// container of the class path, here Tomcat's) and waits for each answer: the bare
	// transport, without an easyrpc client's call table, codec or proxy.
	static final class SpringClient implements AutoCloseable {

		private final BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(16);

		private final WebSocketSession session;

		private int callId;

		SpringClient(URI uri) throws Exception {
			WebSocketContainer container = ContainerProvider.getWebSocketContainer();
			this.session = new StandardWebSocketClient(container).execute(new AbstractWebSocketHandler() {

				@Override
				protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
					ByteBuffer bytes = message.getPayload();
					byte[] copy = new byte[bytes.remaining()];
					bytes.get(copy);
					SpringClient.this.received.add(copy);
				}

			}, new WebSocketHttpHeaders(), uri).get(10, TimeUnit.SECONDS);
			byte[] preface = new byte[Preface.LENGTH];
			new Preface(Preface.CURRENT_VERSION, 0, 8 * 1024 * 1024).writeTo(Unpooled.wrappedBuffer(preface).clear());
			this.session.sendMessage(new BinaryMessage(preface));
			take();
		}

		String echo(String text) throws Exception {
			int id = ++this.callId;
			byte[] payload;
			try (org.msgpack.core.MessageBufferPacker packer = org.msgpack.core.MessagePack.newDefaultBufferPacker()) {
				packer.packArrayHeader(1);
				packer.packString(text);
				payload = packer.toByteArray();
			}
			ByteBuf frame = FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, id, "Echo.echo", Metadata.EMPTY,
					(out) -> out.writePayload(payload));
			byte[] body;
			try {
				body = ByteBufUtil.getBytes(frame);
			}
			finally {
				frame.release();
			}
			this.session.sendMessage(new BinaryMessage(body));
			Frame answer = FrameCodec.decode(Unpooled.wrappedBuffer(take()));
			if (!(answer instanceof Frame.Response response) || response.callId() != id) {
				throw new IllegalStateException("Unexpected answer " + answer);
			}
			return org.msgpack.core.MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(response.payload()))
				.unpackString();
		}

		private byte[] take() throws InterruptedException {
			byte[] message = this.received.poll(10, TimeUnit.SECONDS);
			if (message == null) {
				throw new IllegalStateException("No answer within 10 s");
			}
			return message;
		}

		@Override
		public void close() throws Exception {
			this.session.close();
		}

	}

}
