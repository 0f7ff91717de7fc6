package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.PayloadEncryption;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;

/**
 * Measures what {@link PayloadEncryption} costs per call, by hand: alternates runs
 * without processors, with a processor that returns the payload as it is (the cost of
 * having any processor: the payload is copied out of and back into the frame) and with
 * the encryption processor, on server and client in one JVM, each run keeping a fixed
 * number of asynchronous calls in flight over loopback, and prints calls per second. Not
 * a test; no timing is asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh PayloadEncryptionOverhead [arguments]}.
 * <p>
 * Arguments: seconds per run (5), alternations (3), calls in flight (64), length of the
 * echoed string (16) and, to profile one mode alone, {@code plain}, {@code pass_through}
 * or {@code encrypted}.
 */
public final class PayloadEncryptionOverhead {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final byte[] KEY = new byte[32];

	private PayloadEncryptionOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 64;
		int length = (args.length > 3) ? Integer.parseInt(args[3]) : 16;
		String text = "x".repeat(length);
		System.out.printf("%d s per run, %d alternations, %d calls in flight, %d-character string%n", seconds, rounds,
				inFlight, length);
		if (args.length > 4) {
			Mode only = Mode.valueOf(args[4].toUpperCase(Locale.ROOT));
			run(only, Duration.ofSeconds(3), inFlight, text);
			System.out.printf("%s only: %,.0f calls/s%n", only, run(only, Duration.ofSeconds(seconds), inFlight, text));
			return;
		}
		for (Mode mode : Mode.values()) {
			run(mode, Duration.ofSeconds(3), inFlight, text);
		}
		for (int round = 1; round <= rounds; round++) {
			double plain = run(Mode.PLAIN, Duration.ofSeconds(seconds), inFlight, text);
			double passThrough = run(Mode.PASS_THROUGH, Duration.ofSeconds(seconds), inFlight, text);
			double encrypted = run(Mode.ENCRYPTED, Duration.ofSeconds(seconds), inFlight, text);
			System.out.printf(
					"round %d: plain %,.0f calls/s, pass-through processor %,.0f calls/s (%+.1f%%), "
							+ "encrypted %,.0f calls/s (%+.1f%%)%n",
					round, plain, passThrough, (passThrough - plain) * 100 / plain, encrypted,
					(encrypted - plain) * 100 / plain);
		}
	}

	private static double run(Mode mode, Duration duration, int inFlight, String text) throws Exception {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new EchoService()).build());
		List<RpcProcessor> serverProcessors = mode.processors();
		List<RpcProcessor> clientProcessors = mode.processors();
		RpcServer.Builder serverBuilder = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.ioThreads(1);
		serverProcessors.forEach(serverBuilder::processor);
		RpcServer server = serverBuilder.build();
		server.start();
		RpcChannel.Builder channelBuilder = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(CODEC);
		clientProcessors.forEach(channelBuilder::processor);
		RpcChannel channel = channelBuilder.build();
		try {
			Echo echo = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Echo.class, Duration.ofSeconds(30)), channel);
			echo.echo("warm").get(10, TimeUnit.SECONDS);
			return ClosedLoop.callsPerSecond(() -> echo.echo(text), inFlight, duration);
		}
		finally {
			channel.close();
			server.stop(Duration.ZERO);
		}
	}

	enum Mode {

		PLAIN, PASS_THROUGH, ENCRYPTED;

		List<RpcProcessor> processors() {
			return switch (this) {
				case PLAIN -> List.of();
				case PASS_THROUGH -> List.of(new PassThrough());
				case ENCRYPTED -> List.of(PayloadEncryption.builder().key("k1", KEY).build());
			};
		}

	}

	static final class PassThrough implements RpcProcessor {

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			return payload;
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			return payload;
		}

	}

	/**
	 * The measured service.
	 */
	public interface Echo {

		CompletableFuture<String> echo(String text);

	}

	static final class EchoService implements Echo {

		@Override
		public CompletableFuture<String> echo(String text) {
			return CompletableFuture.completedFuture(text);
		}

	}

}
