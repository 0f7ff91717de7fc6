package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;

/**
 * Measures what TLS costs per call, by hand: alternates runs without and with TLS in one
 * JVM, each run keeping a fixed number of asynchronous calls in flight over loopback
 * (127.0.0.1), and prints calls per second. The TLS runs use the JDK's TLS provider with
 * an EC P-256 certificate made at start-up. Not a test; no timing is asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh TlsOverhead [arguments]}.
 * <p>
 * Arguments: seconds per run (5), alternations (3), calls in flight (64), payload
 * characters (16).
 */
public final class TlsOverhead {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final LoopbackCertificate PKI = LoopbackCertificate.create();

	private TlsOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 64;
		int payload = (args.length > 3) ? Integer.parseInt(args[3]) : 16;
		String text = "x".repeat(payload);
		System.out.printf("%d s per run, %d alternations, %d calls in flight, %d-character payload, Java %s%n", seconds,
				rounds, inFlight, payload, System.getProperty("java.version"));
		run(false, Duration.ofSeconds(2), inFlight, text);
		run(true, Duration.ofSeconds(2), inFlight, text);
		double plainSum = 0;
		double tlsSum = 0;
		for (int round = 1; round <= rounds; round++) {
			double plain = run(false, Duration.ofSeconds(seconds), inFlight, text);
			double tls = run(true, Duration.ofSeconds(seconds), inFlight, text);
			plainSum += plain;
			tlsSum += tls;
			System.out.printf("round %d: plain %,.0f calls/s, TLS %,.0f calls/s (%+.1f%%)%n", round, plain, tls,
					(tls - plain) * 100 / plain);
		}
		System.out.printf("mean: plain %,.0f calls/s, TLS %,.0f calls/s (%+.1f%%)%n", plainSum / rounds,
				tlsSum / rounds, (tlsSum - plainSum) * 100 / plainSum);
	}

	private static double run(boolean tls, Duration duration, int inFlight, String text) throws Exception {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new EchoService()).build());
		RpcServer.Builder serverBuilder = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.ioThreads(1);
		if (tls) {
			serverBuilder.sslContext(PKI.serverContext());
		}
		RpcServer server = serverBuilder.build();
		server.start();
		RpcChannel.Builder channelBuilder = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(CODEC);
		if (tls) {
			channelBuilder.sslContext(PKI.clientContext());
		}
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
